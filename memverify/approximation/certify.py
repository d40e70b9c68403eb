"""A certified (arb) upper bound on the L1 error of a sum against a power law
(`certified_l1_bound`)."""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from .. import validation
from ..backends import Precision, PrecisionError, compile_exprs, to_arb
from ..targets import powerlaw_kernel
from .errors import check_sum

CELLS_WORK_MAX = 5e6   # cells x (terms + 1) x dps/30 of the arb sweep (6756 cells x 9 at 30 digits: 0.1 s)


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
    Returns the upper end of the resulting ball (a float rounded up by arb).

    Limits: alpha > 1 finite; at most 4096 terms; t_end > 0 finite; delta in (0, 1);
    t_first in (0, 1]; 15 <= dps <= 10000; the number of cells (about
    min(1, t_end)/t_first + log(t_end)/log(1 + delta)) times (terms + 1) times dps/30 at
    most CELLS_WORK_MAX = 5e6.  A bound beyond float64's range raises PrecisionError."""
    import flint
    alpha = validation.real(alpha, "alpha")
    if not alpha > 1:
        raise ValueError(f"alpha must be > 1, got {alpha!r}")
    a, w = check_sum(a, w)
    t_end = float(validation.positive(t_end, "t_end"))
    delta = float(validation.tolerance(delta, "delta"))
    t_first = float(validation.positive(t_first, "t_first"))
    if t_first > 1:
        raise ValueError(f"t_first must be in (0, 1], got {t_first!r}")
    dps = validation.digits(dps)
    cells = min(1.0, t_end) / t_first + (math.log(t_end) / math.log1p(delta) if t_end > 1 else 0)
    if not cells * (len(w) + 1) * max(1.0, dps / 30) <= CELLS_WORK_MAX:
        raise ValueError(f"the bound would sweep {cells:.3g} cells for {len(w)} terms at dps={dps}: cells x (terms + 1) "
                         f"x dps/30 must be <= {CELLS_WORK_MAX:g}; take a larger delta or t_first, or a smaller t_end")
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
        out = float(total.upper())
        if not math.isfinite(out):
            raise PrecisionError(f"the bound ({total.upper().str(5)}) is beyond float64's range")
        return out
