"""Hostile input for memverify.landscape (partitions, points, spectrum, minimiser) and
memverify.model (issue 14): every public entry point refuses bad arguments with a
ValueError/TypeError naming them, returns no NaN or inf, and refuses up front the sizes
whose work would run for minutes.

The property tests make one argument hostile at a time (the others valid), so a refusal
must name that argument.  Valid draws are kept cheap: valid sizes that would start a long
loop (n of ordered_bell, sample counts, time spans) are mapped onto small ones; what the
tests check is the refusal of the hostile values and the finiteness of what comes back."""

from __future__ import annotations

import itertools
import math
import random
import time
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
from hypothesis import strategies as st

from hostile import (hostile_int, hostile_matrix, hostile_real, hostile_vector,
                     is_finite_real, names, profile_pair)
from memverify import ExpSum
from memverify.backends import PrecisionError
from memverify.landscape import (Partition, certified_spectrum, exact_fraction, exact_inertia, expsum_coefficients,
                                 global_minimiser, local_minimiser, manifold_point, mstar_partition_of,
                                 mstar_partitions, ordered_bell, ordered_partitions, point_on_coincided_space,
                                 point_on_mstar, stirling2, surjections)
from memverify.landscape.partitions import _set_partitions
from memverify.model import MAX_SPAN, BumpPath, LinearRNN, bump_input, random_rnn


def _refused(exc_type, call, *words):
    """call() raises exc_type with a one-line message holding every one of `words`."""
    with pytest.raises(exc_type) as info:
        call()
    assert all(names(info.value, w) for w in words), str(info.value)
    assert "\n" not in str(info.value)
    return info.value


# ---------------------------------------------------------------------------
# regression: the examples

def test_surjections_of_a_huge_n_is_refused_by_its_limit():
    """surjections(2**64, 2**64) raised OverflowError from math.factorial; now n beyond
    MAX_N = 2000 is a ValueError naming n and the limit, before k! is formed."""
    _refused(ValueError, lambda: surjections(2**64, 2**64), "n", "2000")
    _refused(ValueError, lambda: stirling2(2001, 3), "n", "2000")
    _refused(ValueError, lambda: ordered_bell(10**400), "n", "2000")


def test_surjections_onto_a_larger_set_is_zero_at_once():
    """surjections(3, 10**7) computed 10**7! before noticing k > n (no answer in 30 s): the
    answer 0 now comes first, for any size of n and k."""
    start = time.perf_counter()
    assert surjections(3, 10**7) == 0
    assert stirling2(10**400, 10**401) == 0 and surjections(2**64, 2**64 + 1) == 0
    assert time.perf_counter() - start < 0.1


def test_counts_beyond_the_cached_rows_agree_with_inclusion_exclusion():
    """n > 400 builds its row from row 400 without keeping the rows between (keeping every
    row up to 2000 took 18.8 s and 1.7 GB); the values against k! S(n, k) = sum_j (-1)^j
    C(k, j) (k - j)^n."""
    for n, k in ((401, 7), (523, 260), (523, 523), (523, 1)):
        assert surjections(n, k) == sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1))


def test_certified_spectrum_refuses_nan_entries():
    """certified_spectrum([[nan, 0], [0, 2]], dps=40, tol=0) tried up to 160 digits and raised
    ArithmeticError; now a ValueError naming the entry, before any arb work."""
    _refused(ValueError, lambda: certified_spectrum([[float("nan"), 0], [0, 2]], dps=40, tol=0), "H[0][0]")


def test_exact_inertia_refuses_infinite_entries():
    """exact_inertia([[inf, 0], [0, 1]]) raised OverflowError from fractions."""
    _refused(ValueError, lambda: exact_inertia([[float("inf"), 0], [0, 1]]), "H[0][0]")


