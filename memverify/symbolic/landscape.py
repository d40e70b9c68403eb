"""Symbolic structures of the landscape: substitutions that place the derived
J, grad J and Hess J on M*_P (Definition C.1) or on a coincided affine space
M_{P,(b,v),(m,d)} (Theorem D.1), the critical conditions of J_d solved for the
target's moments, and Appendix D.1.3's Hessian on the line M_{(a_hat,w_hat),(2,1)}."""

from __future__ import annotations

import functools

import sympy as sp

from .loss import Moment, TemplateMoment, derive, expsum_moment, model, norm_symbol, reduce_integrals, t


def on_mstar(d, partition, astar, wstar):
    """Substitution placing the parameters of `d` (a LossDerivation) on M*_P:
    w_i = w*_j and the last a_i of I_j = a*_j minus the others; on I_{0,r},
    w_i = v_r (a fresh positive symbol) and the last a_i = minus the others.
    Returns (substitution, [v_1..v_i0])."""
    sub, vs = {}, []
    for j, block in enumerate(partition.blocks):
        for i in block:
            sub[d.w[i]] = wstar[j]
        sub[d.a[block[-1]]] = astar[j] - sp.Add(*[d.a[i] for i in block[:-1]])
    for r, block in enumerate(partition.zero_blocks):
        v = sp.Symbol(f"v_{r + 1}", positive=True)
        vs.append(v)
        for i in block:
            sub[d.w[i]] = v
        sub[d.a[block[-1]]] = -sp.Add(*[d.a[i] for i in block[:-1]])
    return sub, vs


def on_coincided_space(d, partition, b, v):
    """Substitution placing the parameters of `d` on M_{P,(b,v),(m,d)}: w_i = v_s and
    sum_{i in I_s} a_i = b_s (the last a_i of each block is solved for)."""
    sub = {}
    for s, block in enumerate(partition.blocks):
        for i in block:
            sub[d.w[i]] = v[s]
        sub[d.a[block[-1]]] = b[s] - sp.Add(*[d.a[i] for i in block[:-1]])
    return sub


def reduced_parameters(d):
    """Symbols (b_1..b_d) real, (v_1..v_d) positive, and grad J_d in them (order b, v)."""
    dd = derive(d)
    b = sp.symbols(f"b_1:{d + 1}", real=True)
    v = sp.symbols(f"v_1:{d + 1}", positive=True)
    rename = {**dict(zip(dd.a, b)), **dict(zip(dd.w, v))}
    return b, v, tuple(g.xreplace(rename) for g in dd.gradient)


def critical_moments(b, v):
    """grad J_d(b, v) = 0 solved for the target's moments (valid where b_s != 0):
    M_0(v_s) = sum_j b_j/(v_s + v_j) and M_1(v_s) = sum_j b_j/(v_s + v_j)^2, i.e. the
    Laplace transform and its derivative match those of sum_j b_j e^{-v_j t}
    (the generalised Aigrain-Williams equations of Theorem D.4)."""
    dd = derive(len(b))
    rename = {**dict(zip(dd.a, b)), **dict(zip(dd.w, v))}
    grad = [g.xreplace(rename) for g in dd.gradient]
    out = {}
    for s in range(len(b)):
        g_b, g_v = grad[s], grad[len(b) + s]
        m0, m1 = Moment(0, v[s]), Moment(1, v[s])
        out[m0] = sp.solve(g_b, m0)[0]
        out[m1] = sp.solve(g_v / b[s], m1)[0]
    return out


def memory_norm(astar, wstar, n0):
    """||rho_bar + rho_{0,omega}||^2 = ||rho_bar||^2 + 2 sum_j a*_j T_0(w*_j) + ||rho_{0,omega}||^2,
    with T_n the signed template moment and `n0` the symbol for ||rho_{0,omega}||^2."""
    bar = reduce_integrals(sp.Integral(sp.expand(model(astar, wstar) ** 2), (t, 0, sp.oo)))
    return bar + 2 * sp.Add(*[aj * TemplateMoment(0, wj) for aj, wj in zip(astar, wstar)]) + n0


