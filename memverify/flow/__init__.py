"""Gradient-flow engine: d theta/d tau = -grad J(theta) (eq. 21) over times up to
e^{c/omega}, with the hitting times of Theorem C.1 as events.

- `gradient_flow(loss, a0, w0, delta=..., method='exact'|'fast', integrator='radau'|'exprb43',
  error_estimate=False)` -> `FlowResult` (Radau IIA by default: flow/radau.py; the
  step-size controller: flow/control.py);
- events `LossHitting(delta)` (eqs. 22, 105) and `ParamSeparation(delta)` (eq. 104)
  (flow/events.py, with the test that they can no longer happen);
- `PrecisionError`: float64 cannot resolve the gradient, the Hessian's small
  eigenvalues or an event (method='fast');
- `linearised_flow`: the prediction of eqs. 109-113 and its hitting times;
- `manifold_point`: initialisations on M* (Definition C.1; from `memverify.landscape`);
- `sweep`: many runs on a concurrent.futures executor or a dask client;
- `flow.split.split_tau_param`: tau_param of a split start on M* from its slow curve
  (exact where the flow is not, from 1/omega ~ 50 on; flow/split.py);
- `gradient_flow(..., momentum=gamma)`: the heavy-ball flow (Appendix E), 'exact' only.
"""

from .core import FlowResult, PrecisionError, gradient_flow
from .events import LossHitting, ParamSeparation, hitting_events

__all__ = ["FlowResult", "LossHitting", "ParamSeparation", "PrecisionError", "gradient_flow",
           "hitting_events"]

from .linearised import LinearisedFlow, linearised_flow  # noqa: E402
from ..landscape import manifold_point  # noqa: E402  (M* points live in landscape)

__all__ += ["LinearisedFlow", "linearised_flow", "manifold_point"]

from .sweep import flow_spec, run_spec, sweep  # noqa: E402

__all__ += ["flow_spec", "run_spec", "sweep"]
