"""The kind of number a computation uses (`Precision`: float64, mpmath at some digits,
arb balls), its arrays and their elementwise operations, and the conversions between
the kinds; `PrecisionError` for "this precision cannot resolve the answer"."""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction

import flint
import mpmath
import numpy as np
import sympy as sp

from .. import validation

KINDS = ("float", "mp", "arb")
# the fewest digits any entry point accepts: mpmath or arb below float64's ~16 digits
# would be a less precise answer, not a more precise one
MIN_DPS, MAX_DPS = validation.MIN_DPS, validation.MAX_DPS


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
            dps = validation.digits(dps)
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
            with flint_precision(dps=self.dps):
                yield
        else:
            yield

    @contextlib.contextmanager
    def extra_digits(self, digits):
        """Work at this precision raised by `digits` decimal digits (>= 0, may be
        fractional) for the duration: mpmath at dps + ceil(digits) for 'mp', flint at
        dps's bits + ceil(3.33 digits) for 'arb'; float64 has none to raise.  Guard
        digits for an evaluation that cancels; round the result back (+x) after."""
        if self.kind == "mp":
            with mpmath.workdps(self.dps + math.ceil(digits)):
                yield
        elif self.kind == "arb":
            with flint_precision(dps=self.dps):
                bits = flint.ctx.prec + math.ceil(3.33 * digits)
            with flint_precision(bits=bits):
                yield
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
                if mpmath.mp.dps == self.dps:  # (inside self.context(): no context to enter)
                    return +arb_midpoint(x)
                with mpmath.workdps(self.dps):
                    return +arb_midpoint(x)
            return mpmath.mpf(x)
        return to_arb(x)

    def array(self, nested):
        """A numpy array of this kind's numbers (dtype float64 or object), the
        entries as given (convert them first, or use `vector` / `matrix`)."""
        if self.kind == "float":
            return np.array(nested, dtype=float)
        out = np.empty(_shape(nested), dtype=object)
        _fill(out, nested)
        return out

    # arrays of this kind: float64 arrays, or object arrays of mpf (arb) ------------
    @property
    def dtype(self):
        """The numpy dtype of this kind's arrays: float, or object (mpf, arb)."""
        return float if self.kind == "float" else object

    def vector(self, xs):
        """A 1-D array of the numbers xs, each converted to this kind (`number`)."""
        if self.kind == "float":
            return np.array([float(x) for x in xs], dtype=float)
        out = np.empty(len(xs), dtype=object)
        for i, x in enumerate(xs):
            out[i] = self.number(x)
        return out

    def matrix(self, rows):
        """A 2-D array of the numbers in rows, each converted to this kind."""
        if self.kind == "float":
            return np.array(rows, dtype=float)
        return self.array([[self.number(x) for x in row] for row in rows])

    @staticmethod
    def to_float(x):
        """The array x (any kind) as float64, same shape."""
        return np.array([float(v) for v in np.ravel(x)], dtype=float).reshape(np.shape(x))

    def all_finite(self, x):
        """True when every entry of the array x is a finite number (no NaN, no inf)."""
        if self.kind == "float":
            return bool(np.all(np.isfinite(x)))
        if self.kind == "mp":
            return all(mpmath.isfinite(v) for v in np.ravel(x))
        return all(v.is_finite() for v in np.ravel(x))

    def norm2(self, x):
        """The Euclidean norm of the vector x (float64 or mpmath)."""
        if self.kind == "float":
            return float(np.linalg.norm(x))
        self._not_arb("norm2")
        return mpmath.sqrt(mpmath.fsum(v * v for v in x))

    def norm_inf(self, x):
        """max |x_i| (0 for an empty vector)."""
        if self.kind == "float":
            return float(np.max(np.abs(x))) if len(x) else 0.0
        return max((abs(v) for v in x), default=self.number(0))

    def solve(self, K, rhs):
        """x with K x = rhs (K: a square matrix as nested lists or an array, rhs: a
        vector), as a vector of this kind; ZeroDivisionError when K is singular.
        mpmath: LU with partial pivoting at 10 guard bits, as mpmath.lu_solve, but by
        flint's floating-point solver (arb_mat.solve, algorithm 'approx': no error
        bounds, as mpmath's; six times faster at 12 x 12 and 42 digits), the entries
        converted exactly both ways and the solution rounded to the working precision."""
        if self.kind == "float":
            try:
                return np.linalg.solve(np.array(K, dtype=float), np.array(rhs, dtype=float))
            except np.linalg.LinAlgError:
                raise ZeroDivisionError("singular matrix") from None
        self._not_arb("solve")
        n = len(rhs)
        with flint_precision(bits=mpmath.mp.prec + _FLINT_GUARD_BITS):
            A = _arb_matrix(K)
            if A.nrows() != n or A.ncols() != n:
                raise ValueError(f"K must be a square matrix of size {n}, got {A.nrows()} x {A.ncols()}")
            X = A.solve(_arb_matrix([[v] for v in rhs]), algorithm="approx")
        x = _rounded_midpoints(X)[:, 0]
        if not all(mpmath.isfinite(v) for v in x):
            raise ZeroDivisionError("singular matrix")
        return x

    def congruence(self, Q, H):
        """Q^T H Q for square arrays Q and H (H in the basis of Q's columns), as an array
        of this kind.  mpmath: the products by flint (arb_mat, in C) at 10 guard bits,
        the entries converted exactly both ways and rounded to the working precision
        (numpy's object-array products of mpf cost eight times more at 20 x 20)."""
        if self.kind == "float":
            return Q.T.dot(H).dot(Q)
        self._not_arb("congruence")
        with flint_precision(bits=mpmath.mp.prec + _FLINT_GUARD_BITS):
            Qa = _arb_matrix(Q)
            return _rounded_midpoints(Qa.transpose() * _arb_matrix(H) * Qa)

    def exp(self, x):
        """e^x elementwise (float64: inf where it overflows)."""
        if self.kind == "float":
            with np.errstate(over="ignore"):
                return np.exp(x)
        return np.vectorize(mpmath.exp if self.kind == "mp" else (lambda v: v.exp()), otypes=[object])(x)

    def expm1(self, x):
        """e^x - 1 elementwise, accurate near 0."""
        if self.kind == "float":
            with np.errstate(over="ignore"):
                return np.expm1(x)
        return np.vectorize(mpmath.expm1 if self.kind == "mp" else (lambda v: v.expm1()), otypes=[object])(x)

    @staticmethod
    def sign(x):
        """The signs of the entries of x (-1, 0, 1) as a float64 array."""
        return np.sign(np.array(x, dtype=float))

    def _not_arb(self, what):
        if self.kind == "arb":
            raise TypeError(f"Precision.{what} works on float64 and mpmath numbers, not arb balls")

