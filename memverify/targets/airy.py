"""`Airy`: rho(t) = Ai(s0 (t - t0)), the target of Figure 1; moments by quadrature
(mpmath; certified with python-flint)."""

from __future__ import annotations

import math

import flint
import mpmath
import numpy as np
import scipy.special

from .. import validation
from ..backends import to_arb
from .base import Target


class Airy(Target):
    """rho(t) = Ai(s0 (t - t0)) (Figure 1); moments by quadrature."""

    _fields = ("s0", "t0")

    def __init__(self, s0, t0):
        self.s0 = validation.positive(s0, "s0")
        self.t0 = validation.real(t0, "t0")
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
