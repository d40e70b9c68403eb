"""The events of a gradient-flow run (the hitting times of Theorem C.1), the float64
check that a run resolves them, and the test that they can no longer happen (the
flow at rest at a strict local minimum)."""

from __future__ import annotations

import math

import numpy as np

from .. import validation
from ..backends import illinois
from .integrator import StepRejected
from .result import theta_at

EPS = float(np.finfo(float).eps)
EVENT_GAP_FRACTION = 0.1  # an event's quantity must be resolved to a tenth of its gap delta
# at rest at a minimum: every Hessian eigenvalue above its rounding bound and above this
# fraction of the largest (a degenerate plateau is not a minimum), and the Newton step
# to the minimum below the tolerance
REST_MIN_CONDITION = 1e-8
# an event located on the dense output is refined by stepping to it (Newton on its time,
# with the dense output's slope from differences of this relative width), until the
# time moves by less than EVENT_REFINE_TOL rtol tau
EVENT_REFINE_ITER = 3
EVENT_SLOPE_STEP = 1e-6
EVENT_REFINE_TOL = 1e-3


class EventContext:
    """What the events of one run read: the problem, theta_0, J(theta_0) and the arithmetic."""

    def __init__(self, problem, theta0, J0):
        self.problem = problem
        self.arith = problem.arith
        self.theta0 = theta0
        self.J0 = J0

    def number(self, x):
        return self.arith.number(x)


class Event:
    """An event of a run: `value(ctx, theta)` crosses 0 from below when it happens."""

    name = ""

    def __init__(self, delta):
        self.delta = validation.positive(delta, "delta")

    def __repr__(self):
        return f"{type(self).__name__}(delta={self.delta})"


class LossHitting(Event):
    """tau_loss = inf{tau : |J(theta(tau)) - J(theta_0)| > delta}  (eqs. 22, 105)."""

    name = "tau_loss"

    def value(self, ctx, theta):
        return abs(ctx.problem.value(theta) - ctx.J0) - ctx.number(self.delta)


class ParamSeparation(Event):
    """tau_param = inf{tau : ||theta(tau) - theta_0||_2 > delta}  (eq. 104)."""

    name = "tau_param"

    def value(self, ctx, theta):
        return ctx.arith.norm2(theta - ctx.theta0) - ctx.number(self.delta)


def out_of_reach(event, J0, t_max):
    """Why `event` cannot happen on the gradient flow before t_max from a start with loss
    J0, or None.  J >= 0 and the flow only lowers J, so |J - J0| <= J0; and
    ||theta(tau) - theta_0|| <= int ||grad J|| <= sqrt(tau (J0 - J)) <= sqrt(tau J0)
    (Cauchy-Schwarz, with d J/d tau = -||grad J||^2), so tau_param >= delta^2 / J0."""
    d, J0 = float(event.delta), float(J0)
    if isinstance(event, LossHitting) and d >= J0:
        return f"|J - J(theta_0)| <= J(theta_0) = {J0:.6g} <= delta = {d:.6g} (J >= 0, and J only falls)"
    if isinstance(event, ParamSeparation) and J0 > 0 and math.log(d) * 2 - math.log(J0) > math.log(t_max):
        return (f"||theta - theta_0||^2 <= tau J(theta_0), so ||theta - theta_0|| reaches delta = {d:.6g} "
                f"no sooner than tau = delta^2 / J(theta_0) = 10^{(2 * math.log10(d) - math.log10(J0)):.4g} > t_max")
    return None


def event_resolution(ctx, event, theta, rtol, tau=None, speed=None):
    """None when float64 resolves `event` at theta, else the reason.  The rounding
    error err of the event's quantity (LossHitting: |J - J_0| from two float64 values
    of J; ParamSeparation: ||theta - theta_0||) must be below EVENT_GAP_FRACTION of the
    gap delta; at a located event (tau given) it must also shift the time by less than
    rtol tau: the quantity changes at the rate ||grad J||^2 (the loss) or ||grad J||
    (the distance), `speed` = ||grad J|| there."""
    problem = ctx.problem
    if isinstance(event, LossHitting):
        err = problem.value_error(theta) + problem.value_error(ctx.theta0)
        what, rate = "J(theta) - J(theta_0)", None if speed is None else speed * speed
    else:
        err = 4 * EPS * (float(ctx.arith.norm2(theta)) + float(ctx.arith.norm2(ctx.theta0)))
        what, rate = "||theta - theta_0||", speed
    if err > EVENT_GAP_FRACTION * event.delta:
        return (f"float64 cannot resolve the event {event!r}: the rounding error of {what} "
                f"can reach {err:.2e}, against delta = {event.delta:g}; use method='exact'")
    if tau is not None and rate is not None and not err < rtol * float(tau) * float(rate):
        return (f"float64 cannot resolve the time of the event {event!r}: the rounding error of {what} "
                f"({err:.2e}) shifts it by {err / float(rate) if rate > 0 else float('inf'):.2e}, "
                f"against rtol * tau = {rtol * float(tau):.2e}; use method='exact'")
    return None


