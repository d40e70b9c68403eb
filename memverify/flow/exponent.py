"""The escape exponent: fitting helpers for hitting times that grow like
tau ~ omega^p e^{c/omega} (Theorem 5.1 = C.1, eqs. 104-106; the theorem says
c >= w0_l, the lower end of the box of initial rates).

Plain data in, plain data out (floats, lists, dicts); numpy least squares only.
Every function raises ValueError naming the argument for bad input (too few
points, non-positive or non-finite times, repeated or unsorted 1/omega).

- `local_slopes(inv_omegas, taus)`: d log tau / d(1/omega) between successive
  points (the exponent c seen at finite omega: c - p omega + O(omega^2) for the
  model above), at the midpoints;
- `fit_exponent(inv_omegas, taus, power=True)`: least squares of
  log tau = c/omega + p log omega + q with standard errors (or p = 0 when
  power=False; or p held at a given value);
- `fit_decay(inv_omegas, values)`: the same for a quantity that decays,
  |lambda| ~ omega^p e^{-c/omega} (returns c > 0 for a decay);
- `reduced_tau_param(target, v0, delta)`: tau_param of the switched-off start
  (a*, 0; w*, v0) predicted by the reduced slow-variable model of
  memverify.symbolic.escape (fast variables at their least-squares
  equilibrium, the rate v = w_2 drifting at dv/dtau = F(v)).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision
from ..landscape import global_minimiser
from ..loss import Loss

__all__ = ["local_slopes", "fit_exponent", "fit_decay", "reduced_drift", "reduced_tau_param", "available_drop"]


def _points(inv_omegas, taus, name="taus", minimum=2, invert=False):
    """Validated float arrays x = 1/omega (strictly increasing, > 0) and log tau
    (-log tau with invert=True; logs taken by mpmath, so values below the float64
    range, such as an eigenvalue e^{-800}, are fine)."""
    x = np.asarray([float(v) for v in validation.vector(inv_omegas, "inv_omegas", positive_entries=True)])
    raw = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else mpmath.mpf(v)
           for v in validation.vector(taus, name, positive_entries=True)]
    y_ok = all(mpmath.isfinite(v) and v > 0 for v in raw)
    # log by mpmath: a value below the float64 range keeps its logarithm
    y = np.asarray([float(mpmath.log(v)) if y_ok else 0.0 for v in raw], dtype=float)
    y = -y if invert else y
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"inv_omegas and {name} must be one-dimensional, got shapes {x.shape}, {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"inv_omegas and {name} must have the same length, got {len(x)} and {len(y)}")
    if len(x) < minimum:
        raise ValueError(f"need at least {minimum} points, got {len(x)} (inv_omegas)")
    if not np.all(np.isfinite(x)) or not np.all(x > 0):
        raise ValueError(f"inv_omegas must be finite and > 0, got {x.tolist()}")
    if not np.all(np.diff(x) > 0):
        raise ValueError(f"inv_omegas must be strictly increasing, got {x.tolist()}")
    if not y_ok:
        raise ValueError(f"{name} must be finite and > 0 (a hitting time or |eigenvalue|), got {[str(v) for v in raw]}")
    return x, y


def local_slopes(inv_omegas, taus):
    """Slopes of log tau against 1/omega between successive points.

    inv_omegas: 1/omega, strictly increasing, length n >= 2; taus: the times
    (> 0, same length).  Returns a list of n - 1 dicts {'from', 'to', 'mid',
    'slope'}: slope = (log tau_{k+1} - log tau_k) / (x_{k+1} - x_k).  For
    tau = K omega^p e^{c/omega} the slope is c - p / mid + O(1/mid^2) (mid = the
    midpoint in 1/omega), so the slopes converge to c as omega -> 0."""
    x, y = _points(inv_omegas, taus)
    s = np.diff(y) / np.diff(x)
    return [{"from": float(x[k]), "to": float(x[k + 1]), "mid": float((x[k] + x[k + 1]) / 2),
             "slope": float(s[k])} for k in range(len(s))]


def linear_fit(x, y):
    """Least squares y = s x + c: (s, c, standard error of s, max |residual|)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    A = np.vstack([x, np.ones_like(x)]).T
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    res = y - A @ coef
    n = len(x)
    se = math.sqrt(res @ res / max(n - 2, 1) / ((x - x.mean()) @ (x - x.mean()))) if n > 2 else float("nan")
    return float(coef[0]), float(coef[1]), se, float(np.max(np.abs(res)))


