"""The step-size controller of the gradient-flow driver: the error norm of a
step and the next step size after an accepted or a rejected step."""

from __future__ import annotations

SAFETY = 0.9          # fraction of the optimal step taken
FAC_MIN = 0.2         # the step shrinks by at most this factor after an error-test failure
FAC_MAX = 10.0        # and grows by at most this factor after an accepted step
SHRINK_FAILED = 0.25  # factor after a failed step (domain left, overflow, Newton failure)
MAX_STREAK = 60       # consecutive failures before the run stops (status -1)
FIRST_STEP = 1e-2     # the first step, in units of 1 / max |eigenvalue of Hess J|
# Gustafsson's predictive factor (as RADAU5): the trend of the error over the last two
# accepted steps predicts the next one, which the standard factor misses where the
# error grows from step to step (an accelerating escape); the error of the previous
# step enters at least at this floor
PREDICTIVE = True
PREDICTIVE_ERR_FLOOR = 1e-2
# the error along a step's own chord is a shift in time (the flow is autonomous): it is
# held to rtol tau in time, but at most this share of the chord (PATH_TIME: on/off).
# Off by default: it saves up to half the steps of an escape, but where a flow passes
# several saddles its hitting times moved by up to 4.7e-6 (the chord is not the path's
# tangent there, so part of that error is across the path; benchmarks/step_control.py)
PATH_TIME = False
PATH_SHARE = 1e-3


class StepController:
    """Step sizes for a method whose error estimate is O(h^(order + 1)).

    The error of a step is measured by `error_norm`: across the step's chord,
    ||err||_inf divided by `scale`, atol + rtol max(||theta - theta_0||_inf,
    min(tau ||grad J||_inf, 1)) -- relative to how far theta has moved, or to how far
    it moves in a time rtol * tau at the current speed, capped at 1 so that an O(1)
    state never has an error above rtol across its path; along the chord, as a shift
    in time of at most rtol * tau (PATH_TIME).  A step is accepted when its norm is
    <= 1 (`path_time`, default: the module's PATH_TIME).  After an accepted step the
    next h is the smaller of the
    standard 0.9 err^(-1/(order+1)) h and, with `predictive` (default: the module's
    PREDICTIVE), Gustafsson's 0.9 (h / h_prev) (err_prev / err)^(1/(order+1))
    err^(-1/(order+1)) h, which follows an error growing from step to step."""

    def __init__(self, order, arith, rtol, atol, predictive=None, path_time=None):
        self.arith = arith
        self.rtol = arith.number(rtol)
        self.atol = arith.number(atol)
        self.expo = arith.number(1) / (order + 1)
        self.streak = 0
        self.predictive = PREDICTIVE if predictive is None else predictive
        self.path_time = PATH_TIME if path_time is None else path_time
        self.last = None  # (h, err_norm) of the last accepted step

    def first_step(self, lam):
        ar = self.arith
        return ar.number(FIRST_STEP) / max(ar.norm_inf(lam), ar.number(1e-12))

    def scale(self, moved, tau, speed):
        """atol + rtol max(moved, min(tau speed, 1)): the denominator of the error norm."""
        return self.atol + self.rtol * max(moved, min(tau * speed, self.arith.number(1)))

    def error_norm(self, err, chord, h, tau, scale):
        """The error norm of a step (accepted when <= 1): ||err||_inf / scale, or, with
        path_time, the larger of the error across the step's chord (y_new - y) over
        scale and the error along it over max(scale, min(rtol tau |chord| / h,
        PATH_SHARE |chord|)): a point off by e along the path is the same path at a
        time off by e / speed (at most e h / |chord|, the speed rising through an
        escape), which rtol tau bounds."""
        ar = self.arith
        length = ar.norm2(chord) if self.path_time else 0
        if not length > 0:
            return ar.norm_inf(err) / scale
        u = chord / length
        along = sum(err * u)
        across = err - u * along
        tol_along = max(scale, min(self.rtol * tau * length / h, ar.number(PATH_SHARE) * length))
        return max(ar.norm_inf(across) / scale, abs(along) / tol_along)

    def failed(self, h):
        """The next h after a failed attempt, or None when too many failed in a row."""
        self.streak += 1
        return None if self.streak > MAX_STREAK else h * self.arith.number(SHRINK_FAILED)

    def rejected(self, h, err_norm):
        """The next h after an error-test failure (err_norm > 1), or None (too many in a row)."""
        self.streak += 1
        if self.streak > MAX_STREAK:
            return None
        ar = self.arith
        return h * max(ar.number(FAC_MIN), ar.number(SAFETY) * err_norm ** -self.expo)

    def accepted(self, h, err_norm):
        """The next h after an accepted step; no growth right after a rejection
        (Hairer-Wanner), which stops a ping-pong between rejections."""
        ar = self.arith
        just_rejected, self.streak = self.streak > 0, 0
        if err_norm == 0:
            fac = ar.number(FAC_MAX)
        else:
            fac = min(ar.number(FAC_MAX), ar.number(SAFETY) * err_norm ** -self.expo)
            if self.predictive and self.last is not None:
                # h_new = SAFETY h (h / h_prev) (err_prev / err)^(1/k) err^(-1/k): the smaller of the two
                h_prev, err_prev = self.last
                fac = min(fac, ar.number(SAFETY) * (h / h_prev) * (err_prev / err_norm) ** self.expo
                          * err_norm ** -self.expo)
        self.last = (h, max(err_norm, ar.number(PREDICTIVE_ERR_FLOOR)))
        if just_rejected:
            fac = min(fac, ar.number(1))
        return h * max(fac, ar.number(FAC_MIN))
