"""Newton iterations on the stage equations of the Radau IIA method (flow/radau.py):
the batched 3x3 solves of simplified Newton in the eigenbasis of H_n, Newton with the
Hessians at the stages, and the nested iteration that solves the fast modes first."""

from __future__ import annotations

import numpy as np

from .integrator import StepRejected, stage_gradients, stage_hessians

NEWTON_MAX_ITER = 10   # Newton iterations before the step is rejected
NEWTON_KAPPA = 0.03    # stop when the stages' remaining error is below this (in the error norm)
NEWTON_SWITCH = 0.3    # simplified Newton contracting slower than this: use the stages' Hessians
NEWTON_MAX_RATE = 0.9  # a contraction rate above this: the iteration diverges, reject
# where Newton diverges although the step is far from what the error allows (the escape:
# fast modes with h lambda ~ 1e20 slaved to slow ones), the stages are solved nested:
# the fast modes (h lambda > NESTED_FAST_REACH) for their quasi-equilibrium first, then
# a Newton step of the slow ones with the fast eliminated, and again
NESTED_FAST_REACH = 1e3
# the nested iteration stops when its last correction is below this (in the error norm;
# mpmath): on a slow curve the drift is a difference of terms far larger than itself (the
# split start: E^{5/2} from O(E) terms, flow/split.py), so the stages' fast modes must be
# solved far below the state's tolerance (with NEWTON_KAPPA the split's tau_param was 6%
# off at 1/omega = 50, at every rtol up to 1e-13)
NESTED_KAPPA = 1e-5
NESTED_MAX_OUTER = 8
NESTED_MAX_INNER = 6


def inverse3(M):
    """The inverses of a batch of 3x3 matrices: M[i][j] are arrays over the
    eigendirections (float64 or mpf object arrays).  Returns (Minv, det), Minv[i][j]
    arrays of the same kind (the cofactors over the determinant): the simplified Newton
    matrix of a step is the same in every iteration, so it is inverted once."""
    (a, b, c), (d, e, f), (g, h, k) = M
    co = [[e * k - f * h, c * h - b * k, b * f - c * e],
          [f * g - d * k, a * k - c * g, c * d - a * f],
          [d * h - e * g, b * g - a * h, a * e - b * d]]
    det = a * co[0][0] + b * co[1][0] + c * co[2][0]
    return [[co[i][j] / det for j in range(3)] for i in range(3)], det


def apply3(Minv, r):
    """x = M^{-1} r for the batch (Minv from `inverse3`, r a list of 3 arrays)."""
    return [Minv[i][0] * r[0] + Minv[i][1] * r[1] + Minv[i][2] * r[2] for i in range(3)]


def full_newton(problem, A, y, Z, h, res, Minv, lam, Q):
    """The Newton correction of the stages with the Hessian at each stage,
    dz + h sum_t A_st (Lambda + D_t) dz_t = res (eigenbasis of H_n, D_t =
    Q^T H(Y_t) Q - Lambda), preconditioned by the simplified Newton matrix
    P = I + h Lambda (x) A of each mode: (I + P^{-1} h (A (x) I) diag(D)) dz = P^{-1} res.
    Without P the 3n x 3n system has the condition number h max(lambda) (1e20
    and more after a plateau), which float64 cannot solve."""
    ar, n = problem.arith, len(y)
    Ds = []
    for Hj in stage_hessians(problem, [y + Z[j] for j in range(3)]):
        Hq = ar.congruence(Q, Hj)
        for k in range(n):
            Hq[k, k] = Hq[k, k] - lam[k]
        Ds.append(Hq)
    # P^{-1} of every mode (Minv from `inverse3`): Pinv[s][u] is an array over the modes
    Pinv = Minv
    rq = [Q.T.dot(r) for r in res]
    rhs = [sum(Pinv[s_][u] * rq[u] for u in range(3)) for s_ in range(3)]
    # B[s][t] (modes j, k) = sum_u Pinv[s][u]_j h A[u][t] D_t[j, k]
    if ar.kind == "float":
        Pi = np.array([[Pinv[s_][u] for u in range(3)] for s_ in range(3)])  # (3, 3, n)
        An = np.array(A, dtype=float)
        D = np.array(Ds)  # (3, n, n)
        G = h * np.einsum("suj,ut,tjk->sjtk", Pi, An, D).reshape(3 * n, 3 * n)
        try:
            d = np.linalg.solve(np.eye(3 * n) + G, np.concatenate(rhs))
        except np.linalg.LinAlgError:
            raise StepRejected("singular Newton matrix") from None
        dz = [d[i * n:(i + 1) * n] for i in range(3)]
    else:
        K = [[0] * (3 * n) for _ in range(3 * n)]
        for s_ in range(3):
            for t in range(3):
                w = sum(Pinv[s_][u] * A[u][t] for u in range(3)) * h  # over modes j
                for j in range(n):
                    for k in range(n):
                        K[s_ * n + j][t * n + k] = (1 if (s_ == t and j == k) else 0) + w[j] * Ds[t][j][k]
        try:
            d = ar.solve(K, [x for r in rhs for x in r])
        except ZeroDivisionError:
            raise StepRejected("singular Newton matrix") from None
        dz = [d[i * n:(i + 1) * n] for i in range(3)]
    return [Q.dot(v) for v in dz]


