"""Section 5 / Appendices C.2, C.3: the curse of memory in optimisation,
measured with the gradient-flow engine (memverify.flow).

Setting (the paper gives no numbers for Figures 2-3; these are our choices, all
parameters of the verifiers): target rho_omega(t) = a* e^{-w* t} + c0
e^{-(t - 1/omega)^2 / (2 sigma^2)} with a* = w* = c0 = sigma = 1 (eq. 119, m* = 1);
initialisation on M*: a = (a*, 0, ..., 0), w = (w*, extra rates).
"""

from __future__ import annotations

import copy
import functools
import math

import mpmath

from ..backends import Precision
from ..figures.flow import draw_figure  # noqa: F401  (re-exported: its old home)
from ..flow import LossHitting, ParamSeparation, gradient_flow, linearised_flow, manifold_point
from ..flow.exponent import linear_fit
from ..flow.figures import figure_data
from ..loss import Loss
from ..targets import ExpSum, MemoryBump, sign_changing_template_moments
from .tools import ball_str
from .base import Claim, Falsifier, Part, Verdict
from .escape import PARTS as _ESCAPE_PARTS


# ---------------------------------------------------------------------------
# shared: cached flows


def _target(inv_omega, astar=1.0, wstar=1.0, c0=1.0, sigma=1.0, template=True):
    base = ExpSum([astar], [wstar])
    return MemoryBump(base, omega=1.0 / inv_omega, c0=c0, sigma=sigma) if template else base


@functools.lru_cache(maxsize=None)
def _flow(inv_omega, m, extra_w, delta, which, template=True, t_max=1e60):
    """(tau_loss or None, tau_param or None, steps, seconds, dps, method) of one flow from the M* point."""
    loss = Loss(_target(inv_omega, template=template), m)
    a0, w0 = manifold_point([1.0], [1.0], m, list(extra_w))
    events = {"both": [LossHitting(delta), ParamSeparation(delta)], "param": [ParamSeparation(delta)],
              "loss": [LossHitting(delta)]}[which]
    r = gradient_flow(loss, a0, w0, events=events, method="fast", on_precision="exact", t_max=t_max)
    return (r.t_events.get("tau_loss"), r.t_events.get("tau_param"), r.steps, r.seconds, r.dps, r.method,
            r.status)


# ---------------------------------------------------------------------------
# Theorem 5.1 = Theorem C.1


