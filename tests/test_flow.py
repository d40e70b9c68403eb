"""The gradient-flow engine: exactness on quadratics, fast against exact,
PrecisionError where float64 cannot resolve the gradient, events, input validation."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import (LossHitting, ParamSeparation, PrecisionError, gradient_flow, linearised_flow,
                            manifold_point)
from memverify.backends import Precision
from memverify.flow.linalg import phi
from memverify.flow.integrator import ExpRosenbrock
from memverify.symbolic import offsets
from memverify.symbolic.offsets import prove_residual_form


def _loss(inv, m=2):
    return Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv, c0=1.0, sigma=1.0), m)


M2 = manifold_point([1.0], [1.0], 2, [0.8])


# --- the symbolic reformulation ---------------------------------------------

@pytest.mark.parametrize("m", [1, 2, 3])
def test_residual_form_proved(m):
    assert prove_residual_form(m) == []


def test_residual_form_check_can_fail(monkeypatch):
    """A wrong rewriting (R_1(w_1) added to d J / d a_1) is caught by the same proof."""
    from memverify.symbolic import offsets

    right = offsets.residual_form(1)

    def wrong(m):
        grad, hess = right
        return (grad[0] + offsets.residual_symbols(1)[1][0],) + grad[1:], hess

    monkeypatch.setattr(offsets, "residual_form", wrong)
    assert offsets.prove_residual_form(1) != []


@pytest.mark.parametrize("m", [1, 3, 4])
def test_residual_entries_give_every_entry(m):
    """The float64 flow evaluates the gradient and Hessian at any width from the few
    entries of two neurons (broadcast over all pairs): proved entry by entry."""
    assert offsets.prove_residual_entries(m) == []


def test_residual_entries_check_can_fail(monkeypatch):
    """A generic (a_i, w_j) entry with a wrong sign is caught at every pair."""
    right = offsets.residual_entries.__wrapped__()
    wrong = dict(right, pair=((right["pair"][0][0], -right["pair"][0][1]), right["pair"][1]))
    monkeypatch.setattr(offsets, "residual_entries", lambda: wrong)
    bad = offsets.prove_residual_entries(3)
    assert len(bad) == 6 and all(b.startswith("hess[") for b in bad)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_exp_moment_difference_proved(n):
    """The divided difference the float64 residual sums use is M_n(w) - M_n(w*) over
    w - w*, and minus it has positive coefficients (no cancellation)."""
    assert offsets.prove_exp_moment_difference(n) == []


def test_exp_moment_difference_check_can_fail(monkeypatch):
    """A difference with a wrong term is rejected by the identity; the plain
    difference quotient (true, but it subtracts) by the positivity of coefficients."""
    right = offsets.exp_moment_difference.__wrapped__
    w, ws, s = offsets._w, offsets.W_STAR, offsets.s
    monkeypatch.setattr(offsets, "exp_moment_difference", lambda n: right(n) + 1 / (s + w) ** 3)
    assert any("!=" in b for b in offsets.prove_exp_moment_difference(1))
    monkeypatch.setattr(offsets, "exp_moment_difference",
                        lambda n: (1 / (s + w) ** 2 - 1 / (s + ws) ** 2) / (w - ws))
    bad = offsets.prove_exp_moment_difference(1)
    assert bad and all("coefficient" in b for b in bad)


@given(st.sampled_from([10.0, 30.0]), st.sampled_from([2, 3, 10]), st.integers(0, 2**32 - 1),
       st.sampled_from([1e-9, 1e-5, 1e-2]))
@settings(max_examples=16, deadline=None)
def test_float_residual_sum_within_its_bound(inv, m, seed, kick):
    """The float64 sum of the residuals' exponential part (pairing with the target's
    rates) is within its own error bound of the exact rational sum, for states near
    and away from M*, and the bound is not vacuous (within 1e6 of the error, or at
    the rounding level of the sum)."""
    from memverify.flow.problems import EPS, OffsetProblem

    rng = np.random.default_rng(seed)
    extra = [0.75 + 0.1 * k for k in range(m - 1)]
    a0, w0 = manifold_point([1.0], [1.0], m, extra)
    P = OffsetProblem(_loss(inv, m), a0 + w0)
    P.rebase(np.concatenate([rng.normal(0, 1e-9, m), rng.normal(0, 1e-3, m)]))
    Y = np.concatenate([rng.normal(0, kick, (3, m)), rng.normal(0, kick, (3, m))], axis=1)
    S, Serr = P._exp_part_float(Y[:, :m], Y[:, m:])
    exact = P._exp_part_exact(Y[:, :m], Y[:, m:])
    err = np.abs(S - exact)
    assert np.all(err <= Serr + EPS / 2 * np.abs(exact)), (err, Serr)
    assert np.all(Serr <= 1e6 * err + 1e4 * EPS * np.abs(S) + 1e-300)


def _exp_part_reference(P, U, V, dps=80):
    """S_n(w_k) of OffsetProblem P at offsets U, V, in mpmath at `dps` digits from the
    problem's exact parameters (an evaluation independent of P's own sums)."""
    import gmpy2

    out = np.zeros((len(U), 3, P.m), dtype=object)
    with mpmath.workdps(dps):
        for row, (u, v) in enumerate(zip(U, V)):
            w = [mpmath.mpf(float(x)) + mpmath.mpf(float(y)) for x, y in zip(P.w_ref, v)]
            c = [mpmath.mpf(gmpy2.mpfr(a, 400)) + mpmath.mpf(float(du)) for a, du in zip(P.a_exact, u)]
            terms = list(zip(c, w)) + [(mpmath.mpf(gmpy2.mpfr(a, 400)), mpmath.mpf(gmpy2.mpfr(r, 400)))
                                       for a, r in P._base_terms]
            for k in range(P.m):
                for n in range(3):
                    out[row, n, k] = sum(ci * math.factorial(n) / (w[k] + ri) ** (n + 1) for ci, ri in terms)
    return out


@given(st.sampled_from([10.0, 30.0, 40.0]), st.sampled_from([3, 10]), st.integers(0, 2**32 - 1),
       st.sampled_from([1e-12, 1e-9, 1e-5, 1e-2]))
@settings(max_examples=16, deadline=None)
def test_double_word_residual_sum_within_its_bound(inv, m, seed, kick):
    """The double-word sum of the residuals' exponential part (used where the float64
    sum cancels) is within its bound of an 80-digit reference, near and away from M*;
    the bound is not vacuous, and where the terms cancel it is far below the float
    sum's own bound (the reason to have it)."""
    from memverify.flow.problems import EPS, OffsetProblem

    rng = np.random.default_rng(seed)
    a0, w0 = manifold_point([1.0], [1.0], m, [0.75 + 0.1 * k for k in range(m - 1)])
    P = OffsetProblem(_loss(inv, m), a0 + w0)
    P.rebase(np.concatenate([rng.normal(0, 1e-9, m) * rng.uniform(0, 1, m) ** 4, rng.normal(0, 1e-3, m)]))
    Y = np.concatenate([rng.normal(0, kick, (3, m)), rng.normal(0, kick, (3, m))], axis=1)
    S, Serr = P._exp_part_dd(Y[:, :m], Y[:, m:])
    ref = _exp_part_reference(P, Y[:, :m], Y[:, m:])
    err = np.abs(S - ref).astype(float)
    assert np.all(err <= Serr + EPS / 2 * np.abs(S) * (1 + EPS)), (err, Serr)
    assert np.all(Serr <= 1e6 * err + 1e-26 * np.abs(S).max() + 1e-300)
    _, Ferr = P._exp_part_float(Y[:, :m], Y[:, m:])
    assert np.all(Serr <= 1e-9 * Ferr + 1e-300)


