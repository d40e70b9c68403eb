"""memverify.flow.exponent (fitting helpers, reduced model) and
memverify.symbolic.escape (the reduced slow-variable model)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memverify import ExpSum, MemoryBump, PowerLaw
from memverify.flow.exponent import fit_decay, fit_exponent, local_slopes, reduced_drift, reduced_tau_param

INVS = [20.0, 30.0, 40.0, 50.0, 60.0, 80.0]


def _taus(c, p, q, invs=INVS):
    return [math.exp(c * x + p * math.log(1 / x) + q) for x in invs]


@given(c=st.floats(0.1, 3.0), p=st.floats(-3.0, 3.0), q=st.floats(-5.0, 5.0))
@settings(max_examples=40, deadline=None)
def test_fit_recovers_exact_model(c, p, q):
    f = fit_exponent(INVS, _taus(c, p, q))
    assert f["c"] == pytest.approx(c, abs=1e-8)
    assert f["p"] == pytest.approx(p, abs=1e-6)
    assert f["q"] == pytest.approx(q, abs=1e-5)
    assert f["c_se"] < 1e-8 and f["max_residual"] < 1e-8 and f["dof"] == len(INVS) - 3


def test_fit_with_power_held_and_without():
    taus = _taus(1.6, 2.0, 0.3)
    f = fit_exponent(INVS, taus, power=2)
    assert f["c"] == pytest.approx(1.6, abs=1e-10) and f["p"] == 2.0 and f["p_se"] == 0.0
    g = fit_exponent(INVS, _taus(1.6, 0.0, 0.3), power=False)
    assert g["c"] == pytest.approx(1.6, abs=1e-10) and g["p"] == 0.0


def test_fit_standard_error_reflects_scatter():
    rng = np.random.default_rng(1)
    taus = [t * math.exp(0.01 * rng.standard_normal()) for t in _taus(1.0, 1.0, 0.0)]
    f = fit_exponent(INVS, taus)
    assert 0 < f["c_se"] < 0.05 and abs(f["c"] - 1.0) < 5 * f["c_se"] + 1e-3


def test_local_slopes_converge_to_c():
    invs = [20.0, 40.0, 80.0, 160.0, 320.0]
    sl = local_slopes(invs, _taus(2.0, 2.0, 0.0, invs))
    gaps = [abs(s["slope"] - 2.0) for s in sl]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 0.01
    assert sl[0]["from"] == 20 and sl[0]["to"] == 40 and sl[0]["mid"] == 30


def test_local_slopes_exact_for_pure_exponential():
    sl = local_slopes([1.0, 2.0, 4.0], [math.exp(0.5), math.exp(1.0), math.exp(2.0)])
    assert [s["slope"] for s in sl] == pytest.approx([0.5, 0.5])


@given(c=st.floats(0.1, 3.0), p=st.floats(-2.0, 2.0))
@settings(max_examples=25, deadline=None)
def test_fit_decay_recovers_decay(c, p):
    vals = [math.exp(-c * x + p * math.log(1 / x)) for x in INVS]
    f = fit_decay(INVS, vals)
    assert f["c"] == pytest.approx(c, abs=1e-8) and f["p"] == pytest.approx(p, abs=1e-6)


@pytest.mark.parametrize("invs,taus,match", [
    ([20, 30, 40], [1.0, 2.0, 3.0], "at least 4 points"),
    ([20, 30, 40, 50], [1.0, 0.0, 3.0, 4.0], r"taus\[1\] must be > 0"),
    ([20, 30, 40, 50], [1.0, -2.0, 3.0, 4.0], r"taus\[1\] must be > 0"),
    ([20, 30, 40, 50], [1.0, float("inf"), 3.0, 4.0], r"taus\[1\] must be finite"),
    ([20, 30, 30, 50], [1.0, 2.0, 3.0, 4.0], "strictly increasing"),
    ([20, 30, 40], [1.0, 2.0], "same length"),
    ([0, 30, 40, 50], [1.0, 2.0, 3.0, 4.0], r"inv_omegas\[0\] must be > 0"),
    ("abcd", [1.0, 2.0, 3.0, 4.0], "inv_omegas must be a sequence of real numbers"),
])
def test_fit_bad_input(invs, taus, match):
    with pytest.raises((ValueError, TypeError), match=match):
        fit_exponent(invs, taus)


def test_bad_input_other_helpers():
    with pytest.raises(ValueError, match="at least 2 points"):
        local_slopes([20], [1.0])
    with pytest.raises(ValueError, match="power"):
        fit_exponent(INVS, _taus(1, 1, 1), power="two")
    with pytest.raises(ValueError, match="at least 3 points"):
        fit_exponent([20, 30], [1.0, 2.0], power=False)
    with pytest.raises(ValueError, match=r"values\[1\] must be > 0"):
        fit_decay(INVS, [1.0, 0.0, 1.0, 1.0, 1.0, 1.0])


def test_reduced_model_exponent_and_drift():
    from memverify.symbolic.escape import escape_exponent, switched_off_drift

    d = switched_off_drift()
    assert d.degree11 == 2 and d.degree22 == 1  # powers of 1/omega in the leading coefficients
    assert escape_exponent(1, 2) == {"c": 2.0, "dominant": "E1^2", "p": 2, "lead": escape_exponent(1, 2)["lead"]}
    assert escape_exponent(1, 0.8)["c"] == 1.6 and escape_exponent(1, 0.8)["dominant"] == "E2^2"
    with pytest.raises(ValueError, match="differ from wstar"):
        escape_exponent(1, 1)
    tg = MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 30)
    assert reduced_drift(tg, 0.8) < 0 and reduced_drift(tg, 2.0) < 0  # v drifts down in both cases
    # the drift's exponent: log|F| falls by 2 min(w*, v) per unit of 1/omega, up to powers
    f = [abs(float(reduced_drift(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / x), 0.8))) for x in (60, 80, 100)]
    assert fit_decay([60, 80, 100], f, power=-1)["c"] == pytest.approx(1.6, abs=0.02)


def test_reduced_tau_param_bad_input():
    tg = MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 30)
    with pytest.raises(ValueError, match="across w"):
        reduced_tau_param(tg, 1.02, 0.05)
    with pytest.raises(ValueError, match="delta must be > 0"):
        reduced_tau_param(tg, 0.8, 0.0)
    # the target supplies its exponential part: one term needed, and none is not enough
    with pytest.raises(ValueError, match="one-term exponential part.*2 terms"):
        reduced_drift(MemoryBump(ExpSum([1.0, 0.5], [1.0, 3.0]), omega=1 / 30), 0.8)
    with pytest.raises(ValueError, match="one-term exponential part.*none"):
        reduced_drift(PowerLaw(1.5), 0.8)
    # an exponential sum has no template: the switched-off neuron sits at an equilibrium
    assert reduced_drift(ExpSum([1.0], [1.0]), 0.8) == 0
    with pytest.raises(ValueError, match="not downwards"):
        reduced_tau_param(ExpSum([1.0], [1.0]), 0.8, 0.05)
    with pytest.raises(ValueError, match="v must differ"):
        reduced_drift(tg, 1.0)


def test_fit_next_term_recovers_and_shifts():
    invs = [20.0, 30.0, 40.0, 50.0, 60.0, 80.0]
    taus = [math.exp(1.6 * x + 2 * math.log(1 / x) + 0.5 + 3.0 / x) for x in invs]
    f4 = fit_exponent(invs, taus, next_term=True)
    assert f4["c"] == pytest.approx(1.6, abs=1e-7) and f4["r"] == pytest.approx(3.0, abs=1e-4)
    assert abs(fit_exponent(invs, taus)["c"] - 1.6) > 1e-4  # the shorter model is biased by the omitted term
    with pytest.raises(ValueError, match="next_term"):
        fit_exponent(invs, taus, next_term=1)


def test_fit_decay_below_float64_range():
    import mpmath

    invs = [100, 200, 300, 400]
    f = fit_decay(invs, [mpmath.exp(-1.6 * x) * x**-2 for x in invs])  # down to e^{-640}: 0.0 in float64
    assert f["c"] == pytest.approx(1.6, abs=1e-9) and f["p"] == pytest.approx(2.0, abs=1e-6)


def test_available_drop_positive_on_mstar_and_zero_at_the_minimiser():
    from memverify import ExpSum, MemoryBump
    from memverify.flow.exponent import available_drop

    tg = MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 20)
    d = available_drop(tg, [1.0, 0.0], [1.0, 0.8])
    assert 0.1 < d["Delta"] < d["J0"]
    at_min = available_drop(tg, d["minimiser_a"], d["minimiser_w"])
    assert abs(at_min["Delta"]) <= 1e-12
