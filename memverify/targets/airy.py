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


# the most pieces the moments' quadrature splits [0, t0] into (at the oscillations of Ai):
# each costs 30 to 80 ms in float64 (mpmath quad at 30 digits), so a moment at most ~5 s
AIRY_MAX_PIECES = 64
# the mpmath quadrature of the moments (and integral) costs about 50 ms a piece at 30
# digits, growing like dps^2.2 (12 pieces: 0.45 s at 30 digits, 1.8 s at 100, 32 s at
# 400): pieces * (dps / 30)^2.2 must be <= AIRY_MAX_QUAD_WORK (~10 s; dps <= 50 at the
# most pieces, <= 107 at Airy(1, 5)).  The arb moments (acb.integral, no pieces) cost
# ~dps^2.7: 2 s at 500 digits, 17 s at 1000
AIRY_MAX_QUAD_WORK = 200
AIRY_MAX_ARB_DPS = 500
# the most digits of mpmath's Airy functions in norm2 (2 s at 3000 digits, 60 s at 10000;
# arb's take 0.03 s at 10000)
AIRY_MAX_MP_DPS = 3000


class Airy(Target):
    """rho(t) = Ai(s0 (t - t0)) (Figure 1); moments by quadrature.

    Moments (and `integral`, the moment M_0 at s = 0) split [0, t0] at the oscillations
    of Ai into ceil(s0 t0^1.5) pieces (and at least (s0 t0)^1.5 / 4 when s0 > 16, one
    oscillation a piece): at most AIRY_MAX_PIECES = 64, so t0 <= (64 / s0)^(2/3) for
    s0 <= 16 (t0 <= 16 at s0 = 1); orders n <= 20 (MAX_ORDER: the quadrature's cost
    doubles from n = 20 to 40).  Digits (the cost grows like dps^2 or faster, see the
    module's constants): mpmath moments and integral need pieces * (dps/30)^2.2 <= 200
    (dps <= 50 at 64 pieces, <= 107 at Airy(1, 5)), arb moments dps <= 500, mpmath
    norm2 dps <= 3000, mpmath primitive dps <= 100 (base.QUAD_MAX_DPS); rho and values
    take any dps."""

    _fields = ("s0", "t0")
    MAX_ORDER = 20
    _ORDER_COST = "the quadrature's cost grows with n: 5 s at n = 20 and 64 pieces, 9 s at n = 40"

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

    def _pieces(self):
        """The pieces the moments' quadrature splits [0, t0] into (ValueError beyond
        AIRY_MAX_PIECES, before any work)."""
        with mpmath.workdps(15):
            s0, t0 = mpmath.mpf(self.s0), max(mpmath.mpf(self.t0), 0)
            # ~4.7 pieces an oscillation at s0 = 1; for s0 > 16 at least one an oscillation
            # ((s0 t0)^1.5 (2/3) / (2 pi) of them on [0, t0])
            need = max(s0 * t0**1.5, (s0 * t0) ** 1.5 / 4 if s0 > 16 else 0)
            if need > AIRY_MAX_PIECES:
                most = (AIRY_MAX_PIECES / s0) ** (mpmath.mpf(2) / 3) if s0 <= 16 else 4 ** (mpmath.mpf(2) / 3) * (
                    AIRY_MAX_PIECES ** (mpmath.mpf(2) / 3)) / s0
                raise ValueError(f"t0 must be <= {mpmath.nstr(most, 3)} for s0 = {self.s0} (Airy moments split "
                                 f"[0, t0] at the oscillations of Ai into at most {AIRY_MAX_PIECES} pieces, "
                                 f"~50 ms each; t0 = {self.t0} needs {mpmath.nstr(mpmath.ceil(need), 3)})")
            return max(1, int(mpmath.ceil(need)))

    def _check_dps(self, prec, what, pieces=1):
        # the digits asked, within what the evaluation can deliver in seconds (see the
        # module's constants); before any work
        if prec.kind == "float":
            return
        if what == "norm2":
            limit = AIRY_MAX_MP_DPS if prec.kind == "mp" else None
        elif prec.kind == "arb":
            limit = AIRY_MAX_ARB_DPS
        else:
            limit = int(30 * (AIRY_MAX_QUAD_WORK / pieces) ** (1 / 2.2))
        if limit is not None and prec.dps > limit:
            why = (f"the quadrature over {pieces} pieces costs ~pieces * (dps/30)^2.2 * 50 ms; arb=True is faster, "
                   f"up to dps={AIRY_MAX_ARB_DPS}" if prec.kind == "mp" and what == "moments"
                   else "its cost grows like dps^2 or faster")
            raise ValueError(f"dps must be <= {limit} for {self.spec()} {what}"
                             f"{' with arb=True' if prec.kind == 'arb' else ''} ({why}), got {prec.dps}")

    def _moment(self, n, s, prec):
        pieces = self._pieces()
        self._check_dps(prec, "moments", pieces)
        if prec.kind == "arb":
            return self._moment_arb(n, s)
        dps = 20 if prec.kind == "float" else prec.dps
        with mpmath.workdps(dps + 10):
            s0, t0, sm = mpmath.mpf(self.s0), mpmath.mpf(self.t0), mpmath.mpf(s)
            X = mpmath.mpf(self._cutoff_x(3.4 * dps))
            tend = t0 + X / s0
            # split at the oscillations of Ai on [0, t0] so each piece is smooth
            pts = [mpmath.mpf(0)] + [t0 * k / pieces for k in range(1, pieces + 1) if t0 > 0]
            if not tend > pts[-1]:
                # Ai decays from t = 0 on (t0 < -X / s0): a finite first piece over which
                # the integrand falls by e^-X^1.5 (quad on [0, inf] alone erred by 1e-5
                # relative at t0 = -50), at the local rate s + s0 sqrt(s0 (0 - t0))
                tend = X ** 1.5 / (sm + s0 * max(1, mpmath.sqrt(s0 * -t0)))
            pts += [tend, mpmath.inf]
            if sm > 0 and 64 * (n + 1) / sm < pts[1]:
                # e^{-st} t^n lives within (n + 1)/s of 0, far inside the first piece (s = 1e100:
                # every node of the piece saw 0): split there too
                pts[1:1] = [(n + 1) * k / sm for k in (1, 8, 64)]
            f = lambda x: x**n * mpmath.exp(-sm * x) * mpmath.airyai(s0 * (x - t0))  # noqa: E731
            val = mpmath.quad(f, pts)
            if 0 < abs(val) < 1e-9:
                # quad stops at an absolute error of 10^-(dps+10): a value below 1e-9 (Ai far
                # beyond t0 < 0, or e^{-st} at large s) is integrated again scaled to 1
                scale = abs(val)
                val = mpmath.quad(lambda x: f(x) / scale, pts) * scale
        return float(val) if prec.kind == "float" else +val

    def _integral(self, prec):
        # M_0 at s = 0: the quadrature split at the oscillations (the default on fixed
        # pieces does not see them)
        return self._moment(0, 0, prec)

    def _float_kernel(self):
        # scipy's Ai (mpmath's costs 50 us to 1 ms a call, 10 s for one cumulative
        # quadrature over many oscillations); mpmath's where scipy gives NaN (|x| >= 1e7)
        s0, t0 = float(self.s0), float(self.t0)

        def f(t):
            x = s0 * (t - t0)
            v = scipy.special.airy(x)[0]
            return float(v) if math.isfinite(v) else float(mpmath.airyai(x))
        return f

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
        self._check_dps(prec, "norm2")
        if prec.kind == "arb":
            x0 = -to_arb(self.s0) * to_arb(self.t0)
            ai, aip, _, _ = x0.airy()
            return (aip**2 - x0 * ai**2) / to_arb(self.s0)
        dps = 20 if prec.kind == "float" else prec.dps
        with mpmath.workdps(dps + 10):
            x0 = -mpmath.mpf(self.s0) * mpmath.mpf(self.t0)
            val = (mpmath.airyai(x0, 1) ** 2 - x0 * mpmath.airyai(x0) ** 2) / mpmath.mpf(self.s0)
        return float(val) if prec.kind == "float" else +val
