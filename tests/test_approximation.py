"""memverify.approximation: errors, the constructions of Thm 4.1 / 4.2 and App. B,
sinc sums and best exponential sums (with the Braess-Hackbusch reference)."""

import math

import mpmath
import numpy as np
import pytest

from memverify import Airy, ExpSum, Loss, PowerLaw
from memverify.approximation import (appendix_b_expsum, appendix_b_route, best_expsum, certify_alternation,
                                     condition_13_gamma, expsum_error, lemma_a2_expsum, sinc_expsum,
                                     sinc_width, thm42_expsum)

# Best L-infinity approximations of 1/x on [1, inf) by k exponentials,
# 1/x ~ sum_i weight_i exp(-exponent_i x), from W. Hackbusch's tables as distributed
# with CP2K (src/minimax/minimax_exp_k15.F, the coefficients used for Rc >= R_max;
# R_max is where the best approximation on [1, R] becomes the one on [1, inf)).
# Reference data, used only for comparison.
HACKBUSCH_1_OVER_X = {
    1: {"exponents": [4.4649260629947779e-01], "weights": [1.4290997869805788e+00], "R_max": 8.667},
    2: {"exponents": [9.3106172568836743e-02, 1.0301539335400713e+00],
        "weights": [2.9765554323276328e-01, 1.9917443679019897e+00], "R_max": 41.54},
    3: {"exponents": [2.6349272848143715e-02, 2.8996855484815137e-01, 1.5533661852788561e+00],
        "weights": [8.4233696465358193e-02, 5.5403643315333395e-01, 2.3557688429224690e+00], "R_max": 146.8},
    4: {"exponents": [8.8685367946663256e-03, 9.7565835027097439e-02, 5.1691899901700877e-01,
                      2.0308311260118175e+00],
        "weights": [2.8350982414551848e-02, 1.8628933861057068e-01, 7.6510507307920383e-01,
                    2.6286812528458148e+00], "R_max": 436.1},
}


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_remez_reproduces_hackbusch_1_over_x(k):
    """1/x on [1, inf) is PowerLaw(1) on [0, inf) with x = 1 + t: weight e^{-exponent}."""
    ref = HACKBUSCH_1_OVER_X[k]
    target = PowerLaw(1)
    a_ref = [wt * math.exp(-ex) for wt, ex in zip(ref["weights"], ref["exponents"])]
    err_ref = float(expsum_error(target, a_ref, ref["exponents"], "Linf", None, dps=30))
    r = best_expsum(target, k, "Linf", None, dps=30)
    assert r.status == 0 and r.success and r.as_dict()["success"], r.message
    assert [float(w) for w in r.w] == pytest.approx(ref["exponents"], rel=1e-7)
    assert [float(a) for a in r.a] == pytest.approx(a_ref, rel=1e-7)
    assert float(r.error) == pytest.approx(err_ref, rel=1e-8)
    low, signs = certify_alternation(target, r)
    assert len(signs) == 2 * k + 1
    assert float(low.upper()) <= err_ref * (1 + 1e-12)     # nobody beats the certified lower bound
    assert float(low.lower()) >= float(r.error) * (1 - 1e-8)  # and the sum found attains it
    # the last alternation point is where [1, R] stops mattering; the table gives R_max to 4
    # significant digits, so it must round to the tabled value: within half a unit of its last digit
    half_unit = 0.5 * 10.0 ** (math.floor(math.log10(ref["R_max"])) - 3)
    assert abs(1 + float(r.info["reference_points"][-1]) - ref["R_max"]) <= half_unit


def test_remez_on_a_finite_interval_is_better_than_on_the_half_line():
    target = PowerLaw(1)
    r_inf = best_expsum(target, 2, "Linf", None, dps=25)
    r_fin = best_expsum(target, 2, "Linf", (0, 9.0), dps=25)  # 1/x on [1, 10]
    assert r_fin.status == 0 and float(r_fin.error) < float(r_inf.error)
    low, _ = certify_alternation(target, r_fin)
    assert float(low.lower()) > 0


