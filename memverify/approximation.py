"""Section 4 and Appendices A-B: exponential sums that approximate a target kernel.

A width-m diagonal linear RNN has kernel phi(t) = sum_j a_j e^{-w_j t}; the
approximation error of the functional equals ||rho - phi||_{L1[0, inf)}
(proof of Thm 4.1).  This module builds such sums in four ways:

- `lemma_a2_expsum`: Lemma A.2 / Thm 4.1, rates w_j = j (W = -diag(1..m)),
  coefficients from the L2[0, inf) projection (the Gram matrix 1/(w_i + w_j)
  and the target's Laplace transform), a polynomial p(u) = sum_j a_j u^j with
  p(0) = 0 in u = e^{-t};
- `thm42_expsum`: Thm 4.2's Jackson route (Appendix B), rates w_j = j beta/(alpha+1),
  coefficients from the Chebyshev interpolant (near-best in L-infinity) of
  q(s) = rho(-(alpha+1) log(s)/beta)/s on [0, 1];
- `appendix_b_route`: the same for the time-truncated power law of eqs. 64-71
  (beta = 2/T), evaluated through the change of variables of eq. 60 so that
  widths of thousands stay computable;
- `sinc_expsum`: the trapezoidal (sinc) rule in x = log s for
  (1+t)^-alpha = Gamma(alpha)^-1 int_0^inf s^(alpha-1) e^{-s(1+t)} ds;
- `best_expsum`: numerically best sums in L1, L2 or L-infinity (see there).

Errors come from `expsum_error`: the L1 norm is computed exactly up to
rounding from the sign changes of the error and the primitives of rho and phi
(no quadrature of |.|); precision is a parameter (dps=None: float64 numpy;
dps=n: mpmath at n digits).
"""

from __future__ import annotations

import functools
import math
import dataclasses
from dataclasses import dataclass, field

import mpmath
import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.special
import sympy as sp

from . import _validate
from .backends import PrecisionError, compile_exprs, illinois
from .targets import ExpSum, PowerLaw, Target, powerlaw_kernel, powerlaw_primitive  # noqa: F401  (re-exported)

NORMS = ("L1", "L2", "Linf")



@dataclass
class ExpSumApprox:
    """An exponential sum phi(t) = sum_j a_j e^{-w_j t} and its error.

    a, w: tuples (float or mpf); norm: 'L1', 'L2' or 'Linf'; error: the error
    in that norm on `interval` ((0, T) or None for [0, inf)); method: how it
    was built; status: 0 converged / built, 1 not converged (see message);
    info: plain data (parameters, iterations, alternation points, ...);
    relative_error: the error divided by the target's norm, where the
    construction aims at a relative error (sinc_width, best_width), else None."""

    a: tuple
    w: tuple
    norm: str
    error: object
    interval: object
    method: str
    status: int = 0
    message: str = ""
    info: dict = field(default_factory=dict)
    relative_error: object = None

    @property
    def m(self):
        return len(self.w)

    @property
    def w_min(self):
        """The smallest rate: 1/w_min is the longest time constant of the sum."""
        return min(self.w)

    def as_target(self):
        """The sum as an `ExpSum` target."""
        return ExpSum(list(self.a), list(self.w))

    def as_dict(self):
        """Plain data; a and w as decimal strings at full precision (so anyone can
        re-evaluate the error independently), plus floats for convenience."""
        return {"m": self.m, "a": [mpmath.nstr(mpmath.mpf(x), 25) for x in self.a],
                "w": [mpmath.nstr(mpmath.mpf(x), 25) for x in self.w],
                "norm": self.norm, "error": float(self.error), "w_min": float(self.w_min),
                "interval": None if self.interval is None else [float(x) for x in self.interval],
                "method": self.method, "status": self.status, "message": self.message,
                "info": self.info,
                "relative_error": None if self.relative_error is None else float(self.relative_error)}


# ---------------------------------------------------------------------------
# numbers: float64 arrays or mpmath object arrays, one code path


class _Num:
    """Elementwise operations for kind 'float' (numpy) or 'mp' (mpmath, object arrays)."""

    def __init__(self, dps):
        self.kind = "float" if dps is None else "mp"
        self.dps = dps

    def num(self, x):
        if self.kind == "float":
            return float(x)
        return mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else +x

    def arr(self, xs):
        if self.kind == "float":
            return np.array([float(x) for x in xs], dtype=float)
        out = np.empty(len(xs), dtype=object)
        for i, x in enumerate(xs):
            out[i] = self.num(x)
        return out

    def exp(self, x):
        return np.exp(x) if self.kind == "float" else np.vectorize(mpmath.exp, otypes=[object])(x)

    def expm1(self, x):
        return np.expm1(x) if self.kind == "float" else np.vectorize(mpmath.expm1, otypes=[object])(x)

    def sign(self, x):
        return np.sign(np.array(x, dtype=float))


def _check_target(target):
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target (ExpSum, MemoryBump, PowerLaw, Airy), "
                        f"got {type(target).__name__}")
    return target


def _check_interval(interval):
    if interval is None:
        return None
    if not isinstance(interval, (tuple, list)) or len(interval) != 2:
        raise TypeError(f"interval must be None or a pair (0, T), got {interval!r}")
    lo = _validate.real(interval[0], "interval[0]")
    hi = _validate.positive(interval[1], "interval[1]")
    if lo != 0:
        raise ValueError(f"interval must start at 0 (the kernel lives on [0, T]), got {interval!r}")
    return (0, hi)


def _check_norm(norm):
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return norm


def N_dtype(N):
    return float if N.kind == "float" else object


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
    return [N.num(0)] + [N.num(x) for x in g]


def _sum_values(a, w, ts, N):
    """phi(t) = sum_j a_j e^{-w_j t} at the points ts; shape (len(ts),)."""
    A, W = N.arr(a), N.arr(w)
    T = np.array(ts, dtype=N_dtype(N))
    return N.exp(-np.outer(T, W)) @ A


def _sum_primitive(a, w, ts, N):
    A, W = N.arr(a), N.arr(w)
    T = np.array(ts, dtype=N_dtype(N))
    return (-N.expm1(-np.outer(T, W))) @ (A / W)


