"""The Remez exchange for best L-infinity sums (`remez_expsum`) and the certified
alternation of an error (`certify_alternation`)."""

from __future__ import annotations

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision, PrecisionError, to_arb
from .errors import check_interval, check_start, check_target, local_extrema, expsum_error
from .result import ExpSumApprox

REMEZ_M_MAX = 16         # terms (as best_expsum)
REMEZ_MAX_DPS = 200      # digits: each exchange refines 2m+1 extrema by 3.4 dps golden steps
REMEZ_MAXITER_MAX = 200  # exchanges


# ---------------------------------------------------------------------------
# the Remez exchange for L-infinity


def _select_alternating(ext, n):
    ext = [x for x in ext if x[2] != 0]
    while len(ext) > n:
        vals = [float(x[1]) for x in ext]
        k = int(np.argmin(vals))
        if k == 0 or k == len(ext) - 1:
            ext.pop(k)
        else:
            j = k - 1 if vals[k - 1] < vals[k + 1] else k + 1
            for idx in sorted((k, j), reverse=True):
                ext.pop(idx)
    return ext


def remez_expsum(target, m, interval, dps, a0, w0, maxiter=60, tol=1e-10):
    """The nonlinear Remez exchange for the best L-infinity m-term exponential sum.
    Returns an ExpSumApprox whose info carries the reference points (the
    equioscillation points), the levelled error E and the relative spread
    (max|e| - min over the reference of |e|)/max|e|.

    Limits: 1 <= m <= REMEZ_M_MAX = 16; 15 <= dps <= REMEZ_MAX_DPS = 200; a start (a0, w0)
    of m coefficients (|a_j| <= 1e8) and m distinct rates in [1e-8, 1e8]; 1 <= maxiter <=
    REMEZ_MAXITER_MAX = 200; tol in (0, 1)."""
    check_target(target)
    m = validation.integer(m, "m", minimum=1, maximum=REMEZ_M_MAX)
    interval = check_interval(interval)
    dps = validation.integer(validation.digits(dps), "dps", maximum=REMEZ_MAX_DPS)
    a0, w0 = check_start(a0, w0, m)
    maxiter = validation.integer(maxiter, "maxiter", minimum=1, maximum=REMEZ_MAXITER_MAX)
    tol = validation.tolerance(tol, "tol")
    return _remez(target, m, interval, dps, a0, w0, maxiter, tol)


