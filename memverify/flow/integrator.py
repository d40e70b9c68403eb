"""An exponential Rosenbrock integrator for the gradient flow d theta/d tau = -grad J(theta).

The scheme is exprb43 (Hochbruck, Ostermann and Schweitzer, SIAM J. Numer. Anal.
47 (2009); Hochbruck and Ostermann, Acta Numerica 19 (2010)), linearised at each
step with the exact Hessian H_n = Hess J(theta_n), F = -grad J, N(x) = F(x) + H_n x:

    U2          = theta_n + (h/2) phi_1(-h H_n / 2) F_n
    U3          = theta_n + h phi_1(-h H_n) (F_n + D2)
    theta_{n+1} = theta_n + h phi_1(-h H_n) F_n + h (16 phi_3 - 48 phi_4)(-h H_n) D2
                          + h (-2 phi_3 + 12 phi_4)(-h H_n) D3                     (order 4)

with D_i = N(U_i) - N(theta_n); the embedded third-order solution drops the
phi_4 terms, so 12 h phi_4(-h H_n)(D3 - 4 D2) estimates the local error.  The
phi functions act through the eigendecomposition of the symmetric H_n.  The
scheme is exact for quadratic J: where the flow is nearly linear the steps grow
geometrically.  The dense output interpolates the remainder N along the step by
the cubic alpha s^2 + beta s^3 through D2 (s = h/2) and D3 (s = h):

    theta(tau_n + s) = theta_n + s phi_1(-s H_n) F_n + 2 s (s/h)^2 phi_3(-s H_n) (8 D2 - D3)
                                + 12 s (s/h)^3 phi_4(-s H_n) (D3 - 4 D2)

which is the step itself at s = h.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .linalg import EIG_RESOLVE, eigh_and_error, phi, phis


class StepRejected(Exception):
    """A step could not be taken (a parameter left the domain, or overflow)."""


def stage_gradient(problem, y):
    """stage_gradients at one state: (grad J, its rounding-error bound)."""
    G, Gerr = stage_gradients(problem, [y])
    return G[0], Gerr[0]


def stage_gradients(problem, Ys):
    """problem.gradients(Ys) at the stages of a step, evaluated together: (G, Gerr),
    G[i] the gradient at Ys[i] and Gerr[i] a bound on its rounding error (None in
    mpmath).  A point outside the domain (or an overflow) rejects the step."""
    try:
        return problem.gradients(Ys)
    except (ValueError, OverflowError) as exc:
        raise StepRejected(str(exc)) from None


def stage_hessians(problem, Ys):
    """problem.hessians(Ys) at the stages of a step; a non-finite entry or a point
    outside the domain rejects the step."""
    try:
        Hs = problem.hessians(Ys)
    except (ValueError, OverflowError) as exc:
        raise StepRejected(str(exc)) from None
    if problem.arith.kind == "float" and not all(np.all(np.isfinite(H)) for H in Hs):
        raise StepRejected("non-finite Hessian at a stage")
    return Hs


class Linearisation(NamedTuple):
    """The flow linearised at a state: g = grad J and gerr, a bound on its rounding
    error (None in mpmath); H = Hess J = Q diag(lam) Q^T; lam_err, bounds on the
    errors of the eigenvalues that the rounding of H's entries can cause (zeros in
    mpmath, whose digits resolve them)."""

    g: object
    gerr: object
    H: object
    lam: object
    Q: object
    lam_err: object


def linearise(problem, y, h=None, resolve=EIG_RESOLVE):
    """The Linearisation of `problem` at y, for a step of about h (the float64
    eigensolver refines its result when h eps ||H|| > resolve; `linalg.eigh_and_error`)."""
    ar = problem.arith
    g, gerr = problem.gradient(y)
    if hasattr(problem, "hessian_and_error"):
        H, Herr = problem.hessian_and_error(y)
    else:
        H, Herr = problem.hessian(y), None
    lam, Q, lam_err = eigh_and_error(ar, H, h, resolve)
    if Herr is not None:
        # first order in the perturbation: |dlambda_j| <= |q_j|^T |dH| |q_j|
        Qa = np.abs(Q)
        lam_err = lam_err + np.einsum("ij,ik,kj->j", Qa, Herr, Qa)
    return Linearisation(g, gerr, H, lam, Q, lam_err)


def rounding_reach(ar, h, lin, gerrs):
    """Per eigendirection of H_n: how far gradient errors within the bounds `gerrs`
    (at the stages of a step) can move the state in a step of h, h |phi_1(-h lambda)| e,
    taken at the smallest eigenvalue the rounding of H allows (lambda - lam_err):
    an eigenvalue that float64 cannot resolve must not make a gradient error look damped."""
    e = abs(lin.Q).T.dot(sum(gerrs))
    lam_low = lin.lam - lin.lam_err
    return abs(phi(ar, 1, lam_low * -h)) * h * e


@dataclass
class Step:
    """One accepted step: enough to evaluate the dense output on [t, t + h]."""

    t: object
    h: object
    y: object         # state at t
    lam: object       # eigenvalues of H_n
    Q: object         # eigenvectors (columns)
    Fq: object        # Q^T F_n
    A: object         # Q^T (8 D2 - D3)
    B: object         # Q^T (D3 - 4 D2)
    base: object = None  # theta = base + state (offset states), or None (state is theta)

    def __call__(self, s, arith):
        """State at t + s, 0 <= s <= h."""
        z = self.lam * -s
        r = s / self.h
        p1, p3, p4 = phis(arith, z, (1, 3, 4))
        inc = p1 * s * self.Fq + p3 * (2 * s * r * r) * self.A + p4 * (12 * s * r * r * r) * self.B
        return self.y + self.Q.dot(inc)


class ExpRosenbrock:
    """Steps of exprb43 for a problem with gradient(y) -> (g, rounding-error
    bound or None) and hessian(y), in the problem's arithmetic."""

    order = 3  # of the embedded solution: the error estimate is O(h^4)

    def __init__(self, problem):
        self.problem = problem
        self.arith = problem.arith

    def linearise(self, y, h=None):
        """The Linearisation at y, for a step of about h."""
        return linearise(self.problem, y, h)

    def step(self, t, y, h, lin, scale=None, previous=None):
        """Attempt a step of length h from (t, y) with the linearisation `lin`
        (`scale` and `previous`, which an implicit method needs, are not used here).
        Returns (y_new, error vector, Step, round_err): round_err is None in
        exact arithmetic, else (how far the gradient's rounding error can move
        the state, how far the step moves it), per eigendirection of H_n."""
        ar = self.arith
        g, gerr, H, lam, Q, _ = lin
        Fq = -Q.T.dot(g)
        z = lam * -h  # (array first: mpf * ndarray makes mpmath format the array)
        p1, p3, p4 = phis(ar, z, (1, 3, 4))
        p1h = phi(ar, 1, z / 2)
        if ar.kind == "float" and not all(np.all(np.isfinite(p)) for p in (p1, p3, p4, p1h)):
            raise StepRejected("overflow in phi(-h H)")
        U2 = y + Q.dot(p1h * (h / 2) * Fq)
        g2, g2err = stage_gradient(self.problem, U2)
        D2 = -(g2 - g) + H.dot(U2 - y)
        D2q = Q.T.dot(D2)
        U3 = y + Q.dot(p1 * h * (Fq + D2q))
        g3, g3err = stage_gradient(self.problem, U3)
        D3 = -(g3 - g) + H.dot(U3 - y)
        D3q = Q.T.dot(D3)
        A = 8 * D2q - D3q
        B = D3q - 4 * D2q
        y_new = y + Q.dot(p1 * h * Fq + p3 * (2 * h) * A + p4 * (12 * h) * B)
        err = Q.dot(p4 * (12 * h) * B)
        round_err = None
        if gerr is not None:
            # direction by direction of H_n's eigenbasis: how far a gradient error
            # within the stages' bounds can move the state in this step, against how
            # far the step moves it there (stiff directions damp an error, slow ones
            # carry it, unstable ones amplify it exactly as much as the motion itself)
            reach = rounding_reach(ar, h, lin, (gerr, g2err, g3err))
            moved = h * abs(p1) * abs(Fq)
            round_err = (reach, moved)
        return y_new, err, Step(t, h, y, lam, Q, Fq, A, B), round_err
