"""Target kernels rho(t) and their Laplace moments.

Every target provides, at the precision asked (see `memverify.backends`):

- ``rho(t)``: the kernel itself;
- ``moment(n, s)``: the Laplace moment M_n(s) = int_0^inf t^n e^{-st} rho(t) dt;
- ``norm2()``: the squared L2 norm ||rho||^2 = int_0^inf rho(t)^2 dt.

Closed forms are derived with sympy (``sympy.integrate``, then (-d/ds)^n for
higher moments, since d/ds M_n = -M_{n+1}); the Airy kernel has no closed form
for its moments and uses quadrature (mpmath; rigorous with python-flint).
"""

from __future__ import annotations

import functools
import math

import flint
import mpmath
import numpy as np
import scipy.integrate
import scipy.special
import sympy as sp

from . import _validate
from .backends import ExpErfc, ExpUpperGamma, Precision, abs_bound, arb_midpoint, compile_exprs, to_arb

t, s = sp.symbols("t s", positive=True)
# the parameters of the closed forms (public: the symbolic modules substitute them)
w_sym, w2_sym, mu_sym, sigma_sym, alpha_sym = sp.symbols("w w2 mu sigma alpha", positive=True)
_tau = sp.Symbol("tau", positive=True)


def _expand_exponents(expr):
    return expr.replace(sp.exp, lambda x: sp.exp(sp.expand(x)))


# ---------------------------------------------------------------------------
# closed forms, derived once per process and cached


@functools.lru_cache(maxsize=None)
def exp_term_moment(n):
    """M_n(s) of the single exponential e^{-w t}: sympy gives n!/(s + w)^(n+1)."""
    # integrated at one positive rate u, then u = s + w (sympy is much faster on that form)
    u = sp.Symbol("u", positive=True)
    return sp.integrate(t**n * sp.exp(-u * t), (t, 0, sp.oo), conds="none").subs(u, s + w_sym)


@functools.lru_cache(maxsize=None)
def exp_pair_integral():
    """int_0^inf e^{-w t} e^{-w2 t} dt = 1/(w + w2), the Gram kernel of exponentials."""
    return sp.simplify(sp.integrate(sp.exp(-w_sym * t) * sp.exp(-w2_sym * t), (t, 0, sp.oo), conds="none"))


def gaussian_moment0_integrate():
    """M_0(s) of exp(-(t - mu)^2 / (2 sigma^2)) exactly as sympy.integrate gives it."""
    return sp.integrate(sp.exp(-s * t) * sp.exp(-(t - mu_sym) ** 2 / (2 * sigma_sym**2)),
                        (t, 0, sp.oo), conds="none")


@functools.lru_cache(maxsize=None)
def gaussian_moment(n):
    """M_n(s) of exp(-(t - mu)^2 / (2 sigma^2)) (completing the square; the
    test suite proves it equal to `gaussian_moment0_integrate` for n = 0).
    Written with ExpErfc(c, z) = e^c erfc(z) so that no evaluation overflows."""
    c = s**2 * sigma_sym**2 / 2 - s * mu_sym
    z = (s * sigma_sym**2 - mu_sym) / (sigma_sym * sp.sqrt(2))
    expr = sigma_sym * sp.sqrt(sp.pi / 2) * ExpErfc(c, z)
    expr = (-1) ** n * sp.diff(expr, s, n)
    return sp.collect(sp.expand(_expand_exponents(expr)), ExpErfc(c, z))


@functools.lru_cache(maxsize=None)
def gaussian_norm2():
    """int_0^inf exp(-(t - mu)^2 / sigma^2) dt."""
    return sp.simplify(sp.integrate(sp.exp(-(t - mu_sym) ** 2 / sigma_sym**2), (t, 0, sp.oo), conds="none"))


def powerlaw_kernel():
    """(1 + t)^(-alpha) and its symbols (t, alpha): the power law's one formula."""
    return (1 + t) ** (-alpha_sym), (t, alpha_sym)


def powerlaw_moment0_integrate():
    """M_0(s) of (1 + t)^(-alpha) exactly as sympy.integrate gives it."""
    return sp.integrate(sp.exp(-s * t) * powerlaw_kernel()[0], (t, 0, sp.oo), conds="none")


@functools.lru_cache(maxsize=None)
def powerlaw_moment(n):
    """M_n(s) of (1 + t)^(-alpha), with e^s Gamma(a, s) as ExpUpperGamma(a, s)."""
    m0 = powerlaw_moment0_integrate()
    m0 = m0.replace(sp.uppergamma, lambda a, x: ExpUpperGamma(a, x) * sp.exp(-x))
    if m0.has(sp.uppergamma) or m0.has(sp.exp):
        raise RuntimeError(f"unexpected form of the power-law moment from sympy: {m0}")
    return sp.simplify((-1) ** n * sp.diff(m0, s, n))