def nested_newton(problem, W, y, Z, h, lam, Q, scale, why):
    """The stages solved with the fast modes eliminated (the escape after a
    plateau, where plain and full Newton diverge).  In the eigenbasis of H_n the
    stage equations read E_i = Q^T grad J(Y_i) + (1/h) sum_j W_ij z_j = 0 (W = A^-1,
    Y_i = y + Q z_i).  Inner: the fast modes (h lambda > NESTED_FAST_REACH) are
    solved for with the slow ones held, by Newton with the fast block of the stage
    Hessians (well conditioned: lambda = O(1)); outer: a Newton step of the whole
    system from there, which moves the slow modes with the fast ones eliminated
    (a Schur complement).  An error h ||d^3 J|| in the fast stage values no longer
    reaches the slow modes, which is what made the plain iteration diverge.
    Returns the stage increments Z; StepRejected when it does not converge."""
    ar, n = problem.arith, len(y)
    hl = lam * h  # (arrays first in products with an mpf: see radau._step)
    fast = [j for j in range(n) if hl[j] > NESTED_FAST_REACH]
    z = [Q.T.dot(Zi) for Zi in Z]
    inv_h = 1 / h
    # (in float64 the rounding of the stages' gradients stops the corrections near the
    # standard tolerance: there it is NEWTON_KAPPA)
    tol = ar.number(NESTED_KAPPA if ar.kind != "float" else NEWTON_KAPPA) * scale

    def residual_and_hessians(z, hessians):
        Y = [y + Q.dot(z[i]) for i in range(3)]
        G = stage_gradients(problem, Y)[0]
        gq = [Q.T.dot(G[i]) for i in range(3)]
        E = [gq[i] + sum(z[j] * W[i][j] for j in range(3)) * inv_h for i in range(3)]
        if not hessians:
            return E, None
        return E, [ar.congruence(Q, Hi) for Hi in stage_hessians(problem, Y)]

    Wh = np.array([[W[i][j] * inv_h for j in range(3)] for i in range(3)],
                  dtype=float if ar.kind == "float" else object)

    def jacobian(Hq, modes):
        # d E_(i,a) / d z_(j,b) = delta_ij Hq_i[a, b] + W_ij / h delta_ab, a, b in modes:
        # (W / h) (x) I_k plus the stage Hessians' blocks on the diagonal
        k = len(modes)
        K = np.kron(Wh, np.eye(k, dtype=Wh.dtype))
        for i in range(3):
            K[i * k:(i + 1) * k, i * k:(i + 1) * k] += Hq[i][np.ix_(modes, modes)]
        return K

    prev_step = None
    E, Hq = residual_and_hessians(z, True)
    for outer in range(NESTED_MAX_OUTER):
        # inner: Newton on the fast modes, with the stage Hessians of this outer
        # iteration (refreshed once if they do not settle)
        for attempt in range(2):
            Kf = jacobian(Hq, fast)
            for _ in range(NESTED_MAX_INNER):
                try:
                    d = ar.solve(Kf, [-E[i][a] for i in range(3) for a in fast])
                except ZeroDivisionError:
                    raise StepRejected(f"{why}; nested: singular fast block") from None
                for i in range(3):
                    for a_, a in enumerate(fast):
                        z[i][a] = z[i][a] + d[i * len(fast) + a_]
                E, _ = residual_and_hessians(z, False)
                if ar.norm_inf(d) <= tol * ar.number(1e-3):
                    break
            else:
                if attempt == 0:
                    E, Hq = residual_and_hessians(z, True)
                    continue
                raise StepRejected(f"{why}; nested: the fast modes did not settle")
            break
        # outer: a Newton step of all modes from the fast quasi-equilibrium (the
        # Hessians of this iteration: the inner corrections moved the stages little)
        try:
            d = ar.solve(jacobian(Hq, list(range(n))), [-E[i][a] for i in range(3) for a in range(n)])
        except ZeroDivisionError:
            raise StepRejected(f"{why}; nested: singular Newton matrix") from None
        for i in range(3):
            z[i] = z[i] + d[i * n:(i + 1) * n]
        size = ar.norm_inf(d)
        if ar.kind == "float" and not np.isfinite(size):
            raise StepRejected(f"{why}; nested: non-finite correction")
        if size <= tol:
            return [Q.dot(zi) for zi in z]
        # (the first outer step from a poor guess may grow: judge from the second on)
        if outer >= 2 and size > NEWTON_MAX_RATE * prev_step:
            raise StepRejected(f"{why}; nested: diverges too")
        prev_step = size
        E, Hq = residual_and_hessians(z, True)
    raise StepRejected(f"{why}; nested: no convergence in {NESTED_MAX_OUTER} iterations")