def test_l1_error_known_values():
    e = ExpSum([1.0], [1.0])
    assert expsum_error(e, [0.5], [1.0]) == pytest.approx(0.5, rel=1e-12)
    assert expsum_error(e, [1.0], [2.0]) == pytest.approx(0.5, rel=1e-12)
    # with a sign change: e^{-t} - 2 e^{-3t} changes sign at t = log(2)/2
    r = math.log(2) / 2
    exact = abs((1 - math.exp(-r)) - 2 * (1 - math.exp(-3 * r)) / 3) + abs(math.exp(-r) - 2 * math.exp(-3 * r) / 3)
    assert expsum_error(e, [2.0], [3.0]) == pytest.approx(exact, rel=1e-12)
    assert expsum_error(e, [1.0], [1.0]) == pytest.approx(0.0, abs=1e-15)


def test_l1_error_float_matches_mpmath_and_quadrature():
    target = PowerLaw(1.5)
    a, w = sinc_expsum(1.5, 1.0, -6, 2)
    f = expsum_error(target, a, w)
    m = expsum_error(target, a, w, dps=40)
    assert f == pytest.approx(float(m), rel=1e-10)
    with mpmath.workdps(30):
        e = lambda t: (1 + t) ** mpmath.mpf(-1.5) - sum(ai * mpmath.exp(-wi * t) for ai, wi in zip(a, w))
        pts = [0, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, mpmath.inf]
        q = mpmath.quad(lambda t: abs(e(t)), pts, maxdegree=10)
    assert float(m) == pytest.approx(float(q), rel=1e-5)


def test_l1_error_on_a_finite_interval():
    e = ExpSum([1.0], [1.0])
    assert expsum_error(e, [0.5], [1.0], interval=(0, 2.0)) == pytest.approx(0.5 * (1 - math.exp(-2)), rel=1e-12)


def test_l2_error_matches_loss():
    """The L2 error squared is the loss J of eq. 18 (memverify.loss)."""
    target = PowerLaw(2)
    a, w = [0.5, 0.3], [0.4, 2.0]
    assert float(expsum_error(target, a, w, "L2", dps=30)) ** 2 == pytest.approx(
        Loss(target, 2).value(a, w), rel=1e-10)


def test_appendix_b_route_s_space_error_equals_t_space_error():
    """Eq. 60's change of variables: the s-space L1 error of the Chebyshev route
    equals the L1 error of the explicit sum computed in t (mpmath)."""
    omega, T = 1.0, 100.0
    for m in (8, 16):
        err, cheb = appendix_b_route(omega, m, T)
        a, w = appendix_b_expsum(omega, m, T)
        assert len(cheb) == m and [float(x) for x in w] == pytest.approx([(j + 1) / T for j in range(m)])
        assert err == pytest.approx(float(expsum_error(PowerLaw(1 + omega), a, w, dps=30)), rel=1e-8)


def test_lemma_a2_rates_and_decrease():
    target = PowerLaw(2)
    errs = []
    for m in (2, 4, 8):
        r = lemma_a2_expsum(target, m)
        assert [float(x) for x in r.w] == list(range(1, m + 1))  # W = -diag(1..m), p(0) = 0
        errs.append(float(r.error))
    assert errs[0] > errs[1] > errs[2]


def test_thm42_rates_and_rate():
    target = Airy(1.0, 2.0)
    r4, r8 = thm42_expsum(target, 4, 1, 1.0), thm42_expsum(target, 8, 1, 1.0)
    assert [float(x) for x in r4.w] == pytest.approx([j / 2 for j in range(1, 5)])
    assert float(r8.error) < float(r4.error) / 2 ** 1  # at least the rate alpha = 1


