"""The Radau IIA integrator of the gradient flow, its step-size controller, and the
float64 resolution checks of the events."""

import math
import warnings

import numpy as np
import pytest
import sympy as sp

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import PrecisionError, gradient_flow, linearised_flow
from memverify.flow.control import StepController
from memverify.backends import Precision
from memverify.flow.linalg import eigh
from memverify.flow.radau import RadauStep, radau_tableau


def _loss(inv_omega):
    return Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / inv_omega), 2)


def test_tableau_is_radau_iia():
    """The derived tableau satisfies the order conditions B(5) and C(3), c_3 = 1, and
    its error estimator equals the one published for RADAU5 (Hairer and Wanner,
    IV.8: e = (-13 - 7 sqrt 6, -13 + 7 sqrt 6, -1) / (3 mu), mu = 3 + 3^(2/3) - 3^(1/3))."""
    tab = radau_tableau()
    c, A = tab["c"], tab["A"]
    b = A.row(2)
    assert c[2] == 1
    for k in range(1, 6):  # B(5): the quadrature is exact for degree <= 4
        assert sp.simplify(sum(b[i] * c[i] ** (k - 1) for i in range(3)) - sp.Rational(1, k)) == 0
    for i in range(3):  # C(3): each stage is a collocation condition
        for k in range(1, 4):
            assert sp.simplify(sum(A[i, j] * c[j] ** (k - 1) for j in range(3)) - c[i] ** k / k) == 0
    mu = 3 + 3 ** (2 / 3) - 3 ** (1 / 3)
    published = np.array([-13 - 7 * 6**0.5, -13 + 7 * 6**0.5, -1]) / (3 * mu)
    derived = np.array([float(v) for v in tab["e"]])
    assert np.allclose(derived, published, rtol=1e-13, atol=0)
    assert math.isclose(float(tab["gamma0"]), 1 / mu, rel_tol=1e-14)


def test_dense_output_interpolates_stages():
    ar = Precision()
    c = (0.2, 0.6, 1.0)
    Z = tuple(np.array([ci**2, -ci]) for ci in c)
    st = RadauStep(0.0, 2.0, np.array([1.0, 1.0]), c, Z)
    assert np.allclose(st(0.0, ar), [1.0, 1.0])
    for ci, zi in zip(c, Z):
        assert np.allclose(st(2.0 * ci, ar), 1.0 + zi)


def test_controller_constants_and_limits():
    ctl = StepController(3, Precision(), 1e-9, 1e-12)
    assert ctl.accepted(1.0, 0.0) == 10.0  # FAC_MAX
    assert ctl.rejected(1.0, 1e12) == pytest.approx(0.2)  # FAC_MIN
    assert ctl.accepted(1.0, 1e-8) == 1.0  # no growth right after a rejection
    for _ in range(60):
        assert ctl.failed(1.0) is not None
    assert ctl.failed(1.0) is None  # too many failures in a row


def test_predictive_factor_follows_a_growing_error():
    """Gustafsson's factor: after two accepted steps whose error grew (0.1 -> 0.5 at the
    same h), the next step is the standard one times (0.1 / 0.5)^(1/4), smaller; with a
    falling error the standard factor stands; predictive=False is the standard factor."""
    std = StepController(3, Precision(), 1e-9, 1e-12, predictive=False)
    pred = StepController(3, Precision(), 1e-9, 1e-12, predictive=True)
    for ctl in (std, pred):
        ctl.accepted(1.0, 0.1)
    standard = 0.9 * 0.5 ** -0.25
    assert std.accepted(1.0, 0.5) == pytest.approx(standard, rel=1e-15)
    assert pred.accepted(1.0, 0.5) == pytest.approx(standard * (0.1 / 0.5) ** 0.25, rel=1e-15)
    falling = StepController(3, Precision(), 1e-9, 1e-12, predictive=True)
    falling.accepted(1.0, 0.5)
    assert falling.accepted(1.0, 0.1) == pytest.approx(0.9 * 0.1 ** -0.25, rel=1e-15)


