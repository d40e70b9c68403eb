"""The error of an exponential sum against a target: `expsum_error` in L1 (exact up to
rounding, from the sign changes of the error and the primitives of rho and phi: no
quadrature of |.|), L2 and L-infinity, at float64 or mpmath precision (a backends.Precision:
one code path for float64 arrays and mpmath object arrays)."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import validation
from ..backends import MIN_DPS, Precision, PrecisionError, illinois
from ..targets import Target
from .result import NORMS


def N_dtype(N):
    """The numpy dtype of the arrays of a backends.Precision N (`N.dtype`; kept for
    the imports of this name from before)."""
    return N.dtype


def check_target(target):
    """target itself if it is a memverify Target, else TypeError naming the argument."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target (ExpSum, MemoryBump, PowerLaw, Airy), "
                        f"got {type(target).__name__}")
    return target


def check_interval(interval):
    """None, or the validated pair (0, T) with T > 0 (a kernel lives on [0, T])."""
    if interval is None:
        return None
    if not isinstance(interval, (tuple, list)) or len(interval) != 2:
        raise TypeError(f"interval must be None or a pair (0, T), got {interval!r}")
    lo = validation.real(interval[0], "interval[0]")
    hi = validation.positive(interval[1], "interval[1]")
    if lo != 0:
        raise ValueError(f"interval must start at 0 (the kernel lives on [0, T]), got {interval!r}")
    return (0, hi)


def check_norm(norm):
    """norm itself if it is one of NORMS, else ValueError."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return norm




def _grid(w, t_end, N, ratio=None):
    """0, then a geometric grid up to t_end, fine enough to see every sign change
    of the error: the ratio shrinks with the local density of rates."""
    wf = np.sort(np.array([float(x) for x in w]))
    if ratio is None:
        lw = np.log(wf)
        dens = max(int(np.max(np.searchsorted(lw, lw + 1.0) - np.searchsorted(lw, lw - 1.0))), 1)
        ratio = 1.0 + min(0.03, 1.0 / (6.0 * dens))
    t_lo = min(1e-3 / wf[-1], float(t_end) * 1e-6)
    n = int(math.ceil(math.log(float(t_end) / t_lo) / math.log(ratio))) + 1
    g = np.geomspace(t_lo, float(t_end), n)
    return [N.number(0)] + [N.number(x) for x in g]


def _sum_values(a, w, ts, N):
    """phi(t) = sum_j a_j e^{-w_j t} at the points ts; shape (len(ts),)."""
    A, W = N.vector(a), N.vector(w)
    T = np.array(ts, dtype=N.dtype)
    return N.exp(-np.outer(T, W)) @ A


def _sum_primitive(a, w, ts, N):
    A, W = N.vector(a), N.vector(w)
    T = np.array(ts, dtype=N.dtype)
    return (-N.expm1(-np.outer(T, W))) @ (A / W)


def _roots(target, a, w, ts, N):
    """Sign changes of e = rho - phi on the grid ts, refined by bracketing."""
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    s = N.sign(e)
    idx = [i for i in range(len(T) - 1) if s[i] * s[i + 1] < 0]
    if not idx:
        return [], e
    lo = np.array([T[i] for i in idx], dtype=N.dtype)
    hi = np.array([T[i + 1] for i in idx], dtype=N.dtype)
    elo = np.array([e[i] for i in idx], dtype=N.dtype)
    ehi = np.array([e[i + 1] for i in idx], dtype=N.dtype)
    steps = 80 if N.kind == "float" else int(40 + 4 * N.dps)
    tol = 4e-16 if N.kind == "float" else mpmath.mpf(10) ** (-N.dps)
    lo, hi = illinois(lambda x: target.values(x, dps=N.dps) - _sum_values(a, w, x, N), lo, hi, elo, ehi, tol,
                      max_iter=steps)
    return list((lo + hi) / 2), e


def quadrature_end(a, w, N, interval):
    """Where the quadrature of an error on [0, inf) may stop: T of the interval, or where
    the sum's slowest term has fallen below the working precision."""
    if interval is not None:
        return interval[1]
    wmin = min(float(x) for x in w)
    digits = 17 if N.kind == "float" else N.dps + 5
    big = max(sum(abs(float(x)) for x in a), 1.0)
    return (math.log(big) + digits * math.log(10)) / wmin


def l1_error(target, a, w, interval, N, with_roots=False):
    """||rho - sum_j a_j e^{-w_j t}||_L1 on [0, T] or [0, inf) at the precision N, exact
    between the error's sign changes (primitives); with_roots: also (roots, points,
    primitive differences at the points)."""
    t_end = quadrature_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    roots, _ = _roots(target, a, w, ts, N)
    pts = [N.number(0)] + roots + [N.number(t_end)]
    P = target.primitive(pts, dps=N.dps) - _sum_primitive(a, w, pts, N)
    total = sum(abs(P[i + 1] - P[i]) for i in range(len(pts) - 1))
    if interval is None:  # the tail beyond t_end, where phi is below the working precision
        tail = target.integral(dps=N.dps) - np.sum(N.vector(a) / N.vector(w)) - P[-1]
        total = total + abs(tail)
    if with_roots:
        return total, roots, pts, P
    return total


