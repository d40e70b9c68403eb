"""Malformed input raises ValueError or TypeError naming the argument; valid
input never yields NaN; the `derive` command line reports mistakes in one line.
"""

import math
import os
import re
import subprocess
import sys
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import bad_rate, malformed_vector, not_a_real, not_a_sequence, vector_with_bad_entry
from memverify import Airy, ExpSum, Loss, MemoryBump, PowerLaw, Precision, PrecisionError, cli

# derandomized: the same examples every run, so the run time is predictable
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def assert_rejected(call, name):
    """call() raises ValueError or TypeError (nothing else), with a one-line
    message that starts with the argument's name (``w`` or ``w[1]``)."""
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    msg = str(info.value)
    assert re.match(rf"{re.escape(name)}(\[\d+\])? ", msg), f"message does not name {name!r}: {msg!r}"
    assert "\n" not in msg


# ---------------------------------------------------------------------------
# strategies

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
rates = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)

LOSSES = {m: Loss(ExpSum([1.0, -0.5], [1.0, 3.0]), m) for m in (1, 2, 3)}


# ---------------------------------------------------------------------------
# Loss


@SETTINGS
@given(data=st.data(), m=st.integers(1, 3), what=st.sampled_from(["value", "gradient", "hessian"]),
       kw=st.sampled_from([{}, {"dps": 20}, {"arb": True}]))
def test_loss_rejects_malformed_a(data, m, what, kw):
    a = data.draw(malformed_vector(m, not_a_real, finite))
    w = data.draw(st.lists(rates, min_size=m, max_size=m))
    assert_rejected(lambda: getattr(LOSSES[m], what)(a, w, **kw), "a")


@SETTINGS
@given(data=st.data(), m=st.integers(1, 3), what=st.sampled_from(["value", "gradient", "hessian"]),
       kw=st.sampled_from([{}, {"dps": 20}, {"arb": True}]))
def test_loss_rejects_malformed_w(data, m, what, kw):
    a = data.draw(st.lists(finite, min_size=m, max_size=m))
    w = data.draw(malformed_vector(m, bad_rate, rates))
    assert_rejected(lambda: getattr(LOSSES[m], what)(a, w, **kw), "w")


@SETTINGS
@given(m=st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.text(max_size=3), st.none(),
                   st.booleans(), st.just([1]), st.just(Fraction(2, 1)), st.just(mp.mpf(2)),
                   st.just(np.float64(2.0))))
def test_loss_rejects_bad_width(m):
    assert_rejected(lambda: Loss(PowerLaw(1.5), m), "m")


@FEW
@given(target=st.one_of(st.none(), st.integers(), st.text(max_size=5), st.just([1.0, 2.0]),
                        st.just(ExpSum), st.just(Loss), st.just(lambda t: t), st.just({"kind": "ExpSum"})))
def test_loss_rejects_a_target_that_is_not_a_target(target):
    assert_rejected(lambda: Loss(target, 2), "target")


@FEW
@given(dps=st.one_of(st.integers(max_value=4), st.floats(5, 50), st.text(max_size=3), st.just(True)))
def test_loss_rejects_bad_precision(dps):
    assert_rejected(lambda: LOSSES[1].value([1.0], [1.0], dps=dps), "dps")


@FEW
@given(arb=st.sampled_from([1, 0, "yes", None, 1.0, [True]]))
def test_loss_rejects_bad_arb_flag(arb):
    assert_rejected(lambda: LOSSES[1].value([1.0], [1.0], arb=arb), "arb")


# ---------------------------------------------------------------------------
# target constructors


