"""The targets under the input contract (issue 14): the examples of the issue answer or
refuse as the contract says, and every public entry point of memverify.targets keeps
the contract (tests/hostile.py) under hostile arguments.

Where a value is claimed it is checked against an mpmath reference: a closed form
evaluated at 40 digits (n!/(s + w)^(n+1), the Gaussian at sigma = 1e300), or quadrature
split where the integrand changes scale."""

import math
import time

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import event, given, strategies as st

from hostile import (PROFILE, SLOW_PROFILE, hostile_int, hostile_real, hostile_vector, keeps_contract_naming, names,
                     not_a_real, profile_pair)
from memverify import Airy, ExpSum, Loss, MemoryBump, PowerLaw, PrecisionError
from memverify.targets import closed_forms, parse_spec, parse_target, sign_changing_template_moments

BASE = ExpSum([1.0], [1.0])
BUMP = MemoryBump(BASE, omega=0.1)


def refused(call, *words, kind=ValueError, within=2.0):
    """call() refuses at once with `kind`, naming one of `words`; the exception."""
    start = time.perf_counter()
    with pytest.raises(kind) as info:
        call()
    assert time.perf_counter() - start < within, "the refusal came after work had started"
    assert names(info.value, *words), str(info.value)
    assert "\n" not in str(info.value)
    return info.value


def beyond_float64(call):
    """call() raises PrecisionError naming the remedy dps=... (a value beyond float64)."""
    exc = refused(call, "dps=", kind=PrecisionError, within=30)
    assert "float64" in str(exc)
    return exc


def rel(x, y):
    with mp.workdps(40):
        return abs(mp.mpf(x) - mp.mpf(y)) / abs(mp.mpf(y))


# ---------------------------------------------------------------------------
# the examples


def test_expsum_moment_past_171_factorial():
    # was OverflowError 'int too large to convert to float' from the lambdified n!
    with mp.workdps(40):
        want = mp.factorial(171) / mp.mpf(6) ** 172
        want2 = mp.factorial(200) * (mp.mpf(3) ** -201 - mp.mpf(0.5) * mp.mpf(5) ** -201)
    assert rel(ExpSum([1.0], [1.0]).moment(171, 5.0), want) < 1e-15
    assert rel(ExpSum([1, -0.5], [1, 3]).moment(200, 2.0), want2) < 1e-15
    # the library hook that Loss uses takes the same route
    from memverify import Precision
    assert rel(ExpSum([1.0], [1.0]).moments_in(Precision(), (171,), 5.0)[0], want) < 1e-15
    # the limit, stated
    refused(lambda: ExpSum([1.0], [1.0]).moment(1001, 5.0), "n", "1000")


def test_bump_orders_beyond_the_limit_refused_at_once():
    # were OverflowError (n = 171) and minutes of symbolic differentiation (n = 30)
    for n in (13, 30, 171):
        exc = refused(lambda: BUMP.moment(n, 5.0), "n")
        assert "<= 12" in str(exc)
    refused(lambda: BUMP.template_moment(13, 1.0), "n")
    refused(lambda: BUMP.delta(13, 1.0, dps=30), "n")


def test_gaussian_moments_by_recursion_are_the_nth_derivative():
    """gaussian_moment(n) now comes from -d/ds of order n - 1: the same expression as the
    n-th derivative at once (which costs twice as much per order)."""
    c = closed_forms.s**2 * closed_forms.sigma_sym**2 / 2 - closed_forms.s * closed_forms.mu_sym
    z = (closed_forms.s * closed_forms.sigma_sym**2 - closed_forms.mu_sym) / (closed_forms.sigma_sym * sp.sqrt(2))
    from memverify.backends import ExpErfc
    g0 = closed_forms.sigma_sym * sp.sqrt(sp.pi / 2) * ExpErfc(c, z)
    for n in range(4):
        direct = (-1) ** n * sp.diff(g0, closed_forms.s, n)
        direct = sp.collect(sp.expand(closed_forms._expand_exponents(direct)), ExpErfc(c, z))
        assert closed_forms.gaussian_moment(n) == direct


