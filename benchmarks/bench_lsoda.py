"""tau_loss from the switched-off start, side by side with scipy's LSODA (issue 11's
speed target: 'fast' at most 1/3 of LSODA's time wherever LSODA is right).

    python benchmarks/bench_lsoda.py [--inv 5,10,15] [--repeat 5] [--budget 60]

Problem: m = 2, target e^{-t} + e^{-(t - 1/omega)^2/2}, theta_0 = ((1, 0), (1, 2))
on M*, delta = 0.05, the loss hitting time tau_loss (eq. 105).  LSODA:
solve_ivp(method='LSODA') on the plain float64 gradient with the analytic Hessian
as Jacobian, rtol 1e-10, atol 1e-14, the event |J - J_0| = delta (terminal).
memverify: gradient_flow(method='fast') with each integrator at the default
rtol 1e-9 (dense output off).  Errors are relative to 'fast' with Radau IIA at
rtol 1e-12, atol 1e-15.  Times are medians of --repeat runs, measured in turn in
one process.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time
import warnings

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np
from scipy.integrate import solve_ivp

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import LossHitting, gradient_flow

A0, W0, DELTA = [1.0, 0.0], [1.0, 2.0], 0.05


def _loss(inv):
    return Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv), 2)


def lsoda(inv, budget):
    L = _loss(inv)
    y0 = np.array(A0 + W0)
    J0 = L.value(A0, W0)
    start = time.perf_counter()

    def fun(t, y):
        if time.perf_counter() - start > budget:
            raise TimeoutError
        return -np.array(L.gradient(list(y[:2]), list(y[2:])))

    def jac(t, y):
        return -np.array(L.hessian(list(y[:2]), list(y[2:])))

    def event(t, y):
        return abs(L.value(list(y[:2]), list(y[2:])) - J0) - DELTA

    event.terminal = True
    try:
        sol = solve_ivp(fun, (0, 1e60), y0, method="LSODA", jac=jac, events=event, rtol=1e-10, atol=1e-14)
    except TimeoutError:
        return None, time.perf_counter() - start
    tau = sol.t_events[0][0] if len(sol.t_events[0]) else None
    return tau, time.perf_counter() - start


def ours(inv, integrator, **kw):
    start = time.perf_counter()
    r = gradient_flow(_loss(inv), A0, W0, events=[LossHitting(DELTA)], method="fast", integrator=integrator,
                      dense=False, **kw)
    return r.t_events["tau_loss"], time.perf_counter() - start, r.steps


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="5,10,15")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--budget", type=float, default=60.0)
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    ours(5, "radau")  # compile the sympy expressions before timing
    print("| 1/omega | LSODA | 'fast' Radau IIA | 'fast' exprb43 | Radau / LSODA |")
    print("|---|---|---|---|---|")
    for inv in [float(x) for x in args.inv.split(",")]:
        ref = ours(inv, "radau", rtol=1e-12, atol=1e-15)[0]
        rel = lambda x: "-" if x is None else f"{abs(x / ref - 1):.1e}"  # noqa: E731
        runs = {"lsoda": [], "radau": [], "exprb43": []}
        for _ in range(args.repeat):
            runs["lsoda"].append(lsoda(inv, args.budget))
            runs["radau"].append(ours(inv, "radau"))
            runs["exprb43"].append(ours(inv, "exprb43"))
        med = {k: statistics.median(r[1] for r in v) for k, v in runs.items()}
        cell = lambda k: f"{med[k]:.3f} s ({rel(runs[k][0][0])}" + (  # noqa: E731
            f", {runs[k][0][2]} steps)" if k != "lsoda" else ")")
        print(f"| {inv:g} | {cell('lsoda')} | {cell('radau')} | {cell('exprb43')} | "
              f"{med['radau'] / med['lsoda']:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