def _remez(target, m, interval, dps, a0, w0, maxiter, tol=1e-10):
    """`remez_expsum` on validated arguments (best_expsum's start comes from its own fits)."""
    N = Precision(dps)
    n = 2 * m + 1
    with N.context():
        a = [mpmath.mpf(x) for x in a0]
        th = [mpmath.log(mpmath.mpf(x)) for x in w0]
        message, status, spread, ref, E = "", 1, None, None, mpmath.mpf(0)
        for it in range(maxiter):
            w = [mpmath.exp(x) for x in th]
            ext = _select_alternating(local_extrema(target, a, w, interval, N), n)
            if len(ext) < n:
                message = f"the error alternates only {len(ext)} times (need {n}): no Remez reference"
                break
            ref = [x[0] for x in ext]
            sgn = [int(x[2]) for x in ext]
            emax = max(x[1] for x in local_extrema(target, a, w, interval, N))
            emin = min(x[1] for x in ext)
            if emax == 0:   # (the sum is the target: nothing to level)
                status, message, spread = 0, "the error is zero", mpmath.mpf(0)
                break
            spread = (emax - emin) / emax
            if spread < tol:
                status, message = 0, f"levelled: relative spread {mpmath.nstr(spread, 3)}"
                break
            # Newton on rho(x_i) - phi(x_i) = sgn_i E for (a, theta, E)
            E = sum(x[1] for x in ext) / n
            z = a + th + [E]
            for _ in range(30):
                wv = [mpmath.exp(x) for x in z[m:2 * m]]
                F, J = [], []
                for x, sg in zip(ref, sgn):
                    ex = [mpmath.exp(-wj * x) for wj in wv]
                    phi = sum(aj * e_ for aj, e_ in zip(z[:m], ex))
                    F.append(target.rho(x, dps=N.dps) - phi - sg * z[-1])
                    J.append([-e_ for e_ in ex] + [z[j] * wv[j] * x * ex[j] for j in range(m)] + [-sg])
                try:
                    dz = N.solve(J, F)
                except ZeroDivisionError:
                    message = "singular Newton system (rates merged)"
                    break
                lam = mpmath.mpf(1)
                # damp so that rates move by at most a factor e per step
                big = max(abs(dz[m + j]) for j in range(m))
                if big > 1:
                    lam = 1 / big
                z = [z[i] - lam * dz[i] for i in range(n)]
                if max(abs(dz[i]) for i in range(n)) < mpmath.mpf(10) ** (-dps // 2):
                    break
            a, th, E = z[:m], z[m:2 * m], z[-1]
            if len(set(mpmath.nstr(x, 12) for x in th)) < m:
                message = "two rates merged"
                break
        else:
            message = f"not levelled after {maxiter} exchanges (relative spread {mpmath.nstr(spread, 3)})"
        w = [mpmath.exp(x) for x in th]
        if not all(mpmath.isfinite(x) for x in list(a) + w) or not all(x > 0 for x in w):
            raise PrecisionError(f"the Remez exchange left float64's and the grid's range after {it + 1} exchanges "
                                 f"({message or 'diverging'}): try another start or a larger dps")
        order = sorted(range(m), key=lambda j: w[j])
        a, w = tuple(a[j] for j in order), tuple(w[j] for j in order)
        err = expsum_error(target, a, w, "Linf", interval, dps=dps)
        info = {"reference_points": [float(x) for x in ref] if ref else None,
                "levelled_error": float(abs(E)), "relative_spread": float(spread) if spread is not None else None,
                "iterations": it + 1}
        return ExpSumApprox(a, w, "Linf", err, interval, "nonlinear Remez exchange", status, message, info)


def certify_alternation(target, approx, dps=30):
    """A certified lower bound on the best m-term L-infinity error, from the
    approximation's reference points: if e = rho - phi alternates in sign at 2m+1
    points, every m-term exponential sum v has ||rho - v|| >= min_i |e(x_i)|
    (otherwise phi - v, a sum of at most 2m exponentials, would have 2m zeros,
    but such a sum has at most 2m - 1 real zeros: Descartes' rule of signs for
    exponential sums).  Ball arithmetic (arb) at the points given.  Returns
    (lower_bound as arb, signs) or raises ValueError if the signs do not alternate.

    Limits: approx an ExpSumApprox with at most 4096 terms and a reference of 2m+1 finite
    points >= 0 in its info; 15 <= dps <= 10000."""
    check_target(target)
    if not isinstance(approx, ExpSumApprox):
        raise TypeError(f"approx must be an ExpSumApprox (a result of remez_expsum), got {type(approx).__name__}")
    dps = validation.digits(dps)
    ref = approx.info.get("reference_points") if isinstance(approx.info, dict) else None
    if not ref or not isinstance(ref, (list, tuple)) or len(ref) != 2 * approx.m + 1:
        raise ValueError("approx has no reference of 2m+1 points (status != 0?)")
    ref = validation.vector(ref, "approx.info['reference_points']")
    if any(x < 0 for x in ref):
        raise ValueError("approx.info['reference_points'] must be times >= 0")
    prec = Precision(dps, arb=True)
    vals = []
    with prec.context():
        for x in ref:
            X = to_arb(float(x))
            phi = sum(to_arb(mpmath.mpf(aj)) * (-(to_arb(mpmath.mpf(wj)) * X)).exp()
                      for aj, wj in zip(approx.a, approx.w))
            vals.append(target.rho(X, dps=prec.dps, arb=True) - phi)
        signs = []
        for v in vals:
            if v > 0:
                signs.append(1)
            elif v < 0:
                signs.append(-1)
            else:
                raise ValueError(f"the sign of target - approx at a reference point of approx is not certified: {v}")
        if any(signs[i] == signs[i + 1] for i in range(len(signs) - 1)):
            raise ValueError(f"target - approx does not alternate at approx's reference points: {signs}")
        low = min(abs(v).lower() for v in vals)
        return low, signs
