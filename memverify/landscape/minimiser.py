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

from .. import _validate
from ..backends import MIN_DPS, Precision
from ..loss import Loss
from ..targets import Target


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


def _local_search(loss, b0, v0):
    """Local minimisation of J_d in float64 over (b, log v) with the exact gradient and
    Hessian (approximation.best's variable projection is the other local search of J_d,
    kept for small errors; its docstring says why there are two)."""
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


def _newton_polish(loss, b, v, dps):
    """Newton's method on grad J_d = 0 at `dps` digits, from a float64 minimiser."""
    d = len(b)
    with mpmath.workdps(dps + 10):
        x = mpmath.matrix([mpmath.mpf(float(t)) for t in list(b) + list(v)])
        for _ in range(60):
            bb, vv = list(x[:d]), list(x[d:])
            g = mpmath.matrix(list(loss.gradient(bb, vv, dps=dps + 10)))
            gnorm = max(abs(t) for t in g)
            if gnorm < mpmath.mpf(10) ** (-dps - 5):
                break
            step = Precision(dps + 10).solve(loss.hessian(bb, vv, dps=dps + 10), [-t for t in g])
            x = x + mpmath.matrix(list(step))
            if min(x[d:]) <= 0:
                raise ArithmeticError("Newton's method left the domain w > 0")
        bb, vv = list(x[:d]), list(x[d:])
        g = loss.gradient(bb, vv, dps=dps + 10)
        return bb, vv, loss.value(bb, vv, dps=dps + 10), max(abs(t) for t in g)


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
    no start converges to a non-degenerate critical point."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    d = _validate.integer(d, "d", minimum=1)
    dps = _validate.integer(dps, "dps", minimum=MIN_DPS)
    return _global_minimiser(target, d, dps, _validate.integer(extra_starts, "extra_starts", minimum=0), seed)


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
    results = [r for r in (_local_search(loss, b, v) for b, v in starts) if r is not None]
    results = [r for r in results if len(set(np.round(np.log(r[2]), 8))) == d]  # distinct rates
    if not results:
        raise ValueError(f"no local search for J_{d} of {target.spec()} reached a non-degenerate point")
    results.sort(key=lambda r: r[0])
    best = None
    for fun, b, v in results[:3]:  # polish the three best; keep the lowest loss
        try:
            pb, pv, val, gn = _newton_polish(loss, b, v, dps)
        except (ArithmeticError, ZeroDivisionError, ValueError):
            continue
        if best is None or val < best[2]:
            best = (pb, pv, val, gn)
    if best is None:
        raise ValueError(f"Newton's method did not converge for J_{d} of {target.spec()}")
    pb, pv, val, gn = best
    with mpmath.workdps(dps):
        order = sorted(range(d), key=lambda i: pv[i])
        return Minimiser(target.spec(), d, tuple(+pb[i] for i in order), tuple(+pv[i] for i in order),
                         +val, +gn, dps, len(starts), tuple(r[0] for r in results),
                         time.perf_counter() - start)
