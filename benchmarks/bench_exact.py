"""Wall time of the 'exact' method (mpmath), m = 2, target e^{-t} + e^{-(t - 1/omega)^2/2}:

    python benchmarks/bench_exact.py [--inv 20,40] [--repeat 3] [--start near|off2] [--json F]

One process; a warm-up flow first (compilation), then --repeat runs per 1/omega, median
seconds.  Starts: near = (1, 0), (1, 0.8) (issue 11's 'exact' target: 1/omega = 40 under
2 s), off2 = the switched-off start (1, 0), (1, 2).  delta = 0.05, default rtol, t_max =
1e300, max_steps = 8000.  Side by side with other code: put its checkout first on
PYTHONPATH and run the two alternately.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import gradient_flow

STARTS = {"near": ([1.0, 0.0], [1.0, 0.8]), "off2": ([1.0, 0.0], [1.0, 2.0])}


def run(inv, start):
    """One 'exact' flow: (seconds, FlowResult)."""
    a0, w0 = STARTS[start]
    loss = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / inv), 2)
    t0 = time.perf_counter()
    r = gradient_flow(loss, a0, w0, delta=0.05, method="exact", dense=False, t_max=1e300, max_steps=8000)
    return time.perf_counter() - t0, r


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="20,40")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--start", choices=sorted(STARTS), default="near")
    p.add_argument("--json", default=None, help="write the rows to this file")
    args = p.parse_args(argv)
    run(10, "near")  # warm-up: compile the closed forms
    rows = []
    for inv in [float(x) for x in args.inv.split(",")]:
        times, r = [], None
        for _ in range(args.repeat):
            sec, r = run(inv, args.start)
            times.append(sec)
        row = {"inv_omega": inv, "start": args.start, "seconds": statistics.median(times), "status": r.status,
               "steps": r.steps, "rejected": r.rejected, "dps": r.dps, **r.t_events}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
