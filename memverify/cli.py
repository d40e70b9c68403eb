"""Command line: ``memverify check`` runs the paper's claims; ``memverify
derive`` prints the closed forms the symbolic core derives; ``memverify
landscape`` lists the coincided critical affine spaces of a target; ``memverify
approx`` measures widths of exponential sums for power-law memory; ``memverify
flow`` integrates the gradient flow; ``memverify figure`` draws figures."""

from __future__ import annotations

import argparse
import sys
import time

from . import validation
from .backends import PrecisionError


def _check(args):
    from .report import format_table, run_claims, to_json

    start = time.perf_counter()

    def progress(i, n, cid):
        if sys.stderr.isatty() or not args.json:
            print(f"[{i + 1}/{n}] {cid} ...", file=sys.stderr, flush=True)

    patterns = None
    if args.only is not None:
        patterns = [p.strip() for p in args.only.split(",")]
        if not all(patterns):
            raise ValueError(f"--only must be comma-separated claim ids or patterns, none empty, got {args.only!r}")
    results = run_claims(patterns, tier=args.tier, progress=progress)
    if args.json:
        print(to_json(results))
    else:
        print(format_table(results))
        print(f"\n{len(results)} claims in {time.perf_counter() - start:.1f} s")
    problems = [p for r in results for p in r.problems()]
    if problems:
        print("\nNOT OK:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if not args.json:
        print("OK: every claim proved, certified or supported; every falsifier refuted.")
    return 0


def _derive(args):
    import sympy as sp

    from .symbolic import derive

    d = derive(validation.width(args.m, "--m"))
    what = {"loss": d.J, "gradient": sp.Matrix(d.gradient), "hessian": d.hessian}[args.what]
    spec = args.target
    if spec is not None:
        from .symbolic.targets import specialise
        what = specialise(what, spec)
    if args.latex:
        print(sp.latex(what))
    elif args.pretty:
        sp.pprint(what, use_unicode=False, wrap_line=False)
    else:
        print(what)
    return 0


def _landscape(args):
    """The d-coincided critical affine spaces of J_m for a target (Theorem D.1)."""
    import json
    import math

    import mpmath

    from .landscape.minimiser import MAX_GLOBAL_D
    from .landscape import certified_spectrum, global_minimiser, ordered_partitions, point_on_coincided_space, \
        surjections
    from .loss import Loss
    from .targets import parse_target

    m = validation.integer(args.m, "--m", minimum=1)
    if m > MAX_GLOBAL_D:  # every level d <= m needs global_minimiser's J_d
        raise ValueError(f"--m must be <= {MAX_GLOBAL_D} (global_minimiser's limit on d), got {m}")
    dps = validation.digits(args.dps, "--dps")
    limit = validation.integer(args.limit, "--limit", minimum=0)
    target = parse_target(args.target)
    out = {"target": target.spec(), "m": m, "m_factorial": math.factorial(m), "dps": dps, "levels": []}
    tol = float(mpmath.mpf(10) ** (-(dps // 2)))
    for d in range(1, m + 1):
        print(f"[{d}/{m}] minimising J_{d} ...", file=sys.stderr, flush=True)
        try:
            M = global_minimiser(target, d, dps=dps)
        except ValueError as exc:
            out["levels"].append({"d": d, "minimiser": None, "reason": str(exc)})
            continue
        level = {"d": d, "minimiser": M.as_dict(), "non_degenerate": M.non_degenerate and M.converged,
                 "spaces": surjections(m, d), "dimension": m - d, "loss": mpmath.nstr(M.loss, 12), "listed": []}
        if level["non_degenerate"]:
            for i, P in enumerate(ordered_partitions(m, d)):
                if i >= limit:
                    break
                a, w = point_on_coincided_space(P, M.b, M.v, seed=i)
                spec = certified_spectrum(Loss(target, m).hessian(a, w, arb=True, dps=dps), dps, tol=tol)
                level["listed"].append({"partition": str(P), "point_a": [float(x) for x in a],
                                        "point_w": [float(x) for x in w], "spectrum": spec.as_dict()})
        out["levels"].append(level)
    total = sum(lv["spaces"] for lv in out["levels"] if lv.get("non_degenerate"))
    out["total_spaces"] = total
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return 0
    print(f"{target.spec()}, width m = {m}: coincided critical affine spaces of J_m (Theorem D.1)")
    for lv in out["levels"]:
        if not lv.get("non_degenerate"):
            print(f"  d = {lv['d']}: no non-degenerate minimiser of J_{lv['d']} "
                  f"({lv.get('reason', 'degenerate: rates coincide or a coefficient vanishes')})")
            continue
        mn = lv["minimiser"]
        print(f"  d = {lv['d']}: J_d = {lv['loss']} at b = {mn['b']}, v = {mn['v']}")
        print(f"      {lv['spaces']} spaces (d! S(m,d)) of dimension {lv['dimension']}")
        for item in lv["listed"]:
            sp_ = item["spectrum"]
            print(f"      {item['partition']}: Hessian eigenvalues +{sp_['positive']} -{sp_['negative']} "
                  f"~0 {sp_['near_zero']} (|lambda| <= {sp_['tol']:.0e}, certified)")
    print(f"total {total} spaces against m! = {math.factorial(m)} "
          f"(ratio {total / math.factorial(m):.4g})")
    return 0


def _approx(args):
    import json

    from .approximation import curse_of_memory_row

    routes = tuple(r.strip() for r in args.routes.split(","))
    if not all(routes):
        raise ValueError(f"--routes must be comma-separated among appendix_b, sinc, best, none empty, "
                         f"got {args.routes!r}")
    row = curse_of_memory_row(args.omega, args.eps, routes=routes, m_max=args.m_max)
    if args.json:
        print(json.dumps(row, default=float))
        return 0
    print(f"rho(t) = (1+t)^-(1+omega), omega = {args.omega:g}; relative L1 error <= eps = {args.eps:g}")
    print(f"paper's bound shape omega eps^(-1/omega) = {row['bound_shape']:.4g} (times an unknown constant)")
    print(f"{'route':<11} {'m':>8} {'rel. L1 error':>14} {'w_min':>11} {'seconds':>8}")
    for r in routes:
        d = row[r]
        m = d["m"] if d["m"] is not None else f">{d.get('m_lower')}"
        err = "-" if d["relative_error"] is None else f"{d['relative_error']:.4g}"
        wmin = "-" if d["w_min"] is None else f"{d['w_min']:.4g}"
        print(f"{r:<11} {m:>8} {err:>14} {wmin:>11} {d['seconds']:>8.1f}")
    print("(--json prints the sums: a, w for sinc and best; the Chebyshev coefficients of Q for appendix_b)")
    return 0


def _floats(text, name):
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated numbers, got {text!r}") from None


def _progress_bar(done, total):
    bar = "#" * (20 * done // total)
    print(f"\r[{bar:<20}] {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


class _FlowStatus:
    """One status line on `stream` for a single long flow, rewritten at most every
    `every` seconds: which run (main, exact rerun, error estimate), tau, steps, J."""

    def __init__(self, stream, every=0.5):
        self.stream, self.every, self.last, self.shown = stream, every, None, False

    def __call__(self, info):
        now = time.monotonic()
        if self.last is not None and now - self.last < self.every:
            return
        self.last, self.shown = now, True
        found = ", ".join(f"{k} = {v:.6g}" for k, v in info["found"].items())
        print(f"\r{info['run']} ({info['method']}): tau = {info['tau']:.6g}, {info['steps']} steps "
              f"({info['rejected']} rejected), J = {info['loss']:.10g}" + (f"; {found}" if found else "") + "\x1b[K",
              end="", file=self.stream, flush=True)

    def close(self):
        if self.shown:
            print(file=self.stream, flush=True)


SCHEDULER_TIMEOUT = 5  # seconds to wait for a dask scheduler (dask's own default is 30)


def _flow(args):
    import json

    from .flow import flow_spec, run_spec, sweep

    if args.target != "bump":
        raise ValueError(f"--target must be 'bump' (the memory target of eq. 20), got {args.target!r}")
    omegas = _floats(args.omega, "--omega")
    a0, w0 = _floats(args.a0, "--a0"), _floats(args.w0, "--w0")
    specs = [flow_spec(o, a0, w0, args.delta, astar=_floats(args.astar, "--astar"),
                       wstar=_floats(args.wstar, "--wstar"), c0=args.c0, sigma=args.sigma,
                       method=args.method, dps=args.dps, rtol=args.rtol, integrator=args.integrator,
                       max_steps=args.max_steps,
                       error_estimate=not args.no_error_estimate) for o in omegas]

    progress = _progress_bar
    if len(specs) == 1:
        # a single flow can run for minutes (escalated to 'exact', or the error estimate's
        # second run): a status line on a terminal
        status = _FlowStatus(sys.stderr) if sys.stderr.isatty() else None
        try:
            results = [run_spec(specs[0], progress=status)]
        finally:
            if status is not None:
                status.close()
    elif args.scheduler:
        from dask.distributed import Client

        try:
            client = Client(args.scheduler, timeout=SCHEDULER_TIMEOUT)
        except OSError as exc:
            raise ConnectionError(f"no dask scheduler answers at {args.scheduler} within {SCHEDULER_TIMEOUT} s "
                                  f"({exc})") from None
        with client:
            results = sweep(specs, client=client, progress=progress)
    else:
        results = sweep(specs, progress=progress)
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2, default=str))
    else:
        print(f"{'omega':>10} {'tau_loss':>14} {'+/-':>8} {'tau_param':>14} {'+/-':>8} {'method':>7} {'dps':>4} "
              f"{'steps':>6} {'seconds':>8} status")
        for r in results:
            f = lambda x: "-" if x is None else f"{x:.8g}"  # noqa: E731
            e = lambda x: "-" if x is None else f"{x:.1e}"  # noqa: E731
            print(f"{r['omega']:>10.4g} {f(r['tau_loss']):>14} {e(r['tau_loss_error']):>8} {f(r['tau_param']):>14} "
                  f"{e(r['tau_param_error']):>8} {r['method']:>7} {str(r['dps']):>4} {r['steps']:>6} "
                  f"{r['seconds']:>8.2f} {r['status']}: {r['message'][:60]}")
    return 0 if all(r["status"] >= 0 for r in results) else 1


def _figure_approx(out, full):
    from .figure_approx import draw
    return {"figure": "approx", "path": draw(out, full=full)}


def _figure_flow(which):
    def draw(out, full):
        import concurrent.futures

        from .figures.flow import draw_figure

        grid = {"2": (5, 10, 15, 20, 25, 30), "3": (5, 10, 15, 20, 25, 30, 35, 40)}[which] if full else None
        # the flows of the larger 1/omega take the longest: two local processes
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
            return {"path": out, **draw_figure(which, out, inv_omegas=grid, executor=ex, progress=_progress_bar)}
    return draw


def _figure_training(which):
    def draw(out, full):
        import time

        from .figures.training import draw_figure1, draw_figure4
        from .training import experiments as ex

        t0 = time.perf_counter()
        settings = ex.figure1_settings(full) if which == "1" else ex.figure4_settings(full)
        results = ex.run_settings(settings, progress=_progress_bar)
        (draw_figure1 if which == "1" else draw_figure4)(results, out)
        return {"figure": which, "path": out, "full": full, "seconds": time.perf_counter() - t0,
                "plateaus": {k: ex.summary(r) for k, r in results.items()}, "experiments": results}
    return draw


# figure name -> function(out, full) that writes the file and returns its data (a dict with "path")
FIGURES = {"1": _figure_training("1"), "2": _figure_flow("2"), "3": _figure_flow("3"),
           "4": _figure_training("4"), "approx": _figure_approx}


def _figure(args):
    import json

    out = validation.output_path(args.out, "--out")  # before minutes of computing
    data = FIGURES[args.name](out, args.full)
    fits = data.get("fits", {})
    if args.json:
        runs = [{k: v for k, v in r.items() if k not in ("t", "loss")} for r in data.get("runs", [])]
        print(json.dumps({**{k: v for k, v in data.items() if k != "runs"}, "runs": runs}, indent=2, default=str))
    elif "plateaus" in data:
        print(f"wrote {data['path']} in {data['seconds']:.1f} s; plateau lengths (iterations, mean +- sd, runs "
              f"with a plateau / finite runs, diverged):")
        for k, v in data["plateaus"].items():
            st = v["plateau_length"]
            ms = "n/a" if st["mean"] is None else f"{st['mean']:.0f} +- {st['sd']:.0f}"
            print(f"  {k:<22} {ms:>16}  {v['n_with_plateau']}/{v['n_finite']}  diverged {v['n_diverged']}  "
                  f"{1e3 * v['seconds_per_iteration_per_run']:.3f} ms/iteration/run")
    else:
        print(f"wrote {data['path']}" + ("; fitted slopes against 1/omega: " if fits else "")
              + ", ".join(f"{k} {v['slope']:.4f} +/- {v['se']:.4f}" for k, v in fits.items()))
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line, 'memverify: error: ...', exit status 2 (the
    subcommand parsers inherit this class)."""

    def error(self, message):
        self.exit(2, f"memverify: error: {message}\n")


def build_parser():
    p = _Parser(prog="memverify", description=__doc__)
    p.add_argument("--debug", action="store_true", help="show the traceback of an error (give it before the command)")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="verify the paper's claims and their falsifiers")
    c.add_argument("--only", help="comma-separated claim ids or glob patterns (e.g. 'prop-c.*')")
    c.add_argument("--tier", choices=("fast", "full"), default="fast")
    c.add_argument("--json", action="store_true", help="print the results as JSON")
    c.set_defaults(func=_check)
    d = sub.add_parser("derive", help="print the derived loss, gradient or Hessian")
    d.add_argument("what", choices=("loss", "gradient", "hessian"))
    d.add_argument("--m", type=int, required=True, help="width of the model (>= 1)")
    d.add_argument("--target", help="expsum[:K], bump[:OMEGA] or powerlaw[:ALPHA], the grammar of "
                                    "`landscape --target`; parameters left out stay symbolic (K = 2 "
                                    "by default; no --target: a general target through its Laplace "
                                    "moments M_n)")
    d.add_argument("--latex", action="store_true")
    d.add_argument("--pretty", action="store_true", help="2-D ASCII layout")
    d.set_defaults(func=_derive)
    lc = sub.add_parser("landscape", help="coincided critical affine spaces of J_m for a target (Thm D.1)")
    lc.add_argument("--target", required=True, help="expsum[:K] (default K = 2), bump[:OMEGA], powerlaw[:ALPHA] "
                                                    "or airy[:S0,T0]")
    lc.add_argument("--m", type=int, required=True, help="width of the model (1..6)")
    lc.add_argument("--dps", type=int, default=40, help="digits for the minimisers and spectra (default 40)")
    lc.add_argument("--limit", type=int, default=3, help="spaces listed (with a Hessian spectrum) per d")
    lc.add_argument("--json", action="store_true")
    lc.set_defaults(func=_landscape)
    a = sub.add_parser("approx", help="widths m(omega, eps) of exponential sums for a power-law memory")
    a.add_argument("--target", choices=("powerlaw",), default="powerlaw",
                   help="rho(t) = (1+t)^-(1+omega) (the only choice for now)")
    a.add_argument("--omega", type=float, required=True, help="decay exponent omega > 0")
    a.add_argument("--eps", type=float, required=True, help="relative L1 error tolerance")
    a.add_argument("--routes", default="appendix_b,sinc,best",
                   help="comma-separated among appendix_b, sinc, best")
    a.add_argument("--m-max", type=int, default=4096, help="largest width tried on the Appendix B route")
    a.add_argument("--json", action="store_true", help="print the widths and the sums as JSON")
    a.set_defaults(func=_approx)
    f = sub.add_parser("flow", help="integrate the gradient flow; hitting times tau_loss, tau_param")
    f.add_argument("--target", default="bump", help="bump: a* e^{-w* t} + c0 e^{-(t-1/omega)^2/(2 sigma^2)}")
    f.add_argument("--astar", default="1", help="comma-separated a*_j")
    f.add_argument("--wstar", default="1", help="comma-separated w*_j")
    f.add_argument("--c0", type=float, default=1.0)
    f.add_argument("--sigma", type=float, default=1.0)
    f.add_argument("--omega", required=True, help="omega, or several comma-separated (a sweep)")
    f.add_argument("--a0", required=True, help="comma-separated initial a")
    f.add_argument("--w0", required=True, help="comma-separated initial w")
    f.add_argument("--delta", type=float, required=True)
    f.add_argument("--method", choices=("exact", "fast", "naive"), default="fast")
    f.add_argument("--dps", type=int, help="digits for --method exact (default: chosen from omega and w0)")
    f.add_argument("--rtol", type=float, default=1e-9,
                   help="local error tolerance per step (default 1e-9; README: accuracy of hitting times)")
    f.add_argument("--integrator", choices=("radau", "exprb43"), default="radau",
                   help="Radau IIA (default: few steps through the escape) or exprb43 (cheaper steps)")
    f.add_argument("--no-error-estimate", action="store_true",
                   help="skip the second run at rtol/100 that estimates the error of each hitting time")
    f.add_argument("--max-steps", type=int, default=5000, help="steps per run at most (default 5000)")
    f.add_argument("--scheduler", help="dask scheduler address for a sweep (default: local processes)")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=_flow)
    g = sub.add_parser("figure", help="draw a figure (matplotlib): the paper's Figures 1-4, or approx")
    g.add_argument("name", choices=sorted(FIGURES))
    g.add_argument("--out", required=True, help="output file (png, pdf, svg)")
    g.add_argument("--full", action="store_true", help="the paper's settings (Figures 1, 4) or the larger omega grid (2, 3): minutes, instead of a quick run")
    g.add_argument("--json", action="store_true", help="print the figure's data as JSON")
    g.set_defaults(func=_figure)
    return p


def main(argv=None):
    """Run the command line; the exit status: 0 done, 1 a failure reported (a claim not
    verified, a flow that failed, a precision or environment error), 2 bad arguments.
    Errors print one line 'memverify: error: ...'; --debug shows the traceback instead."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # noqa: BLE001 (one line, never a traceback, unless --debug)
        if args.debug:
            raise
        if isinstance(exc, PrecisionError):
            status, text = 1, str(exc)
        elif isinstance(exc, (ValueError, TypeError)):
            status, text = 2, str(exc)
        else:
            status, text = 1, f"{type(exc).__name__}: {exc}"
        print(f"memverify: error: {' '.join(text.split()) or type(exc).__name__}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