@SETTINGS
@given(data=st.data(), k=st.integers(1, 4))
def test_expsum_rejects_malformed_input(data, k):
    w = data.draw(st.lists(rates, min_size=k, max_size=k, unique=True))
    a = data.draw(st.lists(finite, min_size=k, max_size=k))
    case = data.draw(st.sampled_from(["mismatch", "repeated", "w-entry", "a-entry", "w-type", "a-type"]))
    if case == "mismatch":
        a2 = data.draw(st.lists(finite, max_size=6).filter(lambda xs: len(xs) != k))
        assert_rejected(lambda: ExpSum(a2, w), "a")
    elif case == "repeated":
        w2 = w + [w[data.draw(st.integers(0, k - 1))]]
        assert_rejected(lambda: ExpSum(a + [1.0], w2), "w")
    elif case == "w-entry":
        assert_rejected(lambda: ExpSum(a, data.draw(vector_with_bad_entry(k, bad_rate, rates))), "w")
    elif case == "a-entry":
        assert_rejected(lambda: ExpSum(data.draw(vector_with_bad_entry(k, not_a_real, finite)), w), "a")
    elif case == "w-type":
        assert_rejected(lambda: ExpSum(a, data.draw(not_a_sequence)), "w")
    else:
        assert_rejected(lambda: ExpSum(data.draw(not_a_sequence), w), "a")


def test_expsum_rejects_empty_and_numerically_equal_rates():
    assert_rejected(lambda: ExpSum([], []), "w")
    assert_rejected(lambda: ExpSum([1.0, 2.0], [1, 1.0]), "w")
    assert_rejected(lambda: ExpSum([1.0, 2.0], [Fraction(1, 2), 0.5]), "w")


BASE = ExpSum([1.0], [1.0])


@SETTINGS
@given(data=st.data())
def test_memory_bump_rejects_malformed_input(data):
    case = data.draw(st.sampled_from(["omega", "sigma", "c0", "base"]))
    if case == "omega":
        assert_rejected(lambda: MemoryBump(BASE, omega=data.draw(bad_rate)), "omega")
    elif case == "sigma":
        assert_rejected(lambda: MemoryBump(BASE, omega=0.1, sigma=data.draw(bad_rate)), "sigma")
    elif case == "c0":
        c0 = data.draw(st.one_of(not_a_real, st.sampled_from([0, 0.0, -0.0, Fraction(0), mp.mpf(0)])))
        assert_rejected(lambda: MemoryBump(BASE, omega=0.1, c0=c0), "c0")
    else:
        base = data.draw(st.one_of(st.none(), st.just([1.0]), st.just(PowerLaw(1.5)), st.just(Airy(1, 5)),
                                   st.just(MemoryBump(BASE, 0.1)), st.just(ExpSum), st.floats()))
        assert_rejected(lambda: MemoryBump(base, omega=0.1), "base")


@SETTINGS
@given(alpha=st.one_of(not_a_real, st.floats(max_value=0.5, allow_nan=False),
                       st.sampled_from([0.5, Fraction(1, 2), mp.mpf("0.5"), 0, -1])))
def test_powerlaw_rejects_bad_alpha(alpha):
    assert_rejected(lambda: PowerLaw(alpha), "alpha")


@SETTINGS
@given(data=st.data())
def test_airy_rejects_bad_parameters(data):
    if data.draw(st.booleans()):
        assert_rejected(lambda: Airy(data.draw(bad_rate), 5.0), "s0")
    else:
        assert_rejected(lambda: Airy(1.0, data.draw(not_a_real)), "t0")


TARGETS = [ExpSum([1.0, -0.5], [1.0, 3.0]), MemoryBump(BASE, omega=0.1, c0=-1.0),
           PowerLaw(0.75), Airy(1.0, 5.0)]


@SETTINGS
@given(target=st.sampled_from(TARGETS), data=st.data(),
       kw=st.sampled_from([{}, {"dps": 20}, {"arb": True}]))
def test_moment_rejects_bad_order_and_point(target, data, kw):
    methods = [target.moment]
    if isinstance(target, MemoryBump):
        methods += [target.template_moment, target.delta]
    f = data.draw(st.sampled_from(methods))
    if data.draw(st.booleans()):
        n = data.draw(st.one_of(st.integers(max_value=-1), st.floats(allow_nan=True), st.just(1.0),
                                st.just(True), st.just("1"), st.none(), st.just(Fraction(1)), st.just([1])))
        assert_rejected(lambda: f(n, 1.0, **kw), "n")
    else:
        assert_rejected(lambda: f(1, data.draw(bad_rate), **kw), "s")


