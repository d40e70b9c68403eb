"""Evaluation back ends: one sympy expression, three kinds of numbers.

`Precision` says which numbers a computation uses:

- ``Precision()``            float64 (numpy);
- ``Precision(dps=50)``      mpmath ``mpf`` at 50 significant digits;
- ``Precision(dps=50, arb=True)``  python-flint ``arb`` balls at 50 digits,
  whose radii enclose every rounding error (certified).

`compile_exprs` turns sympy expressions into one callable per kind (lambdify
with a namespace for that kind), so a formula is derived once and evaluated in
all three.  The special functions that closed forms need in a numerically safe
shape (``ExpErfc``, ``ExpUpperGamma``) are defined here as sympy functions with
one implementation per kind.
"""

from __future__ import annotations

import contextlib
import functools
from fractions import Fraction

import flint
import mpmath
import numpy as np
import scipy.special
import sympy as sp
from sympy.printing.pycode import MpmathPrinter, PythonCodePrinter

from . import _validate

KINDS = ("float", "mp", "arb")


class PrecisionError(ValueError, OverflowError):
    """The precision asked for (float64, or mpmath / arb at some dps) cannot resolve
    the answer; the message names the remedy (dps=..., method='exact').  One class
    for the whole package: it is a ValueError and an OverflowError (an
    ArithmeticError), the types its raisers used before, so no handler breaks."""


class Precision:
    """Which numbers to compute with: float64, mpmath at `dps` digits, or arb
    balls at `dps` digits (``arb=True``)."""

    def __init__(self, dps=None, arb=False):
        if dps is not None:
            dps = _validate.integer(dps, "dps", minimum=5)
        if not isinstance(arb, (bool, np.bool_)):
            raise TypeError(f"arb must be True or False, got {arb!r}")
        if arb and dps is None:
            dps = 30
        self.dps = dps
        self.kind = "arb" if arb else ("float" if dps is None else "mp")

    def __repr__(self):
        return f"Precision(kind={self.kind!r}, dps={self.dps})"

    def describe(self):
        """A short label for verdicts: 'float64', 'mpmath dps=50', 'arb dps=30'."""
        return {"float": "float64", "mp": f"mpmath dps={self.dps}", "arb": f"arb dps={self.dps}"}[self.kind]

    @contextlib.contextmanager
    def context(self):
        """Set the working precision of mpmath / flint for the duration."""
        if self.kind == "mp":
            with mpmath.workdps(self.dps):
                yield
        elif self.kind == "arb":
            old = flint.ctx.prec
            flint.ctx.dps = self.dps
            try:
                yield
            finally:
                flint.ctx.prec = old
        else:
            yield

    def number(self, x):
        """Convert a real number (int, float, Fraction, str, mpf, arb) to this
        kind.  Binary floats and mpf convert exactly to arb."""
        if self.kind == "float":
            return float(x)
        if self.kind == "mp":
            if isinstance(x, Fraction):
                return mpmath.mpf(x.numerator) / x.denominator
            if type(x).__name__ == "arb":  # its midpoint, exactly, then rounded once to dps
                with mpmath.workdps(self.dps):
                    return +arb_midpoint(x)
            return mpmath.mpf(x)
        return to_arb(x)

    def array(self, nested):
        """A numpy array of this kind's numbers (dtype float64 or object)."""
        if self.kind == "float":
            return np.array(nested, dtype=float)
        out = np.empty(_shape(nested), dtype=object)
        _fill(out, nested)
        return out


def _shape(nested):
    shape = []
    while isinstance(nested, (list, tuple)):
        shape.append(len(nested))
        nested = nested[0] if nested else None
    return tuple(shape)


def _fill(out, nested):
    if out.ndim == 1:
        for i, x in enumerate(nested):
            out[i] = x
    else:
        for i, row in enumerate(nested):
            _fill(out[i], row)


