"""Exact points of M*_P (Definition C.1, Lemma C.3: `point_on_mstar`, recognised by
`mstar_partition_of`) and of Theorem D.1's coincided affine spaces
(`point_on_coincided_space`)."""

from __future__ import annotations

import numbers
import random
from fractions import Fraction

import mpmath
import numpy as np

from .. import validation
from ..backends import PrecisionError, mpf_fraction
from .partitions import MAX_ENUMERATED, Partition

# |binary exponent| of an mpf that exact_fraction converts: 2^(2^20) ~ 10^315653, far beyond any
# dps; a larger one would be an integer of millions of bits
_MAX_EXPONENT = 2**20


def _rng(seed):
    if isinstance(seed, random.Random):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str, bytes))):
        raise TypeError(f"seed must be None, an int, a str or a random.Random, got {type(seed).__name__}")
    return random.Random(seed)


def _finite(x):
    """False for a float or mpf that overflowed (ints and Fractions are exact)."""
    if isinstance(x, (float, np.floating)):
        return bool(np.isfinite(x))
    if isinstance(x, mpmath.mpf):
        return bool(mpmath.isfinite(x))
    return x.is_finite() if type(x).__name__ == "arb" else True


def _partition(partition, zero_blocks_allowed):
    if not isinstance(partition, Partition):
        raise TypeError(f"partition must be a Partition, got {type(partition).__name__}")
    if not zero_blocks_allowed and partition.zero_blocks:
        raise ValueError(f"partition must have no I_0 blocks (Theorem D.1), got {partition}")
    if partition.m > MAX_ENUMERATED:  # (a random split of a block of size n takes ~e^(n/97) tries)
        raise ValueError(f"partition.m must be <= {MAX_ENUMERATED}, got {partition.m}")
    return partition


def _random_fraction(rng, lo=-2, hi=2, den=12):
    return Fraction(rng.randint(lo * den, hi * den), den)


def _split_sum(rng, total, n):
    """n random rationals summing exactly to `total`, none of them zero."""
    while True:
        xs = [_random_fraction(rng) for _ in range(n - 1)]
        xs.append(Fraction(total) - sum(xs))
        if all(x != 0 for x in xs) or (n == 1 and total == 0):
            return xs


def point_on_mstar(partition, astar, wstar, seed=None):
    """A random exact point (a, w) of M*_P (Definition C.1) as tuples of Fractions:
    w_i = w*_j and sum_{i in I_j} a_i = a*_j; on I_{0,r}, w_i = v_r (a fresh rate
    distinct from every w*_j) and sum a_i = 0.  `astar`, `wstar`: the
    exponential-sum part rho_bar, as rationals (ints, Fractions, floats or mpf, each
    taken exactly).  partition.m <= 300."""
    partition = _partition(partition, True)
    wstar = validation.vector(wstar, "wstar", positive_entries=True, distinct=True)
    astar = validation.vector(astar, "astar", length=len(wstar))
    if partition.k != len(astar):
        raise ValueError(f"partition has {partition.k} labelled blocks but rho_bar has m* = {len(astar)} terms")
    astar = [exact_fraction(x, f"astar[{j}]") for j, x in enumerate(astar)]
    wstar = [exact_fraction(x, f"wstar[{j}]") for j, x in enumerate(wstar)]
    rng = _rng(seed)
    a, w = [None] * partition.m, [None] * partition.m
    for j, block in enumerate(partition.blocks):
        for i, x in zip(block, _split_sum(rng, astar[j], len(block))):
            a[i], w[i] = x, wstar[j]
    used = set(wstar)
    for block in partition.zero_blocks:
        v = Fraction(rng.randint(1, 48), 8)
        while v in used:
            v += Fraction(1, 16)
        used.add(v)
        for i, x in zip(block, _split_sum(rng, 0, len(block))):
            a[i], w[i] = x, v
    return tuple(a), tuple(w)


def manifold_point(astar, wstar, m, extra_w, extra_a=None):
    """A point of M* (Definition C.1) for the exponential part sum_j a*_j e^{-w*_j t}:
    components 1..m* are (a*_j, w*_j); the other m - m* have rates `extra_w`
    (distinct from the w*_j) and amplitudes `extra_a` (default 0, which puts
    the point on M*; non-zero values put it near M*).  Returns (a0, w0) lists.
    len(astar) < m <= MAX_WIDTH = 50 (the widest Loss)."""
    astar = validation.vector(astar, "astar")
    wstar = validation.vector(wstar, "wstar", length=len(astar), positive_entries=True, distinct=True)
    m = validation.integer(validation.width(m), "m", minimum=len(astar) + 1)  # (m <= MAX_WIDTH = 50)
    k = m - len(astar)
    extra_w = validation.vector(extra_w, "extra_w", length=k, positive_entries=True)
    extra_a = (0.0,) * k if extra_a is None else validation.vector(extra_a, "extra_a", length=k)
    if set(extra_w) & set(wstar):
        raise ValueError("extra_w must differ from the rates wstar (else the point is in another M*_P)")
    return list(astar) + list(extra_a), list(wstar) + list(extra_w)


