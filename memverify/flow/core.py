"""`gradient_flow`: the driver that owns the loop, the step-size control and the
events, and returns a plain `FlowResult` (like scipy.integrate.solve_ivp)."""

from __future__ import annotations

import dataclasses
import math
import time

import mpmath
import numpy as np

from .. import validation
from ..backends import MAX_DPS, PrecisionError
from ..loss import Loss
from .control import StepController
from .events import (Event, EventContext, LossHitting, ParamSeparation, event_resolution,  # noqa: F401 (re-exported)
                     hitting_events, locate_event, never_happen, out_of_reach, refine_event)
from .heavy_ball import HeavyBallProblem, HeavyBallRosenbrock
from .integrator import ExpRosenbrock, Linearisation, StepRejected
from .radau import RadauIIA
from .result import FlowResult, theta_at
from .plain import PlainProblem, auto_dps
from .problems import OffsetProblem

METHODS = ("exact", "fast", "naive")
ERROR_ESTIMATE_MIN_RTOL = 1e-14  # the reference run of error_estimate=True: rtol / 100, at least this
# the integrators of the gradient flow (the heavy-ball flow has its own)
SOLVERS = {"radau": RadauIIA, "exprb43": ExpRosenbrock}
# two rates that meet are a singular point of the slow motion: the reduced drift of a
# switched-off neuron's rate has poles at w_i = w_j (symbolic.escape), and its amplitude
# grows like (w_i - w_j)^-2 on the way.  A step must not jump over one: a step in which
# the gap of a pair of rates shrinks below this factor of itself, or changes sign from
# above RATE_GAP_FLOOR, is kept only if two half steps confirm it (the rates of the full
# flow may cross for real, as Figure 3's switched-off neurons do).  (Without the guard,
# from (1, 0), (1, 2) at 1/omega = 50 and the default rtol a step took w_2 - w_1 from
# +2.2e-3 to -4.4e-3, past the point where neuron 2 takes the amplitude over, and
# tau_loss came out as 2.1e36 instead of 6.7e40.  That jump came from stages solved too
# loosely, since fixed (stages.NESTED_KAPPA); the guard stays as a safety net.)
RATE_GAP_SHRINK = 0.5
RATE_GAP_FLOOR = 1e-12
# 'exact' at rest at a saddle without a resolved gradient component along its unstable
# directions: an invariant set, or too few digits to see the slow motion off it (the
# split start at 1/omega = 80 rested at dps = 60; its drift there is ~e^{-5/(2 omega)} =
# 1e-87, flow/split.py).  The run is repeated with twice the digits, up to this many times
SADDLE_DPS_DOUBLINGS = 2
# the reference run of error_estimate=True in 'exact' also has more digits (this factor),
# so that its difference shows too few digits as well as too loose a tolerance (the
# split start at 1/omega = 70: tau_param 1.0e55 at the automatic dps = 52, 5.4e59 at 200)
ERROR_ESTIMATE_DPS_FACTOR = 1.5


# ---------------------------------------------------------------------------
# the driver


