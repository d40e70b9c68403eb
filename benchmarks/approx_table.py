"""The m(omega, eps) table of eq. 16 on the full grid, with timings.

    python benchmarks/approx_table.py [--json out.json]

For rho = (1+t)^-(1+omega), omega in {1, 1/2, 1/4, 1/8, 1/16}, relative L1 error
eps in {1e-2, 1e-3}: the paper's bound shape omega eps^(-1/omega), and the width m
and slowest rate w_min reached by (a) the Appendix B route (searched up to m = 4096),
(b) the sinc-quadrature sum, (c) the best sum found (BFGS on the L1 error from the best
sinc sum of each width; bisection in m)."""

import argparse
import json
import time

from memverify.approximation import curse_of_memory_row


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json")
    args = p.parse_args()
    rows, t_all = [], time.perf_counter()
    print("| omega | eps | omega eps^(-1/omega) | m App. B | m sinc | m best | w_min App. B | w_min sinc | w_min best | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for eps in (1e-2, 1e-3):
        for omega in (1.0, 0.5, 0.25, 0.125, 0.0625):
            t0 = time.perf_counter()
            r = curse_of_memory_row(omega, eps)
            rows.append(r)
            ab = r["appendix_b"]
            m_ab = ab["m"] if ab["m"] is not None else f"> {ab['m_lower']}"
            print(f"| {omega:g} | {eps:g} | {r['bound_shape']:.3g} | {m_ab} | {r['sinc']['m']} | {r['best']['m']} "
                  f"| {ab['w_min']:.3g} | {r['sinc']['w_min']:.3g} | {r['best']['w_min']:.3g} "
                  f"| {time.perf_counter() - t0:.1f} |", flush=True)
    print(f"\ntotal {time.perf_counter() - t_all:.1f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, default=float)


if __name__ == "__main__":
    main()
