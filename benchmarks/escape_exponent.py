"""The escape exponent of Theorem 5.1 / C.1, measured: tau_param and tau_loss against 1/omega.

    python benchmarks/escape_exponent.py [--inv 20,30,40,50,60,80,100] [--starts off2,off08,split,near]
        [--deltas 0.02,0.05] [--loss-deltas 0.02] [--budget 60] [--fit-last 4] [--json out.json]

m = 2, target e^{-t} + e^{-(t - 1/omega)^2/2}; gradient_flow(method='fast',
on_precision='exact', t_max=1e300, max_steps=20000, dense=False).  Starts:
off2 = (1, 0), (1, 2) and off08 = (1, 0), (1, 0.8) (switched off, on M*);
split = (0.25, 0.75), (1, 1) (on M*); near = (1, 0), (1, 0.8) moved by 1e-3 in a
random direction (seed 0).  Each run gets --budget seconds in a process of its
own (over budget: reported, not estimated).  Tables: the times; local slopes
d log tau / d(1/omega); the fit log tau = c/omega + p log omega + q on the last
--fit-last points with standard errors, beside the theorem's w0_l = min w0 and
the reduced model's 2 min(w*, v) (memverify.symbolic.escape); the reduced
model's tau_param; the small Hessian eigenvalues at the start; and the
available drop Delta(omega) = J(theta_0) - min J_2 (landscape.global_minimiser).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pathlib
import sys
import time
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # this checkout first

import numpy as np  # noqa: E402

from memverify import ExpSum, Loss, MemoryBump  # noqa: E402
from memverify.flow import LossHitting, ParamSeparation, gradient_flow, linearised_flow  # noqa: E402
from memverify.flow.exponent import (available_drop, fit_decay, fit_exponent, local_slopes,  # noqa: E402
                                     reduced_tau_param)
from memverify.symbolic.escape import escape_exponent  # noqa: E402

_rng = np.random.default_rng(0)
_kick = _rng.standard_normal(4)
_kick = 1e-3 * _kick / np.linalg.norm(_kick)
STARTS = {
    "off2": ([1.0, 0.0], [1.0, 2.0]),
    "off08": ([1.0, 0.0], [1.0, 0.8]),
    "split": ([0.25, 0.75], [1.0, 1.0]),
    "near": ([float(x) for x in np.array([1.0, 0.0]) + _kick[:2]],
             [float(x) for x in np.array([1.0, 0.8]) + _kick[2:]]),
}


def target(inv):
    return MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / inv)


def _run(queue, name, inv, event, delta):
    a0, w0 = STARTS[name]
    ev = [ParamSeparation(delta)] if event == "tau_param" else [LossHitting(delta), ParamSeparation(delta)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = gradient_flow(Loss(target(inv), 2), a0, w0, events=ev, method="fast", on_precision="exact",
                              t_max=1e300, max_steps=20000, dense=False)
        queue.put({"tau": r.t_events.get(event), "status": r.status, "steps": r.steps, "method": r.method,
                   "message": r.message[:160]})
    except Exception as exc:  # reported in the table, never hidden
        queue.put({"tau": None, "status": -1, "steps": None, "method": "-",
                   "message": f"{type(exc).__name__}: {str(exc)[:160]}"})


def in_process(target, args, budget):
    """target(queue, *args) in a process of its own: (what it put on the queue, or
    None when it ran past `budget` seconds, and the wall time)."""
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=target, args=(queue,) + tuple(args))
    t0 = time.perf_counter()
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, budget
    return queue.get(), time.perf_counter() - t0


def measure(name, inv, event, delta, budget):
    """One flow in a process of its own, stopped after `budget` seconds."""
    out, seconds = in_process(_run, (name, inv, event, delta), budget)
    if out is None:
        return {"tau": None, "status": None, "steps": None, "method": "-", "seconds": budget,
                "message": f"no answer within the budget of {budget:g} s"}
    out["seconds"] = round(seconds, 2)
    return out


def drop_table(invs):
    """Delta(omega) = J(theta_0) - min J_2 with J(theta_0) = ||rho_0||^2 on M*
    (Prop. C.1) and min J_2 from landscape.global_minimiser (multi-start, numerical):
    flow.exponent.available_drop."""
    rows = []
    for inv in invs:
        t0 = time.perf_counter()
        d = available_drop(target(inv), [1.0, 0.0], [1.0, 0.8])
        rows.append({"inv_omega": inv, "J0": d["J0"], "min_J2": d["min_J"], "Delta": d["Delta"],
                     "Delta_over_omega": d["Delta"] * inv, "minimiser_w": d["minimiser_w"],
                     "seconds": round(time.perf_counter() - t0, 2)})
    return rows


def _run_wide(queue, w0, inv, delta):
    a0 = [1.0] + [0.0] * (len(w0) - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gradient_flow(Loss(target(inv), len(w0)), a0, w0, events=[ParamSeparation(delta)], method="fast",
                          on_precision="exact", t_max=1e300, max_steps=20000, dense=False)
    queue.put({"tau": r.t_events.get("tau_param"), "steps": r.steps, "method": r.method})


def wide(w0s, invs, budget, delta=0.05):
    """tau_param of switched-off starts (1, 0, ..., 0), w0 of any width; the fit
    with and without the next term r omega, beside 2 min(w0)."""
    print("\n## Wider switched-off starts: tau_param, delta = 0.05\n\n| w0 | 1/omega | tau_param | steps | method | "
          "seconds |\n|---|---|---|---|---|---|")
    out = []
    for w0 in w0s:
        pts = []
        for inv in invs:
            r, seconds = in_process(_run_wide, (w0, inv, delta), budget)
            if r is None:
                print(f"| {w0} | {inv:g} | over the budget | - | - | {budget:g} |")
                break
            print(f"| {w0} | {inv:g} | {_fmt(r['tau'])} | {r['steps']} | {r['method']} | "
                  f"{seconds:.1f} |", flush=True)
            if r["tau"] is None:
                break
            pts.append((inv, r["tau"]))
        row = {"w0": w0, "points": pts, "two_w_min": 2 * min(w0)}
        if len(pts) >= 5:
            row["fit"] = fit_exponent([p[0] for p in pts], [p[1] for p in pts])
            row["fit_next_term"] = fit_exponent([p[0] for p in pts], [p[1] for p in pts], next_term=True)
        out.append(row)
    print("\n| w0 | local slopes | c | c with r omega | 2 min w0 |\n|---|---|---|---|---|")
    for row in out:
        pts = row["points"]
        sl = local_slopes([p[0] for p in pts], [p[1] for p in pts]) if len(pts) >= 2 else []
        f, f4 = row.get("fit"), row.get("fit_next_term")
        slopes = ", ".join(f"{x['slope']:.4f}" for x in sl)
        if f:
            print(f"| {row['w0']} | {slopes} | {f['c']:.4f} | {f4['c']:.4f} | {row['two_w_min']:g} |")
        else:
            print(f"| {row['w0']} | {slopes} ({len(pts)} points: no fit) | - | - | {row['two_w_min']:g} |")
    return out


def split_phases(invs, delta=0.05):
    """The split start's escape in phases: eps = |w_1 - w_2| at tau_param (its
    saturated value eps*), the time it first reaches 90% of that, and the amplitude
    imbalance a_1 - a_2 (its change from -0.5) then and at tau_param."""
    print("\n## Split start: phases of the escape\n\n| 1/omega | tau_param | eps* | tau at 0.9 eps* | "
          "as a fraction of tau_param | d(a1 - a2) then | d(a1 - a2) at tau_param | method | seconds |\n"
          "|---|---|---|---|---|---|---|---|---|")
    rows = []
    for inv in invs:
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = gradient_flow(Loss(target(inv), 2), *STARTS["split"], events=[ParamSeparation(delta)], method="fast",
                              on_precision="exact", t_max=1e300, max_steps=20000, dense=False)
        tp = r.t_events["tau_param"]
        eps = np.abs(r.y[:, 2] - r.y[:, 3])
        da = r.y[:, 0] - r.y[:, 1] + 0.5
        k = int(np.argmax(eps >= 0.9 * eps[-1]))
        row = {"inv_omega": inv, "tau_param": tp, "eps_star": float(eps[-1]), "tau_eps": float(r.t[k]),
               "da_then": float(da[k]), "da_end": float(da[-1]), "method": r.method,
               "seconds": round(time.perf_counter() - t0, 1)}
        rows.append(row)
        print(f"| {inv:g} | {_fmt(tp)} | {row['eps_star']:.4e} | {row['tau_eps']:.3e} | {row['tau_eps'] / tp:.2e} | "
              f"{row['da_then']:.3e} | {row['da_end']:.3e} | {r.method} | {row['seconds']} |", flush=True)
    return rows


def _fmt(x):
    return "-" if x is None else f"{x:.6g}"


def analyse(invs, taus, fit_last):
    pts = [(i, t) for i, t in zip(invs, taus) if t is not None]
    out = {"points": len(pts)}
    if len(pts) >= 2:
        out["slopes"] = local_slopes([p[0] for p in pts], [p[1] for p in pts])
    tail = pts[-fit_last:]
    if len(tail) >= 4:
        out["fit"] = fit_exponent([p[0] for p in tail], [p[1] for p in tail])
        out["fit_p2"] = fit_exponent([p[0] for p in tail], [p[1] for p in tail], power=2)
    elif len(tail) >= 3:
        out["fit_p0"] = fit_exponent([p[0] for p in tail], [p[1] for p in tail], power=False)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inv", default="20,30,40,50,60,80,100")
    ap.add_argument("--starts", default="off2,off08,split,near")
    ap.add_argument("--deltas", default="0.02,0.05", help="gaps of tau_param")
    ap.add_argument("--loss-deltas", default="0.02", help="gaps of tau_loss (below Delta(omega))")
    ap.add_argument("--loss-starts", default="off2,off08")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per run")
    ap.add_argument("--fit-last", type=int, default=4)
    ap.add_argument("--no-drop", action="store_true", help="skip Delta(omega)")
    ap.add_argument("--wide", default="", help="switched-off starts of width m = len(w0): 'w0;w0', each w0 "
                    "comma-separated with w0[0] = w* = 1 (a0 = (1, 0, ..., 0)), tau_param at --inv, delta 0.05")
    ap.add_argument("--split-phases", default="", help="1/omega values: the phases of the split start's escape")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    invs = [float(x) for x in args.inv.split(",")]
    starts = args.starts.split(",")
    report = {"setting": {"target": "e^{-t} + e^{-(t - 1/omega)^2/2}", "m": 2, "starts": STARTS,
                          "flow": "gradient_flow(method='fast', on_precision='exact', t_max=1e300, max_steps=20000)",
                          "budget_seconds": args.budget}, "runs": [], "analysis": {}}
    t_all = time.perf_counter()
    cases = [(n, "tau_param", float(d)) for n in starts for d in args.deltas.split(",")]
    cases += [(n, "tau_loss", float(d)) for n in args.loss_starts.split(",") if n in starts
              for d in args.loss_deltas.split(",") if d]
    print("## Hitting times\n\n| start | event | delta | 1/omega | tau | steps | method | seconds | message |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, event, d in cases:
        taus = []
        for inv in invs:
            r = measure(name, inv, event, d, args.budget)
            r.update(start=name, event=event, delta=d, inv_omega=inv)
            report["runs"].append(r)
            taus.append(r["tau"])
            print(f"| {name} | {event} | {d:g} | {inv:g} | {_fmt(r['tau'])} | {r['steps']} | {r['method']} "
                  f"| {r['seconds']} | {r['message'][:60] if r['tau'] is None else ''} |", flush=True)
            if r["tau"] is None:  # a smaller omega only takes longer
                break
        report["analysis"][f"{name} {event} {d:g}"] = analyse(invs, taus, args.fit_last)
    print("\n## Local slopes d log tau / d(1/omega)\n\n| start | event | delta | slopes (midpoint: slope) |\n|---|---|---|---|")
    for key, a in report["analysis"].items():
        s = ", ".join(f"{x['mid']:g}: {x['slope']:.4f}" for x in a.get("slopes", []))
        print(f"| {' | '.join(key.split())} | {s or '-'} |")
    print("\n## Fits on the last points\n\n| start | event | delta | c (p free) | p | c (p = 2) | w0_l = min w0 | "
          "reduced model 2 min(w*, v) |\n|---|---|---|---|---|---|---|---|")
    for key, a in report["analysis"].items():
        name = key.split()[0]
        w0 = STARTS[name][1]
        red = escape_exponent(1, round(w0[1], 12)) if name.startswith("off") else None
        a["w0_l"], a["reduced_c"] = min(w0), None if red is None else red["c"]
        f, f2 = a.get("fit"), a.get("fit_p2")
        cfree = f"{f['c']:.4f} +/- {f['c_se']:.4f}" if f else "-"
        pfree = f"{f['p']:.3f} +/- {f['p_se']:.3f}" if f else "-"
        c2 = f"{f2['c']:.4f} +/- {f2['c_se']:.4f}" if f2 else "-"
        print(f"| {' | '.join(key.split())} | {cfree} | {pfree} | {c2} | {min(w0):g} | {_fmt(a['reduced_c'])} |")
    print("\n## Reduced model (symbolic.escape) against the flow: tau_param\n\n| start | delta | 1/omega | flow | "
          "reduced | reduced / flow |\n|---|---|---|---|---|---|")
    report["reduced"] = []
    for r in report["runs"]:
        if r["event"] == "tau_param" and r["start"].startswith("off") and r["tau"] is not None:
            pred = reduced_tau_param(target(r["inv_omega"]), STARTS[r["start"]][1][1], r["delta"])
            report["reduced"].append({"start": r["start"], "delta": r["delta"], "inv_omega": r["inv_omega"],
                                      "flow": r["tau"], "reduced": pred})
            print(f"| {r['start']} | {r['delta']:g} | {r['inv_omega']:g} | {r['tau']:.6g} | {pred:.6g} "
                  f"| {pred / r['tau']:.6f} |")
    print("\n## Small Hessian eigenvalues at the start (mpmath)\n\n| start | 1/omega | eigenvalues | ||g_0|| |"
          "\n|---|---|---|---|")
    report["hessian"] = {}
    for name in starts:
        rows = []
        for inv in invs:
            lf = linearised_flow(Loss(target(inv), 2), *STARTS[name], 0.05)
            rows.append({"inv_omega": inv, "eigenvalues": [float(e) for e in lf.eigenvalues], "g0": lf.g0_norm})
            print(f"| {name} | {inv:g} | {', '.join(f'{float(e):.3e}' for e in lf.eigenvalues)} | {lf.g0_norm:.3e} |")
        small = [min(abs(e) for e in r["eigenvalues"]) for r in rows]
        fit = (fit_decay([r["inv_omega"] for r in rows][-args.fit_last:], small[-args.fit_last:])
               if min(len(rows), args.fit_last) >= 4 else None)  # fewer points: no fit
        report["hessian"][name] = {"rows": rows, "smallest_abs_fit": fit}
    print("\n| start | decay exponent of min |lambda| (p free) | p |\n|---|---|---|")
    for name, h in report["hessian"].items():
        f = h["smallest_abs_fit"]
        if f is None:
            print(f"| {name} | - (fewer than 4 points) | - |")
            continue
        print(f"| {name} | {f['c']:.4f} +/- {f['c_se']:.4f} | {f['p']:.3f} |")
    if not args.no_drop:
        print("\n## Available drop Delta(omega) = J(theta_0) - min J_2\n\n| 1/omega | J(theta_0) | min J_2 | Delta | "
              "Delta / omega | minimiser rates | seconds |\n|---|---|---|---|---|---|---|")
        drop = drop_table(invs)
        report["drop"] = drop
        for r in drop:
            print(f"| {r['inv_omega']:g} | {r['J0']:.6f} | {r['min_J2']:.6f} | {r['Delta']:.5f} | "
                  f"{r['Delta_over_omega']:.4f} | {', '.join(f'{w:.4f}' for w in r['minimiser_w'])} | {r['seconds']} |")
        if min(len(drop), args.fit_last) < 4:
            drop = []
        f = report["drop_fit"] = (fit_decay([r["inv_omega"] for r in drop][-args.fit_last:],
                                            [r["Delta"] for r in drop][-args.fit_last:]) if drop else None)
        if f:
            print(f"\nDelta ~ omega^p e^(-c/omega) on the last {args.fit_last} points: c = {f['c']:.4f} +/- {f['c_se']:.4f}, "
                  f"p = {f['p']:.3f} +/- {f['p_se']:.3f}")
    if args.wide:
        report["wide"] = wide([[float(x) for x in w.split(",")] for w in args.wide.split(";")], invs, args.budget)
    if args.split_phases:
        report["split_phases"] = split_phases([float(x) for x in args.split_phases.split(",")])
    report["seconds"] = round(time.perf_counter() - t_all, 1)
    print(f"\nwall time {report['seconds']} s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
