"""Rigorous enclosures (arb) of a Hessian's eigenvalues (`certified_spectrum`) and
exact inertia of a rational symmetric matrix (`exact_inertia`)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Set
from dataclasses import dataclass

import flint

from .. import validation
from ..backends import Precision, PrecisionError, arb_midpoint, to_arb
from .points import exact_fraction


@dataclass(frozen=True)
class Spectrum:
    """Rigorous enclosures of the eigenvalues of a real symmetric matrix (arb balls),
    sorted, and what they decide about a threshold `tol` >= 0:

    positive / negative: eigenvalues certified > tol / < -tol; near_zero:
    certified |lambda| <= tol (for tol = 0: enclosures that contain 0, so those
    eigenvalues are 0 or smaller than zero_radius); undecided: enclosures that
    straddle +-tol (raise the precision)."""

    balls: list
    tol: float
    positive: int
    negative: int
    near_zero: int
    undecided: int
    zero_radius: float

    @property
    def success(self):
        """Every eigenvalue decided (no enclosure straddles +-tol)."""
        return self.undecided == 0

    @property
    def status(self):
        """0 every eigenvalue decided, 1 some undecided (as scipy.optimize: 0 is success)."""
        return 0 if self.undecided == 0 else 1

    @property
    def message(self):
        if self.undecided == 0:
            return f"all {len(self.balls)} eigenvalues decided against tol = {self.tol}"
        return f"{self.undecided} of {len(self.balls)} enclosures straddle +-{self.tol}: raise dps"

    @property
    def certified_rank(self):
        """Eigenvalues certified larger than tol in magnitude."""
        return self.positive + self.negative

    def as_dict(self):
        return {"success": self.success, "status": self.status, "message": self.message,
                "tol": self.tol, "positive": self.positive, "negative": self.negative,
                "near_zero": self.near_zero, "undecided": self.undecided, "zero_radius": self.zero_radius,
                "eigenvalues": [b.mid().str(8, radius=False) + f" +/- {float(b.rad()):.1e}" for b in self.balls]}


# the work certified_spectrum accepts, n^3 * dps for an n x n matrix at dps digits: n = 100 at
# dps = 40 (4e7) takes ~2 s; enclosures that will not separate are recomputed at 2 and 4 times
# the digits, ~15 times that in all (27 x 27 at dps = 1000 with a wide entry: 22 s)
MAX_SPECTRUM_WORK = 4 * 10**7
# the order exact_inertia accepts: the characteristic polynomial's cost grows with n^4 and the
# entries' bits (float64 entries between 5e-324 and 1e308: 2.7 s at n = 60, 17 s at n = 100;
# entries near 1: 0.35 s at n = 100, 4 s at 200)
MAX_INERTIA_ORDER = 64


def _square(H, name="H"):
    """The rows of H, a non-empty square matrix of finite real numbers (entries kept as given:
    ints, floats, Fractions, mpf, arb); numpy arrays through tolist()."""
    if hasattr(H, "tolist"):
        H = H.tolist()
    if isinstance(H, (str, bytes, Set, Mapping)) or not hasattr(H, "__iter__"):
        raise TypeError(f"{name} must be a square matrix of real numbers, got {type(H).__name__}")
    rows = []
    for i, r in enumerate(H):
        if isinstance(r, (str, bytes, Set, Mapping)) or not hasattr(r, "__iter__"):
            raise TypeError(f"{name}[{i}] must be a row of real numbers, got {type(r).__name__}")
        rows.append([validation.real(x, f"{name}[{i}][{j}]") for j, x in enumerate(r)])
    n = len(rows)
    if n == 0:
        raise ValueError(f"{name} must not be empty")
    if any(len(r) != n for r in rows):
        raise ValueError(f"{name} must be square, got {n} rows of lengths {[len(r) for r in rows]}")
    return rows


def certified_spectrum(H, dps=40, tol=0):
    """Enclose every eigenvalue of the real symmetric matrix H (entries: numbers,
    Fractions, mpf or arb balls; shape (n, n)) with python-flint's rigorous
    eigenvalue algorithm (clusters of multiple or near-zero eigenvalues allowed),
    at `dps` digits, doubled up to three times (at most MAX_DPS) if the enclosures
    cannot be separated.  Returns a `Spectrum` that counts the eigenvalues above `tol`,
    below -tol and within [-tol, tol] (see Spectrum).

    Limits: finite entries; 0 <= tol <= 1e308; n^3 * dps <= MAX_SPECTRUM_WORK = 4e7 (n = 100
    at dps = 40: ~2 s).  Raises PrecisionError when no precision tried separates the
    enclosures (raise dps, or pass tol > 0 to count by inertia)."""
    dps = validation.digits(dps)
    tol = validation.real(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    if not float(tol) < float("inf"):  # (Spectrum reports tol as a float)
        raise ValueError(f"tol must be <= 1e308, got {tol!r}")
    rows = _square(H)
    n = len(rows)
    if n ** 3 * dps > MAX_SPECTRUM_WORK:
        raise ValueError(f"H of order {n} at dps = {dps} is beyond the limit n^3 * dps <= {MAX_SPECTRUM_WORK:.0e}: "
                         f"lower dps (at most {MAX_SPECTRUM_WORK // n ** 3}) or the order")
    last = None
    digits = sorted({min(dps * 2 ** attempt, validation.MAX_DPS) for attempt in range(3)})
    for work in digits:
        with Precision(work, arb=True).context():
            M = flint.arb_mat([[to_arb(x) for x in r] for r in rows])
            if not (M - M.transpose()).contains(flint.arb_mat(n, n)):
                raise ValueError("H must be symmetric")
            try:
                eig = [e.real for e in flint.acb_mat(M).eig(multiple=True)]
            except ValueError as exc:
                last = exc
                if tol > 0:  # clusters that will not separate: count by inertia instead
                    below = _count_below(M, -to_arb(tol))
                    within = _count_below(M, to_arb(tol))
                    if below is not None and within is not None:
                        return Spectrum([], float(tol), n - within, below, within - below, 0, float(tol))
                continue
        balls = sorted(eig, key=arb_midpoint)  # exact midpoints (a float key ties beyond 1e308)
        t = to_arb(tol)
        pos = sum(bool(b > t) for b in balls)
        neg = sum(bool(b < -t) for b in balls)
        zero = [b for b in balls if (b.contains(0) if tol == 0 else bool(abs(b) <= t))]
        rad = max((float(abs(b).upper()) for b in zero), default=0.0)
        if not rad < float("inf"):
            raise PrecisionError(f"an enclosure of a zero eigenvalue is wider than 1e308 at dps = {work}: "
                                 "pass a larger dps")
        return Spectrum(balls, float(tol), pos, neg, len(zero), len(balls) - pos - neg - len(zero), rad)
    raise PrecisionError(f"could not enclose the eigenvalues at up to {digits[-1]} digits ({last}): pass a larger "
                         f"dps (at most {validation.MAX_DPS}) or tol > 0 (counts by inertia)")


def _count_below(M, sigma, tries=8):
    """How many eigenvalues of the symmetric arb matrix M lie below sigma: by Sylvester's
    law of inertia, the negative pivots of an LDL^T factorisation of P(M - sigma I)P^T,
    when every pivot is certified non-zero (a few symmetric permutations P are tried).
    None if no factorisation could be certified."""
    n = M.nrows()
    order = list(range(n))
    rng = random.Random(0)
    for _ in range(tries):
        A = [[M[order[i], order[j]] - (sigma if i == j else 0) for j in range(n)] for i in range(n)]
        negative, ok = 0, True
        for k in range(n):
            piv = A[k][k]
            if piv.contains(0):
                ok = False
                break
            negative += bool(piv < 0)
            for i in range(k + 1, n):
                f = A[i][k] / piv
                for j in range(k + 1, n):
                    A[i][j] -= f * A[k][j]
        if ok:
            return negative
        rng.shuffle(order)
    return None


def exact_inertia(H):
    """(positive, negative, zero) eigenvalue counts of a real symmetric matrix with
    rational entries (ints, Fractions, floats or mpf, each taken exactly; shape (n, n),
    n <= MAX_INERTIA_ORDER = 64), exactly: the characteristic polynomial (python-flint,
    rational arithmetic) has only real roots, so Descartes' rule of signs counts its
    positive and negative roots exactly."""
    rows = _square(H)
    n = len(rows)
    if n > MAX_INERTIA_ORDER:
        raise ValueError(f"H must have order <= {MAX_INERTIA_ORDER}, got {n}")
    rows = [[exact_fraction(x, f"H[{i}][{j}]") for j, x in enumerate(r)] for i, r in enumerate(rows)]
    M = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in r] for r in rows])
    if M != M.transpose():
        raise ValueError("H must be symmetric")
    coeffs = M.charpoly().coeffs()  # constant term first
    zero = next(i for i, c in enumerate(coeffs) if c != 0)
    def changes(cs):
        signs = [c > 0 for c in cs if c != 0]
        return sum(x != y for x, y in zip(signs, signs[1:]))
    pos = changes(coeffs)
    neg = changes([c * (-1) ** i for i, c in enumerate(coeffs)])
    if pos + neg + zero != n:
        raise ArithmeticError("the characteristic polynomial is not real-rooted: H is not symmetric?")
    return pos, neg, zero