def verify_thm_c1(inv_omegas=(20, 25, 30, 35, 40), deltas=(0.02, 0.05), loss_cases=((10, 0.05), (20, 0.05)),
                  m=2, extra_w=(0.8,), exponent_factor=1.0, ordering="loss>=param"):
    """Measure tau_param (eq. 104) and tau_loss (eq. 105) from a point of M*,
    fit log tau against 1/omega, and test (i) the exponent: fitted slope >=
    exponent_factor * w0_l (the theorem: exponent_factor = 1); (ii) the bound
    tau >= C omega^2 e^{w0_l/omega} min(delta/sqrt(m), ln(1+delta)) with C
    fitted once (first case) and held in every case; (iii) the ordering of the
    two hitting times; and compare with the linearised prediction."""
    if ordering not in ("loss>=param", "param>=loss"):
        raise ValueError(f"ordering must be 'loss>=param' or 'param>=loss', got {ordering!r}")
    extra_w = tuple(float(x) for x in extra_w)
    w0 = (1.0,) + extra_w
    w0_l = min(w0)
    rows = []
    for d in deltas:
        for inv in inv_omegas:
            _, tp, steps, sec, dps, meth, _ = _flow(inv, m, extra_w, d, "param")
            if tp is None:
                return Verdict("error", f"no parameter separation by tau = 1e60 at 1/omega = {inv}, delta = {d}")
            lin = linearised_flow(Loss(_target(inv), m), *manifold_point([1.0], [1.0], m, list(extra_w)), d)
            bound = (1 / inv) ** 2 * math.exp(w0_l * inv) * min(d / math.sqrt(m), math.log(1 + d))
            rows.append({"inv_omega": inv, "delta": d, "tau_param": tp, "steps": steps, "method": meth,
                         "tau_param_linearised": lin.tau_param, "linearised_over_full": lin.tau_param / tp,
                         "eq113_bound_linearised": lin.tau_bound, "theorem_bound_shape": bound})
    fits = {}
    for d in deltas:
        sub = [r for r in rows if r["delta"] == d]
        x = [r["inv_omega"] for r in sub]
        y = [math.log(r["tau_param"]) for r in sub]
        s, c, se, res = linear_fit(x, y)
        # with the theorem's omega^2 prefactor taken out: log(tau / omega^2) against 1/omega
        s2, _, se2, res2 = linear_fit(x, [yy + 2 * math.log(xx) for xx, yy in zip(x, y)])
        fits[str(d)] = {"slope": s, "slope_se": se, "max_residual": res, "slope_without_omega2": s2,
                        "slope_without_omega2_se": se2}
    # the constant, fitted once at the largest omega (over every delta), must then
    # hold at every smaller omega: it fails if tau grows slower than the bound
    first = [r for r in rows if r["inv_omega"] == min(inv_omegas)]
    C = min(r["tau_param"] / r["theorem_bound_shape"] for r in first)
    held = [r["tau_param"] >= C * r["theorem_bound_shape"] * (1 - 1e-9) for r in rows]
    order_rows = []
    for inv, d in loss_cases:
        tl, tp, *_ = _flow(inv, m, extra_w, d, "both")
        order_rows.append({"inv_omega": inv, "delta": d, "tau_loss": tl, "tau_param": tp})
    if ordering == "loss>=param":
        order_ok = all(r["tau_loss"] is not None and r["tau_loss"] >= r["tau_param"] for r in order_rows)
    else:
        order_ok = all(r["tau_loss"] is not None and r["tau_param"] >= r["tau_loss"] for r in order_rows)
    claimed = exponent_factor * w0_l
    slopes_ok = all(f["slope"] + 3 * f["slope_se"] >= claimed for f in fits.values())
    linear_ok = all(f["max_residual"] < 0.05 * abs(f["slope"]) * (max(inv_omegas) - min(inv_omegas))
                    for f in fits.values())
    ev = {"setting": {"target": "a* e^{-w* t} + c0 e^{-(t-1/omega)^2/(2 sigma^2)}, a*=w*=c0=sigma=1",
                      "m": m, "a0": [1.0] + [0.0] * (m - 1), "w0": list(w0), "w0_l": w0_l},
          "claimed_exponent": claimed, "fits": fits, "C_fitted_at_largest_omega": C,
          "ratio_tau_over_bound": [r["tau_param"] / r["theorem_bound_shape"] for r in rows], "bound_held": all(held),
          "ordering": ordering, "ordering_cases": order_rows, "rows": rows,
          "observation": "the fitted slope is close to 2 w0_min (the escape is driven by a_2 ~ e^{-w_2/omega} "
                         "times the template moment ~ e^{-w_2/omega}), above the theorem's w0_l: the bound "
                         "holds and is not sharp for this initialisation",
          "tolerance": "slope + 3 SE >= claimed exponent; residuals of the log fit < 5% of its range"}
    bad = []
    if not slopes_ok:
        bad.append(f"fitted slopes {[round(f['slope'], 4) for f in fits.values()]} are below the claimed "
                   f"exponent {claimed:.4g} (3 SE: {[round(3 * f['slope_se'], 4) for f in fits.values()]})")
    if not all(held):
        bad.append("the bound with the constant fitted at the first case fails in another case")
    if not order_ok:
        bad.append(f"ordering {ordering} fails: {order_rows}")
    if not linear_ok:
        bad.append("log tau is not linear in 1/omega within 5%")
    if bad:
        return Verdict("refuted", "; ".join(bad), ev, "float64 (residual form, exponential sums without cancellation, bounded)")
    f = fits[str(deltas[-1])]
    return Verdict("supported", f"log tau_param linear in 1/omega with slope {f['slope']:.4f} +/- {f['slope_se']:.4f} "
                   f"(delta={deltas[-1]}; {f['slope_without_omega2']:.4f} after removing omega^2) >= w0_l = "
                   f"{w0_l}; ratio slope/w0_min = {f['slope'] / w0_l:.3f}; bound with one fitted C holds in all "
                   f"{len(rows)} cases; tau_loss >= tau_param in {len(order_rows)} cases", ev,
                   "float64 (residual form, exponential sums without cancellation, bounded)")


# ---------------------------------------------------------------------------
# Remark C.3