def arb_midpoint(x):
    """The midpoint of an arb ball as an mpf, exactly (all its bits, whatever
    mpmath's working precision)."""
    man, exp = x.mid().man_exp()
    return mpmath.mp.make_mpf(mpmath.libmp.from_man_exp(int(man), int(exp)))


def mpf_fraction(x):
    """An mpf as a Fraction, exactly."""
    sign, man, exp, _ = x._mpf_
    if not man:
        return Fraction(0)
    val = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -val if sign else val


def to_arb(x):
    """An arb ball containing the real number `x` (exact for int, float,
    Fraction and mpf; a decimal string gives a tight ball)."""
    if type(x).__name__ == "arb":
        return x
    if isinstance(x, (int, np.integer)):
        return flint.arb(int(x))
    if isinstance(x, Fraction):
        return flint.arb(flint.fmpq(x.numerator, x.denominator))
    if isinstance(x, mpmath.mpf):
        sign, man, exp, bc = x._mpf_
        if not man:
            return flint.arb(0)
        # the product is exact only at a working precision of >= bc bits: at flint's
        # default 53 bits an mpf of more digits was rounded (and the small eigenvalues
        # of the flow's Hessians, ~e^{-c/omega}, came out wrong at 1e-17)
        old = flint.ctx.prec
        flint.ctx.prec = max(old, int(bc) + 8)
        try:
            return flint.arb(flint.fmpz((-1) ** sign * int(man))) * flint.arb(2) ** int(exp)
        finally:
            flint.ctx.prec = old
    if isinstance(x, (float, np.floating)):
        return flint.arb(float(x))
    if isinstance(x, str):
        return flint.arb(x)
    if isinstance(x, sp.Basic):
        q = sp.nsimplify(x)
        if q.is_Rational:
            return flint.arb(flint.fmpq(int(q.p), int(q.q)))
    raise TypeError(f"cannot convert {type(x).__name__} {x!r} to an arb ball")


# ---------------------------------------------------------------------------
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
    try:
        while True:
            out = s.exp() * s.gamma_upper(a)
            if out.rel_accuracy_bits() >= old or flint.ctx.prec >= 4 * old:
                return out
            flint.ctx.prec *= 2
    finally:
        flint.ctx.prec = old


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



# Double-word (double-double) arithmetic on numpy arrays: a number is a pair (hi, lo)
# of float64 arrays with hi = fl(hi + lo).  The error-free transformations (Knuth's
# TwoSum, Dekker's split and product) are exact without overflow or underflow; the
# bounds below are relative, in units of DD_U2 = u^2 = 2^-106 (u = eps/2), for the
# accurate algorithms of Joldes, Muller and Popescu, ACM TOMS 44 (2017) and CRlibm.
DD_U2 = 2.0 ** -106
DD_ADD_BOUND = 3.0    # dd_add: 3 u^2 + 13 u^3 (JMP, Algorithm 6)
DD_MUL_BOUND = 16.0   # dd_mul: < 2^-102 (CRlibm's Mul22, the same steps)
DD_RECIP_BOUND = 25.0  # dd_recip: one Newton step from fl(1/hi), derived in its docstring
_DEKKER = 2.0 ** 27 + 1


def two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fast_two_sum(a, b):
    # s + e = a + b exactly when |a| >= |b| (Dekker)
    s = a + b
    return s, b - (s - a)


