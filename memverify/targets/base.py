"""`Target`: the base class of the kernels rho(t) (validation, precision, the
quadrature defaults that targets with closed forms override)."""

from __future__ import annotations

import mpmath
import numpy as np
import scipy.integrate

from .. import validation
from ..backends import Precision


def checked_times(ts, prec):
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
    the private ``_rho``, ``_moment`` and ``_norm2`` (which subclasses define)
    with converted numbers; ``rho_in``, ``moment_in`` and ``norm2_in`` call them
    at a precision the caller holds.

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
        t = validation.real(t, "t")
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t!r}")
        prec = Precision(dps, arb)
        with prec.context():
            return self._rho(prec.number(t), prec)

    def moment(self, n, s, dps=None, arb=False):
        """Laplace moment M_n(s) = int_0^inf t^n e^{-s t} rho(t) dt, s > 0."""
        n = validation.integer(n, "n", minimum=0)
        s = validation.positive(s, "s")
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

    # the same at a Precision the caller holds (library code evaluating many values at
    # one precision): s, t already numbers of prec's kind, inside prec.context()
    def rho_in(self, prec, t):
        """rho(t) at `prec` (a backends.Precision), t a number of its kind."""
        return self._rho(t, prec)

    def moment_in(self, prec, n, s):
        """M_n(s) at `prec` (a backends.Precision), s > 0 a number of its kind."""
        return self._moment(n, s, prec)

    def moments_in(self, prec, ns, s):
        """[M_n(s) for n in ns] at `prec`, s > 0 a number of its kind (a target whose
        closed form shares work between orders evaluates them together)."""
        return [self._moment(n, s, prec) for n in ns]

    def norm2_in(self, prec):
        """||rho||^2 at `prec` (a backends.Precision)."""
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
        raise NotImplementedError(f"{type(self).__name__} has no exponential part to split off")

    def template_moment(self, n, s, dps=None, arb=False):
        """The moment M_n(s) of rho - exponential_part() at one rate s, at the precision asked."""
        raise NotImplementedError(f"{type(self).__name__} has no exponential part to split off")

    def template_moment_in(self, prec, n, s):
        """`template_moment` at `prec` (a backends.Precision), s a number of its kind."""
        raise NotImplementedError(f"{type(self).__name__} has no exponential part to split off")

    def values(self, ts, dps=None):
        """rho at each point of ts (times >= 0): a float64 array (dps None) or an
        object array of mpf at `dps` digits."""
        prec = Precision(dps)
        ts = checked_times(ts, prec)
        with prec.context():
            return self._values(ts, prec)

    def primitive(self, ts, dps=None):
        """P(t) = int_0^t rho at the sorted times ts (closed forms where the target
        has them, else cumulative quadrature): an array as `values` gives."""
        prec = Precision(dps)
        ts = checked_times(ts, prec)
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
