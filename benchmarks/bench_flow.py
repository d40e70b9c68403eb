"""Escape times side by side: memverify.flow ('fast', 'exact') against
scipy.integrate.solve_ivp (Radau and BDF with the analytic Jacobian, float64,
the plain formulation: what a user reaches for first) and mpmath.odefun.

    python benchmarks/bench_flow.py [--inv 5,10,20,30,40,60,100] [--budget 60] [--ivp-rtol 1e-10]
                                    [--fast-rtols 1e-6,1e-7,1e-8,1e-10,1e-11] [--repeat 5] [--odefun] [--json PATH]

Problem: target a* e^{-w* t} + c0 e^{-(t - 1/omega)^2/2} (a* = w* = c0 = 1),
width m = 2, theta_0 = (a, w) = ((1, 0), (1, 0.8)) on M*; the time is the
parameter-separation time tau_param (eq. 104) with delta = 0.05.  Every solver
gets a wall-clock budget (--budget seconds).  The relative error is against a
converged reference: 'fast' at rtol = 1e-12, atol = 1e-15 (its arithmetic
agrees with 'exact' to ~1e-11; its discretisation error is 2.4e-8 or less up
to 1/omega = 40, from the change against rtol = 1e-11 in flow_accuracy.py), so that the default-tolerance 'exact' and
'fast' runs show their own discretisation error too.  'fast' also runs at the
other tolerances --fast-rtols, for a comparison at equal accuracy: for each solve_ivp run
that answers, the quickest 'fast' run at least as accurate is named with the
ratio of their times.  Runs shorter than 5 s are repeated (--repeat) and their
median time is reported.  Prints one table; --json also writes every number.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

try:
    import memverify  # noqa: F401  (installed?)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import mpmath
import numpy as np
from scipy.integrate import solve_ivp

from memverify import ExpSum, Loss, MemoryBump
from memverify.flow import ParamSeparation, PrecisionError, gradient_flow

A0, W0, DELTA = [1.0, 0.0], [1.0, 0.8], 0.05


class _Budget(Exception):
    pass


def _loss(inv):
    return Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv, c0=1.0, sigma=1.0), 2)


def run_memverify(inv, method, budget, **tol):
    start = time.perf_counter()
    try:
        r = gradient_flow(_loss(inv), A0, W0, events=[ParamSeparation(DELTA)], method=method, max_steps=100000,
                          **tol)
    except PrecisionError:
        return {"tau": None, "steps": None, "seconds": time.perf_counter() - start, "note": "PrecisionError"}
    return {"tau": r.t_events["tau_param"], "steps": r.steps, "seconds": r.seconds,
            "note": f"dps={r.dps}" if r.dps else ""}


def run_solve_ivp(inv, solver, budget, rtol=1e-10, atol=1e-13):
    L = _loss(inv)
    th0 = np.array(A0 + W0)
    start = time.perf_counter()
    calls = [0]

    def fun(t, y):
        calls[0] += 1
        if time.perf_counter() - start > budget:
            raise _Budget
        if np.any(y[2:] <= 0):
            return np.full(4, np.nan)
        return -L.gradient(list(y[:2]), list(y[2:]))

    def jac(t, y):
        return -L.hessian(list(y[:2]), list(y[2:]))

    def event(t, y):
        return np.linalg.norm(y - th0) - DELTA
    event.terminal = True

    try:
        sol = solve_ivp(fun, (0, 1e60), th0, method=solver, jac=jac, events=event, rtol=rtol, atol=atol)
    except _Budget:
        return {"tau": None, "steps": None, "seconds": time.perf_counter() - start, "note": "over budget"}
    tau = sol.t_events[0][0] if len(sol.t_events[0]) else None
    return {"tau": tau, "steps": int(sol.t.size - 1), "seconds": time.perf_counter() - start,
            "note": "" if tau is not None else sol.message[:40]}


def run_odefun(inv, budget):
    """mpmath's Taylor integrator: no events, so tau_param is bracketed by doubling and bisected."""
    L = _loss(inv)
    start = time.perf_counter()
    with mpmath.workdps(30):
        th0 = [mpmath.mpf(x) for x in A0 + W0]

        def F(t, y):
            if time.perf_counter() - start > budget:
                raise _Budget
            return [-g for g in L.gradient(list(y[:2]), list(y[2:]), dps=30)]

        try:
            sol = mpmath.odefun(F, 0, th0)

            def sep(t):
                y = sol(t)
                return mpmath.sqrt(sum((a - b) ** 2 for a, b in zip(y, th0))) - DELTA
            lo, hi = mpmath.mpf(0), mpmath.mpf("0.01")
            while sep(hi) < 0:
                lo, hi = hi, 2 * hi
            for _ in range(40):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if sep(mid) < 0 else (lo, mid)
            return {"tau": float(hi), "steps": None, "seconds": time.perf_counter() - start, "note": "dps=30"}
        except _Budget:
            return {"tau": None, "steps": None, "seconds": time.perf_counter() - start, "note": "over budget"}


