"""The cancellation-free form of grad J and Hess J used by the float64 flow.

On the manifold M* the model rho_hat(t; a, w) equals the exponential-sum part of
the target, so the residual moments

    R_n(s) = int_0^inf t^n e^{-st} (rho_hat(t; a, w) - rho(t)) dt

are tiny (about e^{-w/omega}) while the terms that make them up are O(1): in
float64 that cancellation drowns the gradient near 1/omega = 35.  Here the
parameters are offsets from a reference point, a = a_ref + u, w = w_ref + v, and

    R_n(s) = sum_i [u_i n!/(s + w_i)^{n+1} + a_ref_i D_n(s, w_ref_i, v_i)] + Q_n(s),

with D_n(s, r, v) = n!/(s + r + v)^{n+1} - n!/(s + r)^{n+1} written without the
subtraction (`offset_moment`), and Q_n the moment of the fixed function
rho_hat(t; a_ref, w_ref) - rho(t) (`RefMoment`; the flow evaluates it with the
exponential terms grouped by rate in exact rational arithmetic).  Every term is
then as small as the offsets themselves.

`residual_form(m)` gives grad J and Hess J in terms of a, w and the symbols
R_n(w_k), obtained from `derive(m)` by substituting the definition of R_n (not
retyped); `prove_offset_form(m)` proves with sympy that the offset form equals
the plain derivative of J, entry by entry.
"""

from __future__ import annotations

import functools

import sympy as sp

from .. import _validate
from .loss import Moment, derive

_s, _r, _v = sp.symbols("s r v", positive=True)


class RefMoment(Moment):
    """Q_n(s) = int_0^inf t^n e^{-st} (rho_hat(t; a_ref, w_ref) - rho(t)) dt."""

    _symbol = "Q_{{{n}}}"


@functools.lru_cache(maxsize=None)
def offset_moment(n):
    """D_n(s, r, v) = n!/(s + r + v)^{n+1} - n!/(s + r)^{n+1} without the
    subtraction: -v n! sum_{k=0}^{n} (s+r+v)^k (s+r)^{n-k} / ((s+r+v)(s+r))^{n+1}
    (a sum of positive terms times v).  Returns (expression, (s, r, v))."""
    n = _validate.integer(n, "n", minimum=0)
    p, q = _s + _r + _v, _s + _r
    expr = -_v * sp.factorial(n) * sp.Add(*[p**k * q ** (n - k) for k in range(n + 1)]) / (p * q) ** (n + 1)
    return expr, (_s, _r, _v)


def offset_moment_identity(n):
    """The residual D_n - (n!/(s+r+v)^{n+1} - n!/(s+r)^{n+1}), brought to canonical
    form: 0 proves the rewriting."""
    expr, _ = offset_moment(n)
    plain = sp.factorial(n) / (_s + _r + _v) ** (n + 1) - sp.factorial(n) / (_s + _r) ** (n + 1)
    return sp.cancel(sp.together(expr - plain))


@functools.lru_cache(maxsize=None)
def residual_symbols(m):
    """Symbols R{n}_{k} standing for R_n(w_k), n = 0, 1, 2, k = 1..m."""
    m = _validate.integer(m, "m", minimum=1)
    return tuple(tuple(sp.Symbol(f"R{n}_{k + 1}") for k in range(m)) for n in range(3))


def _model_moment(n, x, a, w):
    return sp.Add(*[ai * sp.factorial(n) / (x + wi) ** (n + 1) for ai, wi in zip(a, w)])


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


def offset_residual(n, x, u, v, a_ref, w_ref):
    """R_n(x) in the offset form (see the module docstring), with Q_n as RefMoment."""
    D, (s, r, vv) = offset_moment(n)
    terms = [ui * sp.factorial(n) / (x + wr + vi) ** (n + 1) + ar * D.xreplace({s: x, r: wr, vv: vi})
             for ui, vi, ar, wr in zip(u, v, a_ref, w_ref)]
    return sp.Add(*terms) + RefMoment(n, x)


def prove_offset_form(m):
    """Prove, for width m, that the offset form gives the plain grad J and Hess J:
    (1) the offset R_n(x) (module docstring) equals the model's moment minus the
    target's, M_n[rho_hat(a_ref + u, w_ref + v)](x) - M_n[rho](x), for n = 0, 1, 2
    and a general x; (2) `residual_form(m)` with R_n(w_k) put back as that
    difference is `derive(m)`'s gradient and Hessian.  Returns the list of
    non-zero residuals (empty: proved)."""
    d = derive(m)
    u = sp.symbols(f"u_1:{m + 1}", real=True)
    v = sp.symbols(f"v_1:{m + 1}", real=True)
    a_ref = sp.symbols(f"ar_1:{m + 1}", real=True)
    w_ref = sp.symbols(f"wr_1:{m + 1}", positive=True)
    x = sp.Symbol("x", positive=True)
    a = [ar + ui for ar, ui in zip(a_ref, u)]
    w = [wr + vi for wr, vi in zip(w_ref, v)]
    bad = []
    for n in range(3):
        # term by term (the sums are linear): offset term i equals the model's
        # term i at (a, w) minus the reference model's term i; Q_n then adds the
        # reference model's moment minus the target's, by its definition
        zero = [sp.Integer(0)] * m
        for i in range(m):
            ui, vi, ari, wri = ([zero[j] if j != i else val for j, val in enumerate(vec)]
                                for vec in (u, v, a_ref, w_ref))
            off = offset_residual(n, x, ui, vi, ari, [w_ref[j] for j in range(m)]) - RefMoment(n, x)
            plain = (a[i] * sp.factorial(n) / (x + w[i]) ** (n + 1)
                     - a_ref[i] * sp.factorial(n) / (x + w_ref[i]) ** (n + 1))
            # terms j != i vanish (u_j = a_ref_j = 0, so both are 0 there too)
            r = sp.cancel(sp.together(off - plain))
            if r != 0:
                bad.append((f"R_{n} term {i + 1}", r))
    R = residual_symbols(m)
    back = {R[n][k]: _model_moment(n, d.w[k], d.a, d.w) - Moment(n, d.w[k]) for n in range(3) for k in range(m)}
    grad, hess = residual_form(m)
    for i in range(2 * m):
        r = sp.cancel(sp.together(grad[i].xreplace(back) - d.gradient[i]))
        if r != 0:
            bad.append((f"grad[{i}]", r))
        for j in range(i, 2 * m):
            r = sp.cancel(sp.together(hess[i, j].xreplace(back) - d.hessian[i, j]))
            if r != 0:
                bad.append((f"hess[{i},{j}]", r))
    return bad
