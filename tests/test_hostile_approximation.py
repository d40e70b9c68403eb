"""Hostile input for memverify.approximation and memverify.figure_approx (issue 14): the
issue's examples as regressions (right values against mpmath references, or refusals naming
the argument), and every public entry point under hypothesis (tests/hostile.py): a refusal
(ValueError / TypeError, one line) or a finite result, in bounded time."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import event
from hypothesis import strategies as st

from hostile import hostile_int, hostile_real, hostile_vector, keeps_contract, names, profile_pair
from memverify import cli
from memverify.approximation import (ExpSumApprox, appendix_b_expsum, appendix_b_route, appendix_b_width,
                                     best_expsum, best_width, certified_l1_bound, certify_alternation,
                                     chebyshev_points, condition_13_gamma, curse_of_memory_row, cutoff,
                                     expsum_error, lemma_a2_expsum, projection_expsum, remez_expsum, sinc_expsum,
                                     sinc_width, thm42_expsum)
from memverify.backends import PrecisionError
from memverify.figure_approx import draw, error_curves, width_table
from memverify.targets import ExpSum, MemoryBump, PowerLaw

SQRT_2PI = mpmath.sqrt(2 * mpmath.pi)


def bump(omega):
    return MemoryBump(ExpSum([1.0], [1.0]), omega=omega)


# ---------------------------------------------------------------------------
# the examples


def test_sinc_row_far_omega_is_refused_naming_omega():
    # was: OverflowError (34, 'Numerical result out of range')
    with pytest.raises(ValueError, match="omega"):
        curse_of_memory_row(1e-9, 1e-2, routes=("sinc",))
    # inside omega's range, the predicted widths refuse up front, naming omega and eps
    with pytest.raises(ValueError, match="omega=0.005, eps=0.01"):      # (eps/2)^(-1/omega) = 1e460
        curse_of_memory_row(0.005, 1e-2, routes=("sinc",))
    with pytest.raises(ValueError, match="omega=0.0012, eps=0.9.*sinc route would start from 624 terms"):
        curse_of_memory_row(0.0012, 0.9, routes=("sinc",))
    with pytest.raises(ValueError, match="omega=0.0625, eps=0.01.*best route"):
        curse_of_memory_row(0.0625, 1e-2, routes=("best",))
    with pytest.raises(ValueError, match="omega=100, eps=1e-12.*leaves out"):   # the rates stop short of the mass
        curse_of_memory_row(100.0, 1e-12, routes=("sinc",))


@pytest.mark.parametrize("omega, eps", [(1e-9, 1.0), (1.0, 10.0), (1.0, 0.0), (1.0, -1e-3), (1.0, float("nan"))])
def test_row_eps_outside_0_1_is_refused_first_naming_eps(omega, eps):
    # was: MemoryError after a minute (1e-9, 1.0), "h must be > 0" / "T must be > 0" (1.0, 10.0)
    with pytest.raises(ValueError, match="eps"):
        curse_of_memory_row(omega, eps, routes=("sinc",))
    with pytest.raises(ValueError, match="eps"):
        curse_of_memory_row(omega, eps)


@pytest.mark.parametrize("routes", [(), ",", "sinc", ("magic",), ("sinc", None), [], None, 3])
def test_row_routes_must_be_known_and_non_empty(routes):
    with pytest.raises(ValueError, match="routes"):
        curse_of_memory_row(1.0, 1e-2, routes=routes)


def test_cli_approx_empty_routes(capsys):
    assert cli.main(["approx", "--omega", "1", "--eps", "1e-2", "--routes", ","]) == 2
    assert "routes" in capsys.readouterr().err


def test_l1_error_with_a_rate_of_1e308_is_right():
    # was: OverflowError "cannot convert float infinity to integer"; the term 0.5 e^{-1e308 t}
    # adds 5e-309 to an error (1+t)^-2 - 0.5 e^{-t} > 0 of mass 1 - 0.5
    with mpmath.workdps(30):
        ref = mpmath.quad(lambda t: abs((1 + t) ** -2 - mpmath.mpf(0.5) * mpmath.exp(-t)), [0, 1, 10, 100, mpmath.inf])
    assert expsum_error(PowerLaw(2.0), [0.5, 0.5], [1.0, 1e308], norm="L1") == pytest.approx(float(ref), rel=1e-13)


def _gauss_l1(mu):
    """int_0^inf exp(-(t - mu)^2 / 2) dt by mpmath quadrature (split at the bump)."""
    with mpmath.workdps(40):
        mu = 1 / mpmath.mpf(1 / mu)   # the bump's centre 1/omega, omega the float given
        g = lambda t: mpmath.exp(-(t - mu) ** 2 / 2)   # noqa: E731
        return mpmath.quad(g, [0, max(mu - 15, 0), mu, mu + 15, mpmath.inf])


@pytest.mark.parametrize("omega", [0.005, 1e-3, 1e-9])
def test_far_bump_l1_error_is_its_mass(omega):
    """The sum is the bump's base exactly: the error is the Gaussian's L1 mass (2.5066...).
    Was 2.2e-16 at omega = 0.005 (2.1e-25 with dps=20): the grid missed the bump at 200."""
    ref = _gauss_l1(1 / omega)
    assert float(ref) == pytest.approx(2.5066282746310002, rel=1e-15)
    assert expsum_error(bump(omega), [1.0], [1.0]) == pytest.approx(float(ref), rel=1e-13)
    got = expsum_error(bump(omega), [1.0], [1.0], dps=20)
    assert abs(got - ref) < 1e-18 * ref
    # L-infinity sees it too: the bump's height c0 = 1
    assert expsum_error(bump(omega), [1.0], [1.0], "Linf") == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("dps", [None, 30])
def test_far_bump_with_sign_changes_against_mpmath(dps):
    """A slow term 0.004 e^{-0.002 t} crosses the bump at t = 1000 +- 3.9: four pieces."""
    omega, a, w = 1e-3, [1.0, 0.004], [1.0, 0.002]
    with mpmath.workdps(40):
        mu = 1 / mpmath.mpf(omega)
        e = lambda t: mpmath.exp(-(t - mu) ** 2 / 2) - mpmath.mpf(a[1]) * mpmath.exp(-mpmath.mpf(w[1]) * t)  # noqa
        r1, r2 = mpmath.findroot(e, mu - 4), mpmath.findroot(e, mu + 4)
        ref = sum(abs(mpmath.quad(e, piece)) for piece in ([0, r1], [r1, mu, r2], [r2, r2 + 100, mpmath.inf]))
    got = expsum_error(bump(omega), a, w, dps=dps)
    # (before: 3.0133 in float64, where the grid's cell of width 30 at t = 1000 hid both
    # sign changes, and 2.0 with dps=30; the right value is 4.4977)
    assert float(got) == pytest.approx(float(ref), rel=1e-12 if dps is None else 1e-25)


def test_lemma_a2_far_bump():
    # was 2.2e-16: the projection onto e^{-t}, e^{-2t}, e^{-3t} is the base e^{-t} (the bump at
    # 1e9 has no Laplace mass at s >= 1), so the L1 error is the bump's mass
    r = lemma_a2_expsum(bump(1e-9), 3)
    assert float(r.error) == pytest.approx(float(SQRT_2PI), rel=1e-13)
    assert [float(x) for x in r.a] == pytest.approx([1.0, 0.0, 0.0], abs=1e-25)


def test_float64_far_bump_goes_through_mpmath_and_refuses_beyond_1e200():
    # 1e100 widths from 0: mpmath at 117 digits, converted back
    assert expsum_error(bump(1e-100), [1.0], [1.0]) == pytest.approx(float(SQRT_2PI), rel=1e-15)
    with pytest.raises(ValueError, match="target"):
        expsum_error(bump(1e-250), [1.0], [1.0])


@pytest.mark.parametrize("kwargs, word", [
    ({"w": [1.0] * 4097, "a": [1.0] * 4097}, "w"),
    ({"w": [1.0, float("nan")], "a": [1.0, 1.0]}, "w"),
    ({"w": [1.0, 2.0], "a": [1.0]}, "a"),
    ({"w": [[1.0], [1.0, 2.0]], "a": [1.0, 1.0]}, "w"),
    ({"a": [[1.0], [1.0, 2.0]], "w": [1.0, 2.0]}, "a"),
    ({"a": [float("inf")], "w": [1.0]}, "a"),
    ({"dps": 10001}, "dps"),
    ({"dps": 990, "a": [1e12, -1e12], "w": [1.0, 2.0]}, "dps"),
    ({"interval": (0, float("inf"))}, "interval"),
    ({"interval": (0, float("nan"))}, "interval"),
    ({"interval": (5.0, 0)}, "interval"),
    ({"interval": (1.0, 5.0)}, "interval"),
    ({"norm": ["L1"]}, "norm"),
    ({"target": PowerLaw(1.0)}, "target"),
])
def test_expsum_error_refusals_name_the_argument(kwargs, word):
    args = {"target": PowerLaw(2.0), "a": [1.0], "w": [1.0], **kwargs}
    with pytest.raises((ValueError, TypeError)) as info:
        expsum_error(**args)
    assert word in str(info.value)


def test_expsum_error_beyond_float64_range():
    # the slowest rate decays beyond 1e300: mpmath and back; the value itself beyond float64: PrecisionError
    assert expsum_error(PowerLaw(2.0), [1e-300], [1e-300]) == pytest.approx(2.0, rel=1e-12)
    with pytest.raises(PrecisionError, match="dps=30"):
        expsum_error(PowerLaw(2.0), [1.0], [5e-324])
    assert float(expsum_error(PowerLaw(2.0), [1.0], [5e-324], dps=30)) == pytest.approx(1 / 5e-324, rel=1e-12)
    with pytest.raises(PrecisionError, match="dps"):   # coefficients that cancel
        expsum_error(PowerLaw(2.0), [1e12, -1e12], [1.0, 2.0])


@pytest.mark.parametrize("call, word", [
    (lambda: best_expsum(PowerLaw(2.0), 2, maxiter=10**9), "maxiter"),
    (lambda: best_expsum(PowerLaw(2.0), 17), "m"),
    (lambda: best_expsum(PowerLaw(2.0), 2, dps=201), "dps"),
    (lambda: best_expsum(PowerLaw(2.0), 2, start=([1.0, 1.0], [1e-300, 1.0])), "start w"),
    (lambda: best_expsum(PowerLaw(2.0), 2, start=([1e300, 1.0], [0.5, 1.0])), "start a"),
    (lambda: best_expsum(PowerLaw(1.0), 2, "L1"), "target"),
    (lambda: best_expsum(PowerLaw(2.0), 2, start="ab"), "start"),
    (lambda: remez_expsum(PowerLaw(1.0), 1, None, 30, [1.0], [1.0], maxiter=10**6), "maxiter"),
    (lambda: remez_expsum(PowerLaw(1.0), 1, None, 30, [1.0], [1.0], tol=1.5), "tol"),
    (lambda: best_width(1.0, 1e-2, 33), "m_hi"),
    (lambda: best_width(1.0, 1e-2, 8, maxiter=10**4), "maxiter"),
    (lambda: lemma_a2_expsum(PowerLaw(2.0), 65), "m"),
    (lambda: lemma_a2_expsum(PowerLaw(2.0), 2, dps=501), "dps"),
    (lambda: thm42_expsum(PowerLaw(2.0), 65, 1, 1.0), "m"),
    (lambda: thm42_expsum(PowerLaw(2.0), 4, 10**6, 1.0), "alpha"),
    (lambda: projection_expsum(PowerLaw(2.0), list(range(1, 66))), "w"),
    (lambda: appendix_b_route(1.0, 4097, 10.0), "m"),
    (lambda: appendix_b_route(1.0, 8, 1e308), "T"),
    (lambda: appendix_b_route(1e-300, 8, 10.0), "omega"),
    (lambda: appendix_b_width(1.0, 1e-2, 10**6), "m_max"),
    (lambda: appendix_b_expsum(1.0, 401, 10.0), "m"),
    (lambda: sinc_expsum(2.0, 1.0, 0, 10**6), "k_hi"),
    (lambda: sinc_expsum(2.0, 1e300, 0, 3), "h"),
    (lambda: sinc_width(1.0, 1e-2, hs=[100.0]), "hs"),
    (lambda: certified_l1_bound(2.0, [1.0], [1.0], 1e5, delta=1e-300), "delta"),
    (lambda: certified_l1_bound(2.0, [1.0], [1.0], 1e5, t_first=1e-12), "t_first"),
    (lambda: condition_13_gamma(PowerLaw(2.0), 30, 1.0), "alpha"),
    (lambda: condition_13_gamma(PowerLaw(2.0), 1, 1.0, n=10**9), "n"),
    (lambda: condition_13_gamma(PowerLaw(2.0), 1, 1e3), "beta"),
    (lambda: chebyshev_points(10**9), "m"),
    (lambda: cutoff([0.5, float("nan")]), "u"),
    (lambda: cutoff("x"), "u"),
    (lambda: ExpSumApprox((1.0,), (float("nan"),), "L1", 0.1, None, "x"), "w"),
    (lambda: ExpSumApprox((1.0,), (1.0,), "L1", float("inf"), None, "x"), "error"),
    (lambda: certify_alternation(PowerLaw(1.0), "approx"), "approx"),
    (lambda: error_curves((1, 100)), "widths"),
    (lambda: width_table([1.0], [2.0], set(), 8), "eps"),
    (lambda: draw("/nonexistent/dir/approx.png"), "out"),
])
def test_limits_refuse_naming_the_argument(call, word):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert word in str(info.value), str(info.value)


# ---------------------------------------------------------------------------
# strategies: each entry point's arguments as (valid, hostile) pairs; an example corrupts one
# argument (or none, or all of them), so that each hostile value meets valid neighbours

TARGETS = [ExpSum([1.0], [1.0]), ExpSum([1.0, -0.5], [1.0, 3.0]), PowerLaw(2.0), PowerLaw(1.5), bump(0.5)]
# valid but hostile: far bumps (1/omega = 1e3, 1e9), a narrow negative one, non-integrable power laws
HARD_TARGETS = [bump(1e-3), bump(1e-9), PowerLaw(1.0), PowerLaw(0.6),
                MemoryBump(ExpSum([1.0], [1.0]), omega=0.2, c0=-2.0, sigma=1e-3)]
TARGET = (st.sampled_from(TARGETS),
          st.one_of(st.sampled_from(HARD_TARGETS), st.sampled_from([None, "powerlaw", 1.0, PowerLaw, object(), [1.0]])))


@st.composite
def small_sum(draw, m=None):
    m = draw(st.integers(1, 3)) if m is None else m
    a = draw(st.lists(st.floats(-2, 2), min_size=m, max_size=m))
    w = draw(st.lists(st.floats(0.05, 20), min_size=m, max_size=m, unique=True))
    return a, w


SUM = (small_sum(), st.one_of(st.tuples(hostile_vector, hostile_vector),
                              st.tuples(small_sum().map(lambda s: s[0]), hostile_vector),
                              st.tuples(hostile_vector, small_sum().map(lambda s: s[1]))))
DPS = (st.one_of(st.none(), st.sampled_from([15, 20])), hostile_int)
DIGITS = (st.sampled_from([15, 20]), hostile_int)
NORM = (st.sampled_from(["L1", "L2", "Linf"]), st.sampled_from(["L3", None, 1, ["L1"], np.array(["L1", "L2"])]))
INTERVAL = (st.one_of(st.none(), st.sampled_from([(0, 5.0), (0, 1e6), [0, 2.0]])),
            st.one_of(st.tuples(hostile_real, hostile_real),
                      st.sampled_from([(0, float("inf")), (0, float("nan")), (5.0, 0), (0,), 5, "0,5", (0, -1.0),
                                       np.array([0.0, 1.0]), (0, 1e300)])))
SMALL_M = (st.integers(1, 2), hostile_int)
OMEGA = (st.floats(0.5, 3.0), hostile_real)
EPS = (st.floats(0.2, 0.9), hostile_real)


@st.composite
def corrupted(draw, pairs):
    """(arguments, the names drawn from their hostile side): valid arguments with one of
    them hostile (or none, or each either)."""
    names_ = list(pairs)
    k = draw(st.integers(-2, len(names_) - 1))   # -1: all valid; -2: each valid or hostile
    out, bad = {}, []
    for i, name in enumerate(names_):
        valid, hostile = pairs[name]
        side = (i == k) or (k == -2 and draw(st.booleans()))
        out[name] = draw(hostile if side else valid)
        bad += [name] if side else []
    return out, bad


# the words a refusal of each argument names (a sum s = (a, w), a start = (a0, w0))
WORDS = {"s": ("a", "w"), "start": ("start", "a0", "w0"), "target": ("target", "alpha", "integrable"),
         "m_start": ("m", "start", "a0", "w0"), "norm_interval": ("norm", "interval"), "omegas": ("omega",),
         "epss": ("eps",)}


def _recorded(call):
    """call, with its outcome recorded (pytest --hypothesis-show-statistics)."""
    def run():
        try:
            out = call()
        except Exception as exc:
            event(f"refused: {type(exc).__name__}")
            raise
        event("value")
        return out
    return run


def _both(limit=20, always=(), **pairs):
    """The property for one entry point as two tests (tests/hostile.py's profile_pair):
    a refusal names an argument drawn from its hostile side (all of them when none was),
    or one of `always`."""
    def make(call_of):
        def check(drawn):
            args, bad = drawn
            words = sum((WORDS.get(n, (n,)) for n in (bad or list(pairs))), always)
            return _recorded(lambda: call_of(dict(args))), words
        return profile_pair(corrupted(pairs), check, limit=limit)
    return make


# ---------------------------------------------------------------------------
# every entry point under hostile arguments


@_both(limit=20, target=TARGET, s=SUM, norm=NORM, interval=INTERVAL, dps=DPS)
def _expsum_error(args):
    return expsum_error(args["target"], *args["s"], args["norm"], args["interval"], args["dps"])


test_expsum_error_hostile, test_expsum_error_hostile_slow = _expsum_error


@_both(limit=20, target=TARGET, m=SMALL_M, dps=DIGITS)
def _lemma_a2(args):
    return lemma_a2_expsum(**args)


test_lemma_a2_hostile, test_lemma_a2_hostile_slow = _lemma_a2


@_both(limit=20, target=TARGET, m=SMALL_M, alpha=(st.integers(0, 2), hostile_int), beta=(st.floats(0.1, 5.0), hostile_real),
       dps=DIGITS)
def _thm42(args):
    return thm42_expsum(**args)


test_thm42_hostile, test_thm42_hostile_slow = _thm42


@_both(limit=20, omega=OMEGA, m=(st.integers(1, 4), hostile_int), T=(st.floats(1.0, 100.0), hostile_real), dps=DIGITS)
def _appendix_b_expsum(args):
    return appendix_b_expsum(**args)


test_appendix_b_expsum_hostile, test_appendix_b_expsum_hostile_slow = _appendix_b_expsum


@_both(limit=20, omega=OMEGA, m=(st.integers(1, 8), hostile_int), T=(st.floats(1.0, 100.0), hostile_real),
       n_grid=(st.one_of(st.none(), st.integers(100, 300)), hostile_int))
def _appendix_b_route(args):
    return appendix_b_route(**args)


test_appendix_b_route_hostile, test_appendix_b_route_hostile_slow = _appendix_b_route


@_both(limit=20, omega=OMEGA, eps=EPS, m_max=(st.integers(1, 8), hostile_int))
def _appendix_b_width(args):
    return appendix_b_width(**args)


test_appendix_b_width_hostile, test_appendix_b_width_hostile_slow = _appendix_b_width


@_both(limit=20, alpha=(st.floats(0.6, 5.0), hostile_real), h=(st.floats(0.1, 2.0), hostile_real),
       k_lo=(st.integers(-10, 0), hostile_int), k_hi=(st.integers(0, 10), hostile_int), dps=DPS,
       shift=(st.just(0.0), hostile_real))
def _sinc_expsum(args):
    return sinc_expsum(**args)


test_sinc_expsum_hostile, test_sinc_expsum_hostile_slow = _sinc_expsum


@_both(limit=20, omega=OMEGA, eps=EPS, hs=(st.one_of(st.none(), st.lists(st.floats(0.3, 3.0), min_size=1, max_size=3)),
                                 hostile_vector))
def _sinc_width(args):
    return sinc_width(**args)


test_sinc_width_hostile, test_sinc_width_hostile_slow = _sinc_width


HOSTILE_START = st.one_of(st.tuples(hostile_vector, hostile_vector),
                          st.sampled_from(["ab", 3, (1.0,), ([1.0], [1e-300]), ([1e300], [1.0]), ([1.0], [1e8])]))
# (m, start) and (norm, interval) are drawn together: valid pairs are valid together (valid
# widths 1: a valid L-infinity search of width 2 costs seconds, of width 1 a tenth)
M_START = (st.tuples(st.just(1), st.one_of(st.none(), small_sum(1))),
           st.tuples(st.one_of(SMALL_M[0], SMALL_M[1]), st.one_of(st.none(), small_sum(), HOSTILE_START)))
NORM_INTERVAL = (st.one_of(st.tuples(st.just("L2"), st.none()), st.tuples(st.sampled_from(["L1", "Linf"]), INTERVAL[0])),
                 st.tuples(st.one_of(NORM[0], NORM[1]), st.one_of(INTERVAL[0], INTERVAL[1])))


@_both(limit=30, target=TARGET, m_start=M_START, norm_interval=NORM_INTERVAL, dps=DIGITS,
       maxiter=(st.integers(1, 3), hostile_int))
def _best_expsum(args):
    m, start = args.pop("m_start")
    norm, interval = args.pop("norm_interval")
    return best_expsum(m=m, start=start, norm=norm, interval=interval, **args)


test_best_expsum_hostile, test_best_expsum_hostile_slow = _best_expsum


@_both(limit=30, target=TARGET, interval=INTERVAL, dps=DIGITS,
       m_start=(st.tuples(st.just(1), small_sum(1)),
                st.tuples(st.one_of(SMALL_M[0], SMALL_M[1]), st.one_of(small_sum(), HOSTILE_START))),
       maxiter=(st.integers(1, 3), hostile_int), tol=(st.just(1e-10), hostile_real))
def _remez(args):
    m, start = args.pop("m_start")
    a0, w0 = start if isinstance(start, tuple) and len(start) == 2 else (start, start)
    return remez_expsum(m=m, a0=a0, w0=w0, **args)


test_remez_hostile, test_remez_hostile_slow = _remez


_REMEZ1 = []


def _remez1():
    """A levelled best L-infinity sum (PowerLaw(1), m = 1), computed once."""
    if not _REMEZ1:
        _REMEZ1.append(best_expsum(PowerLaw(1.0), 1, "Linf", dps=20))
    return _REMEZ1[0]


APPROX = (st.just("remez"), st.sampled_from([
    ExpSumApprox((0.5,), (1.0,), "Linf", 0.1, None, "x", info={"reference_points": [0.0, 1.0, 3.0]}),
    ExpSumApprox((0.5,), (1.0,), "Linf", 0.1, None, "x", info={"reference_points": [0.0, 1.0]}),
    ExpSumApprox((0.5,), (1.0,), "Linf", 0.1, None, "x", info={"reference_points": [0.0, 1e308, -1.0]}),
    ExpSumApprox((0.5,), (1.0,), "Linf", 0.1, None, "x", info={"reference_points": "abc"}),
    ExpSumApprox((0.5,), (1.0,), "Linf", 0.1, None, "x"), None, "approx", (0.5, 1.0)]))


@_both(limit=20, target=(st.just(PowerLaw(1.0)), TARGET[0] | TARGET[1]), approx=APPROX, dps=(st.sampled_from([15, 30]), hostile_int))
def _certify(args):
    if isinstance(args["approx"], str) and args["approx"] == "remez":
        args["approx"] = _remez1()
    return certify_alternation(**args)


test_certify_alternation_hostile, test_certify_alternation_hostile_slow = _certify


@_both(limit=30, omega=OMEGA, eps=EPS, m_hi=(st.integers(1, 3), hostile_int), maxiter=(st.integers(1, 3), hostile_int))
def _best_width(args):
    return best_width(**args)


test_best_width_hostile, test_best_width_hostile_slow = _best_width


ROUTES = (st.sampled_from([("sinc",), ("appendix_b",), ("sinc", "appendix_b"), ("best",), ["sinc"]]),
          st.one_of(st.sampled_from([(), ",", "sinc", ("magic",), [None], ("sinc", 1), None]), hostile_vector))


@_both(limit=30, omega=OMEGA, eps=EPS, routes=ROUTES, m_max=(st.integers(1, 8), hostile_int))
def _row(args):
    return curse_of_memory_row(**args)


test_curse_of_memory_row_hostile, test_curse_of_memory_row_hostile_slow = _row


@_both(limit=20, alpha=(st.floats(1.5, 3.0), hostile_real), s=SUM, t_end=(st.floats(1.0, 100.0), hostile_real),
       delta=(st.floats(0.05, 0.9), hostile_real), t_first=(st.floats(0.1, 1.0), hostile_real),
       dps=(st.just(15), hostile_int))
def _certified_l1(args):
    a, w = args.pop("s")
    return certified_l1_bound(a=a, w=w, **args)


test_certified_l1_bound_hostile, test_certified_l1_bound_hostile_slow = _certified_l1


@_both(limit=20, target=TARGET, w=(small_sum().map(lambda s: s[1]), hostile_vector), dps=DPS)
def _projection(args):
    return projection_expsum(**args)


test_projection_expsum_hostile, test_projection_expsum_hostile_slow = _projection


@_both(limit=10, u=(st.one_of(st.floats(-2, 2), st.lists(st.floats(-2, 2), max_size=4)),
          st.one_of(hostile_real, hostile_vector, st.sampled_from([np.array([0.2, np.nan]), np.array(["a"]),
                                                                   np.zeros((2, 2)), np.array([], dtype=float)]))),
       dps=DPS)
def _cutoff(args):
    return cutoff(**args)


test_cutoff_hostile, test_cutoff_hostile_slow = _cutoff


@_both(limit=10, m=(st.integers(1, 50), hostile_int), dps=DPS)
def _chebyshev(args):
    return chebyshev_points(**args)


test_chebyshev_points_hostile, test_chebyshev_points_hostile_slow = _chebyshev


@_both(limit=20, target=TARGET, alpha=(st.integers(0, 2), hostile_int), beta=(st.floats(0.1, 5.0), hostile_real),
       normalisation=(st.sampled_from(["proof", "printed"]), st.sampled_from(["x", None, 1, ["proof"]])),
       t_max=(st.one_of(st.none(), st.floats(1.0, 60.0)), hostile_real), n=(st.integers(10, 200), hostile_int))
def _gamma(args):
    return condition_13_gamma(**args)


test_condition_13_gamma_hostile, test_condition_13_gamma_hostile_slow = _gamma


@_both(limit=5, s=SUM, norm=NORM, error=(st.floats(0, 2), hostile_real), interval=INTERVAL,
       status=(st.sampled_from([0, 1]), hostile_int), info=(st.just({}), st.sampled_from([None, [1]])),
       relative_error=(st.one_of(st.none(), st.floats(0, 1)), hostile_real))
def _expsumapprox(args):
    a, w = args.pop("s")
    return ExpSumApprox(a, w, method="method", **args)


test_expsumapprox_hostile, test_expsumapprox_hostile_slow = _expsumapprox


@_both(limit=120, widths=(st.sampled_from([(1,), [1]]), st.one_of(hostile_vector, hostile_int, st.just([1, 40]))))
def _error_curves(args):
    # (a valid list of 4 widths up to 16 states about a minute of Airy moments by quadrature)
    return error_curves(**args)


test_error_curves_hostile, test_error_curves_hostile_slow = _error_curves


@_both(limit=20, omegas=(st.sampled_from([[1.0], [2.0, 1.0]]), hostile_vector), epss=(st.just([0.5]), hostile_vector),
       best_cells=(st.sampled_from([set(), {(1.0, 0.5)}]), st.sampled_from([None, "x", 3])),
       m_max=(st.integers(1, 8), hostile_int))
def _width_table(args):
    return width_table(**args)


test_width_table_hostile, test_width_table_hostile_slow = _width_table


# every out drawn is unusable: the figure (30 s) is never computed, the refusal is immediate
@_both(limit=5, always=("out",), out=(st.sampled_from(["/nonexistent_dir/x.png", "/tmp"]), st.sampled_from([None, 1, "", b"x.png", "/proc/x/y.png"])),
       full=(st.booleans(), hostile_real))
def _draw(args):
    return draw(**args)


test_draw_hostile, test_draw_hostile_slow = _draw


def test_hostile_outcomes_are_refusals_or_finite_values():
    """keeps_contract's two outcomes, shown once: a valid far-bump call gives a value, a
    hostile one a refusal naming its argument."""
    kind, value = keeps_contract(lambda: expsum_error(bump(1e-9), [1.0], [1.0]), limit=20)
    assert kind == "value" and math.isfinite(value)
    kind, exc = keeps_contract(lambda: expsum_error(bump(1e-9), [1.0], [float("nan")]), limit=5)
    assert kind == "refused" and names(exc, "w")
