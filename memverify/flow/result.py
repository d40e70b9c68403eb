"""`FlowResult`, the plain frozen outcome of `gradient_flow`, and `theta_at`, the
state at a time inside an accepted step (its dense output)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from .. import validation


@dataclass(frozen=True)
class FlowResult:
    """The outcome of `gradient_flow`.

    t: times of the accepted steps (floats), shape (n,); y: theta = (a, w) at
    those times, shape (n, 2m), float64 (`y_exact` keeps the mpmath numbers of
    the 'exact' method); loss: J along them; t_events: {'tau_loss': time or
    None, 'tau_param': ...}; status: 1 all events found, 0 none left to find:
    reached t_max, or at rest at a strict local minimum from which the missing events
    cannot happen (the message says which and why), -1 failed (reason in message);
    steps: accepted steps; rejected: rejected attempts; dps: digits used (None
    for float64); seconds: wall time;
    t_events_error: with error_estimate=True, {'tau_loss': estimated absolute error
    of t_events['tau_loss'] (same units), ...} (None where a time is missing);
    unresolved_saddle: True when the run ended at rest at a saddle without a resolved
    gradient component along its unstable directions (the message says so).
    `sol(tau)` evaluates the dense trajectory (theta at any tau in [0, t[-1]]).
    """

    t: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    t_events: dict
    status: int
    message: str
    method: str
    steps: int
    rejected: int
    dps: object
    seconds: float
    rtol: float
    atol: float
    y_exact: list = field(default_factory=list, repr=False)
    t_events_exact: dict = field(default_factory=dict, repr=False)
    t_events_error: dict = field(default_factory=dict)
    unresolved_saddle: bool = False
    _dense: list = field(default_factory=list, repr=False)
    _problem: object = field(default=None, repr=False)

    @property
    def success(self):
        return self.status >= 0

    def sol(self, tau):
        """theta(tau) from the dense output (float64 array of shape (2m,))."""
        tau = validation.real(tau, "tau")
        if not self._dense:
            raise ValueError("no dense output: run gradient_flow(..., dense=True)")
        if tau < 0 or tau > self.t[-1]:
            raise ValueError(f"tau must be in [0, {self.t[-1]}], got {tau!r}")
        starts = [float(s.t) for s in self._dense]
        i = max(0, bisect.bisect_right(starts, float(tau)) - 1)
        st = self._dense[i]
        ar = self._problem.arith
        with ar.context():
            s = ar.number(tau) - st.t
            if s > st.h:
                s = st.h
            return ar.to_float(theta_at(st, s, ar, self._problem))

    def as_dict(self):
        """Plain data for JSON: events, status, counts, timing (not the trajectory)."""
        return {"tau_loss": self.t_events.get("tau_loss"), "tau_param": self.t_events.get("tau_param"),
                "method": self.method, "dps": self.dps, "steps": self.steps, "rejected": self.rejected,
                "seconds": round(self.seconds, 4), "status": self.status, "message": self.message,
                "t_final": float(self.t[-1]), "loss_initial": float(self.loss[0]),
                "loss_final": float(self.loss[-1]), "rtol": self.rtol, "atol": self.atol,
                "tau_loss_error": self.t_events_error.get("tau_loss"),
                "tau_param_error": self.t_events_error.get("tau_param")}


def theta_at(st, s, ar, problem):
    """theta at tau = st.t + s from a step's dense output (states are offsets
    from st.base for the 'fast' problem)."""
    y = st(s, ar)
    return problem.theta(y) if st.base is None else st.base + y[: len(st.base)]
