"""Non-degenerate global minimisers (b, v) of J_d (`global_minimiser`): multi-start
local search in float64 with the derived gradient and Hessian, then Newton at the
precision asked.  Global optimality is numerical evidence, not a proof."""

from __future__ import annotations

import functools
import math
import random
import time
from dataclasses import dataclass

import mpmath
import numpy as np
import scipy.optimize

from .. import validation
from ..backends import Precision
from ..loss import Loss
from ..targets import Target
from ..targets.closed_forms import compiled_form

# Limits (issue 14).  A local search's time grows with d and dps (PowerLaw(1.5) from a
# geometric start, dps = 30: d = 2 1 s, 8 11 s, 12 21 s, 16 45 s; d = 4: dps = 300 4 s,
# 1000 20 s; d = 8 at dps = 1000 89 s), and with the target's moment cost (Airy's float64
# moments are quadratures, 0.4 s each: minutes at any d).
MAX_LOCAL_WIDTH = 16
MAX_MINIMISER_DPS = 1000   # (variable projection works at dps + 2d digits, within MAX_DPS)
MAX_LOCAL_WORK = 4000      # d * dps: d = 4 at dps = 1000, d = 16 at dps = 250 (~1 minute)
MAX_MAXITER = 1000
# global_minimiser runs S = 1 + sum_{j=2}^{d} (j + 1 + extra_starts) local searches (the
# continuation through J_1..J_d), each ~1 s at dps = 30 and ~6 s at dps = 1000 (d <= 6:
# d = 6 with 6 extra starts, 56 searches, took 64 s; d = 3 at dps = 1000, 20 searches, 113 s)
MAX_GLOBAL_D = 6
MAX_EXTRA_STARTS = 64
MAX_GLOBAL_WORK = 90       # S * (1 + dps / 200), about the seconds they take


def _searches(d, extra):
    """The local searches global_minimiser's continuation runs up to J_d."""
    return 1 + sum(j + 1 + extra for j in range(2, d + 1))


def _float_start(b0, v0):
    """The start as float64 (both searches begin in float64): finite, rates > 0 and distinct."""
    v = np.array([float(x) for x in v0])
    b = np.array([float(x) for x in b0])
    if not (np.all(np.isfinite(v)) and np.all(v > 0)):
        raise ValueError(f"v0 must hold rates within float64's range (5e-324 .. 1.8e308), got {list(v0)!r}")
    if len(set(v.tolist())) < len(v):
        raise ValueError(f"v0 must have entries distinct in float64, got {list(v0)!r}")
    if not np.all(np.isfinite(b)):
        raise ValueError(f"b0 must hold numbers within float64's range (|b| <= 1.8e308), got {list(b0)!r}")
    return tuple(b.tolist()), tuple(v.tolist())


