"""Target kernels rho(t) and their Laplace moments.

Every target provides, at the precision asked (see `memverify.backends`):

- ``rho(t)``: the kernel itself;
- ``moment(n, s)``: the Laplace moment M_n(s) = int_0^inf t^n e^{-st} rho(t) dt;
- ``norm2()``: the squared L2 norm ||rho||^2 = int_0^inf rho(t)^2 dt;

and, for library code that already holds a `backends.Precision` and numbers of its
kind, the same at that precision (``rho_in``, ``moment_in``, ``norm2_in``).

Closed forms are derived with sympy (`closed_forms`); the Airy kernel has no closed
form for its moments and uses quadrature (mpmath; rigorous with python-flint).

No method returns NaN or inf: a float64 result that overflows is evaluated again in
mpmath and rounded back, and a value beyond float64's range raises PrecisionError
naming dps=...  The work is bounded by stated limits, each in its class's docstring:
moment orders (ExpSum 1000, MemoryBump 12, PowerLaw 8, Airy 20), PowerLaw's alpha
<= 1000 and working digits <= 1500, Airy's pieces of quadrature <= 64 and digits.
Files: closed_forms (the derivations), base (Target), expsum, bump (MemoryBump),
powerlaw, airy, spec (the spec grammar), templates (Lemma C.1's sign-changing template).
"""

from .airy import Airy
from .base import Target
from .bump import MemoryBump
from .closed_forms import (alpha_sym, exp_pair_integral, exp_term_moment, gaussian_moment,
                           gaussian_moment0_integrate, gaussian_norm2, mu_sym, powerlaw_integral,
                           powerlaw_kernel, powerlaw_moment, powerlaw_moment0_integrate,
                           powerlaw_norm2, powerlaw_primitive, powerlaw_tail, s, sigma_sym, t,
                           w2_sym, w_sym)
from .expsum import ExpSum
from .powerlaw import PowerLaw
from .spec import SPEC_GRAMMAR, SPEC_HELP, parse_spec, parse_target
from .templates import sign_changing_template_moments

__all__ = ["Target", "ExpSum", "MemoryBump", "PowerLaw", "Airy", "parse_target", "parse_spec",
           "SPEC_GRAMMAR", "SPEC_HELP", "exp_term_moment", "exp_pair_integral", "gaussian_moment",
           "gaussian_moment0_integrate", "gaussian_norm2", "powerlaw_kernel", "powerlaw_moment",
           "powerlaw_moment0_integrate", "powerlaw_tail", "powerlaw_primitive", "powerlaw_integral",
           "powerlaw_norm2", "sign_changing_template_moments", "t", "s", "w_sym", "w2_sym", "mu_sym", "sigma_sym", "alpha_sym"]