def test_error_along_the_chord_is_a_time_shift():
    """error_norm: an error across the step's chord against the state tolerance, one
    along it against rtol tau in time (capped at PATH_SHARE of the chord); with
    path_time off, every direction against the state tolerance."""
    ctl = StepController(3, Precision(), 1e-9, 1e-12, path_time=True)
    chord, h, tau, scale = np.array([1e-3, 0.0, 0.0, 0.0]), 1.0, 1e6, 1e-9
    along, across = np.array([1e-7, 0.0, 0.0, 0.0]), np.array([0.0, 1e-7, 0.0, 0.0])
    # along: rtol tau |chord| / h = 1e-6 = PATH_SHARE |chord|
    assert ctl.error_norm(along, chord, h, tau, scale) == pytest.approx(0.1)
    assert ctl.error_norm(across, chord, h, tau, scale) == pytest.approx(100)
    assert ctl.error_norm(along, chord, h, 1.0, scale) == pytest.approx(100)  # tau = 1: no time to shift in
    assert ctl.error_norm(along, np.zeros(4), h, tau, scale) == pytest.approx(100)  # no chord
    plain = StepController(3, Precision(), 1e-9, 1e-12, path_time=False)
    assert plain.error_norm(along, chord, h, tau, scale) == pytest.approx(100)


def test_predictive_controller_removes_the_rejections_of_an_escape():
    """From near M* at 1/omega = 30 the error grows from step to step through the
    escape: the standard factor has 131 rejected steps (measured; 116 with the chord
    norm), the predictive one 1, and the times stay within 1e-8 of rtol 1e-12."""
    L = _loss(30)
    a0, w0 = [1.0, 0.0], [1.0, 0.8]
    r = gradient_flow(L, a0, w0, delta=0.05, method="fast", dense=False)
    assert r.status == 1 and r.rejected < 20
    ref = gradient_flow(L, a0, w0, delta=0.05, method="fast", rtol=1e-12, atol=1e-15, dense=False)
    for k in ("tau_loss", "tau_param"):
        assert r.t_events[k] == pytest.approx(ref.t_events[k], rel=1e-8)


def test_radau_agrees_with_exprb43_in_fewer_steps():
    """Two integrators that share only the problem: hitting times within 1e-8, and
    Radau IIA crosses the escape in far fewer steps (measured: 191 against 734)."""
    L = _loss(10)
    ra = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast")
    ex = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast", integrator="exprb43")
    assert ra.status == ex.status == 1
    for k in ("tau_loss", "tau_param"):
        assert ra.t_events[k] == pytest.approx(ex.t_events[k], rel=1e-8)
    assert ra.steps < 250 < ex.steps
    # the dense output of the collocation polynomial: continuous at the step ends
    mid = 0.5 * (ra.t[10] + ra.t[11])
    assert np.all(np.isfinite(ra.sol(mid)))
    assert np.allclose(ra.sol(ra.t[11]), ra.y[11], rtol=1e-12, atol=1e-15)


def test_radau_exact_matches_fast():
    L = _loss(5)
    f = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast")
    e = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="exact", dps=30)
    for k in ("tau_loss", "tau_param"):
        assert f.t_events[k] == pytest.approx(e.t_events[k], rel=1e-9)


def test_switched_off_start_escapes_at_20():
    """The start of issue 11 that exprb43 could not finish in 5000 steps."""
    r = gradient_flow(_loss(20), [1.0, 0.0], [1.0, 2.0], delta=0.05, method="fast")
    assert r.status == 1 and r.steps < 5000
    assert r.t_events["tau_param"] < r.t_events["tau_loss"]


def test_bad_tolerances_and_integrator():
    L = _loss(10)
    for rtol in (1e308, 1.0, 0.0, -1e-9, float("nan")):
        with pytest.raises(ValueError, match="rtol"):
            gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast", rtol=rtol)
    with pytest.raises(ValueError, match="integrator"):
        gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, integrator="rk4")


@pytest.mark.parametrize("a0, delta", [([1e8, 0.0], 0.05), ([1e6, 0.0], 0.05), ([1.0, 0.0], 1e-15)])
def test_events_float64_cannot_resolve(a0, delta):
    """Large amplitudes or a tiny gap: J(theta) - J(theta_0) is below float64's
    resolution, so 'fast' refuses (and escalates on request) instead of a wrong time."""
    L = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=0.2), 2)
    with pytest.raises(PrecisionError, match="cannot resolve the event"):
        gradient_flow(L, a0, [1.0, 0.8], delta=delta, method="fast")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        esc = gradient_flow(L, a0, [1.0, 0.8], delta=delta, method="fast", on_precision="exact")
    assert esc.method == "exact" and "escalated" in esc.message and esc.status == 1


def test_linearised_tau_loss_not_floored():
    """The linearised hitting time below 1e-6 (issue 11: it was floored there)."""
    L = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=0.2), 2)
    lin = linearised_flow(L, [100.0, 0.0], [1.0, 0.8], 0.05)
    assert 1e-10 < lin.tau_loss < 1e-7


