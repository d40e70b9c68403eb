"""Evaluation back ends: one sympy expression, three kinds of numbers.

`Precision` says which numbers a computation uses:

- ``Precision()``            float64 (numpy);
- ``Precision(dps=50)``      mpmath ``mpf`` at 50 significant digits;
- ``Precision(dps=50, arb=True)``  python-flint ``arb`` balls at 50 digits,
  whose radii enclose every rounding error (certified);

and gives their arrays and elementwise operations (`precision`).  `compile_exprs`
turns sympy expressions into one callable per kind (`compile`); double-word
arithmetic with error bounds (`doubleword`); one bracketed root finder (`roots`).
"""

from .compile import ExpErfc, ExpUpperGamma, abs_bound, compile_exprs, rounding_bound
from .doubleword import (DD_ADD_BOUND, DD_MUL_BOUND, DD_RECIP_BOUND, DD_U2, dd_add, dd_mul, dd_recip, dd_sum,
                         two_prod, two_sum)
from .precision import KINDS, MAX_DPS, MIN_DPS, Precision, PrecisionError, arb_midpoint, flint_precision, mpf_fraction, to_arb
from .roots import illinois

__all__ = ["DD_ADD_BOUND", "DD_MUL_BOUND", "DD_RECIP_BOUND", "DD_U2", "ExpErfc", "ExpUpperGamma", "KINDS", "MAX_DPS", "MIN_DPS", "Precision",
           "PrecisionError", "abs_bound", "arb_midpoint", "compile_exprs", "dd_add", "dd_mul", "dd_recip", "dd_sum",
           "flint_precision", "illinois", "mpf_fraction", "rounding_bound", "to_arb", "two_prod", "two_sum"]
