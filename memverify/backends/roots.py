"""Bracketed root finding, one loop for the package (float64 or mpmath brackets)."""

from __future__ import annotations

import numpy as np

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
        if np.all(np.abs(hi - lo) <= (np.abs(hi) + offset) * rtol):  # (arrays first: mpf * ndarray is slow)
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