def verify_remark_c3(inv_omegas=(15, 25), m=2, extra_w=(0.8,), delta=0.05, template=True, t_max=1e40):
    """At theta_0 on M*, Hess J has a negative eigenvalue with g_0 not orthogonal
    to it, and the flow leaves the delta-ball in finite time (within the
    linearised upper bound ln(1 + delta |lambda|/|g_j|)/|lambda| up to a factor)."""
    rows = []
    for inv in inv_omegas:
        loss = Loss(_target(inv, template=template), m)
        a0, w0 = manifold_point([1.0], [1.0], m, list(extra_w))
        lin = linearised_flow(loss, a0, w0, delta)
        with mpmath.workdps(lin.dps):
            g = loss.gradient(a0, w0, dps=lin.dps)
            H = loss.hessian(a0, w0, dps=lin.dps)
            from ..flow.linalg import eigh
            lam, Q = eigh(Precision(lin.dps), H)
            gq = Q.T.dot(g)
        neg = [(float(lam[i]), float(gq[i])) for i in range(len(lam)) if lam[i] < 0]
        _, tp, steps, *_ = _flow(inv, m, tuple(extra_w), delta, "param", template, t_max)
        rows.append({"inv_omega": inv, "negative_eigenvalues_with_g_component": neg, "tau_param": tp,
                     "steps": steps})
        if not neg or all(gj == 0 for _, gj in neg):
            return Verdict("refuted", f"1/omega={inv}: no negative eigenvalue with a component of g_0 "
                           f"(eigenvalues {[float(x) for x in lam]}); the flow reached tau_param = {tp}",
                           {"rows": rows, "template": template})
        if tp is None:
            return Verdict("refuted", f"1/omega={inv}: no escape by tau = {t_max:g}", {"rows": rows})
    return Verdict("supported", f"at every 1/omega in {list(inv_omegas)}: lambda_min < 0 with g_0 . q != 0, and "
                   f"the flow separates by delta = {delta} at finite tau ({['%.3g' % r['tau_param'] for r in rows]})",
                   {"rows": rows, "template": template}, "mpmath (eigen) + float64 flow")


# ---------------------------------------------------------------------------
# Lemma C.1


