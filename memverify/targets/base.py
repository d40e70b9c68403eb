"""`Target`: the base class of the kernels rho(t) (validation, precision, the
quadrature defaults that targets with closed forms override)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import scipy.integrate
from mpmath.libmp import NoConvergence

from .. import validation
from ..backends import Precision, PrecisionError

# A float64 result that comes out NaN or inf (an intermediate beyond float64's range:
# 171! in n!/(s+w)^(n+1), sigma^2 in a Gaussian at sigma = 1e300, ...) is evaluated again
# in mpmath, whose exponent range is unbounded, at FALLBACK_DPS digits and rounded back:
# the right value where it is representable (one below float64's range rounds to 0 or a
# subnormal, as float64 arithmetic itself does), else PrecisionError naming dps=...
FALLBACK_DPS = 30
# the most digits of the default mpmath quadratures (primitive of targets without a
# closed form: MemoryBump, Airy)
QUAD_MAX_DPS = 100
# what a float64 evaluation may raise where an intermediate leaves float64's range
_FLOAT_TROUBLE = (OverflowError, ZeroDivisionError, FloatingPointError)


def checked_times(ts, prec):
    """ts as a 1-d array of finite times >= 0 in prec's kind (float64, or mpf objects):
    a non-empty one-dimensional sequence (or array) of real numbers, else ValueError or
    TypeError naming ts."""
    if isinstance(ts, np.ndarray) and ts.dtype.kind in "iuf":  # (the common case, vectorised)
        if ts.ndim != 1 or ts.size == 0:
            raise ValueError(f"ts must be a non-empty one-dimensional array, got shape {ts.shape}")
        ts = ts.astype(float)
    else:
        ts = validation.vector(ts, "ts")
    if prec.kind == "float":
        arr = np.asarray(ts, dtype=float).reshape(-1)
        ok = bool(np.all(np.isfinite(arr)) and np.all(arr >= 0))
    else:
        arr = np.array([prec.number(x) for x in ts], dtype=object)
        ok = all(mpmath.isfinite(x) and x >= 0 for x in arr)
    if not ok:
        raise ValueError("ts must be finite times >= 0")
    return arr


def checked_rates(s):
    """s as a 1-d float64 array of finite rates > 0 (template_moments' argument), else
    ValueError or TypeError naming s."""
    try:
        x = np.asarray(s, dtype=float).reshape(-1)
    except OverflowError:  # a Python integer beyond float64 (10**400)
        raise ValueError("s must be an array of finite rates > 0 within float64's range") from None
    except (TypeError, ValueError):
        raise TypeError(f"s must be an array of rates > 0, got {type(s).__name__}") from None
    if x.size == 0 or not np.all(x > 0) or not np.all(np.isfinite(x)):
        raise ValueError(f"s must be a non-empty array of finite rates > 0, got {np.array2string(x[:4])}"
                         f"{'...' if x.size > 4 else ''}".replace("\n", " "))
    return x


class Target:
    """Base class: public methods validate and set the precision, then call
    the private ``_rho``, ``_moment`` and ``_norm2`` (which subclasses define)
    with converted numbers; ``rho_in``, ``moment_in`` and ``norm2_in`` call them
    at a precision the caller holds.

    A target is a value: immutable once built, equal to (and hashing like) every
    target of its class with the same parameters (`_fields`), so caches keyed by
    targets are keyed by value.

    No method returns NaN or inf: a float64 result that comes out non-finite is
    evaluated again in mpmath (FALLBACK_DPS digits) and rounded back, and a value beyond
    float64's range raises PrecisionError naming dps=...; an mpmath or arb result that is
    not finite raises PrecisionError.  Moment orders are limited per target
    (MAX_ORDER, `_ORDER_COST` says why)."""

    _fields = ()
    # the largest moment order n accepted, and why (subclasses set their own)
    MAX_ORDER = 1000
    _ORDER_COST = "the limit of moment orders"

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
        t = validation.real(t, "t")
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t!r}")
        prec = Precision(dps, arb)
        with prec.context():
            x = prec.number(t)
            return self._resolved(prec, lambda: f"rho({t!r})", lambda p: self._rho(p.number(x), p))

    def moment(self, n, s, dps=None, arb=False):
        """Laplace moment M_n(s) = int_0^inf t^n e^{-s t} rho(t) dt, s > 0, order
        0 <= n <= MAX_ORDER (the target's limit).  float64: PrecisionError where the
        value is beyond float64's range (pass dps=...)."""
        n = self._order(n)
        s = validation.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            x = prec.number(s)
            return self._resolved(prec, lambda: f"M_{n}({s!r})", lambda p: self._moment(n, p.number(x), p))

    def laplace(self, s, dps=None, arb=False):
        """Laplace transform L[rho](s) = M_0(s)."""
        return self.moment(0, s, dps=dps, arb=arb)

    def norm2(self, dps=None, arb=False):
        """Squared L2 norm int_0^inf rho(t)^2 dt (float64: PrecisionError where it is
        beyond float64's range)."""
        prec = Precision(dps, arb)
        with prec.context():
            return self._resolved(prec, lambda: "||rho||^2", self._norm2)

    def _order(self, n):
        # the moment order, within the target's limit (its cost grows with n)
        try:
            return validation.integer(n, "n", minimum=0, maximum=self.MAX_ORDER)
        except ValueError as exc:
            raise ValueError(f"{exc} ({type(self).__name__}: {self._ORDER_COST})") from None

    def _resolved(self, prec, what, compute):
        """compute(prec), as the public methods return it: float64 through `_in_float`
        (never NaN or inf); an mpmath or arb result that is not finite, or mpmath failing
        to converge, raises PrecisionError.  `what()` names the quantity for messages."""
        if prec.kind == "float":
            return self._in_float(what, compute)
        try:
            out = compute(prec)
        except NoConvergence as exc:
            raise self._no_convergence(what, exc) from None
        if not _finite(out):
            other = "pass dps=... without arb=True (mpmath)" if prec.kind == "arb" else "pass a larger dps"
            raise PrecisionError(f"{self.spec()}: {what()} is not resolved at {prec.describe()} (got {out}): "
                                 f"{other}")
        return out

    def _in_float(self, what, compute):
        # float64 first (the fast path: one isfinite test more); where it overflows or
        # gives NaN or inf, mpmath (see FALLBACK_DPS)
        try:
            out = compute(_FLOAT)
            if math.isfinite(out):
                return out
        except PrecisionError:
            raise
        except _FLOAT_TROUBLE:
            pass
        except NoConvergence as exc:  # (targets whose float64 route runs through mpmath)
            raise self._no_convergence(what, exc) from None
        return self._via_mpmath(what, compute)

    def _no_convergence(self, what, exc):
        return PrecisionError(f"{self.spec()}: {what()} did not converge in mpmath ({exc}): "
                              "pass a larger dps")

    def _via_mpmath(self, what, compute):
        """compute at FALLBACK_DPS digits in mpmath, rounded to float64; PrecisionError
        where the value is beyond float64's range (or mpmath cannot resolve it either)."""
        prec = Precision(dps=FALLBACK_DPS)
        with prec.context():
            try:
                val = compute(prec)
            except NoConvergence as exc:
                raise self._no_convergence(what, exc) from None
            out = float(val)
            if math.isfinite(out):
                return out
            if mpmath.isfinite(val):
                raise PrecisionError(f"{self.spec()}: {what()} = {mpmath.nstr(val, 3)} is beyond float64's range: "
                                     f"pass dps={FALLBACK_DPS} (mpmath) or arb=True")
        raise PrecisionError(f"{self.spec()}: {what()} is not resolved in float64 nor in mpmath at "
                             f"{FALLBACK_DPS} digits (got {val}): pass a larger dps")

    # the same at a Precision the caller holds (library code evaluating many values at
    # one precision): s, t already numbers of prec's kind, inside prec.context().
    # float64 goes through `_in_float` (never NaN or inf); mpmath and arb are returned as
    # computed (the caller checks them: Loss re-evaluates a wide arb ball in mpmath)
    def rho_in(self, prec, t):
        """rho(t) at `prec` (a backends.Precision), t a number of its kind."""
        if prec.kind == "float":
            return self._in_float(lambda: f"rho({t!r})", lambda p: self._rho(p.number(t), p))
        return self._rho(t, prec)

    def moment_in(self, prec, n, s):
        """M_n(s) at `prec` (a backends.Precision), s > 0 a number of its kind."""
        if prec.kind == "float":
            return self._in_float(lambda: f"M_{n}({s!r})", lambda p: self._moment(n, p.number(s), p))
        return self._moment(n, s, prec)

    def moments_in(self, prec, ns, s):
        """[M_n(s) for n in ns] at `prec`, s > 0 a number of its kind (a target whose
        closed form shares work between orders evaluates them together)."""
        return [self.moment_in(prec, n, s) for n in ns]

    def norm2_in(self, prec):
        """||rho||^2 at `prec` (a backends.Precision)."""
        if prec.kind == "float":
            return self._in_float(lambda: "||rho||^2", self._norm2)
        return self._norm2(prec)

    def exponential_part(self):
        """The exponential sum rho_bar = sum_j a*_j e^{-w*_j t} that rho contains exactly
        (an ExpSum), or None.  The flow's 'fast' method subtracts its moments from the
        model's exactly and evaluates only the rest (`template_moments`) in float64."""
        return None

    def decay_exponent(self):
        """alpha where rho(t) decays like t^-alpha as t -> inf (algebraic, long memory);
        None where it decays exponentially or faster."""
        return None

    @property
    def integrable(self):
        """Whether int_0^inf |rho| is finite (the L1 norm on [0, inf) exists)."""
        return True

    def template_moments(self, s):
        """The moments M_n of rho - exponential_part() (the memory template), n = 0..3,
        at the rates s (a float64 array): (values, bounds on their float64 errors),
        arrays of shape (4, len(s))."""
        raise NoTemplate(f"{type(self).__name__} has no exponential part to split off (template moments are for MemoryBump and ExpSum)")

    def template_moment(self, n, s, dps=None, arb=False):
        """The moment M_n(s) of rho - exponential_part() at one rate s, at the precision asked."""
        raise NoTemplate(f"{type(self).__name__} has no exponential part to split off (template moments are for MemoryBump and ExpSum)")

    def template_moment_in(self, prec, n, s):
        """`template_moment` at `prec` (a backends.Precision), s a number of its kind."""
        raise NoTemplate(f"{type(self).__name__} has no exponential part to split off (template moments are for MemoryBump and ExpSum)")

    def values(self, ts, dps=None):
        """rho at each point of ts (times >= 0): a float64 array (dps None) or an
        object array of mpf at `dps` digits."""
        prec = Precision(dps)
        ts = checked_times(ts, prec)
        with prec.context():
            out = self._values(ts, prec)
            if prec.kind == "float" and not np.all(np.isfinite(out)):
                # the entries float64 could not resolve, one by one (see FALLBACK_DPS)
                out = np.array(out, dtype=float)
                for i in np.flatnonzero(~np.isfinite(out)):
                    x = float(ts[i])
                    out[i] = self._via_mpmath(lambda: f"rho({x!r})", lambda p: self._rho(p.number(x), p))
            return self._checked_array(prec, out, "values")

    def primitive(self, ts, dps=None):
        """P(t) = int_0^t rho at the sorted times ts (closed forms where the target
        has them, else cumulative quadrature, in mpmath at dps <= 100): an array as
        `values` gives."""
        prec = Precision(dps)
        ts = checked_times(ts, prec)
        if any(b < a for a, b in zip(ts[:-1], ts[1:])):
            raise ValueError("ts must be sorted (increasing)")
        with prec.context():
            try:
                out = self._primitive(ts, prec)
            except PrecisionError:
                raise
            except _FLOAT_TROUBLE:
                if prec.kind != "float":
                    raise
                out = np.array([np.nan])
            if prec.kind == "float" and not np.all(np.isfinite(out)):
                # float64 could not resolve it: the whole primitive in mpmath, rounded back
                mp = Precision(dps=FALLBACK_DPS)
                with mp.context():
                    out = mp.to_float(self._primitive(np.array([mp.number(x) for x in ts], dtype=object), mp))
            return self._checked_array(prec, out, "primitive")

    def integral(self, dps=None):
        """int_0^inf rho (a float, or an mpf at `dps` digits)."""
        prec = Precision(dps)
        with prec.context():
            return self._resolved(prec, lambda: "int_0^inf rho", self._integral)

    def _checked_array(self, prec, out, what):
        if not prec.all_finite(out):
            where = "beyond float64's range" if prec.kind == "float" else f"not resolved at {prec.describe()}"
            hint = f"pass dps={FALLBACK_DPS} (mpmath)" if prec.kind == "float" else "pass a larger dps"
            raise PrecisionError(f"{self.spec()}: {what} has entries {where}: {hint}")
        return out

    # the defaults: pointwise values and quadrature; targets with closed forms override them
    def _values(self, ts, prec):
        if prec.kind == "float":
            return np.array([float(self._rho(float(t), prec)) for t in ts], dtype=float)
        return np.array([self._rho(t, prec) for t in ts], dtype=object)

    def _float_kernel(self):
        """rho as a float64 function of one float time, for the quadratures below."""
        return lambda x: float(self._rho(float(x), _FLOAT))  # noqa: E731

    def _primitive(self, ts, prec):
        if prec.kind == "float":
            # cumulative adaptive quadrature of the float64 kernel (scipy), piece by piece
            f = self._float_kernel()
            out, acc, prev = [], 0.0, 0.0
            for t in ts:
                t = float(t)
                if t > prev:
                    acc += scipy.integrate.quad(f, prev, t, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                prev = t
                out.append(acc)
            return np.array(out, dtype=float)
        if prec.dps > QUAD_MAX_DPS:
            raise ValueError(f"dps must be <= {QUAD_MAX_DPS} for {type(self).__name__}.primitive (a cumulative "
                             f"mpmath quadrature, whose cost grows like dps^2.5: ~2 s for three pieces of "
                             f"Airy(1, 5) at 100 digits, 28 s at 300), got {prec.dps}")
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
            f = self._float_kernel()
            return sum(scipy.integrate.quad(f, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                       for lo, hi in ((0, 1), (1, 10), (10, 100), (100, np.inf)))
        with mpmath.workdps(prec.dps + 5):
            out = mpmath.quad(lambda x: self._rho(x, prec), [0, 1, 10, 100, mpmath.inf])
        return +out

    def _params(self, prec, *values):
        return [prec.number(v) for v in values]

    def __repr__(self):
        return self.spec()


_FLOAT = Precision()


class NoTemplate(NotImplementedError, TypeError):
    """A target without an exponential part asked for its template's moments: a
    TypeError (the wrong kind of target, as the input contract asks) and the
    NotImplementedError it was before (so no handler breaks)."""


def _finite(x):
    """x (a float, mpf or arb) is a finite number."""
    if type(x).__name__ == "arb":
        return x.is_finite()
    return bool(mpmath.isfinite(x))
