"""Many flows at once: on any concurrent.futures executor (local processes by
default) or a dask.distributed Client, unchanged."""

from __future__ import annotations

import concurrent.futures

from .. import validation
from ..loss import Loss
from ..targets import ExpSum, MemoryBump
from .core import SOLVERS, check_method, gradient_flow


def flow_spec(omega, a0, w0, delta, astar=(1.0,), wstar=(1.0,), c0=1.0, sigma=1.0, method="fast", dps=None,
              rtol=1e-9, max_steps=5000, trajectory=False, integrator="radau", error_estimate=False):
    """A plain dict describing one run: the memory target of eq. 20 (Gaussian
    template), the initial point, the gap delta, the method and tolerance
    (gradient_flow's rtol, max_steps, integrator and error_estimate); trajectory=True also returns the
    times and the loss of the accepted steps."""
    omega = float(validation.positive(omega, "omega"))
    w0 = validation.vector(w0, "w0", positive_entries=True)
    a0 = validation.vector(a0, "a0", length=len(w0))
    delta = float(validation.positive(delta, "delta"))
    rtol = float(validation.tolerance(rtol, "rtol"))
    dps = check_method(method, dps)
    if not isinstance(integrator, str) or integrator not in SOLVERS:
        raise ValueError(f"integrator must be one of {tuple(SOLVERS)}, got {integrator!r}")
    # the target's own checks (its parameters' ranges), before any run is shipped
    target = MemoryBump(ExpSum(astar, wstar), omega=omega, c0=c0, sigma=sigma)
    return {"omega": omega, "a0": [float(x) for x in a0], "w0": [float(x) for x in w0],
            "delta": delta, "astar": [float(x) for x in target.base.a], "wstar": [float(x) for x in target.base.w],
            "c0": float(c0), "sigma": float(sigma), "method": method, "dps": dps, "rtol": rtol,
            "max_steps": validation.integer(max_steps, "max_steps", minimum=1), "trajectory": bool(trajectory),
            "integrator": integrator, "error_estimate": bool(error_estimate)}


def run_spec(spec, progress=None):
    """Run one spec (a module-level function, so process pools and dask can ship it):
    the result's as_dict() plus the spec (and "t", "loss" lists if it asks for the trajectory).
    progress: passed to gradient_flow (a callable given a dict after every accepted step)."""
    target = MemoryBump(ExpSum(spec["astar"], spec["wstar"]), omega=spec["omega"], c0=spec["c0"],
                        sigma=spec["sigma"])
    loss = Loss(target, len(spec["a0"]))
    r = gradient_flow(loss, spec["a0"], spec["w0"], delta=spec["delta"], method=spec["method"], dps=spec["dps"],
                      rtol=spec.get("rtol", 1e-9), max_steps=spec.get("max_steps", 5000), dense=False,
                      on_precision="exact", integrator=spec.get("integrator", "radau"),
                      error_estimate=spec.get("error_estimate", False), progress=progress)
    out = {**spec, **r.as_dict()}
    if spec.get("trajectory"):
        out.update(t=r.t.tolist(), loss=r.loss.tolist())
    return out


def sweep(specs, executor=None, client=None, progress=None):
    """Run `specs` (from flow_spec) and return their results in order.

    executor: a concurrent.futures.Executor (default: a local process pool);
    client: a dask.distributed.Client (takes precedence); progress(done, total)
    is called as results arrive."""
    specs = list(specs)
    if not specs:
        return []
    if client is not None:
        from dask.distributed import as_completed as dask_completed

        futures = client.map(run_spec, specs, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        out = [None] * len(specs)
        for done, f in enumerate(dask_completed(futures), 1):
            out[index[f.key]] = f.result()
            if progress:
                progress(done, len(specs))
        return out
    own = executor is None
    if own:
        executor = concurrent.futures.ProcessPoolExecutor(max_workers=min(2, len(specs)))
    if not isinstance(executor, concurrent.futures.Executor):
        raise TypeError(f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}")
    try:
        futures = {executor.submit(run_spec, s): i for i, s in enumerate(specs)}
        out = [None] * len(specs)
        for done, f in enumerate(concurrent.futures.as_completed(futures), 1):
            out[futures[f]] = f.result()
            if progress:
                progress(done, len(specs))
        return out
    finally:
        if own:
            executor.shutdown()