def verify_lemma_c1(ws=(0.5, 0.8, 1.0, 1.5), inv_omegas=(4, 6, 8, 10, 12), n_max=2, delta="abs",
                    fit_ws=(0.8, 1.0), fit_inv_omegas=(10, 20, 30, 40)):
    """Delta_{n,omega}(w) = int t^n e^{-wt} |rho_{0,omega}(t)| dt (eq. 80) for two
    templates (Gaussian, and the sign-changing -t e^{-t^2/2}): certified (arb)
    decreasing in w at the sampled w and decreasing towards 0 along the sampled
    omega -> 0; the decay exponent of log Delta against 1/omega fitted (the
    lemma: Delta <~ omega^{-n} e^{-w/omega}(...), slope -w).  delta='signed'
    uses the signed moment instead (what eqs. 89-99 need): for the
    sign-changing template it is not monotone/positive, and |signed| <= Delta
    is certified strict."""
    if delta not in ("abs", "signed"):
        raise ValueError(f"delta must be 'abs' or 'signed', got {delta!r}")
    ev = {"templates": ["gaussian: exp(-t^2/2)", "sign-changing: -t exp(-t^2/2)"], "delta": delta}
    checks, fits, strict = [], {}, []
    for name in ("gaussian", "dgauss"):
        for n in range(n_max + 1):
            for inv in inv_omegas:
                vals = []
                for w in ws:
                    if name == "gaussian":
                        tgt = MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv, c0=1.0, sigma=1.0)
                        v = tgt.template_moment(n, w, arb=True)  # >= 0: equal to Delta
                    else:
                        sgn, ab = sign_changing_template_moments(n, w, inv)
                        v = ab if delta == "abs" else sgn
                        if delta == "abs":
                            strict.append(bool((ab - abs(sgn)) > 0) or bool(ab - sgn > 0 and ab + sgn > 0))
                    vals.append(v)
                dec = all(bool(vals[i] > vals[i + 1]) for i in range(len(vals) - 1))
                pos = all(bool(v > 0) for v in vals)
                checks.append({"template": name, "n": n, "inv_omega": inv, "decreasing_in_w": dec, "positive": pos,
                               "values": [ball_str(v, 8) for v in vals]})
            for w in fit_ws:
                seq = []
                for inv in fit_inv_omegas:
                    if name == "gaussian":
                        tgt = MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv, c0=1.0, sigma=1.0)
                        seq.append(tgt.template_moment(n, w, arb=True))
                    else:
                        sgn, ab = sign_changing_template_moments(n, w, inv)
                        seq.append(ab if delta == "abs" else sgn)
                to_zero = all(bool(abs(seq[i]) > abs(seq[i + 1])) for i in range(len(seq) - 1))
                logs = [math.log(abs(float(v.mid()))) - n * math.log(inv) for v in seq]
                s, _, se, _ = linear_fit(fit_inv_omegas, logs)
                fits[f"{name} n={n} w={w}"] = {"slope_of_log(omega^n Delta)": s, "se": se, "expected": -w,
                                               "decreasing_towards_0": to_zero}
    ev.update(checks=checks, fits=fits)
    bad = [c for c in checks if not (c["decreasing_in_w"] and c["positive"])]
    bad_lim = [k for k, f in fits.items() if not f["decreasing_towards_0"]]
    if bad or bad_lim:
        b = bad[0] if bad else None
        return Verdict("refuted", (f"{b['template']} n={b['n']} 1/omega={b['inv_omega']}: not a positive "
                                   f"decreasing function of w at {list(ws)}: {b['values']}" if b else
                                   f"not decreasing towards 0 along omega -> 0: {bad_lim}"), ev,
                                   Precision(30, arb=True).describe())
    ev["abs_strictly_above_signed_for_sign_changing_template"] = all(strict)
    worst = max(abs(f["slope_of_log(omega^n Delta)"] - f["expected"]) for f in fits.values())
    return Verdict("certified", f"Delta_(n,omega)(w) > 0 decreasing in w at w = {list(ws)} and decreasing along "
                   f"1/omega = {list(inv_omegas)}, n <= {n_max}, both templates (arb); fitted slopes of "
                   f"log(omega^n Delta) against 1/omega are -w + O(w^2 sigma^2/2 / (1/omega)) (largest gap "
                   f"{worst:.3f}); for -t e^(-t^2/2), Delta > |signed moment| (certified), so eqs. 89-99 need "
                   f"the signed moment (erratum of prop-c.2/c.3)", ev, Precision(30, arb=True).describe())


# ---------------------------------------------------------------------------
# Propositions C.2 and C.3: rates on M*


def _rates(inv_omegas, m, extra_w):
    out = []
    for inv in inv_omegas:
        loss = Loss(_target(inv), m)
        a0, w0 = manifold_point([1.0], [1.0], m, list(extra_w))
        lin = linearised_flow(loss, a0, w0, 0.05)
        out.append((inv, lin.g0_norm, lin.eigenvalues))
    return out


def verify_rates_c2(inv_omegas=(10, 15, 20, 25, 30, 40), m=2, extra_w=(0.8,), claimed_exponent=None):
    """||grad J_omega|| on M* decays like e^{-w_min/omega} up to powers of omega
    (Prop. C.2, eq. 91): fit log(omega ||g||) against 1/omega; the slope must
    be <= -claimed_exponent (default w_min) within 3 SE."""
    wmin = min((1.0,) + tuple(extra_w))
    claimed = wmin if claimed_exponent is None else claimed_exponent
    data = _rates(tuple(inv_omegas), m, tuple(extra_w))
    x = [d[0] for d in data]
    y = [math.log(d[1]) - math.log(d[0]) for d in data]  # log(omega ||g||)
    s, _, se, res = linear_fit(x, y)
    ev = {"grad_norms": {str(d[0]): d[1] for d in data}, "slope": s, "slope_se": se, "w_min": wmin,
          "claimed_exponent": claimed, "max_residual": res, "tolerance": "slope <= -claimed + 3 SE"}
    if s <= -claimed + 3 * se + 1e-12:
        return Verdict("supported", f"log(omega ||grad J||) has slope {s:.4f} +/- {se:.4f} in 1/omega: decay "
                       f"e^(-{-s:.3f}/omega), at least e^(-w_min/omega) with w_min = {wmin} (bound sharp within "
                       f"{abs(-s - wmin):.3f})", ev, "mpmath")
    return Verdict("refuted", f"fitted decay exponent {-s:.4f} +/- {se:.4f} < claimed {claimed}", ev, "mpmath")


