"""The loss landscape of the diagonal model (Appendices C.2 and D).

- `partitions`: exact counting (`stirling2`, `surjections`, `ordered_bell`: Python
  integers) and `Partition`, Definition C.1's partition of [m] into I_1..I_{m*} and
  I_0 = I_{0,1} u ... u I_{0,i0}, also Theorem D.1's partitions into d blocks (no
  I_0), enumerated by `ordered_partitions` and `mstar_partitions`.
- `points`: the manifold M* of exact fits (Definition C.1, Lemma C.3):
  `point_on_mstar` draws exact rational points of M*_P, `manifold_point` builds the
  point with one neuron per target term and the others switched off at given rates,
  `mstar_partition_of` recognises them; Theorem D.1's d-coincided critical affine
  spaces M_{P,(b,v),(m,d)}: `point_on_coincided_space`.
- `minimiser`: the package's one best-L2 search: `local_minimiser` (a local minimiser
  of J_d from a start; `approximation.best_expsum` uses it for L2) and
  `global_minimiser` (the non-degenerate global minimiser of J_d by continuation in d
  and several starts, each searched the same way).
- `spectrum`: `certified_spectrum`, rigorous enclosures (arb) of a Hessian's
  eigenvalues; `exact_inertia` of a rational matrix.

Indices are 0-based in code and 1-based when printed, as in the paper.
"""

from .minimiser import Minimiser, global_minimiser, local_minimiser
from .partitions import Partition, mstar_partitions, ordered_bell, ordered_partitions, stirling2, surjections
from .points import (exact_fraction, expsum_coefficients, manifold_point, mstar_partition_of,
                     point_on_coincided_space, point_on_mstar)
from .spectrum import Spectrum, certified_spectrum, exact_inertia

__all__ = ["Minimiser", "Partition", "Spectrum", "certified_spectrum", "exact_fraction", "exact_inertia",
           "expsum_coefficients", "global_minimiser", "local_minimiser", "manifold_point", "mstar_partition_of",
           "mstar_partitions", "ordered_bell", "ordered_partitions", "point_on_coincided_space", "point_on_mstar", "stirling2",
           "surjections"]