@FEW
@given(target=st.sampled_from(TARGETS),
       t=st.one_of(not_a_real, st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False)))
def test_rho_rejects_bad_time(target, t):
    assert_rejected(lambda: target.rho(t), "t")


def test_precision_rejects_bad_arguments():
    assert_rejected(lambda: Precision(dps=4), "dps")
    assert_rejected(lambda: Precision(dps="30"), "dps")
    assert_rejected(lambda: Precision(dps=30.0), "dps")
    assert_rejected(lambda: Precision(arb="no"), "arb")


# ---------------------------------------------------------------------------
# valid input: never NaN


def assert_all_finite(x, what):
    arr = np.asarray(x, dtype=float)
    assert not np.any(np.isnan(arr)), f"NaN in {what}: {x}"
    assert np.all(np.isfinite(arr)), f"non-finite {what}: {x}"


@st.composite
def valid_target(draw, kinds=("expsum", "bump", "powerlaw")):
    kind = draw(st.sampled_from(kinds))
    k = draw(st.integers(1, 3))
    w = draw(st.lists(rates, min_size=k, max_size=k, unique=True))
    base = ExpSum(draw(st.lists(finite, min_size=k, max_size=k)), w)
    if kind == "expsum":
        return base
    if kind == "bump":
        return MemoryBump(base, omega=draw(st.floats(0.01, 10.0)), c0=draw(finite.filter(lambda c: c != 0)),
                          sigma=draw(st.floats(0.05, 5.0)))
    return PowerLaw(draw(st.floats(0.5, 6.0, exclude_min=True)))


@SETTINGS
@given(target=valid_target(), data=st.data(), m=st.integers(1, 3))
def test_valid_input_gives_no_nan(target, data, m):
    # a in [-1e3, 1e3], w in [1e-3, 1e3], omega in [0.01, 10]: every output finite
    a = data.draw(st.lists(finite, min_size=m, max_size=m))
    w = data.draw(st.lists(rates, min_size=m, max_size=m))
    loss = Loss(target, m)
    assert_all_finite(loss.value(a, w), "value")
    assert_all_finite(loss.gradient(a, w), "gradient")
    assert_all_finite(loss.hessian(a, w), "hessian")
    s = data.draw(st.floats(1e-3, 1e4))
    for n in range(3):
        assert_all_finite(target.moment(n, s), f"moment {n}")
    assert_all_finite(target.norm2(), "norm2")


@SETTINGS
@given(target=valid_target(kinds=("expsum", "bump")), data=st.data(), m=st.integers(1, 2))
def test_extreme_valid_input_gives_no_nan(target, data, m):
    # any finite a and any positive finite w: a number, or an OverflowError that
    # says float64 cannot hold it and what to use instead; never NaN.
    # (PowerLaw below: at w near 0 or 1e308 its closed form needs hundreds of
    # guard digits and takes seconds per call)
    check_extreme(target, data, m)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=valid_target(kinds=("powerlaw",)), data=st.data(), m=st.integers(1, 2))
def test_extreme_valid_input_gives_no_nan_powerlaw(target, data, m):
    check_extreme(target, data, m)


@pytest.mark.parametrize("w", [1e-300, 1e-30, 1e30, 1e300])
@pytest.mark.parametrize("alpha", [0.75, 4.2])
def test_extreme_rates_powerlaw(w, alpha):
    loss = Loss(PowerLaw(alpha), 1)
    for what in ("value", "gradient"):
        try:
            out = getattr(loss, what)([1.5], [w])
        except OverflowError as exc:
            assert "float64" in str(exc) and "dps" in str(exc)
            continue
        assert_all_finite(out, what)


def check_extreme(target, data, m):
    a = data.draw(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=m, max_size=m))
    w = data.draw(st.lists(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False),
                           min_size=m, max_size=m))
    loss = Loss(target, m)
    for what in ("value", "gradient", "hessian"):
        try:
            out = getattr(loss, what)(a, w)
        except OverflowError as exc:
            assert "float64" in str(exc) and "dps" in str(exc)
            continue
        assert_all_finite(out, what)


