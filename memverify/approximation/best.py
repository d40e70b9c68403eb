"""Numerically best exponential sums in L1 and L2 (`best_expsum`; L-infinity by the
Remez exchange in `remez`)."""

from __future__ import annotations

import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.special

from .. import validation
from ..backends import Precision
from ..landscape import local_minimiser
from .constructions import projection_expsum
from .errors import check_interval, check_norm, check_start, check_target, l1_error, quadrature_end, expsum_error
from .remez import remez_expsum
from .result import ExpSumApprox
from .sinc import sinc_expsum

# The limits of `best_expsum` and `remez_expsum` (stated in their docstrings and refusals)
BEST_EXPSUM_M_MAX = 16       # terms (L2 at m = 16: 12 s; L1 at m = 12: 8 s)
BEST_MAX_DPS = 200           # digits (the Remez exchange refines 2m+1 extrema by 3.4 dps golden steps)
BEST_MAXITER_MAX = 1000      # BFGS / local search steps (Remez: at most 60 exchanges)


# ---------------------------------------------------------------------------
# best exponential sums


def _default_start(target, m, interval):
    alpha = target.decay_exponent()
    if alpha is not None and alpha > 1:
        om = alpha - 1
        # a sinc sum with m terms over the range the tail needs
        x_lo, x_hi = math.log(1e-3) / max(om, 0.05), 1.5
        if interval is not None:
            x_lo = max(x_lo, -math.log(float(interval[1])) - 1)
        h = (x_hi - x_lo) / max(m - 1, 1) if m > 1 else 1.0
        k0 = int(round(x_lo / h)) if m > 1 else 0
        return sinc_expsum(alpha, h, k0, k0 + m - 1)
    if alpha is not None:  # alpha <= 1: only on a finite interval
        T = float(interval[1]) if interval is not None else 100.0
        w = np.geomspace(0.5 / T, 3.0, m)
        return _l2_grid_fit(target, w, T), tuple(w.tolist())
    w = tuple(np.geomspace(0.3, 3.0, m).tolist()) if m > 1 else (1.0,)
    a, _ = projection_expsum(target, w)
    return tuple(float(x) for x in a), w


def _l2_grid_fit(target, w, T):
    ts = np.concatenate([[0.0], np.geomspace(1e-3, T, 400)])
    N = Precision(None)
    A = np.exp(-np.outer(ts, w))
    y = target.values(ts, dps=N.dps)
    return tuple(np.linalg.lstsq(A, y, rcond=None)[0].tolist())


def _l1_objective(target, interval, m):
    """L1 error and its gradient in (c, theta): a_j = c_j w_j, w_j = e^{theta_j};
    the gradient needs only the sign pattern of the error (roots)."""
    N = Precision(None)

    def fg(z):
        c, th = z[:m], z[m:]
        with np.errstate(over="ignore"):
            w = np.exp(th)
            a = c * w
        if not (np.all(np.isfinite(a)) and np.all((w > 0) & np.isfinite(w))):
            return math.inf, np.zeros(2 * m)    # (a step out of float64: the line search backs off)
        try:
            val, roots, pts, P, tail = l1_error(target, a, w, interval, N, with_roots=True)
        except ValueError:   # (PrecisionError included: a grid float64 cannot hold)
            return math.inf, np.zeros(2 * m)
        pts = np.array([float(p) for p in pts])
        sig = np.sign(np.diff(np.array(P, dtype=float)))
        if interval is None:
            pts = np.append(pts, np.inf)
            sig = np.append(sig, np.sign(float(tail)))
        E = np.exp(-np.outer(pts, w))                       # (npts, m)
        with np.errstate(invalid="ignore"):
            tE = np.where(np.isinf(pts)[:, None], 0.0, (pts[:, None] + 1 / w) * E)
        dEa = (E[:-1] - E[1:]) / w                            # int_piece e^{-wt}
        dEt = (tE[:-1] - tE[1:]) / w                          # int_piece t e^{-wt}
        g_a = -sig @ dEa
        g_w = sig @ dEt * a
        g_c = g_a * w
        g_th = g_w * w + g_a * a                              # d/dtheta through a = c w and w
        return float(val), np.concatenate([g_c, g_th])
    return fg


