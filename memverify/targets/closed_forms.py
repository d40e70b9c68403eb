"""The targets' closed forms, derived with sympy once per process (``sympy.integrate``,
then (-d/ds)^n for higher moments, since d/ds M_n = -M_{n+1}), and their compiled
evaluators in float64, mpmath and arb (`backends.compile_exprs`)."""

from __future__ import annotations

import functools

import sympy as sp

from ..backends import ExpErfc, ExpUpperGamma, abs_bound, compile_exprs

t, s = sp.symbols("t s", positive=True)
# the parameters of the closed forms (public: the symbolic modules substitute them)
w_sym, w2_sym, mu_sym, sigma_sym, alpha_sym = sp.symbols("w w2 mu sigma alpha", positive=True)
_tau = sp.Symbol("tau", positive=True)


def _expand_exponents(expr):
    return expr.replace(sp.exp, lambda x: sp.exp(sp.expand(x)))


@functools.lru_cache(maxsize=None)
def exp_term_moment(n):
    """M_n(s) of the single exponential e^{-w t}: sympy gives n!/(s + w)^(n+1)."""
    # integrated at one positive rate u, then u = s + w (sympy is much faster on that form)
    u = sp.Symbol("u", positive=True)
    return sp.integrate(t**n * sp.exp(-u * t), (t, 0, sp.oo), conds="none").subs(u, s + w_sym)


@functools.lru_cache(maxsize=None)
def exp_pair_integral():
    """int_0^inf e^{-w t} e^{-w2 t} dt = 1/(w + w2), the Gram kernel of exponentials."""
    return sp.simplify(sp.integrate(sp.exp(-w_sym * t) * sp.exp(-w2_sym * t), (t, 0, sp.oo), conds="none"))


def gaussian_moment0_integrate():
    """M_0(s) of exp(-(t - mu)^2 / (2 sigma^2)) exactly as sympy.integrate gives it."""
    return sp.integrate(sp.exp(-s * t) * sp.exp(-(t - mu_sym) ** 2 / (2 * sigma_sym**2)),
                        (t, 0, sp.oo), conds="none")


@functools.lru_cache(maxsize=None)
def gaussian_moment(n):
    """M_n(s) of exp(-(t - mu)^2 / (2 sigma^2)) (completing the square; the
    test suite proves it equal to `gaussian_moment0_integrate` for n = 0).
    Written with ExpErfc(c, z) = e^c erfc(z) so that no evaluation overflows.
    M_n = -d/ds M_{n-1}, from the expanded M_{n-1}: the same expressions as the n-th
    derivative taken at once (equal for n <= 9, checked), at polynomial cost (order 12:
    0.4 s instead of 43 s; the order-n derivative at once doubles in cost per order)."""
    c = s**2 * sigma_sym**2 / 2 - s * mu_sym
    z = (s * sigma_sym**2 - mu_sym) / (sigma_sym * sp.sqrt(2))
    if n == 0:
        expr = sigma_sym * sp.sqrt(sp.pi / 2) * ExpErfc(c, z)
    else:
        expr = -sp.diff(gaussian_moment(n - 1), s)
    return sp.collect(sp.expand(_expand_exponents(expr)), ExpErfc(c, z))


@functools.lru_cache(maxsize=None)
def gaussian_norm2():
    """int_0^inf exp(-(t - mu)^2 / sigma^2) dt."""
    return sp.simplify(sp.integrate(sp.exp(-(t - mu_sym) ** 2 / sigma_sym**2), (t, 0, sp.oo), conds="none"))


def powerlaw_kernel():
    """(1 + t)^(-alpha) and its symbols (t, alpha): the power law's one formula."""
    return (1 + t) ** (-alpha_sym), (t, alpha_sym)


def powerlaw_moment0_integrate():
    """M_0(s) of (1 + t)^(-alpha) exactly as sympy.integrate gives it."""
    return sp.integrate(sp.exp(-s * t) * powerlaw_kernel()[0], (t, 0, sp.oo), conds="none")


@functools.lru_cache(maxsize=None)
def powerlaw_moment(n):
    """M_n(s) of (1 + t)^(-alpha), with e^s Gamma(a, s) as ExpUpperGamma(a, s)."""
    m0 = powerlaw_moment0_integrate()
    m0 = m0.replace(sp.uppergamma, lambda a, x: ExpUpperGamma(a, x) * sp.exp(-x))
    if m0.has(sp.uppergamma) or m0.has(sp.exp):
        raise RuntimeError(f"unexpected form of the power-law moment from sympy: {m0}")
    return sp.simplify((-1) ** n * sp.diff(m0, s, n))