def test_to_arb_exact_for_long_mpf():
    """to_arb(mpf) is exact whatever flint's working precision (it used to round to
    flint's default 53 bits, which put 1e-17 errors into the flow's eigenvalues)."""
    import flint
    import mpmath

    from memverify.backends import to_arb

    with mpmath.workdps(90):
        x = mpmath.mpf(1) / 3
        old = flint.ctx.prec
        try:
            flint.ctx.prec = 53
            b = to_arb(x)
            flint.ctx.prec = 400
            assert b.rad() == 0 and b.mid().man_exp()[0] == int(x.man) * (1 if x > 0 else -1)
        finally:
            flint.ctx.prec = old


def test_exact_eigenvalues_resolved_below_float():
    """The 'exact' method's eigensolver resolves eigenvalues far below 1e-16 ||H||
    (the split start at 1/omega = 40 meets a soft eigenvalue ~1e-30): a symmetric
    matrix with eigenvalues (1e-30, 1e-14, 0.1, 2) in a random orthonormal basis."""
    import mpmath


    with mpmath.workdps(60):
        rng = np.random.default_rng(1)
        V = mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in rng.standard_normal((4, 4))])
        Q, _ = mpmath.qr(V)
        D = mpmath.diag([mpmath.mpf("1e-30"), mpmath.mpf("1e-14"), mpmath.mpf("0.1"), mpmath.mpf(2)])
        H = Q * D * Q.T
        ar = Precision(60)
        lam, _ = eigh(ar, ar.matrix([[H[i, j] for j in range(4)] for i in range(4)]))
        assert abs(lam[0] - mpmath.mpf("1e-30")) < mpmath.mpf(10) ** -50
        assert abs(lam[1] - mpmath.mpf("1e-14")) < mpmath.mpf(10) ** -50


def test_error_estimate_brackets_the_true_error():
    """error_estimate=True: the estimated error of each time is at least the error
    against a converged reference (rtol 1e-12) and at most 100 times it."""
    L = _loss(10)
    r = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast", rtol=1e-7, error_estimate=True)
    ref = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast", rtol=1e-12, atol=1e-15)
    for k in ("tau_loss", "tau_param"):
        true = abs(r.t_events[k] - ref.t_events[k])
        est = r.t_events_error[k]
        assert 0.5 * true <= est <= 100 * true + 1e-12 * ref.t_events[k]
        assert r.as_dict()[f"{k}_error"] == est
    plain = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast")
    assert plain.as_dict()["tau_loss_error"] is None


def test_flow_spec_validates_rtol_and_integrator():
    from memverify.flow import flow_spec

    with pytest.raises(ValueError, match="rtol"):
        flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05, rtol=2.0)
    with pytest.raises(ValueError, match="integrator"):
        flow_spec(0.1, [1.0, 0.0], [1.0, 0.8], 0.05, integrator="euler")


def test_an_early_t_max_is_not_a_rest_at_a_saddle():
    """The same invariant set stopped at t_max = 1e-3: a rounding-size deviation along the
    unstable direction (lambda ~ -0.01) grows by e^{1e-5} only, so the run has not come to
    rest: no 'saddle' diagnosis and no reruns at twice the digits (which it made before);
    the falsifier, the same start run to t_max = 1e60, is test_symmetric_split_reports_no_escape."""
    e = gradient_flow(_loss(10), [0.5, 0.5], [1.0, 1.0], delta=0.05, method="exact", t_max=1e-3)
    assert e.status == 0 and "saddle" not in e.message and not e.unresolved_saddle
    assert e.message.startswith("reached t_max") and e.dps == 35  # the automatic digits, no rerun


