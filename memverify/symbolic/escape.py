"""The escape from a switched-off start on M* (m = 2, m* = 1): a reduced
slow-variable model of the gradient flow (eq. 21) that gives the sharp
exponent of Theorem 5.1 / C.1 for this start (sympy only, nothing numeric).

Setting.  Target rho_omega = a* e^{-w* t} + rho_0(t - 1/omega) (eq. 20), start
theta_0 = (a*, 0; w*, v) on M* (Definition C.1): neuron 2 switched off
(a_2 = 0) with rate v != w*.  Write M_n(w) = int_0^inf t^n e^{-wt}
rho_0(t - 1/omega) dt for the template's moments (the signed moments of
Lemma C.1, eq. 80); for sub-Gaussian templates M_n(w) = k(w) nu(w)^n e^{-w/omega}
(1 + o(1)) with nu ~ 1/omega (Gaussian: k = sqrt(2 pi) e^{w^2/2}, nu = 1/omega - w).

Fast variables.  x = (da_1, dw_1, a_2): the model moves along
phi = (e^{-w* t}, -a* t e^{-w* t}, e^{-v t}), whose Gram matrix G is O(1)
and positive definite, so x relaxes in tau = O(1) to the least-squares fit
G x = b of the template, b = (M_0(w*), -a* M_1(w*), M_0(v)): x = O(e^{-w_min/omega}).

Slow variable.  v = w_2: dJ/dw_2 carries the factor a_2 (eq. 19), so
    dv/dtau = -dJ/dw_2 = 2 a_2 int t e^{-vt} r dt,   r = sum_i x_i phi_i - rho_0(. - 1/omega),
i.e. F(v) = 2 x_3 (h . x - M_1(v)) with h_i = <t e^{-vt}, phi_i>.  With
E1 = e^{-w*/omega} and E2 = e^{-v/omega}, F is a quadratic form
A11 E1^2 + A12 E1 E2 + A22 E2^2: the slow drift carries two exponentially small
factors (a_2 and the moment), so tau_param ~ delta / |F| grows like
e^{2 min(w*, v)/omega}: the exponent is 2 w_min, twice the theorem's w0_l <= w_min.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

__all__ = ["SwitchedOffDrift", "switched_off_drift", "escape_exponent"]


@dataclass(frozen=True)
class SwitchedOffDrift:
    """The reduced model (sympy expressions in `symbols`).

    symbols: dict name -> Symbol (astar, wstar, v, E1, E2, k1, k2, nu1, nu2;
    M_0(w*) = k1 E1, M_1(w*) = k1 nu1 E1, M_0(v) = k2 E2, M_1(v) = k2 nu2 E2);
    gram: G (3x3); hvec: h (3x1); rhs: b; fast: x = G^{-1} b; drift: F = dv/dtau;
    A11, A12, A22: the coefficients of E1^2, E1 E2, E2^2 in F;
    lead11, lead22: the leading terms of A11 in nu1 (large nu1 = 1/omega) and of
    A22 in nu2; degree11, degree22: their degrees (the power of 1/omega)."""

    symbols: dict
    gram: sp.Matrix
    hvec: sp.Matrix
    rhs: sp.Matrix
    fast: sp.Matrix
    drift: sp.Expr
    A11: sp.Expr
    A12: sp.Expr
    A22: sp.Expr
    lead11: sp.Expr
    lead22: sp.Expr
    degree11: int
    degree22: int


@functools.lru_cache(maxsize=1)
def switched_off_drift():
    """Derive the reduced model above: the Gram matrix and the moments h by
    sympy's integrate from the basis functions (not retyped), the fast
    equilibrium by solving G x = b, and the drift's quadratic form in
    (E1, E2).  Returns a `SwitchedOffDrift`."""
    t = sp.Symbol("t", positive=True)
    astar, wstar, v = sp.symbols("a_star w_star v", positive=True)
    E1, E2, k1, k2, nu1, nu2 = sp.symbols("E1 E2 k1 k2 nu1 nu2", positive=True)
    phi = [sp.exp(-wstar * t), -astar * t * sp.exp(-wstar * t), sp.exp(-v * t)]

    def inner(f, g):
        return sp.factor(sp.integrate(sp.expand(f * g), (t, 0, sp.oo), conds="none"))

    G = sp.Matrix(3, 3, lambda i, j: inner(phi[i], phi[j]))
    h = sp.Matrix([inner(t * sp.exp(-v * t), p) for p in phi])
    b = sp.Matrix([k1 * E1, -astar * k1 * nu1 * E1, k2 * E2])
    x = G.LUsolve(b).applyfunc(sp.cancel)
    F = sp.expand(2 * x[2] * ((h.T * x)[0] - k2 * nu2 * E2))
    poly = sp.Poly(F, E1, E2)
    A11 = sp.factor(poly.coeff_monomial(E1**2))
    A12 = sp.factor(poly.coeff_monomial(E1 * E2))
    A22 = sp.factor(poly.coeff_monomial(E2**2))
    # any other monomial would break the quadratic-form statement
    if set(poly.monoms()) - {(2, 0), (1, 1), (0, 2)}:
        raise ArithmeticError(f"drift is not a quadratic form in (E1, E2): monomials {poly.monoms()}")
    p11 = sp.Poly(sp.numer(sp.together(A11)), nu1)
    p22 = sp.Poly(sp.numer(sp.together(A22)), nu2)
    lead11 = sp.factor(p11.LC() * nu1**p11.degree() / sp.denom(sp.together(A11)))
    lead22 = sp.factor(p22.LC() * nu2**p22.degree() / sp.denom(sp.together(A22)))
    syms = {"astar": astar, "wstar": wstar, "v": v, "E1": E1, "E2": E2, "k1": k1, "k2": k2, "nu1": nu1, "nu2": nu2,
            "t": t}
    return SwitchedOffDrift(syms, G, h, b, x, F, A11, A12, A22, lead11, lead22, p11.degree(), p22.degree())


def escape_exponent(wstar, v):
    """The reduced model's exponent of tau_param for the switched-off start
    (a*, 0; w*, v): {'c': 2 min(w*, v), 'dominant': 'E1^2' (v > w*: the matched
    neuron's moments feed a_2) or 'E2^2' (v < w*: the switched-off neuron's own
    moment), 'p': the predicted power in log tau = c/omega + p log omega + q,
    'lead': the leading term (str)}.  p: tau ~ 1/(|F| ...): for v > w* the drift
    is ~ nu1^2 E1^2 and hardly depends on v, p = degree11; for v < w* it is
    ~ nu2 E2^2 and grows like e^{2 (v0 - v)/omega} as v falls, so the time to
    move by delta is 1/(|F(v0)| 2/omega): p = degree22 + 1."""
    wstar = sp.nsimplify(wstar)
    v = sp.nsimplify(v)
    if not (wstar > 0 and v > 0):
        raise ValueError(f"wstar and v must be > 0, got {wstar}, {v}")
    if wstar == v:
        raise ValueError("v must differ from wstar (v = w* is the split space, not a switched-off start)")
    d = switched_off_drift()
    if v > wstar:
        lead, p, which = d.lead11, d.degree11, "E1^2"
    else:
        lead, p, which = d.lead22, d.degree22 + 1, "E2^2"
    s = d.symbols
    lead_here = sp.simplify(lead.subs({s["wstar"]: wstar, s["v"]: v}))
    if lead_here == 0:
        raise ArithmeticError(f"the leading coefficient vanishes at w* = {wstar}, v = {v}: the exponent is larger")
    return {"c": float(2 * min(wstar, v)), "dominant": which, "p": int(p), "lead": str(lead_here)}
