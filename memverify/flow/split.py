"""The escape from a split start on M* (m = 2, m* = 1): the slow curve of the
gradient flow (eq. 21) and the hitting time tau_param it predicts.

Setting.  Target rho = a* e^{-w* t} + (a memory template), start theta_0 =
(a1, a* - a1; w*, w*) on M* (Definition C.1): the amplitude a* split between two
neurons at the same rate, a1 != a*/2 (a1 = a*/2 is the symmetric split, an
invariant set that never escapes).  Write E = e^{-w*/omega} for the size of the
template's moments at w* and delta_i = w_i - w*.

What the flow does (measured on the flow, README 'The escape exponent'):
1. in tau = O(1) the amplitude sum and the weighted mean rate a1 delta_1 +
   a2 delta_2 relax (eigenvalues O(1));
2. the rates part to a gap u = w1 - w2 of order sqrt(E): the exponential part
   of the loss grows like (a1 delta_1^2 + a2 delta_2^2)^2 while the template's
   second moment lowers it like -M_2 (a1 delta_1^2 + a2 delta_2^2), so
   a1 delta_1^2 + a2 delta_2^2 ~ E (u = 1.5e-2, 1.6e-4, 1.5e-6 at 1/omega =
   20, 30, 40);
3. on that slow curve amplitude flows from one neuron to the other at a drift
   V = da1/dtau of order E^{5/2}: along the curve only S_3 = a1 delta_1^3 +
   a2 delta_2^3 and higher sums change (S_0, S_1 and S_2 are held by the
   equilibrium), dJ/dS_3 = O(E) and dS_3/da1 = O(S_2^{3/2}) = O(E^{3/2});
4. tau_param is the time for ||theta - theta_0|| to reach delta along the
   curve: ~ delta / (sqrt 2 V), so tau_param ~ omega^p e^{5 w*/(2 omega)}.

This module computes step 3 without the flow: the point of the slow curve at a
given a1 (the minimum of J over (a2, w1, w2) with a1 held, on the side the
flow's rates part to), its drift V = -dJ/da1 / (1 + |dx/da1|^2) (the gradient
flow restricted to the curve x(a1), x = (a2, w1, w2), whose tangent comes from
the implicit function theorem: dx/da1 = -H_xx^{-1} H_x,a1), and tau_param =
int da1 / V up to the a1 where ||theta - theta_0|| = delta.  J, its gradient and
its Hessian are Loss's (derived in sympy), in mpmath at `dps` digits: V is a
difference of O(1) terms of size E^{5/2}, so the digits must cover E^{5/2} (the
default: 3 times the digits of the template's zeroth moment at w*, plus 25).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import validation
from ..backends import MIN_DPS, Precision, PrecisionError, illinois
from ..loss import Loss

__all__ = ["split_dps", "split_slow_point", "split_tau_param"]

NEWTON_MAX_ITER = 60
A1_RANGE = (0.05, 0.95)  # a1/a* accepted by split_tau_param (the range its tests cover)
A1_HALF_GAP = 0.01       # and at least this far from the symmetric split a*/2
GAP_SCAN_FACTOR = 10.0  # the bracket of the gap u: scanned downwards from 0.1 by this factor
QUADRATURE_NODES = 8    # Gauss-Legendre nodes for int da1 / V (V changes by a few % over delta)


def _one_term(target):
    """(a*, w*) of the target's one-term exponential part, else ValueError."""
    base = target.exponential_part()
    if base is None or len(base.w) != 1:
        raise ValueError("target must have a one-term exponential part a* e^{-w* t} (m* = 1), got "
                         f"{type(target).__name__} with {'none' if base is None else str(len(base.w)) + ' terms'}")
    return float(base.a[0]), float(base.w[0])


def split_dps(target):
    """The digits the split's slow curve needs: 3 times the decimal digits of
    1 / |M_0(w*)| (the template's zeroth moment at w*, ~ e^{-w*/omega}; the drift is
    of order its 5/2-th power), plus 25 guard digits, at least MIN_DPS."""
    _, wstar = _one_term(target)
    m0 = abs(target.template_moment(0, wstar, dps=30))
    if not m0 > 0:
        raise ValueError("the template's moment M_0(w*) is 0: no drift to resolve")
    return max(MIN_DPS, math.ceil(3 * max(0.0, -float(mpmath.log10(m0)))) + 25)


