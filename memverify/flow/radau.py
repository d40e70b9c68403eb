"""A 3-stage Radau IIA integrator (order 5, L-stable, stiffly accurate) for the
gradient flow d theta/d tau = F(theta) = -grad J(theta), with the exact Hessian
as Jacobian.

Why Radau IIA: after the plateau the slow variables speed up by many orders of
magnitude while the fast ones stay slaved to them on a curved slow manifold.
An exponential method linearises once per step and follows that curve in tiny
steps; the stages of a stiffly accurate collocation method sit on the
quasi-equilibrium itself, so its steps follow the slow motion only.  On the
plateau (a nearly linear flow) its steps grow geometrically, like those of the
exponential method.

The stage increments Z_i = Y_i - y_n (i = 1..3, at tau_n + c_i h) solve
Z = h (A (x) I) F(y_n + Z) by simplified Newton iterations with the Jacobian
-H_n = -Q diag(lambda) Q^T: in the eigenbasis of H_n the Newton matrix
I - h A (x) (-H_n) splits into one 3x3 matrix I_3 + h lambda_j A per
eigendirection j.  y_{n+1} = y_n + Z_3 (c_3 = 1).  The embedded third-order
solution (Hairer and Wanner, Solving ODEs II, IV.8) gives the error estimate

    err = (I + h gamma_0 H_n)^{-1} (gamma_0 h F(y_n) + sum_i e_i Z_i),

gamma_0 the real eigenvalue of A.  Where both Newton variants diverge although the
error would allow the step (after an escape: fast modes with h lambda ~ 1e20 slaved
to slow ones), the same stage equations are solved nested (`stages.nested_newton`): the
fast modes for their quasi-equilibrium first, then the whole system from there.
The dense output is the collocation
polynomial through (0, 0) and (c_i h, Z_i).  The tableau and e are derived
with sympy (`radau_tableau`) from the collocation conditions, not typed in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..backends import PrecisionError
from .integrator import StepRejected, linearise, rounding_reach, stage_gradients
from .linalg import phi
from .stages import (NESTED_FAST_REACH, NEWTON_KAPPA, NEWTON_MAX_ITER, NEWTON_MAX_RATE, NEWTON_SWITCH, full_newton,
                     nested_newton, inverse3, apply3)

# along an unstable direction (lambda < 0) the stability function of Radau IIA has a
# pole at h |lambda| = 1/gamma0 = 3.64 (and the Newton matrix is singular there)
UNSTABLE_REACH = 1.5   # so a step keeps h |lambda_min| below this
EXTRAPOLATE_MAX_RATIO = 3  # the previous step's polynomial is a candidate guess up to h = 3 h_prev
# float64 eigenpairs are exact for H + E, ||E|| ~ eps ||H||; in the simplified Newton
# iteration that error slows each mode's contraction by about h ||E|| (the stage
# equations themselves use the exact gradient), so they are refined only where h eps ||H||
# exceeds this (1e-8 as for exprb43 cost a fifth of the m = 10 flow at 1/omega = 40)
EIG_RESOLVE_NEWTON = 1e-3


@functools.lru_cache(maxsize=None)
def radau_tableau():
    """Exact (sympy) tableau of the 3-stage Radau IIA method and its error estimator:
    dict with c (3,), A (3x3), gamma0 (the real eigenvalue of A, a CRootOf) and
    e (3,) with e^T Z = (b_hat - b)^T h F(Y), b_hat the weights of the embedded
    order-3 quadrature on the nodes (0, c_1, c_2, c_3) with weight gamma0 at 0."""
    x = sp.Symbol("x")
    s = 3
    # the nodes: zeros of d^{s-1}/dx^{s-1} [x^{s-1} (x - 1)^s] (Radau right), ascending
    nodes = sp.Poly(sp.diff(x ** (s - 1) * (x - 1) ** s, x, s - 1), x)
    c = sorted(sp.roots(nodes, x).keys(), key=lambda r: float(r))
    # collocation, C(s): sum_j A_ij c_j^(k-1) = c_i^k / k for k = 1..s, a Vandermonde system
    # (A_ij = int_0^{c_i} of the j-th Lagrange polynomial, without integrating)
    V = sp.Matrix(s, s, lambda k, j: c[j] ** k)
    R = sp.Matrix(s, s, lambda i, k: c[i] ** (k + 1) / (k + 1))
    A = (R * V.T.inv()).applyfunc(lambda v: sp.radsimp(sp.expand(v)))
    b = A.row(s - 1)
    lam = sp.Symbol("lam")
    # the characteristic polynomial has rational coefficients: gamma0 is a CRootOf
    charpoly = sp.Poly(sp.expand((A - lam * sp.eye(s)).det()), lam)
    gamma0 = [r for r in charpoly.all_roots() if r.is_real][0]
    # b_hat_1..3: sum_i b_hat_i c_i^(k-1) = 1/k - gamma0 [k = 1], k = 1..3 (order 3 with node 0)
    V = sp.Matrix(s, s, lambda k, i: c[i] ** k)
    rhs = sp.Matrix([sp.Rational(1, k + 1) - (gamma0 if k == 0 else 0) for k in range(s)])
    b_hat = V.LUsolve(rhs)
    # each e_i is p_i + q_i gamma0 with p_i, q_i in Q(sqrt 6): expanded, it evaluates fast
    e = [sp.radsimp(sp.expand(v)) for v in (b_hat.T - b) * A.inv()]
    return {"c": c, "A": A, "gamma0": gamma0, "e": e}


@functools.lru_cache(maxsize=None)
def _constants(dps):
    """The tableau as numbers: float64 (dps None) or mpf at dps digits (with guard digits)."""
    tab = radau_tableau()
    if dps is None:
        num = float
    else:
        def num(v):
            with mpmath.workdps(dps + 10):
                return mpmath.mpf(sp.N(v, dps + 10))
    c = [num(v) for v in tab["c"]]
    A = [[num(tab["A"][i, j]) for j in range(3)] for i in range(3)]
    return c, A, num(tab["gamma0"]), [num(v) for v in tab["e"]]


@dataclass
class RadauStep:
    """One accepted step: its collocation polynomial, the dense output on [t, t + h]."""

    t: object
    h: object
    y: object         # state at t
    c: tuple          # nodes c_1..c_3
    Z: tuple          # stage increments Z_1..Z_3 (states at t + c_i h minus y)
    base: object = None  # theta = base + state (offset states), or None
    nonlinear: bool = False  # its Newton iteration needed the Hessians at the stages
    nested: bool = False     # its stages were solved with the fast modes eliminated

    def __call__(self, s, arith):
        """State at t + s, 0 <= s <= h: the cubic through (0, 0) and (c_i h, Z_i)."""
        x = s / self.h
        c = self.c
        out = self.y
        for j in range(3):
            lj = x
            for k in range(3):
                if k != j:
                    lj = lj * (x - c[k]) / (c[j] - c[k])
            out = out + self.Z[j] * (lj / c[j])
        return out


class RadauIIA:
    """Steps of 3-stage Radau IIA for a problem with gradient(y) -> (g, rounding-error
    bound or None) and hessian(y), in the problem's arithmetic (float64 or mpmath)."""

    order = 3  # of the embedded solution: the error estimate is O(h^4)

    @staticmethod
    def estimate_tolerance(rtol):
        """The tolerance put on the order-3 error estimate for a local error of about
        rtol in the order-5 solution (Hairer and Wanner's RADAU5: 0.1 rtol^(2/3); the
        estimate ~ h^4 and the error ~ h^6 meet at h ~ rtol^(1/6))."""
        return 0.1 * rtol ** (2 / 3)

    def __init__(self, problem):
        self.problem = problem
        self.arith = problem.arith
        self.c, self.A, self.gamma0, self.e = _constants(problem.dps)
        # W = A^{-1}: the stage equations as grad J(Y_i) + (1/h) sum_j W_ij Z_j = 0
        Am = self.arith.matrix(self.A)
        cols = [self.arith.solve(Am, [1 if i == j else 0 for i in range(3)]) for j in range(3)]
        self.W = [[cols[j][i] for j in range(3)] for i in range(3)]

    def linearise(self, y, h=None):
        """The Linearisation at y, for a step of about h."""
        return linearise(self.problem, y, h, EIG_RESOLVE_NEWTON)

    def max_step(self, lin, h=None):
        """The largest step the linearisation `lin` allows: UNSTABLE_REACH / |lambda|
        for the most negative eigenvalue of H_n along whose eigenvector the gradient
        has a component above its rounding error (None: no limit).  A saddle whose
        unstable directions the flow has no component along (an invariant set, such
        as a1 = a2, w1 = w2) does not hold the steps back.  Where that limit is below
        the step h asked for and comes from an eigenvalue within its rounding error
        (lam_err: float64 does not know its size, or even its sign), PrecisionError:
        the limit would be rounding noise, and without one an unstable mode could be
        damped away (Radau IIA is L-stable)."""
        ar, lam = self.arith, lin.lam
        gq = abs(lin.Q.T.dot(lin.g))
        if lin.gerr is not None:
            noise = abs(lin.Q).T.dot(lin.gerr)
        else:
            noise = np.ones(len(lam)) * (100 * ar.number(10) ** (-ar.dps) * ar.norm_inf(lin.g))
        unstable = [j for j in range(len(lam)) if lam[j] < 0 and gq[j] > noise[j]]
        if not unstable:
            return None
        j = max(unstable, key=lambda k: abs(lam[k]))
        cap = ar.number(UNSTABLE_REACH) / abs(lam[j])
        if h is not None and h > cap and ar.kind == "float" and abs(lam[j]) <= lin.lam_err[j]:
            raise PrecisionError(f"float64 cannot resolve the Hessian eigenvalue {float(lam[j]):.3g} (error bound "
                                 f"{float(lin.lam_err[j]):.2g}) that would limit the step to {float(cap):.3g}; "
                                 "use method='exact'")
        return cap

    def step(self, t, y, h, lin, scale, previous=None):
        """Attempt a step of length h from (t, y); see `_step`.  A stage that
        overflows is rejected explicitly (StepRejected), so numpy's warnings are off."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._step(t, y, h, lin, scale, previous)

    def _step(self, t, y, h, lin, scale, previous=None):
        """A step of length h from (t, y).  scale: the driver's error scale (a
        step is accepted when ||err||_inf <= scale); the Newton iterations stop
        when the remaining error of the stages, estimated mode by mode from the
        contraction rates, is below NEWTON_KAPPA * scale.  Returns (y_new, err,
        RadauStep, round_err) as ExpRosenbrock.step does; raises StepRejected when
        Newton fails."""
        ar = self.arith
        g, gerr, H, lam, Q, _ = lin
        A, c, n = self.A, self.c, len(y)
        one = ar.number(1)
        # (arrays first in a product or sum with an mpf: mpf * ndarray makes mpmath format the whole
        # array for an error message before numpy takes over, 8 times the cost of ndarray * mpf)
        hl = lam * h
        M = [[hl * A[i][j] + (one if i == j else 0 * one) for j in range(3)] for i in range(3)]
        M = [[Mij if np.ndim(Mij) else Mij * np.ones(n) for Mij in row] for row in M]
        Fq = -Q.T.dot(g)
        # initial guess: the linearised flow at the nodes, exact for a quadratic J
        zq = [phi(ar, 1, hl * -c[i]) * (c[i] * h) * Fq for i in range(3)]
        if ar.kind == "float" and not all(np.all(np.isfinite(z)) for z in zq):
            raise StepRejected("overflow in the linearised guess")
        Z = [Q.dot(z) for z in zq]
        if isinstance(previous, RadauStep) and previous.nonlinear and h <= EXTRAPOLATE_MAX_RATIO * previous.h:
            # after a step that needed the stages' Hessians: the previous collocation
            # polynomial continued follows the curvature of a slow manifold, which the
            # linearised guess misses; keep the better of the two
            Zx = [previous(previous.h + c[i] * h, ar) - previous(previous.h, ar) for i in range(3)]
            if self._residual_norm(y, Zx, h) < self._residual_norm(y, Z, h):
                Z = Zx
                zq = [Q.T.dot(z) for z in Z]
        # how far the gradient's rounding error moves a stage, per mode: corrections
        # below it are noise, and their ratios no contraction rate
        # (in mpmath, whose digits are chosen to resolve the gradient: 100 ulp of it)
        gnoise = gerr if gerr is not None else abs(g) * (100 * ar.number(10) ** (-ar.dps))
        noise = rounding_reach(ar, h, lin, (gnoise,))
        # Newton, watched mode by mode in the eigenbasis of H_n: a mode whose
        # eigenvalue the Jacobian misjudges (h |lambda - lambda_true| >> 1) takes
        # corrections that shrink by a factor ~1 per iteration, which the largest
        # correction alone would hide; so at least two iterations, and every mode
        # whose corrections are not negligible must contract
        prev, errs, full, it, Minv = None, None, False, 0, None
        # the nested iteration starts from the first guess, where there are fast modes
        nested_from = list(Z) if any(x > NESTED_FAST_REACH for x in hl) and any(
            x <= NESTED_FAST_REACH for x in hl) else None
        if nested_from is not None and isinstance(previous, RadauStep) and previous.nested:
            # the previous step needed the nested iteration: start with it
            try:
                Z = nested_newton(self.problem, self.W, y, Z, h, lam, Q, scale, "after a nested step")
                nested = True
            except StepRejected:
                nested = False
        else:
            nested = False
        while not nested:
            if it >= NEWTON_MAX_ITER:
                raise StepRejected(f"Newton did not converge in {NEWTON_MAX_ITER} iterations")
            it += 1
            G, Gerr = stage_gradients(self.problem, [y + Z[i] for i in range(3)])
            # residual of Z = h A F(y + Z)
            Fs = [-G[i] for i in range(3)]
            res = [sum(Fs[j] * A[i][j] for j in range(3)) * h - Z[i] for i in range(3)]
            if Minv is None:
                Minv, det = inverse3(M)
                if ar.kind == "float" and not np.all(np.isfinite(det) & (np.abs(det) > 1e-12)):
                    raise StepRejected("singular Newton matrix (h |lambda| near an eigenvalue of A^-1)")
            if full:
                dZ = full_newton(self.problem, self.A, y, Z, h, res, Minv, lam, Q)
                dz = [Q.T.dot(d) for d in dZ]
            else:
                dz = apply3(Minv, [Q.T.dot(r) for r in res])
                dZ = [Q.dot(d) for d in dz]
            Z_old, Z = Z, [Z[i] + dZ[i] for i in range(3)]
            zq = [Q.T.dot(z) for z in Z]
            # per mode: the largest correction over the stages, in units of the tolerance
            size = np.array([max(abs(dz[i][j]) for i in range(3)) / scale for j in range(n)], dtype=object)
            if ar.kind == "float":
                size = size.astype(float)
                if not np.all(np.isfinite(size)):
                    raise StepRejected("non-finite Newton correction")
            # a correction at the rounding level of the stage itself says nothing of a rate
            ulp = ar.number(2.0 ** -52) if ar.kind == "float" else ar.number(10) ** (-ar.dps)
            # (or far below the tolerance: a correction of 3e-5 tolerances is no error
            # worth a rate; a misjudged eigenvalue that would hide a slow mode behind
            # such corrections is caught by the driver's precision check, lam_err)
            tiny = [size[j] <= NEWTON_KAPPA * 1e-3
                    or size[j] * scale <= 100 * ulp * max(abs(zq[i][j]) for i in range(3)) + 10 * noise[j]
                    for j in range(n)]
            if prev is None:
                prev = size
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = [size[j] / prev[j] if prev[j] > 0 else 0 * one for j in range(n)]
            slow = [j for j in range(n) if not tiny[j] and rate[j] >= NEWTON_SWITCH]
            if slow and not full:
                # the Jacobian at y_n no longer describes the stages (the escape):
                # Newton with the Hessians at the stages from here on, from the
                # iterate before this (poor) correction
                full, prev, Z = True, None, Z_old
                continue
            bad = [j for j in slow if rate[j] >= NEWTON_MAX_RATE]
            if bad:
                j = max(bad, key=lambda k: size[k])
                why = f"Newton diverges along eigenvalue {float(lam[j]):.3g} (rate {float(rate[j]):.2f})"
                if nested_from is None:
                    raise StepRejected(why)
                Z = nested_newton(self.problem, self.W, y, nested_from, h, lam, Q, scale, why)
                nested = True
                break
            if all(tiny[j] or rate[j] / (1 - rate[j]) * size[j] <= NEWTON_KAPPA for j in range(n)):
                errs = [Gerr[i] for i in range(3)]
                break
            prev = size
        if nested:
            zq = [Q.T.dot(z) for z in Z]
            Gerr = stage_gradients(self.problem, [y + Z[i] for i in range(3)])[1]
            errs = [Gerr[i] for i in range(3)]
            full = True
        y_new = y + Z[2]
        # embedded error estimate, filtered by (I + h gamma0 H)^{-1} (stiff components damped)
        den = hl * self.gamma0 + 1
        if ar.kind == "float" and not np.all(np.abs(den) > 1e-12):
            raise StepRejected("singular error filter")
        err_q = (Fq * (self.gamma0 * h) + sum(zq[i] * self.e[i] for i in range(3))) / den
        err = Q.dot(err_q)
        round_err = None
        if gerr is not None:
            # how far a gradient error within the stages' bounds can move the state,
            # per eigendirection of H_n, against how far the step moves it there
            reach = rounding_reach(ar, h, lin, [gerr] + errs)
            moved = abs(zq[2])
            round_err = (reach, moved)
        return y_new, err, RadauStep(t, h, y, tuple(c), tuple(Z), nonlinear=full, nested=nested), round_err

    def _residual_norm(self, y, Z, h):
        """||Z - h A F(y + Z)||_inf (inf when a stage fails)."""
        try:
            G = stage_gradients(self.problem, [y + Z[j] for j in range(3)])[0]
            Fs = [-G[j] for j in range(3)]
        except StepRejected:
            return float("inf")
        return max(self.arith.norm_inf(sum(Fs[j] * self.A[i][j] for j in range(3)) * h - Z[i]) for i in range(3))
