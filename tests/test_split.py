"""memverify.flow.split: the split start's slow curve and the tau_param it predicts."""

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memverify import ExpSum, Loss, MemoryBump, PowerLaw
from memverify.flow import ParamSeparation, gradient_flow
from memverify.flow.split import split_dps, split_slow_point, split_tau_param


def _bump(inv):
    return MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv)


def test_slow_point_is_critical_in_the_fast_directions():
    """On the curve grad J vanishes but for its a1 entry (to the digits' level, far below
    the drift), the rates part on the side asked, by a gap of order e^{-1/(2 omega)}."""
    T = _bump(30)
    dps = split_dps(T)
    p = split_slow_point(T, 0.25, 1, dps)
    assert all(abs(g) < abs(p["grad"][0]) * mpmath.mpf(10) ** -30 for g in p["grad"][1:])
    with mpmath.workdps(dps):
        assert p["w"][0] > p["w"][1] and abs(p["gap"] - (p["w"][0] - p["w"][1])) < 1e-40
    assert 1e-5 < p["gap"] < 1e-3 and 0 < p["drift"] < abs(p["grad"][0])
    q = split_slow_point(T, 0.25, -1, dps)  # the other side is a critical point too, with w1 < w2
    assert q["gap"] < 0


def test_slow_curve_predicts_the_flow():
    """tau_param of the flow ('exact', rtol 1e-11) from (1/4, 3/4; 1, 1) at 1/omega = 30
    matches the slow curve's to 1e-5.  The falsifier: the drift taken as -dJ/da1, without
    the curve's metric (a2 falls as a1 rises: |d theta/d a1|^2 ~ 2), is twice too fast."""
    T = _bump(30)
    flow = gradient_flow(Loss(T, 2), [0.25, 0.75], [1.0, 1.0], events=[ParamSeparation(0.02)], method="exact",
                         rtol=1e-11, t_max=1e300, dense=False).t_events["tau_param"]
    r = split_tau_param(T, 0.25, 0.02)
    assert abs(float(r["tau_param"]) / flow - 1) < 1e-5, (r["tau_param"], flow)
    g0 = split_slow_point(T, 0.25, r["side"], r["dps"])["grad"][0]
    naive = (r["a1_end"] - 0.25) / float(-g0)
    assert abs(naive / flow - 1) > 0.4, naive / flow


def test_mirror_start_and_more_digits_agree():
    """(3/4, 1/4) is (1/4, 3/4) with the neurons swapped: the same tau_param (to the
    curve's start, 8e-8), the rates parted the other way; 30 more digits change nothing."""
    T = _bump(30)
    r, m = split_tau_param(T, 0.25, 0.02), split_tau_param(T, 0.75, 0.02)
    assert r["side"] == -m["side"] and abs(r["gap"] + m["gap"]) < 1e-8 * abs(r["gap"])
    assert abs(r["tau_param"] / m["tau_param"] - 1) < 1e-6
    more = split_tau_param(T, 0.25, 0.02, dps=r["dps"] + 30)
    assert abs(more["tau_param"] / r["tau_param"] - 1) < mpmath.mpf(10) ** -20


def test_exponent_is_five_halves():
    """The local slopes of log tau_param rise towards 5/2 (tau ~ omega^6 e^{5/(2 omega)}:
    slope ~ 5/2 - 6 omega); beyond float64's range the time is an mpmath number."""
    invs = (200, 250, 320)
    taus = [split_tau_param(_bump(inv), 0.25, 0.02)["tau_param"] for inv in invs]
    slopes = [float(mpmath.log(b / a)) / (j - i) for a, b, i, j in zip(taus, taus[1:], invs, invs[1:])]
    assert slopes[0] < slopes[1] < 2.5
    for s, i, j in zip(slopes, invs, invs[1:]):
        assert abs(s - (2.5 - 6 * 2 / (i + j))) < 2e-3, (s, i, j)
    assert taus[-1] > mpmath.mpf(10) ** 308 and math.isfinite(split_tau_param(_bump(320), 0.25, 0.02)["log_tau_param"])


def test_bad_input():
    T = _bump(20)
    with pytest.raises(ValueError, match="symmetric split"):
        split_tau_param(T, 0.5, 0.02)
    with pytest.raises(ValueError, match="delta"):
        split_tau_param(T, 0.25, 0.5)
    with pytest.raises(ValueError, match="delta"):
        split_tau_param(T, 0.25, -0.1)
    with pytest.raises(ValueError, match="a1"):
        split_tau_param(T, float("nan"), 0.02)
    with pytest.raises(TypeError, match="a1"):
        split_tau_param(T, "0.25", 0.02)
    with pytest.raises(ValueError, match="one-term exponential part"):
        split_tau_param(PowerLaw(1.5), 0.25, 0.02)
    with pytest.raises(ValueError, match="side"):
        split_slow_point(T, 0.25, 0, 40)
    with pytest.raises(ValueError, match="dps"):
        split_tau_param(T, 0.25, 0.02, dps=5)


@settings(max_examples=4, deadline=None)
@given(a1=st.floats(0.05, 0.45), inv=st.sampled_from([25, 35]))
def test_mirror_split_gives_the_same_time(a1, inv):
    """(a1, a* - a1) and (a* - a1, a1) are the same start with the neurons swapped: the
    same tau_param up to where the curve starts (a1 held: the fast relaxation moves the
    other amplitude by O(E^{1/2}), E = e^{-1/omega}; measured 8.2e-6 at 1/omega = 25 and
    7.8e-10 at 35 over a1 in [0.05, 0.49]), the rates parted the other way."""
    T = _bump(inv)
    r, m = split_tau_param(T, a1, 0.02), split_tau_param(T, 1.0 - a1, 0.02)
    assert r["side"] == -m["side"]
    assert abs(r["tau_param"] / m["tau_param"] - 1) < 20 * math.exp(-inv / 2), (r["tau_param"], m["tau_param"])


@pytest.mark.parametrize("loose", [False, True])
def test_flow_follows_the_curve_at_50_with_tight_stages(loose, monkeypatch):
    """At 1/omega = 50 the flow at default settings gives the slow curve's tau_param to
    1e-6 (1.5e-8 measured): the nested stage iteration stops at stages.NESTED_KAPPA.
    The falsifier: stopped at NEWTON_KAPPA (as before) the drift, u^3 with u the rates' gap
    held by the stages, is off and so is tau_param, by 6%.  (From 1/omega = 60 on the
    flow is off again, 10% at 60: README, 'The flow's split times'.)"""
    from memverify.flow import stages

    if loose:
        monkeypatch.setattr(stages, "NESTED_KAPPA", stages.NEWTON_KAPPA)
    T = _bump(50)
    flow = gradient_flow(Loss(T, 2), [0.25, 0.75], [1.0, 1.0], events=[ParamSeparation(0.02)], method="fast",
                         on_precision="exact", t_max=1e300, dense=False).t_events["tau_param"]
    err = abs(flow / float(split_tau_param(T, 0.25, 0.02)["tau_param"]) - 1)
    assert (err > 1e-2) if loose else (err < 1e-6), err