def _fast_equilibrium(loss, prec, a1, u, a2, w2):
    """Newton on (a2, w2) for grad J = 0 in those directions with a1 and the gap
    u = w1 - w2 held: returns (a2, w2, dJ/du there)."""
    tol = mpmath.mpf(10) ** (5 - prec.dps)
    for _ in range(NEWTON_MAX_ITER):
        g = loss.gradient([a1, a2], [w2 + u, w2], dps=prec.dps)
        H = loss.hessian([a1, a2], [w2 + u, w2], dps=prec.dps)
        # coordinates (a2, w2) of theta = (a1, a2, w2 + u, w2): d theta / d w2 = e_3 + e_4
        K = [[H[1, 1], H[1, 2] + H[1, 3]], [H[2, 1] + H[3, 1], H[2, 2] + H[2, 3] + H[3, 2] + H[3, 3]]]
        d = prec.solve(K, [-g[1], -g[2] - g[3]])
        a2, w2 = a2 + d[0], w2 + d[1]
        if abs(d[0]) + abs(d[1]) < tol:
            return a2, w2, loss.gradient([a1, a2], [w2 + u, w2], dps=prec.dps)[2]
    raise PrecisionError(f"Newton for the fast variables did not converge in {NEWTON_MAX_ITER} iterations "
                         f"(a1 = {float(a1)}, gap u = {float(u):.3g}) at dps={prec.dps}: raise dps")


