"""Appendices D.1.2 and D.1.3: Theorems D.4/D.5 (best L2 exponential sums of
completely monotone targets are non-degenerate and satisfy the Aigrain-Williams
equations), Theorem D.7 with Remark D.7 (then the count of Theorem D.2 applies),
and Proposition D.1 (saddles and degenerate stable points on the line
M_{(a_hat, w_hat),(2,1)})."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import sympy as sp

from ..backends import Precision, to_arb
from ..landscape import certified_spectrum, exact_fraction, global_minimiser, surjections
from ..loss import Loss
from ..symbolic.landscape import a_1, a_hat, c_hat, line_congruence, line_hessian, two_term_optimality, w_hat
from ..targets import ExpSum, PowerLaw
from .tools import ball_str
from .base import Claim, Falsifier, Verdict

_CM_TARGETS = {"powerlaw": PowerLaw(Fraction(3, 2)),
               "expsum+": ExpSum([Fraction(1), Fraction(1, 2), Fraction(1, 4)], [Fraction(1), Fraction(2), Fraction(5)]),
               "expsum-": ExpSum([Fraction(-1), Fraction(-1, 2), Fraction(-1, 4)],
                                 [Fraction(1), Fraction(2), Fraction(5)])}


# ---------------------------------------------------------------------------
# Theorems D.4 / D.5: Aigrain-Williams


def verify_thm_d5(cases=(("powerlaw", 3), ("expsum+", 2)), dps=40, variant="printed"):
    """For completely monotone targets, the best L2 approximation by d exponentials
    (the global minimiser of J_d, found by `global_minimiser`) is non-degenerate,
    0 < v_1 < ... < v_d and b_j > 0 (certified), and satisfies the generalised
    Aigrain-Williams equations L[rho_0](v_j) = L[rho](v_j), L'[rho_0](v_j) = L'[rho](v_j)
    (residuals certified below 10^(-dps/2)).  That it is the global minimiser is
    numerical evidence (several starts), hence 'supported'."""
    variants = ("printed", "second-order", "not-monotone")
    if variant not in variants:
        raise ValueError(f"variant must be one of {variants}, got {variant!r}")
    if variant == "not-monotone":  # the theorem's premise dropped: a target < 0 is not completely monotone
        cases = (("expsum-", 2),)
    tol = to_arb(mpmath.mpf(10) ** (-(dps // 2)))
    rows = []
    for name, dmax in cases:
        target = _CM_TARGETS[name]
        for d in range(1, dmax + 1):
            M = global_minimiser(target, d, dps=dps)
            fit = ExpSum(M.b, M.v)  # rho_0, the best approximation
            with Precision(dps, arb=True).context():
                res, res2 = [], []
                for v in M.v:
                    own = [fit.moment(n, v, arb=True, dps=dps) for n in range(3)]
                    res.append(max(abs(own[0] - target.moment(0, v, arb=True, dps=dps)),
                                   abs(own[1] - target.moment(1, v, arb=True, dps=dps)),
                                   key=lambda x: float(x.mid())))
                    res2.append(abs(own[2] - target.moment(2, v, arb=True, dps=dps)))
                positive = all(bool(to_arb(b) > 0) for b in M.b)
                increasing = all(bool(to_arb(M.v[i + 1]) - to_arb(M.v[i]) > 0) for i in range(d - 1)) and \
                    bool(to_arb(M.v[0]) > 0)
                aw = all(bool(r < tol) for r in res)
            rows.append({"target": name, "d": d, "b": [mpmath.nstr(x, 12) for x in M.b],
                         "v": [mpmath.nstr(x, 12) for x in M.v], "J_d": mpmath.nstr(M.loss, 12),
                         "aw_residual": max(float(r.upper()) for r in res),
                         "second_order_residual": min(float(r.lower()) for r in res2),
                         "b_positive": positive, "v_increasing": increasing,
                         "local_search_losses": [float(c) for c in M.candidates[:4]]})
            if variant == "second-order" and any(bool(r > tol) for r in res2):
                return Verdict("refuted", f"{name}, d={d}: L''[rho_0](v_j) - L''[rho](v_j) = "
                               f"{ball_str(max(res2, key=lambda x: float(x.mid())), 6)} != 0 (certified): the best "
                               "sum touches L[rho] to first order only", {"cases": rows, "variant": variant},
                               Precision(dps, arb=True).describe())
            if not (positive and increasing and aw):
                return Verdict("refuted", f"{name}, d={d}: b_j > 0 {positive}, 0 < v_1 < ... {increasing}, "
                               f"Aigrain-Williams residuals certified small {aw}", {"cases": rows,
                                                                                    "variant": variant},
                               Precision(dps, arb=True).describe())
    if variant == "second-order":
        return Verdict("error", "second-order contact not refuted", {"cases": rows})
    return Verdict("supported", "best L2 exponential sums of " + ", ".join(f"{n} (d <= {k})" for n, k in cases)
                   + f": b_j > 0 and 0 < v_1 < ... < v_d certified; Aigrain-Williams residuals < 1e-{dps // 2} "
                   "(certified); global optimality from several local searches (numerical)",
                   {"cases": rows, "variant": variant}, Precision(dps).describe() + " + arb")


# ---------------------------------------------------------------------------
# Theorem D.7 and Remark D.7


def verify_thm_d7(m=4, dps=30, variant="printed"):
    """Theorem D.7: for an m-term exponential sum with positive coefficients, J_1..J_{m-1}
    have non-degenerate global minimisers (computed: b_j > 0, v distinct), so m - 1 is in
    N and at least sum_{d=1}^{m-1} d! S(m, d) coincided critical affine spaces exist,
    Poly(m) times the m! global minimisers: the ratio >= (m+1)(3m-2)/24, checked exactly
    for every width up to 60.  Remark D.7: for 1/(1+t)^alpha, J_1..J_m all have them."""
    if variant not in ("printed", "cubic"):
        raise ValueError(f"variant must be 'printed' or 'cubic', got {variant!r}")
    target = ExpSum([Fraction(1, 2**j) for j in range(m)], [Fraction(2**j) for j in range(m)])
    rows = []
    for name, tgt, top in (("expsum+", target, m - 1), ("powerlaw", _CM_TARGETS["powerlaw"], m)):
        for d in range(1, top + 1):
            M = global_minimiser(tgt, d, dps=dps)
            rows.append({"target": name, "d": d, "non_degenerate": M.non_degenerate,
                         "b": [mpmath.nstr(x, 8) for x in M.b], "v": [mpmath.nstr(x, 8) for x in M.v]})
            if not (M.converged and M.non_degenerate and all(x > 0 for x in M.b)):
                return Verdict("refuted", f"{name}: J_{d} has no non-degenerate minimiser with b > 0",
                               {"minimisers": rows})
    ratios = {}
    for k in range(2, 61):
        ratio = Fraction(sum(surjections(k, d) for d in range(1, k)), math.factorial(k))
        bound = Fraction(k**3, 24) if variant == "cubic" else Fraction((k + 1) * (3 * k - 2), 24)
        ratios[k] = ratio
        if ratio < bound:
            return Verdict("refuted", f"m = {k}: (coincided spaces)/(global minimisers) >= {ratio} is below the "
                           f"claimed {bound}", {"m": k, "ratio": str(ratio), "bound": str(bound),
                                               "variant": variant})
    return Verdict("supported", f"non-degenerate minimisers of J_1..J_{m - 1} (exp. sum, positive coefficients) and "
                   f"J_1..J_{m} (power law) computed; so >= sum_{{d<m}} d! S(m,d) coincided critical spaces, ratio "
                   f"to m! >= (m+1)(3m-2)/24 (exact, m <= 60; {float(ratios[m]):.4g} at m = {m})",
                   {"minimisers": rows, "ratio_at_m": str(ratios[m]), "variant": variant,
                    "note": "existence of the minimisers is numerical evidence (several local searches)"},
                   Precision(dps).describe())


# ---------------------------------------------------------------------------
# Proposition D.1


ERRATUM_D1 = {
    "printed": "Proposition D.1, case 2: 'If a*_1 a*_2 > 0 and w*_2/w*_1 < 2 + sqrt(3), the minimal eigenvalue of "
               "A(a_1) is negative for any a_1 in I_1', with I_1 := [0, a_hat] (closed).",
    "why": "At a_1 = 0 and a_1 = a_hat the reduced block A_tilde has determinant "
           "a_1 (a_hat - a_1) c (a_hat + 16 w_hat^3 c)/w_hat^3 = 0 and a positive trace, so the minimal eigenvalue "
           "there is 0, not negative (the points (0, a_hat, w_hat, w_hat) and (a_hat, 0, w_hat, w_hat) are "
           "degenerate, not saddles).",
    "corrected": "Case 2: negative for a_1 in the open interval (0, a_hat), zero at its end points and on I_2.",
}


def _min_eig_class(target, ah, wh, a1, dps):
    """'negative' / 'zero' / 'undecided': the minimal eigenvalue of A(a_1) = Hess J_2 on the line."""
    H = Loss(target, 2).hessian([a1, ah - a1], [wh, wh], arb=True, dps=dps)
    spec = certified_spectrum(H, dps, tol=float(mpmath.mpf(10) ** (-(dps // 2))))
    if spec.negative:
        return "negative", spec
    if spec.undecided:
        return "undecided", spec
    return "zero", spec


def verify_prop_d1(case_i=((1, Fraction(-1, 2)), (1, 3)), case_ii=((1, Fraction(1, 2)), (1, 2)), dps=40,
                   beyond=((1, 10), (10, 10), (1, 100), (10, 100)), variant="corrected"):
    """Proposition D.1.  Symbolic (general target, then m* = 2): the rows of A(a_1) for a_1 and
    a_2 coincide; the congruence T^T A T = diag(1/w_hat, 0) (+) A_tilde(a_1) with det T = 1;
    det A_tilde = a_1 (a_hat - a_1) c (a_hat + 16 w_hat^3 c)/w_hat^3; for two exponentials,
    8 w_hat^3 a_hat c = -16 a*_1 a*_2 (v_1 - v_2)^2 / ((1+v_1)^3 (1+v_2)^3) (v_j = w*_j/w_hat) and
    a_hat^2 + 16 w_hat^3 a_hat c = a_hat^2 (3u_1u_2 - 4w_hat(u_1+u_2) + 8w_hat^2)/(u_1u_2), a quadratic in
    w_hat with discriminant 16u_1^2(s^2 - 4s + 1) < 0 for 1 < s = u_2/u_1 < 2 + sqrt(3); the paper's
    identity 4s^2(s^2-3s+1)^2 - 4s^4 = 4s^2(s-1)^2[(s-2)^2 - 3]; and s < w*_2/w*_1.
    Certified (arb): the sign of the minimal eigenvalue at sampled a_1 in both cases."""
    variants = ("corrected", "printed", "cases-swapped")
    if variant not in variants:
        raise ValueError(f"variant must be one of {variants}, got {variant!r}")
    A = line_hessian()
    if any(sp.cancel(x) != 0 for x in A.row(0) - A.row(1)):
        return Verdict("refuted", "the a_1 and a_2 rows of A(a_1) differ", {})
    T, B, At = line_congruence()
    diag = sp.diag(1 / w_hat, 0, At)
    steps = {"det T = 1": T.det() - 1,
             "T^T A T = diag(1/w_hat, 0) (+) A_tilde": sp.Matrix(B - diag).applyfunc(sp.cancel),
             "det A_tilde = a_1 (a_hat - a_1) c (a_hat + 16 w_hat^3 c)/w_hat^3":
                 At.det() - a_1 * (a_hat - a_1) * c_hat * (a_hat + 16 * w_hat**3 * c_hat) / w_hat**3}
    u1, u2, a1s, a2s, c = two_term_optimality()
    v1, v2 = u1 / w_hat - 1, u2 / w_hat - 1
    s = sp.Symbol("s", positive=True)
    steps["8 w^3 a c = -16 a*_1 a*_2 (v_1-v_2)^2/((1+v_1)^3(1+v_2)^3)"] = \
        8 * w_hat**3 * a_hat * c + 16 * a1s * a2s * (v1 - v2) ** 2 / ((1 + v1) ** 3 * (1 + v2) ** 3)
    q = 3 * u1 * u2 - 4 * w_hat * (u1 + u2) + 8 * w_hat**2
    steps["a^2 + 16 w^3 a c = a^2 q/(u_1 u_2)"] = a_hat**2 + 16 * w_hat**3 * a_hat * c - a_hat**2 * q / (u1 * u2)
    steps["q/(u_1 u_2) = 1 + 2(1 - 2y_1)(1 - 2y_2), y_j = w_hat/u_j"] = \
        q / (u1 * u2) - 1 - 2 * (1 - 2 * w_hat / u1) * (1 - 2 * w_hat / u2)
    steps["disc_w(q) = 16 u_1^2 (s^2 - 4s + 1), s = u_2/u_1"] = \
        (sp.discriminant(q, w_hat) - 16 * u1**2 * (s**2 - 4 * s + 1)).subs(u2, s * u1)
    steps["4s^2(s^2-3s+1)^2 - 4s^4 = 4s^2(s-1)^2[(s-2)^2-3]"] = \
        4 * s**2 * (s**2 - 3 * s + 1) ** 2 - 4 * s**4 - 4 * s**2 * (s - 1) ** 2 * ((s - 2) ** 2 - 3)
    for label, expr in steps.items():
        exprs = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
        if any(sp.simplify(sp.expand(e)) != 0 for e in exprs):
            return Verdict("refuted", f"Prop. D.1: {label} fails", {"step": label})
    roots = sp.solve(s**2 - 4 * s + 1, s)
    ws1, ws2, wh = sp.symbols("w^*_1 w^*_2 w", positive=True)
    gap = sp.factor((wh + ws2) * ws1 - (wh + ws1) * ws2)  # s < w*_2/w*_1  <=>  this < 0 for w*_1 < w*_2
    if max(roots) != 2 + sp.sqrt(3) or gap != -wh * (ws2 - ws1) and gap != wh * (ws1 - ws2):
        return Verdict("refuted", f"threshold {roots} or s < w*_2/w*_1 ({gap}) fails", {})
    # certified signs of the minimal eigenvalue along the line
    expect = {"i": {"I1": "zero", "ends": "zero", "I2": "negative"},
              "ii": {"I1": "negative", "ends": "zero", "I2": "zero"}}
    if variant == "printed":
        expect["ii"]["ends"] = "negative"        # I_1 = [0, a_hat] closed, as printed
    if variant == "cases-swapped":
        expect["i"], expect["ii"] = expect["ii"], expect["i"]
    rows = []
    for case, (ast, wst) in (("i", case_i), ("ii", case_ii)):
        target = ExpSum(ast, wst)
        M = global_minimiser(target, 1, dps=dps)
        # exact binary values, so that a_hat - a_1 loses nothing to mpmath's working precision
        ah, wh_ = exact_fraction(M.b[0]), exact_fraction(M.v[0])
        samples = {"I1": [ah / 4, ah / 2, 3 * ah / 4], "ends": [Fraction(0), ah], "I2": [-ah / 2, 3 * ah / 2]}
        for where, pts in samples.items():
            for x in pts:
                got, spec = _min_eig_class(target, ah, wh_, x, dps)
                rows.append({"case": case, "target": target.spec(), "where": where, "a_1/a_hat": float(x / ah),
                             "min_eigenvalue": got, "expected": expect[case][where],
                             "smallest": ball_str(spec.balls[0], 6) if spec.balls else "counted by inertia"})
                if got == "undecided":
                    return Verdict("error", f"case {case}: sign undecided at a_1 = {mpmath.nstr(x, 6)}",
                                   {"samples": rows})
                if got != expect[case][where]:
                    return Verdict("refuted", f"case ({case}) {target.spec()}: minimal eigenvalue {got} at a_1/a_hat "
                                   f"= {float(x / ah):.3g} ({where}), claimed {expect[case][where]} (certified)",
                                   {"samples": rows, "variant": variant, "erratum": ERRATUM_D1},
                                   Precision(dps, arb=True).describe())
    # beyond the paper: ratios w*_2/w*_1 > 2 + sqrt(3), positive coefficients
    observed = []
    for x2, r in beyond:
        target = ExpSum([1, x2], [1, r])
        M = global_minimiser(target, 1, dps=dps)
        ah, wh_ = exact_fraction(M.b[0]), exact_fraction(M.v[0])
        with mpmath.workdps(dps):
            cval = M.b[0] / (8 * M.v[0] ** 3) - target.moment(2, M.v[0], dps=dps) / 2
            qn = (M.b[0] ** 2 + 16 * M.v[0] ** 3 * M.b[0] * cval) / M.b[0] ** 2
        signs = {where: _min_eig_class(target, ah, wh_, f * ah, dps)[0]
                 for where, f in (("I1", Fraction(1, 2)), ("ends", 0), ("I2", Fraction(3, 2)))}
        observed.append({"target": target.spec(), "ratio": r, "(a^2+16w^3ac)/a^2": mpmath.nstr(qn, 6),
                         "min_eigenvalue": signs})
    return Verdict("certified", "Prop. D.1: congruence, det A_tilde factorisation, the sign identities, the "
                   "discriminant identity and the threshold 2 + sqrt(3) proved; minimal-eigenvalue signs certified "
                   f"at {len(rows)} points of both cases; corrected: in case 2 the minimal eigenvalue is 0 (not "
                   "negative) at a_1 = 0 and a_1 = a_hat (erratum)",
                   {"samples": rows, "erratum": ERRATUM_D1, "variant": variant,
                    "route": "a_hat^2 + 16 w_hat^3 a_hat c = a_hat^2 (3u_1u_2 - 4w_hat(u_1+u_2) + 8w_hat^2)/(u_1u_2): "
                             "positive for s = u_2/u_1 < 2 + sqrt(3) by its discriminant in w_hat; the paper's "
                             "intermediate quadratic c^2 - 2s(s^2-3s+1)c + s^4 is unreadable in both extractions "
                             "(its discriminant identity is proved as printed)",
                    "observation_beyond_threshold": {
                        "targets": observed,
                        "finding": "at the computed global minimiser of J_1 the quantity (a^2+16w^3ac)/a^2 = "
                                   "1 + 2(1 - 2y_1)(1 - 2y_2), y_j = w_hat/(w_hat + w*_j), stayed positive for "
                                   "every target tried, so the case-2 sign map persisted beyond 2 + sqrt(3) "
                                   "(it would change only where (2y_1 - 1)(1 - 2y_2) > 1/2). An observation on a "
                                   "few targets, not a claim."}},
                   "exact + " + Precision(dps, arb=True).describe())


CLAIMS = [
    Claim(
        id="thm-d.5",
        section="D.1.2",
        statement="For a completely monotone target rho (not in V_d), the best L2 approximation by d exponentials "
                  "is non-degenerate, rho_0 = sum b_j e^{-v_j t} with 0 < v_1 < ... < v_d and b_j > 0, satisfies "
                  "L[rho_0](v_j) = L[rho](v_j) and L'[rho_0](v_j) = L'[rho](v_j) (Aigrain-Williams), and is a "
                  "non-degenerate global minimiser of J_d (Thms D.4, D.5).",
        verify=verify_thm_d5,
        params={},
        full_params={"cases": (("powerlaw", 4), ("expsum+", 2)), "dps": 50},
        falsifiers=(
            Falsifier("contact of second order: L''[rho_0](v_j) = L''[rho](v_j)", {"variant": "second-order"}),
            Falsifier("premise dropped: b_j > 0 for a target that is not completely monotone (all a*_j < 0)",
                      {"variant": "not-monotone"}),
        ),
    ),
    Claim(
        id="thm-d.7",
        section="D.1.2",
        statement="For an m-term exponential sum with positive coefficients, J_1..J_{m-1} have non-degenerate "
                  "global minimisers, so the coincided critical affine spaces outnumber the m! global minimisers "
                  "by a factor >= (m+1)(3m-2)/24 (Thm D.7); for 1/(1+t)^alpha every J_d has one (Remark D.7).",
        verify=verify_thm_d7,
        params={},
        full_params={"m": 5},
        falsifiers=(
            Falsifier("ratio >= m^3/24 (a cubic bound)", {"variant": "cubic"}),
        ),
    ),
    Claim(
        id="prop-d.1",
        section="D.1.3",
        statement="m = m* = 2, 0 < w*_1 < w*_2, (a_hat, w_hat) the global minimiser of J_1, A(a_1) the Hessian of "
                  "J_2 on the line (a_1, a_hat - a_1, w_hat, w_hat), I_1 = [0, a_hat], I_2 = R minus I_1: (1) if "
                  "a*_1 a*_2 < 0 the minimal eigenvalue of A is 0 on I_1 and negative on I_2; (2) if a*_1 a*_2 > 0 "
                  "and w*_2/w*_1 < 2 + sqrt(3), it is negative on the open interval (0, a_hat) (corrected: 0 at its "
                  "end points) and 0 on I_2.",
        verify=verify_prop_d1,
        params={},
        full_params={"dps": 60},
        falsifiers=(
            Falsifier("as printed: case 2 negative on the closed I_1 = [0, a_hat]", {"variant": "printed"}),
            Falsifier("the two cases' sign patterns swapped", {"variant": "cases-swapped"}),
        ),
    ),
]
