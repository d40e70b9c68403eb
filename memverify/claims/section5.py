"""Section 5: the gradient of the simplified loss (eq. 19)."""

from __future__ import annotations

from ..symbolic import derive, reduce_integrals
from ..symbolic.paper import eq19_dJ_dw
from .tools import GENERAL_M_NOTE, refute_at_witness, residual, witness_model
from .base import Claim, Falsifier, Verdict

_VARIANTS = {
    "printed": lambda e, a, k: e,
    "sign-flipped": lambda e, a, k: -e,
    "a_k-dropped": lambda e, a, k: e / a[k],
}


def verify_eq19(max_width=6, variant="printed"):
    """Eq. 19 against the derived dJ/dw_k, for every k and every width m <= max_width."""
    if variant not in _VARIANTS:
        raise ValueError(f"variant must be one of {sorted(_VARIANTS)}, got {variant!r}")
    for m in range(1, max_width + 1):
        d = derive(m)
        for k in range(m):
            paper = _VARIANTS[variant](eq19_dJ_dw(d.a, d.w, k), d.a, k)
            r = residual(reduce_integrals(paper) - d.gradient[m + k])
            if r != 0:
                return refute_at_witness(r, f"m={m}, k={k + 1}: paper minus derived", witness_model(d),
                                         extra={"variant": variant, "m": m, "k": k + 1})
    return Verdict("proved", f"eq. 19 equals the derived dJ/dw_k for every k and every width m <= {max_width}",
                   {"variant": variant, "scope": f"every width m <= {max_width}, every k",
                    "general_m": GENERAL_M_NOTE,
                    "derived_m2": [str(g) for g in derive(2).gradient[2:]]})


CLAIMS = [
    Claim(
        id="eq-19",
        section="5",
        statement="The gradient of J(a, w) = int_0^inf (sum_i a_i e^{-w_i t} - rho(t))^2 dt in w_k is "
                  "dJ/dw_k = 2 a_k int_0^inf (-t) e^{-w_k t} (sum_i a_i e^{-w_i t} - rho(t)) dt (eq. 19), "
                  "for any target rho.",
        verify=verify_eq19,
        params={"max_width": 6},
        full_params={"max_width": 8},
        falsifiers=(
            Falsifier("sign of the integral flipped", {"variant": "sign-flipped"}),
            Falsifier("factor a_k dropped", {"variant": "a_k-dropped"}),
        ),
    ),
]