def test_condition_13_gamma_scaling():
    """gamma in the proof's normalisation is invariant under t -> lambda t (with
    beta -> lambda beta); the printed normalisation divides it by lambda."""
    g1 = condition_13_gamma(Airy(1.0, 2.0), 1, 1.0, "proof", t_max=32)
    g8 = condition_13_gamma(Airy(8.0, 0.25), 1, 8.0, "proof", t_max=4)
    p1 = condition_13_gamma(Airy(1.0, 2.0), 1, 1.0, "printed", t_max=32)
    p8 = condition_13_gamma(Airy(8.0, 0.25), 1, 8.0, "printed", t_max=4)
    assert g8 == pytest.approx(g1, rel=1e-6)
    assert p8 == pytest.approx(p1 / 8, rel=1e-6)


def test_sinc_sum_converges_and_width():
    target = PowerLaw(1.5)
    e1 = expsum_error(target, *sinc_expsum(1.5, 1.2, -30, 3))
    e2 = expsum_error(target, *sinc_expsum(1.5, 0.6, -60, 6))
    assert e2 < e1 / 10
    r = sinc_width(0.5, 1e-2)
    assert r.relative_error <= 1e-2 and r.m == len(r.a)
    # error is in the result's own norm (L1), the relative error in its own field (||rho||_1 = 2)
    assert r.norm == "L1" and r.error == pytest.approx(2 * r.relative_error, rel=1e-12)
    assert r.error == pytest.approx(expsum_error(target, r.a, r.w), rel=1e-12)


def test_best_l2_is_stationary_for_the_loss():
    target = PowerLaw(2)
    r = best_expsum(target, 2, "L2", dps=30)
    g = Loss(target, 2).gradient([float(x) for x in r.a], [float(x) for x in r.w])
    assert np.max(np.abs(g)) < 1e-7
    start_err = expsum_error(target, [0.5, 0.5], [0.5, 2.0], "L2")
    assert float(r.error) < start_err


def test_best_l1_beats_the_l2_best_in_l1():
    target = PowerLaw(2)
    r2 = best_expsum(target, 3, "L2", dps=25)
    r1 = best_expsum(target, 3, "L1", dps=25)
    assert float(r1.error) <= float(expsum_error(target, r2.a, r2.w, "L1")) + 1e-12
    d = r1.as_dict()
    assert d["m"] == 3 and len(d["a"]) == 3 and d["norm"] == "L1"


@pytest.mark.parametrize("kwargs, exc, word", [
    ({"norm": "L3"}, ValueError, "norm"),
    ({"m": 0}, ValueError, "m"),
    ({"m": 2.5}, TypeError, "m"),
    ({"interval": (1, 2)}, ValueError, "interval"),
    ({"interval": (0, -1)}, ValueError, "interval"),
    ({"interval": 5}, TypeError, "interval"),
    ({"dps": 3}, ValueError, "dps"),
    ({"start": ([1.0], [1.0])}, ValueError, "start"),
    ({"start": ([1.0, 2.0], [1.0, float("nan")])}, ValueError, "start w"),
    ({"target": "powerlaw"}, TypeError, "target"),
    ({"norm": "L2", "interval": (0, 5.0)}, ValueError, "L2"),
])
def test_best_expsum_bad_input(kwargs, exc, word):
    args = {"target": PowerLaw(2), "m": 2, **kwargs}
    with pytest.raises(exc, match=word):
        best_expsum(**args)


def test_other_bad_input():
    with pytest.raises(ValueError, match="w"):
        expsum_error(PowerLaw(2), [1.0], [0.0])
    with pytest.raises(ValueError, match="a"):
        expsum_error(PowerLaw(2), [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="alpha > 1"):
        expsum_error(PowerLaw(1), [1.0], [1.0])
    with pytest.raises(ValueError, match="k_hi"):
        sinc_expsum(1.5, 1.0, 3, 1)
    with pytest.raises(ValueError, match="omega"):
        sinc_width(-1.0, 1e-2)
    with pytest.raises(ValueError, match="dps"):
        expsum_error(PowerLaw(2), [1e12, -1e12], [1.0, 1.0 + 1e-9])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=15, deadline=None)