def expsum_error(target, a, w, norm="L1", interval=None, dps=None):
    """||rho - sum_j a_j e^{-w_j t}|| on [0, inf) (interval=None) or [0, T].

    L1: exact from the sign changes of the error (found on a geometric grid,
    refined by bracketing) and the primitives of rho and of the sum; L2 on
    [0, inf): from ||rho||^2, the Laplace transform and the Gram matrix; L2 on
    [0, T] and L-infinity: on the same grid (L-infinity refined at its maxima).
    dps=None: float64; dps=n: mpmath at n digits (guard digits are added for
    sums whose coefficients cancel)."""
    check_target(target)
    norm = check_norm(norm)
    interval = check_interval(interval)
    w = validation.vector(w, "w", positive_entries=True)
    a = validation.vector(a, "a", length=len(w))
    if dps is not None:
        dps = validation.integer(dps, "dps", minimum=MIN_DPS)
    guard = max(0, int(math.log10(max(sum(abs(float(x)) for x in a), 1.0))))
    if dps is None and guard > 8:
        raise PrecisionError(f"the coefficients cancel (sum |a_j| ~ 1e{guard}): float64 cannot resolve "
                         f"this error; pass dps=...")
    N = Precision(None if dps is None else dps + guard)
    with N.context():
        if norm == "L1":
            out = l1_error(target, a, w, interval, N)
        elif norm == "L2" and interval is None:
            out = _l2_infinite(target, a, w, N)
        else:
            out = _grid_norm(target, a, w, interval, N, norm)
        return float(out) if N.kind == "float" else +out


def _l2_infinite(target, a, w, N):
    A, W = N.vector(a), N.vector(w)
    with N.context():
        b = np.array([target.moment(0, x, dps=N.dps) for x in W], dtype=N.dtype)
        norm2 = target.norm2(dps=N.dps)
    G = 1 / (W[:, None] + W[None, :])
    val = norm2 - 2 * A @ b + A @ G @ A
    return (max(val, 0)) ** 0.5 if N.kind == "float" else mpmath.sqrt(max(val, 0))


def _grid_norm(target, a, w, interval, N, norm):
    t_end = quadrature_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    if norm == "Linf":
        # refine every local extremum (an equioscillating error has many near-equal ones)
        return max(x[1] for x in local_extrema(target, a, w, interval, N))
    # L2 on [0, T]: Simpson on each grid cell (the error is smooth)
    mids = (T[1:] + T[:-1]) / 2
    em = target.values(mids, dps=N.dps) - _sum_values(a, w, mids, N)
    h = T[1:] - T[:-1]
    val = np.sum(h * (e[:-1] ** 2 + 4 * em ** 2 + e[1:] ** 2)) / 6
    return val ** 0.5 if N.kind == "float" else mpmath.sqrt(val)


def _refine_extremum(target, a, w, ts, k, N):
    """Golden-section refinement of the local maximum of |e| near grid point k."""
    lo = ts[max(k - 1, 0)]
    hi = ts[min(k + 1, len(ts) - 1)]

    def ae(t):
        T = np.array([t], dtype=N.dtype)
        return abs((target.values(T, dps=N.dps) - _sum_values(a, w, T, N))[0])

    x, fx = golden_max(ae, lo, hi, 60 if N.kind == "float" else int(3.4 * N.dps))
    val, t = max([(ae(ts[k]), ts[k]), (fx, x)], key=lambda c: c[0])
    return t, val


def golden_max(f, lo, hi, iters):
    """Golden-section search for the maximum of a unimodal f on [lo, hi]: (x, f(x))."""
    g = (math.sqrt(5) - 1) / 2
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(iters):
        if f1 > f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = f(x2)
    return (x1, f1) if f1 > f2 else (x2, f2)


def local_extrema(target, a, w, interval, N):
    """Alternating extrema of e = rho - phi: the point of largest |e| in each
    sign-constant piece between consecutive sign changes (refined)."""
    t_end = quadrature_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    s = N.sign(e)
    ext, start = [], 0
    for i in range(1, len(T) + 1):
        if i == len(T) or s[i] != s[start]:
            seg = np.abs(np.array(e[start:i], dtype=float))
            k = start + int(np.argmax(seg))
            t, val = _refine_extremum(target, a, w, ts, k, N) if 0 < k < len(T) - 1 else (ts[k], abs(e[k]))
            ext.append((t, val, s[start]))
            start = i
    return ext
