"""The residual form of grad J and Hess J, used by the float64 flow.

On the manifold M* the model rho_hat(t; a, w) equals the exponential-sum part of
the target, so the residual moments

    R_n(s) = int_0^inf t^n e^{-st} (rho_hat(t; a, w) - rho(t)) dt

are tiny (about e^{-w/omega}) while the terms that make them up are O(1): in
float64 that cancellation drowns the gradient near 1/omega = 35.  grad J and
Hess J depend on the target only through its moments M_n(w_k), n = 0, 1, 2;
`residual_form(m)` writes them in terms of a, w and the symbols R_n(w_k), by
substituting M_n(w_k) = (model moment) - R_n(w_k) into `derive(m)` (the model
moment from targets.exp_term_moment, not retyped).  The flow then computes each
R_n(w_k) without cancellation: its exponential part exactly (rationals), the
template's moment in float64 (flow.problems.OffsetProblem).

`prove_residual_form(m)` proves with sympy that putting R_n(w_k) back as model
moment minus target moment gives derive(m)'s gradient and Hessian, entry by entry.
"""

from __future__ import annotations

import functools

import sympy as sp

from .. import validation
from ..targets import exp_term_moment, s, w_sym as _w
from .loss import Moment, derive

@functools.lru_cache(maxsize=None)
def residual_symbols(m):
    """Symbols R{n}_{k} standing for R_n(w_k), n = 0, 1, 2, k = 1..m."""
    m = validation.width(m)
    return tuple(tuple(sp.Symbol(f"R{n}_{k + 1}") for k in range(m)) for n in range(3))


def _model_moment(n, x, a, w):
    """M_n(x) of the model sum_i a_i e^{-w_i t}."""
    return sp.Add(*[ai * exp_term_moment(n).xreplace({s: x, _w: wi}) for ai, wi in zip(a, w)])


@functools.lru_cache(maxsize=None)
def residual_form(m):
    """(gradient, hessian) of J in terms of a, w and R_n(w_k): derive(m) with
    every target moment M_n(w_k) replaced by (model moment - R_n(w_k))."""
    d = derive(m)
    R = residual_symbols(m)
    reps = {Moment(n, d.w[k]): _model_moment(n, d.w[k], d.a, d.w) - R[n][k] for n in range(3) for k in range(m)}

    def sub(e):
        return sp.cancel(sp.expand(e.xreplace(reps)))

    grad = tuple(sub(g) for g in d.gradient)
    hess = sp.ImmutableMatrix(2 * m, 2 * m, lambda i, j: sub(d.hessian[i, j]))
    return grad, hess


def prove_residual_form(m):
    """Prove, for width m, that `residual_form(m)` with each R_n(w_k) put back
    as (model moment) - M_n(w_k) is derive(m)'s gradient and Hessian.  Returns
    the list of non-zero residuals (empty: proved)."""
    d = derive(m)
    R = residual_symbols(m)
    back = {R[n][k]: _model_moment(n, d.w[k], d.a, d.w) - Moment(n, d.w[k]) for n in range(3) for k in range(m)}
    grad, hess = residual_form(m)
    bad = []
    for i in range(2 * m):
        r = sp.cancel(sp.together(grad[i].xreplace(back) - d.gradient[i]))
        if r != 0:
            bad.append((f"grad[{i}]", r))
        for j in range(i, 2 * m):
            r = sp.cancel(sp.together(hess[i, j].xreplace(back) - d.hessian[i, j]))
            if r != 0:
                bad.append((f"hess[{i},{j}]", r))
    return bad


W_STAR = sp.Symbol("w_star", positive=True)


