"""The heavy-ball flow theta'' + gamma theta' + grad J(theta) = 0 (Appendix E; the
momentum remark of Figure 4), integrated by the same exponential Rosenbrock
scheme (exprb43) as the gradient flow.

With z = (theta, p), z' = F(z) = (p, -gamma p - grad J(theta)) and the Jacobian
A = [[0, I], [-H, -gamma I]].  In the eigenbasis of the symmetric H = Q diag(lambda) Q^T,
A splits into 2x2 blocks B_i = [[0, 1], [-lambda_i, -gamma]] with eigenvalues
mu = (-gamma +- sqrt(gamma^2 - 4 lambda_i)) / 2 (complex for lambda_i > gamma^2/4), and
phi_k(h B_i) follows from Sylvester's formula (its confluent form when the two
eigenvalues nearly coincide).  The nonlinear remainder only enters the p-rows:
D = (0, -(grad J(U) - grad J(z_n)) + H (U_theta - theta_n)).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from .integrator import StepRejected, stage_gradient
from .linalg import eigh, phi, phis


class HeavyBallProblem:
    """z = (state of a gradient-flow problem, p): theta, rebase and value pass through."""

    def __init__(self, inner, gamma):
        self.inner = inner
        self.gamma = gamma
        self.arith = inner.arith
        self.dps = inner.dps
        self.n = None

    @property
    def m(self):
        return self.inner.m

    @property
    def theta_ref(self):
        return getattr(self.inner, "theta_ref", None)

    def initial_state(self, theta0):
        y = self.inner.initial_state(theta0)
        self.n = len(y)
        g, _ = self.inner.gradient(y)
        # the paper's initial velocity (eta = 1): x'(0) = -grad f(x(0))
        return np.concatenate([y, -g]) if self.arith.kind == "float" else np.concatenate([y, -g]).astype(object)

    def theta(self, z):
        return self.inner.theta(z[: self.n])

    def rebase(self, z):
        return np.concatenate([self.inner.rebase(z[: self.n]), z[self.n:]])

    def value(self, theta):
        return self.inner.value(theta)


def _block_phi(ar, k, s, lam, gamma, v1, v2):
    """phi_k(s B) (v1, v2) for the 2x2 blocks B = [[0, 1], [-lam, -gamma]] (elementwise over modes)."""
    # the heavy-ball flow runs in mpmath only (gradient_flow refuses method='fast' for it)
    out1 = np.empty(len(lam), dtype=object)
    out2 = np.empty(len(lam), dtype=object)
    tiny = mpmath.mpf(10) ** (-(ar.dps // 2))
    for i, (li, a1, a2) in enumerate(zip(lam, v1, v2)):
        disc = mpmath.sqrt(mpmath.mpc(gamma * gamma - 4 * li))
        mp_, mm = (-gamma + disc) / 2, (-gamma - disc) / 2
        if abs(s * disc) < tiny:
            mu = -gamma / 2
            f0 = phi(ar, k, [s * mu])[0]
            f1 = s * (f0 - k * phi(ar, k + 1, [s * mu])[0])
            r1 = f0 * a1 + f1 * (a2 - mu * a1)
            r2 = f0 * a2 + f1 * (-li * a1 - (gamma + mu) * a2)
        else:
            fp, fm = phis(ar, [s * mp_, s * mm], (k,))[0]
            r1 = (fp * (a2 - mm * a1) - fm * (a2 - mp_ * a1)) / (mp_ - mm)
            r2 = (fp * (-li * a1 - (gamma + mm) * a2) - fm * (-li * a1 - (gamma + mp_) * a2)) / (mp_ - mm)
        out1[i], out2[i] = mpmath.re(r1), mpmath.re(r2)
    return out1, out2


@dataclass
class HBStep:
    """One accepted heavy-ball step; __call__(s) is the dense output at t + s."""

    t: object
    h: object
    y: object
    lam: object
    Q: object
    gamma: object
    F1: object   # Q^T F_n, theta rows
    F2: object   # p rows
    A2: object   # Q^T (8 D2 - D3), p rows (theta rows are 0)
    B2: object   # Q^T (D3 - 4 D2), p rows
    base: object = None

    def __call__(self, s, ar):
        r = s / self.h
        z0 = 0 * self.A2
        i1, i2 = _block_phi(ar, 1, s, self.lam, self.gamma, self.F1, self.F2)
        c1, c2 = _block_phi(ar, 3, s, self.lam, self.gamma, z0, self.A2)
        d1, d2 = _block_phi(ar, 4, s, self.lam, self.gamma, z0, self.B2)
        t1 = i1 * s + c1 * (2 * s * r * r) + d1 * (12 * s * r * r * r)
        t2 = i2 * s + c2 * (2 * s * r * r) + d2 * (12 * s * r * r * r)
        n = len(self.lam)
        return self.y + np.concatenate([self.Q.dot(t1), self.Q.dot(t2)]) if n else self.y


class HeavyBallRosenbrock:
    """exprb43 for z' = F(z) of the heavy-ball flow (see the module docstring)."""

    order = 3  # of the embedded solution, as in ExpRosenbrock

    def __init__(self, problem):
        self.problem = problem
        self.inner = problem.inner
        self.arith = problem.arith
        self.gamma = problem.gamma

    def linearise(self, z, h=None):
        n = self.problem.n
        g, gerr = self.inner.gradient(z[:n])
        H = self.inner.hessian(z[:n])
        lam, Q = eigh(self.arith, H, h)
        F = np.concatenate([z[n:], z[n:] * -self.gamma - g])
        return F, gerr, H, lam, Q, g

    def step(self, t, z, h, lin, scale=None, previous=None):
        ar = self.arith
        n = self.problem.n
        F, gerr, H, lam, Q, g = lin
        gam = self.gamma
        F1, F2 = Q.T.dot(F[:n]), Q.T.dot(F[n:])
        zero = 0 * F1

        def lift(a1, a2):
            return np.concatenate([Q.dot(a1), Q.dot(a2)])

        def rem(U):  # Q^T of the p-rows of D = N(U) - N(z_n)
            gU, _ = stage_gradient(self.inner, U[:n])
            return Q.T.dot(-(gU - g) + H.dot(U[:n] - z[:n]))

        a1, a2 = _block_phi(ar, 1, h / 2, lam, gam, F1, F2)
        U2 = z + lift(a1 * (h / 2), a2 * (h / 2))
        D2 = rem(U2)
        b1, b2 = _block_phi(ar, 1, h, lam, gam, F1, F2 + D2)
        U3 = z + lift(b1 * h, b2 * h)
        D3 = rem(U3)
        A, B = 8 * D2 - D3, D3 - 4 * D2
        i1, i2 = _block_phi(ar, 1, h, lam, gam, F1, F2)
        c1, c2 = _block_phi(ar, 3, h, lam, gam, zero, A)
        d1, d2 = _block_phi(ar, 4, h, lam, gam, zero, B)
        if ar.kind == "float" and not all(np.all(np.isfinite(x)) for x in (i1, i2, c1, c2, d1, d2)):
            raise StepRejected("overflow in phi(h A)")
        z_new = z + lift(i1 * h + c1 * (2 * h) + d1 * (12 * h), i2 * h + c2 * (2 * h) + d2 * (12 * h))
        err = lift(d1 * (12 * h), d2 * (12 * h))
        return z_new, err, HBStep(t, h, z, lam, Q, gam, F1, F2, A, B), None