def _roots(target, a, w, ts, N):
    """Sign changes of e = rho - phi on the grid ts, refined by bracketing."""
    T = np.array(ts, dtype=N_dtype(N))
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    s = N.sign(e)
    idx = [i for i in range(len(T) - 1) if s[i] * s[i + 1] < 0]
    if not idx:
        return [], e
    lo = np.array([T[i] for i in idx], dtype=N_dtype(N))
    hi = np.array([T[i + 1] for i in idx], dtype=N_dtype(N))
    elo = np.array([e[i] for i in idx], dtype=N_dtype(N))
    ehi = np.array([e[i + 1] for i in idx], dtype=N_dtype(N))
    steps = 80 if N.kind == "float" else int(40 + 4 * N.dps)
    tol = 4e-16 if N.kind == "float" else mpmath.mpf(10) ** (-N.dps)
    lo, hi = illinois(lambda x: target.values(x, dps=N.dps) - _sum_values(a, w, x, N), lo, hi, elo, ehi, tol,
                      max_iter=steps)
    return list((lo + hi) / 2), e


def _t_end(a, w, N, interval):
    if interval is not None:
        return interval[1]
    wmin = min(float(x) for x in w)
    digits = 17 if N.kind == "float" else N.dps + 5
    big = max(sum(abs(float(x)) for x in a), 1.0)
    return (math.log(big) + digits * math.log(10)) / wmin


def _l1(target, a, w, interval, N, with_roots=False):
    t_end = _t_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    roots, _ = _roots(target, a, w, ts, N)
    pts = [N.num(0)] + roots + [N.num(t_end)]
    P = target.primitive(pts, dps=N.dps) - _sum_primitive(a, w, pts, N)
    total = sum(abs(P[i + 1] - P[i]) for i in range(len(pts) - 1))
    if interval is None:  # the tail beyond t_end, where phi is below the working precision
        tail = target.integral(dps=N.dps) - np.sum(N.arr(a) / N.arr(w)) - P[-1]
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
    _check_target(target)
    norm = _check_norm(norm)
    interval = _check_interval(interval)
    w = _validate.vector(w, "w", positive_entries=True)
    a = _validate.vector(a, "a", length=len(w))
    if dps is not None:
        dps = _validate.integer(dps, "dps", minimum=10)
    guard = max(0, int(math.log10(max(sum(abs(float(x)) for x in a), 1.0))))
    if dps is None and guard > 8:
        raise PrecisionError(f"the coefficients cancel (sum |a_j| ~ 1e{guard}): float64 cannot resolve "
                         f"this error; pass dps=...")
    N = _Num(None if dps is None else dps + guard)
    ctx = mpmath.workdps(N.dps) if N.kind == "mp" else _nullctx()
    with ctx:
        if norm == "L1":
            out = _l1(target, a, w, interval, N)
        elif norm == "L2" and interval is None:
            out = _l2_infinite(target, a, w, N)
        else:
            out = _grid_norm(target, a, w, interval, N, norm)
        return float(out) if N.kind == "float" else +out


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _l2_infinite(target, a, w, N):
    from .backends import Precision
    prec = Precision(N.dps)
    A, W = N.arr(a), N.arr(w)
    with prec.context():
        b = np.array([target.moment(0, x, dps=prec.dps) for x in W], dtype=N_dtype(N))
        norm2 = target.norm2(dps=prec.dps)
    G = 1 / (W[:, None] + W[None, :])
    val = norm2 - 2 * A @ b + A @ G @ A
    return (max(val, 0)) ** 0.5 if N.kind == "float" else mpmath.sqrt(max(val, 0))


def _grid_norm(target, a, w, interval, N, norm):
    t_end = _t_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    T = np.array(ts, dtype=N_dtype(N))
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    if norm == "Linf":
        # refine every local extremum (an equioscillating error has many near-equal ones)
        return max(x[1] for x in _local_extrema(target, a, w, interval, N))
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
        T = np.array([t], dtype=N_dtype(N))
        return abs((target.values(T, dps=N.dps) - _sum_values(a, w, T, N))[0])

    x, fx = _golden_max(ae, lo, hi, 60 if N.kind == "float" else int(3.4 * N.dps))
    val, t = max([(ae(ts[k]), ts[k]), (fx, x)], key=lambda c: c[0])
    return t, val


def _golden_max(f, lo, hi, iters):
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


# ---------------------------------------------------------------------------
# Lemma A.2 / Theorem 4.1


def _mp_solve(G, b):
    return mpmath.lu_solve(mpmath.matrix(G.tolist()), mpmath.matrix(list(b)))


def projection_expsum(target, w, dps=None):
    """The L2[0, inf)-orthogonal projection of rho onto span{e^{-w_j t}}:
    coefficients solve G a = b, G_ij = 1/(w_i + w_j), b_j = L[rho](w_j).
    Returns (a, w) as mpf tuples.  G is a Cauchy matrix (condition number
    about e^{3.5 m} for w_j = j), so the solve runs at 20 + 1.6 m digits
    unless dps is larger."""
    _check_target(target)
    w = _validate.vector(w, "w", positive_entries=True, distinct=True)
    from .backends import Precision
    work = max(dps or 0, 20 + int(1.6 * len(w)))
    prec = Precision(work)
    with prec.context():
        W = [mpmath.mpf(x) for x in w]
        b = [target.moment(0, x, dps=prec.dps) for x in W]
        G = np.array([[1 / (x + y) for y in W] for x in W], dtype=object)
        sol = _mp_solve(G, b)
        return tuple(sol[i] for i in range(len(W))), tuple(W)


def _error_dps(a, dps):
    """float64 when the coefficients do not cancel much (sum |a_j| < 1e6), else mpmath at dps."""
    return None if sum(abs(float(x)) for x in a) < 1e6 else dps


def lemma_a2_expsum(target, m, dps=30):
    """Lemma A.2 / Thm 4.1: W = -diag(1, ..., m), c = 1, U = (a_1..a_m): the sum
    p(e^{-t}) with p(u) = sum_j a_j u^j, p(0) = 0.  The polynomial is the
    L2[0, inf) projection (equivalently the weighted L2 approximation of
    R(u) = rho(-log u)/u on [0, 1] with weight u); its L1 error is measured."""
    _check_target(target)
    m = _validate.integer(m, "m", minimum=1)
    dps = _validate.integer(dps, "dps", minimum=10)
    a, w = projection_expsum(target, list(range(1, m + 1)), dps)
    err = expsum_error(target, a, w, "L1", None, dps=_error_dps(a, dps))
    return ExpSumApprox(a, w, "L1", err, None, "Lemma A.2: W = -diag(1..m), L2 projection of p(e^-t)",
                        info={"dps": dps})


# ---------------------------------------------------------------------------
# Theorem 4.2 (Appendix B, the Jackson route)


def chebyshev_points(m, dps=None):
    """The m Chebyshev points of the first kind on [0, 1]."""
    if dps is None:
        return [(1 + math.cos(math.pi * (k + 0.5) / m)) / 2 for k in range(m)]
    return [(1 + mpmath.cos(mpmath.pi * (k + mpmath.mpf(1) / 2) / m)) / 2 for k in range(m)]


