"""Widths that reach an error eps, per route: `best_width` and the table of the
curse of memory (`curse_of_memory_row`)."""

from __future__ import annotations

import math
import dataclasses

import mpmath

from .. import validation
from ..targets import PowerLaw
from .best import best_l1
from .constructions import appendix_b_expsum
from .errors import golden_max, expsum_error
from .sinc import appendix_b_width, sinc_expsum, sinc_width


def _sinc_start(omega, m, eps):
    """The best m-term sinc sum over its lower end x_lo (golden search; upper end
    fixed by the double-exponential decay), float64 errors."""
    target = PowerLaw(1 + omega)
    x_hi = math.log(math.log(1 / eps) + 5)

    def make(x_lo):
        h = (x_hi - x_lo) / max(m - 1, 1)
        return sinc_expsum(1 + omega, h, 0, m - 1, shift=x_lo)

    def err(x_lo):
        a, w = make(x_lo)
        return expsum_error(target, a, w)
    x, _ = golden_max(lambda x: -err(x), 2 * math.log(eps / 3) / omega, x_hi - 1.0, 30)
    return make(x)


def best_width(omega, eps, m_hi, maxiter=300):
    """The narrowest m <= m_hi for which the best L1 sum found (BFGS from the best
    m-term sinc sum) reaches relative L1 error <= eps for rho = (1+t)^-(1+omega);
    bisection in m (assumes the error found decreases with m).  Returns the
    ExpSumApprox (its L1 error in `error`, the relative one, times omega, in
    `relative_error`) and the list of (m, relative error) tried."""
    omega = float(validation.positive(omega, "omega"))
    eps = float(validation.positive(eps, "eps"))
    m_hi = validation.integer(m_hi, "m_hi", minimum=1)
    target = PowerLaw(1 + omega)
    tried, found = [], {}

    def attempt(m):
        a0, w0 = _sinc_start(omega, m, eps)
        r = best_l1(target, m, None, None, a0, w0, maxiter, False)  # float64 errors
        rel = float(r.error) * omega
        tried.append((m, rel))
        found[m] = r
        return rel <= eps
    lo, hi = 0, m_hi
    if not attempt(m_hi):
        return None, tried
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if attempt(mid):
            hi = mid
        else:
            lo = mid
    return dataclasses.replace(found[hi], relative_error=float(found[hi].error) * omega), tried


def curse_of_memory_row(omega, eps, routes=("appendix_b", "sinc", "best"), m_max=4096):
    """One cell of the m(omega, eps) table for rho = (1+t)^-(1+omega) and relative
    L1 error eps: the paper's bound shape omega eps^(-1/omega) and, per route,
    the width reached, its error and w_min.  Plain data."""
    omega = float(validation.positive(omega, "omega"))
    eps = float(validation.positive(eps, "eps"))
    for r in routes:
        if r not in ("appendix_b", "sinc", "best"):
            raise ValueError(f"routes must be among 'appendix_b', 'sinc', 'best', got {r!r}")
    import time
    row = {"omega": omega, "eps": eps, "bound_shape": omega * eps ** (-1 / omega)}
    sinc = None
    for route in routes:
        t0 = time.perf_counter()
        if route == "appendix_b":
            out = appendix_b_width(omega, eps, m_max)
            if out["m"] is not None and out["m"] <= 64:
                # the sum itself (its coefficients cancel: about 0.8 m digits are needed)
                a, w = appendix_b_expsum(omega, out["m"], out["T"], dps=30)
                digits = int(0.8 * out["m"]) + 30
                with mpmath.workdps(digits + 10):
                    out["sum"] = {"m": out["m"], "a": [mpmath.nstr(x, digits) for x in a],
                                  "w": [mpmath.nstr(x, digits) for x in w],
                                  "note": f"phi(t) = sum a_j e^(-w_j t); the a_j cancel to about "
                                          f"{int(0.77 * out['m'])} digits: evaluate with {digits} digits"}
        elif route == "sinc" or (route == "best" and sinc is None):
            sinc = sinc_width(omega, eps)
            out = {"m": sinc.m, "relative_error": float(sinc.relative_error), "w_min": float(sinc.w_min),
                   "sum": sinc.as_dict()}
            if route == "sinc":
                row["sinc"] = {**out, "seconds": time.perf_counter() - t0}
                continue
        if route == "best":
            t0 = time.perf_counter()
            r, tried = best_width(omega, eps, sinc.m)
            out = {"m": None if r is None else r.m, "tried": tried,
                   "relative_error": None if r is None else float(r.relative_error),
                   "w_min": None if r is None else float(r.w_min),
                   "sum": None if r is None else r.as_dict()}
        out["seconds"] = time.perf_counter() - t0
        row[route] = out
    return row