# guard bits of the mpmath matrix operations done by flint (as mpmath.lu_solve's)
_FLINT_GUARD_BITS = 10


def _arb_matrix(rows):
    """An arb_mat of the numbers in `rows`, each converted exactly (to_arb)."""
    return flint.arb_mat([[to_arb(v) for v in row] for row in rows])


def _rounded_midpoints(M):
    """The midpoints of an arb_mat's entries as an object array of mpf, rounded to
    mpmath's working precision."""
    return np.array([[+arb_midpoint(M[i, j]) for j in range(M.ncols())] for i in range(M.nrows())],
                    dtype=object)


@contextlib.contextmanager
def flint_precision(bits=None, dps=None):
    """flint's working precision set to `bits` (or `dps` decimal digits) for the
    duration, and restored after, whatever happens inside."""
    old = flint.ctx.prec
    try:
        if dps is not None:
            flint.ctx.dps = dps
        else:
            flint.ctx.prec = bits
        yield
    finally:
        flint.ctx.prec = old


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
    if type(x) is float:  # the commonest case first (a target's parameters)
        return flint.arb(x)
    if type(x).__name__ == "arb":
        return x
    if isinstance(x, (int, np.integer)):
        return flint.arb(int(x))
    if isinstance(x, Fraction):
        return flint.arb(flint.fmpq(x.numerator, x.denominator))
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_
        if not man:
            if x != 0:  # inf or nan
                return flint.arb(float(x))
            return flint.arb(0)
        # an arf holds man 2^exp exactly whatever flint's working precision (a product
        # man * 2^exp at flint's default 53 bits was rounded, and the small eigenvalues of
        # the flow's Hessians, ~e^{-c/omega}, came out wrong at 1e-17)
        return flint.arb(flint.arf((-int(man) if sign else int(man), int(exp))))
    if isinstance(x, (float, np.floating)):
        return flint.arb(float(x))
    if isinstance(x, str):
        return flint.arb(x)
    if isinstance(x, sp.Basic):
        q = sp.nsimplify(x)
        if q.is_Rational:
            return flint.arb(flint.fmpq(int(q.p), int(q.q)))
    raise TypeError(f"cannot convert {type(x).__name__} {x!r} to an arb ball")
