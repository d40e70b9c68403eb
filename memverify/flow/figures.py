"""The data of Figures 2 and 3 (gradient flows of the m = 2 and m = 10 diagonal model
from a point of M*, target a* e^{-w* t} + c0 e^{-(t - 1/omega)^2 / 2}, a* = w* = c0 =
sigma = 1) as plain lists; `memverify.figures.flow` draws them."""

from __future__ import annotations

import math

from ..landscape import manifold_point
from .exponent import linear_fit
from .sweep import flow_spec, run_spec, sweep


def figure_data(which, inv_omegas=None, m=None, extra_w=None, delta=0.05, rtol=1e-9, executor=None, progress=None,
                integrator="radau"):
    """Data of Figure 2 (m = 2: loss along the flow for several omega) or 3
    (m = 10: tau_loss and tau_param against 1/omega): a dict of plain lists.

    The flows run at `rtol` (default 1e-9, gradient_flow's: the eight flows of
    Figure 3 (1/omega = 5..40) take 8.3 s on two processes; at rtol 1e-6 they take
    4.4 s and their hitting times move by up to 6e-8 relative, the fitted slopes by
    6e-10; `python benchmarks/figure3_sweep.py --rtol 1e-6 --reference 1e-9`), on
    `executor` (a concurrent.futures.Executor, or None: one after the other in this
    process); progress(done, total) is called as runs finish.
    integrator: 'radau' (Radau IIA) by default; 'exprb43' took 26.5 s for Figure 3
    at rtol 1e-6 when Radau IIA took 17.7 s (2625 steps at 1/omega = 40 against 209),
    and its hitting times move by up to 1.8e-3 against rtol 1e-9."""
    if which == "2":
        inv_omegas = inv_omegas or (5, 10, 15, 20)
        m, extra_w = m or 2, extra_w or (0.8,)
    elif which == "3":
        inv_omegas = inv_omegas or (5, 10, 15, 20, 25, 30)
        m = m or 10
        extra_w = extra_w or tuple(round(0.75 + 0.1 * k, 2) for k in range(9))
    else:
        raise ValueError(f"figure must be '2' or '3', got {which!r}")
    extra_w = tuple(float(x) for x in extra_w)
    a0, w0 = manifold_point([1.0], [1.0], m, list(extra_w))
    # exprb43 needs ~2600 steps at m = 10, 1/omega = 40 and rtol 1e-6 (the plateau there is not linear)
    specs = [flow_spec(1.0 / inv, a0, w0, delta, rtol=rtol, max_steps=200000, trajectory=(which == "2"),
                       integrator=integrator) for inv in inv_omegas]
    if executor is None:
        results = []
        for spec in specs:
            results.append(run_spec(spec))
            if progress:
                progress(len(results), len(specs))
    else:  # the smallest omega first: it takes the longest
        order = sorted(range(len(specs)), key=lambda i: -inv_omegas[i])
        done = sweep([specs[i] for i in order], executor=executor, progress=progress)
        results = [None] * len(specs)
        for i, r in zip(order, done):
            results[i] = r
    runs = []
    for inv, r in zip(inv_omegas, results):
        if r["status"] != 1:
            raise RuntimeError(f"figure {which}: the flow at 1/omega = {inv} (m = {m}) found no hitting time: "
                               f"{r['message']}")
        runs.append({"inv_omega": inv, "tau_loss": r["tau_loss"], "tau_param": r["tau_param"],
                     "t": r.get("t"), "loss": r.get("loss"), "steps": r["steps"], "seconds": r["seconds"],
                     "method": r["method"]})
    x = [r["inv_omega"] for r in runs]
    fits = {k: linear_fit(x, [math.log(r[k]) for r in runs])[:3] for k in ("tau_loss", "tau_param")}
    return {"figure": which, "m": m, "a0": a0, "w0": w0, "delta": delta, "rtol": rtol, "runs": runs,
            "fits": {k: {"slope": v[0], "intercept": v[1], "se": v[2]} for k, v in fits.items()},
            "target": "a* e^{-w* t} + c0 e^{-(t - 1/omega)^2 / 2}, a* = w* = c0 = sigma = 1"}