@dataclass(frozen=True)
class Minimiser:
    """A computed minimiser (b, v) of J_d (eq. 18 with width d), v increasing.

    b, v: mpmath numbers at `dps` digits; loss: J_d(b, v); gradient_norm:
    max |grad J_d| there; starts: local searches run; candidates: the best
    loss each start reached (float64), so a user can see how clear the
    winner was.  Global optimality is numerical evidence, not a proof."""

    target: str
    d: int
    b: tuple
    v: tuple
    loss: object
    gradient_norm: object
    dps: int
    starts: int
    candidates: tuple = ()
    seconds: float = 0.0

    @property
    def converged(self):
        """Newton's method reached |grad J_d| < 10^(-dps/2) (a degenerate infimum does not)."""
        return self.gradient_norm < mpmath.mpf(10) ** (-(self.dps // 2))

    @property
    def success(self):
        """The same as `converged` (the result convention: success, status, message)."""
        return bool(self.converged)

    @property
    def status(self):
        """0 converged, 1 not (as scipy.optimize)."""
        return 0 if self.converged else 1

    @property
    def message(self):
        g, bar = mpmath.nstr(self.gradient_norm, 3), f"1e-{self.dps // 2}"
        if self.converged:
            return f"Newton's method reached |grad J_d| = {g} < {bar}"
        return f"Newton's method stopped at |grad J_d| = {g} >= {bar} (a degenerate infimum?)"

    @property
    def non_degenerate(self):
        """b_i != 0 and v_i distinct (Definition D.2): |b_i| and the relative gaps of v exceed
        10^(-dps/4) (a degenerate infimum leaves float64 noise, ~1e-16, in its place)."""
        eps = mpmath.mpf(10) ** (-(self.dps // 4))
        return all(abs(x) > eps for x in self.b) and all(
            self.v[i + 1] - self.v[i] > eps * (1 + abs(self.v[i])) for i in range(self.d - 1))

    def as_dict(self):
        n = lambda x: mpmath.nstr(x, 20)
        return {"target": self.target, "d": self.d, "b": [n(x) for x in self.b], "v": [n(x) for x in self.v],
                "loss": n(self.loss), "gradient_norm": mpmath.nstr(self.gradient_norm, 5),
                "converged": bool(self.converged), "success": self.success, "status": self.status,
                "message": self.message, "non_degenerate": bool(self.non_degenerate), "dps": self.dps,
                "starts": self.starts, "candidates": [float(c) for c in self.candidates],
                "seconds": round(self.seconds, 3)}


def _trust_region(loss, b0, v0):
    """Local minimisation of J_d in float64 over (b, log v) with the derived gradient and
    Hessian (scipy's trust-exact): (J_d, b, v) with v increasing, or None."""
    d = len(b0)

    def unpack(x):
        return x[:d], np.exp(x[d:])

    def f(x):
        b, v = unpack(x)
        return loss.value(b, v)

    def g(x):
        b, v = unpack(x)
        gr = loss.gradient(b, v)
        return np.concatenate([gr[:d], gr[d:] * v])  # chain rule for log v

    def h(x):
        b, v = unpack(x)
        H = loss.hessian(b, v)
        gr = loss.gradient(b, v)
        J = np.concatenate([np.ones(d), v])
        out = H * np.outer(J, J)
        out[d:, d:] += np.diag(gr[d:] * v)
        return out

    x0 = np.concatenate([np.asarray(b0, float), np.log(np.asarray(v0, float))])
    with np.errstate(all="ignore"):
        try:
            res = scipy.optimize.minimize(f, x0, jac=g, hess=h, method="trust-exact",
                                          options={"maxiter": 400, "gtol": 1e-12})
        except (OverflowError, ValueError, np.linalg.LinAlgError):
            return None
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        return None
    b, v = unpack(res.x)
    order = np.argsort(v)
    return float(res.fun), b[order], v[order]


def _variable_projection(target, v0, dps, maxiter):
    """Local minimisation of min_b J_d(b, v) over v (variable projection: for fixed rates the
    best coefficients solve the Gram system), BFGS on log v with J_d evaluated in mpmath at
    dps + 2d digits, so small J_d is resolved where float64 J_d cancels: (J_d, b, v) or None."""
    d = len(v0)
    prec = Precision(dps + 2 * d)
    # targets' derived Gram entry <e^{-x t}, e^{-y t}> and M_1 of e^{-w t} at s (d/dv_j of
    # the fit's moment at v_j)
    gram, exp_m1 = compiled_form("exp_pair", 0, "mp"), compiled_form("exp_moment", 1, "mp")

    def project(V):
        L = [target.moment(0, x, dps=prec.dps) for x in V]
        G = np.array([[gram(x, y) for y in V] for x in V], dtype=object)
        b = prec.solve(G, L)
        return [b[i] for i in range(d)], L

    def fg(theta):
        with prec.context():
            V = [mpmath.exp(mpmath.mpf(float(x))) for x in theta]
            if len(set(V)) < d:
                return 1e300, np.zeros(d)
            b, L = project(V)
            L1 = [target.moment(1, x, dps=prec.dps) for x in V]
            # at the projection J = ||rho||^2 - b.L and dJ/dv_j = 2 b_j (L_1(v_j) - sum_i b_i
            # M_1[e^{-v_i t}](v_j)), the b-derivative vanishing there
            J = target.norm2(dps=prec.dps) - sum(b[i] * L[i] for i in range(d))
            grad = [2 * b[j] * (L1[j] - sum(b[i] * exp_m1(V[j], V[i]) for i in range(d))) * V[j]
                    for j in range(d)]
            J = max(J, mpmath.mpf(10) ** (-prec.dps))
            return float(mpmath.log(J)), np.array([float(gj / J) for gj in grad])

    try:
        res = scipy.optimize.minimize(fg, np.log(np.asarray(v0, float)), jac=True, method="BFGS",
                                      options={"maxiter": maxiter, "gtol": 1e-9})
        v = np.sort(np.exp(res.x))
        if not np.all(np.isfinite(v)) or len(set(v.tolist())) < d:
            return None
        with prec.context():
            b, L = project([mpmath.mpf(float(x)) for x in v])
            J = target.norm2(dps=prec.dps) - sum(b[i] * L[i] for i in range(d))
    except (ArithmeticError, ZeroDivisionError, ValueError):
        return None
    return float(J), np.array([float(x) for x in b]), v


def _newton_polish(loss, b, v, dps):
    """Newton's method on grad J_d = 0 at `dps` digits, from a float64 minimiser."""
    d = len(b)
    with mpmath.workdps(dps + 10):
        x = mpmath.matrix([mpmath.mpf(float(t)) for t in list(b) + list(v)])
        first = None
        for _ in range(60):
            bb, vv = list(x[:d]), list(x[d:])
            g = mpmath.matrix(list(loss.gradient(bb, vv, dps=dps + 10)))
            gnorm = max(abs(t) for t in g)
            if gnorm < mpmath.mpf(10) ** (-dps - 5):
                break
            first = gnorm if first is None else first
            if gnorm > 1e6 * first:
                raise ArithmeticError("Newton's method diverged")
            step = Precision(dps + 10).solve(loss.hessian(bb, vv, dps=dps + 10), [-t for t in g])
            x = x + mpmath.matrix(list(step))
            if min(x[d:]) <= 0:
                raise ArithmeticError("Newton's method left the domain w > 0")
        bb, vv = list(x[:d]), list(x[d:])
        g = loss.gradient(bb, vv, dps=dps + 10)
        return bb, vv, loss.value(bb, vv, dps=dps + 10), max(abs(t) for t in g)


def local_minimiser(target, b0, v0, dps=30, maxiter=400):
    """A local minimiser (b, v) of J_d (eq. 18, d = len(v0)) near the start (b0, v0): the
    lower of two local searches, each polished by Newton's method at `dps` digits.

    The float64 trust region on (b, log v) with the derived Hessian leaves the plateau of a
    far memory (bump at 1/omega = 60, 100, d = 2: J_d = 1.7313, 1.7484) where variable
    projection stays on it (1.7725); variable projection (BFGS on log v, b by the Gram
    solve, in mpmath) resolves small errors where float64 J_d cancels (PowerLaw(3), d = 8:
    sqrt(J_d) = 2.55e-6 against 5.56e-6).  From one start the two can also reach different
    minima, either being the lower.  Returns a `Minimiser` (status 1 when no Newton polish
    converged: then the lower unpolished point); raises ValueError when neither search
    reaches a point with distinct rates.

    Limits: v0 distinct rates in float64's range, b0 finite, d = len(v0) <= 16,
    dps <= 1000 and d * dps <= 4000, maxiter <= 1000 (see MAX_LOCAL_WORK for timings)."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    v0 = validation.vector(v0, "v0", positive_entries=True, distinct=True)
    if len(v0) > MAX_LOCAL_WIDTH:
        raise ValueError(f"v0 must have at most {MAX_LOCAL_WIDTH} rates (d <= {MAX_LOCAL_WIDTH}), got {len(v0)}")
    b0 = validation.vector(b0, "b0", length=len(v0))
    b0, v0 = _float_start(b0, v0)
    dps = validation.integer(validation.digits(dps), "dps", maximum=MAX_MINIMISER_DPS)
    if len(v0) * dps > MAX_LOCAL_WORK:
        raise ValueError(f"dps must be <= {MAX_LOCAL_WORK // len(v0)} for d = {len(v0)} rates "
                         f"(d * dps <= {MAX_LOCAL_WORK}), got {dps}")
    maxiter = validation.integer(maxiter, "maxiter", minimum=1, maximum=MAX_MAXITER)
    start = time.perf_counter()
    loss = Loss(target, len(v0))
    found = _local_points(target, loss, b0, v0, dps, maxiter)
    if not found:
        raise ValueError(f"neither local search of J_{len(v0)} for {target.spec()} reached distinct rates")
    return _polished(target, loss, found, dps, 1, time.perf_counter() - start)[0]


def _local_points(target, loss, b0, v0, dps, maxiter):
    """Both local searches' end points with distinct rates, lowest J_d first."""
    ends = [_trust_region(loss, b0, v0), _variable_projection(target, v0, dps, maxiter)]
    ends = [r for r in ends if r is not None and len(set(np.round(np.log(r[2]), 8))) == len(v0)]
    return sorted(ends, key=lambda r: r[0])


def _polished(target, loss, points, dps, starts, seconds, polish=2):
    """(Minimiser, polished): the lowest of `points` after Newton's method, or when no polish
    converged the lowest point as found (polished False).  The `polish` lowest are polished."""
    best = None
    for _, b, v in points[:polish]:
        try:
            pb, pv, val, gn = _newton_polish(loss, b, v, dps)
        except (ArithmeticError, ZeroDivisionError, ValueError):
            continue
        if best is None or val < best[2]:
            best = (pb, pv, val, gn)
    polished = best is not None
    if not polished:  # the lowest point as found, its gradient measured
        _, b, v = points[0]
        with mpmath.workdps(dps + 10):
            pb, pv = [mpmath.mpf(float(x)) for x in b], [mpmath.mpf(float(x)) for x in v]
            best = (pb, pv, loss.value(pb, pv, dps=dps + 10),
                    max(abs(t) for t in loss.gradient(pb, pv, dps=dps + 10)))
    pb, pv, val, gn = best
    with mpmath.workdps(dps):
        order = sorted(range(len(pv)), key=lambda i: pv[i])
        return Minimiser(target.spec(), len(pv), tuple(+pb[i] for i in order), tuple(+pv[i] for i in order),
                         +val, +gn, dps, starts, tuple(p[0] for p in points), seconds), polished


def _starts(target, d, previous, rng, extra):
    """Initial points for J_d: the minimiser of J_{d-1} with one more rate inserted
    in each gap (and beyond each end), plus `extra` random spreads of rates."""
    out = []
    if previous is not None:
        pb, pv = [float(x) for x in previous.b], [float(x) for x in previous.v]
        cands = [pv[0] / 3] + [math.sqrt(pv[i] * pv[i + 1]) for i in range(len(pv) - 1)] + [pv[-1] * 3]
        for c in cands:
            v = sorted(pv + [c])
            b = [pb[pv.index(x)] if x in pv else 0.05 for x in v]
            out.append((b, v))
    scale = 1.0
    if target.exponential_part() == target:  # an exponential sum: around its rates
        scale = float(np.exp(np.mean(np.log([float(x) for x in target.w]))))
    for _ in range(extra):
        v = sorted(scale * math.exp(rng.uniform(-3, 3)) for _ in range(d))
        if len(set(v)) == d:
            out.append(([0.5 / d] * d, v))
    return out


def global_minimiser(target, d, dps=30, extra_starts=6, seed=0):
    """A non-degenerate global minimiser (b, v) of J_d for `target` (Definition D.2),
    computed by continuation in d (the minimiser of J_{d-1} with one rate inserted in
    every gap, the d = 1 start from Lemma D.1's a(w) = 2wL(w)) plus `extra_starts`
    random starts, each a float64 trust-region search; the best is polished by
    Newton's method at `dps` digits.  Returns a `Minimiser`; raises ValueError if
    no start converges to a non-degenerate critical point.

    Limits: 1 <= d <= 6, dps <= 1000, extra_starts <= 64, seed an int or None, and the continuation's
    S = 1 + sum_{j=2}^{d} (j + 1 + extra_starts) local searches within
    S * (1 + dps/200) <= 90 (about the seconds they take: d = 6 with 6 extra starts at
    dps <= 30, or d = 2 with 6 at dps <= 1000)."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    d = validation.integer(d, "d", minimum=1, maximum=MAX_GLOBAL_D)
    dps = validation.integer(validation.digits(dps), "dps", maximum=MAX_MINIMISER_DPS)
    extra_starts = validation.integer(extra_starts, "extra_starts", minimum=0, maximum=MAX_EXTRA_STARTS)
    if seed is not None:
        seed = validation.integer(seed, "seed")
    work = _searches(d, extra_starts) * (1 + dps / 200)
    if work > MAX_GLOBAL_WORK:
        raise ValueError(f"d = {d}, extra_starts = {extra_starts} and dps = {dps} need {_searches(d, extra_starts)} "
                         f"local searches at {dps} digits (S * (1 + dps/200) = {work:.0f} > {MAX_GLOBAL_WORK}): "
                         "lower extra_starts, dps or d")
    return _global_minimiser(target, d, dps, extra_starts, seed)


@functools.lru_cache(maxsize=64)
def _global_minimiser(target, d, dps, extra, seed):
    # cached by the target's value (targets are values): J_d's minimiser starts J_{d+1}'s continuation
    return _compute_minimiser(target, d, dps, extra, seed)


def _compute_minimiser(target, d, dps, extra, seed):
    start = time.perf_counter()
    rng = random.Random(seed)
    loss = Loss(target, d)
    previous = _global_minimiser(target, d - 1, dps, extra, seed) if d > 1 else None
    if d == 1:
        grid = [10 ** (k / 8) for k in range(-40, 41)]
        w0 = max(grid, key=lambda x: x * float(target.moment(0, x)) ** 2)
        starts = [([2 * w0 * float(target.moment(0, w0))], [w0])]
    else:
        starts = _starts(target, d, previous, rng, extra)
    points = sorted((p for b, v in starts for p in _local_points(target, loss, b, v, dps, 400)),
                    key=lambda r: r[0])
    if not points:
        raise ValueError(f"no local search for J_{d} of {target.spec()} reached a non-degenerate point")
    M, polished = _polished(target, loss, points, dps, len(starts), time.perf_counter() - start, polish=3)
    if not polished:
        raise ValueError(f"Newton's method did not converge for J_{d} of {target.spec()}")
    return M