def test_point_on_coincided_space_refuses_nan_and_negative_rates():
    """point_on_coincided_space(P, [1.0, 0.5], [1.0, nan]) returned NaN coordinates and a
    negative rate was accepted; now both are ValueErrors naming v[1]."""
    P = next(ordered_partitions(3, 2))
    _refused(ValueError, lambda: point_on_coincided_space(P, [1.0, 0.5], [1.0, float("nan")], seed=0), "v[1]")
    _refused(ValueError, lambda: point_on_coincided_space(P, [1.0, 0.5], [1.0, -0.5], seed=0), "v[1]")


def test_point_on_mstar_takes_mpf_rates_exactly():
    """point_on_mstar(P, [1, -0.5], [mpf(1), mpf(2)]) passed validation and failed inside
    fractions (TypeError 'argument should be a string or a Rational instance'); an mpf is
    now converted exactly, and the point reproduces rho_bar."""
    P = next(mstar_partitions(4, 2, with_I0=True))
    a, w = point_on_mstar(P, [1, -0.5], [mp.mpf(1), mp.mpf(2)])
    assert all(isinstance(x, Fraction) for x in a + w)
    assert expsum_coefficients(a, w) == {Fraction(1): Fraction(1), Fraction(2): Fraction(-1, 2)}
    assert mstar_partition_of(a, w, [1, -0.5], [mp.mpf(1), mp.mpf(2)]) == P
    # a binary mpf that is not a float64 number converts exactly too
    third = mp.mpf(1) / 3
    _, w = point_on_mstar(P, [1, -0.5], [third, mp.mpf(2)])
    assert w[P.blocks[0][0]] == exact_fraction(third) != Fraction(1, 3)


def test_ordered_partitions_yields_its_first_partition_at_once():
    """next(ordered_partitions(20, 2)) filtered all Bell(20) = 5.2e13 set partitions and gave
    nothing within 60 s; the enumeration now builds only partitions with k blocks."""
    start = time.perf_counter()
    P = next(ordered_partitions(20, 2))
    Q = next(mstar_partitions(300, 7, with_I0=True))
    assert time.perf_counter() - start < 1.0
    assert P.k == 2 and P.m == 20 and Q.k == 7 and Q.m == 300
    assert list(ordered_partitions(30, 31)) == []
    _refused(ValueError, lambda: ordered_partitions(301, 2), "m", "300")


def test_lazy_enumeration_keeps_the_order_and_the_counts():
    """The same partitions in the same order as filtering every set partition (claims
    sample from these lists with a seeded rng), k! S(m, k) of them."""
    for m in range(1, 7):
        every = list(_set_partitions(list(range(m))))
        for k in range(1, m + 2):
            old = [tuple(tuple(b) for b in perm) for part in every if len(part) == k
                   for perm in itertools.permutations(part)]
            new = [P.blocks for P in ordered_partitions(m, k)]
            assert new == old and len(new) == surjections(m, k)


def test_kernel_beyond_float64_is_a_precision_error():
    """LinearRNN([1e308, 1e308], diag(-1, -2), [[1e308], [1]]).kernel(0) returned [inf]; the
    value c^T U = 1e616 + 1e308 is beyond float64: PrecisionError naming the remedy."""
    rnn = LinearRNN([1e308, 1e308], [[-1.0, 0.0], [0.0, -2.0]], [[1e308], [1.0]])
    exc = _refused(PrecisionError, lambda: rnn.kernel(0.0), "rescale c or U")
    assert isinstance(exc, ValueError)


def test_kernel_at_huge_times_is_its_value():
    """A non-normal W (expm route): at t = 1e308 W t overflowed and expm gave NaN; the kernel
    is now e^{W t} squared up from e^{W t / 2^j}: 0 there, and the closed form elsewhere
    (c^T e^{Wt} U = e^{-t} (2 + 1000 t) for W = [[-1, 1000], [0, -1]], c = U = 1)."""
    rnn = LinearRNN([1.0, 1.0], [[-1.0, 1e3], [0.0, -1.0]], [[1.0], [1.0]])
    assert rnn._eig is None  # the expm route
    for t in (0.0, 1.0, 30.0, 700.0, 1e10, 1e300, 1e308):
        ref = mp.exp(-mp.mpf(t)) * (2 + 1000 * mp.mpf(t))
        assert rnn.kernel(t)[0] == pytest.approx(float(ref), rel=1e-12, abs=1e-300)