def test_values_beyond_float64_raise_precision_error_naming_dps():
    # were inf
    beyond_float64(lambda: ExpSum([1.0], [1e-308]).moment(2, 1e-308))
    beyond_float64(lambda: ExpSum([1e308], [1.0]).norm2())
    beyond_float64(lambda: PowerLaw(1.5).moment(2, 1e-308))
    # and the remedy named works: mpmath holds them
    with mp.workdps(40):
        assert rel(ExpSum([1.0], [1e-308]).moment(2, 1e-308, dps=30), 2 / (mp.mpf(1e-308) * 2) ** 3) < 1e-25
        assert rel(ExpSum([1e308], [1.0]).norm2(dps=30), mp.mpf(1e308) ** 2 / 2) < 1e-25


def test_bump_rho_at_huge_sigma_is_the_gaussian_not_nan():
    # was nan: (t - mu)^2 and sigma^2 both overflow float64
    got = MemoryBump(BASE, omega=0.1, c0=1.0, sigma=1e300).rho(1e300)
    with mp.workdps(40):
        t, sg = mp.mpf(1e300), mp.mpf(1e300)
        want = mp.exp(-t) + mp.exp(-(t - 10) ** 2 / (2 * sg**2))
    assert rel(got, want) < 1e-15
    vals = MemoryBump(BASE, omega=0.1, sigma=1e300).values([0.0, 1e300])
    assert rel(vals[1], want) < 1e-15


def test_powerlaw_alpha_limit():
    # were mpmath NoConvergence (1e9) and 'gamma function pole' (1e308)
    for alpha in (1e9, 1e308, 1000.5):
        refused(lambda: PowerLaw(alpha), "alpha")
    assert math.isfinite(PowerLaw(1000).moment(1, 1e9))


def test_powerlaw_integer_alpha_moments_are_right():
    """Found by the float64-against-mpmath property: at an integer alpha mpmath's
    incomplete gamma function of 1 - alpha lost digits unnoticed (alpha = 44, s = 74:
    1.3e-9 relative in float64; alpha = 100, s = 170: off by a factor 1e28).  Reference:
    quadrature at 40 digits, split at multiples of 1/(s + alpha)."""
    for alpha, s in ((44.0, 74.0), (100.0, 170.0)):
        with mp.workdps(40):
            a, x = mp.mpf(alpha), mp.mpf(s)
            want = mp.quad(lambda t: mp.exp(-x * t - a * mp.log1p(t)),
                           [0] + [mp.mpf(k) / (x + a) for k in (0.5, 1, 2, 4, 8, 16, 32, 64)] + [mp.inf])
        assert rel(PowerLaw(alpha).moment(0, s), want) < 1e-15
        assert rel(PowerLaw(alpha).moment(0, s, dps=30), want) < 1e-29


def test_powerlaw_work_digits_limit():
    """The closed form loses n |log10 s| digits; beyond 1500 working digits it refuses,
    naming s (or dps), before deriving the order."""
    refused(lambda: PowerLaw(1.5).moment(8, 1e-308), "s must be in")
    refused(lambda: PowerLaw(1.5).moment(2, 1.0, dps=10000), "dps must be")
    refused(lambda: PowerLaw(1.5).moment(9, 1.0), "n")


def test_airy_work_limits():
    # Airy(1, 1000).moment took minutes (31623 pieces of quadrature)
    exc = refused(lambda: Airy(1.0, 1000.0).moment(0, 1.0), "t0")
    assert "16" in str(exc)
    refused(lambda: Airy(1.0, 1000.0).integral(), "t0")
    refused(lambda: Airy(1e308, 1.0).moment(0, 1.0), "t0")
    refused(lambda: Airy(1.0, 5.0).moment(21, 1.0), "n")
    refused(lambda: Airy(1.0, 16.0).moment(0, 1.0, dps=100), "dps")
    refused(lambda: Airy(1.0, 5.0).moment(0, 1.0, dps=600, arb=True), "dps")
    refused(lambda: Airy(1.0, 5.0).norm2(dps=5000), "dps")
    refused(lambda: Airy(1.0, 5.0).primitive([1.0], dps=200), "dps")


