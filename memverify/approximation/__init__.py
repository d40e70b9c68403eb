"""Section 4 and Appendices A-B: exponential sums that approximate a target kernel.

A width-m diagonal linear RNN has kernel phi(t) = sum_j a_j e^{-w_j t}; the
approximation error of the functional equals ||rho - phi||_{L1[0, inf)}
(proof of Thm 4.1).  This module builds such sums in four ways:

- `lemma_a2_expsum`: Lemma A.2 / Thm 4.1, rates w_j = j (W = -diag(1..m)),
  coefficients from the L2[0, inf) projection (the Gram matrix 1/(w_i + w_j)
  and the target's Laplace transform), a polynomial p(u) = sum_j a_j u^j with
  p(0) = 0 in u = e^{-t};
- `thm42_expsum`: Thm 4.2's Jackson route (Appendix B), rates w_j = j beta/(alpha+1),
  coefficients from the Chebyshev interpolant (near-best in L-infinity) of
  q(s) = rho(-(alpha+1) log(s)/beta)/s on [0, 1];
- `appendix_b_route`: the same for the time-truncated power law of eqs. 64-71
  (beta = 2/T), evaluated through the change of variables of eq. 60 so that
  widths of thousands stay computable;
- `sinc_expsum`: the trapezoidal (sinc) rule in x = log s for
  (1+t)^-alpha = Gamma(alpha)^-1 int_0^inf s^(alpha-1) e^{-s(1+t)} ds;
- `best_expsum`: numerically best sums in L1, L2 or L-infinity (see there).

Errors come from `expsum_error`: the L1 norm is computed exactly up to
rounding from the sign changes of the error and the primitives of rho and phi
(no quadrature of |.|); precision is a parameter (dps=None: float64 numpy;
dps=n: mpmath at n digits).

The grid that finds the error's sign changes covers the target as well as the sum: the
rates of its exponential part and the window of its template's mass (from the template's
Laplace moments), so a memory bump at t = 1/omega is seen however far it is.  Every entry
point checks its arguments before any work and states its limits (widths, dps, maxiter,
the range of omega and eps) in its docstring; float64 that cannot hold a grid hands over to
mpmath and converts back, or raises PrecisionError naming dps=....

One concern per file: `result` (ExpSumApprox), `errors` (expsum_error and the
norms), `constructions` (Lemma A.2, Thm 4.2, Appendix B), `sinc`, `best`
(best_expsum), `remez` (L-infinity), `widths` (best_width, curse_of_memory_row),
`certify` (certified_l1_bound).
"""

from .result import ExpSumApprox, NORMS
from .errors import N_dtype, expsum_error
from .constructions import (appendix_b_expsum, appendix_b_route, chebyshev_points, condition_13_gamma, cutoff,
                            cutoff_polynomial, lemma_a2_expsum, polynomial_route_expsum, projection_expsum,
                            thm42_expsum, thm42_q, truncated_powerlaw)
from .sinc import appendix_b_width, sinc_expsum, sinc_width
from .best import best_expsum
from .remez import certify_alternation, remez_expsum
from .widths import best_width, curse_of_memory_row
from .certify import certified_l1_bound
from ..targets import ExpSum, PowerLaw, Target, powerlaw_kernel, powerlaw_primitive  # noqa: F401  (re-exported)

__all__ = ["ExpSum", "ExpSumApprox", "NORMS", "N_dtype", "PowerLaw", "Target", "appendix_b_expsum", "appendix_b_route",
           "appendix_b_width", "best_expsum", "best_width", "certified_l1_bound", "certify_alternation",
           "chebyshev_points", "condition_13_gamma", "curse_of_memory_row", "cutoff", "cutoff_polynomial",
           "expsum_error", "lemma_a2_expsum", "polynomial_route_expsum", "powerlaw_kernel", "powerlaw_primitive",
           "projection_expsum", "remez_expsum", "sinc_expsum", "sinc_width", "thm42_expsum", "thm42_q",
           "truncated_powerlaw"]
