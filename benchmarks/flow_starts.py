"""Every kind of start, default settings: does the flow reach tau_loss and tau_param?

    python benchmarks/flow_starts.py [--inv 5,10,20,40] [--integrator radau] [--method fast] [--budget 120]
                                     [--delta 0.05] [--t-max 1e60] [--starts NAME,NAME]
                                     [--controller predictive|standard]

m = 2, target e^{-t} + e^{-(t - 1/omega)^2/2}, delta = 0.05, gradient_flow's
defaults (rtol 1e-9, max_steps 5000, t_max 1e60) unless given, on_precision='exact'.  Starts:
switched off a0 = (1, 0), w0 = (1, 2); split on M* (0.25, 0.75), (1, 1); the
symmetric split (0.5, 0.5), (1, 1) (an invariant set: no escape in exact
arithmetic); near M*: (1, 0), (1, 0.8) moved by 1e-3 in a random direction (seed 0).
Each run gets --budget seconds of wall time in a process of its own.  --controller
standard turns off the step-size controller's predictive factor (flow/control.py's
PREDICTIVE, on by default), for a side-by-side comparison.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pathlib
import sys
import time
import warnings

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import control, gradient_flow

_rng = np.random.default_rng(0)
_z = _rng.standard_normal(4)
_kick = 1e-3 * _z / np.linalg.norm(_z)  # norm 1e-3 (it used to divide by another draw's norm)
STARTS = {
    "switched off": ([1.0, 0.0], [1.0, 2.0]),
    "split": ([0.25, 0.75], [1.0, 1.0]),
    "symmetric split": ([0.5, 0.5], [1.0, 1.0]),
    "near M*": (list(np.array([1.0, 0.0]) + _kick[:2]), list(np.array([1.0, 0.8]) + _kick[2:])),
}


def _run(queue, name, inv, method, integrator, delta, t_max, predictive):
    control.PREDICTIVE = predictive
    a0, w0 = STARTS[name]
    L = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / inv), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gradient_flow(L, a0, w0, delta=delta, method=method, integrator=integrator, on_precision="exact",
                          dense=False, t_max=t_max)
    queue.put(r.as_dict())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="5,10,20,40")
    p.add_argument("--integrator", default="radau")
    p.add_argument("--method", default="fast")
    p.add_argument("--starts", default=",".join(STARTS))
    p.add_argument("--budget", type=float, default=120.0, help="seconds per run")
    p.add_argument("--delta", type=float, default=0.05)
    p.add_argument("--t-max", type=float, default=1e60)
    p.add_argument("--controller", choices=("predictive", "standard"), default="predictive")
    args = p.parse_args(argv)
    print(f"| start | 1/omega | status | tau_loss | tau_param | steps | rejected | seconds | message |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.starts.split(","):
        for inv in [float(x) for x in args.inv.split(",")]:
            queue = multiprocessing.Queue()
            proc = multiprocessing.Process(target=_run, args=(queue, name, inv, args.method, args.integrator,
                                                                    args.delta, args.t_max,
                                                                    args.controller == "predictive"))
            t0 = time.perf_counter()
            proc.start()
            proc.join(args.budget)
            if proc.is_alive():
                proc.terminate()
                proc.join()
                print(f"| {name} | {inv:g} | - | - | - | - | - | over {args.budget:g} | no answer within the budget |",
                      flush=True)
                continue
            r = queue.get()
            f = lambda x: "-" if x is None else f"{x:.6g}"  # noqa: E731
            print(f"| {name} | {inv:g} | {r['status']} | {f(r['tau_loss'])} | {f(r['tau_param'])} "
                  f"| {r['steps']} | {r['rejected']} | {time.perf_counter() - t0:.1f} | {r['message'][:110]} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