def test_kernel_l1_norm_of_a_slow_decay_is_its_value():
    """The L1 norm integrated s over [0, 40/decay]: for w = 1e-307 (norm 1e307) quad_vec
    returned 9.0e122, for w = 5e-324 (norm 2e323, beyond float64) the same 9.0e122.  It now
    integrates u = decay s over [0, 40] with the rates divided by decay (the same nodes)."""
    for a, w in ((1.0, 1e-307), (1.0, 2.2e-307), (1e-300, 5e-324), (2.0, 4.0), (1.0, 1e300)):
        assert LinearRNN.diagonal([a], [w]).kernel_l1_norm() == pytest.approx(float(mp.mpf(a) / w), rel=1e-9)
    # a diagonal W spanning 1e-300 .. 1e300: LAPACK's eigenvalues flushed -1e-300 to -0.0
    ref = mp.mpf(1e-300) / mp.mpf(5e-324) + mp.mpf(1) / mp.mpf(1e300)
    assert LinearRNN.diagonal([1e-300, 1.0], [5e-324, 1e300]).kernel_l1_norm() == pytest.approx(float(ref), rel=1e-9)
    _refused(PrecisionError, lambda: LinearRNN.diagonal([1.0], [5e-324]).kernel_l1_norm(), "rescale c or U")


def test_output_over_a_huge_interval_is_refused():
    """output_ode(x, 0, t0=-1e308) raised RuntimeError from the ODE solver ('Required step size
    is less than spacing between numbers'); t - t0 is now limited to MAX_SPAN = 1000 for both
    outputs (the ODE takes steps of at most 0.05), and |t|, |t0| to MAX_TIME = 1e6."""
    rnn = LinearRNN([1.0], [[-1.0]], [[1.0]])
    x = bump_input(-1.0, 0.5, [1.0])
    for f in (rnn.output_ode, rnn.output_convolution):
        _refused(ValueError, lambda: f(x, 0.0, t0=-1e308), "t0", "1e+06")  # |t0| <= MAX_TIME
        _refused(ValueError, lambda: f(x, 0.0, t0=-1500.0), "t0", "1000")
        _refused(ValueError, lambda: f(x, 2e3), "t0", "1000")  # t0 from x's support
    assert MAX_SPAN == 1000.0


def test_output_ode_refuses_bad_tolerances():
    """rtol=nan hung and rtol=-1 was accepted; rtol must be in (0, 1)."""
    rnn = LinearRNN([1.0], [[-1.0]], [[1.0]])
    x = bump_input(-1.0, 0.5, [1.0])
    for rtol in (float("nan"), -1, 0.0, 1.0, 1e308, "1e-8"):
        _refused((ValueError, TypeError), lambda: rnn.output_ode(x, 0.0, rtol=rtol), "rtol")
        _refused((ValueError, TypeError), lambda: rnn.output_convolution(x, 0.0, rtol=rtol), "rtol")
    _refused(ValueError, lambda: rnn.kernel_l1_norm(rtol=0.0), "rtol")


