"""Symmetric eigendecompositions and the phi functions of the integrators, for the
numbers of a backends.Precision (float64 arrays or mpmath object arrays): one code
path for the integrators, the kind of number a parameter."""

from __future__ import annotations

import math

import flint
import mpmath
import numpy as np

from ..backends import arb_midpoint, flint_precision, to_arb

EPS = float(np.finfo(float).eps)
# h eps ||H|| above which float64 eigenpairs are refined (an exponential step is a
# function of h lambda, so its error is h times the eigenvalues' error)
EIG_RESOLVE = 1e-8


def eigh(prec, H, h=None, resolve=EIG_RESOLVE):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric H
    in the numbers of `prec` (a backends.Precision); `eigh_and_error` without the error."""
    return eigh_and_error(prec, H, h, resolve)[:2]


def eigh_and_error(prec, H, h=None, resolve=EIG_RESOLVE):
    """(lam, Q, err): eigenvalues (ascending), orthonormal eigenvectors (columns) of a
    symmetric H, and the eigensolver's own absolute error per eigenvalue (beyond the
    error of H's entries).

    float64: LAPACK, exact for H + E with ||E|| ~ n eps ||H|| (err = n eps ||H||, an
    estimate of the backward error, not a bound); when a step h makes that error
    matter (h eps ||H|| > resolve: near a plateau the small eigenvalues are
    e^{-c/omega}, far below eps ||H||), the float64 entries of H (each accurate to a
    few ulps) are decomposed again with arb at enough digits (err = 0).  The caller
    says what it tolerates: an exponential method's step is a function of h lambda
    (EIG_RESOLVE = 1e-8); Newton's method on implicit stages only slows down by
    h ||E|| per iteration.  mpmath: arb at the working precision (err = 0)."""
    if prec.kind == "float":
        lam, Q = np.linalg.eigh(H)
        n = len(lam)
        normH = float(np.max(np.abs(lam))) if n else 0.0
        if h is None or not h * EPS * max(normH, 1e-300) > resolve:
            return lam, Q, np.full(n, n * EPS * normH)
        dps = 25 + math.ceil(math.log10(h * normH))
        # eigenvectors orthogonal to 1e-18 are orthonormal in float64
        lam, Q = _eigh_arb([[flint.arb(float(x)) for x in row] for row in H], dps, orth_tol=1e-18)
        return (np.array([float(x) for x in lam]),
                np.array([[float(x) for x in row] for row in Q]), np.zeros(n))
    lam, Q = _eigh_arb([[to_arb(x) for x in row] for row in H], mpmath.mp.dps + 5)
    return (np.array([+x for x in lam], dtype=object),
            np.array([[+x for x in row] for row in Q], dtype=object),
            np.array([0 * x for x in lam], dtype=object))


def phi(prec, k, z):
    """phi_k(z) = sum_j z^j/(j+k)! elementwise (phi_0 = exp, phi_1 = (e^z - 1)/z, ...);
    inf where it overflows float64."""
    return phis(prec, z, (k,))[0]


def phis(prec, z, ks):
    """(phi_k(z) for k in ks) elementwise, sharing the work between the k."""
    if prec.kind == "float":
        return _phis_float(np.asarray(z, dtype=float), ks)
    return tuple(np.array([_phi_mp(k, v) for v in z], dtype=object) for k in ks)


def _phis_float(z, ks):
    kmax = max(ks)
    small = np.abs(z) < 0.5
    zs = z[small]
    series = {}
    if zs.size:
        # phi_kmax by its series (terms 0.5^j k!/(j+k)! < 1e-18 for j > 16), then
        # downwards phi_{k-1}(z) = 1/(k-1)! + z phi_k(z), which damps errors for |z| < 1
        p = np.full_like(zs, 1.0 / math.factorial(kmax + 17))
        for j in range(16, -1, -1):
            p = p * zs + 1.0 / math.factorial(kmax + j)
        series[kmax] = p
        for k in range(kmax, min(ks), -1):
            p = 1.0 / math.factorial(k - 1) + zs * p
            series[k - 1] = p
    zb = z[~small]
    with np.errstate(over="ignore", invalid="ignore"):
        ez = np.exp(zb)
    out = []
    for k in ks:
        o = np.empty_like(z)
        if zs.size:
            o[small] = series[k]
        if not zb.size:
            out.append(o)
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            # phi_k(z) = (e^z - sum_{j<k} z^j/j!) / z^k
            val = ez
            for j in range(k):
                val = val - zb**j / math.factorial(j)
            val = val / zb**k
        val[~np.isfinite(val)] = np.inf
        o[~small] = val
        out.append(o)
    return tuple(out)


def _phi_mp(k, z):
    """phi_k(z) = (e^z - sum_{j<k} z^j/j!)/z^k for real (mpf) or complex (mpc) z."""
    if k == 1:  # expm1 does not cancel near 0: no series (Radau IIA's only phi)
        return mpmath.expm1(z) / z if z else mpmath.mpf(1)
    if abs(z) < 0.5:
        eps = mpmath.mpf(2) ** (-mpmath.mp.prec - 10)
        acc, term, j = mpmath.mpf(0), mpmath.mpf(1) / mpmath.factorial(k), 0
        while abs(term) > eps * max(abs(acc), eps) or j < 2:
            acc += term
            term = term * z / (j + k + 1)
            j += 1
        return acc
    val = mpmath.exp(z)
    for j in range(k):
        val -= z**j / mpmath.factorial(j)
    return val / z**k


def _eigh_arb(rows, dps, orth_tol=None):
    """Eigenpairs of a real symmetric matrix (rows of arb balls) at `dps`
    digits with arb's approximate eigensolver (C): eigenvalues ascending as
    mpf, eigenvectors (columns, mpf) normalised.  The solver does not make
    the basis of a repeated (or nearly repeated) eigenvalue orthogonal: the
    columns whose inner products exceed `orth_tol` (default 10^(10 - dps))
    in cosine are orthonormalised by Gram-Schmidt in mpmath (a float64 QR
    would ruin the relative accuracy of tiny components, which the stiff
    directions amplify)."""
    n = len(rows)
    with flint_precision(dps=dps):
        E, R = flint.acb_mat(flint.arb_mat(rows)).eig(right=True, algorithm="approx")
        with mpmath.workdps(dps):
            lam = [arb_midpoint(E[i].real) for i in range(n)]
            order = sorted(range(n), key=lambda i: lam[i])
            V = flint.arb_mat(n, n, [R[i, j].real.mid() for i in range(n) for j in order])
            G = V.transpose() * V
            tol = flint.arb(10) ** (10 - dps) if orth_tol is None else flint.arb(orth_tol)
            loose = sorted({k for i in range(n) for j in range(i + 1, n)
                            if abs(G[i, j]) > tol * (G[i, i] * G[j, j]).sqrt() for k in (i, j)})
            cols = []
            for j in range(n):
                nrm = G[j, j].sqrt()
                cols.append([arb_midpoint(V[i, j] / nrm) for i in range(n)])
            done = []
            for j in loose:
                v = cols[j]
                for b in done:
                    c = mpmath.fsum(x * y for x, y in zip(v, b))
                    v = [x - c * y for x, y in zip(v, b)]
                nrm = mpmath.sqrt(mpmath.fsum(x * x for x in v))
                cols[j] = [x / nrm for x in v]
                done.append(cols[j])
            Q = [[cols[j][i] for j in range(n)] for i in range(n)]
        return [lam[i] for i in order], Q