def timed(run, repeat):
    """run() once, and again up to `repeat` times in all if it took under 5 s: the
    last result with the median of the times."""
    r = run()
    times = [r["seconds"]]
    while len(times) < repeat and r["seconds"] is not None and r["seconds"] < 5:
        r = run()
        times.append(r["seconds"])
    r["seconds"] = None if times[0] is None else float(np.median(times))
    r["repeats"] = len(times)
    return r


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inv", default="5,10,20,30,40,60,100")
    p.add_argument("--budget", type=float, default=60.0)
    p.add_argument("--ivp-rtol", type=float, default=1e-10, help="solve_ivp rtol (atol = rtol / 1000)")
    p.add_argument("--fast-rtols", default="1e-6,1e-7,1e-8,1e-10,1e-11",
                   help="other tolerances for 'fast' ('' for none)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each quick solver (median time)")
    p.add_argument("--odefun", action="store_true", help="also run mpmath.odefun at 1/omega <= 10")
    p.add_argument("--json")
    args = p.parse_args(argv)
    invs = [float(x) for x in args.inv.split(",")]
    rows = []
    for inv in invs:
        ref = run_memverify(inv, "fast", args.budget, rtol=1e-12, atol=1e-15)
        rep = args.repeat
        runs = {"exact": timed(lambda: run_memverify(inv, "exact", args.budget), rep),
                "fast": timed(lambda: run_memverify(inv, "fast", args.budget), rep)}
        for rt in [float(x) for x in args.fast_rtols.split(",") if x.strip()]:
            runs[f"fast {rt:g}"] = timed(lambda: run_memverify(inv, "fast", args.budget, rtol=rt), rep)
        for name in ("Radau", "BDF"):
            runs[name] = timed(lambda: run_solve_ivp(inv, name, args.budget, args.ivp_rtol, args.ivp_rtol / 1000),
                               rep)
        if args.odefun:
            runs["odefun"] = (run_odefun(inv, args.budget) if inv <= 10 else
                              {"tau": None, "steps": None, "seconds": None, "note": "not run (tau > 1e4)"})
        for name, r in runs.items():
            r["rel_err"] = (abs(r["tau"] / ref["tau"] - 1) if r["tau"] and ref["tau"] else None)
            rows.append({"inv_omega": inv, "solver": name, **r})
            f = lambda x, fmt: "-" if x is None else format(x, fmt)  # noqa: E731
            print(f"1/omega={inv:>5g} {name:>10}: tau={f(r['tau'], '.10g'):>18} steps={f(r['steps'], 'd'):>6} "
                  f"seconds={f(r['seconds'], '.2f'):>7} rel.err={f(r['rel_err'], '.1e'):>8} {r['note']}",
                  flush=True)
        for name in ("Radau", "BDF"):
            ivp = runs[name]
            if ivp["rel_err"] is None or ivp["rel_err"] > 1e-3:
                continue
            fast = [(r["seconds"], k) for k, r in runs.items() if k.startswith("fast") and r["rel_err"] is not None
                    and r["rel_err"] <= ivp["rel_err"]]
            if fast:
                sec, k = min(fast)
                print(f"    at {name}'s accuracy ({ivp['rel_err']:.1e}): '{k}' takes {sec:.3f} s, "
                      f"{sec / ivp['seconds']:.2f} times {name}'s time")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"python": sys.version, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