def test_outputs_at_times_float64_cannot_resolve_are_refused():
    """At t = 1e17 the float64 spacing (16) exceeds a step: output_ode returned 0.0 for a bump
    of width 1 it never sampled (the right value, by time-homogeneity, is y at t = 0 for the
    shifted bump, 1.187e-22), and output_convolution 8.9e-18; at 1e8 the ODE took 12.6 s for a
    span of 100 (0.2 s near 0).  |t|, |t0| beyond MAX_TIME = 1e6 are now refused naming the
    remedy; at 1e6 both outputs agree with the shifted problem."""
    rnn = LinearRNN([1.0], [[-1.0]], [[1.0]])
    for f in (rnn.output_ode, rnn.output_convolution):
        _refused(ValueError, lambda: f(bump_input(1e17 - 50, 0.5, [1.0]), 1e17, t0=1e17 - 100), "t", "1e+06")
        _refused(ValueError, lambda: f(bump_input(-50, 0.5, [1.0]), 0.0, t0=-2e6), "t0")
    ref = rnn.output_convolution(bump_input(-50.0, 0.5, [1.0]), 0.0, t0=-100.0)
    assert ref == pytest.approx(1.1870730752527e-22, rel=1e-10)
    x = bump_input(1e6 - 50, 0.5, [1.0])
    assert rnn.output_ode(x, 1e6, t0=1e6 - 100) == pytest.approx(ref, rel=1e-5)
    assert rnn.output_convolution(x, 1e6, t0=1e6 - 100) == pytest.approx(ref, rel=1e-9)


def test_minimisers_refuse_sizes_beyond_their_limits():
    """global_minimiser / local_minimiser with extreme maxiter, extra_starts or d ran past
    60 s; each is now bounded (local: d <= 16, maxiter <= 1000, dps <= 1000, d * dps <= 4000;
    global: d <= 6, dps <= 1000, extra_starts <= 64, S (1 + dps/200) <= 90 for S local
    searches)."""
    T = ExpSum([1.0], [1.0])
    _refused(ValueError, lambda: local_minimiser(T, [1.0], [1.0], maxiter=10**9), "maxiter")
    _refused(ValueError, lambda: local_minimiser(T, [0.1] * 17, list(range(1, 18))), "v0", "16")
    _refused(ValueError, lambda: local_minimiser(T, [1.0], [1.0], dps=10000), "dps")
    _refused(ValueError, lambda: local_minimiser(T, [0.1] * 8, list(range(1, 9)), dps=600), "dps", "500")
    _refused(ValueError, lambda: global_minimiser(T, 1, extra_starts=10**6), "extra_starts", "64")
    _refused(ValueError, lambda: global_minimiser(T, 3, extra_starts=64), "extra_starts")
    _refused(ValueError, lambda: global_minimiser(T, 7), "d")
    _refused(ValueError, lambda: global_minimiser(T, 3, dps=1000), "dps")
    _refused(TypeError, lambda: global_minimiser(T, 1, seed=[1]), "seed")


def test_minimiser_starts_must_be_float64_rates():
    """v0 entries distinct as mpf but equal in float64, or beyond its range, were passed on to
    the float64 searches; now a ValueError naming v0 (or b0)."""
    T = ExpSum([1.0], [1.0])
    _refused(ValueError, lambda: local_minimiser(T, [1.0, 1.0], [mp.mpf(1), 1 + mp.mpf(10) ** -30]), "v0")
    _refused(ValueError, lambda: local_minimiser(T, [1.0], [mp.mpf("1e400")]), "v0")
    _refused(ValueError, lambda: local_minimiser(T, [mp.mpf("1e400")], [1.0]), "b0")


def test_spectrum_work_and_precision_are_bounded():
    """n^3 dps <= 4e7 (exact_inertia: n <= 64), and the doubling of dps stops at MAX_DPS (dps = 10000 asked for 20000
    digits internally: 'dps must be ... <= 10000, got 20000'); enclosures that never separate
    are a PrecisionError naming the remedy, not an ArithmeticError."""
    import flint
    _refused(ValueError, lambda: certified_spectrum(np.eye(400).tolist(), dps=40), "dps")
    _refused(ValueError, lambda: exact_inertia(np.eye(65)), "H", "64")  # (17 s at n = 100 for wide floats)
    wide = [[flint.arb(1, 0.5), 0.1, 0], [0.1, 1, 0], [0, 0, 3]]  # an entry known to +-0.5 only
    exc = _refused(PrecisionError, lambda: certified_spectrum(wide, dps=4000), "dps", "tol > 0")
    assert isinstance(exc, ArithmeticError) and "10000 digits" in str(exc)


