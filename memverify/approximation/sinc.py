"""The trapezoidal (sinc) rule in x = log s for (1 + t)^-alpha = Gamma(alpha)^-1
int_0^inf s^(alpha - 1) e^{-s(1 + t)} ds: `sinc_expsum`, `sinc_width`, and the width
the Appendix B route needs (`appendix_b_width`)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import scipy.special

from .. import validation
from ..targets import PowerLaw
from .constructions import APPENDIX_B_M_MAX, OMEGA_MIN, appendix_b_route
from .errors import M_MAX, expsum_error
from .result import ExpSumApprox

# The limits of the sinc sums and of the width searches (stated in docstrings and refusals):
X_RANGE = 700.0       # sinc nodes x_k = log w_k within [-700, 700]: the rates are float64 numbers
X_LO_MIN = -600.0     # a width search's slowest rate e^{x_lo} >= e^-600: its error grid stays in float64
SINC_M_MAX = 512      # the widest sinc sum `sinc_width` starts from (it trims ~m / 8 times, each an
#                       error of m terms: a start of 415 terms took 11 s)
EPS_MIN = 1e-12       # relative L1 errors a width search aims at (its errors are float64)
OMEGA_MAX = 100.0     # rho = (1+t)^-(1+omega), omega in [OMEGA_MIN, OMEGA_MAX] (constructions.check_omega)


def check_omega_eps(omega, eps):
    """(omega, eps) as floats, eps validated first: eps in [EPS_MIN, 1), omega in
    [OMEGA_MIN, OMEGA_MAX]."""
    eps = float(validation.tolerance(eps, "eps"))
    if eps < EPS_MIN:
        raise ValueError(f"eps must be >= {EPS_MIN:g} (the widths are searched with float64 errors), got {eps!r}")
    omega = float(validation.positive(omega, "omega"))
    if not OMEGA_MIN <= omega <= OMEGA_MAX:
        raise ValueError(f"omega must be in [{OMEGA_MIN:g}, {OMEGA_MAX:g}], got {omega!r}")
    return omega, eps


def default_steps(eps):
    """The step sizes `sinc_width` tries by default: pi^2 / (log(1/eps) + c), c = 1 .. 6."""
    L = math.log(1 / eps)
    return [math.pi**2 / (L + c) for c in (1.0, 2.0, 3.0, 4.5, 6.0)]


def _sinc_ends(omega, eps):
    """The node range [x_lo, x_hi] `sinc_width` starts from: the tail sum_{k < k_lo} a_k/w_k
    ~ e^{omega x_lo}/(omega Gamma) <= eps mass / 3 below, the double-exponential decay above."""
    return math.log(eps / 3) / omega, math.log(math.log(1 / eps) + 5)


def sinc_start_width(omega, eps, h=None):
    """The width `sinc_width` starts from at step h (default: its smallest default step,
    the widest start): (x_hi - x_lo)/h + 1, x_lo = log(eps/3)/omega (about
    log(3/eps) (log(1/eps) + 6) / (pi^2 omega) terms); every width the sinc and best routes
    of `curse_of_memory_row` try is at most this."""
    omega, eps = check_omega_eps(omega, eps)
    h = min(default_steps(eps)) if h is None else float(validation.positive(h, "h"))
    x_lo, x_hi = _sinc_ends(omega, eps)
    if not (math.isfinite(x_hi / h) and math.isfinite(x_lo / h)):
        raise ValueError(f"h={h!r} is too small: the sinc sum would have more than 1e300 terms")
    return int(math.ceil(x_hi / h)) - int(math.floor(x_lo / h)) + 1


def check_sinc_range(omega, eps, hs):
    """Refuse (ValueError naming omega and eps) a sinc search whose start is wider than
    SINC_M_MAX or whose slowest rate is below e^X_LO_MIN."""
    x_lo, x_hi = _sinc_ends(omega, eps)
    m0 = max(sinc_start_width(omega, eps, h) for h in hs)
    if m0 > SINC_M_MAX:
        raise ValueError(f"omega={omega:g}, eps={eps:g}: the sinc route would start from {m0} terms (about "
                         f"log(3/eps) (log(1/eps) + 6) / (pi^2 omega)), more than {SINC_M_MAX}: take a larger omega "
                         f"or eps")
    if x_lo - max(hs) < X_LO_MIN:
        raise ValueError(f"omega={omega:g}, eps={eps:g}: the sinc route's slowest rate e^(log(eps/3)/omega) = "
                         f"e^{x_lo:.0f} is below e^{X_LO_MIN:.0f}: take a larger omega or eps")
    # the rates stop at e^x_hi = log(1/eps) + 5: the mass of the rates beyond, a relative
    # Q(omega, e^x_hi) (regularised upper gamma) of ||rho||_1, is missing from every sum tried
    cut = float(scipy.special.gammaincc(omega, math.exp(x_hi)))
    if cut > 1.5 * eps:
        raise ValueError(f"omega={omega:g}, eps={eps:g}: the sinc route's fastest rate log(1/eps) + 5 = "
                         f"{math.exp(x_hi):.3g} leaves out a relative {cut:.2g} > eps of the mass of "
                         f"(1+t)^-(1+omega): take a smaller omega or a larger eps")
    return m0


# ---------------------------------------------------------------------------
# the sinc-quadrature sum for power laws


def sinc_expsum(alpha, h, k_lo, k_hi, dps=None, shift=0.0):
    """(1+t)^-alpha = Gamma(alpha)^-1 int_R e^{alpha x - e^x} e^{-e^x t} dx, by the
    trapezoidal rule x_k = shift + k h, k = k_lo..k_hi: a_k = h e^{alpha x_k - e^{x_k}}/Gamma(alpha),
    w_k = e^{x_k}.  Returns (a, w) (floats, or mpf at dps).

    Limits: at most M_MAX = 4096 terms; every node x_k in [-700, 700] (the rates are float64
    numbers); dps None or in [15, 10000] with terms * dps <= 4e6.  Float64 for alpha > 170
    (where Gamma(alpha) overflows) goes through mpmath and converts back."""
    alpha = validation.positive(alpha, "alpha")
    shift = float(validation.real(shift, "shift"))
    h = validation.positive(h, "h")
    k_lo = validation.integer(k_lo, "k_lo")
    k_hi = validation.integer(k_hi, "k_hi")
    if k_hi < k_lo:
        raise ValueError(f"k_hi must be >= k_lo, got {k_lo}..{k_hi}")
    if k_hi - k_lo + 1 > M_MAX:
        raise ValueError(f"k_hi - k_lo + 1 must be <= {M_MAX} terms, got {k_hi - k_lo + 1}")
    with mpmath.workdps(30):   # (the end nodes, without overflow for any finite h and shift)
        ends = [mpmath.mpf(shift) + k * mpmath.mpf(h) for k in (k_lo, k_hi)]
    if not all(-X_RANGE <= x <= X_RANGE for x in ends):
        raise ValueError(f"the nodes shift + k h must lie in [-{X_RANGE:g}, {X_RANGE:g}] (float64 rates e^x), got "
                         f"[{mpmath.nstr(ends[0], 5)}, {mpmath.nstr(ends[1], 5)}]: check h, k_lo, k_hi and shift")
    if dps is not None:
        dps = validation.digits(dps)
        if (k_hi - k_lo + 1) * dps > 4e6:
            raise ValueError(f"(k_hi - k_lo + 1) * dps must be <= 4e6, got {k_hi - k_lo + 1} terms at dps={dps}")
    if dps is None and float(alpha) > 170:   # Gamma(alpha) overflows float64
        a, w = sinc_expsum(alpha, h, k_lo, k_hi, dps=20, shift=shift)
        return tuple(float(x) for x in a), tuple(float(x) for x in w)
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
    ||rho||_1 = 1/omega, and info {h, k_lo, k_hi}.

    Limits: eps in [EPS_MIN = 1e-12, 1), omega in [1e-8, 100]; hs None (`default_steps`) or
    at most 16 steps in [0.001, 10]; the widest start (`sinc_start_width`) at most SINC_M_MAX
    = 512 terms and its slowest rate e^(log(eps/3)/omega) >= e^-600 (else ValueError naming
    omega and eps, before any work).  No sum reaching eps: ValueError naming hs."""
    omega, eps = check_omega_eps(omega, eps)
    if hs is None:
        hs = default_steps(eps)
    else:
        hs = validation.vector(hs, "hs", positive_entries=True)
        if len(hs) > 16 or not all(1e-3 <= h <= 10 for h in hs):
            raise ValueError(f"hs must be at most 16 steps in [0.001, 10], got {validation._short(hs)}")
        hs = [float(h) for h in hs]
    check_sinc_range(omega, eps, hs)
    target = PowerLaw(1 + omega)
    mass = 1 / omega
    best = None
    for h in hs:
        x_lo, x_hi = _sinc_ends(omega, eps)
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
        raise ValueError(f"no sinc sum reached relative error eps={eps:g} for omega={omega:g} with h in hs = "
                         f"{[round(h, 4) for h in hs]}: try smaller steps hs or a larger eps")
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
    m_max is not enough (then 'm_lower' says the width exceeds m_max).

    Limits: eps in [1e-12, 1), omega in [1e-8, 100], log10(2/eps)/omega <= 300 (T is a
    float64 number: `check_truncation`), 1 <= m_max <= APPENDIX_B_M_MAX = 4096 (the search
    up to 4096 takes about 10 s)."""
    omega, eps = check_omega_eps(omega, eps)
    m_max = validation.integer(m_max, "m_max", minimum=1, maximum=APPENDIX_B_M_MAX)
    check_truncation(omega, eps)
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


def check_truncation(omega, eps):
    """Refuse (ValueError naming omega and eps) the pairs whose truncation time
    T = (eps/2)^(-1/omega) - 1 (and so the bound shape omega eps^(-1/omega)) exceeds 1e300."""
    digits = math.log10(2 / eps) / omega
    if digits > 300:
        raise ValueError(f"omega={omega:g}, eps={eps:g}: (eps/2)^(-1/omega) = 1e{digits:.0f} is beyond float64 "
                         f"(log10(2/eps)/omega must be <= 300): take a larger omega or eps")