def polynomial_route_expsum(q, m, kappa, dps):
    """The sum sum_{j=1}^m alpha_{j-1} e^{-j kappa t} = s Q(s), s = e^{-kappa t},
    where Q (degree m - 1) interpolates q at the Chebyshev points of [0, 1].
    q: callable on mpf in (0, 1].  Monomial coefficients need about 0.77 m
    digits (they grow like (1 + sqrt 2)^(2m)); the solve uses dps + 0.8 m."""
    work = dps + int(0.8 * m) + 10
    with mpmath.workdps(work):
        s = chebyshev_points(m, work)
        V = mpmath.matrix([[x**j for j in range(m)] for x in s])
        vals = mpmath.matrix([q(x) for x in s])
        coef = mpmath.lu_solve(V, vals)
        kap = mpmath.mpf(kappa)
        return tuple(coef[j] for j in range(m)), tuple((j + 1) * kap for j in range(m))


def thm42_q(target, alpha, beta):
    """q(s) = rho(-(alpha+1) log(s)/beta)/s on (0, 1] (Appendix B), q(0) = 0."""
    def q(s):
        if s <= 0:
            return mpmath.mpf(0)
        t = -(alpha + 1) * mpmath.log(s) / beta
        return target.rho(t, dps=mpmath.mp.dps) / s
    return q


def thm42_expsum(target, m, alpha, beta, dps=30):
    """Thm 4.2's construction: W = -(beta/(alpha+1)) diag(1..m), c = 1, U from the
    near-best (Chebyshev) polynomial of degree m - 1 approximating q (eqs. 50-61).
    Error measured in L1[0, inf)."""
    _check_target(target)
    m = _validate.integer(m, "m", minimum=1)
    alpha = _validate.integer(alpha, "alpha", minimum=0)
    beta = _validate.positive(beta, "beta")
    dps = _validate.integer(dps, "dps", minimum=10)
    with mpmath.workdps(dps + int(0.8 * m) + 10):
        kappa = mpmath.mpf(beta) / (alpha + 1)
        a, w = polynomial_route_expsum(thm42_q(target, alpha, mpmath.mpf(beta)), m, kappa, dps)
    err = expsum_error(target, a, w, "L1", None, dps=_error_dps(a, dps))
    return ExpSumApprox(a, w, "L1", err, None,
                        "Thm 4.2 / App. B: W = -beta/(alpha+1) diag(1..m), Chebyshev interpolant of q",
                        info={"alpha": alpha, "beta": float(beta), "dps": dps})


def condition_13_gamma(target, alpha, beta, normalisation="proof", t_max=None, n=4000):
    """gamma of condition (13): max over k = 1..alpha+1 of sup_t beta^-p |e^{beta t} y^(k)(t)|,
    y^(k) = rho^(k-1), with p = k - 1 ('proof': what eq. 51 uses) or p = k
    ('printed').  Supremum on a grid of n points of [0, t_max], derivatives by
    the 5-point central difference of the float64 kernel (float64 evidence: the
    supremum is estimated, not certified)."""
    _check_target(target)
    alpha = _validate.integer(alpha, "alpha", minimum=0)
    beta = float(_validate.positive(beta, "beta"))
    if normalisation not in ("proof", "printed"):
        raise ValueError(f"normalisation must be 'proof' or 'printed', got {normalisation!r}")
    t_max = 60.0 if t_max is None else float(_validate.positive(t_max, "t_max"))
    n = _validate.integer(n, "n", minimum=10)
    N = _Num(None)
    h = 1e-3 * t_max / 60.0
    ts = np.linspace(4 * alpha * h, t_max, n)   # (the stencil stays inside t >= 0)
    f = lambda x: target.values(x, dps=N.dps)

    def deriv(j):
        if j == 0:
            return f(ts)
        prev = lambda x: f(x)
        for _ in range(j):
            prev = (lambda g: (lambda x: (g(x - 2 * h) - 8 * g(x - h) + 8 * g(x + h) - g(x + 2 * h)) / (12 * h)))(prev)
        return prev(ts)
    best = 0.0
    for k in range(1, alpha + 2):
        p = k - 1 if normalisation == "proof" else k
        best = max(best, float(np.max(np.exp(beta * ts) * np.abs(deriv(k - 1)))) / beta**p)
    return best


# ---------------------------------------------------------------------------
# Appendix B: the truncated power law (eqs. 64-71)


@functools.lru_cache(maxsize=None)
def cutoff_polynomial():
    """The C^1 step of eq. 65's truncation, derived: the cubic C(u) with C(0) = 1,
    C(1) = 0 and C'(0) = C'(1) = 0 (sympy finds 1 - 3u^2 + 2u^3), in the symbol u."""
    u = sp.Symbol("u", real=True)
    c = sp.symbols("c0:4")
    C = sum(ci * u**i for i, ci in enumerate(c))
    sol = sp.solve([C.subs(u, 0) - 1, C.subs(u, 1), sp.diff(C, u).subs(u, 0), sp.diff(C, u).subs(u, 1)], c)
    return C.subs(sol), u


@functools.lru_cache(maxsize=None)
def _compiled_cutoff(kind):
    C, u = cutoff_polynomial()
    return compile_exprs([u], C, kind, arrays=(kind == "float"))


def cutoff(u, dps=None):
    """The monotone C^1 step from 1 (u <= 0) to 0 (u >= 1), cutoff_polynomial() in
    between: float64 (arrays or scalars) or an mpf at `dps` digits."""
    if dps is None:
        return _compiled_cutoff("float")(np.clip(np.asarray(u, dtype=float), 0.0, 1.0))
    with mpmath.workdps(dps):
        return _compiled_cutoff("mp")(min(max(mpmath.mpf(u), 0), 1))


def truncated_powerlaw(omega, T):
    """rho_tilde of eq. 65 for rho = (1+t)^-(1+omega): rho on [0, T], rho times the
    C^1 monotone cutoff 1 - 3u^2 + 2u^3 (u = t - T; `cutoff`) on [T, T+1], 0 beyond.
    Returns a float64 vectorised callable."""
    rho = PowerLaw(1.0 + float(omega))

    def rho_tilde(t):
        t = np.asarray(t, dtype=float)
        return rho.values(t).reshape(t.shape) * cutoff(t - T)
    return rho_tilde


