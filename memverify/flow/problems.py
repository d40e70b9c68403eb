"""The right-hand sides the integrator steps: grad J and Hess J at a state y.

- `PlainProblem`: y = theta = (a, w); `Loss` at mpmath precision `dps` (the
  'exact' method) or float64 (the naive formulation, kept to show where it fails).
- `OffsetProblem`: float64, y = offsets of theta from a reference point (the
  initial point), evaluated in the cancellation-free form of
  `memverify.symbolic.offsets` (proved equal to the plain gradient there).  It
  also returns a bound on the rounding error of the gradient, which the driver
  turns into a `PrecisionError` when it is too large to trust a step.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import gmpy2
import mpmath
import numpy as np
import sympy as sp

from ..backends import compile_exprs
from ..symbolic.offsets import offset_moment, residual_form, residual_symbols
from ..symbolic.loss import derive
from ..targets import ExpSum, MemoryBump, _compiled as _target_compiled, exp_term_moment, s as _s_sym, _w as _w_sym
from ._arith import Arith

EPS = np.finfo(float).eps


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


@functools.lru_cache(maxsize=None)
def _offset_compiled(m):
    d = derive(m)
    R = residual_symbols(m)
    rs = [x for row in R for x in row]
    grad, hess = residual_form(m)
    args = list(d.a) + list(d.w) + rs
    # plain numpy lambdify rather than compile_exprs: these rational expressions
    # cannot overflow for w > 0, and compile_exprs' per-entry float conversion
    # cost more than the evaluation itself (half the time of a step at m = 10)
    fg = sp.lambdify(args, sp.Matrix(grad), modules="numpy", cse=True)
    fh = sp.lambdify(args, sp.Matrix(hess), modules="numpy", cse=True)
    # |d grad / d R|: how the rounding error of the R_n(w_k) reaches the gradient
    jac = sp.Matrix(grad).jacobian(rs).applyfunc(sp.Abs)
    fj = sp.lambdify(args, jac, modules="numpy", cse=True)
    return fg, fh, fj


@functools.lru_cache(maxsize=None)
def _offset_moment_float(n):
    expr, syms = offset_moment(n)
    return compile_exprs(list(syms), expr, "float")


@functools.lru_cache(maxsize=None)
def _exp_moment_float(n):
    return compile_exprs([_s_sym, _w_sym], exp_term_moment(n), "float")


@functools.lru_cache(maxsize=None)
def _exp_moment_exact(n):
    # n!/(s + w)^(n+1) from the same sympy expression, on exact rationals (gmpy2.mpq)
    return sp.lambdify([_s_sym, _w_sym], exp_term_moment(n), modules=[{}])


class OffsetProblem:
    """float64 grad J / Hess J at theta = theta_ref + y, cancellation-free
    (memverify.symbolic.offsets).  The reference moves with the flow (`rebase`
    after every accepted step), so the offsets y stay as small as one step.
    Q_n, the moment of rho_hat(theta_ref) - rho_bar (an exponential sum with
    float64 coefficients and rates, hence exact rationals), is summed exactly
    with gmpy2 rationals and rounded once; only the template's moment is
    float64 (relative accuracy, no cancellation).  The target must be an
    ExpSum or a MemoryBump."""

    def __init__(self, loss, theta_ref):
        target = loss.target
        if not isinstance(target, (ExpSum, MemoryBump)):
            raise ValueError(f"method='fast' needs an ExpSum or MemoryBump target (the offset form "
                             f"subtracts its exponential part exactly), got {type(target).__name__}; "
                             "use method='exact'")
        self.loss = loss
        self.m = loss.m
        self.dps = None
        self.arith = Arith(None)
        base = target.base if isinstance(target, MemoryBump) else target
        self._base_terms = [(gmpy2.mpq(Fraction(a)), gmpy2.mpq(Fraction(w))) for a, w in zip(base.a, base.w)]
        self.bump = target if isinstance(target, MemoryBump) else None
        self._fg, self._fh, self._fj = _offset_compiled(self.m)
        self._set_reference([gmpy2.mpq(float(x)) for x in theta_ref[: self.m]],
                            [float(x) for x in theta_ref[self.m:]])

    def _set_reference(self, a_exact, w_ref):
        """a_ref as exact rationals (the flow's a_i can differ from a float by far
        less than an ulp, e.g. a* - e^{-w/omega}); w_ref as float64 numbers, so
        the offset moments D_n(x, w_ref_i, v_i) and the exact sum agree."""
        m = self.m
        self.a_exact = list(a_exact)
        self.a_ref = np.array([float(a) for a in a_exact])
        self.w_ref = np.array(w_ref, dtype=float)
        # rho_hat(theta_ref) - rho_bar, its coefficients grouped by rate, exactly
        coef = {}
        for a, w in zip(self.a_exact, self.w_ref):
            key = gmpy2.mpq(float(w))
            coef[key] = coef.get(key, 0) + a
        for a, w in self._base_terms:
            coef[w] = coef.get(w, 0) - a
        self._ref_terms = [(c, r) for r, c in coef.items() if c != 0]
        self.theta_ref = np.concatenate([self.a_ref, self.w_ref])
        assert len(self.a_ref) == m

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

    def _template(self, n, x):
        """Signed template moments at the rates x (array) and a bound on their error."""
        if self.bump is None:
            return np.zeros_like(x), np.zeros_like(x)
        b = self.bump
        f = _target_compiled("gauss_moment", n, "float")
        mu, sig, c0 = 1 / float(b.omega), float(b.sigma), float(b.c0)
        with np.errstate(all="ignore"):
            val = c0 * np.asarray(f(x, mu, sig), dtype=float) * np.ones_like(x)
        lost = np.array([b._digits_lost(n, xi) for xi in x])
        bad = (lost > 6) | ~np.isfinite(val)
        for i in np.nonzero(bad)[0]:  # guard digits in mpmath, as the target does
            val[i] = float(b._template_moment(n, mpmath.mpf(float(x[i])), _mp_prec()))
            lost[i] = 0
        return val, np.abs(val) * EPS * (8 + 10.0 ** lost)

    def _ref_moment(self, n, x):
        """The exponential part of Q_n at the rates x: exact, rounded once."""
        f = _exp_moment_exact(n)
        out = np.empty(len(x))
        for k, xk in enumerate(x):
            q = gmpy2.mpq(float(xk))
            out[k] = float(sum((c * f(q, r) for c, r in self._ref_terms), gmpy2.mpq(0)))
        return out

    def _residuals(self, y):
        """R_n(w_k), n = 0, 1, 2 (shape (3, m)), and bounds on their rounding errors."""
        m = self.m
        u, v = y[:m], y[m:]
        w = self.w_ref + v
        R = np.empty((3, m))
        E = np.empty((3, m))
        for n in range(3):
            D = _offset_moment_float(n)
            em = _exp_moment_float(n)
            x = w[:, None]  # rows: k (where the moment is taken), columns: i (model terms)
            t1 = u[None, :] * em(x, w[None, :])
            t2 = self.a_ref[None, :] * D(x, self.w_ref[None, :], v[None, :])
            ref = self._ref_moment(n, w)
            tmpl, tmpl_err = self._template(n, w)
            R[n] = t1.sum(1) + t2.sum(1) + ref - tmpl
            # each term is accurate to a few ulps (no cancellation inside a term);
            # a sum of N terms adds at most N ulps of the largest
            N = 2 * m + 2
            E[n] = (EPS * (6 + N) * (np.abs(t1).sum(1) + np.abs(t2).sum(1) + np.abs(ref) + np.abs(tmpl))
                    + tmpl_err)
        return R, E

    def _args(self, y):
        th = self.theta(y)
        R, E = self._residuals(y)
        return list(th) + list(R.ravel()), E

    def gradient(self, y):
        """(grad J, a componentwise bound on its rounding error)."""
        args, E = self._args(y)
        g = np.array(self._fg(*args), dtype=float).ravel()
        J = np.array(self._fj(*args), dtype=float)
        return g, J @ E.ravel() + 4 * EPS * np.abs(g)

    def hessian(self, y):
        args, _ = self._args(y)
        return np.array(self._fh(*args), dtype=float)

    def value(self, theta):
        """J at theta (float64: |J(theta) - J(theta_0)| is O(1) - O(1), good to ~1e-16 absolute)."""
        return self.loss.value(list(theta[: self.m]), list(theta[self.m:]))


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
