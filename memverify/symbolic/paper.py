"""The paper's printed formulas, written as sympy expressions exactly as the
ICLR text states them (equation numbers from the text), so that claims can
prove them equal to the derivation in `memverify.symbolic.loss`, or refute them.

Notation: a, w are the model's parameters (tuples of symbols), a*, w* those of
the exponential-sum part rho_bar of the memory target (eq. 20).  `delta` is the
sympy function standing for the paper's Delta_{n,omega}: eq. 80 defines it with
|rho_{0,omega}| (`AbsTemplateMoment`); the signed reading is `TemplateMoment`.
"""

from __future__ import annotations

import sympy as sp

from .loss import AbsTemplateMoment, model, rho, t


def _inner(a, w, astar, wstar, k, power):
    """sum_i a_i / (w_k + w_i)^p - sum_j a*_j / (w_k + w*_j)^p, the bracket of eqs. 89-99."""
    return (sp.Add(*[ai / (w[k] + wi) ** power for ai, wi in zip(a, w)])
            - sp.Add(*[aj / (w[k] + wj) ** power for aj, wj in zip(astar, wstar)]))


def eq19_dJ_dw(a, w, k):
    """Eq. 19: dJ/dw_k = 2 a_k int_0^inf (-t) e^{-w_k t} (rho_hat(t) - rho(t)) dt (unevaluated)."""
    return 2 * a[k] * sp.Integral((-t) * sp.exp(-w[k] * t) * (model(a, w) - rho(t)), (t, 0, sp.oo))


def prop_c2_gradient(a, w, astar, wstar, delta=AbsTemplateMoment):
    """Eqs. 89-90 (proof of Proposition C.2): (dJ/da_k, ..., dJ/dw_k, ...)."""
    m = len(a)
    da = [2 * _inner(a, w, astar, wstar, k, 1) - 2 * delta(0, w[k]) for k in range(m)]
    dw = [-2 * a[k] * _inner(a, w, astar, wstar, k, 2) + 2 * a[k] * delta(1, w[k]) for k in range(m)]
    return tuple(da + dw)


def prop_c3_hessian(a, w, astar, wstar, delta=AbsTemplateMoment):
    """Eqs. 94-99 (proof of Proposition C.3): the Hessian of J_omega, order (a, w)."""
    m = len(a)
    H = sp.zeros(2 * m, 2 * m)
    for k in range(m):
        for j in range(m):
            H[k, j] = 2 / (w[k] + w[j])                                            # eq. 94
            if k != j:
                H[k, m + j] = -2 * a[j] / (w[k] + w[j]) ** 2                       # eq. 95
                H[m + k, m + j] = 4 * a[k] * a[j] / (w[k] + w[j]) ** 3             # eq. 98
        H[k, m + k] = (-2 * _inner(a, w, astar, wstar, k, 2) - a[k] / (2 * w[k] ** 2)
                       + 2 * delta(1, w[k]))                                       # eq. 96-97
        H[m + k, m + k] = (4 * a[k] * _inner(a, w, astar, wstar, k, 3) + a[k] ** 2 / (2 * w[k] ** 3)
                           - 2 * a[k] * delta(2, w[k]))                            # eq. 99
    for k in range(m):
        for j in range(m):
            H[m + j, k] = H[k, m + j]
    return sp.ImmutableMatrix(H)


def prop_c3_E(a, w, delta=AbsTemplateMoment):
    """E_omega of the proof of Proposition C.3: [[0, Diag(Delta_1)], [Diag(Delta_1), -Diag(a o Delta_2)]]."""
    m = len(a)
    d1 = sp.diag(*[delta(1, wk) for wk in w])
    d2 = sp.diag(*[ak * delta(2, wk) for ak, wk in zip(a, w)])
    return sp.ImmutableMatrix(sp.BlockMatrix([[sp.zeros(m, m), d1], [d1, -d2]]).as_explicit())


def thm_d3_entries(a, w):
    """Theorem D.3's proof (eqs. 137-139), for a general target rho, as
    {(row, col): expression} with unevaluated integrals: d2J/da_k da_l,
    d2J/da_k dw_l (k != l) and d2J/da_k dw_k."""
    m = len(a)
    out = {}
    for k in range(m):
        for l in range(m):
            out[(k, l)] = 2 / (w[k] + w[l])
            if k != l:
                out[(k, m + l)] = -2 * a[l] / (w[k] + w[l]) ** 2
        out[(k, m + k)] = -a[k] / (2 * w[k] ** 2) + 2 * sp.Integral(
            (-t) * sp.exp(-w[k] * t) * (model(a, w) - rho(t)), (t, 0, sp.oo))
    return out


def thm_d3_critical_entry(a, w, k):
    """Theorem D.3: on a d-coincided critical affine space, d2J/da_k dw_k = -a_k / (2 w_k^2)."""
    return -a[k] / (2 * w[k] ** 2)
