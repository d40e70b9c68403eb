"""Inputs, targets and data for the experiments of Figures 1 and 4.

All samplers take a seed and return numpy float64 arrays (reproducible).  Paths live
on the grid t_k = k dt, k = 0..N-1, and have shape (batch, N, d).
"""

from __future__ import annotations

import numpy as np

from .. import validation
from ..targets import ExpSum, Target


def _grid(n_steps, dt):
    n_steps = validation.integer(n_steps, "n_steps", minimum=1)
    dt = float(validation.positive(dt, "dt"))
    return n_steps, dt


def white_noise_inputs(seed, batch, n_steps, dt, d=1, sd=None):
    """White noise on the Euler grid: x_k = sd xi_k, xi_k i.i.d. N(0, 1).  sd=None means
    sd = 1/sqrt(dt), so that x_k dt = dB_k are Brownian increments (the Ito scaling, under
    which the mean sampled loss of the linear model is the Euler white-noise loss); sd=1 is
    a standard white-noise sequence (then that mean is dt times it).  Shape (batch, n_steps, d)."""
    seed = validation.integer(seed, "seed", minimum=0)
    batch = validation.integer(batch, "batch", minimum=1)
    d = validation.integer(d, "d", minimum=1)
    n_steps, dt = _grid(n_steps, dt)
    sd = 1.0 / np.sqrt(dt) if sd is None else float(validation.positive(sd, "sd"))
    return sd * np.random.default_rng(seed).standard_normal((batch, n_steps, d))


def cosine_inputs(seed, batch, n_steps, dt, J=8, lam_max=10.0, d=1):
    """Random cosine sums x_t = sum_{j=1..J} alpha_j cos(lambda_j t) (Figure 4 (b)), with
    lambda_j ~ U[0, lam_max] and alpha_j ~ N(0, 1) drawn independently for every path and
    input coordinate.  Shape (batch, n_steps, d)."""
    seed = validation.integer(seed, "seed", minimum=0)
    batch = validation.integer(batch, "batch", minimum=1)
    J = validation.integer(J, "J", minimum=1)
    d = validation.integer(d, "d", minimum=1)
    lam_max = float(validation.positive(lam_max, "lam_max"))
    n_steps, dt = _grid(n_steps, dt)
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.0, lam_max, (batch, d, J))
    alpha = rng.standard_normal((batch, d, J))
    t = dt * np.arange(n_steps)
    x = np.einsum("bdj,bdjt->btd", alpha, np.cos(lam[..., None] * t))
    return x


def random_expsum_target(seed, m_star=8):
    """The random target of Figure 1 (a): rho(t) = c*^T e^{W* t} b* with c*, b* standard
    normal in R^{m*} and W* = -I - Z^T Z, Z an m* x m* Gaussian matrix with i.i.d. entries of
    variance 1/m*.  W* is symmetric negative definite, W* = -V diag(lambda) V^T, so rho is the
    exponential sum sum_i (V^T c*)_i (V^T b*)_i e^{-lambda_i t}.  Returns (ExpSum, dict with
    c*, W*, b* as lists)."""
    seed = validation.integer(seed, "seed", minimum=0)
    m_star = validation.integer(m_star, "m_star", minimum=1)
    rng = np.random.default_rng(seed)
    c = rng.standard_normal(m_star)
    b = rng.standard_normal(m_star)
    Z = rng.standard_normal((m_star, m_star)) / np.sqrt(m_star)
    W = -np.eye(m_star) - Z.T @ Z
    lam, V = np.linalg.eigh(-W)
    a = (V.T @ c) * (V.T @ b)
    return ExpSum([float(v) for v in a], [float(v) for v in lam]), {"c": c.tolist(), "W": W.tolist(),
                                                                   "b": b.tolist()}


def rho_grid(target, t):
    """rho(t_i) of a memverify target at the times `t` (1-D, t >= 0), float64 array, from
    the target's own rho (one formula, one place)."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    t = np.asarray(t, dtype=float)
    if t.ndim != 1:
        raise ValueError(f"t must be one-dimensional, got shape {t.shape}")
    return np.array([float(target.rho(float(s))) for s in t])


def _lorenz_rhs(y, z, x, K):
    zp1, zm1, zp2 = np.roll(z, -1, axis=1), np.roll(z, 1, axis=1), np.roll(z, -2, axis=1)
    dy = -y + x + z.sum(axis=1) / K
    dz = 2.0 * (zp1 * (zm1 - zp2) - z + y[:, None])
    return dy, dz


def lorenz96(seed, batch, n_steps, dt, K=8, forcing_sd=3.0, forcing_tau=1.0, substeps=10):
    """Lorenz 96 with unresolved variables (Figure 1 (c)):
    y' = -y + x + (1/K) sum_k z_k,  z_k' = 2 [z_{k+1} (z_{k-1} - z_{k+2}) - z_k + y],  k = 1..K
    (cyclic indices).  The forcing x is an Ornstein-Uhlenbeck process (stationary sd
    `forcing_sd`, correlation time `forcing_tau`) sampled exactly on the grid t_k = k dt and
    held constant on [t_k, t_{k+1}); y_0 = 0, z_k(0) ~ N(0, 1) (unknown to the model).
    Integrated by RK4 with `substeps` steps per dt.
    Returns x of shape (batch, n_steps, 1) and y of shape (batch, n_steps): y(t_1..t_N)."""
    seed = validation.integer(seed, "seed", minimum=0)
    batch = validation.integer(batch, "batch", minimum=1)
    K = validation.integer(K, "K", minimum=4)
    substeps = validation.integer(substeps, "substeps", minimum=1)
    forcing_sd = float(validation.positive(forcing_sd, "forcing_sd"))
    forcing_tau = float(validation.positive(forcing_tau, "forcing_tau"))
    n_steps, dt = _grid(n_steps, dt)
    rng = np.random.default_rng(seed)
    decay = np.exp(-dt / forcing_tau)
    x = np.empty((batch, n_steps))
    x[:, 0] = forcing_sd * rng.standard_normal(batch)
    for k in range(1, n_steps):
        x[:, k] = decay * x[:, k - 1] + forcing_sd * np.sqrt(1 - decay ** 2) * rng.standard_normal(batch)
    y = np.zeros(batch)
    z = rng.standard_normal((batch, K))
    h = dt / substeps
    ys = np.empty((batch, n_steps))
    for k in range(n_steps):
        xk = x[:, k]
        for _ in range(substeps):
            k1 = _lorenz_rhs(y, z, xk, K)
            k2 = _lorenz_rhs(y + h / 2 * k1[0], z + h / 2 * k1[1], xk, K)
            k3 = _lorenz_rhs(y + h / 2 * k2[0], z + h / 2 * k2[1], xk, K)
            k4 = _lorenz_rhs(y + h * k3[0], z + h * k3[1], xk, K)
            y = y + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
            z = z + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        ys[:, k] = y
    return x[:, :, None], ys
