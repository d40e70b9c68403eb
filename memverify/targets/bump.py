"""`MemoryBump`: an exponential sum plus the Gaussian memory template at 1/omega
(eqs. 20, 119), with the template's moments and their float64 error bounds."""

from __future__ import annotations

import math

import flint
import mpmath
import numpy as np

from .. import validation
from ..backends import Precision, PrecisionError
from .base import Target, checked_rates
from .closed_forms import compiled_form, compiled_array, gauss_ops
from .expsum import ExpSum

# arb: the guard digits of a first evaluation of the template moments, kept where the
# balls come out as tight as the working precision (the closed form loses 2 to 5 digits
# at s = 0.01 .. 20 with 1/omega = 40; more where z = (s sigma^2 - mu)/(sigma sqrt 2) >> 1)
ARB_FIRST_GUARD_DPS = 8


class MemoryBump(Target):
    """rho_omega(t) = base(t) + c0 exp(-(t - 1/omega)^2 / (2 sigma^2))  (eqs. 20, 119).

    `base` is an ExpSum (the short-memory part rho_bar); the Gaussian is the
    memory template rho_{0,omega}(t) = rho_0(t - 1/omega).

    Moments of order n <= 12 (MAX_ORDER): sympy derives the Gaussian moment of order n
    from order n - 1, and the first call of order 12 takes about 4 s (order 20 would take
    15 s; each later call is fast).  omega, c0 and sigma may be any finite numbers (omega,
    sigma > 0, c0 != 0): where float64 cannot hold an intermediate (sigma^2 at
    sigma = 1e300, 1/omega at omega = 5e-324, c0^2 at c0 = 1e308) the value is evaluated
    in mpmath and rounded back, and a value beyond float64's range raises PrecisionError
    naming dps=..."""

    _fields = ("base", "omega", "c0", "sigma")
    MAX_ORDER = 12
    _ORDER_COST = "deriving the Gaussian moment of order n costs about n^3 / 500 s on the first call"

    def __init__(self, base, omega, c0=1.0, sigma=1.0):
        if not isinstance(base, ExpSum):
            raise TypeError(f"base must be an ExpSum, got {type(base).__name__}")
        self.base = base
        self.omega = validation.positive(omega, "omega")
        self.c0 = validation.real(c0, "c0")
        if self.c0 == 0:
            raise ValueError("c0 must be non-zero (the paper requires c0 != 0)")
        self.sigma = validation.positive(sigma, "sigma")
        self._freeze()

    def spec(self):
        return f"MemoryBump(base={self.base.spec()}, omega={self.omega}, c0={self.c0}, sigma={self.sigma})"

    def as_dict(self):
        return {"kind": "MemoryBump", "base": self.base.as_dict(), "omega": float(self.omega),
                "c0": float(self.c0), "sigma": float(self.sigma)}

    def _mu(self, prec):
        return 1 / prec.number(self.omega)

    def _rho(self, t, prec):
        g = compiled_form("gauss", 0, prec.kind)
        return self.base._rho(t, prec) + prec.number(self.c0) * g(t, self._mu(prec), prec.number(self.sigma))

    def template_moment(self, n, s, dps=None, arb=False):
        """Signed moment of the memory template, int_0^inf t^n e^{-st} rho_{0,omega}(t) dt.
        (The paper's Delta_{n,omega} of eq. 80 integrates |rho_{0,omega}|;
        for this Gaussian template that is |c0|/c0 times this.)  Orders n <= MAX_ORDER;
        float64: PrecisionError where the value is beyond its range."""
        n = self._order(n)
        s = validation.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            x = prec.number(s)
            return self._resolved(prec, lambda: f"template M_{n}({s!r})",
                                  lambda p: self._template_moment(n, p.number(x), p))

    def template_moment_in(self, prec, n, s):
        """The template's signed moment M_n(s) at `prec`, s a number of its kind."""
        if prec.kind == "float":
            return self._in_float(lambda: f"template M_{n}({s!r})",
                                  lambda p: self._template_moment(n, p.number(s), p))
        return self._template_moment(n, s, prec)

    def exponential_part(self):
        return self.base

    def template_moments(self, s):
        """The template's moments M_0..M_3 at the rates s (float64 array) and bounds on
        their errors, shape (4, len(s)) each: the closed form where its bound
        eps (8 |M_n| + F abs_bound(M_n)) (`_rounding_factor`) is at most 1e-10 |M_n|,
        else through mpmath with guard digits (8 eps); a moment below the float64 range
        is bounded by the smallest normal number."""
        x = checked_rates(s)
        with np.errstate(all="ignore"):  # M_0..M_3 and their terms' absolute sums, in one call
            # mu and sigma as numpy scalars: a subexpression in them alone that leaves
            # float64's range (sigma^-2 at sigma = 1e-308) gives inf for the check below,
            # where Python floats raised ZeroDivisionError or OverflowError
            mu, sg = np.float64(1.0) / np.float64(self.omega), np.float64(self.sigma)
            out = np.array(compiled_array("gauss_moments")(x, mu, sg), dtype=float) * np.ones((8, len(x)))
        val, ab = out[:4], out[4:]
        c0 = float(self.c0)
        eps, tiny = np.finfo(float).eps, np.finfo(float).tiny
        ops = np.array([gauss_ops(n) for n in range(4)])[:, None]
        with np.errstate(all="ignore"):
            err = eps * (8 * np.abs(c0 * val)
                         + self._rounding_factor(np, ops, x[None, :], sg, mu)
                         * abs(c0) * ab)
            val = c0 * val
        # beyond about 6 digits lost (or float64's range): mpmath with guard digits, 8 eps
        bad = ~(err <= 1e-10 * np.abs(val)) | ~np.isfinite(val)
        guard = Precision(dps=20)
        for n, i in zip(*np.nonzero(bad)):
            with guard.context():
                val[n, i] = float(self._template_moment(n, guard.number(float(x[i])), guard))
            if not math.isfinite(val[n, i]):
                raise PrecisionError(f"{self.spec()}: the template moment M_{n}({float(x[i])!r}) is beyond "
                                     "float64's range: pass dps=30 (mpmath)")
            err[n, i] = 8 * eps * abs(val[n, i])
        return val, err + np.where(np.abs(val) < tiny, tiny, 0.0)

    def template_norm2(self, dps=None, arb=False):
        """||rho_{0,omega}||^2 = c0^2 int_0^inf exp(-(t - 1/omega)^2 / sigma^2) dt, the loss on M*
        (Proposition C.1)."""
        prec = Precision(dps, arb)
        with prec.context():
            return self._resolved(prec, lambda: "||template||^2", self._template_norm2)

    def delta(self, n, s, dps=None, arb=False):
        """The paper's Delta_{n,omega}(s) = int_0^inf t^n e^{-st} |rho_{0,omega}(t)| dt (eq. 80);
        |c0| times the Gaussian moment, since the template does not change sign."""
        n = self._order(n)
        s = validation.positive(s, "s")
        prec = Precision(dps, arb)
        with prec.context():
            x = prec.number(s)
            return abs(self._resolved(prec, lambda: f"Delta_{n}({s!r})",
                                      lambda p: self._template_moment(n, p.number(x), p)))

    @staticmethod
    def _rounding_factor(lib, ops, s, sigma, mu):
        # F with |float64 closed form - M_n| <= eps (F abs_bound(M_n)) before the final
        # roundings: ops u (u = eps/2) for its operations (gauss_ops); e^c erfc(z)
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
            val, ab = compiled_form("gauss_moment_abs", n, "float")(x, mu, sg)
            if val != 0 and math.isfinite(val) and math.isfinite(ab):
                factor = self._rounding_factor(math, gauss_ops(n), x, sg, mu)
                # (in logarithms: the product overflows float64 at huge s, e.g. 3e102)
                if math.isfinite(factor) and factor > 0 and ab > 0:
                    lost = math.ceil(math.log10(factor) + math.log10(ab) - math.log10(abs(val)))
                    if lost <= 12:
                        return val, lost
        return None, self._digits_lost_mp(n, s)

    def _digits_lost_mp(self, n, s):
        # the same in mpmath, with digits enough to see the cancellation: the arguments'
        # rounding alone can take hundreds (|c| ~ s^2 sigma^2 / 2)
        with mpmath.workdps(15):
            x = mpmath.mpf(s)
            dps = 30 + int(mpmath.ceil(mpmath.log10(self._rounding_factor(mpmath, gauss_ops(n), x,
                                                                          mpmath.mpf(self.sigma),
                                                                          1 / mpmath.mpf(self.omega)))))
        for _ in range(4):
            dps *= 2
            prec = Precision(dps=dps)
            with prec.context():
                x, mu, sg = prec.number(s), self._mu(prec), prec.number(self.sigma)
                val, ab = compiled_form("gauss_moment_abs", n, "mp")(x, mu, sg)
                if val != 0:
                    lost = mpmath.log10(self._rounding_factor(mpmath, gauss_ops(n), x, sg, mu) * ab / abs(val))
                    if lost <= dps - 10:  # else val itself is noise at these digits, and so the ratio
                        return int(mpmath.ceil(lost))
        # (a PrecisionError is an ArithmeticError, the type raised here before)
        raise PrecisionError(f"{self.spec()}: the Gaussian moment M_{n}({s}) cancels beyond {dps - 10} digits "
                             "in its closed form")

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
        return self._template_moments((n,), s, prec)[0]

    def _template_moments(self, ns, s, prec):
        # mpmath or arb: the orders ns in one compiled call (e^c erfc(z) and the Gaussian
        # factor once), with the guard digits of the order that loses the most.  An arb
        # ball shows whether its guard digits were enough: it is tried with
        # ARB_FIRST_GUARD_DPS first, and the digits lost are counted only where the ball
        # is wider than the working precision (the count costs as much as the moments)
        f = compiled_form("gauss_moments", tuple(ns), prec.kind)
        out = None
        if prec.kind == "arb":
            with prec.context():
                bits = flint.ctx.prec
            out = self._template_moments_at(f, s, prec, ARB_FIRST_GUARD_DPS)
            if not all(v.rel_accuracy_bits() >= bits for v in out):
                out = None
        if out is None:
            out = self._template_moments_at(f, s, prec, 5 + max(self._digits_lost(n, s) for n in ns))
        return [+v for v in out]

    def _template_moments_at(self, f, s, prec, guard):
        with prec.extra_digits(guard):
            c0 = prec.number(self.c0)
            return [c0 * v for v in f(s, self._mu(prec), prec.number(self.sigma))]

    def _moment(self, n, s, prec):
        return self.base._moment(n, s, prec) + self._template_moment(n, s, prec)

    def moments_in(self, prec, ns, s):
        """[M_n(s) for n in ns]: in mpmath and arb the template's orders are evaluated
        in one compiled call, which computes e^c erfc(z) and the Gaussian factor once
        (two orders at 42 digits: 119 against 161 us one by one), with the guard digits
        of the order that loses the most."""
        if prec.kind == "float":
            return [self.moment_in(prec, n, s) for n in ns]
        return [self.base._moment(n, s, prec) + v for n, v in zip(ns, self._template_moments(ns, s, prec))]

    def _norm2(self, prec):
        # ||base + g||^2 = ||base||^2 + 2 <base, g> + ||g||^2, and <e^{-wt}, g> = M_0[g](w)
        cross = sum(prec.number(a) * self._template_moment(0, prec.number(w), prec)
                    for a, w in zip(self.base.a, self.base.w))
        return self.base._norm2(prec) + 2 * cross + self._template_norm2(prec)

    def _integral(self, prec):
        # int_0^inf rho = the base's integral + the Gaussian's moment M_0 at s = 0 (the
        # closed form, continuous there: sigma sqrt(pi/2) erfc(-mu / (sigma sqrt 2))).
        # The default quadrature on fixed pieces missed a bump far out (1/omega = 1e9)
        g = compiled_form("gauss_moments", (0,), prec.kind)(prec.number(0), self._mu(prec),
                                                             prec.number(self.sigma))[0]
        return self.base._integral(prec) + prec.number(self.c0) * g

    def _template_norm2(self, prec):
        g2 = compiled_form("gauss_norm2", 0, prec.kind)(self._mu(prec), prec.number(self.sigma))
        return prec.number(self.c0) ** 2 * g2