def verify_rates_c3(inv_omegas=(10, 15, 20, 25, 30, 40), m=2, extra_w=(0.8,), claimed_exponent=None):
    """The small Hessian eigenvalue on M* tends to 0 like e^{-w_min/omega} or
    faster (Prop. C.3, eq. 93): fit log(omega^2 |lambda_min|) against 1/omega."""
    wmin = min((1.0,) + tuple(extra_w))
    claimed = wmin if claimed_exponent is None else claimed_exponent
    data = _rates(tuple(inv_omegas), m, tuple(extra_w))
    small = [min(abs(v) for v in d[2]) for d in data]
    x = [d[0] for d in data]
    y = [math.log(v) - 2 * math.log(d[0]) for v, d in zip(small, data)]
    s, _, se, res = linear_fit(x, y)
    ev = {"smallest_abs_eigenvalue": {str(d[0]): v for d, v in zip(data, small)},
          "all_eigenvalues": {str(d[0]): d[2] for d in data}, "slope": s, "slope_se": se, "w_min": wmin,
          "claimed_exponent": claimed, "tolerance": "slope <= -claimed + 3 SE",
          "observation": "one eigenvalue tends to 0 (m' = 3 = 2m* + |I0| of the 4); its decay exponent is "
                         "close to 2 w_min: the bound e^{-w_min/omega} holds and is not sharp"}
    if s <= -claimed + 3 * se + 1e-12:
        return Verdict("supported", f"smallest |eigenvalue| decays like e^(-{-s:.3f}/omega) (+/- {se:.3f}), at "
                       f"least e^(-w_min/omega), w_min = {wmin}", ev, "mpmath")
    return Verdict("refuted", f"fitted decay exponent {-s:.4f} +/- {se:.4f} < claimed {claimed}", ev, "mpmath")


# ---------------------------------------------------------------------------
# Figures 2 and 3


@functools.lru_cache(maxsize=None)
def _figure_data(which, inv_omegas, m, extra_w, delta):
    return figure_data(which, inv_omegas, m, extra_w, delta)


def verify_figure(which="2", inv_omegas=(5, 10, 15), m=None, extra_w=None, delta=0.05, expect="lengthens"):
    """Figure 2: the plateau (tau_loss) lengthens as omega -> 0 while the loss
    stays at J(theta_0) before it; Figure 3: log tau_loss and log tau_param
    are almost linear in 1/omega (fitted slopes, residuals within 10%)."""
    if expect not in ("lengthens", "shortens"):
        raise ValueError(f"expect must be 'lengthens' or 'shortens', got {expect!r}")
    try:
        # a copy: the cached runs are shared by the claim and its falsifiers, and evidence must not alias them
        data = copy.deepcopy(_figure_data(which, tuple(inv_omegas), m, None if extra_w is None else tuple(extra_w),
                                          delta))
    except RuntimeError as exc:
        return Verdict("error", str(exc), {"inv_omegas": list(inv_omegas)})
    taus = [r["tau_loss"] for r in data["runs"]]
    ev = {"tau_loss": taus, "tau_param": [r["tau_param"] for r in data["runs"]], "fits": data["fits"],
          "inv_omegas": list(inv_omegas), "m": data["m"], "w0": data["w0"], "rtol": data["rtol"],
          "steps": [r["steps"] for r in data["runs"]]}
    inc = all(taus[i] < taus[i + 1] for i in range(len(taus) - 1))
    ok = inc if expect == "lengthens" else all(taus[i] > taus[i + 1] for i in range(len(taus) - 1))
    x = list(inv_omegas)
    res = {k: linear_fit(x, [math.log(r[k]) for r in data["runs"]])[3] for k in ("tau_loss", "tau_param")}
    spread = {k: abs(data["fits"][k]["slope"]) * (max(x) - min(x)) for k in res}
    linear = all(res[k] <= 0.1 * spread[k] for k in res)
    ev["max_log_residual"] = res
    if not ok:
        return Verdict("refuted", f"plateau times {taus} do not {expect[:-1]} as 1/omega grows", ev)
    if which == "3" and not linear:
        return Verdict("refuted", f"log times not almost linear in 1/omega (residuals {res})", ev)
    f = data["fits"]
    return Verdict("supported", f"tau_loss {['%.3g' % t for t in taus]} grows with 1/omega = {x}; slopes of log "
                   f"tau_loss / log tau_param against 1/omega: {f['tau_loss']['slope']:.3f} / "
                   f"{f['tau_param']['slope']:.3f} (max residual {max(res.values()):.3f})", ev,
                   "float64 (residual form, exponential sums without cancellation, bounded)")