def memory_specialise(expr, astar, wstar, n0=None, template=TemplateMoment):
    """`expr` (from `derive`) for the memory target rho_bar + rho_{0,omega}: each Moment
    splits into the exponential-sum moment plus `template(n, x)` (None: rho_bar alone),
    and N becomes `memory_norm` (or ||rho_bar||^2 when template is None)."""
    def rep(n, x):
        out = expsum_moment(int(n), x, astar, wstar)
        return out if template is None else out + template(n, x)
    out = expr.replace(lambda e: type(e) is Moment, lambda e: rep(*e.args))
    if template is None:
        norm = reduce_integrals(sp.Integral(sp.expand(model(astar, wstar) ** 2), (t, 0, sp.oo)))
    else:
        norm = memory_norm(astar, wstar, n0)
    return out.xreplace({norm_symbol: norm})


# ---------------------------------------------------------------------------
# Appendix D.1.3: J_2 on the line {(a_1, a_hat - a_1, w_hat, w_hat)}

a_hat, w_hat = sp.Symbol("ahat", real=True), sp.Symbol("what", positive=True)
a_1 = sp.Symbol("a_1", real=True)
c_hat = sp.Symbol("c", real=True)  # c(w_hat) of Appendix D.1.3


@functools.lru_cache(maxsize=None)
def line_hessian():
    """A(a_1) = Hess J_2(a_1, a_hat - a_1, w_hat, w_hat) (Prop. D.1), from the derived
    Hessian, for a general target: (a_hat, w_hat) critical for J_1 fixes
    M_0(w_hat) = a_hat/(2 w_hat) and M_1(w_hat) = a_hat/(4 w_hat^2), and
    c(w_hat) := (1/2) int_0^inf t^2 e^{-w_hat t}(a_hat e^{-w_hat t} - rho(t)) dt
    = a_hat/(8 w_hat^3) - M_2(w_hat)/2 names the one moment left."""
    d = derive(2)
    sub = {d.a[0]: a_1, d.a[1]: a_hat - a_1, d.w[0]: w_hat, d.w[1]: w_hat}
    moments = {Moment(0, w_hat): a_hat / (2 * w_hat), Moment(1, w_hat): a_hat / (4 * w_hat**2),
               Moment(2, w_hat): a_hat / (4 * w_hat**3) - 2 * c_hat}
    H = d.hessian.xreplace(sub).xreplace(moments)
    return sp.ImmutableMatrix(H.applyfunc(sp.cancel))


def line_congruence():
    """The unimodular T with T^T A(a_1) T = diag(1/w_hat, 0) (+) A_tilde(a_1): subtract
    the first a-row/column from the second, then clear the w-entries of the first
    row/column.  Returns (T, T^T A T, A_tilde)."""
    A = line_hessian()
    T = sp.eye(4)
    T[0, 1] = -1                             # e_2 - e_1: rows 1 and 2 of A coincide
    a2 = a_hat - a_1
    T[0, 2] = a_1 / (2 * w_hat)              # clear the (1, w_1) entry
    T[0, 3] = a2 / (2 * w_hat)               # clear the (1, w_2) entry
    B = (T.T * A * T).applyfunc(sp.cancel)
    return sp.ImmutableMatrix(T), sp.ImmutableMatrix(B), sp.ImmutableMatrix(B[2:, 2:])


def two_term_optimality():
    """For rho = a*_1 e^{-w*_1 t} + a*_2 e^{-w*_2 t} and (a_hat, w_hat) critical for J_1:
    the coefficients a*_1, a*_2 solved from the two optimality conditions, in terms
    of u_j = w_hat + w*_j; and c(w_hat) for this target.  Returns (u1, u2, a1s, a2s, c)."""
    u1, u2 = sp.symbols("u_1 u_2", positive=True)
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    L0 = x1 / u1 + x2 / u2            # M_0(w_hat) = L[rho](w_hat)
    L1 = x1 / u1**2 + x2 / u2**2      # M_1(w_hat)
    sol = sp.solve([L0 - a_hat / (2 * w_hat), L1 - a_hat / (4 * w_hat**2)], [x1, x2], dict=True)[0]
    a1s, a2s = sp.factor(sol[x1]), sp.factor(sol[x2])
    c = sp.factor(a_hat / (8 * w_hat**3) - (a1s / u1**3 + a2s / u2**3))  # M_2/2 = sum a*_j/u_j^3
    return u1, u2, a1s, a2s, c


__all__ = ["a_1", "a_hat", "c_hat", "critical_moments", "line_congruence", "line_hessian", "memory_norm",
           "memory_specialise", "on_coincided_space", "on_mstar", "reduced_parameters", "two_term_optimality",
           "w_hat"]