# ---------------------------------------------------------------------------
# the contract, property by property






def _one_of(**args):
    """A (name, value) pair: which argument is hostile, and its value."""
    return st.one_of(*[st.tuples(st.just(k), v) for k, v in args.items()])


def _small(values, top=50):
    """hostile integers with the valid large ones mapped onto 0..top (a valid n of 2000 is a
    4 s row of Stirling numbers); the hostile ones are kept."""
    return values.map(lambda v: v % (top + 1) if type(v) is int and top < v <= 10**6 else v)


def _short_time(values):
    """hostile reals with finite times 10 < |t| <= 1001 folded below 10 (a valid span of 1000
    is 20000 ODE steps)."""
    return values.map(lambda t: math.fmod(t, 10.0) if is_finite_real(t) and 10 < abs(t) <= 1001 else t)


def _call(f, defaults, kv, partners=()):
    """f with one argument replaced; the refusal names it, or (for arguments whose lengths
    must agree) one of its `partners`."""
    key, value = kv
    words = (key,) + next((tuple(p) for p in partners if key in p), ())
    return lambda: f(**{**defaults, key: value}), words


hostile_seed = st.one_of(hostile_int, st.sampled_from([None, 1.5, "s", [1], object(), random.Random(1),
                                                       np.random.default_rng(0)]))
index_lists = st.lists(st.lists(st.one_of(hostile_int, st.integers(0, 4)), max_size=3), max_size=3)
hostile_blocks = st.one_of(hostile_vector, hostile_matrix, index_lists, st.just("01"), st.just({0: 1}))
partitions_ = st.sampled_from([Partition(3, ((0, 1), (2,))), Partition(2, ((1,), (0,))),
                               Partition(4, ((0,), (2,)), ((1, 3),)), "P", None, (3, ((0, 1), (2,))), 3])

# partitions.py

test_hostile_stirling2, test_hostile_stirling2_slow = profile_pair(
    _one_of(n=hostile_int, k=hostile_int), lambda kv: _call(stirling2, {"n": 5, "k": 2}, kv))
test_hostile_surjections, test_hostile_surjections_slow = profile_pair(
    _one_of(n=hostile_int, k=hostile_int), lambda kv: _call(surjections, {"n": 5, "k": 2}, kv))
test_hostile_ordered_bell, test_hostile_ordered_bell_slow = profile_pair(
    _one_of(n=_small(hostile_int)), lambda kv: _call(ordered_bell, {}, kv))
test_hostile_ordered_partitions, test_hostile_ordered_partitions_slow = profile_pair(
    _one_of(m=hostile_int, k=hostile_int),
    lambda kv: _call(lambda **a: list(itertools.islice(ordered_partitions(**a), 3)), {"m": 4, "k": 2}, kv))
test_hostile_mstar_partitions, test_hostile_mstar_partitions_slow = profile_pair(
    _one_of(m=hostile_int, m_star=hostile_int,
            with_I0=st.sampled_from([True, False, 1, 0, None, "yes", np.bool_(True), [True]])),
    lambda kv: _call(lambda **a: list(itertools.islice(mstar_partitions(**a), 3)),
                     {"m": 4, "m_star": 2, "with_I0": True}, kv))


def _partition(kv):
    key, value = kv
    if key == "i":
        return lambda: Partition(3, ((0, 1), (2,))).block_of(value), ("index", "i")
    args = {"m": 3, "blocks": ((0, 1), (2,)), "zero_blocks": (), **{key: value}}
    return lambda: Partition(**args), (key, "blocks", "zero_blocks", "partition", "block")


test_hostile_partition, test_hostile_partition_slow = profile_pair(
    _one_of(m=hostile_int, blocks=hostile_blocks, zero_blocks=hostile_blocks, i=hostile_real), _partition)

# points.py