def best_expsum(target, m, norm="L1", interval=None, dps=30, start=None, maxiter=400):
    """A best m-term exponential sum for `target` in the given norm on [0, inf)
    (interval=None) or [0, T] (interval=(0, T)).

    Methods: L2 on [0, inf): `landscape.local_minimiser`, the one local search of
    J_m = ||rho - sum||^2 that `global_minimiser` also uses (the lower of a float64 trust
    region and variable projection in mpmath, polished by Newton's method at dps digits);
    L1: BFGS on (mass a_j/w_j, log w_j) with the exact gradient of the L1
    error (which depends only on the error's sign changes), from the L2-best
    sum (or `start`); L-infinity: the nonlinear Remez exchange (Newton on the
    2m+1 equioscillation equations, in mpmath; exchange of the extrema), from
    `start` or the L2 / L1 sum.  The result's error is re-measured with
    `expsum_error` at dps digits.  status 1 with a message when a method did not
    converge.  These are local methods: 'best' means the best found from the start.

    Limits (ValueError or TypeError before any work): 1 <= m <= BEST_EXPSUM_M_MAX = 16;
    15 <= dps <= BEST_MAX_DPS = 200; 1 <= maxiter <= BEST_MAXITER_MAX = 1000; a start's
    distinct rates within START_RANGE = [1e-8, 1e8] and coefficients |a_j| <= 1e8; L2 on
    [0, inf) only; L1 on [0, inf) only for an integrable target."""
    check_target(target)
    m = validation.integer(m, "m", minimum=1, maximum=BEST_EXPSUM_M_MAX)
    norm = check_norm(norm)
    interval = check_interval(interval)
    dps = validation.integer(validation.digits(dps), "dps", maximum=BEST_MAX_DPS)
    maxiter = validation.integer(maxiter, "maxiter", minimum=1, maximum=BEST_MAXITER_MAX)
    if norm == "L2" and interval is not None:
        raise ValueError("norm='L2' is implemented on [0, inf) only (interval=None)")
    if norm == "L1" and interval is None and not target.integrable:
        raise ValueError(f"target must be integrable on [0, inf) for norm='L1' (or give an interval), got "
                         f"{target.spec()}")
    if start is not None:
        if isinstance(start, ExpSumApprox):
            a0, w0 = start.a, start.w
        elif isinstance(start, (tuple, list)) and len(start) == 2:
            a0, w0 = start
        else:
            raise TypeError("start must be an ExpSumApprox or a pair (a, w)")
        a0, w0 = check_start(a0, w0, m, "start a", "start w")
    else:
        a0, w0 = _default_start(target, m, interval)
    if norm == "L2" and interval is None:
        M = local_minimiser(target, a0, w0, dps, maxiter)
        err = expsum_error(target, M.b, M.v, "L2", None, dps=dps)
        return ExpSumApprox(M.b, M.v, "L2", err, None, "landscape.local_minimiser (the lower of a float64 trust "
                            "region and variable projection, polished by Newton's method)",
                            M.status, M.message, {"local_minima": [float(c) for c in M.candidates]})
    if norm == "L1":
        return best_l1(target, m, interval, dps, a0, w0, maxiter, start is None)
    if start is None:
        a0, w0 = _lsq_start(target, m, interval, a0, w0)
    return remez_expsum(target, m, interval, dps, a0, w0, maxiter=min(maxiter, 60))


def _lsq_start(target, m, interval, a0, w0):
    """A discrete least-squares fit on a geometric grid (variable projection,
    float64): its error changes sign at least 2m times, so it gives the Remez
    exchange a reference of 2m+1 alternating extrema."""
    N = Precision(None)
    T = float(interval[1]) if interval is not None else quadrature_end(a0, w0, N, None) / 4
    ts = np.concatenate([[0.0], np.geomspace(1e-3, T, 60 * m)])
    y = target.values(ts, dps=N.dps)

    def resid(th):
        A = np.exp(-np.outer(ts, np.exp(th)))
        coef = np.linalg.lstsq(A, y, rcond=None)[0]
        return A @ coef - y

    th0 = np.log(np.array([float(x) for x in w0]))
    res = scipy.optimize.least_squares(resid, th0, method="lm", xtol=1e-14, ftol=1e-14)
    w = np.sort(np.exp(res.x))
    A = np.exp(-np.outer(ts, w))
    a = np.linalg.lstsq(A, y, rcond=None)[0]
    return tuple(a.tolist()), tuple(w.tolist())


def best_l1(target, m, interval, dps, a0, w0, maxiter, from_l2):
    """The best L1 sum of width m by BFGS on the exact L1 error (from a0, w0; from the best
    L2 sum first when from_l2 and the target is integrable on [0, inf)): an ExpSumApprox."""
    if from_l2 and interval is None and target.integrable:
        try:
            M = local_minimiser(target, a0, w0, min(dps, 30), 200)
            a0, w0 = M.b, M.v
        except (ValueError, ArithmeticError):   # (no L2 point: BFGS starts from the start itself)
            pass
    w0 = np.array([float(x) for x in w0])
    c0 = np.array([float(x) for x in a0]) / w0
    fg = _l1_objective(target, interval, m)
    res = scipy.optimize.minimize(fg, np.concatenate([c0, np.log(w0)]), jac=True, method="BFGS",
                                  options={"maxiter": maxiter, "gtol": 1e-12})
    c, th = res.x[:m], res.x[m:]
    w = np.exp(th)
    order = np.argsort(w)
    a, w = tuple((c * w)[order].tolist()), tuple(w[order].tolist())
    err = expsum_error(target, a, w, "L1", interval, dps=dps)
    # BFGS stops at a kink of the L1 error often; a small relative change is success here
    ok = res.success or "precision loss" in str(res.message)
    return ExpSumApprox(a, w, "L1", err, interval, "BFGS on the L1 error with its exact gradient",
                        0 if ok else 1, str(res.message), {"iterations": int(res.nit)})
