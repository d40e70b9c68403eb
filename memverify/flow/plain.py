"""The right-hand side of the 'exact' method: grad J and Hess J at y = theta = (a, w),
`Loss` at mpmath precision `dps`, or in float64 (the naive formulation, kept to show
where it fails; the float64 method steps flow/problems.py's OffsetProblem)."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from ..backends import MAX_DPS, Precision, PrecisionError

EPS = np.finfo(float).eps


class PlainProblem:
    """grad J / Hess J of `loss` at theta = y, at mpmath `dps` (None: float64, naive)."""

    def __init__(self, loss, dps=None):
        self.loss = loss
        self.m = loss.m
        self.dps = dps
        self.arith = Precision(dps)

    def initial_state(self, theta0):
        return self.arith.vector(theta0)

    def theta(self, y):
        return y

    def rebase(self, y):
        return y

    def _aw(self, y):
        return list(y[: self.m]), list(y[self.m:])

    def gradient(self, y):
        """(grad J, None) at mpmath precision; in float64 (grad J, a bound on its
        rounding error: the terms of R_n(w_k) = sum_i a_i n!/(w_k + w_i)^{n+1} - M_n(w_k)
        are O(1) and cancel, so the error is ~ eps times their absolute sum)."""
        a, w = self._aw(y)
        g = self.loss.gradient(a, w, dps=self.dps)
        if self.dps is not None:
            return g, None
        A, W = np.abs(np.array(a, dtype=float)), np.array(w, dtype=float)
        S = W[:, None] + W[None, :]
        M0 = np.array([abs(self.loss.target.moment(0, x)) for x in W])
        M1 = np.array([abs(self.loss.target.moment(1, x)) for x in W])
        n = 2 * self.m + 4
        err_a = 2 * n * EPS * ((A[None, :] / S).sum(1) + M0)
        err_w = 2 * n * EPS * A * ((A[None, :] / S**2).sum(1) + M1)
        return g, np.concatenate([err_a, err_w])

    def gradients(self, Ys):
        """gradient() at each state of Ys: (list of grad J, list of error bounds)."""
        out = [self.gradient(y) for y in Ys]
        return [g for g, _ in out], [e for _, e in out]

    def hessian(self, y):
        a, w = self._aw(y)
        return self.loss.hessian(a, w, dps=self.dps)

    def hessians(self, Ys):
        """hessian() at each state of Ys: a list."""
        return [self.hessian(y) for y in Ys]

    def value(self, theta):
        """J at theta (not at a state y)."""
        a, w = self._aw(theta)
        return self.loss.value(a, w, dps=self.dps)

    def value_error(self, theta):
        """A bound on the rounding error of value(theta): 0 in mpmath (its digits
        are chosen to resolve the flow), else Loss.value_error."""
        if self.dps is not None:
            return 0.0
        return self.loss.value_error(list(theta[: self.m]), list(theta[self.m:]))


# the slow motion that sets an escape time is a gradient of about e^{-c/omega}, c the
# escape exponent, which at the split start (rates at w* = 1) is 5/2 times the
# template's exponent w/omega (flow/split.py: its drift is ~E^{5/2}): the digits
# of the template moment at the smallest rate are taken this many times.  With the
# digits at the largest rate alone, the split start's tau_param was 4e-5 off at
# 1/omega = 50, 10% at 60, and 5e4 times too small at 70.  Digits cost little: 4.2 s at
# 42 and at 68 digits, 4.8 s at 100, for 'exact' from (1, 0), (1, 0.8) at 1/omega = 40
AUTO_DPS_EXPONENT_FACTOR = 2.5


def auto_dps(loss, theta0, guard=25):
    """Digits for the 'exact' method: enough to resolve the smallest gradient term at
    the start, about the template moment at the largest initial rate (e^{-w/omega} for
    the Gaussian bump), and the slow motion of an escape, about the template moment at
    the smallest rate to the power AUTO_DPS_EXPONENT_FACTOR; with `guard` digits to spare."""
    m = loss.m
    target = loss.target
    if target.exponential_part() is None:
        return guard + 10
    rates = [float(x) for x in theta0[m:]]
    mags = []
    for w in (max(rates), min(rates)):
        val = target.template_moment(0, w, dps=20)
        if val == 0:  # no template (an exponential sum)
            return guard + 10
        with mpmath.workdps(20):
            mags.append(-float(mpmath.log10(abs(val))))
    dps = guard + max(0, math.ceil(max(mags[0], AUTO_DPS_EXPONENT_FACTOR * mags[1])))
    if dps > MAX_DPS:  # refused up front: mpmath at that many digits would run for days
        raise PrecisionError(f"method='exact' would need about {dps} digits here (the template moment at "
                             f"w = {max(rates):.4g} is about 10^-{mags[0]:.4g}), more than MAX_DPS = {MAX_DPS}: "
                             f"the flow of this target from this start is out of reach (a larger omega or "
                             f"smaller initial rates w0 bring it back)")
    return dps
