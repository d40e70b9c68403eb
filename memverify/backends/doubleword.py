"""Double-word ("double-double") arithmetic on float64 numpy arrays, with relative
error bounds for each operation."""

from __future__ import annotations

import numpy as np

# Double-word (double-double) arithmetic on numpy arrays: a number is a pair (hi, lo)
# of float64 arrays with hi = fl(hi + lo).  The error-free transformations (Knuth's
# TwoSum, Dekker's split and product) are exact without overflow or underflow; the
# bounds below are relative, in units of DD_U2 = u^2 = 2^-106 (u = eps/2), for the
# accurate algorithms of Joldes, Muller and Popescu, ACM TOMS 44 (2017) and CRlibm.
DD_U2 = 2.0 ** -106
DD_ADD_BOUND = 3.0    # dd_add: 3 u^2 + 13 u^3 (JMP, Algorithm 6)
DD_MUL_BOUND = 16.0   # dd_mul: < 2^-102 (CRlibm's Mul22, the same steps)
DD_RECIP_BOUND = 25.0  # dd_recip: one Newton step from fl(1/hi), derived in its docstring
_DEKKER = 2.0 ** 27 + 1


def two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fast_two_sum(a, b):
    # s + e = a + b exactly when |a| >= |b| (Dekker)
    s = a + b
    return s, b - (s - a)


def _split(a):
    c = _DEKKER * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """(p, e) with p = fl(a b) and p + e = a b exactly (Dekker; |a|, |b| < 2^996)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def dd_add(x, y):
    """x + y for double words x = (hi, lo), y: relative error <= DD_ADD_BOUND u^2."""
    sh, sl = two_sum(x[0], y[0])
    th, tl = two_sum(x[1], y[1])
    vh, vl = _fast_two_sum(sh, sl + th)
    return _fast_two_sum(vh, tl + vl)


def dd_mul(x, y):
    """x y for double words: relative error <= DD_MUL_BOUND u^2."""
    ph, pl = two_prod(x[0], y[0])
    return _fast_two_sum(ph, pl + (x[0] * y[1] + x[1] * y[0]))


def dd_recip(x):
    """1 / x for a double word x: r0 = fl(1/hi) errs by e0 <= 2u + u^2 against 1/x,
    and r0 + r0 (1 - x r0) by e0^2 <= 4.01 u^2 in exact arithmetic; the product x r0
    (16 u^2), the rounding of the correction's two float operations (2 u^2 each, on a
    term of size 2u) and the TwoSum (exact) add up to DD_RECIP_BOUND = 25 u^2."""
    r0 = 1.0 / x[0]
    ph, pl = dd_mul(x, (r0, np.zeros_like(r0)))
    one_h, one_l = two_sum(1.0 - ph, -pl)  # 1 - ph is exact (Sterbenz: ph in [1/2, 2])
    return two_sum(r0, r0 * (one_h + one_l))


def dd_sum(x):
    """The sum of double words x = (hi, lo) along their last axis, by pairwise reduction:
    (sum, levels), the error at most levels * DD_ADD_BOUND u^2 times the sum of the
    terms' absolute values (each level's additions err relative to partial sums)."""
    hi, lo = x
    levels = 0
    while hi.shape[-1] > 1:
        n, k = hi.shape[-1], hi.shape[-1] // 2
        sh, sl = dd_add((hi[..., :k], lo[..., :k]), (hi[..., k:2 * k], lo[..., k:2 * k]))
        hi, lo = (sh, sl) if n == 2 * k else (np.concatenate([sh, hi[..., -1:]], -1),
                                               np.concatenate([sl, lo[..., -1:]], -1))
        levels += 1
    return (hi[..., 0], lo[..., 0]), levels