# ---------------------------------------------------------------------------

CLAIMS = [
    Claim(
        id="thm-c.1", section="5 / C.2",
        statement="Theorem 5.1 (= C.1): for m > m* and theta_0 on M*, log tau_0 grows linearly in 1/omega with "
                  "slope >= w0_l (tau_0 >~ omega^2 e^{w0_l/omega} min(delta/sqrt m, ln(1+delta)) with one "
                  "constant), and the loss hitting time (eq. 105) is at least the parameter separation time "
                  "(eq. 104).",
        verify=verify_thm_c1, params={},
        full_params={"inv_omegas": (20, 25, 30, 35, 40, 50, 60), "deltas": (0.01, 0.02, 0.05),
                     "loss_cases": ((10, 0.05), (20, 0.05), (30, 0.05))},
        falsifiers=(Falsifier("exponent claimed 2.5 w0_l (slope too large)", {"exponent_factor": 2.5}),
                    Falsifier("ordering reversed: tau_param >= tau_loss", {"ordering": "param>=loss"})),
    ),
    Claim(
        id="remark-c.3", section="C.2",
        statement="If g_0 has a component along a negative eigenvalue of H_0, the flow leaves the delta-ball "
                  "in finite (exponentially large) time.",
        verify=verify_remark_c3, params={},
        falsifiers=(Falsifier("target without memory template: g_0 = 0, no escape", {"template": False,
                                                                                       "inv_omegas": (15,)}),),
    ),
    Claim(
        id="lemma-c.1", section="C.2",
        statement="Delta_{n,omega}(w) (eq. 80) is decreasing in w, tends to 0 as omega -> 0, and decays like "
                  "omega^{-n} e^{-w/omega} for sub-Gaussian templates (Gaussian and -t e^{-t^2/2} checked).",
        verify=verify_lemma_c1, params={},
        falsifiers=(Falsifier("Delta read as the signed moment for the sign-changing template -t e^{-t^2/2}",
                              {"delta": "signed"}),),
    ),
    Claim(
        id="fig-2", section="C.3.2",
        statement="Figure 2 (m = 2): the loss plateaus at J(theta_0) and the plateau lengthens rapidly as "
                  "omega -> 0.",
        verify=functools.partial(verify_figure, "2"), params={"inv_omegas": (5, 10, 15)},
        full_params={"inv_omegas": (5, 10, 15, 20, 25)},
        falsifiers=(Falsifier("plateau shortens as omega -> 0", {"expect": "shortens"}),),
    ),
    Claim(
        id="fig-3", section="C.3.3",
        statement="Figure 3 (m = 10): log of the plateau time and of the separation time are almost linear "
                  "in 1/omega.",
        verify=functools.partial(verify_figure, "3"), params={"inv_omegas": (4, 6, 8)},
        full_params={"inv_omegas": (5, 10, 15, 20, 25, 30)},
        falsifiers=(Falsifier("times shrink as 1/omega grows", {"expect": "shortens"}),),
    ),
]

PARTS = [
    *_ESCAPE_PARTS,  # thm-c.1: [on tau_loss], [sharp exponent] (claims/escape.py)
    ("prop-c.2", Part(name="rates", statement="On M*, ||grad J_omega|| decays like e^{-w_min/omega} up to powers "
                      "of omega (eq. 91; fitted exponent).", verify=verify_rates_c2, params={},
                      falsifiers=(Falsifier("gradient decay exponent claimed 2 w_min", {"claimed_exponent": 1.6}),))),
    ("prop-c.3", Part(name="rates", statement="On M*, the small Hessian eigenvalues decay like e^{-w_min/omega} "
                      "or faster (eq. 93; fitted exponent).", verify=verify_rates_c3, params={},
                      falsifiers=(Falsifier("eigenvalue decay exponent claimed 3 w_min", {"claimed_exponent": 2.4}),))),
]