MSTAR = {"partition": Partition(4, ((0, 1), (2,)), ((3,),)), "astar": [1.0, -0.5], "wstar": [1.0, 3.0], "seed": 0}
test_hostile_point_on_mstar, test_hostile_point_on_mstar_slow = profile_pair(
    _one_of(partition=partitions_, astar=hostile_vector, wstar=hostile_vector, seed=hostile_seed),
    lambda kv: _call(point_on_mstar, MSTAR, kv, [("astar", "wstar", "partition")]))
test_hostile_manifold_point, test_hostile_manifold_point_slow = profile_pair(
    _one_of(astar=hostile_vector, wstar=hostile_vector, m=hostile_int, extra_w=hostile_vector,
            extra_a=hostile_vector),
    lambda kv: _call(manifold_point, {"astar": [1.0], "wstar": [1.0], "m": 3, "extra_w": [0.5, 2.0]}, kv,
                     [("astar", "wstar", "m", "extra_w", "extra_a")]))
test_hostile_expsum_coefficients, test_hostile_expsum_coefficients_slow = profile_pair(
    _one_of(a=hostile_vector, w=hostile_vector),
    lambda kv: _call(expsum_coefficients, {"a": [1.0, 2.0], "w": [1.0, 1.0]}, kv, [("a", "w")]))
test_hostile_mstar_partition_of, test_hostile_mstar_partition_of_slow = profile_pair(
    _one_of(a=hostile_vector, w=hostile_vector, astar=hostile_vector, wstar=hostile_vector),
    lambda kv: _call(mstar_partition_of, {"a": [0.5, 0.5, -0.5], "w": [1.0, 1.0, 3.0], "astar": [1.0, -0.5],
                                          "wstar": [1.0, 3.0]}, kv, [("a", "w"), ("astar", "wstar")]))
test_hostile_exact_fraction, test_hostile_exact_fraction_slow = profile_pair(
    _one_of(x=st.one_of(hostile_real, st.sampled_from([mp.mpf("1e1000000000"), mp.mpf("-1e-1000000000"),
                                                       mp.mpf(1) / 3, np.float32(0.1), np.int64(-3)]))),
    lambda kv: _call(exact_fraction, {}, kv))
test_hostile_point_on_coincided_space, test_hostile_point_on_coincided_space_slow = profile_pair(
    _one_of(partition=partitions_, b=hostile_vector, v=hostile_vector, seed=hostile_seed),
    lambda kv: _call(point_on_coincided_space, {"partition": Partition(3, ((0, 1), (2,))), "b": [1.0, 0.5],
                                                "v": [1.0, 2.0], "seed": 0}, kv, [("partition", "b", "v")]))

# spectrum.py

test_hostile_certified_spectrum, test_hostile_certified_spectrum_slow = profile_pair(
    _one_of(H=hostile_matrix, dps=hostile_int, tol=hostile_real),
    lambda kv: _call(certified_spectrum, {"H": [[2.0, 1.0], [1.0, 2.0]], "dps": 20, "tol": 0}, kv))
test_hostile_exact_inertia, test_hostile_exact_inertia_slow = profile_pair(
    _one_of(H=hostile_matrix), lambda kv: _call(exact_inertia, {}, kv))

# minimiser.py (a one-term target: a valid draw is a cheap search)

TARGET = ExpSum([1.0], [1.0])
targets = st.sampled_from([TARGET, "expsum", None, 1.0, ExpSum])
test_hostile_local_minimiser, test_hostile_local_minimiser_slow = profile_pair(
    _one_of(target=targets, b0=hostile_vector, v0=hostile_vector, dps=_small(hostile_int, 40),
            maxiter=_small(hostile_int, 5)),
    lambda kv: _call(local_minimiser, {"target": TARGET, "b0": [1.0], "v0": [2.0], "dps": 15, "maxiter": 5}, kv,
                     [("b0", "v0")]),
    limit=30.0)
