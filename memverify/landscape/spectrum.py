"""Rigorous enclosures (arb) of a Hessian's eigenvalues (`certified_spectrum`) and
exact inertia of a rational symmetric matrix (`exact_inertia`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import flint

from .. import validation
from ..backends import MIN_DPS, Precision, to_arb


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


def certified_spectrum(H, dps=40, tol=0):
    """Enclose every eigenvalue of the real symmetric matrix H (entries: numbers,
    Fractions, mpf or arb balls; shape (n, n)) with python-flint's rigorous
    eigenvalue algorithm (clusters of multiple or near-zero eigenvalues allowed),
    at `dps` digits, doubled up to three times if the enclosures cannot be
    separated.  Returns a `Spectrum` that counts the eigenvalues above `tol`,
    below -tol and within [-tol, tol] (see Spectrum)."""
    dps = validation.integer(dps, "dps", minimum=MIN_DPS)
    tol = validation.real(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    rows = [list(r) for r in (H.tolist() if hasattr(H, "tolist") else H)]
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise ValueError(f"H must be square, got {n} rows of lengths {[len(r) for r in rows]}")
    last = None
    for attempt in range(3):
        with Precision(dps * 2 ** attempt, arb=True).context():
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
        balls = sorted(eig, key=lambda b: float(b.mid()))
        t = to_arb(tol)
        pos = sum(bool(b > t) for b in balls)
        neg = sum(bool(b < -t) for b in balls)
        zero = [b for b in balls if (b.contains(0) if tol == 0 else bool(abs(b) <= t))]
        rad = max((float(abs(b).upper()) for b in zero), default=0.0)
        return Spectrum(balls, float(tol), pos, neg, len(zero), len(balls) - pos - neg - len(zero), rad)
    raise ArithmeticError(f"could not enclose the eigenvalues at up to {dps * 4} digits: {last}")


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
    rational entries (ints or Fractions; shape (n, n)), exactly: the characteristic
    polynomial (python-flint, rational arithmetic) has only real roots, so Descartes'
    rule of signs counts its positive and negative roots exactly."""
    rows = [list(r) for r in (H.tolist() if hasattr(H, "tolist") else H)]
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise ValueError("H must be square")
    M = flint.fmpq_mat([[flint.fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in r] for r in rows])
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