def test_batched_gradients_and_hessians_match_one_at_a_time():
    from memverify.flow.problems import OffsetProblem

    a0, w0 = manifold_point([1.0], [1.0], 3, [0.8, 1.3])
    P = OffsetProblem(_loss(20, 3), a0 + w0)
    Y = np.random.default_rng(1).normal(0, 1e-4, (3, 6))
    G, Gerr = P.gradients(Y)
    H, Herr = P.hessians_and_errors(Y)
    # exactly symmetric (the arb eigensolver that refines float64 eigenpairs needs it)
    assert np.array_equal(H, H.transpose(0, 2, 1)) and np.array_equal(Herr, Herr.transpose(0, 2, 1))
    for k in range(3):
        g, ge = P.gradient(Y[k])
        h, he = P.hessian_and_error(Y[k])
        assert np.array_equal(g, G[k]) and np.array_equal(ge, Gerr[k])
        assert np.array_equal(h, H[k]) and np.array_equal(he, Herr[k])


def test_residual_cache_follows_the_reference():
    """The residuals are cached per batch of offset states; a rebase changes what an
    offset means, so the gradient at offsets 0 after moving the reference (a only, so
    the new offsets are exactly 0 again) is the gradient at the new point, not the old."""
    from memverify.flow.problems import OffsetProblem

    a0, w0 = manifold_point([1.0], [1.0], 3, [0.8, 1.3])
    P = OffsetProblem(_loss(20, 3), a0 + w0)
    g_old = P.gradient(np.zeros(6))[0]
    assert np.array_equal(P.rebase(np.array([1e-3, -2e-3, 0.5e-3, 0.0, 0.0, 0.0])), np.zeros(6))
    g_new = P.gradient(np.zeros(6))[0]
    fresh = OffsetProblem(_loss(20, 3), list(P.theta(np.zeros(6))))
    assert not np.array_equal(g_new, g_old)
    np.testing.assert_allclose(g_new, fresh.gradient(np.zeros(6))[0], rtol=1e-12, atol=1e-300)