def _split(a):
    c = _DEKKER * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """(p, e) with p = fl(a b) and p + e = a b exactly (Dekker; |a|, |b| < 2^996)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def dd_add(x, y):
    """x + y for double words x = (hi, lo), y: relative error <= DD_ADD_BOUND u^2."""
    sh, sl = two_sum(x[0], y[0])
    th, tl = two_sum(x[1], y[1])
    vh, vl = _fast_two_sum(sh, sl + th)
    return _fast_two_sum(vh, tl + vl)


def dd_mul(x, y):
    """x y for double words: relative error <= DD_MUL_BOUND u^2."""
    ph, pl = two_prod(x[0], y[0])
    return _fast_two_sum(ph, pl + (x[0] * y[1] + x[1] * y[0]))


def dd_recip(x):
    """1 / x for a double word x: r0 = fl(1/hi) errs by e0 <= 2u + u^2 against 1/x,
    and r0 + r0 (1 - x r0) by e0^2 <= 4.01 u^2 in exact arithmetic; the product x r0
    (16 u^2), the rounding of the correction's two float operations (2 u^2 each, on a
    term of size 2u) and the TwoSum (exact) add up to DD_RECIP_BOUND = 25 u^2."""
    r0 = 1.0 / x[0]
    ph, pl = dd_mul(x, (r0, np.zeros_like(r0)))
    one_h, one_l = two_sum(1.0 - ph, -pl)  # 1 - ph is exact (Sterbenz: ph in [1/2, 2])
    return two_sum(r0, r0 * (one_h + one_l))


def dd_sum(x):
    """The sum of double words x = (hi, lo) along their last axis, by pairwise reduction:
    (sum, levels), the error at most levels * DD_ADD_BOUND u^2 times the sum of the
    terms' absolute values (each level's additions err relative to partial sums)."""
    hi, lo = x
    levels = 0
    while hi.shape[-1] > 1:
        n, k = hi.shape[-1], hi.shape[-1] // 2
        sh, sl = dd_add((hi[..., :k], lo[..., :k]), (hi[..., k:2 * k], lo[..., k:2 * k]))
        hi, lo = (sh, sl) if n == 2 * k else (np.concatenate([sh, hi[..., -1:]], -1),
                                               np.concatenate([sl, lo[..., -1:]], -1))
        levels += 1
    return (hi[..., 0], lo[..., 0]), levels


def illinois(f, lo, hi, flo, fhi, rtol, offset=1, max_iter=200):
    """Roots of f in brackets [lo, hi] where f(lo) and f(hi) differ in sign, by the
    Illinois method (regula falsi that halves the value at an end kept twice in a
    row, so both ends move: superlinear), every bracket at once.

    lo, hi, flo, fhi: arrays of brackets and f's values at their ends (float64 or
    object arrays of mpf), or scalars; f maps an array of points to f's values
    (a scalar to a scalar when the brackets are scalars).  Stops when every
    |hi - lo| <= rtol (offset + |hi|), or after max_iter steps.  Returns the final
    (lo, hi), each end keeping the sign of f at the corresponding input end."""
    scalar = np.ndim(lo) == 0
    if scalar:
        g = f
        f = lambda x: np.array([g(x[0])])  # noqa: E731
        lo, hi, flo, fhi = (np.array([v]) for v in (lo, hi, flo, fhi))
    sign_lo = np.sign(flo)
    last = np.zeros(len(lo), dtype=int)
    for _ in range(max_iter):
        if np.all(np.abs(hi - lo) <= rtol * (offset + np.abs(hi))):
            break
        den = fhi - flo
        flat = den == 0   # (mpmath raises on a division by zero)
        with np.errstate(divide="ignore", invalid="ignore"):
            mid = hi - fhi * (hi - lo) / np.where(flat, 1, den)
        inside = (((mid > lo) & (mid < hi)) | ((mid < lo) & (mid > hi))) & ~flat
        mid = np.where(inside.astype(bool), mid, (lo + hi) / 2)
        fm = f(mid)
        left = np.sign(fm) == sign_lo   # the root is right of mid: mid replaces lo
        lo, flo = np.where(left, mid, lo), np.where(left, fm, flo)
        hi, fhi = np.where(left, hi, mid), np.where(left, fhi, fm)
        # Illinois: an end kept twice in a row gets its function value halved
        fhi = np.where(left & (last == 1), fhi / 2, fhi)
        flo = np.where(~left & (last == -1), flo / 2, flo)
        last = np.where(left, 1, -1)
    return (lo[0], hi[0]) if scalar else (lo, hi)
