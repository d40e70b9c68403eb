"""The Figure 3 sweep (m = 10, 1/omega = 5, 10, ..., 40) against the clock,
and how much the tolerance of its flows moves its hitting times and slopes.

    python benchmarks/figure3_sweep.py [--rtol 1e-6] [--reference 1e-9] [--workers 2] [--integrator radau]

Runs memverify.flow.figures.figure_data('3') on a local process pool
(wall time: the number to compare with the 60 s target) at --rtol, then, with
--reference, again at the tighter tolerance, and prints the relative change of
every hitting time and of the two fitted slopes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import pathlib
import sys
import time

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from memverify.flow.figures import figure_data

GRID = (5, 10, 15, 20, 25, 30, 35, 40)


def timed(rtol, workers, integrator):
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as ex:
        data = figure_data("3", inv_omegas=GRID, rtol=rtol, executor=ex, integrator=integrator)
    return data, time.perf_counter() - start


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rtol", type=float, default=1e-6)
    p.add_argument("--reference", type=float, help="also run at this rtol and compare")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--integrator", default="radau", help="radau (the figure's default) or exprb43")
    args = p.parse_args(argv)
    data, wall = timed(args.rtol, args.workers, args.integrator)
    print(f"rtol {args.rtol:g}: wall {wall:.1f} s on {args.workers} processes; "
          f"per run (s): {[round(r['seconds'], 1) for r in data['runs']]}; "
          f"steps: {[r['steps'] for r in data['runs']]}")
    print("slopes: " + ", ".join(f"{k} {v['slope']:.4f} +/- {v['se']:.4f}" for k, v in data["fits"].items()))
    if args.reference:
        ref, wall_ref = timed(args.reference, args.workers, args.integrator)
        print(f"rtol {args.reference:g}: wall {wall_ref:.1f} s; steps: {[r['steps'] for r in ref['runs']]}")
        print("slopes: " + ", ".join(f"{k} {v['slope']:.4f} +/- {v['se']:.4f}" for k, v in ref["fits"].items()))
        print(f"{'1/omega':>8} {'tau_loss rel.change':>20} {'tau_param rel.change':>21}")
        for r, q in zip(data["runs"], ref["runs"]):
            print(f"{r['inv_omega']:>8g} {abs(r['tau_loss'] / q['tau_loss'] - 1):>20.1e} "
                  f"{abs(r['tau_param'] / q['tau_param'] - 1):>21.1e}")
        for k in ("tau_loss", "tau_param"):
            print(f"slope change {k}: {abs(data['fits'][k]['slope'] - ref['fits'][k]['slope']):.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