@functools.lru_cache(maxsize=None)
def powerlaw_tail():
    """int_t^inf (1 + u)^(-alpha) du (alpha > 1) as sympy derives it."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0].xreplace({t: _tau}), (_tau, t, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def powerlaw_primitive():
    """int_0^T (1+t)^(-alpha) dt as sympy derives it (alpha != 1), and its alpha = 1 form,
    in the symbols (T, alpha) = (t, alpha) of this module."""
    rho = powerlaw_kernel()[0].xreplace({t: _tau})
    general = sp.simplify(sp.integrate(rho, (_tau, 0, t), conds="none"))
    one = sp.integrate(rho.xreplace({alpha_sym: 1}), (_tau, 0, t))
    return general, one


@functools.lru_cache(maxsize=None)
def powerlaw_integral():
    """int_0^inf (1+t)^(-alpha) dt (alpha > 1)."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0], (t, 0, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def powerlaw_norm2():
    """int_0^inf (1 + t)^(-2 alpha) dt."""
    return sp.simplify(sp.integrate(powerlaw_kernel()[0] ** 2, (t, 0, sp.oo), conds="none"))


@functools.lru_cache(maxsize=None)
def compiled_form(name, n, kind):
    """Compiled closed forms, keyed by name, moment order and number kind."""
    if name == "exp_moment":
        return compile_exprs([s, w_sym], exp_term_moment(n), kind)
    if name == "exp_pair":
        return compile_exprs([w_sym, w2_sym], exp_pair_integral(), kind)
    if name == "gauss_moments":  # n: a tuple of orders, evaluated together (shared subexpressions)
        return compile_exprs([s, mu_sym, sigma_sym], [gaussian_moment(k) for k in n], kind)
    if name == "gauss_moment_abs":  # [M_n, its terms' absolute sum]: the rounding scale with the value
        return compile_exprs([s, mu_sym, sigma_sym], [gaussian_moment(n), abs_bound(gaussian_moment(n))], kind)
    if name == "gauss_norm2":
        return compile_exprs([mu_sym, sigma_sym], gaussian_norm2(), kind)
    if name == "gauss":
        return compile_exprs([t, mu_sym, sigma_sym], sp.exp(-(t - mu_sym) ** 2 / (2 * sigma_sym**2)), kind)
    if name == "powerlaw_moment":
        return compile_exprs([s, alpha_sym], powerlaw_moment(n), kind)
    if name == "powerlaw_norm2":
        return compile_exprs([alpha_sym], powerlaw_norm2(), kind)
    if name == "powerlaw":
        return compile_exprs([t, alpha_sym], powerlaw_kernel()[0], kind)
    if name == "exp":
        return compile_exprs([t, w_sym], sp.exp(-w_sym * t), kind)
    if name == "powerlaw_primitive":
        return compile_exprs([t, alpha_sym], powerlaw_primitive()[n], kind)  # n = 1: the alpha = 1 form
    if name == "powerlaw_integral":
        return compile_exprs([alpha_sym], powerlaw_integral(), kind)
    raise KeyError(name)


@functools.lru_cache(maxsize=None)
def gauss_ops(n):
    """The rounding count of the Gaussian moment's closed form, a sum of k terms: a term
    of q operations errs by at most q eps relative to itself, and summing k terms adds
    (k - 1) eps times their absolute sum, so (k - 1) + max q bounds the float64 error in
    units of eps times the terms' absolute sum (backends.abs_bound)."""
    terms = sp.Add.make_args(gaussian_moment(n))
    return len(terms) - 1 + max(int(sp.count_ops(t)) for t in terms)


@functools.lru_cache(maxsize=None)
def compiled_array(name):
    """A closed form as a plain numpy function of float64 arrays."""
    if name == "powerlaw":
        return compile_exprs([t, alpha_sym], powerlaw_kernel()[0], "float", arrays=True)
    if name == "powerlaw_tail":
        return compile_exprs([t, alpha_sym], powerlaw_tail(), "float", arrays=True)
    if name == "powerlaw_primitive":
        return compile_exprs([t, alpha_sym], powerlaw_primitive()[0], "float", arrays=True)
    if name == "gauss_moments":  # M_0..M_3 in one call, and their terms by absolute value
        return compile_exprs([s, mu_sym, sigma_sym], [gaussian_moment(n) for n in range(4)]
                             + [abs_bound(gaussian_moment(n)) for n in range(4)], "float", arrays=True)
    raise KeyError(name)
