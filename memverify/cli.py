"""Command line: ``memverify check`` runs the paper's claims; ``memverify
derive`` prints the closed forms the symbolic core derives."""

from __future__ import annotations

import argparse
import sys
import time


def _check(args):
    from .report import format_table, run_claims, to_json

    start = time.perf_counter()

    def progress(i, n, cid):
        if sys.stderr.isatty() or not args.json:
            print(f"[{i + 1}/{n}] {cid} ...", file=sys.stderr, flush=True)

    patterns = args.only.split(",") if args.only else None
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

    d = derive(args.m)
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


def _floats(text, name):
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated numbers, got {text!r}") from None


def _flow(args):
    import json

    from .flow import flow_spec, run_spec, sweep

    if args.target != "bump":
        raise ValueError(f"--target must be 'bump' (the memory target of eq. 20), got {args.target!r}")
    omegas = _floats(args.omega, "--omega")
    a0, w0 = _floats(args.a0, "--a0"), _floats(args.w0, "--w0")
    specs = [flow_spec(o, a0, w0, args.delta, astar=_floats(args.astar, "--astar"),
                       wstar=_floats(args.wstar, "--wstar"), c0=args.c0, sigma=args.sigma,
                       method=args.method, dps=args.dps) for o in omegas]

    def progress(done, total):
        bar = "#" * (20 * done // total)
        print(f"\r[{bar:<20}] {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    if len(specs) == 1:
        results = [run_spec(specs[0])]
    elif args.scheduler:
        from dask.distributed import Client

        with Client(args.scheduler) as client:
            results = sweep(specs, client=client, progress=progress)
    else:
        results = sweep(specs, progress=progress)
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2, default=str))
    else:
        print(f"{'omega':>10} {'tau_loss':>14} {'tau_param':>14} {'method':>7} {'dps':>4} {'steps':>6} {'seconds':>8}")
        for r in results:
            f = lambda x: "-" if x is None else f"{x:.8g}"  # noqa: E731
            print(f"{r['omega']:>10.4g} {f(r['tau_loss']):>14} {f(r['tau_param']):>14} {r['method']:>7} "
                  f"{str(r['dps']):>4} {r['steps']:>6} {r['seconds']:>8.2f}")
    return 0 if all(r["status"] >= 0 for r in results) else 1


def _figure_2_or_3(which):
    def draw(out):
        from .claims.optimization import draw_figure

        return draw_figure(which, out)
    return draw


FIGURES = {"2": _figure_2_or_3("2"), "3": _figure_2_or_3("3")}


def _figure(args):
    import json

    data = FIGURES[args.which](args.out)
    fits = data.get("fits", {})
    if args.json:
        print(json.dumps({k: v for k, v in data.items() if k != "runs"} |
                         {"runs": [{k: v for k, v in r.items() if k not in ("t", "loss")} for r in data["runs"]]},
                         indent=2, default=str))
    else:
        print(f"wrote {args.out}; fitted slopes against 1/omega: "
              + ", ".join(f"{k} {v['slope']:.4f} +/- {v['se']:.4f}" for k, v in fits.items()))
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line, 'memverify: error: ...', exit status 2 (the
    subcommand parsers inherit this class)."""

    def error(self, message):
        self.exit(2, f"memverify: error: {message}\n")


def build_parser():
    p = _Parser(prog="memverify", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="verify the paper's claims and their falsifiers")
    c.add_argument("--only", help="comma-separated claim ids or glob patterns (e.g. 'prop-c.*')")
    c.add_argument("--tier", choices=("fast", "full"), default="fast")
    c.add_argument("--json", action="store_true", help="print the results as JSON")
    c.set_defaults(func=_check)
    d = sub.add_parser("derive", help="print the derived loss, gradient or Hessian")
    d.add_argument("what", choices=("loss", "gradient", "hessian"))
    d.add_argument("--m", type=int, required=True, help="width of the model (>= 1)")
    d.add_argument("--target", help="expsum:K, bump or powerlaw (default: a general target "
                                    "through its Laplace moments M_n)")
    d.add_argument("--latex", action="store_true")
    d.add_argument("--pretty", action="store_true", help="2-D ASCII layout")
    d.set_defaults(func=_derive)
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
    f.add_argument("--scheduler", help="dask scheduler address for a sweep (default: local processes)")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=_flow)
    g = sub.add_parser("figure", help="draw one of the paper's figures as PNG")
    g.add_argument("which", choices=sorted(FIGURES))
    g.add_argument("--out", required=True, help="PNG path")
    g.add_argument("--json", action="store_true", help="print the figure's data as JSON")
    g.set_defaults(func=_figure)
    return p


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"memverify: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
