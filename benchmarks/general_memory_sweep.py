"""Beyond the paper: plateau length of general RNNs against the memory 1/omega.

Two settings of Figure 4 (white-noise inputs, 128 paths, T = 32, full W): a linear RNN
trained by GD (lr 0.3) and a tanh RNN trained by Adam (lr 1e-3), at several 1/omega; the fit
of log(plateau length) against 1/omega beside the diagonal gradient flow's slope (about
0.83-0.86 per unit 1/omega for m = 2, README / Figure 3).

    python benchmarks/general_memory_sweep.py [--out sweep.json] [--png sweep.png] [--n-init 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from memverify.figures.training import draw_sweep
from memverify.training.experiments import figure4_settings, memory_sweep


def _bar(done, total):
    print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="general_memory_sweep.json")
    p.add_argument("--png", default="general_memory_sweep.png")
    p.add_argument("--n-init", type=int, default=5)
    p.add_argument("--linear", default="4,6,8,10,12", help="1/omega values for linear GD")
    p.add_argument("--tanh", default="8,12,16,20,24", help="1/omega values for tanh Adam")
    p.add_argument("--linear-iter", type=int, default=30000)
    p.add_argument("--tanh-iter", type=int, default=1500)
    a = p.parse_args(argv)
    s = figure4_settings(True)
    bases = {"linear, GD": (s["white-linear-gd"].with_(n_init=a.n_init, n_iter=a.linear_iter), a.linear),
             "tanh, Adam": (s["white-tanh-adam"].with_(n_init=a.n_init, n_iter=a.tanh_iter), a.tanh)}
    out, t0 = {}, time.perf_counter()
    for label, (base, grid) in bases.items():
        base = base.with_(plateau=base.plateau.__class__(rtol=base.plateau.rtol, level=base.plateau.level,
                                                         min_length=base.n_iter // 10))
        out[label] = memory_sweep(base, [float(v) for v in grid.split(",")], progress=_bar)
        f = out[label]["fit"]
        print(label, [(r["inv_omega"], r["plateau_length"]["mean"], r["n_censored"], r["n_diverged"])
                      for r in out[label]["rows"]], f, file=sys.stderr)
    out["seconds"] = time.perf_counter() - t0
    out["flow_comparison"] = "diagonal gradient flow, m = 2 memory bump: slope of log tau against 1/omega " \
                             "about 0.83-0.86 (memverify figure 3; tau in flow time, not iterations)"
    with open(a.out, "w") as fh:
        json.dump(out, fh, indent=1, default=str)
    draw_sweep({k: v for k, v in out.items() if isinstance(v, dict) and "rows" in v}, a.png)
    print(f"wrote {a.out}, {a.png} in {out['seconds']:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