@given(a=st.lists(st.floats(-2, 2), min_size=1, max_size=3), logw=st.lists(st.floats(-2, 2), min_size=3, max_size=3,
                                                                             unique=True))
def test_l1_error_properties(a, logw):
    """For any sum and the target e^{-t} - e^{-2t}/2: float64 = mpmath; the L1 error is at
    least |int (rho - phi)| (triangle inequality) and at most ||rho||_1 + ||phi||_1."""
    w = [math.exp(x) for x in logw[:len(a)]]
    target = ExpSum([1.0, -0.5], [1.0, 2.0])
    f = expsum_error(target, a, w)
    m = float(expsum_error(target, a, w, dps=30))
    assert f == pytest.approx(m, rel=1e-9, abs=1e-13)
    mass_diff = abs(0.75 - sum(ai / wi for ai, wi in zip(a, w)))
    assert m >= mass_diff * (1 - 1e-12) - 1e-14
    assert m <= expsum_error(target, [0.0] * len(a), w) + sum(abs(ai) / wi for ai, wi in zip(a, w)) + 1e-12


def test_certified_l1_bound_encloses_the_measured_error():
    from memverify.approximation import certified_l1_bound
    a, w = sinc_expsum(2.0, 1.0, -6, 1)
    err = expsum_error(PowerLaw(2), a, w)
    bound = certified_l1_bound(2.0, a, w, 1e5, delta=2e-3)
    assert err <= bound <= err * 1.01 + 1e-5
    # a cruder grid gives a larger (still valid) bound
    assert certified_l1_bound(2.0, a, w, 1e5, delta=2e-2, t_first=1e-2) >= bound
    with pytest.raises(ValueError, match="alpha"):
        certified_l1_bound(1.0, a, w, 1e5)


def test_cutoff_is_the_derived_c1_step():
    """eq. 65's cutoff: derived from C(0) = 1, C(1) = 0, C'(0) = C'(1) = 0; 1 below 0,
    0 above 1, monotone; float64 and mpmath agree."""
    import sympy as sp

    from memverify.approximation import cutoff, cutoff_polynomial

    C, u = cutoff_polynomial()
    assert sp.expand(C - (1 - 3 * u**2 + 2 * u**3)) == 0
    us = np.linspace(-0.5, 1.5, 41)
    v = cutoff(us)
    assert np.all(v[us <= 0] == 1) and np.all(v[us >= 1] == 0) and np.all(np.diff(v) <= 0)
    assert all(abs(float(cutoff(x, dps=30)) - y) < 1e-15 for x, y in zip(us, v))


@pytest.mark.parametrize("target, m, bound, loser", [
    (PowerLaw(3), 8, 3e-6, "trust region"),          # float64 J_8 cancels: 5.56e-6
    (PowerLaw(1.5), 5, 2.5e-3, "variable projection"),  # a higher minimum from the same start: 4.37e-3
])
def test_best_l2_is_the_lower_of_the_two_searches(target, m, bound, loser):
    from memverify.approximation.best import _default_start
    from memverify.landscape import minimiser
    r = best_expsum(target, m, "L2", dps=30)
    assert r.success and float(r.error) < bound
    assert float(r.error) == pytest.approx(min(r.info["local_minima"]) ** 0.5, rel=1e-6)
    # the falsifier: the losing search alone, from the same start (the old best_expsum was
    # variable projection only, global_minimiser's local search the trust region only)
    a0, w0 = _default_start(target, m, None)
    if loser == "trust region":
        alone = minimiser._trust_region(Loss(target, m), a0, w0)
    else:
        alone = minimiser._variable_projection(target, w0, 30, 400)
    assert alone[0] ** 0.5 > bound