def test_symmetric_split_reports_no_escape():
    """a1 = a2, w1 = w2 is an invariant set: at 1/omega = 10 the flow comes to rest
    at a saddle of J_2 on it.  'exact' reaches t_max and says why; float64 cannot tell
    whether rounding would push it off along the unstable direction, and says so."""
    L = _loss(10)
    e = gradient_flow(L, [0.5, 0.5], [1.0, 1.0], delta=0.05, method="exact")
    assert e.status == 0 and "saddle" in e.message
    assert e.t_events == {"tau_loss": None, "tau_param": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(PrecisionError):
            gradient_flow(L, [0.5, 0.5], [1.0, 1.0], delta=0.05, method="fast")


def test_split_start_at_40_is_refused_by_float64():
    """The split start (0.25, 0.75), (1, 1) at 1/omega = 40 crosses a region where the
    Hessian's eigenvalues (~1e-30) are below float64's resolution: 'fast' used to report
    'reached t_max = 1e60' there (wrong); it now raises PrecisionError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(PrecisionError):
            gradient_flow(_loss(40), [0.25, 0.75], [1.0, 1.0], delta=0.05, method="fast")


def test_exact_steps_never_multiply_an_mpf_by_an_array(monkeypatch):
    """mpf * ndarray costs 8 times ndarray * mpf (mpmath formats the array for an error
    message before numpy takes the product): the 'exact' steps of every integrator put
    the array first.  Caught here by making that conversion fail loudly."""
    from mpmath.ctx_mp_python import PythonMPContext

    original = PythonMPContext.npconvert

    def npconvert(ctx, x):
        if isinstance(x, np.ndarray):
            raise AssertionError("an mpf multiplied by (or added to) a numpy array, mpf first")
        return original(ctx, x)

    monkeypatch.setattr(PythonMPContext, "npconvert", npconvert)
    L = _loss(5)
    for kw in ({"integrator": "radau"}, {"integrator": "exprb43"}, {"momentum": 1.0}):
        r = gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="exact", **kw)
        assert r.status == 1
        r.sol(0.5 * r.t[-1])
    assert linearised_flow(L, [1.0, 0.0], [1.0, 0.8], 0.05, dps=30).status >= 0


def test_inverse3_solves_every_mode():
    """stages.inverse3 / apply3 (the simplified Newton matrix inverted once per step)
    against numpy's solve, mode by mode, and in mpmath against mpmath's."""
    import mpmath

    from memverify.flow.stages import apply3, inverse3

    rng = np.random.default_rng(3)
    Ms = rng.standard_normal((5, 3, 3)) + 3 * np.eye(3)
    r = rng.standard_normal((5, 3))
    Minv, det = inverse3([[Ms[:, i, j] for j in range(3)] for i in range(3)])
    x = np.array(apply3(Minv, [r[:, i] for i in range(3)])).T
    np.testing.assert_allclose(x, np.linalg.solve(Ms, r[..., None])[..., 0], rtol=1e-12)
    np.testing.assert_allclose(det, np.linalg.det(Ms), rtol=1e-12)
    with mpmath.workdps(40):
        M = [[np.array([mpmath.mpf(float(Ms[0, i, j]))], dtype=object) for j in range(3)] for i in range(3)]
        rr = [np.array([mpmath.mpf(float(r[0, i]))], dtype=object) for i in range(3)]
        got = [v[0] for v in apply3(inverse3(M)[0], rr)]
        want = mpmath.lu_solve(mpmath.matrix([[M[i][j][0] for j in range(3)] for i in range(3)]),
                               mpmath.matrix([v[0] for v in rr]))
        assert all(abs(g - w) <= mpmath.mpf(10) ** -35 for g, w in zip(got, want))


def test_step_limit_from_an_unresolved_eigenvalue_is_a_precision_error():
    """max_step: UNSTABLE_REACH / |lambda| for a negative eigenvalue along which the
    gradient has a component.  Where that limit binds (h above it) and lambda lies within
    its rounding error (Figure 3's start, m = 10, 1/omega = 100: -2.2e-16 against 5.3e-15;
    every one of 16,663 steps was held at 6.7e15 by it), float64 says so (PrecisionError,
    so 'fast' hands over to 'exact'); a resolved eigenvalue (the falsifier: its error
    bound 100 times smaller) limits the step as before, and so does an unresolved one
    that does not bind."""
    import types

    from memverify.backends import Precision, PrecisionError
    from memverify.flow.integrator import Linearisation
    from memverify.flow.radau import UNSTABLE_REACH, RadauIIA

    solver = RadauIIA(types.SimpleNamespace(arith=Precision(), dps=None))

    def lin(lam_err):
        return Linearisation(np.array([1e-30, 0.5]), np.array([1e-48, 1e-17]), None, np.array([-2.2e-16, 1.0]),
                             np.eye(2), np.array([lam_err, 1e-15]))

    cap = UNSTABLE_REACH / 2.2e-16
    assert solver.max_step(lin(5.3e-15)) == cap and solver.max_step(lin(5.3e-15), cap / 2) == cap
    with pytest.raises(PrecisionError, match="cannot resolve the Hessian eigenvalue"):
        solver.max_step(lin(5.3e-15), 2 * cap)
    assert solver.max_step(lin(2.2e-18), 2 * cap) == cap
