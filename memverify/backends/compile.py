"""One sympy expression, three kinds of numbers: `compile_exprs` turns sympy expressions
into one callable per kind (lambdify with a namespace for float64, mpmath or arb), so a
formula is derived once and evaluated in all three; `abs_bound` and `rounding_bound`
bound its float64 evaluation.  The special functions that closed forms need in a
numerically safe shape (``ExpErfc``, ``ExpUpperGamma``) are sympy functions with one
implementation per kind."""

from __future__ import annotations

import functools

import flint
import mpmath
import numpy as np
import scipy.special
import sympy as sp
from sympy.printing.pycode import MpmathPrinter, PythonCodePrinter

from .precision import KINDS, flint_precision, to_arb

# special functions in the shape the closed forms need


class ExpErfc(sp.Function):
    """exp(c) * erfc(z), evaluated without overflow (erfcx for z > 0)."""

    nargs = 2

    def fdiff(self, argindex=1):
        c, z = self.args
        if argindex == 1:
            return self
        return -2 / sp.sqrt(sp.pi) * sp.exp(c - z**2)

    def _eval_rewrite_as_erfc(self, c, z, **kwargs):
        return sp.exp(c) * sp.erfc(z)


class ExpUpperGamma(sp.Function):
    """exp(s) * Gamma(a, s), the scaled upper incomplete gamma function."""

    nargs = 2

    def fdiff(self, argindex=2):
        a, s = self.args
        if argindex == 2:
            return self - s ** (a - 1)
        raise sp.ArgumentIndexError(self, argindex)

    def _eval_rewrite_as_uppergamma(self, a, s, **kwargs):
        return sp.exp(s) * sp.uppergamma(a, s)


def _float_exp_erfc(c, z):
    c = np.asarray(c, dtype=float)
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        out = np.where(z <= 0, np.exp(c) * scipy.special.erfc(np.minimum(z, 0)),
                       np.exp(c - z * z) * scipy.special.erfcx(np.maximum(z, 0)))
    return out[()] if out.ndim == 0 else out


def _mp_exp_upper_gamma(a, s):
    # mpmath has an unbounded exponent range: no overflow, and gammainc is accurate
    return mpmath.exp(s) * mpmath.gammainc(a, s)


def _float_exp_upper_gamma(a, s):
    # scipy has no upper incomplete gamma for a <= 0: use mpmath with guard digits
    with mpmath.workdps(30):
        return float(_mp_exp_upper_gamma(mpmath.mpf(float(a)), mpmath.mpf(float(s))))


def _arb_exp_upper_gamma(a, s):
    # arb's gamma_upper can lose many bits (about 50 near s = 60, a = 1/2):
    # raise the precision until the ball is as tight as the working precision
    # asks (or its inputs allow: at most 4 times the precision)
    s, a = to_arb(s), to_arb(a)
    old = flint.ctx.prec
    bits = old
    while True:
        with flint_precision(bits=bits):
            out = s.exp() * s.gamma_upper(a)
        if out.rel_accuracy_bits() >= old or bits >= 4 * old:
            return out
        bits *= 2


def _arb_erfc(z):
    # arb's erfc of a ball far from 0 can be far wider than the propagated error
    # (every digit lost at z = 7e5 with radius 2^-280 at 300 bits, which the
    # Gaussian moments meet at s ~ 1e6): evaluate at the midpoint and add
    # radius * max |erfc'| over the ball, erfc'(x) = -2 e^{-x^2} / sqrt(pi)
    z = to_arb(z)
    if z.rad() == 0:
        return z.erfc()
    mid = z.mid()
    gap = abs(mid) - z.rad()  # a lower bound on |x| over the ball, if > 0
    slope = (-(gap**2)).exp() if gap > 0 else flint.arb(1)
    return mid.erfc() + flint.arb(0, (z.rad() * 2 * slope / flint.arb.pi().sqrt()).upper())


def _arb_rational(p, q):
    return flint.arb(flint.fmpq(p, q))