@functools.lru_cache(maxsize=None)
def exp_moment_difference(n):
    """(M_n(s; w) - M_n(s; w_star)) / (w - w_star), M_n(s; w) = n!/(s + w)^(n+1) the
    moment of e^{-w t} (targets.exp_term_moment), cancelled to minus a ratio of
    polynomials with positive coefficients: float64 evaluates it at positive
    arguments without cancellation, so a model term a e^{-w t} near a target term
    a* e^{-w_star t} contributes a (w - w_star) D_n + (a - a*) M_n(s; w_star) to the
    residual moment with no O(1) terms cancelling."""
    n = validation.integer(n, "n", minimum=0)
    f = exp_term_moment(n)
    return sp.factor(sp.cancel((f - f.xreplace({_w: W_STAR})) / (_w - W_STAR)))


def prove_exp_moment_difference(n):
    """Prove that exp_moment_difference(n) times (w - w_star) is M_n(s; w) - M_n(s; w_star)
    and that minus it is a ratio of polynomials in s, w, w_star with positive
    coefficients.  Returns the list of failures (empty: proved)."""
    f = exp_term_moment(n)
    D = exp_moment_difference(n)
    bad = []
    if sp.cancel(D * (_w - W_STAR) - (f - f.xreplace({_w: W_STAR}))) != 0:
        bad.append("D_n (w - w_star) != M_n(w) - M_n(w_star)")
    num, den = sp.fraction(sp.together(-D))
    for name, poly in (("numerator", num), ("denominator", den)):
        coeffs = sp.Poly(sp.expand(poly), s, _w, W_STAR).coeffs()
        if not all(c > 0 for c in coeffs):
            bad.append(f"the {name} of -D_{n} has a coefficient <= 0: {coeffs}")
    return bad


@functools.lru_cache(maxsize=None)
def residual_entries():
    """The entries of the residual form as functions of the data of two neurons,
    i (the symbols of neuron 1: a_1, w_1, R0_1, R1_1, R2_1) and j (those of neuron 2),
    read off residual_form(2): {"grad": (dJ/da_i, dJ/dw_i), "pair": the block
    [[d2J/da_i da_j, d2J/da_i dw_j], [d2J/dw_i da_j, d2J/dw_i dw_j]] for i != j,
    "self": the same block for i = j}.  An entry depends on no other neuron, so
    these few expressions evaluated on arrays give the whole gradient and Hessian
    at any width; prove_residual_entries(m) proves it for width m."""
    grad, hess = residual_form(2)
    return {"grad": (grad[0], grad[2]),
            "pair": ((hess[0, 1], hess[0, 3]), (hess[2, 1], hess[2, 3])),
            "self": ((hess[0, 0], hess[0, 2]), (hess[2, 0], hess[2, 2]))}


def entry_symbols():
    """((a, w, R0, R1, R2) of neuron i, the same of neuron j): the arguments of residual_entries()."""
    d = derive(2)
    R = residual_symbols(2)
    return tuple((d.a[k], d.w[k], R[0][k], R[1][k], R[2][k]) for k in range(2))


def prove_residual_entries(m):
    """Prove that every entry of residual_form(m) is the entry of residual_entries()
    for its pair of neurons (i's symbols put for neuron 1's, j's for neuron 2's).
    Returns the list of entries that differ (empty: proved)."""
    d = derive(m)
    R = residual_symbols(m)
    grad, hess = residual_form(m)
    gen = residual_entries()
    sym_i, sym_j = entry_symbols()
    mine = [(d.a[k], d.w[k], R[0][k], R[1][k], R[2][k]) for k in range(m)]
    bad = []

    def put(e, i, j):
        return e.xreplace({**dict(zip(sym_i, mine[i])), **dict(zip(sym_j, mine[j]))})

    for i in range(m):
        for p in range(2):
            if sp.cancel(grad[p * m + i] - put(gen["grad"][p], i, i)) != 0:
                bad.append(f"grad[{p * m + i}]")
        for j in range(m):
            block = gen["self"] if i == j else gen["pair"]
            for p in range(2):
                for q in range(2):
                    if sp.cancel(hess[p * m + i, q * m + j] - put(block[p][q], i, j)) != 0:
                        bad.append(f"hess[{p * m + i},{q * m + j}]")
    return bad
