"""Derivation of J(a, w) = int_0^inf (sum_i a_i e^{-w_i t} - rho(t))^2 dt (eq. 18/77),
its gradient and its Hessian, for a target known through its Laplace moments.

The target enters only through ``Moment(n, s)`` = M_n(s) = int_0^inf t^n e^{-st}
rho(t) dt and the symbol ``N`` = ||rho||^2.  Differentiation under the integral
sign gives dM_n/ds = -M_{n+1} (Moment.fdiff); the test suite proves that rule
against sympy's own differentiation of the unevaluated integral.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from .. import validation

t = sp.Symbol("t", positive=True)
rho = sp.Function("rho")
norm_symbol = sp.Symbol("N", positive=True)  # ||rho||^2


class Moment(sp.Function):
    """M_n(s) = int_0^inf t^n e^{-s t} rho(t) dt, the target's Laplace moment."""

    nargs = 2

    def fdiff(self, argindex=2):
        n, x = self.args
        if argindex != 2:
            raise sp.ArgumentIndexError(self, argindex)
        return -self.func(n + 1, x)

    _symbol = "M_{{{n}}}"  # LaTeX, with the order n filled in

    def _latex(self, printer, exp=None):
        n, x = (printer._print(a) for a in self.args)
        out = self._symbol.format(n=n) + rf"\left({x}\right)"
        return out if exp is None else rf"{{{out}}}^{{{exp}}}"


class TemplateMoment(Moment):
    """int_0^inf t^n e^{-s t} rho_{0,omega}(t) dt, the signed moment of the memory template."""

    _symbol = r"\Delta^{{\pm}}_{{{n},\omega}}"


class AbsTemplateMoment(Moment):
    """Delta_{n,omega}(s) = int_0^inf t^n e^{-s t} |rho_{0,omega}(t)| dt, as eq. 80 defines it."""

    _symbol = r"\Delta_{{{n},\omega}}"


def parameters(m, prefix=("a", "w")):
    """Symbols (a_1..a_m) real and (w_1..w_m) positive (1 <= m <= validation.MAX_WIDTH)."""
    m = validation.width(m)
    a = sp.symbols(f"{prefix[0]}_1:{m + 1}", real=True)
    w = sp.symbols(f"{prefix[1]}_1:{m + 1}", positive=True)
    return a, w


def model(a, w):
    """rho_hat(t; a, w) = sum_i a_i e^{-w_i t} (eq. 76)."""
    return sp.Add(*[ai * sp.exp(-wi * t) for ai, wi in zip(a, w)])


_s = sp.Symbol("s", positive=True)


@functools.lru_cache(maxsize=None)
def _exp_integral(n):
    # int_0^inf t^n e^{-s t} dt, from sympy
    return sp.integrate(t**n * sp.exp(-_s * t), (t, 0, sp.oo), conds="none")


def _reduce_term(term):
    coeff, n, rate, rhopow = sp.S.One, 0, sp.S.Zero, 0
    for fac in sp.Mul.make_args(term):
        if not fac.has(t):
            coeff *= fac
        elif fac == t:
            n += 1
        elif fac.is_Pow and fac.base == t and fac.exp.is_Integer and fac.exp > 0:
            n += int(fac.exp)
        elif isinstance(fac, sp.exp):
            rate += -sp.expand(fac.args[0] / t)
        elif fac.func == rho and fac.args == (t,):
            rhopow += 1
        elif fac.is_Pow and fac.base.func == rho and fac.exp == 2:
            rhopow += 2
        else:
            raise ValueError(f"cannot reduce integral factor {fac}")
    if rate.has(t):
        raise ValueError(f"exponent not linear in t: {term}")
    if rhopow == 0:
        return coeff * _exp_integral(n).subs(_s, rate)
    if rhopow == 1:
        return coeff * Moment(n, rate)
    if rhopow == 2 and n == 0 and rate == 0:
        return coeff * norm_symbol
    raise ValueError(f"cannot reduce integral of {term}")


def reduce_integrals(expr):
    """Evaluate every integral over t in [0, inf) in `expr`: exponentials by
    sympy.integrate, integrals against rho as Moment(n, s), and the integral
    of rho^2 as N."""
    reps = {}
    for integral in expr.atoms(sp.Integral):
        (var, lo, hi), = integral.limits
        if var != t or lo != 0 or hi != sp.oo:
            raise ValueError(f"only integrals over t in [0, oo) are reduced, got {integral}")
        integrand = sp.expand(integral.function)
        reps[integral] = sp.Add(*[_reduce_term(term) for term in sp.Add.make_args(integrand)])
    out = expr.xreplace(reps)
    # 1/(w1*(1 + w2/w1)) -> 1/(w1 + w2): put each term over its own denominator
    return sp.Add(*[sp.factor(term) for term in sp.Add.make_args(sp.expand(out))])


@dataclass(frozen=True)
class LossDerivation:
    """J, grad J and Hess J of the width-m diagonal model, in the order
    (a_1..a_m, w_1..w_m); the target enters through Moment(n, w_i) and N."""

    m: int
    a: tuple
    w: tuple
    J: sp.Expr
    gradient: tuple
    hessian: sp.Matrix

    @property
    def theta(self):
        return tuple(self.a) + tuple(self.w)


@functools.lru_cache(maxsize=None)
def loss_value(m):
    """J (eq. 18) for width m alone: (a, w, J), without the derivatives (which cost
    most of `derive` at large m)."""
    m = validation.width(m)
    a, w = parameters(m)
    integral = sp.Integral(sp.expand((model(a, w) - rho(t)) ** 2), (t, 0, sp.oo))
    return a, w, reduce_integrals(integral)


@functools.lru_cache(maxsize=None)
def derive(m):
    """Derive J (eq. 18), its gradient and its Hessian for width m (1 <= m <=
    validation.MAX_WIDTH = 50; about 8 s at m = 10, 84 s at m = 40)."""
    m = validation.width(m)
    a, w, J = loss_value(m)
    theta = tuple(a) + tuple(w)
    grad = tuple(sp.diff(J, x) for x in theta)
    hess = sp.Matrix(2 * m, 2 * m, lambda i, j: sp.diff(grad[i], theta[j]))
    return LossDerivation(m, a, w, J, grad, sp.ImmutableMatrix(hess))


def expsum_moment(n, x, astar, wstar):
    """M_n(x) of the exponential sum sum_j a*_j e^{-w*_j t}, by reduce_integrals."""
    return reduce_integrals(sp.Integral(t**n * sp.exp(-x * t) * model(astar, wstar), (t, 0, sp.oo)))


def memory_target(expr, astar, wstar, template=TemplateMoment):
    """Specialise `expr` to the memory target rho_omega = rho_bar + rho_{0,omega}
    (eq. 20): each Moment(n, x) becomes the exponential-sum moment of rho_bar
    plus ``template(n, x)``.  Pass ``template=None`` for rho_bar alone."""
    def rep(n, x):
        out = expsum_moment(int(n), x, astar, wstar)
        return out if template is None else out + template(n, x)
    return expr.replace(lambda e: type(e) is Moment, lambda e: rep(*e.args))
