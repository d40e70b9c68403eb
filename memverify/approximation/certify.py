"""A certified (arb) upper bound on the L1 error of a sum against a power law
(`certified_l1_bound`)."""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp

from .. import validation
from ..backends import Precision, compile_exprs, to_arb
from ..targets import powerlaw_kernel


# ---------------------------------------------------------------------------
# a certified (arb) upper bound on the L1 error of a sum against a power law


@functools.lru_cache(maxsize=None)
def _powerlaw_derivative(k):
    """d^k/dt^k (1+t)^-alpha, derived by sympy, compiled for arb."""
    rho, (t, alpha) = powerlaw_kernel()
    return compile_exprs([t, alpha], sp.diff(rho, t, k), "arb")


def certified_l1_bound(alpha, a, w, t_end, delta=1e-3, t_first=1e-3, dps=30):
    """An upper bound, certified with ball arithmetic (arb), on
    int_0^inf |(1+t)^-alpha - sum_j a_j e^{-w_j t}| dt  (alpha > 1).

    On cells [c - h/2, c + h/2] (uniform of width t_first on [0, 1], then
    geometric with ratio 1 + delta up to t_end) Taylor's theorem gives
    int_cell |e| <= h |e(c)| + h^2/4 |e'(c)| + h^3/24 sup_cell |e''|, with the
    supremum enclosed by evaluating e'' on the whole cell as a ball; beyond t_end,
    int |e| <= (1+t_end)^(1-alpha)/(alpha-1) + sum_j |a_j| e^{-w_j t_end}/w_j.
    Returns the upper end of the resulting ball (a float rounded up by arb)."""
    import flint
    alpha = validation.real(alpha, "alpha")
    if not alpha > 1:
        raise ValueError(f"alpha must be > 1, got {alpha!r}")
    w = validation.vector(w, "w", positive_entries=True)
    a = validation.vector(a, "a", length=len(w))
    t_end = float(validation.positive(t_end, "t_end"))
    delta = float(validation.positive(delta, "delta"))
    t_first = float(validation.positive(t_first, "t_first"))
    prec = Precision(dps, arb=True)
    with prec.context():
        al = to_arb(alpha)
        A = [to_arb(mpmath.mpf(x)) for x in a]
        Wr = [to_arb(mpmath.mpf(x)) for x in w]
        d0, d1, d2 = (_powerlaw_derivative(k) for k in range(3))
        # cell edges as exact binary floats
        edges = list(np.arange(0.0, min(1.0, t_end), t_first)) + [min(1.0, t_end)]
        x = edges[-1]
        while x < t_end:
            x = min(x * (1 + delta), t_end)
            edges.append(x)
        total = flint.arb(0)
        for lo, hi in zip(edges[:-1], edges[1:]):
            L, H = to_arb(lo), to_arb(hi)
            h = H - L
            c = (L + H) / 2
            ex = [(-wj * c).exp() for wj in Wr]
            e0 = d0(c, al) - sum(aj * x_ for aj, x_ in zip(A, ex))
            e1 = d1(c, al) + sum(aj * wj * x_ for aj, wj, x_ in zip(A, Wr, ex))
            ball = flint.arb((L + H) / 2, (H - L) / 2)   # the whole cell
            e2 = d2(ball, al) - sum(aj * wj * wj * (-wj * ball).exp() for aj, wj in zip(A, Wr))
            total += h * abs(e0) + h * h / 4 * abs(e1) + h ** 3 / 24 * abs(e2)
        T = to_arb(edges[-1])
        tail = (1 + T) ** (1 - al) / (al - 1) + sum(abs(aj) * (-wj * T).exp() / wj for aj, wj in zip(A, Wr))
        total += tail
        return float(total.upper())
