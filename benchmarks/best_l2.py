"""Best L2 exponential sums (`best_expsum(norm='L2')`, through landscape.local_minimiser):
the error and the time per target and width, from the default start.  Run side by side
with an older checkout on PYTHONPATH to compare.

    python benchmarks/best_l2.py
"""

import time

import mpmath

from memverify.approximation import best_expsum
from memverify.targets import ExpSum, MemoryBump, PowerLaw

CASES = [(PowerLaw(2), 2), (PowerLaw(2), 3), (PowerLaw(3), 4), (PowerLaw(3), 8), (PowerLaw(1.5), 5),
         (ExpSum([1.0, -0.5, 0.3], [1.0, 3.0, 0.2]), 2), (MemoryBump(ExpSum([1.0], [1.0]), omega=0.1), 2),
         (MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 60), 2), (MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 100), 2)]

if __name__ == "__main__":
    for target, m in CASES:
        t = time.perf_counter()
        r = best_expsum(target, m, "L2", dps=30)
        print(f"{target.spec()}, m = {m}: L2 error {mpmath.nstr(r.error, 8)}, status {r.status}, "
              f"{time.perf_counter() - t:.1f} s", flush=True)