def appendix_b_route(omega, m, T, n_grid=None):
    """The Appendix B route for rho = (1+t)^-(1+omega): alpha = 1, beta = 2/T,
    rates w_j = j/T (j = 1..m), s Q(s) with Q the Chebyshev interpolant (degree
    m-1) of q(s) = rho_tilde(-T log s)/s.  Returns (error, cheb) where error is
    ||rho - phi||_{L1[0, inf)} of the ORIGINAL rho, computed in s = e^{-t/T}:
    T int_0^1 |rho(-T log s)/s - Q(s)| ds (eq. 60's change of variables), exact
    from the sign changes of the integrand and the primitives (float64), and
    cheb are the Chebyshev coefficients of Q on [0, 1] (the sum is
    phi(t) = s Q(s), s = e^{-t/T})."""
    omega = float(_validate.positive(omega, "omega"))
    m = _validate.integer(m, "m", minimum=1)
    T = float(_validate.positive(T, "T"))
    C = np.polynomial.chebyshev
    rt = truncated_powerlaw(omega, T)
    k = np.arange(m)
    x = np.cos(np.pi * (k + 0.5) / m)          # nodes on [-1, 1], s = (1 + x)/2
    s = (1 + x) / 2
    q = rt(-T * np.log(s)) / s
    cheb = _cheb_coeffs_dct(q)
    # L1 of rho(-T log s)/s - Q(s) over s in (0, 1]: sign changes on a grid in s
    n = n_grid or max(20000, 40 * m)
    # geometric near s = 0 (the power-law tail), uniform-in-angle elsewhere
    sg = np.unique(np.concatenate([(1 - np.cos(np.linspace(0, np.pi, n))) / 2,
                                   np.geomspace(1e-300, 1e-3, 2000)]))
    sg = sg[sg > 0]
    err_vals = _q_orig(omega, T, sg) - C.chebval(2 * sg - 1, cheb)
    idx = np.nonzero(np.sign(err_vals[:-1]) * np.sign(err_vals[1:]) < 0)[0]
    lo, hi = illinois(lambda x: _q_orig(omega, T, x) - C.chebval(2 * x - 1, cheb), sg[idx], sg[idx + 1],
                      err_vals[idx], err_vals[idx + 1], 4e-16, offset=0, max_iter=80)
    roots = (lo + hi) / 2
    pts = np.concatenate([[0.0], roots, [1.0]])
    # primitive in s of q_orig: int_0^s rho(-T log u)/u du = (1/T) int_{-T log s}^inf rho
    #   = (1/T) (1 + t)^(-omega)/omega with t = -T log s;  of Q: chebint (scaled by 1/2)
    with np.errstate(divide="ignore"):
        tt = np.where(pts > 0, -T * np.log(np.where(pts > 0, pts, 1.0)), np.inf)
    Pq = np.zeros(len(tt))
    Pq[np.isfinite(tt)] = PowerLaw(1.0 + omega).tail(tt[np.isfinite(tt)]) / T
    PQ = C.chebval(2 * pts - 1, C.chebint(cheb, lbnd=-1)) / 2
    F = Pq - PQ
    err = T * float(np.sum(np.abs(np.diff(F))))
    return err, cheb


def _q_orig(omega, T, s):
    """rho(-T log s)/s for rho = (1+t)^-(1+omega) (eq. 60's change of variables)."""
    return PowerLaw(1.0 + omega).values(-T * np.log(s)) / s


def _cheb_coeffs_dct(vals):
    """Chebyshev coefficients of the interpolant at the first-kind points (DCT-II)."""
    import scipy.fft
    m = len(vals)
    c = scipy.fft.dct(vals, type=2) / m
    c[0] /= 2
    return c


def appendix_b_expsum(omega, m, T, dps=30):
    """The Appendix B route's sum itself (a, w), w_j = j/T, for small m (the
    monomial coefficients need about 0.8 m digits)."""
    omega = _validate.positive(omega, "omega")
    m = _validate.integer(m, "m", minimum=1)
    T = _validate.positive(T, "T")
    if m > 400:
        raise ValueError(f"m must be <= 400 for the explicit sum (coefficients of ~1e{int(0.77 * m)}), got {m}")
    rho = PowerLaw(1 + omega)

    def q(s):  # rho_tilde(-T log s)/s, as truncated_powerlaw, in mpmath
        if s <= 0:
            return mpmath.mpf(0)
        t = -mpmath.mpf(T) * mpmath.log(s)
        return rho.rho(t, dps=mpmath.mp.dps) * cutoff(t - T, dps=mpmath.mp.dps) / s
    a, w = polynomial_route_expsum(q, m, 1 / mpmath.mpf(T), dps)
    return a, w


# ---------------------------------------------------------------------------
# the sinc-quadrature sum for power laws


def sinc_expsum(alpha, h, k_lo, k_hi, dps=None, shift=0.0):
    """(1+t)^-alpha = Gamma(alpha)^-1 int_R e^{alpha x - e^x} e^{-e^x t} dx, by the
    trapezoidal rule x_k = shift + k h, k = k_lo..k_hi: a_k = h e^{alpha x_k - e^{x_k}}/Gamma(alpha),
    w_k = e^{x_k}.  Returns (a, w) (floats, or mpf at dps)."""
    alpha = _validate.positive(alpha, "alpha")
    shift = float(_validate.real(shift, "shift"))
    h = _validate.positive(h, "h")
    k_lo = _validate.integer(k_lo, "k_lo")
    k_hi = _validate.integer(k_hi, "k_hi")
    if k_hi < k_lo:
        raise ValueError(f"k_hi must be >= k_lo, got {k_lo}..{k_hi}")
    if dps is None:
        x = shift + np.arange(k_lo, k_hi + 1) * float(h)
        a = float(h) * np.exp(float(alpha) * x - np.exp(x)) / math.gamma(float(alpha))
        return tuple(a.tolist()), tuple(np.exp(x).tolist())
    with mpmath.workdps(dps):
        al, hh = mpmath.mpf(alpha), mpmath.mpf(h)
        xs = [mpmath.mpf(shift) + k * hh for k in range(k_lo, k_hi + 1)]
        g = mpmath.gamma(al)
        return (tuple(hh * mpmath.exp(al * x - mpmath.exp(x)) / g for x in xs),
                tuple(mpmath.exp(x) for x in xs))