# --- phi functions and the integrator ----------------------------------------

@given(st.floats(-30, 30), st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_phi_float_matches_mpmath(z, k):
    ref = phi(Precision(40), k, [mpmath.mpf(z)])[0]
    got = phi(Precision(), k, np.array([z]))[0]
    assert abs(got - float(ref)) <= 1e-13 * abs(float(ref)) + 1e-300


class _Quadratic:
    """J = g.x + x.Hx/2: the flow is linear, exprb43 must be exact."""

    def __init__(self, H, g, dps=None):
        self.arith = Precision(dps)
        self.H = self.arith.matrix(H)
        self.g = self.arith.vector(g)
        self.dps = dps

    def gradient(self, y):
        return self.g + self.H.dot(y), None

    def gradients(self, Ys):
        return [self.gradient(y)[0] for y in Ys], [None] * len(Ys)

    def hessian(self, y):
        return self.H


def test_exact_on_a_linear_flow():
    H = [[2.0, 0.3, 0.0], [0.3, 1e-6, 0.0], [0.0, 0.0, -1e-3]]
    g = [1e-3, 2e-6, 1e-5]
    p = _Quadratic(H, g)
    s = ExpRosenbrock(p)
    y0 = np.zeros(3)
    h = 1e4  # far beyond any explicit method's stability
    lin = s.linearise(y0, h)
    y1, err, _, _ = s.step(0.0, y0, h, lin)
    # exact solution: y(h) = -int_0^h e^{-Hs} ds g
    lam, Q = np.linalg.eigh(np.array(H))
    exact = -Q @ ((-np.expm1(-h * lam) / lam) * (Q.T @ np.array(g)))
    assert np.allclose(y1, exact, rtol=1e-10, atol=1e-14)
    assert np.max(np.abs(err)) < 1e-12


# --- fast against exact, hitting times ---------------------------------------

@pytest.mark.parametrize("inv", [10, 25, 40])
def test_fast_agrees_with_exact(inv):
    L = _loss(inv)
    f = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="fast")
    e = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact")
    assert f.status == e.status == 1
    assert abs(f.t_events["tau_param"] / e.t_events["tau_param"] - 1) < 1e-6


def test_fast_reaches_inverse_omega_100():
    L = _loss(100)
    f = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="fast")
    e = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact")
    assert f.t_events["tau_param"] > 1e50
    assert abs(f.t_events["tau_param"] / e.t_events["tau_param"] - 1) < 1e-6
    assert e.steps < 400  # exponential steps through tau ~ 1e59


