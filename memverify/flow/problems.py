"""The right-hand sides the integrator steps: grad J and Hess J at a state y.

- `PlainProblem`: y = theta = (a, w); `Loss` at mpmath precision `dps` (the
  'exact' method) or float64 (the naive formulation, kept to show where it fails).
- `OffsetProblem`: float64, y = offsets of theta from a reference point that
  moves with the flow, evaluated in the residual form of
  `memverify.symbolic.offsets` (proved equal to the plain derivatives) with the
  exponential part of the residual moments summed exactly.  It also returns a
  bound on the rounding error of the gradient, which the driver turns into a
  `PrecisionError` when it is too large to trust a step.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import gmpy2
import mpmath
import numpy as np
import sympy as sp

from ..symbolic.offsets import residual_form, residual_symbols
from ..symbolic.loss import derive
from ..backends import compile_exprs, rounding_bound
from ..targets import (ExpSum, MemoryBump, _mu as _mu_sym, _sigma as _sigma_sym, _w as _w_sym, exp_term_moment,
                       gaussian_moment, s as _s_sym)
from ._arith import Arith

EPS = np.finfo(float).eps
TINY = np.finfo(float).tiny


class PlainProblem:
    """grad J / Hess J of `loss` at theta = y, at mpmath `dps` (None: float64, naive)."""

    def __init__(self, loss, dps=None):
        self.loss = loss
        self.m = loss.m
        self.dps = dps
        self.arith = Arith(dps)

    def initial_state(self, theta0):
        return self.arith.vector(theta0)

    def theta(self, y):
        return y

    def rebase(self, y):
        return y

    def _aw(self, y):
        return list(y[: self.m]), list(y[self.m:])

    def gradient(self, y):
        """(grad J, None) at mpmath precision; in float64 (grad J, a bound on its
        rounding error: the terms of R_n(w_k) = sum_i a_i n!/(w_k + w_i)^{n+1} - M_n(w_k)
        are O(1) and cancel, so the error is ~ eps times their absolute sum)."""
        a, w = self._aw(y)
        g = self.loss.gradient(a, w, dps=self.dps)
        if self.dps is not None:
            return g, None
        A, W = np.abs(np.array(a, dtype=float)), np.array(w, dtype=float)
        S = W[:, None] + W[None, :]
        M0 = np.array([abs(self.loss.target.moment(0, x)) for x in W])
        M1 = np.array([abs(self.loss.target.moment(1, x)) for x in W])
        n = 2 * self.m + 4
        err_a = 2 * n * EPS * ((A[None, :] / S).sum(1) + M0)
        err_w = 2 * n * EPS * A * ((A[None, :] / S**2).sum(1) + M1)
        return g, np.concatenate([err_a, err_w])

    def hessian(self, y):
        a, w = self._aw(y)
        return self.loss.hessian(a, w, dps=self.dps)

    def value(self, theta):
        """J at theta (not at a state y)."""
        a, w = self._aw(theta)
        return self.loss.value(a, w, dps=self.dps)

    def value_error(self, theta):
        """A bound on the rounding error of value(theta): 0 in mpmath (its digits
        are chosen to resolve the flow), else Loss.value_error."""
        if self.dps is not None:
            return 0.0
        return self.loss.value_error(list(theta[: self.m]), list(theta[self.m:]))


@functools.lru_cache(maxsize=None)
def _residual_compiled(m):
    """grad J, Hess J in terms of theta and R_n(w_k) (symbolic.offsets.residual_form),
    and |d grad / d R|, through which the rounding error of the R_n reaches the gradient."""
    d = derive(m)
    R = residual_symbols(m)
    rs = [x for row in R for x in row]
    grad, hess = residual_form(m)
    args = list(d.a) + list(d.w) + rs
    # plain numpy lambdify rather than compile_exprs: these rational expressions
    # cannot overflow for w > 0, and compile_exprs' per-entry float conversion
    # cost more than the evaluation itself (half the time of a step at m = 10)
    jac = sp.Matrix(grad).jacobian(rs).applyfunc(sp.Abs)
    # the gradient and its error Jacobian in one call: they share subexpressions
    fgj = sp.lambdify(args, [sp.Matrix(grad), jac], modules="numpy", cse=True)
    # the Hessian, its rounding error and its Jacobian in R (affine: R enters linearly)
    herr = sp.Matrix(2 * m, 2 * m, lambda i, j: rounding_bound(hess[i, j]))
    dH = [sp.Matrix(2 * m, 2 * m, lambda i, j: sp.Abs(sp.diff(hess[i, j], rr))) for rr in rs]
    fh = sp.lambdify(args, [sp.Matrix(hess), herr] + dH, modules="numpy", cse=True)
    return fgj, fh


@functools.lru_cache(maxsize=None)
def _gauss_moments_float():
    """(M_0, .., M_3)(s) of the Gaussian template (targets.gaussian_moment) in float64, one call."""
    return compile_exprs([_s_sym, _mu_sym, _sigma_sym], [gaussian_moment(n) for n in range(4)], "float", arrays=True)


@functools.lru_cache(maxsize=None)
def _exp_moments_exact():
    """(M_0, M_1, M_2)(s) of e^{-w t} (targets.exp_term_moment) on exact rationals
    (gmpy2.mpq): one call per term, the common power shared."""
    return sp.lambdify([_s_sym, _w_sym], [exp_term_moment(n) for n in range(3)], modules=[{}], cse=True)


class OffsetProblem:
    """float64 grad J / Hess J at theta = theta_ref + y, without cancellation.

    grad J and Hess J are taken in the residual form of
    `memverify.symbolic.offsets` (proved equal to the plain derivatives): they
    depend on theta and on the residual moments R_n(w_k) = M_n[rho_hat -
    rho](w_k), n = 0, 1, 2, which are exponentially small on M* although the
    terms that make them up are O(1).  The exponential part of R_n, sum_i a_i
    n!/(w_k + w_i)^{n+1} minus the target's own exponential terms, is summed in
    exact rational arithmetic (gmpy2; every float64 number is a rational) and
    rounded once, so the only rounding left is the template moment's (float64,
    relative accuracy).  The state y is the offset of theta from a reference
    that moves with the flow (`rebase` after every accepted step); a is kept as
    exact rationals there, because the flow moves a_i by far less than an ulp
    (a* - e^{-w/omega}).  The target must be an ExpSum or a MemoryBump."""

    def __init__(self, loss, theta_ref):
        target = loss.target
        if not isinstance(target, (ExpSum, MemoryBump)):
            raise ValueError(f"method='fast' needs an ExpSum or MemoryBump target (the residual form "
                             f"subtracts its exponential part exactly), got {type(target).__name__}; "
                             "use method='exact'")
        self.loss = loss
        self.m = loss.m
        self.dps = None
        self.arith = Arith(None)
        base = target.base if isinstance(target, MemoryBump) else target
        self._base_terms = [(-gmpy2.mpq(Fraction(a)), gmpy2.mpq(Fraction(w))) for a, w in zip(base.a, base.w)]
        self.bump = target if isinstance(target, MemoryBump) else None
        self._fgj, self._fh = _residual_compiled(self.m)
        self._moments = _exp_moments_exact()
        self._cache = (None, None)
        self._set_reference([gmpy2.mpq(float(x)) for x in theta_ref[: self.m]],
                            [float(x) for x in theta_ref[self.m:]])

    def _set_reference(self, a_exact, w_ref):
        """a_ref as exact rationals, w_ref as float64 numbers."""
        self.a_exact = list(a_exact)
        self.a_ref = np.array([float(a) for a in a_exact])
        self.w_ref = np.array(w_ref, dtype=float)
        self.theta_ref = np.concatenate([self.a_ref, self.w_ref])

    def initial_state(self, theta0):
        return np.zeros(2 * self.m)

    def rebase(self, y):
        """Move the reference to theta_ref + y: a exactly (rationals), w to the
        float64 nearest w_ref + v, keeping the rounding remainder as the new
        offset (TwoSum: s + r = w_ref + v exactly).  Returns the new offsets."""
        m = self.m
        a_new = [a + gmpy2.mpq(float(u)) for a, u in zip(self.a_exact, y[:m])]
        w, v = self.w_ref, y[m:]
        s = w + v
        bb = s - w
        r = (w - (s - bb)) + (v - bb)
        self._set_reference(a_new, s)
        return np.concatenate([np.zeros(m), r])

    def theta(self, y):
        return self.theta_ref + y

    def _templates(self, x):
        """Signed template moments T_n at the rates x (array), n = 0..3, shape (4, len(x)),
        and bounds on their errors."""
        if self.bump is None:
            return np.zeros((4, len(x))), np.zeros((4, len(x)))
        b = self.bump
        with np.errstate(all="ignore"):
            val = float(b.c0) * np.array(_gauss_moments_float()(x, 1 / float(b.omega), float(b.sigma)),
                                         dtype=float) * np.ones((4, len(x)))
        lost = b._digits_lost_array(range(4), x)
        bad = (lost > 6) | ~np.isfinite(val)
        for n, i in zip(*np.nonzero(bad)):  # guard digits in mpmath, as the target does
            val[n, i] = float(b._template_moment(n, mpmath.mpf(float(x[i])), _mp_prec()))
            lost[n, i] = 0
        # a moment below the float64 range is bounded by the smallest normal number
        return val, np.abs(val) * EPS * (8 + 10.0 ** lost) + np.where(np.abs(val) < TINY, TINY, 0.0)

    def _residuals(self, y):
        """R_n(w_k), n = 0, 1, 2 (shape (3, m)), and bounds on their rounding errors.

        R_n(w_k) = S_n(w_k) - T_n(w_k), with w_k = w_ref_k + v_k.  S_n, the
        exponential part, is exact and rounded once (error <= eps |S_n| / 2);
        T_n, the template's moment, is float64 at x_k = fl(w_k) (its own bound,
        plus |T_{n+1}| |x_k - w_k| <= |T_{n+1}| eps x_k / 2 for the shift of the
        rate, since dT_n/ds = -T_{n+1}); the difference is rounded (eps |R_n| / 2).
        The bound below takes each of these twice."""
        if self._cache[0] is not None and np.array_equal(self._cache[0], y):
            return self._cache[1]
        m = self.m
        u, v = y[:m], y[m:]
        w_exact = [gmpy2.mpq(float(wr)) + gmpy2.mpq(float(vv)) for wr, vv in zip(self.w_ref, v)]
        # the terms of rho_hat - (exponential part of rho), equal rates merged
        coef = {}
        for a, uu, w in zip(self.a_exact, u, w_exact):
            coef[w] = coef.get(w, 0) + a + gmpy2.mpq(float(uu))
        for a, w in self._base_terms:
            coef[w] = coef.get(w, 0) + a
        terms = [(c, w) for w, c in coef.items() if c != 0]
        S = np.zeros((3, m))
        for k, q in enumerate(w_exact):
            acc = [gmpy2.mpq(0)] * 3
            for c, w in terms:
                for n, mom in enumerate(self._moments(q, w)):
                    acc[n] += c * mom
            S[:, k] = [float(s) for s in acc]
        x = self.w_ref + v
        T, T_err = self._templates(x)
        R = S - T[:3]
        E = EPS * (np.abs(S) + np.abs(R) + np.abs(x) * np.abs(T[1:])) + 2 * T_err[:3]
        self._cache = (y.copy(), (R, E))
        return R, E

    def _args(self, y):
        th = self.theta(y)
        R, E = self._residuals(y)
        return list(th) + list(R.ravel()), E

    def gradient(self, y):
        """(grad J, a componentwise bound on its rounding error)."""
        args, E = self._args(y)
        g, J = self._fgj(*args)
        g = np.asarray(g, dtype=float).ravel()
        return g, np.asarray(J, dtype=float) @ E.ravel() + 4 * EPS * np.abs(g)

    def hessian(self, y):
        return self.hessian_and_error(y)[0]

    def hessian_and_error(self, y):
        """(Hess J, a componentwise bound on its rounding error): the evaluation's
        own rounding (backends.rounding_bound) plus the R_n's errors through dH/dR."""
        args, E = self._args(y)
        out = self._fh(*args)
        H = np.array(out[0], dtype=float)
        err = np.array(out[1], dtype=float) + sum(np.array(d, dtype=float) * e for d, e in zip(out[2:], E.ravel()))
        return H, err

    def value(self, theta):
        """J at theta (float64: |J(theta) - J(theta_0)| is O(1) - O(1), good to ~1e-16 absolute)."""
        return self.loss.value(list(theta[: self.m]), list(theta[self.m:]))

    def value_error(self, theta):
        """A bound on the rounding error of value(theta) (Loss.value_error)."""
        return self.loss.value_error(list(theta[: self.m]), list(theta[self.m:]))


@functools.lru_cache(maxsize=None)
def _mp_prec_cached():
    from ..backends import Precision
    return Precision(dps=20)


def _mp_prec():
    return _mp_prec_cached()


def auto_dps(loss, theta0, guard=25):
    """Digits for the 'exact' method: enough to resolve the smallest gradient
    term, about the template moment at the largest initial rate (e^{-w/omega}
    for the Gaussian bump), with `guard` digits to spare."""
    m = loss.m
    target = loss.target
    if not isinstance(target, MemoryBump):
        return guard + 10
    wmax = max(float(x) for x in theta0[m:])
    with mpmath.workdps(20):
        from ..backends import Precision
        val = target._template_moment(0, mpmath.mpf(wmax), Precision(dps=20))
        mag = -float(mpmath.log10(abs(val))) if val != 0 else 0.0
    return guard + max(0, math.ceil(mag))