test_hostile_global_minimiser, test_hostile_global_minimiser_slow = profile_pair(
    _one_of(target=targets, d=_small(hostile_int, 2), dps=_small(hostile_int, 40), extra_starts=_small(hostile_int, 1),
            seed=hostile_seed),
    lambda kv: _call(global_minimiser, {"target": TARGET, "d": 1, "dps": 15, "extra_starts": 0, "seed": 0}, kv),
    limit=30.0)

# model.py

RNN = {"c": [1.0, 1.0], "W": [[-1.0, 0.0], [0.0, -2.0]], "U": [[1.0], [1.0]]}
test_hostile_linear_rnn, test_hostile_linear_rnn_slow = profile_pair(
    _one_of(c=hostile_vector, W=hostile_matrix, U=st.one_of(hostile_matrix, hostile_vector)),
    lambda kv: _call(LinearRNN, RNN, kv, [("c", "W", "U")]))
test_hostile_linear_rnn_diagonal, test_hostile_linear_rnn_diagonal_slow = profile_pair(
    _one_of(a=hostile_vector, w=hostile_vector), lambda kv: _call(LinearRNN.diagonal, {"a": [1.0], "w": [1.0]}, kv,
                                                   [("a", "w")]))

rnns = st.sampled_from([LinearRNN(**RNN), LinearRNN([1.0, 1.0], [[-1.0, 1e3], [0.0, -1.0]], [[1.0], [1.0]]),
                        LinearRNN([1e308, 1e308], [[-1.0, 0.0], [0.0, -2.0]], [[1e308], [1.0]]),
                        LinearRNN.diagonal([1.0], [1e-300]), LinearRNN.diagonal([1e300, -1e300], [1e-3, 1e300]),
                        random_rnn(np.random.default_rng(5), 3, 2)])
test_hostile_kernel, test_hostile_kernel_slow = profile_pair(
    st.tuples(rnns, hostile_real), lambda rt: (lambda: rt[0].kernel(rt[1]), ("t",)))
test_hostile_kernel_l1_norm, test_hostile_kernel_l1_norm_slow = profile_pair(
    st.tuples(rnns, st.one_of(hostile_real, st.just(1e-6))), lambda rr: (lambda: rr[0].kernel_l1_norm(rr[1]),
                                                                          ("rtol",)))


class _BadSupport:
    support = ("a", 1.0)

    def __call__(self, s):
        return np.zeros(1)


inputs = st.sampled_from([bump_input(-1.0, 0.5, [1.0]), BumpPath([bump_input(-2.0, 1.0, [2.0])]), 3.0, "x",
                          lambda s: "a", lambda s: np.zeros(2), lambda s: np.array([np.nan]),
                          lambda s: np.array([1e308]), _BadSupport(), lambda s: np.array([1.0 if s < 0.5 else np.inf])])
OUTPUT = {"x": bump_input(-1.0, 0.5, [1.0]), "t": 0.0, "t0": None, "rtol": 1e-8}
output_args = _one_of(x=inputs, t=_short_time(hostile_real), t0=_short_time(hostile_real),
                      rtol=st.one_of(hostile_real, st.just(1e-6)))
test_hostile_output_convolution, test_hostile_output_convolution_slow = profile_pair(
    output_args, lambda kv: _call(LinearRNN([1.0], [[-1.0]], [[1.0]]).output_convolution, OUTPUT, kv))
test_hostile_output_ode, test_hostile_output_ode_slow = profile_pair(
    output_args, lambda kv: _call(LinearRNN([1.0], [[-1.0]], [[1.0]]).output_ode, OUTPUT, kv))


def _bump(kv):
    key, value = kv
    if key == "s":
        return lambda: bump_input(0.0, 1.0, [1.0, -2.0])(value), ("s",)
    return _call(bump_input, {"centre": 0.0, "width": 1.0, "amplitude": [1.0]}, kv)


test_hostile_bump_input, test_hostile_bump_input_slow = profile_pair(
    _one_of(centre=hostile_real, width=hostile_real, amplitude=hostile_vector, s=hostile_real), _bump)
