"""`PowerLaw`: rho(t) = (1 + t)^(-alpha)."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision, arb_midpoint
from .base import Target, checked_times
from .closed_forms import compiled_form, compiled_array


class PowerLaw(Target):
    """rho(t) = (1 + t)^(-alpha), alpha > 1/2 (square integrable)."""

    _fields = ("alpha",)

    def __init__(self, alpha):
        self.alpha = validation.real(alpha, "alpha")
        if not self.alpha > 0.5:
            raise ValueError(f"alpha must be > 1/2 (square integrable), got {alpha!r}")
        self._freeze()

    def spec(self):
        return f"PowerLaw(alpha={self.alpha})"

    def as_dict(self):
        return {"kind": "PowerLaw", "alpha": float(self.alpha)}

    def _rho(self, t, prec):
        return compiled_form("powerlaw", 0, prec.kind)(t, prec.number(self.alpha))

    def _moment(self, n, s, prec):
        f = compiled_form("powerlaw_moment", n, prec.kind)
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
                fm = compiled_form("powerlaw_moment", n, "mp")
                return float(fm(mpmath.mpf(s), Precision(dps=15).number(self.alpha)))
        with prec.extra_digits(10 + 5 * n + lost):
            out = f(mpmath.mpf(s), prec.number(self.alpha))
        return +out

    def _norm2(self, prec):
        return compiled_form("powerlaw_norm2", 0, prec.kind)(prec.number(self.alpha))

    def _values(self, ts, prec):
        if prec.kind == "float":
            return np.asarray(compiled_array("powerlaw")(ts, float(self.alpha)), dtype=float)
        return super()._values(ts, prec)

    def _primitive(self, ts, prec):
        if self.alpha == 1:
            f = compiled_form("powerlaw_primitive", 1, prec.kind)
        elif prec.kind == "float":
            return np.asarray(compiled_array("powerlaw_primitive")(ts, float(self.alpha)), dtype=float)
        else:
            f = compiled_form("powerlaw_primitive", 0, prec.kind)
        al = prec.number(self.alpha)
        return np.array([f(x, al) for x in ts], dtype=float if prec.kind == "float" else object)

    def tail(self, ts):
        """int_t^inf rho at each time of ts (float64 array; alpha > 1), without the
        cancellation of integral() - primitive() at large t."""
        self._check_integrable()
        ts = checked_times(ts, Precision())
        return np.asarray(compiled_array("powerlaw_tail")(ts, float(self.alpha)), dtype=float)

    def decay_exponent(self):
        """alpha: rho(t) ~ t^-alpha."""
        return float(self.alpha)

    @property
    def integrable(self):
        """alpha > 1."""
        return self.alpha > 1

    def _check_integrable(self):
        if not self.integrable:
            raise ValueError(f"int rho up to infinity needs alpha > 1, got PowerLaw(alpha={self.alpha}) "
                             "(not integrable)")

    def _integral(self, prec):
        self._check_integrable()
        return compiled_form("powerlaw_integral", 0, prec.kind)(prec.number(self.alpha))