def hitting_events(delta):
    """Both events of Theorem C.1 for one gap delta: (LossHitting, ParamSeparation)."""
    return (LossHitting(delta), ParamSeparation(delta))


def never_happen(ctx, lin, theta, pending, rtol, atol, check_precision):
    """Why the `pending` events can never happen from theta, or None.  theta must be
    at rest at a strict local minimum: H = Hess J positive definite (each eigenvalue
    above its rounding bound and REST_MIN_CONDITION times the largest) and the Newton
    step d = H^{-1} grad J to the minimum within the tolerance.  The flow then stays
    near theta and J decreases by at most dJ = g^T H^{-1} g / 2 more (quadratic model),
    so |J - J_0| stays below delta when |J(theta) - J_0| + dJ (+ rounding) < delta,
    and ||theta - theta_0|| when ||theta - theta_0|| + ||d|| < delta."""
    ar, problem = ctx.arith, ctx.problem
    lam = lin.lam
    lam_max = max(abs(x) for x in lam)
    if not all(lam[j] > lin.lam_err[j] and lam[j] > ar.number(REST_MIN_CONDITION) * lam_max
               for j in range(len(lam))):
        return None
    gq = lin.Q.T.dot(lin.g)
    dq = [gq[j] / lam[j] for j in range(len(lam))]
    d = ar.norm2(np.array(dq, dtype=object if ar.kind == "mp" else float))
    moved = ar.norm2(theta - ctx.theta0)
    if not d <= ar.number(atol) + ar.number(rtol) * max(moved, ar.number(1)):
        return None
    dJ = sum(gq[j] * dq[j] for j in range(len(lam))) / 2
    gap = abs(problem.value(theta) - ctx.J0)
    reasons = []
    for e in pending:
        if isinstance(e, LossHitting):
            err = problem.value_error(theta) + problem.value_error(ctx.theta0) if check_precision else 0
            if not gap + dJ + err < e.delta:
                return None
            reasons.append(f"{e.name}: J can fall by {float(gap + dJ):.6g} in all, less than delta = {e.delta:g}")
        elif isinstance(e, ParamSeparation):
            if not moved + d < e.delta:
                return None
            reasons.append(f"{e.name}: ||theta - theta_0|| stays below {float(moved + d):.6g} < delta = {e.delta:g}")
        else:
            return None
    return (f"a strict local minimum (Hessian eigenvalues {float(min(lam)):.3g} to {float(lam_max):.3g}, "
            f"Newton step {float(d):.2g}): never {'; never '.join(reasons)} (quadratic model)")


def refine_event(solver, problem, ctx, event, st, t, y, lin, scale, h, s, rtol):
    """The event's time t + s on the step (t, t + h), refined from its root s on the
    dense output by stepping from (t, y) to t + s itself: the dense output is of
    lower order than the step (for Radau IIA, O(h^4) against O(h^6)), and on the
    long steps of a plateau its error dominated the hitting time (3e-7 relative for
    tau_param from (1, 0), (1, 2) at 1/omega = 40, against 2e-13 for the states).
    Newton on s with the dense output's slope of the event, at most EVENT_REFINE_ITER
    steps; a step that fails leaves the last estimate."""
    ar = problem.arith
    for _ in range(EVENT_REFINE_ITER):
        try:
            y_s = solver.step(t, y, s, lin, scale)[0]
        except StepRejected:
            return s
        theta_s = problem.theta(y_s)
        if not ar.all_finite(theta_s):
            return s
        v = event.value(ctx, theta_s)
        ds = s * ar.number(EVENT_SLOPE_STEP)
        slope = (event.value(ctx, theta_at(st, min(s + ds, h), ar, problem))
                 - event.value(ctx, theta_at(st, s - ds, ar, problem))) / (min(s + ds, h) - (s - ds))
        if not slope > 0:
            return s
        s_new = min(max(s - v / slope, ar.number(0.5) * s), h)
        if abs(s_new - s) <= ar.number(EVENT_REFINE_TOL) * rtol * (t + s):
            return s_new
        s = s_new
    return s


def locate_event(f, lo, hi, flo, fhi, t0, ar):
    """The root of f on [lo, hi] (f(lo) <= 0 < f(hi)): the end where f > 0, to a
    relative time accuracy of about 1e-14 (float) or 10^-(dps-5) (mpmath)."""
    tol_rel = ar.number(1e-14) if ar.kind == "float" else ar.number(10) ** (-(ar.dps - 5))
    return illinois(f, lo, hi, flo, fhi, tol_rel, offset=t0)[1]
