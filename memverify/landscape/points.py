"""Exact points of M*_P (Definition C.1, Lemma C.3: `point_on_mstar`, recognised by
`mstar_partition_of`) and of Theorem D.1's coincided affine spaces
(`point_on_coincided_space`)."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import numpy as np

from .. import validation
from ..backends import mpf_fraction
from .partitions import Partition


def _rng(seed):
    return seed if isinstance(seed, random.Random) else random.Random(seed)


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
    exponential-sum part rho_bar, as rationals (ints, Fractions or floats)."""
    if not isinstance(partition, Partition):
        raise TypeError(f"partition must be a Partition, got {type(partition).__name__}")
    wstar = validation.vector(wstar, "wstar", positive_entries=True, distinct=True)
    astar = validation.vector(astar, "astar", length=len(wstar))
    if partition.k != len(astar):
        raise ValueError(f"partition has {partition.k} labelled blocks but rho_bar has m* = {len(astar)} terms")
    rng = _rng(seed)
    a, w = [None] * partition.m, [None] * partition.m
    for j, block in enumerate(partition.blocks):
        for i, x in zip(block, _split_sum(rng, Fraction(astar[j]), len(block))):
            a[i], w[i] = x, Fraction(wstar[j])
    used = {Fraction(x) for x in wstar}
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
    the point on M*; non-zero values put it near M*).  Returns (a0, w0) lists."""
    astar = validation.vector(astar, "astar")
    wstar = validation.vector(wstar, "wstar", length=len(astar), positive_entries=True, distinct=True)
    m = validation.integer(m, "m", minimum=len(astar) + 1)
    k = m - len(astar)
    extra_w = validation.vector(extra_w, "extra_w", length=k, positive_entries=True)
    extra_a = (0.0,) * k if extra_a is None else validation.vector(extra_a, "extra_a", length=k)
    if set(extra_w) & set(wstar):
        raise ValueError("extra_w must differ from the rates wstar (else the point is in another M*_P)")
    return list(astar) + list(extra_a), list(wstar) + list(extra_w)


def expsum_coefficients(a, w):
    """The exponential polynomial sum_i a_i e^{-w_i t} collected by rate: {w: total coefficient}
    (exact for rationals); by Lemma C.2 two such sums are equal iff these dicts agree."""
    out = {}
    for ai, wi in zip(a, w):
        out[wi] = out.get(wi, 0) + ai
    return {k: v for k, v in out.items() if v != 0}


def mstar_partition_of(a, w, astar, wstar):
    """Lemma C.3: the partition P with (a, w) in M*_P, or None when (a, w) is not in M*.
    Exact for rational input."""
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


def exact_fraction(x):
    """The exact value of a binary float, mpf, int or Fraction as a Fraction."""
    if isinstance(x, mpmath.mpf):
        return mpf_fraction(x)
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"expected a real number, got bool {x!r}")
    return Fraction(validation.real(x, "x"))


def point_on_coincided_space(partition, b, v, seed=None):
    """A random point (a, w) of M_{P,(b,v),(m,d)} (Theorem D.1): w_i = v_s and
    sum_{i in I_s} a_i = b_s for i in I_s.  The a_i are exact Fractions (an mpf
    b_s is a binary rational and converts exactly); w_i = v_s as given."""
    if not isinstance(partition, Partition) or partition.zero_blocks:
        raise TypeError("partition must be a Partition without I_0 blocks")
    if len(b) != partition.k or len(v) != partition.k:
        raise ValueError(f"b and v must have length d = {partition.k}, got {len(b)} and {len(v)}")
    rng = _rng(seed)
    b = [exact_fraction(x) for x in b]  # b_s - sum(free) exactly, whatever mpmath's precision
    a, w = [None] * partition.m, [None] * partition.m
    for s, block in enumerate(partition.blocks):
        free = [_random_fraction(rng) for _ in block[:-1]]
        for i, x in zip(block[:-1], free):
            a[i], w[i] = x, v[s]
        a[block[-1]] = b[s] - sum(free)
        w[block[-1]] = v[s]
    return tuple(a), tuple(w)
