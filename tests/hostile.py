"""Hostile input for the property suite (issue 14): hypothesis strategies for values a
hostile but fair user passes, and the contract every public entry point keeps
(README, "The input contract"):

- invalid arguments raise ValueError or TypeError (PrecisionError is a ValueError) with a
  one-line message;
- no result contains NaN or inf;
- the call finishes within a time limit (`keeps_contract(..., limit=...)`) or refuses.

`PROFILE` is the deterministic profile of the default run; `SLOW_PROFILE` the larger one
(tests marked slow)."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import numbers
import signal
import time
from decimal import Decimal
from fractions import Fraction

import mpmath as mp
import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROFILE = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
SLOW_PROFILE = settings(max_examples=300, deadline=None, derandomize=False, database=None,
                        suppress_health_check=list(HealthCheck))

# ---------------------------------------------------------------------------
# strategies

# an entry that is not a finite real number
not_a_real = st.sampled_from([float("nan"), float("inf"), -float("inf"), np.nan, np.float32("nan"),
                              mp.mpf("nan"), mp.mpf("inf"), "1.0", "", None, True, False, np.bool_(True),
                              [1.0], (1.0,), [], 1j, mp.mpc(1, 1), Decimal("1"), b"1", object(),
                              {"a": 1}, np.array([1.0]), 10**400])
not_positive = st.one_of(st.floats(max_value=0.0, allow_nan=False), st.integers(max_value=0),
                         st.sampled_from([Fraction(-1, 3), mp.mpf(0), mp.mpf("-1e-30")]))
bad_rate = st.one_of(not_a_real, not_positive)
# a value that is not a sequence of numbers at all
not_a_sequence = st.sampled_from([None, "1.0,2.0", b"12", 1.0, 3, True, {1.0, 2.0}, {1.0: 2.0},
                                  np.array([[1.0, 2.0]]), np.float64(1.0), object()])
# finite reals at the edges of float64
extreme_reals = st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, -5e-324, 1e-308, 1e300, -1e300, 1e-300,
                                 2.0**1023, 2**64, -(2**64), 10**30])
# anything a real-valued argument may be given
hostile_real = st.one_of(not_a_real, extreme_reals, st.floats(), st.integers(-(2**70), 2**70))
# anything an integer argument (a width, an order, a count, dps) may be given
hostile_int = st.one_of(st.sampled_from([-1, 0, 1, 2**31, 2**63, 2**64, 10**7, 10**400, True, 1.5, 2.0,
                                         "3", None, float("nan"), float("inf"), np.int64(-5)]),
                        st.integers(-(2**70), 2**70))
# sequences of numbers gone wrong: empty, ragged, nested, wrong types, hostile entries
hostile_vector = st.one_of(
    not_a_sequence,
    st.just([]), st.just(np.array([])), st.just([[1.0], [1.0, 2.0]]), st.just([[1.0, 2.0], [3.0, 4.0]]),
    st.lists(hostile_real, min_size=1, max_size=4),
    st.lists(extreme_reals, min_size=1, max_size=4),
)
hostile_matrix = st.one_of(
    not_a_sequence, st.just([]), st.just([[]]), st.just([[1.0], [1.0, 2.0]]), st.just([1.0, 2.0]),
    st.just(np.zeros((2, 2, 2))),
    st.lists(st.lists(st.one_of(hostile_real, st.floats(-2, 2)), min_size=2, max_size=2), min_size=2, max_size=2),
)


@st.composite
def vector_with_bad_entry(draw, m, bad, good):
    xs = draw(st.lists(good, min_size=m, max_size=m))
    i = draw(st.integers(0, m - 1))
    xs[i] = draw(bad)
    return xs


@st.composite
def malformed_vector(draw, m, bad, good):
    kind = draw(st.sampled_from(["length", "entry", "type"]))
    if kind == "length":
        return draw(st.lists(good, max_size=6).filter(lambda xs: len(xs) != m))
    if kind == "entry":
        return draw(vector_with_bad_entry(m, bad, good))
    return draw(not_a_sequence)


# ---------------------------------------------------------------------------
# the contract


class TimeLimit(BaseException):
    """Raised inside a call that ran past its limit (a test failure, not a refusal; a
    BaseException, so that no `except Exception` in the code under test swallows it)."""


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the block after `seconds` (SIGALRM: main thread, Unix; pure-Python loops
    such as mpmath's are interrupted, a single long C call only when it returns)."""
    def handler(signum, frame):
        raise TimeLimit(f"no answer within {seconds} s")
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def assert_finite(x, where="result", _depth=0):
    """No NaN or inf anywhere in x (numbers, arrays, mpmath and arb numbers, sequences,
    dicts, dataclasses)."""
    if _depth > 8 or x is None or isinstance(x, (str, bytes, bool, Fraction, numbers.Integral)):
        return
    if isinstance(x, (float, np.floating, complex, np.complexfloating)):
        assert np.isfinite(x), f"{where} is {x!r}"
    elif isinstance(x, (mp.mpf, mp.mpc)):
        assert mp.isfinite(x), f"{where} is {x!r}"
    elif type(x).__name__ in ("arb", "acb"):
        assert x.is_finite(), f"{where} is {x!r}"
    elif isinstance(x, np.ndarray):
        if x.dtype.kind in "fc":
            assert np.all(np.isfinite(x)), f"{where} has non-finite entries"
        elif x.dtype == object:
            for i, v in enumerate(x.ravel()):
                assert_finite(v, f"{where}[{i}]", _depth + 1)
    elif isinstance(x, dict):
        for k, v in x.items():
            assert_finite(v, f"{where}[{k!r}]", _depth + 1)
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            assert_finite(v, f"{where}[{i}]", _depth + 1)
    elif dataclasses.is_dataclass(x):
        for f in dataclasses.fields(x):
            assert_finite(getattr(x, f.name), f"{where}.{f.name}", _depth + 1)