def test_naive_float64_raises_where_it_would_be_wrong():
    """At 1/omega = 35 the plain float64 gradient is drowned by cancellation;
    the naive method must say so (never a silently wrong time), and escalate on request."""
    L = _loss(35)
    with pytest.raises(PrecisionError, match="cannot resolve"):
        gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="naive")
    esc = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="naive", on_precision="exact")
    ref = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact")
    assert esc.method == "exact" and "escalated" in esc.message
    assert esc.t_events["tau_param"] == pytest.approx(ref.t_events["tau_param"], rel=1e-12)
    # and the plain float64 gradient there is indeed wrong: compare with mpmath
    a, w = M2
    g64 = L.gradient(a, w)
    gmp = np.array(L.gradient(a, w, dps=60), dtype=float)
    nz = gmp != 0
    assert np.max(np.abs(g64 - gmp)[nz] / np.abs(gmp[nz])) > 0.01  # a component off by > 1%


def test_exact_tolerance_converges():
    """The stated accuracy: hitting times at the default tolerance within 1e-5
    of a run at 100 times tighter tolerance."""
    L = _loss(12)
    a = gradient_flow(L, *M2, delta=0.05, method="fast")
    b = gradient_flow(L, *M2, delta=0.05, method="fast", rtol=1e-11, atol=1e-14)
    for k in ("tau_loss", "tau_param"):
        assert abs(a.t_events[k] / b.t_events[k] - 1) < 1e-5


def _crossing(f, tau, rel=1e-6):
    """The root of f on [tau (1 - rel), tau (1 + rel)] (it must change sign there)."""
    from scipy.optimize import brentq
    return brentq(f, tau * (1 - rel), tau * (1 + rel), xtol=1e-15 * tau, rtol=1e-15)


def test_events_located_and_dense_output():
    """The reported times agree with a run at rtol 1e-12 to 1e-8 (measured: 1.9e-10 and
    6.8e-11), and the dense output crosses each event within 1e-8 of it (measured:
    2.4e-9 at tau_param, 7e-11 at tau_loss; the collocation polynomial is O(h^4)
    against the steps' O(h^6), which is why events are refined by stepping to them).
    With the chord norm (control.PATH_TIME, off by default) the crossings were 1.3e-8
    and 2.5e-9 off: the state at a fixed time is then a point of the path at a time
    within about rtol tau."""
    L = _loss(10)
    r = gradient_flow(L, *M2, delta=0.05, method="fast")
    ref = gradient_flow(L, *M2, delta=0.05, method="fast", rtol=1e-12, atol=1e-15, dense=False)
    th0 = np.array(M2[0] + M2[1])
    tp, tl = r.t_events["tau_param"], r.t_events["tau_loss"]
    assert tp == pytest.approx(ref.t_events["tau_param"], rel=1e-8)
    assert tl == pytest.approx(ref.t_events["tau_loss"], rel=1e-8)
    assert _crossing(lambda s: np.linalg.norm(r.sol(s) - th0) - 0.05, tp) == pytest.approx(tp, rel=1e-8)
    assert np.linalg.norm(r.sol(tp) - th0) == pytest.approx(0.05, rel=1e-8)
    drop = lambda s: r.loss[0] - L.value(list(r.sol(s)[:2]), list(r.sol(s)[2:])) - 0.05  # noqa: E731
    assert _crossing(drop, tl) == pytest.approx(tl, rel=1e-8)
    assert tl >= tp  # Theorem C.1's ordering
    e = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact")
    te = e.t_events["tau_param"]
    assert _crossing(lambda s: np.linalg.norm(e.sol(s) - th0) - 0.05, te) == pytest.approx(te, rel=1e-8)
    assert np.linalg.norm(e.sol(te) - th0) == pytest.approx(0.05, rel=1e-8)
    assert e.dps >= 25 and e.steps > 0 and e.seconds > 0 and r.dps is None
    assert set(r.as_dict()) >= {"tau_loss", "tau_param", "method", "dps", "steps", "seconds", "status"}


def test_linearised_close_to_full_flow_at_small_delta():
    L = _loss(10)
    lin = linearised_flow(L, *M2, 0.01)
    full = gradient_flow(L, *M2, events=[ParamSeparation(0.01)], method="exact")
    assert lin.tau_param == pytest.approx(full.t_events["tau_param"], rel=0.1)
    assert lin.tau_bound <= full.t_events["tau_param"]