def sinc_width(omega, eps, hs=None):
    """The narrowest sinc sum (over step sizes hs and end points) whose relative
    L1 error for rho = (1+t)^-(1+omega) is <= eps (float64 errors).  Returns an
    ExpSumApprox with error = its L1 error, relative_error = that over
    ||rho||_1 = 1/omega, and info {h, k_lo, k_hi}."""
    omega = float(_validate.positive(omega, "omega"))
    eps = float(_validate.positive(eps, "eps"))
    target = PowerLaw(1 + omega)
    mass = 1 / omega
    L = math.log(1 / eps)
    if hs is None:
        hs = [math.pi**2 / (L + c) for c in (1.0, 2.0, 3.0, 4.5, 6.0)]
    best = None
    for h in hs:
        # lower end: the tail sum_{k < k_lo} a_k/w_k ~ e^{omega x_lo}/(omega Gamma) <= eps mass / 3
        x_lo = math.log(eps / 3) / omega
        x_hi = math.log(L + 5)
        k_lo, k_hi = int(math.floor(x_lo / h)), int(math.ceil(x_hi / h))

        def rel(kl, kh):
            a, w = sinc_expsum(1 + omega, h, kl, kh)
            return expsum_error(target, a, w) / mass
        if rel(k_lo, k_hi) > eps:
            continue
        # trim from both ends while the error stays <= eps (error is monotone in each end)
        for side in ("lo", "hi"):
            step = 8
            while step >= 1:
                kl, kh = (k_lo + step, k_hi) if side == "lo" else (k_lo, k_hi - step)
                if kh > kl and rel(kl, kh) <= eps:
                    k_lo, k_hi = kl, kh
                else:
                    step //= 2
        m = k_hi - k_lo + 1
        if best is None or m < best[0]:
            best = (m, h, k_lo, k_hi)
    if best is None:
        raise RuntimeError(f"no sinc sum reached eps={eps} for omega={omega} with h in {hs}")
    m, h, k_lo, k_hi = best
    a, w = sinc_expsum(1 + omega, h, k_lo, k_hi)
    err = expsum_error(target, a, w)
    return ExpSumApprox(a, w, "L1", err, None, "sinc quadrature in log s (trapezoidal rule)",
                        info={"h": h, "k_lo": k_lo, "k_hi": k_hi}, relative_error=err / mass)


def appendix_b_width(omega, eps, m_max=4096):
    """The narrowest width on the grid m = ceil(2^(k/4)) at which the Appendix B
    route (T = (eps/2)^(-1/omega) - 1 so that the truncation costs eps/2 of
    the relative error, beta = 2/T) reaches relative L1 error <= eps for
    rho = (1+t)^-(1+omega).  Returns a dict (plain data); m is None when even
    m_max is not enough (then 'm_lower' says the width exceeds m_max)."""
    omega = float(_validate.positive(omega, "omega"))
    eps = float(_validate.positive(eps, "eps"))
    m_max = _validate.integer(m_max, "m_max", minimum=1)
    mass = 1 / omega
    T = (eps / 2) ** (-1 / omega) - 1
    grid = sorted({max(1, math.ceil(2 ** (k / 4))) for k in range(0, int(4 * math.log2(m_max)) + 1)})
    tried = []
    for m in grid:
        err, cheb = appendix_b_route(omega, m, T)
        tried.append((m, err / mass))
        if err / mass <= eps:
            return {"m": m, "T": T, "beta": 2 / T, "relative_error": err / mass, "w_min": 1 / T,
                    "chebyshev_coefficients_of_Q": [float(c) for c in cheb],
                    "tried": tried}
    return {"m": None, "m_lower": m_max, "T": T, "beta": 2 / T, "w_min": 1 / T, "tried": tried,
            "relative_error": tried[-1][1]}


# ---------------------------------------------------------------------------
# best exponential sums


def _default_start(target, m, interval):
    if isinstance(target, PowerLaw) and target.alpha > 1:
        om = float(target.alpha) - 1
        # a sinc sum with m terms over the range the tail needs
        x_lo, x_hi = math.log(1e-3) / max(om, 0.05), 1.5
        if interval is not None:
            x_lo = max(x_lo, -math.log(float(interval[1])) - 1)
        h = (x_hi - x_lo) / max(m - 1, 1) if m > 1 else 1.0
        k0 = int(round(x_lo / h)) if m > 1 else 0
        return sinc_expsum(float(target.alpha), h, k0, k0 + m - 1)
    if isinstance(target, PowerLaw):  # alpha <= 1: only on a finite interval
        T = float(interval[1]) if interval is not None else 100.0
        w = np.geomspace(0.5 / T, 3.0, m)
        return _l2_grid_fit(target, w, T), tuple(w.tolist())
    w = tuple(np.geomspace(0.3, 3.0, m).tolist()) if m > 1 else (1.0,)
    a, _ = projection_expsum(target, w)
    return tuple(float(x) for x in a), w


def _l2_grid_fit(target, w, T):
    ts = np.concatenate([[0.0], np.geomspace(1e-3, T, 400)])
    N = _Num(None)
    A = np.exp(-np.outer(ts, w))
    y = target.values(ts, dps=N.dps)
    return tuple(np.linalg.lstsq(A, y, rcond=None)[0].tolist())


def _l2_varpro(target, a0, w0, dps, maxiter):
    """min over w of ||rho - P_w rho||_{L2[0,inf)} (variable projection: for fixed
    rates the coefficients are the projection)."""
    from .backends import Precision
    prec = Precision(dps + 2 * len(w0))

    def fg(theta):
        with prec.context():
            W = [mpmath.exp(mpmath.mpf(float(x))) for x in theta]
            if len(set(W)) < len(W):
                return 1e300, np.zeros(len(W))
            b = [target.moment(0, x, dps=prec.dps) for x in W]
            m1 = [target.moment(1, x, dps=prec.dps) for x in W]
            G = np.array([[1 / (x + y) for y in W] for x in W], dtype=object)
            a = _mp_solve(G, b)
            e2 = target.norm2(dps=prec.dps) - sum(a[i] * b[i] for i in range(len(W)))
            grad = [2 * a[j] * (m1[j] - sum(a[i] / (W[i] + W[j]) ** 2 for i in range(len(W)))) * W[j]
                    for j in range(len(W))]
            e2 = max(e2, mpmath.mpf(10) ** (-prec.dps))
            return float(mpmath.log(e2)), np.array([float(g / e2) for g in grad])

    theta0 = np.log(np.array([float(x) for x in w0]))
    res = scipy.optimize.minimize(fg, theta0, jac=True, method="BFGS",
                                  options={"maxiter": maxiter, "gtol": 1e-9})
    w = np.sort(np.exp(res.x))
    a, wm = projection_expsum(target, tuple(w.tolist()), dps)
    return a, wm, res