def split_slow_point(target, a1, side, dps, gap_guess=None):
    """The point of the split's slow curve at amplitude a1 (m = 2): J minimised over
    (a2, w1, w2) with a1 held, the rates parted on `side` (+1: w1 > w2, -1: w1 < w2).

    target: a Target with a one-term exponential part (a*, w*) and a template;
    a1: a real number; dps: mpmath digits (`split_dps`).  Returns a dict of mpf:
    'a' [a1, a2], 'w' [w1, w2], 'gap' (w1 - w2), 'drift' (V = da1/dtau of the flow
    restricted to the curve), 'grad' (grad J there: zero but for its a1 entry).
    gap_guess: None, or a gap of a nearby point of the curve: the bracket's scan
    then starts at 10 times it instead of at 0.1."""
    astar, wstar = _one_term(target)
    validation.real(a1, "a1")
    if side not in (1, -1):
        raise ValueError(f"side must be +1 or -1, got {side!r}")
    dps = validation.digits(dps)
    loss = Loss(target, 2)
    prec = Precision(dps)
    with prec.context():
        a1 = mpmath.mpf(a1)
        a2, w2 = mpmath.mpf(astar) - a1, mpmath.mpf(wstar)
        # bracket the gap: dJ/du changes sign between the saddle u = 0 (J falls as the
        # rates part) and the curve's u ~ sqrt(E); scan down from 0.1
        u = side * (mpmath.mpf("0.1") if gap_guess is None else min(mpmath.mpf("0.1"), 10 * abs(mpmath.mpf(gap_guess))))
        a2, w2, du = _fast_equilibrium(loss, prec, a1, u, a2, w2)
        floor = mpmath.mpf(10) ** (-dps / 2)
        while True:
            u_next = u / GAP_SCAN_FACTOR
            if abs(u_next) < floor:
                raise PrecisionError(f"no gap of the slow curve found above {float(floor):.1e} at a1 = {float(a1)} "
                                 f"(side {side}) at dps={dps}: raise dps")
            a2n, w2n, du_next = _fast_equilibrium(loss, prec, a1, u_next, a2, w2)
            if (du_next > 0) != (du > 0):
                break
            u, du, a2, w2 = u_next, du_next, a2n, w2n
        lo, hi = illinois(lambda x: _fast_equilibrium(loss, prec, a1, x, a2, w2)[2], u_next, u, du_next, du,
                          mpmath.mpf(10) ** (-dps // 2), offset=0)
        u = (lo + hi) / 2
        a2, w2, _ = _fast_equilibrium(loss, prec, a1, u, a2, w2)
        a, w = [a1, a2], [w2 + u, w2]
        g, H = loss.gradient(a, w, dps=dps), loss.hessian(a, w, dps=dps)
        fast = (1, 2, 3)
        tangent = prec.solve([[H[i, j] for j in fast] for i in fast], [-H[i, 0] for i in fast])
        drift = -g[0] / (1 + mpmath.fsum(x ** 2 for x in tangent))
        return {"a": a, "w": w, "gap": u, "drift": drift, "grad": list(g)}


def split_tau_param(target, a1, delta, dps=None):
    """tau_param (eq. 104) of the split start (a1, a* - a1; w*, w*) predicted by its
    slow curve: int da1 / V from a1 to the a1 where ||theta - theta_0|| = delta
    (the relaxation onto the curve takes a vanishing share of the time).

    target: as `split_slow_point`; a1: the first neuron's amplitude (!= a*/2);
    delta: the gap of eq. 104, in (0, 0.5); dps: None (`split_dps`) or digits.
    Returns {'tau_param', 'log_tau_param', 'a1_end', 'gap' (the rates' gap at the
    start of the curve), 'drift' (V there), 'side', 'dps'}: 'tau_param', 'gap' and
    'drift' are mpmath numbers (tau_param leaves float64's range from 1/omega ~ 300
    on, the drift before), 'log_tau_param' (natural log) and 'a1_end' floats.
    The start of the curve is where a1 is held: the fast relaxation from theta_0
    moves the other amplitude by O(E^{1/2}) there (1.2e-9 at 1/omega = 30), which
    makes tau_param uncertain by about that over (a1_end - a1): the mirror start
    (a* - a1, a1) gives the same tau_param to 8e-8 at 1/omega = 30."""
    astar, wstar = _one_term(target)
    a1 = float(validation.real(a1, "a1"))
    delta = float(validation.positive(delta, "delta"))
    if not delta < 0.5:
        raise ValueError(f"delta must be below 0.5 (the slow curve is followed over a1 only), got {delta}")
    r = a1 / astar
    if not A1_RANGE[0] <= r <= A1_RANGE[1] or abs(r - 0.5) < A1_HALF_GAP:
        # the tested range (the mirror test covers 0.05..0.49); a*/2 itself is an invariant set
        raise ValueError(f"a1 must satisfy {A1_RANGE[0]} <= a1/a* <= {A1_RANGE[1]} and |a1/a* - 1/2| >= {A1_HALF_GAP} "
                         f"(a*/2 is the symmetric split, an invariant set with no escape), got a1/a* = {r:.6g}")
    dps = split_dps(target) if dps is None else validation.digits(dps)
    loss = Loss(target, 2)
    with mpmath.workdps(dps):
        th0 = [mpmath.mpf(a1), mpmath.mpf(astar) - mpmath.mpf(a1), mpmath.mpf(wstar), mpmath.mpf(wstar)]
        g0 = loss.gradient(th0[:2], th0[2:], dps=dps)
        # the side the flow's rates part to: d(w1 - w2)/dtau = -(g_w1 - g_w2) at theta_0
        side = 1 if g0[3] - g0[2] > 0 else -1
        start = split_slow_point(target, a1, side, dps)
        if start["drift"] == 0:
            raise PrecisionError(f"the drift along the slow curve is 0 at its start at dps={dps}: raise dps")
        direction = 1 if start["drift"] > 0 else -1

        def distance(s):
            p = split_slow_point(target, s, side, dps, start["gap"])
            return mpmath.sqrt(mpmath.fsum((x - y) ** 2 for x, y in zip(p["a"] + p["w"], th0))) - delta

        # a1_end: the distance grows like sqrt(2) |a1 - a1_0| (a2 falls as a1 rises)
        s_lo, s_hi = mpmath.mpf(a1), mpmath.mpf(a1) + direction * mpmath.mpf(delta)
        d_lo, d_hi = distance(s_lo), distance(s_hi)
        if not (d_lo < 0 < d_hi):
            raise ValueError(f"delta: ||theta - theta_0|| - delta does not change sign on [a1, a1 +- delta]: "
                               f"{float(d_lo):.3g}, {float(d_hi):.3g}")
        lo, hi = illinois(distance, s_lo, s_hi, d_lo, d_hi, mpmath.mpf(10) ** -12)
        s_end = (lo + hi) / 2
        nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
        half, mid = (s_end - a1) / 2, (s_end + a1) / 2
        tau = mpmath.fsum(float(wt) * half / split_slow_point(target, mid + half * float(nd), side, dps, start["gap"])["drift"]
                          for nd, wt in zip(nodes, weights))
        if not (mpmath.isfinite(tau) and tau > 0):
            raise PrecisionError(f"the predicted tau_param is not a positive number ({tau}) at dps={dps}: raise dps")
        return {"tau_param": +tau, "log_tau_param": float(mpmath.log(tau)), "a1_end": float(s_end),
                "gap": +start["gap"], "drift": +start["drift"], "side": side, "dps": dps}