rngs = st.sampled_from([np.random.default_rng(0), None, 3, random.Random(1), "rng"])
test_hostile_random_rnn, test_hostile_random_rnn_slow = profile_pair(
    _one_of(rng=rngs, m=_small(hostile_int, 20), d=_small(hostile_int, 20)),
    lambda kv: _call(lambda **a: random_rnn(**a).kernel(1.0), {"rng": np.random.default_rng(0), "m": 3, "d": 2}, kv))

PATH = BumpPath([bump_input(-1.0, 0.5, [1.0, 2.0]), bump_input(-3.0, 1.0, [0.5, -1.0])])


def _path(kv):
    key, value = kv
    if key == "bumps":
        return lambda: BumpPath(value), ("bumps",)
    if key == "s":
        return lambda: PATH(value), ("s",)
    if key == "tau":
        return lambda: PATH.shifted(value).support, ("tau",)
    if key == "n":
        return lambda: PATH.sup_norm(value), ("n",)
    if key in ("lam", "other", "lam2"):
        args = {"lam": 2.0, "other": PATH, "lam2": -1.0, key: value}
        return lambda: PATH.combine(**args)(-1.0), (key,)
    args = {"rng": np.random.default_rng(1), "d": 2, "lo": -6.0, "hi": 0.0, "k": 3, key: value}
    return lambda: BumpPath.random(**args)(-1.0), (key,)


bump_lists = st.one_of(hostile_vector, st.just([bump_input(0.0, 1.0, [1.0]), bump_input(0.0, 1.0, [1.0, 2.0])]),
                       st.just([bump_input(0.0, 1.0, [1.0]), "bump"]), st.just(iter([])))
test_hostile_bump_path, test_hostile_bump_path_slow = profile_pair(
    _one_of(bumps=bump_lists, s=hostile_real, tau=hostile_real, n=_small(hostile_int, 3000), lam=hostile_real,
            lam2=hostile_real, other=st.sampled_from([PATH, None, "path", BumpPath([bump_input(0.0, 1.0, [1.0])])]),
            rng=rngs, d=_small(hostile_int, 20), lo=hostile_real, hi=hostile_real, k=_small(hostile_int, 20)),
    _path)


def test_extreme_but_valid_values_give_finite_answers():
    """Valid extremes answer with finite numbers: kernels at 5e-324 and 1e308, a bump of width
    5e-324, points of M* at rates 1e308 and 5e-324, a spectrum and an inertia of entries
    1e308 and 5e-324."""
    rnn = LinearRNN.diagonal([1.0, -0.5], [5e-324, 1e308])
    for t in (5e-324, 1.0, 1e308):
        ref = mp.exp(-mp.mpf(5e-324) * t) - mp.exp(-mp.mpf(1e308) * t) / 2
        assert rnn.kernel(t)[0] == pytest.approx(float(ref), rel=1e-15)
    assert bump_input(0.0, 5e-324, [1.0])(0.0)[0] == 1.0
    P = Partition(3, ((0, 1), (2,)))
    a, w = point_on_mstar(P, [1e308, -1e308], [5e-324, 1e308], seed=1)
    assert expsum_coefficients(a, w) == {Fraction(5e-324): Fraction(1e308), Fraction(1e308): Fraction(-1e308)}
    spec = certified_spectrum([[1e308, 5e-324], [5e-324, -1e308]], dps=20)
    assert (spec.positive, spec.negative, spec.near_zero) == (1, 1, 0)
    assert exact_inertia([[1e308, 5e-324], [5e-324, 5e-324]]) == (2, 0, 0)
    _refused(PrecisionError, lambda: expsum_coefficients([1e308, 1e308], [1.0, 1.0]), "Fractions")
    assert expsum_coefficients([Fraction(1e308), Fraction(1e308)], [1.0, 1.0]) == {1.0: 2 * Fraction(1e308)}