_NAMESPACES = {
    "float": [{"ExpErfc": _float_exp_erfc, "ExpUpperGamma": _float_exp_upper_gamma,
               "erfc": scipy.special.erfc}, "numpy", "scipy"],
    "mp": [{"ExpErfc": lambda c, z: mpmath.exp(c) * mpmath.erfc(z),
            "ExpUpperGamma": _mp_exp_upper_gamma}, "mpmath"],
    "arb": [{"ExpErfc": lambda c, z: to_arb(c).exp() * _arb_erfc(z),
             "ExpUpperGamma": _arb_exp_upper_gamma,
             "exp": lambda x: to_arb(x).exp(), "sqrt": lambda x: to_arb(x).sqrt(),
             "log": lambda x: to_arb(x).log(), "erfc": _arb_erfc,
             "_Q": _arb_rational, "arb": flint.arb}],
}


class _ArbPrinter(PythonCodePrinter):
    """Python code for arb balls: rationals stay exact, no float literals."""

    def _print_Rational(self, e):
        return f"_Q({e.p}, {e.q})"

    def _print_Half(self, e):
        return "_Q(1, 2)"

    def _print_Float(self, e):
        return f"arb('{sp.sstr(e, full_prec=True)}')"

    def _print_Pi(self, e):
        return "arb.pi()"  # evaluated at call time, at the working precision

    def _print_Exp1(self, e):
        return "arb(1).exp()"

    def _print_Pow(self, e, rational=False):
        if e.exp == sp.S.Half:
            return f"sqrt({self._print(e.base)})"
        return super()._print_Pow(e, rational=rational)

    def _print_Function(self, e):
        return f"{e.func.__name__}({', '.join(self._print(a) for a in e.args)})"

    _print_exp = _print_sqrt = _print_erfc = _print_log = _print_Function


class _MpPrinter(MpmathPrinter):
    def _print_Function(self, e):
        return f"{e.func.__name__}({', '.join(self._print(a) for a in e.args)})"

    _print_ExpErfc = _print_ExpUpperGamma = _print_Function


def abs_bound(expr):
    """The expression with every sum's terms taken by absolute value (products and
    positive integer powers of those): >= |expr|, and the scale of its float64
    rounding error.  A negative or fractional power is kept as |b^e| (the flow's
    denominators, sums of positive rates, carry no cancellation)."""
    if expr.is_Number:
        return abs(expr)
    if expr.is_Symbol:
        return sp.Abs(expr)
    if expr.is_Add or expr.is_Mul:
        return expr.func(*[abs_bound(a) for a in expr.args])
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return abs_bound(expr.base) ** expr.exp
    return sp.Abs(expr)


def rounding_bound(expr):
    """An expression bounding the float64 rounding error of evaluating `expr`
    operation by operation: 2 n eps abs_bound(expr), n its number of operations
    (each rounds by at most eps relative to the absolute values it combines)."""
    eps = sp.Rational(1, 2**52)
    return 2 * (sp.count_ops(expr) + 1) * eps * abs_bound(expr)


def compile_exprs(args, exprs, kind, arrays=False):
    """Compile a (nested list of) sympy expression(s) in `args` into a Python
    function for numbers of `kind` ('float', 'mp' or 'arb').  Common
    subexpressions are shared.  The function returns the same nesting.
    arrays=True (float only): the plain numpy function, for float64 arrays
    (no per-call conversion; the caller silences numpy's overflow warnings)."""
    if arrays and kind != "float":
        raise ValueError(f"arrays=True needs kind='float', got {kind!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    printer = {"float": None, "mp": _MpPrinter, "arb": _ArbPrinter}[kind]
    kwargs = {"modules": _NAMESPACES[kind], "cse": True}
    if printer is not None:
        kwargs["printer"] = printer({"fully_qualified_modules": False, "inline": True,
                                     "allow_unknown_functions": True})
    fn = sp.lambdify(args, exprs, **kwargs)
    if kind != "float" or arrays:
        return fn

    # float64 as numpy scalars: an intermediate that overflows becomes inf (and
    # 1/inf = 0, right when the result itself is representable) instead of
    # raising OverflowError from Python's float power; results are Python floats
    @functools.wraps(fn)
    def call(*xs):
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            return _python_floats(fn(*[np.float64(x) for x in xs]))
    return call


def _python_floats(out):
    if isinstance(out, (list, tuple)):
        return type(out)(_python_floats(x) for x in out)
    return float(out) if isinstance(out, (np.floating, np.ndarray)) and np.ndim(out) == 0 else out