@FEW
@given(target=valid_target(), s=st.floats(min_value=0.0, exclude_min=True, allow_infinity=False),
       n=st.integers(0, 2))
def test_moments_at_extreme_points_are_not_nan(target, s, n):
    try:
        v = target.moment(n, s)
    except PrecisionError as exc:  # a moment beyond float64's range (M_n(s) ~ s^-(n+1) at tiny s)
        assert "dps=" in str(exc)
        return
    assert math.isfinite(v)
    assert v >= 0 or not isinstance(target, PowerLaw)


@FEW
@given(m=st.integers(1, 2), a=st.lists(finite, min_size=2, max_size=2),
       w=st.lists(st.floats(0.05, 20.0), min_size=2, max_size=2))
def test_valid_input_no_nan_airy(m, a, w):
    loss = Loss(Airy(1.3, -1.0), m)
    assert_all_finite(loss.gradient(a[:m], w[:m]), "gradient")


# ---------------------------------------------------------------------------
# the `derive` command line

GOOD_ARGS = [["derive", "loss", "--m", "1"], ["derive", "gradient", "--m", "2"],
             ["derive", "hessian", "--m", "1", "--target", "expsum:2"],
             ["derive", "loss", "--m", "1", "--target", "bump", "--latex"],
             ["derive", "gradient", "--m", "1", "--target", "powerlaw", "--pretty"],
             ["derive", "loss", "--m", "1", "--target", "bump:0.1"]]
BAD_ARGS = [["derive", "loss", "--m", "0"], ["derive", "loss", "--m", "-1"], ["derive", "loss", "--m", "x"],
            ["derive", "loss", "--m", "1.5"], ["derive", "loss"],
            ["derive", "loss", "--m", "1", "--target", "foo"],
            ["derive", "loss", "--m", "1", "--target", "bump:-1"],
            ["derive", "loss", "--m", "1", "--target", "airy"],
            ["derive", "loss", "--m", "1", "--target", "expsum:1,2"],
            ["derive", "loss", "--m", "1", "--target", "expsum:0"],
            ["derive", "loss", "--m", "1", "--target", "expsum:x"],
            ["derive", "nonsense", "--m", "1"]]


def run_main(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse exits on usage mistakes
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", GOOD_ARGS, ids=" ".join)
def test_derive_valid_runs(argv, capsys):
    code, out, err = run_main(argv, capsys)
    assert code == 0, err
    assert out.strip() and not err
    if "--target" not in argv:
        assert "Moment" in out or "M_" in out  # the general target enters through its moments


def assert_one_line_error(code, err):
    assert code not in (0, None)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("memverify: error: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", BAD_ARGS, ids=" ".join)
def test_derive_bad_input_one_line_error(argv, capsys):
    code, out, err = run_main(argv, capsys)
    assert_one_line_error(code, err)
    assert not out


def test_derive_subprocess():
    # python -m memverify ...: run side by side (each start imports sympy)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    runs = [(argv, subprocess.Popen([sys.executable, "-m", "memverify", *argv], env=env, cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            for argv in [GOOD_ARGS[0], BAD_ARGS[0], BAD_ARGS[2], BAD_ARGS[5]]]
    for argv, p in runs:
        out, err = p.communicate(timeout=120)
        if argv is GOOD_ARGS[0]:
            assert p.returncode == 0 and out.strip() and not err, (argv, err)
        else:
            assert_one_line_error(p.returncode, err)


def test_bump_loss_at_a_huge_rate():
    """Found by test_extreme_valid_input_gives_no_nan: at w = 3.3e102 the float64 count of
    the Gaussian moment's lost digits multiplied its rounding factor (~1e205) by the
    terms' sum and overflowed ("cannot convert float infinity to integer"); it is now
    counted in logarithms, and J, its gradient and its Hessian come out finite."""
    loss = Loss(MemoryBump(ExpSum([0.0], [1.0]), omega=1.0), 1)
    for what in ("value", "gradient", "hessian"):
        assert_all_finite(getattr(loss, what)([0.0], [3.3482071485898266e+102]), what)
