"""The trapezoidal (sinc) rule in x = log s for (1 + t)^-alpha = Gamma(alpha)^-1
int_0^inf s^(alpha - 1) e^{-s(1 + t)} ds: `sinc_expsum`, `sinc_width`, and the width
the Appendix B route needs (`appendix_b_width`)."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import validation
from ..targets import PowerLaw
from .constructions import appendix_b_route
from .errors import expsum_error
from .result import ExpSumApprox


# ---------------------------------------------------------------------------
# the sinc-quadrature sum for power laws


def sinc_expsum(alpha, h, k_lo, k_hi, dps=None, shift=0.0):
    """(1+t)^-alpha = Gamma(alpha)^-1 int_R e^{alpha x - e^x} e^{-e^x t} dx, by the
    trapezoidal rule x_k = shift + k h, k = k_lo..k_hi: a_k = h e^{alpha x_k - e^{x_k}}/Gamma(alpha),
    w_k = e^{x_k}.  Returns (a, w) (floats, or mpf at dps)."""
    alpha = validation.positive(alpha, "alpha")
    shift = float(validation.real(shift, "shift"))
    h = validation.positive(h, "h")
    k_lo = validation.integer(k_lo, "k_lo")
    k_hi = validation.integer(k_hi, "k_hi")
    if k_hi < k_lo:
        raise ValueError(f"k_hi must be >= k_lo, got {k_lo}..{k_hi}")
    if dps is None:
        x = shift + np.arange(k_lo, k_hi + 1) * float(h)
        a = float(h) * np.exp(float(alpha) * x - np.exp(x)) / math.gamma(float(alpha))
        return tuple(a.tolist()), tuple(np.exp(x).tolist())
    with mpmath.workdps(dps):
        al, hh = mpmath.mpf(alpha), mpmath.mpf(h)
        xs = [mpmath.mpf(shift) + k * hh for k in range(k_lo, k_hi + 1)]
        g = mpmath.gamma(al)
        return (tuple(hh * mpmath.exp(al * x - mpmath.exp(x)) / g for x in xs),
                tuple(mpmath.exp(x) for x in xs))


def sinc_width(omega, eps, hs=None):
    """The narrowest sinc sum (over step sizes hs and end points) whose relative
    L1 error for rho = (1+t)^-(1+omega) is <= eps (float64 errors).  Returns an
    ExpSumApprox with error = its L1 error, relative_error = that over
    ||rho||_1 = 1/omega, and info {h, k_lo, k_hi}."""
    omega = float(validation.positive(omega, "omega"))
    eps = float(validation.positive(eps, "eps"))
    target = PowerLaw(1 + omega)
    mass = 1 / omega
    L = math.log(1 / eps)
    if hs is None:
        hs = [math.pi**2 / (L + c) for c in (1.0, 2.0, 3.0, 4.5, 6.0)]
    best = None
    for h in hs:
        # lower end: the tail sum_{k < k_lo} a_k/w_k ~ e^{omega x_lo}/(omega Gamma) <= eps mass / 3
        x_lo = math.log(eps / 3) / omega
        x_hi = math.log(L + 5)
        k_lo, k_hi = int(math.floor(x_lo / h)), int(math.ceil(x_hi / h))

        def rel(kl, kh):
            a, w = sinc_expsum(1 + omega, h, kl, kh)
            return expsum_error(target, a, w) / mass
        if rel(k_lo, k_hi) > eps:
            continue
        # trim from both ends while the error stays <= eps (error is monotone in each end)
        for side in ("lo", "hi"):
            step = 8
            while step >= 1:
                kl, kh = (k_lo + step, k_hi) if side == "lo" else (k_lo, k_hi - step)
                if kh > kl and rel(kl, kh) <= eps:
                    k_lo, k_hi = kl, kh
                else:
                    step //= 2
        m = k_hi - k_lo + 1
        if best is None or m < best[0]:
            best = (m, h, k_lo, k_hi)
    if best is None:
        raise RuntimeError(f"no sinc sum reached eps={eps} for omega={omega} with h in {hs}")
    m, h, k_lo, k_hi = best
    a, w = sinc_expsum(1 + omega, h, k_lo, k_hi)
    err = expsum_error(target, a, w)
    return ExpSumApprox(a, w, "L1", err, None, "sinc quadrature in log s (trapezoidal rule)",
                        info={"h": h, "k_lo": k_lo, "k_hi": k_hi}, relative_error=err / mass)


def appendix_b_width(omega, eps, m_max=4096):
    """The narrowest width on the grid m = ceil(2^(k/4)) at which the Appendix B
    route (T = (eps/2)^(-1/omega) - 1 so that the truncation costs eps/2 of
    the relative error, beta = 2/T) reaches relative L1 error <= eps for
    rho = (1+t)^-(1+omega).  Returns a dict (plain data); m is None when even
    m_max is not enough (then 'm_lower' says the width exceeds m_max)."""
    omega = float(validation.positive(omega, "omega"))
    eps = float(validation.positive(eps, "eps"))
    m_max = validation.integer(m_max, "m_max", minimum=1)
    mass = 1 / omega
    T = (eps / 2) ** (-1 / omega) - 1
    grid = sorted({max(1, math.ceil(2 ** (k / 4))) for k in range(0, int(4 * math.log2(m_max)) + 1)})
    tried = []
    for m in grid:
        err, cheb = appendix_b_route(omega, m, T)
        tried.append((m, err / mass))
        if err / mass <= eps:
            return {"m": m, "T": T, "beta": 2 / T, "relative_error": err / mass, "w_min": 1 / T,
                    "chebyshev_coefficients_of_Q": [float(c) for c in cheb],
                    "tried": tried}
    return {"m": None, "m_lower": m_max, "T": T, "beta": 2 / T, "w_min": 1 / T, "tried": tried,
            "relative_error": tried[-1][1]}
