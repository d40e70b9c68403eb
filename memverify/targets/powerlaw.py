"""`PowerLaw`: rho(t) = (1 + t)^(-alpha)."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision, PrecisionError, arb_midpoint
from .base import Target, checked_times
from .closed_forms import compiled_form, compiled_array


# the largest alpha accepted: beyond, mpmath's incomplete gamma function of 1 - alpha
# fails to converge (alpha = 1e9 at s = 1e9), arb's comes out NaN (alpha = 1e4 at
# s = 1e-10), and at alpha = 1e308 the closed form is wrong by orders of magnitude
MAX_ALPHA = 1000
# the most digits a moment works at: dps (30 for float64) + 10 + 5n + n |log10 s|, the
# guard digits of the closed form's cancellation; mpmath's incomplete gamma function
# costs ~D^2.3 (about 10 s at 1500 digits and s = 1e-300, 0.2 s at s = 1)
MAX_WORK_DIGITS = 1500


class PowerLaw(Target):
    """rho(t) = (1 + t)^(-alpha), 1/2 < alpha <= 1000 (square integrable; MAX_ALPHA).

    Moments of order n <= 8 (MAX_ORDER: sympy derives order n in about n/2 s on its
    first call), evaluated with guard digits for the closed form's cancellation, at
    D = dps + 10 + 5n + n |log10 s| digits (dps 30 for float64) <= 1500
    (MAX_WORK_DIGITS): every float64 s for n <= 4, |log10 s| <= 177 for n = 8.  For an
    integer alpha >= 3 the moments (float64 and mpmath) are evaluated in arb and rounded
    (mpmath's incomplete gamma function of a negative integer loses digits unnoticed)."""

    _fields = ("alpha",)
    MAX_ORDER = 8
    _ORDER_COST = "sympy derives the moment of order n in about n/2 s on its first call"

    def __init__(self, alpha):
        self.alpha = validation.real(alpha, "alpha")
        if not 0.5 < self.alpha <= MAX_ALPHA:
            raise ValueError(f"alpha must be in (1/2, {MAX_ALPHA}] (square integrable; beyond {MAX_ALPHA} the "
                             f"moments' incomplete gamma function of 1 - alpha is not resolved), got {alpha!r}")
        self._freeze()

    def spec(self):
        return f"PowerLaw(alpha={self.alpha})"

    def as_dict(self):
        return {"kind": "PowerLaw", "alpha": float(self.alpha)}

    def _rho(self, t, prec):
        return compiled_form("powerlaw", 0, prec.kind)(t, prec.number(self.alpha))

    def _moment(self, n, s, prec):
        # the closed form cancels for large and for small s, losing about
        # n |log10 s| digits: evaluate with guard digits and round at the end
        with mpmath.workdps(15):
            lost = n * abs(float(mpmath.log10(
                arb_midpoint(s) if prec.kind == "arb" else mpmath.mpf(s))))
        digits = (30 if prec.kind == "float" else prec.dps) + 10 + 5 * n
        if digits + lost > MAX_WORK_DIGITS:
            why = (f"the moment's closed form works at dps + 10 + 5n + n |log10 s| = {digits + lost:.0f} digits, "
                   f"more than PowerLaw's {MAX_WORK_DIGITS} (~10 s there)")
            if digits > MAX_WORK_DIGITS:
                raise ValueError(f"dps must be <= {MAX_WORK_DIGITS - 10 - 5 * n} for PowerLaw moments of order "
                                 f"n = {n} ({why}), got {prec.dps}")
            x = mpmath.nstr(arb_midpoint(s) if prec.kind == "arb" else s, 3)
            k = int((MAX_WORK_DIGITS - digits) / n)  # (n >= 1 here: lost = 0 at n = 0)
            raise ValueError(f"s must be in [1e-{k}, 1e{k}] for PowerLaw "
                             f"moments of order n = {n}{'' if prec.kind == 'float' else f' at dps={prec.dps}'} ({why}), "
                             f"got {x}")
        if prec.kind != "arb" and self.alpha >= 3 and self.alpha == int(self.alpha):
            return self._moment_through_arb(n, s, prec)
        f = compiled_form("powerlaw_moment", n, prec.kind)
        if prec.kind == "arb":
            # (ball arithmetic shows the cancellation as width)
            with prec.extra_digits((64 + 4 * n) / 3.33 + lost):
                out = f(s, prec.number(self.alpha))
            return +out
        if prec.kind == "float":
            with mpmath.workdps(30 + 5 * n + math.ceil(lost)):
                fm = compiled_form("powerlaw_moment", n, "mp")
                val = fm(mpmath.mpf(s), Precision(dps=15).number(self.alpha))
                out = float(val)
                if math.isinf(out) and mpmath.isfinite(val):  # (no second evaluation by Target)
                    raise PrecisionError(f"{self.spec()}: M_{n}({s!r}) = {mpmath.nstr(val, 3)} is beyond "
                                         "float64's range: pass dps=30 (mpmath) or arb=True")
                return out
        with prec.extra_digits(10 + 5 * n + lost):
            out = f(mpmath.mpf(s), prec.number(self.alpha))
        return +out

    def _moment_through_arb(self, n, s, prec):
        # integer alpha >= 3: mpmath's incomplete gamma function of the negative integer
        # 1 - alpha takes a path that loses digits without raising its precision (at 30
        # digits: alpha = 44, s = 100 off by 7e-4; alpha = 100, s = 170 by 1e28 times).
        # arb's is rigorous: evaluate there, and round the ball's midpoint if the ball is
        # as tight as the digits asked (float64: 30 digits, as the mpmath route)
        dps = 30 if prec.kind == "float" else prec.dps
        ball_prec = Precision(dps=dps, arb=True)
        with ball_prec.context():
            ball = self._moment(n, ball_prec.number(s), ball_prec)
        if not ball.rel_accuracy_bits() >= (53 if prec.kind == "float" else 3.33 * dps):
            raise PrecisionError(f"{self.spec()}: M_{n}({s}) is not resolved at {prec.describe()} (its arb "
                                 f"ball is {ball}): pass a larger dps")
        return float(arb_midpoint(ball)) if prec.kind == "float" else prec.number(ball)

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