def _l1_objective(target, interval, m):
    """L1 error and its gradient in (c, theta): a_j = c_j w_j, w_j = e^{theta_j};
    the gradient needs only the sign pattern of the error (roots)."""
    N = _Num(None)

    def fg(z):
        c, th = z[:m], z[m:]
        w = np.exp(th)
        a = c * w
        val, roots, pts, P = _l1(target, a, w, interval, N, with_roots=True)
        pts = np.array([float(p) for p in pts])
        sig = np.sign(np.diff(np.array(P, dtype=float)))
        if interval is None:
            pts = np.append(pts, np.inf)
            tail = float(target.integral(dps=N.dps) - np.sum(c) - P[-1])
            sig = np.append(sig, np.sign(tail))
        E = np.exp(-np.outer(pts, w))                       # (npts, m)
        with np.errstate(invalid="ignore"):
            tE = np.where(np.isinf(pts)[:, None], 0.0, (pts[:, None] + 1 / w) * E)
        dEa = (E[:-1] - E[1:]) / w                            # int_piece e^{-wt}
        dEt = (tE[:-1] - tE[1:]) / w                          # int_piece t e^{-wt}
        g_a = -sig @ dEa
        g_w = sig @ dEt * a
        g_c = g_a * w
        g_th = g_w * w + g_a * a                              # d/dtheta through a = c w and w
        return float(val), np.concatenate([g_c, g_th])
    return fg


def best_expsum(target, m, norm="L1", interval=None, dps=30, start=None, maxiter=400):
    """A best m-term exponential sum for `target` in the given norm on [0, inf)
    (interval=None) or [0, T] (interval=(0, T)).

    Methods: L2 on [0, inf): variable projection (rates by BFGS on log w, the
    coefficients solve the Gram system exactly, in mpmath at dps digits);
    L1: BFGS on (mass a_j/w_j, log w_j) with the exact gradient of the L1
    error (which depends only on the error's sign changes), from the L2-best
    sum (or `start`); L-infinity: the nonlinear Remez exchange (Newton on the
    2m+1 equioscillation equations, in mpmath; exchange of the extrema), from
    `start` or the L2 / L1 sum.  The result's error is re-measured with
    `expsum_error` at dps digits.  status 1 with a message when a method did not
    converge.  These are local methods: 'best' means the best found from the start."""
    _check_target(target)
    m = _validate.integer(m, "m", minimum=1)
    norm = _check_norm(norm)
    interval = _check_interval(interval)
    dps = _validate.integer(dps, "dps", minimum=10)
    maxiter = _validate.integer(maxiter, "maxiter", minimum=1)
    if start is not None:
        if isinstance(start, ExpSumApprox):
            a0, w0 = start.a, start.w
        else:
            try:
                a0, w0 = start
            except (TypeError, ValueError):
                raise TypeError("start must be an ExpSumApprox or a pair (a, w)") from None
        w0 = _validate.vector(w0, "start w", positive_entries=True, distinct=True)
        a0 = _validate.vector(a0, "start a", length=len(w0))
        if len(w0) != m:
            raise ValueError(f"start must have {m} terms, got {len(w0)}")
    else:
        a0, w0 = _default_start(target, m, interval)
    if norm == "L2" and interval is None:
        a, w, res = _l2_varpro(target, a0, w0, dps, maxiter)
        err = expsum_error(target, a, w, "L2", None, dps=dps)
        return ExpSumApprox(a, w, "L2", err, None, "variable projection (BFGS on log w, Gram solve)",
                            0 if res.success else 1, str(res.message), {"iterations": int(res.nit)})
    if norm == "L2":
        raise ValueError("norm='L2' is implemented on [0, inf) only (interval=None)")
    if norm == "L1":
        return _best_l1(target, m, interval, dps, a0, w0, maxiter, start is None)
    if start is None:
        a0, w0 = _lsq_start(target, m, interval, a0, w0)
    return remez_expsum(target, m, interval, dps, a0, w0, maxiter=min(maxiter, 60))


def _lsq_start(target, m, interval, a0, w0):
    """A discrete least-squares fit on a geometric grid (variable projection,
    float64): its error changes sign at least 2m times, so it gives the Remez
    exchange a reference of 2m+1 alternating extrema."""
    N = _Num(None)
    T = float(interval[1]) if interval is not None else _t_end(a0, w0, N, None) / 4
    ts = np.concatenate([[0.0], np.geomspace(1e-3, T, 60 * m)])
    y = target.values(ts, dps=N.dps)

    def resid(th):
        A = np.exp(-np.outer(ts, np.exp(th)))
        coef = np.linalg.lstsq(A, y, rcond=None)[0]
        return A @ coef - y

    th0 = np.log(np.array([float(x) for x in w0]))
    res = scipy.optimize.least_squares(resid, th0, method="lm", xtol=1e-14, ftol=1e-14)
    w = np.sort(np.exp(res.x))
    A = np.exp(-np.outer(ts, w))
    a = np.linalg.lstsq(A, y, rcond=None)[0]
    return tuple(a.tolist()), tuple(w.tolist())


def _best_l1(target, m, interval, dps, a0, w0, maxiter, from_l2):
    if from_l2 and interval is None and _has_moments(target):
        try:
            a0, w0, _ = _l2_varpro(target, a0, w0, min(dps, 30), 200)
        except (ZeroDivisionError, ValueError):
            pass
    w0 = np.array([float(x) for x in w0])
    c0 = np.array([float(x) for x in a0]) / w0
    fg = _l1_objective(target, interval, m)
    res = scipy.optimize.minimize(fg, np.concatenate([c0, np.log(w0)]), jac=True, method="BFGS",
                                  options={"maxiter": maxiter, "gtol": 1e-12})
    c, th = res.x[:m], res.x[m:]
    w = np.exp(th)
    order = np.argsort(w)
    a, w = tuple((c * w)[order].tolist()), tuple(w[order].tolist())
    err = expsum_error(target, a, w, "L1", interval, dps=dps)
    # BFGS stops at a kink of the L1 error often; a small relative change is success here
    ok = res.success or "precision loss" in str(res.message)
    return ExpSumApprox(a, w, "L1", err, interval, "BFGS on the L1 error with its exact gradient",
                        0 if ok else 1, str(res.message), {"iterations": int(res.nit)})


def _has_moments(target):
    return not (isinstance(target, PowerLaw) and target.alpha <= 1)


# ---------------------------------------------------------------------------
# the Remez exchange for L-infinity


def _local_extrema(target, a, w, interval, N):
    """Alternating extrema of e = rho - phi: the point of largest |e| in each
    sign-constant piece between consecutive sign changes (refined)."""
    t_end = _t_end(a, w, N, interval)
    ts = _grid(w, t_end, N)
    T = np.array(ts, dtype=N_dtype(N))
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