def keeps_contract(call, limit=20.0):
    """Run call(): it either returns a result with no NaN or inf, or raises ValueError /
    TypeError with a non-empty one-line message; within `limit` seconds either way.
    Returns ("value", result) or ("refused", exception); anything else fails the test."""
    start = time.perf_counter()
    try:
        with time_limit(limit):
            result = call()
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert msg and "\n" not in msg.strip(), f"{type(exc).__name__} without a one-line message: {msg!r}"
        return "refused", exc
    except TimeLimit:
        raise AssertionError(f"no answer and no refusal within {limit} s") from None
    except Exception as exc:  # noqa: BLE001 (the point: nothing else may escape)
        raise AssertionError(f"{type(exc).__name__} escaped: {exc}") from exc
    assert_finite(result)
    assert time.perf_counter() - start < limit + 1
    return "value", result


def names(exc, *words):
    """The refusal's message names one of `words` (an argument's name)."""
    msg = str(exc)
    return any(w in msg for w in words)


def keeps_contract_naming(call, words, limit=20.0):
    """keeps_contract, and a refusal names the argument (one of `words`), or is a
    PrecisionError (which names the remedy)."""
    from memverify import PrecisionError
    outcome, value = keeps_contract(call, limit=limit)
    if outcome == "refused" and not isinstance(value, PrecisionError):
        assert names(value, *words), f"{value!r} does not name {words}"
    return outcome, value


def profile_pair(strategy, check, limit=20.0):
    """The same property under PROFILE and (marked slow) SLOW_PROFILE: check(drawn) gives
    (call, words) for keeps_contract_naming.  Assign the pair to two test names."""
    import pytest
    from hypothesis import given

    def make():
        @given(strategy)
        def test(drawn):
            keeps_contract_naming(*check(drawn), limit=limit)
        return test
    return PROFILE(make()), pytest.mark.slow(SLOW_PROFILE(make()))


def is_finite_real(x):
    try:
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
    except OverflowError:
        return False
