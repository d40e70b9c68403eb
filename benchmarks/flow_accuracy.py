"""How accurate are the hitting times at a given tolerance?  rtol and atol bound
the local error of each step, not the error of a hitting time: this measures
the latter against a converged reference ('fast' at rtol = 1e-12, atol = 1e-15;
the change from rtol = 1e-11 to 1e-12 is printed as its own error estimate).

    python benchmarks/flow_accuracy.py [--inv 10,20,30,40] [--rtol 1e-9] [--integrator radau]
                                       [--ref-integrator exprb43]

The reference is computed by --ref-integrator (default exprb43, independent of
the default integrator radau).

Problem: as bench_flow.py (target a* e^{-w* t} + c0 e^{-(t - 1/omega)^2/2},
a* = w* = c0 = sigma = 1, theta_0 = ((1, 0), (1, 0.8)) on M* for m = 2), both
events with delta = 0.05.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import gradient_flow


def _rel(a, b):
    return None if a is None or b is None else abs(a / b - 1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="10,20,30,40")
    p.add_argument("--rtol", type=float, default=1e-9)
    p.add_argument("--integrator", default="radau", help="integrator measured (radau or exprb43)")
    p.add_argument("--ref-integrator", default="exprb43", help="integrator of the reference")
    args = p.parse_args(argv)
    print(f"measured: {args.integrator} at rtol {args.rtol:g}; reference: {args.ref_integrator} "
          "at rtol 1e-12 (ref.err: its change from rtol 1e-11)")
    # steps: accepted steps up to the event; to 99.9%: up to 0.999 tau (the rest
    # follow the escape, in the last 0.1% of the time)
    print(f"{'1/omega':>8} {'event':>10} {'steps':>6} {'to 99.9%':>8} {'rel.err':>8} {'ref.steps':>9} "
          f"{'ref.err':>8}")
    for inv in [float(x) for x in args.inv.split(",")]:
        L = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / inv, c0=1.0, sigma=1.0), 2)
        run = lambda **kw: gradient_flow(L, [1.0, 0.0], [1.0, 0.8], delta=0.05, method="fast",  # noqa: E731
                                         max_steps=200000, **kw)
        ri = args.ref_integrator
        ref, ref2 = run(rtol=1e-12, atol=1e-15, integrator=ri), run(rtol=1e-11, atol=1e-14, integrator=ri)
        got = run(rtol=args.rtol, integrator=args.integrator)
        for k in ("tau_param", "tau_loss"):
            f = lambda x: "-" if x is None else f"{x:.1e}"  # noqa: E731
            tau = got.t_events[k]
            # (side='right': late in the escape, steps are shorter than the
            # resolution of tau in float64, and their times all equal tau)
            upto = (lambda x: "-" if tau is None else  # noqa: E731
                    min(int(np.searchsorted(got.t, x, side="right")), got.steps))
            print(f"{inv:>8g} {k:>10} {upto(tau):>6} {upto(0.999 * (tau or 0)):>8} "
                  f"{f(_rel(tau, ref.t_events[k])):>8} "
                  f"{ref.steps:>9} {f(_rel(ref2.t_events[k], ref.t_events[k])):>8}"
                  + ("" if ref.status == 1 else f"  (reference: {ref.message})"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
