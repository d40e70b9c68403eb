"""Timings of the loss engine and of the symbolic derivation.

    python benchmarks/bench_loss.py [--m 10] [--repeats 7] [--derive-max 8] [--json [PATH]]

1. `Loss.gradient` and `Loss.hessian` at width m (default 10) for a MemoryBump
   target, in float64, mpmath (dps 50) and arb (dps 50).  The first call runs
   from a cold state (memverify's caches cleared: derivation, lambdify, the
   target's closed forms) and is reported on its own; it doubles as the
   warm-up.  Then the median and minimum of `--repeats` further calls.
2. `derive(m)` for m = 2..8: each run after `derive.cache_clear()` and sympy's
   own cache cleared; median and minimum of `--derive-repeats` runs.

Prints plain tables; `--json` also writes every number (default file
bench_loss.json, `--json -` for stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import statistics
import sys
import time

try:
    import memverify
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    import memverify

import flint
import mpmath
import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache as sympy_clear_cache

import memverify.loss
import memverify.symbolic.loss
import memverify.targets
from memverify import ExpSum, Loss, MemoryBump
from memverify.symbolic import derive

BACKENDS = [("float64", {}), ("mpmath dps=50", {"dps": 50}), ("arb dps=50", {"dps": 50, "arb": True})]
METHODS = ("gradient", "hessian")


def clear_memverify_caches():
    """Empty every functools cache of memverify's loss, target and symbolic
    modules (derivations, compiled functions, closed forms) and sympy's cache."""
    for module in (memverify.loss, memverify.targets, memverify.symbolic.loss, memverify.backends):
        for obj in vars(module).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
    sympy_clear_cache()


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t0


def bench_loss(m, repeats):
    target = MemoryBump(ExpSum([1.0, -0.5], [1.0, 2.0]), omega=0.1)
    a = [float(x) for x in np.linspace(-1.0, 1.0, m)]
    w = [float(x) for x in np.linspace(0.5, 3.0, m)]
    rows = []
    for label, kwargs in BACKENDS:
        for method in METHODS:
            clear_memverify_caches()
            fn = getattr(Loss(target, m), method)
            first = timed(fn, a, w, **kwargs)
            times = [timed(fn, a, w, **kwargs) for _ in range(repeats)]
            rows.append({"backend": label, "method": method, "m": m, "first_call_s": first,
                         "median_s": statistics.median(times), "min_s": min(times), "repeats": repeats})
    return target, rows


def bench_derive(m_values, repeats):
    rows = []
    for m in m_values:
        times = []
        for _ in range(repeats):
            derive.cache_clear()
            sympy_clear_cache()
            times.append(timed(derive, m))
        d = derive(m)
        rows.append({"m": m, "median_s": statistics.median(times), "min_s": min(times), "runs": repeats,
                     "hessian_ops": int(sp.count_ops(d.hessian))})
    return rows


def environment():
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "memverify": memverify.__version__, "sympy": sp.__version__,
            "mpmath": mpmath.__version__, "mpmath_backend": mpmath.libmp.BACKEND,
            "python-flint": getattr(flint, "__version__", "?"), "numpy": np.__version__}


def ms(x):
    return f"{1e3 * x:10.3f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=10, help="width of the model for the Loss timings (default 10)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls after the first one (default 7)")
    parser.add_argument("--derive-min", type=int, default=2)
    parser.add_argument("--derive-max", type=int, default=8)
    parser.add_argument("--derive-repeats", type=int, default=3)
    parser.add_argument("--json", nargs="?", const="bench_loss.json", default=None, metavar="PATH",
                        help="also write the numbers as JSON (default bench_loss.json; '-' for stdout)")
    args = parser.parse_args(argv)
    if args.m < 1 or args.repeats < 1 or args.derive_repeats < 1 or args.derive_min < 1:
        parser.error("--m, --repeats, --derive-min and --derive-repeats must be >= 1")

    env = environment()
    print(f"memverify {env['memverify']}, sympy {env['sympy']}, mpmath {env['mpmath']} ({env['mpmath_backend']}), "
          f"python-flint {env['python-flint']}, Python {env['python']}, {env['cpu_count']} CPUs")

    clear_memverify_caches()
    derive_m = timed(derive, args.m)
    target, loss_rows = bench_loss(args.m, args.repeats)
    print(f"\nLoss(target, m={args.m}) at one point, target = {target.spec()}")
    print(f"first call: cold caches (derive + lambdify + evaluate; derive({args.m}) alone took "
          f"{1e3 * derive_m:.0f} ms); then median / min of {args.repeats} calls")
    print(f"{'backend':<15} {'method':<9} {'first call [ms]':>15} {'median [ms]':>12} {'min [ms]':>10}")
    for r in loss_rows:
        print(f"{r['backend']:<15} {r['method']:<9} {ms(r['first_call_s']):>15} {ms(r['median_s']):>12} {ms(r['min_s']):>10}")

    derive_rows = bench_derive(range(args.derive_min, args.derive_max + 1), args.derive_repeats)
    print(f"\nderive(m): J, gradient and Hessian; derive.cache_clear() and sympy's cache cleared before each "
          f"of {args.derive_repeats} runs")
    print(f"{'m':>3} {'median [ms]':>12} {'min [ms]':>10} {'Hessian ops':>12}")
    for r in derive_rows:
        print(f"{r['m']:>3} {ms(r['median_s']):>12} {ms(r['min_s']):>10} {r['hessian_ops']:>12}")

    if args.json is not None:
        payload = {"environment": env, "target": target.as_dict(), "loss": loss_rows,
                   "derive_m_cold_s": {"m": args.m, "seconds": derive_m}, "derive": derive_rows}
        text = json.dumps(payload, indent=2)
        if args.json == "-":
            print(text)
        else:
            pathlib.Path(args.json).write_text(text + "\n")
            print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
