"""The step-size control side by side: the predictive factor and the chord error norm
(flow/control.py's PREDICTIVE and PATH_TIME) on and off, for every kind of start.

    python benchmarks/step_control.py [--inv 10,20,30,40] [--starts NAME,NAME] [--m10]
                                      [--settings standard,predictive,chord]

Settings: 'standard' (both off: the controller before issue 11's session of
2026-12-06), 'predictive' (Gustafsson's factor only: the default), 'chord' (both on).
Each flow runs at the default settings of gradient_flow ('fast', rtol 1e-9,
on_precision='exact') with delta = 0.05 and t_max = 1e300; the reference is 'fast'
with both off at rtol 1e-12, atol 1e-15.  Starts (m = 2, target e^{-t} +
e^{-(t - 1/omega)^2/2}): switched off (1, 0), (1, 2); split (0.25, 0.75), (1, 1);
symmetric split (0.5, 0.5), (1, 1) (an invariant set: no escape may be reported);
near M* (1, 0), (1, 0.8); --m10 adds Figure 3's start at m = 10.  Seconds are one
run each, in this process, the settings in turn.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
import warnings

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import control, gradient_flow
from memverify.landscape import manifold_point

STARTS = {
    "switched off": ([1.0, 0.0], [1.0, 2.0]),
    "split": ([0.25, 0.75], [1.0, 1.0]),
    "symmetric split": ([0.5, 0.5], [1.0, 1.0]),
    "near M*": ([1.0, 0.0], [1.0, 0.8]),
}
SETTINGS = {"standard": (False, False), "predictive": (True, False), "chord": (True, True)}


def _run(loss, a0, w0, setting, **kw):
    control.PREDICTIVE, control.PATH_TIME = SETTINGS[setting]
    start = time.perf_counter()
    r = gradient_flow(loss, a0, w0, delta=0.05, method="fast", on_precision="exact", dense=False, t_max=1e300,
                      max_steps=100000, **kw)
    return r, time.perf_counter() - start


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="10,20,30,40")
    p.add_argument("--starts", default=",".join(STARTS))
    p.add_argument("--settings", default=",".join(SETTINGS))
    p.add_argument("--m10", action="store_true", help="also Figure 3's start at m = 10")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    defaults = control.PREDICTIVE, control.PATH_TIME
    cases = [(name, 2, *STARTS[name]) for name in args.starts.split(",")]
    if args.m10:
        extra = [round(0.75 + 0.1 * k, 2) for k in range(9)]
        cases.append(("Figure 3 (m = 10)", 10, *manifold_point([1.0], [1.0], 10, extra)))
    print("| start | 1/omega | setting | status | steps | rejected | seconds | error tau_loss | error tau_param |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, m, a0, w0 in cases:
        for inv in [float(x) for x in args.inv.split(",")]:
            loss = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / inv), m)
            ref = _run(loss, a0, w0, "standard", rtol=1e-12, atol=1e-15)[0]
            for setting in args.settings.split(","):
                r, sec = _run(loss, a0, w0, setting)
                err = {k: ("-" if r.t_events[k] is None or ref.t_events[k] is None
                           else f"{abs(r.t_events[k] / ref.t_events[k] - 1):.1e}") for k in ("tau_loss", "tau_param")}
                print(f"| {name} | {inv:g} | {setting} | {r.status} | {r.steps} | {r.rejected} | {sec:.2f} "
                      f"| {err['tau_loss']} | {err['tau_param']} |", flush=True)
    control.PREDICTIVE, control.PATH_TIME = defaults
    return 0


if __name__ == "__main__":
    sys.exit(main(argv=None))