def test_airy_moments_of_tiny_size_are_right():
    """mpmath's quad stops at an absolute error: a moment of size 1e-105 (t0 = -50: Ai
    decays from t = 0 on) erred by 1e-5 relative, and one at s = 1e100 (e^{-st} within
    1e-100 of 0) came out 0.  The reference is scaled to 1 before integrating."""
    with mp.workdps(40):
        sc = mp.mpf(10) ** -105
        want = mp.quad(lambda t: mp.exp(-t) * mp.airyai(t + 50) / sc, [0, 0.1, 0.5, 2, 8, mp.inf]) * sc
    assert rel(Airy(1.0, -50.0).moment(0, 1.0), want) < 1e-14
    assert rel(Airy(1.0, -50.0).moment(0, 1.0, dps=30), want) < 1e-28
    with mp.workdps(40):  # M_2(s) -> 2 Ai(-5) / s^3 as s -> inf
        want = 2 * mp.airyai(-5) / mp.mpf(1e100) ** 3
    assert rel(Airy(1.0, 5.0).moment(2, 1e100), want) < 1e-14


def test_airy_integral_follows_the_oscillations():
    target = Airy(1.0, 9.0)
    with mp.workdps(30):
        want = mp.quad(lambda t: mp.airyai(t - 9), mp.linspace(0, 9, 30) + [12, 20, mp.inf])
    assert rel(target.integral(), want) < 1e-12


@pytest.mark.parametrize("omega,c0,sigma", [(0.1, 1.0, 1e-308), (0.1, 1.0, 5e-324), (0.1, 1.0, 1e308),
                                            (1e-9, 1.0, 1.0), (5e-324, 1.0, 1.0), (1e308, 1.0, 1.0),
                                            (0.1, 5e-324, 1.0), (1e-9, -2.0, 1e9)])
def test_bump_extreme_parameters_give_right_values(omega, c0, sigma):
    """Every representable moment, rho and norm in float64 agrees with mpmath at 30
    digits; a value beyond float64 is a PrecisionError."""
    target = MemoryBump(BASE, omega=omega, c0=c0, sigma=sigma)
    checks = [(lambda **kw: target.rho(x, **kw)) for x in (0.0, 10.0, 1e9)]
    checks += [(lambda n=n, s=s, **kw: target.moment(n, s, **kw)) for n in (0, 2) for s in (1e-3, 1.0, 1e3)]
    checks += [lambda **kw: target.norm2(**kw), lambda **kw: target.integral(**kw)]
    for f in checks:
        want = f(dps=30)
        try:
            got = f()
        except PrecisionError:
            assert abs(want) > 1e308
            continue
        assert math.isfinite(got)
        if abs(want) > 1e-290:
            assert rel(got, want) < 1e-9, (got, want)
        else:
            assert abs(got) < 1e-280


def test_bump_huge_c0_refused_by_the_moment_not_garbage():
    target = MemoryBump(BASE, omega=0.1, c0=1e308)
    beyond_float64(lambda: target.norm2())  # was OverflowError (34, 'Numerical result out of range')
    beyond_float64(lambda: target.moment(0, 1e-3))
    beyond_float64(lambda: target.integral())
    # Loss, built on the moments, refuses too (it used to see inf)
    with pytest.raises(PrecisionError):
        Loss(target, 1).value([1.0], [1e-3])


def test_bump_integral_sees_a_bump_far_out():
    # the default quadrature on fixed pieces gave 1.0 (it missed the Gaussian at 1e9)
    target = MemoryBump(BASE, omega=1e-9)
    with mp.workdps(40):
        want = 1 + mp.sqrt(2 * mp.pi)  # (erfc(-mu / (sigma sqrt 2)) = 2 to 1e-10^17)
    assert rel(target.integral(), want) < 1e-14
    assert rel(target.integral(dps=30), want) < 1e-28