def _select_alternating(ext, n):
    ext = [x for x in ext if x[2] != 0]
    while len(ext) > n:
        vals = [float(x[1]) for x in ext]
        k = int(np.argmin(vals))
        if k == 0 or k == len(ext) - 1:
            ext.pop(k)
        else:
            j = k - 1 if vals[k - 1] < vals[k + 1] else k + 1
            for idx in sorted((k, j), reverse=True):
                ext.pop(idx)
    return ext


def remez_expsum(target, m, interval, dps, a0, w0, maxiter=60, tol=1e-10):
    """The nonlinear Remez exchange for the best L-infinity m-term exponential sum.
    Returns an ExpSumApprox whose info carries the reference points (the
    equioscillation points), the levelled error E and the relative spread
    (max|e| - min over the reference of |e|)/max|e|."""
    N = _Num(dps)
    n = 2 * m + 1
    with mpmath.workdps(dps):
        a = [mpmath.mpf(x) for x in a0]
        th = [mpmath.log(mpmath.mpf(x)) for x in w0]
        message, status, spread, ref, E = "", 1, None, None, mpmath.mpf(0)
        for it in range(maxiter):
            w = [mpmath.exp(x) for x in th]
            ext = _select_alternating(_local_extrema(target, a, w, interval, N), n)
            if len(ext) < n:
                message = f"the error alternates only {len(ext)} times (need {n}): no Remez reference"
                break
            ref = [x[0] for x in ext]
            sgn = [int(x[2]) for x in ext]
            emax = max(x[1] for x in _local_extrema(target, a, w, interval, N))
            emin = min(x[1] for x in ext)
            spread = (emax - emin) / emax
            if spread < tol:
                status, message = 0, f"levelled: relative spread {mpmath.nstr(spread, 3)}"
                break
            # Newton on rho(x_i) - phi(x_i) = sgn_i E for (a, theta, E)
            E = sum(x[1] for x in ext) / n
            z = a + th + [E]
            for _ in range(30):
                wv = [mpmath.exp(x) for x in z[m:2 * m]]
                F, J = [], []
                for x, sg in zip(ref, sgn):
                    ex = [mpmath.exp(-wj * x) for wj in wv]
                    phi = sum(aj * e_ for aj, e_ in zip(z[:m], ex))
                    F.append(target.rho(x, dps=N.dps) - phi - sg * z[-1])
                    J.append([-e_ for e_ in ex] + [z[j] * wv[j] * x * ex[j] for j in range(m)] + [-sg])
                try:
                    dz = mpmath.lu_solve(mpmath.matrix(J), mpmath.matrix(F))
                except ZeroDivisionError:
                    message = "singular Newton system (rates merged)"
                    break
                lam = mpmath.mpf(1)
                # damp so that rates move by at most a factor e per step
                big = max(abs(dz[m + j]) for j in range(m))
                if big > 1:
                    lam = 1 / big
                z = [z[i] - lam * dz[i] for i in range(n)]
                if max(abs(dz[i]) for i in range(n)) < mpmath.mpf(10) ** (-dps // 2):
                    break
            a, th, E = z[:m], z[m:2 * m], z[-1]
            if len(set(mpmath.nstr(x, 12) for x in th)) < m:
                message = "two rates merged"
                break
        else:
            message = f"not levelled after {maxiter} exchanges (relative spread {mpmath.nstr(spread, 3)})"
        w = [mpmath.exp(x) for x in th]
        order = sorted(range(m), key=lambda j: w[j])
        a, w = tuple(a[j] for j in order), tuple(w[j] for j in order)
        err = expsum_error(target, a, w, "Linf", interval, dps=dps)
        info = {"reference_points": [float(x) for x in ref] if ref else None,
                "levelled_error": float(abs(E)), "relative_spread": float(spread) if spread is not None else None,
                "iterations": it + 1}
        return ExpSumApprox(a, w, "Linf", err, interval, "nonlinear Remez exchange", status, message, info)


def certify_alternation(target, approx, dps=30):
    """A certified lower bound on the best m-term L-infinity error, from the
    approximation's reference points: if e = rho - phi alternates in sign at 2m+1
    points, every m-term exponential sum v has ||rho - v|| >= min_i |e(x_i)|
    (otherwise phi - v, a sum of at most 2m exponentials, would have 2m zeros,
    but such a sum has at most 2m - 1 real zeros: Descartes' rule of signs for
    exponential sums).  Ball arithmetic (arb) at the points given.  Returns
    (lower_bound as arb, signs) or raises ValueError if the signs do not alternate."""
    from .backends import Precision, to_arb
    ref = approx.info.get("reference_points")
    if not ref or len(ref) != 2 * approx.m + 1:
        raise ValueError("approx has no reference of 2m+1 points (status != 0?)")
    prec = Precision(dps, arb=True)
    vals = []
    with prec.context():
        for x in ref:
            X = to_arb(float(x))
            phi = sum(to_arb(mpmath.mpf(aj)) * (-(to_arb(mpmath.mpf(wj)) * X)).exp()
                      for aj, wj in zip(approx.a, approx.w))
            vals.append(target.rho(X, dps=prec.dps, arb=True) - phi)
        signs = []
        for v in vals:
            if v > 0:
                signs.append(1)
            elif v < 0:
                signs.append(-1)
            else:
                raise ValueError(f"the sign of the error at a reference point is not certified: {v}")
        if any(signs[i] == signs[i + 1] for i in range(len(signs) - 1)):
            raise ValueError(f"the error does not alternate at the reference points: {signs}")
        low = min(abs(v).lower() for v in vals)
        return low, signs


def _sinc_start(omega, m, eps):
    """The best m-term sinc sum over its lower end x_lo (golden search; upper end
    fixed by the double-exponential decay), float64 errors."""
    target = PowerLaw(1 + omega)
    x_hi = math.log(math.log(1 / eps) + 5)

    def make(x_lo):
        h = (x_hi - x_lo) / max(m - 1, 1)
        return sinc_expsum(1 + omega, h, 0, m - 1, shift=x_lo)

    def err(x_lo):
        a, w = make(x_lo)
        return expsum_error(target, a, w)
    x, _ = _golden_max(lambda x: -err(x), 2 * math.log(eps / 3) / omega, x_hi - 1.0, 30)
    return make(x)


def best_width(omega, eps, m_hi, maxiter=300):
    """The narrowest m <= m_hi for which the best L1 sum found (BFGS from the best
    m-term sinc sum) reaches relative L1 error <= eps for rho = (1+t)^-(1+omega);
    bisection in m (assumes the error found decreases with m).  Returns the
    ExpSumApprox (its L1 error in `error`, the relative one, times omega, in
    `relative_error`) and the list of (m, relative error) tried."""
    omega = float(_validate.positive(omega, "omega"))
    eps = float(_validate.positive(eps, "eps"))
    m_hi = _validate.integer(m_hi, "m_hi", minimum=1)
    target = PowerLaw(1 + omega)
    tried, found = [], {}

    def attempt(m):
        a0, w0 = _sinc_start(omega, m, eps)
        r = _best_l1(target, m, None, None, a0, w0, maxiter, False)  # float64 errors
        rel = float(r.error) * omega
        tried.append((m, rel))
        found[m] = r
        return rel <= eps
    lo, hi = 0, m_hi
    if not attempt(m_hi):
        return None, tried
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if attempt(mid):
            hi = mid
        else:
            lo = mid
    return dataclasses.replace(found[hi], relative_error=float(found[hi].error) * omega), tried


def curse_of_memory_row(omega, eps, routes=("appendix_b", "sinc", "best"), m_max=4096):
    """One cell of the m(omega, eps) table for rho = (1+t)^-(1+omega) and relative
    L1 error eps: the paper's bound shape omega eps^(-1/omega) and, per route,
    the width reached, its error and w_min.  Plain data."""
    omega = float(_validate.positive(omega, "omega"))
    eps = float(_validate.positive(eps, "eps"))
    for r in routes:
        if r not in ("appendix_b", "sinc", "best"):
            raise ValueError(f"routes must be among 'appendix_b', 'sinc', 'best', got {r!r}")
    import time
    row = {"omega": omega, "eps": eps, "bound_shape": omega * eps ** (-1 / omega)}
    sinc = None
    for route in routes:
        t0 = time.perf_counter()
        if route == "appendix_b":
            out = appendix_b_width(omega, eps, m_max)
            if out["m"] is not None and out["m"] <= 64:
                # the sum itself (its coefficients cancel: about 0.8 m digits are needed)
                a, w = appendix_b_expsum(omega, out["m"], out["T"], dps=30)
                digits = int(0.8 * out["m"]) + 30
                with mpmath.workdps(digits + 10):
                    out["sum"] = {"m": out["m"], "a": [mpmath.nstr(x, digits) for x in a],
                                  "w": [mpmath.nstr(x, digits) for x in w],
                                  "note": f"phi(t) = sum a_j e^(-w_j t); the a_j cancel to about "
                                          f"{int(0.77 * out['m'])} digits: evaluate with {digits} digits"}
        elif route == "sinc" or (route == "best" and sinc is None):
            sinc = sinc_width(omega, eps)
            out = {"m": sinc.m, "relative_error": float(sinc.relative_error), "w_min": float(sinc.w_min),
                   "sum": sinc.as_dict()}
            if route == "sinc":
                row["sinc"] = {**out, "seconds": time.perf_counter() - t0}
                continue
        if route == "best":
            t0 = time.perf_counter()
            r, tried = best_width(omega, eps, sinc.m)
            out = {"m": None if r is None else r.m, "tried": tried,
                   "relative_error": None if r is None else float(r.relative_error),
                   "w_min": None if r is None else float(r.w_min),
                   "sum": None if r is None else r.as_dict()}
        out["seconds"] = time.perf_counter() - t0
        row[route] = out
    return row


# ---------------------------------------------------------------------------
# a certified (arb) upper bound on the L1 error of a sum against a power law


@functools.lru_cache(maxsize=None)
def _powerlaw_derivative(k):
    """d^k/dt^k (1+t)^-alpha, derived by sympy, compiled for arb."""
    rho, (t, alpha) = powerlaw_kernel()
    return compile_exprs([t, alpha], sp.diff(rho, t, k), "arb")


def certified_l1_bound(alpha, a, w, t_end, delta=1e-3, t_first=1e-3, dps=30):
    """An upper bound, certified with ball arithmetic (arb), on
    int_0^inf |(1+t)^-alpha - sum_j a_j e^{-w_j t}| dt  (alpha > 1).

    On cells [c - h/2, c + h/2] (uniform of width t_first on [0, 1], then
    geometric with ratio 1 + delta up to t_end) Taylor's theorem gives
    int_cell |e| <= h |e(c)| + h^2/4 |e'(c)| + h^3/24 sup_cell |e''|, with the
    supremum enclosed by evaluating e'' on the whole cell as a ball; beyond t_end,
    int |e| <= (1+t_end)^(1-alpha)/(alpha-1) + sum_j |a_j| e^{-w_j t_end}/w_j.
    Returns the upper end of the resulting ball (a float rounded up by arb)."""
    import flint
    from .backends import Precision, to_arb
    alpha = _validate.real(alpha, "alpha")
    if not alpha > 1:
        raise ValueError(f"alpha must be > 1, got {alpha!r}")
    w = _validate.vector(w, "w", positive_entries=True)
    a = _validate.vector(a, "a", length=len(w))
    t_end = float(_validate.positive(t_end, "t_end"))
    delta = float(_validate.positive(delta, "delta"))
    t_first = float(_validate.positive(t_first, "t_first"))
    prec = Precision(dps, arb=True)
    with prec.context():
        al = to_arb(alpha)
        A = [to_arb(mpmath.mpf(x)) for x in a]
        Wr = [to_arb(mpmath.mpf(x)) for x in w]
        d0, d1, d2 = (_powerlaw_derivative(k) for k in range(3))
        # cell edges as exact binary floats
        edges = list(np.arange(0.0, min(1.0, t_end), t_first)) + [min(1.0, t_end)]
        x = edges[-1]
        while x < t_end:
            x = min(x * (1 + delta), t_end)
            edges.append(x)
        total = flint.arb(0)
        for lo, hi in zip(edges[:-1], edges[1:]):
            L, H = to_arb(lo), to_arb(hi)
            h = H - L
            c = (L + H) / 2
            ex = [(-wj * c).exp() for wj in Wr]
            e0 = d0(c, al) - sum(aj * x_ for aj, x_ in zip(A, ex))
            e1 = d1(c, al) + sum(aj * wj * x_ for aj, wj, x_ in zip(A, Wr, ex))
            ball = flint.arb((L + H) / 2, (H - L) / 2)   # the whole cell
            e2 = d2(ball, al) - sum(aj * wj * wj * (-wj * ball).exp() for aj, wj in zip(A, Wr))
            total += h * abs(e0) + h * h / 4 * abs(e1) + h ** 3 / 24 * abs(e2)
        T = to_arb(edges[-1])
        tail = (1 + T) ** (1 - al) / (al - 1) + sum(abs(aj) * (-wj * T).exp() / wj for aj, wj in zip(A, Wr))
        total += tail
        return float(total.upper())
