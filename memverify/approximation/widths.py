"""Widths that reach an error eps, per route: `best_width` and the table of the
curse of memory (`curse_of_memory_row`)."""

from __future__ import annotations

import math
import dataclasses

import mpmath

from .. import validation
from ..targets import PowerLaw
from .best import best_l1
from .constructions import APPENDIX_B_M_MAX, appendix_b_expsum
from .errors import golden_max, expsum_error
from .sinc import (X_LO_MIN, appendix_b_width, check_omega_eps, check_sinc_range, check_truncation, default_steps,
                   sinc_expsum, sinc_start_width, sinc_width)

# The limits of the best route (stated in docstrings and refusals): up to log2(m_hi) + 1 BFGS
# runs of up to maxiter steps on sums of up to m_hi terms
BEST_M_MAX = 32
BEST_MAXITER_MAX = 1000
ROUTES = ("appendix_b", "sinc", "best")


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
    # (the search's lower end stays where the rates are float64 numbers with float64 grids)
    x, _ = golden_max(lambda x: -err(x), max(2 * math.log(eps / 3) / omega, X_LO_MIN), x_hi - 1.0, 30)
    return make(x)


def best_width(omega, eps, m_hi, maxiter=300):
    """The narrowest m <= m_hi for which the best L1 sum found (BFGS from the best
    m-term sinc sum) reaches relative L1 error <= eps for rho = (1+t)^-(1+omega);
    bisection in m (assumes the error found decreases with m).  Returns the
    ExpSumApprox (its L1 error in `error`, the relative one, times omega, in
    `relative_error`) and the list of (m, relative error) tried.

    Limits: eps in [1e-12, 1), omega in [1e-8, 100]; 1 <= m_hi <= BEST_M_MAX = 32 and
    1 <= maxiter <= BEST_MAXITER_MAX = 1000 (up to log2(m_hi) + 1 BFGS runs of maxiter
    steps: m_hi = 34 at omega = 0.125 took 19 s, m_hi = 65 at omega = 0.0625 two minutes)."""
    omega, eps = check_omega_eps(omega, eps)
    m_hi = validation.integer(m_hi, "m_hi", minimum=1, maximum=BEST_M_MAX)
    maxiter = validation.integer(maxiter, "maxiter", minimum=1, maximum=BEST_MAXITER_MAX)
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
    the width reached, its error and w_min.  Plain data.

    Limits, checked before any work (ValueError naming the argument): eps in [1e-12, 1)
    first, omega in [1e-8, 100]; routes a non-empty sequence of names among ROUTES;
    1 <= m_max <= 4096 (the Appendix B route's widest try); log10(2/eps)/omega <= 300 (the
    bound shape and Appendix B's T are float64 numbers); the sinc and best routes: the
    sinc start (`sinc_start_width`, about log(3/eps) (log(1/eps) + 6) / (pi^2 omega)
    terms) at most 512, and for the best route at most BEST_M_MAX = 32 (every width it
    tries is at most the sinc width, which is at most the start)."""
    omega, eps, routes, m_max = check_row(omega, eps, routes, m_max)
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


def check_row(omega, eps, routes, m_max):
    """The arguments of `curse_of_memory_row`, validated (its docstring states the limits):
    (omega, eps, routes, m_max)."""
    omega, eps = check_omega_eps(omega, eps)
    routes = check_routes(routes)
    m_max = validation.integer(m_max, "m_max", minimum=1, maximum=APPENDIX_B_M_MAX)
    check_truncation(omega, eps)
    if "sinc" in routes or "best" in routes:
        check_sinc_range(omega, eps, default_steps(eps))
    if "best" in routes and not best_route_allowed(omega, eps):
        raise ValueError(f"omega={omega:g}, eps={eps:g}: the best route would search widths up to "
                         f"{sinc_start_width(omega, eps)} (the sinc start), more than {BEST_M_MAX}: take a larger "
                         f"omega or eps, or leave 'best' out of routes")
    return omega, eps, routes, m_max


def best_route_allowed(omega, eps):
    """Whether `curse_of_memory_row` runs the best route at (omega, eps): the sinc start,
    which bounds every width it tries, is at most BEST_M_MAX."""
    return sinc_start_width(omega, eps) <= BEST_M_MAX


def check_routes(routes):
    """routes as a tuple: a non-empty sequence (not a string) of names among ROUTES."""
    if isinstance(routes, (str, bytes)) or not isinstance(routes, (tuple, list)):
        raise ValueError(f"routes must be a non-empty sequence of names among {ROUTES}, got "
                         f"{validation._short(routes)}")
    if not routes:
        raise ValueError(f"routes must not be empty: name some of {ROUTES}")
    for r in routes:
        if not isinstance(r, str) or r not in ROUTES:
            raise ValueError(f"routes must be among {', '.join(repr(x) for x in ROUTES)}, got "
                             f"{validation._short(r)}")
    return tuple(routes)