def fit_exponent(inv_omegas, taus, power=True, next_term=False):
    """Least squares of log tau = c (1/omega) + p log omega + q [+ r omega].

    power: True (fit p), False (p = 0: a straight line in 1/omega), or a
    number (p held at that value).  next_term: also fit r omega, the next
    term of the asymptotic series (the difference of c with and without it
    estimates the truncation error of the shorter model).  Needs one more point than unknowns (so
    that a standard error exists): 4 with p fitted, 3 otherwise.  Returns
    {'c', 'c_se', 'p', 'p_se', 'q', 'q_se', 'r', 'r_se' (0 without next_term), 'n',
    'dof', 'max_residual', 'model'}: standard errors from the residual variance (s^2 (A^T A)^{-1});
    p_se is 0 when p is held.  max_residual in log tau (natural log).
    The standard errors measure scatter about the model, not the model's
    truncation (the next terms in omega): compare fits over different
    windows (the local slopes) for that."""
    if isinstance(power, bool):
        fixed = None if power else 0.0
    else:
        try:
            fixed = float(power)
        except (TypeError, ValueError):
            raise ValueError(f"power must be True, False or a real number, got {power!r}") from None
        if not math.isfinite(fixed):
            raise ValueError(f"power must be finite, got {power!r}")
    if not isinstance(next_term, bool):
        raise ValueError(f"next_term must be True or False, got {next_term!r}")
    unknowns = (3 if fixed is None else 2) + int(next_term)
    x, y = _points(inv_omegas, taus, minimum=unknowns + 1)
    return _fit_logs(x, y, fixed, next_term)


def _fit_logs(x, y, fixed, next_term):
    """The least squares of fit_exponent on x = 1/omega and y = log tau."""
    unknowns = (3 if fixed is None else 2) + int(next_term)
    logw = -np.log(x)  # log omega
    cols = [x, logw, np.ones_like(x)] if fixed is None else [x, np.ones_like(x)]
    if next_term:
        cols.append(1 / x)  # omega
    A = np.column_stack(cols)
    rhs = y if fixed is None else y - fixed * logw
    coef, *_ = np.linalg.lstsq(A, rhs, rcond=None)
    res = rhs - A @ coef
    dof = len(x) - unknowns
    s2 = float(res @ res) / dof
    cov = s2 * np.linalg.inv(A.T @ A)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    coef, se = [float(v) for v in coef], [float(v) for v in se]
    r, r_se = (coef.pop(), se.pop()) if next_term else (0.0, 0.0)
    if fixed is None:
        (c, p, q), (c_se, p_se, q_se) = coef, se
    else:
        (c, q), (c_se, q_se) = coef, se
        p, p_se = fixed, 0.0
    return {"c": c, "c_se": c_se, "p": p, "p_se": p_se, "q": q, "q_se": q_se, "r": r, "r_se": r_se,
            "n": int(len(x)), "dof": int(dof), "max_residual": float(np.max(np.abs(res))),
            "model": "log tau = c/omega + p log omega + q" + (" + r omega" if next_term else "")
            + ("" if fixed is None else f" (p held at {p:g})")}


def fit_decay(inv_omegas, values, power=True):
    """The decay exponent of a positive quantity v ~ omega^p e^{-c/omega}
    (for instance |lambda_min(Hess J)| on M*, eq. 93): the fit of
    fit_exponent on log(1/v), with c and p returned for v itself (c > 0 means a
    decay, p its power of omega).  values may be mpmath numbers below the
    float64 range.  Same arguments, errors and keys as fit_exponent."""
    if isinstance(power, bool):
        fixed = None if power else 0.0
    else:
        try:
            fixed = -float(power)
        except (TypeError, ValueError):
            raise ValueError(f"power must be True, False or a real number, got {power!r}") from None
        if not math.isfinite(fixed):
            raise ValueError(f"power must be finite, got {power!r}")
    x, y = _points(inv_omegas, values, name="values", minimum=4 if fixed is None else 3, invert=True)
    out = _fit_logs(x, y, fixed, False)
    out["p"], out["q"] = -out["p"], -out["q"]
    out["model"] = "log v = -c/omega + p log omega + q" + ("" if fixed is None else f" (p held at {out['p']:g})")
    return out


@functools.lru_cache(maxsize=1)
def _gram_and_h():
    """G(astar, wstar, v) and h(astar, wstar, v) of the reduced model as mpmath
    functions (lambdified from memverify.symbolic.escape, not retyped)."""
    import sympy as sp

    from ..symbolic.escape import switched_off_drift

    d = switched_off_drift()
    s = d.symbols
    args = [s["astar"], s["wstar"], s["v"]]
    return sp.lambdify(args, d.gram, "mpmath"), sp.lambdify(args, d.hvec, "mpmath")