def test_template_moments_at_extreme_sigma():
    # were ZeroDivisionError / OverflowError from the lambdified form of Python floats
    for sigma in (1e-308, 5e-324):
        val, err = MemoryBump(BASE, omega=0.1, sigma=sigma).template_moments(np.array([0.5, 2.0]))
        assert np.all(np.isfinite(val)) and np.all(np.isfinite(err))
    with pytest.raises(PrecisionError):
        MemoryBump(BASE, omega=0.1, sigma=1e308).template_moments(np.array([1e-308]))
    refused(lambda: BUMP.template_moments(np.array([-1.0])), "s")


def test_targets_without_template_refuse_with_a_type_error():
    # was NotImplementedError alone (it still is one, for existing handlers)
    for target in (PowerLaw(1.5), Airy(1.0, 2.0)):
        for call in (lambda: target.template_moment(1, 1.0), lambda: target.template_moments(np.array([1.0]))):
            exc = refused(call, "exponential part", kind=TypeError)
            assert isinstance(exc, NotImplementedError)


def test_spec_limits():
    refused(lambda: parse_target("expsum:101"), "K")
    exc = refused(lambda: parse_target("expsum:" + "9" * 5000), "K")
    assert len(str(exc)) < 300
    refused(lambda: parse_target("powerlaw:1e9"), "alpha")


def test_sign_changing_template_refuses_where_arb_gives_up():
    refused(lambda: sign_changing_template_moments(2, 1.0, 1e100), "mu", kind=PrecisionError)
    refused(lambda: sign_changing_template_moments(2, 1.0, 1.0, dps=2000), "dps")


# ---------------------------------------------------------------------------
# every entry point under hostile arguments: each argument is drawn from its good side
# or its hostile side (tests/hostile.py); valid draws are kept cheap in the default
# profile (orders 0 and 1, Airy of one piece), the slow profile draws all


POS = st.one_of(st.sampled_from([5e-324, 1e-308, 1e-300, 1e-9, 1e-3, 0.3, 1.0, 7.0, 1e3, 1e9, 1e300, 1e308]),
                st.floats(1e-3, 1e3))
REAL = st.one_of(POS, POS.map(lambda x: -x), st.just(0.0))
NONNEG = st.one_of(POS, st.just(0.0))
DPS = st.one_of(st.sampled_from([None, None, 15, 30]), hostile_int)
ARB = st.one_of(st.sampled_from([False, False, True]), st.sampled_from([None, 1, "yes", 0.0]))
TIMES = st.one_of(st.lists(NONNEG, min_size=1, max_size=4).map(sorted), hostile_vector,
                  st.just(np.array([[1.0, 2.0]])), st.just(np.array([2.0, 1.0])))
# what a refusal may name: an argument, or the target parameter that sets a limit
WORDS = ("t must", "n must", "s must", "ts must", "dps must", "arb must", "t0 must", "alpha", "integrable",
         "exponential part", "ts[", "t0 ", "n must")


def either(good, bad):
    """An argument from its good side (two draws in three) or its hostile side."""
    return st.one_of(good, good, bad)


@st.composite
def expsums(draw, sign=REAL):
    k = draw(st.integers(1, 3))
    w = draw(st.lists(POS, min_size=k, max_size=k, unique=True))
    return ExpSum(draw(st.lists(sign, min_size=k, max_size=k)), w)


@st.composite
def targets(draw, cheap=True, sign=REAL, kinds=("expsum", "bump", "powerlaw", "airy")):
    kind = draw(st.sampled_from([k for k in kinds if sign is REAL or k != "airy"]))
    if kind == "expsum":
        return draw(expsums(sign))
    if kind == "bump":
        c0 = draw(sign.filter(lambda x: x != 0)) if sign is POS else draw(st.one_of(POS, POS.map(lambda x: -x)))
        return MemoryBump(draw(expsums(sign)), omega=draw(POS), c0=c0, sigma=draw(POS))
    if kind == "powerlaw":
        return PowerLaw(draw(st.one_of(st.sampled_from([0.5000001, 0.75, 1.0, 1.5, 2.0, 999.9, 1000]),
                                       st.floats(0.51, 1000))))
    if cheap:  # one piece of quadrature: t0 <= 0 or s0 t0^1.5 <= 1
        return Airy(draw(st.sampled_from([0.3, 1.0, 2.0, 1e-300])),
                    draw(st.sampled_from([-1e308, -50.0, -1.0, 0.0, 0.5])))
    return Airy(draw(POS), draw(REAL))