def expsum_coefficients(a, w):
    """The exponential polynomial sum_i a_i e^{-w_i t} collected by rate: {w: total coefficient}
    (exact for rationals); by Lemma C.2 two such sums are equal iff these dicts agree.
    a, w: finite real numbers, of one length.  A float64 total beyond float64's range raises
    PrecisionError (pass Fractions for exact totals)."""
    a = validation.vector(a, "a")
    w = validation.vector(w, "w", length=len(a))
    out = {}
    try:
        for ai, wi in zip(a, w):
            out[wi] = out.get(wi, 0) + ai
    except TypeError:  # e.g. an arb ball and a Fraction
        kinds = sorted({type(x).__name__ for x in a})
        raise TypeError(f"a must hold numbers that add to one another, got {kinds}") from None
    for k, v in out.items():
        if not _finite(v):
            raise PrecisionError(f"the coefficient of rate {k!r} overflows float64; pass a as Fractions "
                                 "(or mpf) for the exact total")
    return {k: v for k, v in out.items() if v != 0}


def mstar_partition_of(a, w, astar, wstar):
    """Lemma C.3: the partition P with (a, w) in M*_P, or None when (a, w) is not in M*.
    Exact for rational input.  a, w: finite, of one length m (w > 0); astar, wstar: as for
    `point_on_mstar`."""
    a = validation.vector(a, "a")
    w = validation.vector(w, "w", length=len(a), positive_entries=True)
    wstar = validation.vector(wstar, "wstar", positive_entries=True, distinct=True)
    astar = validation.vector(astar, "astar", length=len(wstar))
    m = len(a)
    blocks = []
    for aj, wj in zip(astar, wstar):
        block = tuple(i for i in range(m) if w[i] == wj)
        if not block or sum(a[i] for i in block) != aj:
            return None
        blocks.append(block)
    rest = [i for i in range(m) if all(w[i] != wj for wj in wstar)]
    zero = {}
    for i in rest:
        zero.setdefault(w[i], []).append(i)
    if any(sum(a[i] for i in b) != 0 for b in zero.values()):
        return None
    return Partition(m, tuple(blocks), tuple(tuple(b) for b in zero.values()))


def exact_fraction(x, name="x"):
    """The exact value of a finite binary float, mpf, int or Fraction as a Fraction (an mpf's
    binary exponent at most 2^20 in magnitude, ~10^315653).  `name` names x in errors."""
    if isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_)):
        return Fraction(int(x))  # (validation.real refuses an int beyond float64's range)
    x = validation.real(x, name)
    if isinstance(x, mpmath.mpf):
        _, man, exp, bc = x._mpf_
        if man and abs(exp + bc) > _MAX_EXPONENT:
            raise ValueError(f"{name} must have magnitude within 2^(+-{_MAX_EXPONENT}), got {mpmath.nstr(x, 5)}")
        return mpf_fraction(x)
    if isinstance(x, np.floating):
        return Fraction(float(x))  # exact: float16/32/64 are float64 numbers
    try:
        return Fraction(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an int, float, Fraction or mpf, got {type(x).__name__}") from None


def point_on_coincided_space(partition, b, v, seed=None):
    """A random point (a, w) of M_{P,(b,v),(m,d)} (Theorem D.1): w_i = v_s and
    sum_{i in I_s} a_i = b_s for i in I_s.  The a_i are exact Fractions (an mpf
    b_s is a binary rational and converts exactly); w_i = v_s as given.  b: d finite
    reals, v: d rates > 0 (d = partition.k); partition.m <= 300."""
    partition = _partition(partition, False)
    b = validation.vector(b, "b", length=partition.k)
    v = validation.vector(v, "v", length=partition.k, positive_entries=True)
    rng = _rng(seed)
    b = [exact_fraction(x, f"b[{s}]") for s, x in enumerate(b)]  # b_s - sum(free) exactly, whatever mpmath's precision
    a, w = [None] * partition.m, [None] * partition.m
    for s, block in enumerate(partition.blocks):
        free = [_random_fraction(rng) for _ in block[:-1]]
        for i, x in zip(block[:-1], free):
            a[i], w[i] = x, v[s]
        a[block[-1]] = b[s] - sum(free)
        w[block[-1]] = v[s]
    return tuple(a), tuple(w)