def reduced_drift(target, v, dps=40):
    """dv/dtau = F(v) of the reduced model (memverify.symbolic.escape) for a target
    whose exponential part is one term a* e^{-w* t} (m* = 1; a MemoryBump over a
    one-term ExpSum, say) beside a memory template (Target.template_moment): the
    rate of the switched-off neuron drifts at F(v) (an mpmath number; negative:
    v decreases).  v > 0, v != w*; dps: mpmath digits."""
    base = target.exponential_part()
    if base is None or len(base.w) != 1:
        raise ValueError("target must have a one-term exponential part a* e^{-w* t} (m* = 1), "
                         f"got {type(target).__name__} with "
                         f"{'none' if base is None else str(len(base.w)) + ' terms'}")
    v = float(validation.positive(v, "v"))
    dps = validation.digits(dps)
    astar, wstar = float(base.a[0]), float(base.w[0])
    if v == wstar:
        raise ValueError(f"v must differ from w* = {wstar} (the split space)")
    with mpmath.workdps(dps):
        m0a, m1a, m0b, m1b = [target.template_moment(n, s, dps=dps) for s in (wstar, v) for n in (0, 1)]
        gram, hvec = _gram_and_h()
        args = (mpmath.mpf(astar), mpmath.mpf(wstar), mpmath.mpf(v))
        # the fast equilibrium G x = b (symbolic.escape), then F = 2 x_3 (h . x - M_1(v))
        x = Precision(dps).solve(gram(*args).tolist(), [m0a, -astar * m1a, m0b])
        h = mpmath.matrix(hvec(*args))
        return 2 * x[2] * (mpmath.fsum(h[i] * x[i] for i in range(3)) - m1b)


def reduced_tau_param(target, v0, delta, dps=40):
    """tau_param (eq. 104) of the switched-off start (a*, 0; w*, v0) predicted by
    the reduced model: the fast variables are exponentially small, so
    ||theta - theta_0|| = |v - v0| to that accuracy and
    tau = int_{v0 - delta}^{v0} dv / |F(v)| (the drift must be downwards at both
    ends, else ValueError).  Returns a float.
    For v0 < w* and a large delta (say v0 / 4) this is also the reduced model's
    tau_loss: the drift accelerates like e^{2 (v0 - v)/omega} as v falls, so
    the time to reach any v well below v0 converges, and the loss drops only
    once v ~ omega (README, 'The escape exponent')."""
    v0 = float(validation.positive(v0, "v0"))
    delta = float(validation.positive(delta, "delta"))
    if delta >= v0:
        raise ValueError(f"delta must be below v0 = {v0} (the rate stays positive), got {delta}")
    base = target.exponential_part()
    if base is None or len(base.w) != 1:
        raise ValueError("target must have a one-term exponential part a* e^{-w* t} (m* = 1)")
    wstar = float(base.w[0])
    if v0 > wstar and v0 - delta <= wstar:
        raise ValueError(f"delta = {delta} would take v across w* = {wstar}")
    with mpmath.workdps(dps):
        f = lambda v: reduced_drift(target, float(v), dps)  # noqa: E731
        ends = [f(v0), f(v0 - delta)]
        if not all(e < 0 for e in ends):
            raise ValueError(f"the reduced drift is not downwards on [v0 - delta, v0]: {ends}")
        # 1/|F| varies like e^{2 v/omega} (e^{10} across delta = 0.05 at 1/omega = 100):
        # Gauss-Legendre with 8 nodes on pieces across which it changes by about e^{1.25}
        # at most, judged by the total variation of log |F| on 16 pieces (for the
        # Gaussian bump about 2 delta / omega)
        nodes, weights = np.polynomial.legendre.leggauss(8)
        coarse = [ends[1]] + [f(v) for v in np.linspace(v0 - delta, v0, 17)[1:-1]] + [ends[0]]
        if not all(x < 0 for x in coarse):
            raise ValueError("the reduced drift changes sign inside [v0 - delta, v0]")
        variation = sum(abs(float(mpmath.log(x / y))) for x, y in zip(coarse[1:], coarse[:-1]))
        pieces = max(8, math.ceil(variation / 1.25))
        edges = np.linspace(v0 - delta, v0, pieces + 1)
        total = mpmath.mpf(0)
        for lo, hi in zip(edges[:-1], edges[1:]):
            half, mid = (hi - lo) / 2, (hi + lo) / 2
            total += mpmath.fsum(float(wt) * half / abs(f(mid + half * float(nd))) for nd, wt in zip(nodes, weights))
        return float(total)


def available_drop(target, a0, w0):
    """How far the loss can fall from theta_0 = (a0, w0) at all: Delta = J(theta_0) -
    min J_m (m = len(a0)), the bound on |J - J_0| that the gap delta of Theorem 5.1's
    tau_0 (eq. 22) must stay below for tau_0 to be finite.  min J_m is
    landscape.global_minimiser's (multi-start, numerical: not a certificate).
    Returns {'J0', 'min_J', 'Delta', 'minimiser_a', 'minimiser_w'} (floats)."""
    m = len(a0)
    J0 = float(Loss(target, m).value(list(a0), list(w0)))
    g = global_minimiser(target, m)
    return {"J0": J0, "min_J": float(g.loss), "Delta": J0 - float(g.loss),
            "minimiser_a": [float(x) for x in g.b], "minimiser_w": [float(x) for x in g.v]}