@functools.lru_cache(maxsize=None)
def powerlaw_tail():
    """int_t^inf (1 + u)^(-alpha) du (alpha > 1) as sympy derives it."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0].xreplace({t: _tau}), (_tau, t, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def powerlaw_primitive():
    """int_0^T (1+t)^(-alpha) dt as sympy derives it (alpha != 1), and its alpha = 1 form,
    in the symbols (T, alpha) = (t, alpha) of this module."""
    rho = powerlaw_kernel()[0].xreplace({t: _tau})
    general = sp.simplify(sp.integrate(rho, (_tau, 0, t), conds="none"))
    one = sp.integrate(rho.xreplace({alpha_sym: 1}), (_tau, 0, t))
    return general, one


@functools.lru_cache(maxsize=None)
def powerlaw_integral():
    """int_0^inf (1+t)^(-alpha) dt (alpha > 1)."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0], (t, 0, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def powerlaw_norm2():
    """int_0^inf (1 + t)^(-2 alpha) dt."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0] ** 2, (t, 0, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def _compiled(name, n, kind):
    """Compiled closed forms, keyed by name, moment order and number kind."""
    if name == "exp_moment":
        return compile_exprs([s, w_sym], exp_term_moment(n), kind)
    if name == "exp_pair":
        return compile_exprs([w_sym, w2_sym], exp_pair_integral(), kind)
    if name == "gauss_moment":
        return compile_exprs([s, mu_sym, sigma_sym], gaussian_moment(n), kind)
    if name == "gauss_moment_abs":  # [M_n, its terms' absolute sum]: the rounding scale with the value
        return compile_exprs([s, mu_sym, sigma_sym], [gaussian_moment(n), abs_bound(gaussian_moment(n))], kind)
    if name == "gauss_norm2":
        return compile_exprs([mu_sym, sigma_sym], gaussian_norm2(), kind)
    if name == "gauss":
        return compile_exprs([t, mu_sym, sigma_sym], sp.exp(-(t - mu_sym) ** 2 / (2 * sigma_sym**2)), kind)
    if name == "powerlaw_moment":
        return compile_exprs([s, alpha_sym], powerlaw_moment(n), kind)
    if name == "powerlaw_norm2":
        return compile_exprs([alpha_sym], powerlaw_norm2(), kind)
    if name == "powerlaw":
        return compile_exprs([t, alpha_sym], powerlaw_kernel()[0], kind)
    if name == "exp":
        return compile_exprs([t, w_sym], sp.exp(-w_sym * t), kind)
    if name == "powerlaw_primitive":
        return compile_exprs([t, alpha_sym], powerlaw_primitive()[n], kind)  # n = 1: the alpha = 1 form
    if name == "powerlaw_integral":
        return compile_exprs([alpha_sym], powerlaw_integral(), kind)
    raise KeyError(name)


@functools.lru_cache(maxsize=None)
def _gauss_ops(n):
    """The rounding count of the Gaussian moment's closed form, a sum of k terms: a term
    of q operations errs by at most q eps relative to itself, and summing k terms adds
    (k - 1) eps times their absolute sum, so (k - 1) + max q bounds the float64 error in
    units of eps times the terms' absolute sum (backends.abs_bound)."""
    terms = sp.Add.make_args(gaussian_moment(n))
    return len(terms) - 1 + max(int(sp.count_ops(t)) for t in terms)


@functools.lru_cache(maxsize=None)
def _compiled_array(name):
    """A closed form as a plain numpy function of float64 arrays."""
    if name == "powerlaw":
        return compile_exprs([t, alpha_sym], powerlaw_kernel()[0], "float", arrays=True)
    if name == "powerlaw_tail":
        return compile_exprs([t, alpha_sym], powerlaw_tail(), "float", arrays=True)
    if name == "powerlaw_primitive":
        return compile_exprs([t, alpha_sym], powerlaw_primitive()[0], "float", arrays=True)
    if name == "gauss_moments":  # M_0..M_3 in one call, and their terms by absolute value
        return compile_exprs([s, mu_sym, sigma_sym], [gaussian_moment(n) for n in range(4)]
                             + [abs_bound(gaussian_moment(n)) for n in range(4)], "float", arrays=True)
    raise KeyError(name)


# ---------------------------------------------------------------------------
# targets


def _times(ts, prec):
    """ts as a 1-d array of finite times >= 0 in prec's kind (float64, or mpf objects)."""
    if prec.kind == "float":
        arr = np.asarray(ts, dtype=float).reshape(-1)
        ok = bool(np.all(np.isfinite(arr)) and np.all(arr >= 0))
    else:
        arr = np.array([prec.number(x) for x in np.asarray(ts, dtype=object).reshape(-1)], dtype=object)
        ok = all(mpmath.isfinite(x) and x >= 0 for x in arr)
    if not ok:
        raise ValueError("ts must be finite times >= 0")
    return arr