def test_no_escape_without_memory():
    L = Loss(ExpSum([1.0], [1.0]), 2)
    r = gradient_flow(L, *M2, delta=0.05, method="fast", t_max=1e30)
    assert r.status == 0 and r.t_events == {"tau_loss": None, "tau_param": None}


# --- bad input -----------------------------------------------------------------

@pytest.mark.parametrize("kwargs,exc,word", [
    ({"method": "rk4"}, ValueError, "method"),
    ({"dps": 10}, ValueError, "dps"),
    ({"dps": 30, "method": "fast"}, ValueError, "dps"),
    ({"rtol": -1}, ValueError, "rtol"),
    ({"t_max": float("nan")}, ValueError, "t_max"),
    ({"events": ["x"]}, TypeError, "events"),
    ({"on_precision": "ignore"}, ValueError, "on_precision"),
])
def test_bad_input(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        gradient_flow(_loss(10), *M2, **{"delta": 0.05, **kwargs} if "events" not in kwargs else kwargs)


def test_bad_points():
    L = _loss(10)
    with pytest.raises(ValueError, match="w0"):
        gradient_flow(L, [1.0, 0.0], [1.0, -0.8], delta=0.05)
    with pytest.raises(ValueError, match="a0"):
        gradient_flow(L, [1.0], [1.0, 0.8], delta=0.05)
    with pytest.raises(TypeError, match="loss"):
        gradient_flow("J", *M2, delta=0.05)
    with pytest.raises(ValueError, match="delta"):
        LossHitting(0)
    with pytest.raises(ValueError, match="extra_w"):
        manifold_point([1.0], [1.0], 2, [1.0])
    with pytest.raises(ValueError, match="fast"):
        from memverify import PowerLaw
        gradient_flow(Loss(PowerLaw(1.5), 2), *M2, delta=0.05, method="fast")


def test_result_sol_validates():
    r = gradient_flow(_loss(5), *M2, delta=0.05, method="fast")
    with pytest.raises(ValueError, match="tau"):
        r.sol(-1.0)
    assert math.isfinite(r.t_events["tau_loss"])


@given(st.sampled_from([10.0, 30.0, 60.0]), st.integers(2, 3), st.integers(0, 2**32 - 1))
@settings(max_examples=12, deadline=None)
def test_fast_gradient_within_its_rounding_bound(inv, m, seed):
    """The 'fast' gradient at a point near M* (offsets from an exact reference)
    is within its own componentwise rounding-error bound of the gradient at
    80 digits, at the same point (a = a_ref + u, w = w_ref + v exactly)."""
    import gmpy2

    from memverify.flow.problems import OffsetProblem

    rng = np.random.default_rng(seed)
    extra = [0.8 + 0.25 * k for k in range(m - 1)]
    a0, w0 = manifold_point([1.0], [1.0], m, extra)
    L = _loss(inv, m)
    P = OffsetProblem(L, a0 + w0)
    # move the reference once (a_ref carries sub-ulp rationals after a rebase)
    P.rebase(np.concatenate([rng.normal(0, 1e-9, m), rng.normal(0, 1e-3, m)]))
    y = np.concatenate([rng.normal(0, 1e-7, m), rng.normal(0, 1e-6, m)])
    g, bound = P.gradient(y)
    with mpmath.workdps(80):
        a = [mpmath.mpf(q.numerator) / mpmath.mpf(q.denominator)
             for q in (a_r + gmpy2.mpq(float(u)) for a_r, u in zip(P.a_exact, y[:m]))]
        w = [mpmath.mpf(float(wr)) + mpmath.mpf(float(v)) for wr, v in zip(P.w_ref, y[m:])]
        exact = L.gradient(a, w, dps=80)
        err = [abs(float(gi) - ei) for gi, ei in zip(g, exact)]
    assert all(e <= b for e, b in zip(err, bound)), (err, list(bound))
    assert max(bound) < 1e-12 * max(abs(g))  # and the bound is sharp enough to matter


def test_fast_says_when_float64_is_not_enough():
    """Run on towards the minimum at 1/omega = 5, the flow drives w_2 down until
    the gradient (exponential part exact, template moment to ~1e-14) no longer
    resolves a slow direction: 'fast' raises instead of answering."""
    with pytest.raises(PrecisionError, match="eigenvector"):
        gradient_flow(_loss(5), *M2, method="fast", t_max=1e12, max_steps=20000)


def test_heavy_ball_overdamped_limit_and_acceleration():
    """theta'' + gamma theta' + grad J = 0: for large gamma the time rescales to
    gamma times the gradient flow's; with gamma = 0 (the paper's rho = 1) the
    escape is much faster (Appendix E)."""
    L = _loss(10)
    gd = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact").t_events["tau_param"]
    slow = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact", momentum=30.0)
    assert slow.t_events["tau_param"] / gd == pytest.approx(30.0, rel=2e-3)
    fast = gradient_flow(L, *M2, events=[ParamSeparation(0.05)], method="exact", momentum=0.0)
    assert fast.t_events["tau_param"] < 0.3 * gd
    assert "heavy ball" in fast.method
    with pytest.raises(ValueError, match="momentum"):
        gradient_flow(L, *M2, delta=0.05, method="fast", momentum=1.0)
    with pytest.raises(ValueError, match="momentum"):
        gradient_flow(L, *M2, delta=0.05, momentum=-1.0)


def test_linearised_flow_reports_its_status():
    """The result convention (success, status, message); a time it cannot give is None, not inf."""
    L = Loss(ExpSum([1.0], [1.0]), 1)
    lin = linearised_flow(L, [1.0], [1.5], 0.05)
    assert (lin.status, lin.success, lin.message) == (1, True, "both hitting times found")
    # the quadratic model's loss falls by at most J(theta_0) - min, well below 1
    part = linearised_flow(L, [1.0], [1.5], 1.0)
    assert part.status == 0 and part.success and part.tau_loss is None and part.tau_param > 0
    assert part.message == "tau_loss not reached by tau = 1e300 (None)"
    # at the minimiser g_0 = 0: nothing moves, no time and no bound (eq. 113 would be inf)
    rest = linearised_flow(L, [1.0], [1.0], 0.05)
    assert rest.status == 0 and (rest.tau_param, rest.tau_loss, rest.tau_bound) == (None, None, None)


def test_progress_reports_every_accepted_step_of_every_run():
    """progress(info) after each accepted step, of the main run, of the 'exact' rerun
    after an escalation, and of the error estimate's run, in that order."""
    L = _loss(10)
    seen = []
    r = gradient_flow(L, *M2, delta=0.05, method="fast", error_estimate=True, progress=seen.append)
    main = [x for x in seen if x["run"] == "main"]
    assert len(main) == r.steps and [x["steps"] for x in main] == list(range(1, r.steps + 1))
    assert [x["tau"] for x in main] == list(r.t[1:]) and main[-1]["loss"] == r.loss[-1]
    assert main[-1]["found"] == r.t_events and main[0]["method"] == "fast"
    assert seen[len(main)]["run"] == "error estimate" and {x["run"] for x in seen} == {"main", "error estimate"}
    # an amplitude of 1e6: float64 cannot resolve the loss event, 'exact' reruns from the start
    seen.clear()
    esc = gradient_flow(Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=0.2), 2), [1e6, 0.0], [1.0, 0.8], delta=0.05,
                        method="fast", on_precision="exact", progress=seen.append)
    assert "escalated" in esc.message and len(seen) == esc.steps
    assert {(x["run"], x["method"]) for x in seen} == {("exact rerun", "exact")}
    with pytest.raises(TypeError, match="progress"):
        gradient_flow(L, *M2, delta=0.05, method="fast", progress="yes")


@pytest.mark.parametrize("z", ["1e-40", "-1e-12", "0.3", "-0.49", "0.5", "-7", "40", "-1e6", "0"])
def test_phi1_mp_by_expm1_matches_the_series(z):
    """phi_1 in mpmath is expm1(z)/z (no series): against the series at 80 digits."""
    with mpmath.workdps(80):
        x = mpmath.mpf(z)
        ref = mpmath.nsum(lambda j: x**j / mpmath.factorial(j + 1), [0, mpmath.inf]) if abs(x) < 50 else \
            (mpmath.exp(x) - 1) / x
    with mpmath.workdps(40):
        got = phi(Precision(40), 1, [mpmath.mpf(z)])[0]
        assert abs(got - ref) <= mpmath.mpf(10) ** -39 * abs(ref)