# constructors

test_expsum_hostile, test_expsum_hostile_slow = profile_pair(
    st.tuples(either(st.lists(REAL, min_size=1, max_size=3), hostile_vector),
              either(st.lists(POS, min_size=1, max_size=3), hostile_vector)),
    lambda d: (lambda: ExpSum(*d), ("a", "w")), limit=5)

test_bump_hostile, test_bump_hostile_slow = profile_pair(
    st.tuples(either(expsums(), st.one_of(not_a_real, st.just(PowerLaw(1.5)), st.just(ExpSum))),
              either(POS, hostile_real), either(REAL, hostile_real), either(POS, hostile_real)),
    lambda d: (lambda: MemoryBump(d[0], omega=d[1], c0=d[2], sigma=d[3]), ("base", "omega", "c0", "sigma")),
    limit=5)

test_powerlaw_hostile, test_powerlaw_hostile_slow = profile_pair(
    either(st.floats(0.51, 1000), hostile_real), lambda a: (lambda: PowerLaw(a), ("alpha",)), limit=5)

test_airy_hostile, test_airy_hostile_slow = profile_pair(
    st.tuples(either(POS, hostile_real), either(REAL, hostile_real)),
    lambda d: (lambda: Airy(*d), ("s0", "t0")), limit=5)

SPEC_PART = st.one_of(st.sampled_from(["1", "0", "-1", "2.5", "nan", "inf", "1e400", "1e308", "5e-324", "1e9", "x",
                                       "", "101", "3,4", "9" * 50]), st.integers(-(10**5), 10**5).map(str))
test_parse_target_hostile, test_parse_target_hostile_slow = profile_pair(
    st.one_of(st.text(max_size=20), st.builds(lambda n, p: f"{n}:{','.join(p)}",
                                              st.sampled_from(["expsum", "bump", "powerlaw", "airy", "foo"]),
                                              st.lists(SPEC_PART, min_size=1, max_size=3)),
              st.sampled_from([None, 3, b"expsum", ["bump"]])),
    lambda spec: (lambda: (parse_spec(spec), parse_target(spec).spec()),
                  ("spec", "K", "alpha", "omega", "s0", "t0")),
    limit=5)


# the methods of valid (often extreme) targets, under hostile arguments: one test (and
# its slow twin) per public method; `events` counts values and refusals
# (pytest --hypothesis-show-statistics)

ORDERS = {True: st.integers(0, 1), False: st.integers(0, 12)}
METHODS = {
    "rho": lambda tg, a: tg.rho(a["t"], dps=a["dps"], arb=a["arb"]),
    "values": lambda tg, a: tg.values(a["ts"], dps=a["dps"]),
    "moment": lambda tg, a: tg.moment(a["n"], a["s"], dps=a["dps"], arb=a["arb"]),
    "laplace": lambda tg, a: tg.laplace(a["s"], dps=a["dps"], arb=a["arb"]),
    "norm2": lambda tg, a: tg.norm2(dps=a["dps"], arb=a["arb"]),
    "primitive": lambda tg, a: tg.primitive(a["ts"], dps=a["dps"]),
    "integral": lambda tg, a: tg.integral(dps=a["dps"]),
    "template_moment": lambda tg, a: tg.template_moment(a["n"], a["s"], dps=a["dps"], arb=a["arb"]),
    "template_moments": lambda tg, a: tg.template_moments(a["ts"]),
}
BUMP_METHODS = {  # MemoryBump's own
    "delta": lambda tg, a: tg.delta(a["n"], a["s"], dps=a["dps"], arb=a["arb"]),
    "template_norm2": lambda tg, a: tg.template_norm2(dps=a["dps"], arb=a["arb"]),
}