class Target:
    """Base class: public methods validate and set the precision, then call
    the private ``_rho``, ``_moment`` and ``_norm2`` with converted numbers.

    A target is a value: immutable once built, equal to (and hashing like) every
    target of its class with the same parameters (`_fields`), so caches keyed by
    targets are keyed by value."""

    _fields = ()

    def _freeze(self):
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"{type(self).__name__} is immutable: build a new target instead of "
                                 f"setting {name!r}")
        object.__setattr__(self, name, value)

    def _key(self):
        return (type(self).__name__,) + tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other):
        return isinstance(other, Target) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def rho(self, t, dps=None, arb=False):
        """rho(t) at time t >= 0."""
        t = _validate.real(t, "t")
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t!r}")
        prec = Precision(dps, arb)
        with prec.context():
            return self._rho(prec.number(t), prec)

    def moment(self, n, s, dps=None, arb=False):
        """Laplace moment M_n(s) = int_0^inf t^n e^{-s t} rho(t) dt, s > 0."""
        n = _validate.integer(n, "n", minimum=0)
        s = _validate.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            return self._moment(n, prec.number(s), prec)

    def laplace(self, s, dps=None, arb=False):
        """Laplace transform L[rho](s) = M_0(s)."""
        return self.moment(0, s, dps=dps, arb=arb)

    def norm2(self, dps=None, arb=False):
        """Squared L2 norm int_0^inf rho(t)^2 dt."""
        prec = Precision(dps, arb)
        with prec.context():
            return self._norm2(prec)

    def exponential_part(self):
        """The exponential sum rho_bar = sum_j a*_j e^{-w*_j t} that rho contains exactly
        (an ExpSum), or None.  The flow's 'fast' method subtracts its moments from the
        model's exactly and evaluates only the rest (`template_moments`) in float64."""
        return None

    def template_moments(self, s):
        """The moments M_n of rho - exponential_part() (the memory template), n = 0..3,
        at the rates s (a float64 array): (values, bounds on their float64 errors),
        arrays of shape (4, len(s))."""
        raise NotImplementedError(f"{type(self).__name__} has no exponential part to split off")

    def template_moment(self, n, s, dps=None, arb=False):
        """The moment M_n(s) of rho - exponential_part() at one rate s, at the precision asked."""
        raise NotImplementedError(f"{type(self).__name__} has no exponential part to split off")

    def values(self, ts, dps=None):
        """rho at each point of ts (times >= 0): a float64 array (dps None) or an
        object array of mpf at `dps` digits."""
        prec = Precision(dps)
        ts = _times(ts, prec)
        with prec.context():
            return self._values(ts, prec)

    def primitive(self, ts, dps=None):
        """P(t) = int_0^t rho at the sorted times ts (closed forms where the target
        has them, else cumulative quadrature): an array as `values` gives."""
        prec = Precision(dps)
        ts = _times(ts, prec)
        if any(b < a for a, b in zip(ts[:-1], ts[1:])):
            raise ValueError("ts must be sorted (increasing)")
        with prec.context():
            return self._primitive(ts, prec)

    def integral(self, dps=None):
        """int_0^inf rho (a float, or an mpf at `dps` digits)."""
        prec = Precision(dps)
        with prec.context():
            return self._integral(prec)

    # the defaults: pointwise values and quadrature; targets with closed forms override them
    def _values(self, ts, prec):
        if prec.kind == "float":
            return np.array([float(self._rho(float(t), prec)) for t in ts], dtype=float)
        return np.array([self._rho(t, prec) for t in ts], dtype=object)

    def _primitive(self, ts, prec):
        if prec.kind == "float":
            # cumulative adaptive quadrature of the float64 kernel (scipy), piece by piece
            f = lambda x: float(self._rho(float(x), prec))  # noqa: E731
            out, acc, prev = [], 0.0, 0.0
            for t in ts:
                t = float(t)
                if t > prev:
                    acc += scipy.integrate.quad(f, prev, t, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                prev = t
                out.append(acc)
            return np.array(out, dtype=float)
        out, acc, prev = [], mpmath.mpf(0), mpmath.mpf(0)
        f = lambda x: self._rho(x, prec)  # noqa: E731
        with mpmath.workdps(prec.dps + 5):
            for t in ts:
                if t > prev:
                    acc = acc + mpmath.quad(f, [mpmath.mpf(prev), mpmath.mpf(t)])
                prev = t
                out.append(+acc)
        return np.array([+x for x in out], dtype=object)

    def _integral(self, prec):
        if prec.kind == "float":
            f = lambda x: float(self._rho(float(x), prec))  # noqa: E731
            return sum(scipy.integrate.quad(f, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                       for lo, hi in ((0, 1), (1, 10), (10, 100), (100, np.inf)))
        with mpmath.workdps(prec.dps + 5):
            out = mpmath.quad(lambda x: self._rho(x, prec), [0, 1, 10, 100, mpmath.inf])
        return +out

    def _params(self, prec, *values):
        return [prec.number(v) for v in values]

    def __repr__(self):
        return self.spec()


class ExpSum(Target):
    """rho(t) = sum_j a_j exp(-w_j t), rates w_j > 0 distinct."""

    _fields = ("a", "w")

    def __init__(self, a, w):
        self.w = _validate.vector(w, "w", positive_entries=True, distinct=True)
        self.a = _validate.vector(a, "a", length=len(self.w))
        self._freeze()

    def spec(self):
        return f"ExpSum(a={list(self.a)}, w={list(self.w)})"

    def as_dict(self):
        return {"kind": "ExpSum", "a": [float(x) for x in self.a], "w": [float(x) for x in self.w]}

    def _rho(self, t, prec):
        f = _compiled("exp", 0, prec.kind)
        return sum(prec.number(a) * f(t, prec.number(w)) for a, w in zip(self.a, self.w))

    def _moment(self, n, s, prec):
        f = _compiled("exp_moment", n, prec.kind)
        return sum(prec.number(a) * f(s, prec.number(w)) for a, w in zip(self.a, self.w))

    def _norm2(self, prec):
        k = _compiled("exp_pair", 0, prec.kind)
        a = [prec.number(x) for x in self.a]
        w = [prec.number(x) for x in self.w]
        return sum(a[i] * a[j] * k(w[i], w[j]) for i in range(len(a)) for j in range(len(a)))

    def _primitive(self, ts, prec):
        # int_0^t e^{-w u} du = -expm1(-w t)/w: no cancellation at small w t
        if prec.kind == "float":
            a, w = np.array(self.a, dtype=float), np.array(self.w, dtype=float)
            return np.sum(-a * np.expm1(-np.outer(ts, w)) / w, axis=1)
        a, w = [prec.number(x) for x in self.a], [prec.number(x) for x in self.w]
        return np.array([sum(-ai * mpmath.expm1(-wi * x) / wi for ai, wi in zip(a, w)) for x in ts], dtype=object)

    def _integral(self, prec):
        return sum(prec.number(a) / prec.number(w) for a, w in zip(self.a, self.w))

    def exponential_part(self):
        return self

    def template_moments(self, s):
        """Zero: an exponential sum has no template (see Target.template_moments)."""
        n = len(np.atleast_1d(s))
        return np.zeros((4, n)), np.zeros((4, n))

    def template_moment(self, n, s, dps=None, arb=False):
        """Zero (see MemoryBump.template_moment)."""
        n = _validate.integer(n, "n", minimum=0)
        s = _validate.positive(s, "s")
        return Precision(dps, arb).number(0)


class MemoryBump(Target):
    """rho_omega(t) = base(t) + c0 exp(-(t - 1/omega)^2 / (2 sigma^2))  (eqs. 20, 119).

    `base` is an ExpSum (the short-memory part rho_bar); the Gaussian is the
    memory template rho_{0,omega}(t) = rho_0(t - 1/omega)."""

    _fields = ("base", "omega", "c0", "sigma")

    def __init__(self, base, omega, c0=1.0, sigma=1.0):
        if not isinstance(base, ExpSum):
            raise TypeError(f"base must be an ExpSum, got {type(base).__name__}")
        self.base = base
        self.omega = _validate.positive(omega, "omega")
        self.c0 = _validate.real(c0, "c0")
        if self.c0 == 0:
            raise ValueError("c0 must be non-zero (the paper requires c0 != 0)")
        self.sigma = _validate.positive(sigma, "sigma")
        self._freeze()

    def spec(self):
        return f"MemoryBump(base={self.base.spec()}, omega={self.omega}, c0={self.c0}, sigma={self.sigma})"

    def as_dict(self):
        return {"kind": "MemoryBump", "base": self.base.as_dict(), "omega": float(self.omega),
                "c0": float(self.c0), "sigma": float(self.sigma)}

    def _mu(self, prec):
        return 1 / prec.number(self.omega)

    def _rho(self, t, prec):
        g = _compiled("gauss", 0, prec.kind)
        return self.base._rho(t, prec) + prec.number(self.c0) * g(t, self._mu(prec), prec.number(self.sigma))

    def template_moment(self, n, s, dps=None, arb=False):
        """Signed moment of the memory template, int_0^inf t^n e^{-st} rho_{0,omega}(t) dt.
        (The paper's Delta_{n,omega} of eq. 80 integrates |rho_{0,omega}|;
        for this Gaussian template that is |c0|/c0 times this.)"""
        n = _validate.integer(n, "n", minimum=0)
        s = _validate.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            return self._template_moment(n, prec.number(s), prec)

    def exponential_part(self):
        return self.base

    def template_moments(self, s):
        """The template's moments M_0..M_3 at the rates s (float64 array) and bounds on
        their errors, shape (4, len(s)) each: the closed form where its bound
        eps (8 |M_n| + F abs_bound(M_n)) (`_rounding_factor`) is at most 1e-10 |M_n|,
        else through mpmath with guard digits (8 eps); a moment below the float64 range
        is bounded by the smallest normal number."""
        x = np.asarray(s, dtype=float).reshape(-1)
        with np.errstate(all="ignore"):  # M_0..M_3 and their terms' absolute sums, in one call
            out = np.array(_compiled_array("gauss_moments")(x, 1 / float(self.omega), float(self.sigma)),
                           dtype=float) * np.ones((8, len(x)))
        val, ab = out[:4], out[4:]
        c0 = float(self.c0)
        eps, tiny = np.finfo(float).eps, np.finfo(float).tiny
        ops = np.array([_gauss_ops(n) for n in range(4)])[:, None]
        with np.errstate(all="ignore"):
            err = eps * (8 * np.abs(c0 * val)
                         + self._rounding_factor(np, ops, x[None, :], float(self.sigma), 1 / float(self.omega))
                         * abs(c0) * ab)
            val = c0 * val
        # beyond about 6 digits lost (or float64's range): mpmath with guard digits, 8 eps
        bad = ~(err <= 1e-10 * np.abs(val)) | ~np.isfinite(val)
        guard = Precision(dps=20)
        for n, i in zip(*np.nonzero(bad)):
            with guard.context():
                val[n, i] = float(self._template_moment(n, guard.number(float(x[i])), guard))
            err[n, i] = 8 * eps * abs(val[n, i])
        return val, err + np.where(np.abs(val) < tiny, tiny, 0.0)

    def template_norm2(self, dps=None, arb=False):
        """||rho_{0,omega}||^2 = c0^2 int_0^inf exp(-(t - 1/omega)^2 / sigma^2) dt, the loss on M*
        (Proposition C.1)."""
        prec = Precision(dps, arb)
        with prec.context():
            return self._template_norm2(prec)

    def delta(self, n, s, dps=None, arb=False):
        """The paper's Delta_{n,omega}(s) = int_0^inf t^n e^{-st} |rho_{0,omega}(t)| dt (eq. 80);
        |c0| times the Gaussian moment, since the template does not change sign."""
        n = _validate.integer(n, "n", minimum=0)
        s = _validate.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            return abs(self._template_moment(n, prec.number(s), prec))

    @staticmethod
    def _rounding_factor(lib, ops, s, sigma, mu):
        # F with |float64 closed form - M_n| <= eps (F abs_bound(M_n)) before the final
        # roundings: ops u (u = eps/2) for its operations (_gauss_ops); e^c erfc(z)
        # carries the rounding of its arguments: c = s (s sigma^2/2 - mu) is computed to
        # 3u relative, which moves e^c by 1.5 |c| eps, and z to 4u, which moves
        # e^{-z^2} erfcx(z) by 2z dz = 4 z^2 eps (z > 0); for z > 0 it is evaluated as
        # e^{c - z^2} erfcx(z), and the rounding of z^2 and of c - z^2 moves it by
        # 0.5 z^2 + 0.5 |c - z^2| eps more (missed before: at omega = 0.05, sigma = 2,
        # s = 8.07, M_0 erred by 1.04 times the bound); 4 eps for erfc / erfcx and exp.
        # max(z, 0) as (z + |z|)/2: one expression for floats, mpf and arrays
        z = (s * sigma * sigma - mu) / (sigma * lib.sqrt(2))
        z = (z + abs(z)) / 2
        c = s * (s * sigma * sigma / 2 - mu)
        return ops / 2 + 1.5 * abs(c) + 4.5 * z * z + 0.5 * abs(c - z * z) + 4

    def _digits_lost(self, n, s):
        """Decimal digits the Gaussian closed form of M_n loses at s: log10 of F times
        its terms' absolute sum (backends.abs_bound of the derived moment) over |M_n|,
        F the terms' relative rounding (`_rounding_factor`), so that 10^lost eps |M_n|
        bounds the float64 evaluation's error."""
        return self._float_moment_and_lost(n, s)[1]

    def _float_moment_and_lost(self, n, s):
        # (M_n(s) in float64 from the closed form, the digits it lost); where float64
        # cannot tell (beyond its range, or more than 12 digits lost: the value, and so
        # the ratio, is noise) the digits come from mpmath and the value is None
        try:
            x = float(s)
        except OverflowError:
            x = math.inf
        if math.isfinite(x) and x > 0:
            mu, sg = 1 / float(self.omega), float(self.sigma)
            val, ab = _compiled("gauss_moment_abs", n, "float")(x, mu, sg)
            if val != 0 and math.isfinite(val) and math.isfinite(ab):
                lost = math.ceil(math.log10(self._rounding_factor(math, _gauss_ops(n), x, sg, mu) * ab / abs(val)))
                if lost <= 12:
                    return val, lost
        return None, self._digits_lost_mp(n, s)

    def _digits_lost_mp(self, n, s):
        # the same in mpmath, with digits enough to see the cancellation: the arguments'
        # rounding alone can take hundreds (|c| ~ s^2 sigma^2 / 2)
        with mpmath.workdps(15):
            x = mpmath.mpf(s)
            dps = 30 + int(mpmath.ceil(mpmath.log10(self._rounding_factor(mpmath, _gauss_ops(n), x,
                                                                          mpmath.mpf(self.sigma),
                                                                          1 / mpmath.mpf(self.omega)))))
        for _ in range(4):
            dps *= 2
            prec = Precision(dps=dps)
            with prec.context():
                x, mu, sg = prec.number(s), self._mu(prec), prec.number(self.sigma)
                val, ab = _compiled("gauss_moment_abs", n, "mp")(x, mu, sg)
                if val != 0:
                    lost = mpmath.log10(self._rounding_factor(mpmath, _gauss_ops(n), x, sg, mu) * ab / abs(val))
                    if lost <= dps - 10:  # else val itself is noise at these digits, and so the ratio
                        return int(mpmath.ceil(lost))
        raise ArithmeticError(f"the Gaussian moment M_{n}({s}) cancels beyond {dps - 10} digits")

    def _template_moment(self, n, s, prec):
        # the closed form cancels (see _digits_lost): evaluate it with that many
        # guard digits and round at the end; float64 goes through mpmath when it
        # would lose more than 3 digits (its error bound 10^lost eps)
        if prec.kind == "float":
            val, lost = self._float_moment_and_lost(n, s)
            if val is not None and lost <= 3:
                return prec.number(self.c0) * val
            mprec = Precision(dps=20)
            with mprec.context():
                return float(self._template_moment(n, mprec.number(s), mprec))
        lost = self._digits_lost(n, s)
        f = _compiled("gauss_moment", n, prec.kind)
        with prec.extra_digits(5 + lost):
            out = prec.number(self.c0) * f(s, self._mu(prec), prec.number(self.sigma))
        return +out

    def _moment(self, n, s, prec):
        return self.base._moment(n, s, prec) + self._template_moment(n, s, prec)

    def _norm2(self, prec):
        # ||base + g||^2 = ||base||^2 + 2 <base, g> + ||g||^2, and <e^{-wt}, g> = M_0[g](w)
        cross = sum(prec.number(a) * self._template_moment(0, prec.number(w), prec)
                    for a, w in zip(self.base.a, self.base.w))
        return self.base._norm2(prec) + 2 * cross + self._template_norm2(prec)

    def _template_norm2(self, prec):
        g2 = _compiled("gauss_norm2", 0, prec.kind)(self._mu(prec), prec.number(self.sigma))
        return prec.number(self.c0) ** 2 * g2


class PowerLaw(Target):
    """rho(t) = (1 + t)^(-alpha), alpha > 1/2 (square integrable)."""

    _fields = ("alpha",)

    def __init__(self, alpha):
        self.alpha = _validate.real(alpha, "alpha")
        if not self.alpha > 0.5:
            raise ValueError(f"alpha must be > 1/2 (square integrable), got {alpha!r}")
        self._freeze()

    def spec(self):
        return f"PowerLaw(alpha={self.alpha})"

    def as_dict(self):
        return {"kind": "PowerLaw", "alpha": float(self.alpha)}

    def _rho(self, t, prec):
        return _compiled("powerlaw", 0, prec.kind)(t, prec.number(self.alpha))

    def _moment(self, n, s, prec):
        f = _compiled("powerlaw_moment", n, prec.kind)
        # the closed form cancels for large and for small s, losing about
        # n |log10 s| digits: evaluate with guard digits and round at the end
        with mpmath.workdps(15):
            lost = n * abs(float(mpmath.log10(
                arb_midpoint(s) if prec.kind == "arb" else mpmath.mpf(s))))
        if prec.kind == "arb":
            # (ball arithmetic shows the cancellation as width)
            with prec.extra_digits((64 + 4 * n) / 3.33 + lost):
                out = f(s, prec.number(self.alpha))
            return +out
        if prec.kind == "float":
            with mpmath.workdps(30 + 5 * n + math.ceil(lost)):
                fm = _compiled("powerlaw_moment", n, "mp")
                return float(fm(mpmath.mpf(s), Precision(dps=15).number(self.alpha)))
        with prec.extra_digits(10 + 5 * n + lost):
            out = f(mpmath.mpf(s), prec.number(self.alpha))
        return +out

    def _norm2(self, prec):
        return _compiled("powerlaw_norm2", 0, prec.kind)(prec.number(self.alpha))

    def _values(self, ts, prec):
        if prec.kind == "float":
            return np.asarray(_compiled_array("powerlaw")(ts, float(self.alpha)), dtype=float)
        return super()._values(ts, prec)

    def _primitive(self, ts, prec):
        if self.alpha == 1:
            f = _compiled("powerlaw_primitive", 1, prec.kind)
        elif prec.kind == "float":
            return np.asarray(_compiled_array("powerlaw_primitive")(ts, float(self.alpha)), dtype=float)
        else:
            f = _compiled("powerlaw_primitive", 0, prec.kind)
        al = prec.number(self.alpha)
        return np.array([f(x, al) for x in ts], dtype=float if prec.kind == "float" else object)

    def tail(self, ts):
        """int_t^inf rho at each time of ts (float64 array; alpha > 1), without the
        cancellation of integral() - primitive() at large t."""
        self._check_integrable()
        ts = _times(ts, Precision())
        return np.asarray(_compiled_array("powerlaw_tail")(ts, float(self.alpha)), dtype=float)

    def _check_integrable(self):
        if not self.alpha > 1:
            raise ValueError(f"int rho up to infinity needs alpha > 1, got PowerLaw(alpha={self.alpha}) "
                             "(not integrable)")

    def _integral(self, prec):
        self._check_integrable()
        return _compiled("powerlaw_integral", 0, prec.kind)(prec.number(self.alpha))


class Airy(Target):
    """rho(t) = Ai(s0 (t - t0)) (Figure 1); moments by quadrature."""

    _fields = ("s0", "t0")

    def __init__(self, s0, t0):
        self.s0 = _validate.positive(s0, "s0")
        self.t0 = _validate.real(t0, "t0")
        self._freeze()

    def spec(self):
        return f"Airy(s0={self.s0}, t0={self.t0})"

    def as_dict(self):
        return {"kind": "Airy", "s0": float(self.s0), "t0": float(self.t0)}

    def _rho(self, t, prec):
        if prec.kind == "arb":
            return (to_arb(self.s0) * (t - to_arb(self.t0))).airy_ai()
        if prec.kind == "float":
            return float(mpmath.airyai(self.s0 * (t - self.t0)))
        return mpmath.airyai(mpmath.mpf(self.s0) * (t - mpmath.mpf(self.t0)))

    def _values(self, ts, prec):
        if prec.kind == "float":
            # scipy's Ai, vectorised (mpmath's is ~1000x slower)
            return scipy.special.airy(float(self.s0) * (np.asarray(ts, dtype=float) - float(self.t0)))[0]
        return super()._values(ts, prec)

    def _cutoff_x(self, bits):
        # beyond x = s0 (t - t0) >= X, |Ai(x)| <= e^{-2/3 x^{3/2}} / (2 sqrt(pi)) is below 2^-bits
        return max(1.0, (1.5 * (bits + 20) * math.log(2)) ** (2 / 3))

    def _moment(self, n, s, prec):
        if prec.kind == "arb":
            return self._moment_arb(n, s)
        dps = 20 if prec.kind == "float" else prec.dps
        with mpmath.workdps(dps + 10):
            s0, t0, sm = mpmath.mpf(self.s0), mpmath.mpf(self.t0), mpmath.mpf(s)
            tend = t0 + mpmath.mpf(self._cutoff_x(3.4 * dps)) / s0
            # split at the oscillations of Ai on [0, t0] so each piece is smooth
            pieces = max(1, int(mpmath.ceil(s0 * max(t0, 0) ** 1.5)))
            pts = [mpmath.mpf(0)] + [t0 * k / pieces for k in range(1, pieces + 1) if t0 > 0]
            pts += [p for p in (tend,) if p > pts[-1]] + [mpmath.inf]
            val = mpmath.quad(lambda x: x**n * mpmath.exp(-sm * x) * mpmath.airyai(s0 * (x - t0)), pts)
        return float(val) if prec.kind == "float" else +val

    def _moment_arb(self, n, s):
        s0, t0 = to_arb(self.s0), to_arb(self.t0)
        s = to_arb(s)
        X = self._cutoff_x(flint.ctx.prec)
        T = t0 + flint.arb(X) / s0
        if not T > 0:
            T = flint.arb(X) / s0
        f = lambda x, _analytic: x**n * (-s * x).exp() * (s0 * (x - t0)).airy_ai()
        body = flint.acb.integral(f, 0, T).real
        # tail: for x = s0 (t - t0) >= X >= 1, x^{3/2} >= sqrt(X) x, so
        # |Ai(x)| <= e^{-2/3 sqrt(X) s0 (t - t0)} / (2 sqrt(pi))  (DLMF 9.7.15 with x^{1/4} >= 1)
        lam = s + 2 * flint.arb(X).sqrt() * s0 / 3
        pref = (2 * flint.arb(X).sqrt() * s0 * t0 / 3).exp() / (2 * flint.arb.pi().sqrt())
        tail = pref * (lam * T).gamma_upper(n + 1) / lam ** (n + 1)
        return body + flint.arb(0, tail.upper())

    def _norm2(self, prec):
        # int_{x0}^inf Ai(x)^2 dx = Ai'(x0)^2 - x0 Ai(x0)^2 (since d/dx [x Ai^2 - Ai'^2] = Ai^2)
        if prec.kind == "arb":
            x0 = -to_arb(self.s0) * to_arb(self.t0)
            ai, aip, _, _ = x0.airy()
            return (aip**2 - x0 * ai**2) / to_arb(self.s0)
        dps = 20 if prec.kind == "float" else prec.dps
        with mpmath.workdps(dps + 10):
            x0 = -mpmath.mpf(self.s0) * mpmath.mpf(self.t0)
            val = (mpmath.airyai(x0, 1) ** 2 - x0 * mpmath.airyai(x0) ** 2) / mpmath.mpf(self.s0)
        return float(val) if prec.kind == "float" else +val


# The one grammar of target specs, for the numeric targets (parse_target) and the
# symbolic families (symbolic.targets.specialise): name -> (parameter names, defaults)
SPEC_GRAMMAR = {"expsum": (("K",), (2,)), "bump": (("OMEGA",), (0.1,)),
                "powerlaw": (("ALPHA",), (1.5,)), "airy": (("S0", "T0"), (1.0, 5.0))}
SPEC_HELP = "expsum[:K], bump[:OMEGA], powerlaw[:ALPHA] or airy[:S0,T0]"


def parse_spec(spec):
    """A target spec 'name[:p1,p2,...]' read by SPEC_GRAMMAR: (name, parameters,
    given), the parameters as numbers (K an int >= 1, the others finite floats) with
    the defaults filled in, given True where the spec states a parameter."""
    if not isinstance(spec, str):
        raise TypeError(f"target spec must be a string, got {type(spec).__name__}")
    name, colon, arg = spec.partition(":")
    if name not in SPEC_GRAMMAR:
        raise ValueError(f"unknown target spec {spec!r}: expected {SPEC_HELP}")
    names, defaults = SPEC_GRAMMAR[name]
    if not colon:
        return name, defaults, (False,) * len(names)
    parts = arg.split(",")
    if len(parts) != len(names):
        raise ValueError(f"target spec {spec!r} is malformed: {name} takes {':'.join(names[:1])}"
                         f"{''.join(',' + x for x in names[1:])}")
    values = []
    for pname, text in zip(names, parts):
        try:
            value = int(text) if pname == "K" else float(text)
        except ValueError:
            raise ValueError(f"target spec {spec!r} is malformed: {pname} = {text!r} is not "
                             f"{'an integer' if pname == 'K' else 'a number'}") from None
        if pname == "K" and value < 1:
            raise ValueError(f"target spec {spec!r} is malformed: K must be >= 1, got {value}")
        if pname != "K" and not math.isfinite(value):
            raise ValueError(f"target spec {spec!r} is malformed: {pname} must be finite, got {value}")
        values.append(value)
    return name, tuple(values), (True,) * len(names)


def parse_target(spec, m=None):
    """A target from a spec (parse_spec): 'expsum[:K]' (K terms (-1)^j/(j+1) e^{-(j+1) t},
    default 2), 'bump[:OMEGA]' (MemoryBump on e^{-t}, omega = 0.1), 'powerlaw[:ALPHA]'
    (1.5) or 'airy[:S0,T0]' (1, 5)."""
    name, p, _ = parse_spec(spec)
    try:
        if name == "expsum":
            k = p[0]
            return ExpSum([(-1) ** j * 1.0 / (j + 1) for j in range(k)], [float(j + 1) for j in range(k)])
        if name == "bump":
            return MemoryBump(ExpSum([1.0], [1.0]), omega=p[0])
        if name == "powerlaw":
            return PowerLaw(p[0])
        return Airy(*p)
    except ValueError as exc:
        raise ValueError(f"target spec {spec!r} is malformed: {exc}") from None