def check_method(method, dps):
    """method one of METHODS, and dps None or digits for method='exact' only: the digits."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if dps is not None:
        dps = validation.digits(dps)
        if method != "exact":
            raise ValueError(f"dps applies to method='exact' only, got dps={dps} with method={method!r}")
    return dps


def _check_inputs(loss, a0, w0, events, delta, method, dps, t_max, rtol, atol, max_steps, on_precision,
                  integrator):
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be a memverify.Loss, got {type(loss).__name__}")
    a0 = validation.vector(a0, "a0", length=loss.m)
    w0 = validation.vector(w0, "w0", length=loss.m, positive_entries=True)
    dps = check_method(method, dps)
    if events is None:
        events = hitting_events(delta) if delta is not None else ()
    elif delta is not None:
        raise ValueError("give either events or delta, not both")
    if isinstance(events, Event):
        events = (events,)
    events = tuple(events)
    for e in events:
        if not isinstance(e, Event):
            raise TypeError(f"events must be LossHitting / ParamSeparation objects, got {type(e).__name__}")
    if len({e.name for e in events}) != len(events):
        raise ValueError("events: at most one event of each kind")
    t_max = validation.positive(t_max, "t_max")
    rtol = validation.tolerance(rtol, "rtol")
    atol = validation.positive(atol, "atol")
    if not isinstance(integrator, str) or integrator not in SOLVERS:
        raise ValueError(f"integrator must be one of {tuple(SOLVERS)}, got {integrator!r}")
    max_steps = validation.integer(max_steps, "max_steps", minimum=1)
    if on_precision not in ("raise", "exact"):
        raise ValueError(f"on_precision must be 'raise' or 'exact', got {on_precision!r}")
    return a0, w0, events, dps, t_max, rtol, atol, max_steps


def gradient_flow(loss, a0, w0, events=None, delta=None, method="exact", dps=None, t_max=1e60,
                  rtol=1e-9, atol=1e-12, max_steps=5000, dense=True, on_precision="raise", momentum=None,
                  integrator="radau", error_estimate=False, progress=None):
    """Integrate the gradient flow d theta/d tau = -grad J(theta) (eq. 21) from
    theta_0 = (a0, w0) until every event has happened or tau = t_max.

    loss: a `Loss` (target and width m).  events: LossHitting / ParamSeparation
    objects, or `delta=` for both with the same gap.  method: 'exact' (mpmath at
    `dps` digits, chosen from the target and theta_0 when None), 'fast'
    (float64 in the cancellation-free residual form), or 'naive' (float64 on the
    plain formulas, for comparison).  Both float64 methods bound the rounding
    error of the gradient at every step and raise PrecisionError where it could
    move the state by more than the tolerance (or rerun with 'exact' when
    on_precision='exact'), and check that J(theta) - J(theta_0) and ||theta - theta_0||
    are resolved at the events (to a tenth of delta, and so that their rounding shifts
    the time by less than rtol * tau): never a silently wrong time.
    integrator: 'radau' (3-stage Radau IIA, order 5: few steps through the escape
    after a plateau) or 'exprb43' (exponential Rosenbrock: cheaper steps, many more
    of them in the escape).  rtol in (0, 1), atol: local error per step.  Across the
    step's chord, ||err||_inf <= atol + rtol max(||theta - theta_0||_inf, min(tau
    ||grad J||_inf, 1)); along it, an error is the same path at a shifted time, held to
    rtol tau in time (at most 1e-3 of the chord) if control.PATH_TIME is set (off by
    default: fewer steps in an escape, but hitting times up to 4.7e-6 off after several
    saddle passages), else to the same bound as across it.
    These bound the error of each step, not of a hitting time, whose error accumulates
    with 1/omega: at the default rtol = 1e-9 the times of the start (1, 0), (1, 0.8) are
    good to ~5e-9 up to 1/omega = 40 and 3e-8 at 100 (m = 2, benchmarks/flow_accuracy.py).
    error_estimate=True runs the flow again at rtol / 100 (in 'exact' also with 1.5 times
    the digits) and reports the differences of the hitting times as t_events_error (an
    estimate, not a bound; twice the work).  'exact' that comes to rest at a saddle
    without a resolved gradient component along its unstable directions reruns with
    twice the digits (twice): an invariant set rests at every precision, too few digits
    do not.  A step never jumps over a meeting of two rates (`rate_gap_jump`) unless
    two half steps confirm it.
    progress: None, or a callable given a dict after every accepted step: 'run' (the
    run it belongs to: 'main', 'exact rerun' after escalation, 'error estimate'),
    'method', 'tau', 'steps', 'rejected', 'loss' (J(theta)) and 'found' (the events
    found so far, with their times).
    Returns a `FlowResult`.
    """
    a0, w0, events, dps, t_max, rtol, atol, max_steps = _check_inputs(
        loss, a0, w0, events, delta, method, dps, t_max, rtol, atol, max_steps, on_precision, integrator)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or a callable, got {type(progress).__name__}")
    return _gradient_flow(loss, a0, w0, events, method, dps, t_max, rtol, atol, max_steps, dense, on_precision,
                          momentum, integrator, error_estimate, progress, "main")


def _gradient_flow(loss, a0, w0, events, method, dps, t_max, rtol, atol, max_steps, dense, on_precision, momentum,
                   integrator, error_estimate, progress, run, saddle_doublings=None):
    theta0 = list(a0) + list(w0)
    if momentum is not None:
        momentum = validation.real(momentum, "momentum")
        if momentum < 0:
            raise ValueError(f"momentum (gamma) must be >= 0, got {momentum!r}")
        if method != "exact":
            raise ValueError("momentum: the heavy-ball flow is implemented for method='exact' only")
    start = time.perf_counter()
    if method == "exact":
        if dps is None:
            dps = auto_dps(loss, theta0)
        problem = PlainProblem(loss, dps)
    elif method == "fast":
        problem = OffsetProblem(loss, theta0)
    else:
        problem = PlainProblem(loss, None)
    if momentum is not None:
        with problem.arith.context():
            problem = HeavyBallProblem(problem, problem.arith.number(momentum))
    try:
        with problem.arith.context():
            solver = HeavyBallRosenbrock(problem) if momentum is not None else SOLVERS[integrator](problem)
            report = None if progress is None else (lambda info: progress({"run": run, "method": method, **info}))
            res = _integrate(problem, solver, theta0, events, t_max, rtol, atol, max_steps, dense, method,
                             check_precision=(method != "exact"), progress=report)
        if momentum is not None:
            res = dataclasses.replace(res, method=f"{method}, heavy ball gamma={float(momentum):g}")
    except (ZeroDivisionError, OverflowError, FloatingPointError) as exc:
        # float64 failed outright (PrecisionError, the float64 methods' own refusal, is an
        # OverflowError too); 'exact' has no float64 intermediates left to fail
        if not isinstance(exc, PrecisionError) and method == "exact":
            raise
        if not isinstance(exc, PrecisionError):
            exc = PrecisionError(f"float64 failed ({type(exc).__name__}: {exc}); method='exact' avoids float64")
        if on_precision != "exact":
            raise exc from None
        res = _gradient_flow(loss, a0, w0, events, "exact", None, t_max, rtol, atol, max_steps, dense, "raise",
                             None, integrator, False, progress, "exact rerun", saddle_doublings=0)
        escalated = f"escalated to 'exact' ({exc}). "
        method = "exact"
    else:
        escalated = ""
    rested = []  # the digits at which 'exact' came to rest at a saddle
    for _ in range(SADDLE_DPS_DOUBLINGS if saddle_doublings is None else saddle_doublings):
        if not (res.unresolved_saddle and method == "exact" and momentum is None) or 2 * res.dps > MAX_DPS:
            break
        rested.append(res.dps)
        res = _gradient_flow(loss, a0, w0, events, "exact", 2 * res.dps, t_max, rtol, atol, max_steps, dense,
                             "raise", None, integrator, False, progress, f"rerun at dps={2 * res.dps}",
                             saddle_doublings=0)
    if rested:
        escalated += f"At rest at a saddle at dps={', '.join(map(str, rested))}; rerun at dps={res.dps}: "
    res = dataclasses.replace(res, message=escalated + res.message)
    if error_estimate:
        # the same flow at a 100 times tighter tolerance (and in 'exact' with more digits):
        # the difference estimates the error of the reported times (an estimate, not a bound)
        ref_dps = min(math.ceil(ERROR_ESTIMATE_DPS_FACTOR * res.dps), MAX_DPS) if method == "exact" else None
        ref = _gradient_flow(loss, a0, w0, events, method, ref_dps, t_max, max(rtol / 100, ERROR_ESTIMATE_MIN_RTOL),
                             atol / 100, 10 * max_steps, False, on_precision, momentum, integrator, False,
                             progress, "error estimate")
        res = dataclasses.replace(res, t_events_error={
            k: (abs(v - ref.t_events[k]) if v is not None and ref.t_events.get(k) is not None else None)
            for k, v in res.t_events.items()})
    return dataclasses.replace(res, seconds=time.perf_counter() - start)


def _integrate(problem, solver, theta0, events, t_max, rtol, atol, max_steps, dense, method, check_precision,
               progress=None):
    ar = problem.arith
    y = problem.initial_state(theta0)
    th0 = ar.vector(theta0)
    J0 = problem.value(th0)
    if not math.isfinite(float(J0)):  # results report J in float64; the flow only lowers J
        if ar.kind == "float":
            raise PrecisionError(f"J(theta_0) overflows float64 ({float(J0)}); method='exact' evaluates it in mpmath")
        raise ValueError(f"a0, w0: the loss at the start, J = {mpmath.nstr(J0, 5)}, is beyond float64's range "
                         f"(about 1.8e308), in which results report J: scale the start (a0) or the target down")
    ctx = EventContext(problem, th0, J0)
    t = ar.number(0)
    t_max_n = ar.number(t_max)
    ts, ys, losses, dense_steps = [0.0], [ar.to_float(th0)], [float(J0)], []
    ys_exact = [th0] if ar.kind == "mp" else []
    found = {e.name: None for e in events}
    found_exact = {}
    prev_val = {e.name: e.value(ctx, th0) for e in events}
    for e in events:
        if prev_val[e.name] > 0:
            raise ValueError(f"{e!r} is already exceeded at theta_0")
        if check_precision and (why := event_resolution(ctx, e, th0, rtol)):
            raise PrecisionError(why)
    # (the heavy-ball flow starts with a velocity, and its J may rise: not there)
    beyond = [] if isinstance(problem, HeavyBallProblem) else [why for e in events if (why := out_of_reach(e, J0, t_max))]
    if events and len(beyond) == len(events):  # nothing to integrate for
        return FlowResult(t=np.array(ts), y=np.array(ys), loss=np.array(losses), t_events=found, status=0,
                          message="no event can happen before t_max: " + "; ".join(beyond), method=method,
                          steps=0, rejected=0, dps=problem.dps, seconds=0.0, rtol=rtol, atol=atol,
                          y_exact=ys_exact, t_events_exact=found_exact, _dense=[], _problem=problem)
    # a solver whose error estimate is of lower order than its solution says what
    # tolerance on the estimate gives a local error of about rtol (atol scales alike)
    est = getattr(solver, "estimate_tolerance", None)
    k = 1.0 if est is None else est(rtol) / rtol
    ctl = StepController(solver.order, ar, rtol * k, atol * k)
    lin = _linearise(solver, y, None, t)
    h = ctl.first_step(lin[3])
    steps = rejected = 0
    st_prev = None
    status, message = 0, f"reached t_max = {t_max:g}"
    unresolved_saddle = False
    while True:
        if steps >= max_steps:
            status, message = -1, f"max_steps = {steps} reached at tau = {float(t):.6g}"
            break
        h_cap = solver.max_step(lin, h) if hasattr(solver, "max_step") else None
        if h_cap is not None and h > h_cap:
            h = h_cap
        if t + h > t_max_n:
            h = t_max_n - t
        # the error norm's scale at the start of the step (for Newton's stopping test)
        # (at the user's rtol: the stages of an implicit method are solved to a
        # fraction of the local error asked for, not of its looser estimate's tolerance)
        th = problem.theta(y)
        scale0 = ctl.scale(ar.norm_inf(th - th0), t + h, ar.norm_inf(lin[0])) / ar.number(k)
        try:
            y_new, err, st, round_err = solver.step(t, y, h, lin, scale0, previous=st_prev)
            th_new = problem.theta(y_new)
            if not ar.all_finite(th_new):
                raise StepRejected("a non-finite state")
            if not all(x > 0 for x in th_new[problem.m:]):
                raise StepRejected("a rate w_i left (0, inf)")
            scale = ctl.scale(ar.norm_inf(th_new - th0), t + h, ar.norm_inf(lin[0]))
            if (why := rate_gap_jump(th[problem.m:], th_new[problem.m:])) and not _halves_agree(
                    solver, problem, t, y, h, lin, scale0, th_new, scale / ar.number(k)):
                raise StepRejected(why + ", and two half steps do not confirm the step")
            err_norm = ctl.error_norm(err, y_new - y, h, t + h, scale)
            if not err_norm < ar.number(1e300):
                raise StepRejected("non-finite error estimate")
        except StepRejected as exc:
            rejected += 1
            h = ctl.failed(h)
            if h is None:
                status, message = -1, f"no acceptable step at tau = {float(t):.6g}: {exc}"
                break
            continue
        if err_norm > 1:
            rejected += 1
            h = ctl.rejected(h, err_norm)
            if h is None:
                status, message = -1, f"step size underflow at tau = {float(t):.6g}"
                break
            continue
        # the gradient's rounding error must not move the state by more than the
        # tolerance, or by more than 1e-6 of the step's own motion, in any
        # eigendirection of H_n (a relative error of 1e-6 in the motion there)
        if check_precision and round_err is not None:
            reach, moved = round_err
            tol = scale / ar.number(k)  # the user's tolerance, not the error estimate's
            bad = [i for i in range(len(reach)) if reach[i] > max(tol, ar.number(1e-6) * moved[i])]
            if bad:
                i = max(bad, key=lambda j: reach[j])
                raise PrecisionError(
                    f"float64 cannot resolve grad J at tau = {float(t):.4g}: along an eigenvector of the "
                    f"Hessian (eigenvalue {float(lin[3][i]):.3g}) its rounding error could move the state by "
                    f"{float(reach[i]):.2e} in a step of {float(h):.3g}, against a motion of "
                    f"{float(moved[i]):.2e} and a tolerance of {float(tol):.2e}; use method='exact'")
        # accepted
        steps += 1
        t_new = t + h
        st.base = getattr(problem, "theta_ref", None)
        for e in events:
            if found[e.name] is not None:
                continue
            v = e.value(ctx, th_new)
            if v > 0:
                s = locate_event(lambda s: e.value(ctx, theta_at(st, s, ar, problem)),
                            ar.number(0), h, prev_val[e.name], v, t, ar)
                s = refine_event(solver, problem, ctx, e, st, t, y, lin, scale0, h, s, rtol)
                if check_precision:
                    speed = min(ar.norm2(lin[0]), ar.norm2(problem.gradient(y_new)[0]))
                    why = event_resolution(ctx, e, theta_at(st, s, ar, problem), rtol, t + s, speed)
                    if why:
                        raise PrecisionError(why)
                found_exact[e.name] = t + s
                found[e.name] = float(t + s)
            prev_val[e.name] = v
        t, y = t_new, problem.rebase(y_new)
        st_prev = st
        ts.append(float(t))
        ys.append(ar.to_float(th_new))
        if ar.kind == "mp":
            ys_exact.append(th_new)
        losses.append(float(problem.value(th_new)))
        if dense:
            dense_steps.append(st)
        if progress is not None:
            progress({"tau": ts[-1], "steps": steps, "rejected": rejected, "loss": losses[-1],
                      "found": {k: v for k, v in found.items() if v is not None}})
        if events and all(v is not None for v in found.values()):
            status, message = 1, "all events found"
            break
        if t >= t_max_n:
            lam_min = min(solver.linearise(y)[3])
            # resting at a saddle: a deviation of rounding size along its unstable direction
            # would have grown past O(1) by t (e^{|lambda| t} > 10^digits); before that,
            # t_max merely came first
            digits = problem.dps if problem.dps is not None else 16
            if lam_min < 0 and float(-lam_min) * float(t) > math.log(10) * digits:
                message += (f"; theta rests at a saddle (Hessian eigenvalue {float(lam_min):.3g}) without a "
                            "resolved gradient component along its unstable directions (an invariant set, "
                            "or too few digits to resolve the motion off it)")
                unresolved_saddle = True
            break
        h = ctl.accepted(h, err_norm)
        lin = _linearise(solver, y, h, t)
        pending = [e for e in events if found[e.name] is None]
        # (the heavy-ball flow's state has a velocity: no such test there)
        if pending and isinstance(lin, Linearisation) and (why := never_happen(ctx, lin, th_new, pending, rtol, atol, check_precision)):
            status, message = 0, f"at rest at tau = {float(t):.6g}: {why}"
            break
    return FlowResult(t=np.array(ts), y=np.array(ys), loss=np.array(losses), t_events=found, status=status,
                      message=message, method=method, steps=steps, rejected=rejected, dps=problem.dps,
                      seconds=0.0, rtol=rtol, atol=atol, y_exact=ys_exact, t_events_exact=found_exact,
                      _dense=dense_steps, _problem=problem, unresolved_saddle=unresolved_saddle)


def rate_gap_jump(w, w_new):
    """Why a step from rates w to w_new jumps towards or over a meeting of two rates
    (a gap |w_i - w_j| above RATE_GAP_FLOOR that shrinks below RATE_GAP_SHRINK of itself,
    or changes sign), or None."""
    m = len(w)
    for i in range(m):
        for j in range(i + 1, m):
            gap, new = w[i] - w[j], w_new[i] - w_new[j]
            if abs(gap) > RATE_GAP_FLOOR and (new * gap < 0 or abs(new) < RATE_GAP_SHRINK * abs(gap)):
                return (f"the rates w_{i + 1}, w_{j + 1} would meet (gap {float(gap):.3g} -> {float(new):.3g}): "
                        "a singular point of the slow motion, approached in steps")
    return None


def _halves_agree(solver, problem, t, y, h, lin, scale, th_new, tol):
    """Whether two steps of h/2 from (t, y) end within tol (max norm in theta) of
    th_new, the end of the step of h: the confirmation a step that brings two rates
    together needs, since its own error estimate missed a jump past their meeting."""
    ar = problem.arith
    half = h / 2
    try:
        y1 = solver.step(t, y, half, lin, scale)[0]
        if not ar.all_finite(problem.theta(y1)):
            return False
        y2 = solver.step(t + half, y1, half, _linearise(solver, y1, half, t + half), scale)[0]
    except StepRejected:
        return False
    th2 = problem.theta(y2)
    return ar.all_finite(th2) and ar.norm_inf(th2 - th_new) <= tol


def _linearise(solver, y, h, t):
    """solver.linearise(y, h), with a clear PrecisionError where float64 overflows
    (grad J or Hess J not finite: a rate near 0, an amplitude near the float range)."""
    ar = solver.arith
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            lin = solver.linearise(y, h)
    except np.linalg.LinAlgError as exc:
        raise PrecisionError(f"float64 cannot linearise the flow at tau = {float(t):.4g} ({exc}): "
                             "use method='exact'") from None
    if ar.kind == "float" and not (np.all(np.isfinite(lin[0])) and np.all(np.isfinite(lin[2]))):
        raise PrecisionError(f"grad J or Hess J overflows float64 at tau = {float(t):.4g}; use method='exact'")
    return lin