@st.composite
def _method_args(draw, cheap, target_strategy):
    return draw(target_strategy), {"t": draw(either(NONNEG, hostile_real)),
                                   "n": draw(either(ORDERS[cheap], hostile_int)),
                                   "s": draw(either(POS, hostile_real)), "ts": draw(TIMES),
                                   "dps": draw(DPS), "arb": draw(ARB)}


def _method_pair(method, call, target_strategy=None):
    def make(cheap, profile, limit):
        strategy = target_strategy(cheap) if target_strategy else targets(cheap=cheap)

        @profile
        @given(_method_args(cheap, strategy))
        def test(drawn):
            target, args = drawn
            outcome, _ = keeps_contract_naming(lambda: call(target, args), WORDS, limit=limit)
            event(f"{type(target).__name__}: {outcome}")
        return test
    return make(True, PROFILE, 10), pytest.mark.slow(make(False, SLOW_PROFILE, 20))


for _name, _call in METHODS.items():
    globals()[f"test_{_name}_hostile"], globals()[f"test_{_name}_hostile_slow"] = _method_pair(_name, _call)
for _name, _call in BUMP_METHODS.items():
    globals()[f"test_{_name}_hostile"], globals()[f"test_{_name}_hostile_slow"] = _method_pair(
        _name, _call, lambda cheap: targets(cheap=cheap, kinds=("bump",)))


def _valid_moment_test(cheap, profile, limit):
    # every argument valid, the targets and rates extreme: the values the contract
    # promises (or PrecisionError, or a stated limit), never NaN, inf or an escape
    @profile
    @given(targets(cheap=cheap), st.integers(0, 1 if cheap else 12), POS, st.sampled_from([None, 15, 30]),
           st.booleans())
    def test(target, n, s, dps, arb):
        outcome, _ = keeps_contract_naming(lambda: target.moment(n, s, dps=dps, arb=arb), WORDS, limit=limit)
        event(f"{type(target).__name__}: {outcome}")
    return test


test_moment_valid_extreme = _valid_moment_test(True, PROFILE, 10)
test_moment_valid_extreme_slow = pytest.mark.slow(_valid_moment_test(False, SLOW_PROFILE, 20))

test_tail_hostile, test_tail_hostile_slow = profile_pair(
    st.tuples(st.one_of(st.floats(0.51, 1000), st.sampled_from([1.0, 1000.0, 0.5000001])), TIMES),
    lambda d: (lambda: PowerLaw(d[0]).tail(d[1]), WORDS), limit=10)

test_sign_changing_template_hostile, test_sign_changing_template_hostile_slow = profile_pair(
    st.tuples(either(st.integers(0, 5), hostile_int), either(POS, hostile_real), either(NONNEG, hostile_real),
              either(st.sampled_from([15, 30]), hostile_int)),
    lambda d: (lambda: sign_changing_template_moments(*d), ("n must", "w must", "mu", "dps must", "w[")), limit=10)


# float64 against mpmath where both give a value: single-signed targets (no cancellation
# between their terms), so float64 must agree to about its own accuracy


def _agree(d):
    target, n, s = d

    def call():
        want = target.moment(n, s, dps=30)
        try:
            got = target.moment(n, s)
        except PrecisionError:
            assert abs(want) > 1e300, (target, n, s, want)
            return 0.0
        if abs(want) > 1e-290:
            assert rel(got, want) < 1e-9, (target, n, s, got, want)
        return got
    return call, WORDS


def _agree_test(profile, cheap):
    @profile
    @given(st.tuples(targets(cheap=True, sign=POS), st.integers(0, 1 if cheap else 4), POS))
    def test(d):
        outcome, value = keeps_contract_naming(*_agree(d), limit=20)
        event(f"{type(d[0]).__name__}: {outcome}")
    return test


test_float_agrees_with_mpmath = _agree_test(PROFILE, True)
test_float_agrees_with_mpmath_slow = pytest.mark.slow(_agree_test(SLOW_PROFILE, False))
