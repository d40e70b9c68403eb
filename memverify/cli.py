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
