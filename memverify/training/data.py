"""Inputs, targets and data for the experiments of Figures 1 and 4.

All samplers take a seed and return numpy float64 arrays (reproducible).  Paths live
on the grid t_k = k dt, k = 0..N-1, and have shape (batch, N, d).

Limits (checked before any work; each refusal is a ValueError naming the argument):
seeds are integers in [0, MAX_SEED]; a sampled array has at most MAX_ENTRIES entries
(2^25: 256 MiB of float64, about 1 s to draw); `rho_grid` evaluates at most MAX_GRID
points (each is one call of the target's own rho: 0.15 ms for an exponential sum with 8
terms, 0.4 ms for Airy, so 20000 points take 3 to 9 s), and points times exponential terms
at most MAX_GRID_WORK; `random_expsum_target` has at most
MAX_TARGET_WIDTH terms; Lorenz 96 integrates at most MAX_LORENZ_WORK entry-steps.
A result that overflows float64 (a scale near 1e308, a grid time (N - 1) dt beyond it, an
unstable RK4 step) raises PrecisionError; no sampler returns inf or NaN.
"""

from __future__ import annotations


import numpy as np

from .. import validation
from ..backends import PrecisionError
from ..targets import ExpSum, Target

# numpy's SeedSequence takes integers of any size (it hashes every 32-bit word); the bound
# keeps a seed of 10^6 digits from costing time
MAX_SEED = 2**64 - 1
MAX_ENTRIES = 2**25
MAX_GRID = 20_000
# rho_grid's points times the target's exponential terms (each point costs one rho, and an
# exponential sum's rho about 18 us per term): 2^18 is 4.7 s, e.g. 4096 points of the
# 64-term target random_expsum_target allows at most
MAX_GRID_WORK = 2**18
MAX_TARGET_WIDTH = 64
# n_steps * substeps * max(batch * K, 1024): the RK4 loop is Python over numpy arrays of
# batch x K entries; 0.6 ms per substep at batch 128 (overhead-bound), 0.27 us per entry at
# batch 8192, so the limit is 10 s at small batches and 5 s at large ones
MAX_LORENZ_WORK = 2**24


def _entries(name, count, limit=MAX_ENTRIES):
    if count > limit:
        raise ValueError(f"{name} must be at most {limit}, got {count}")


def _finite_result(arr, what, remedy):
    """arr itself if every entry is finite, else PrecisionError naming the remedy."""
    if not np.all(np.isfinite(arr)):
        raise PrecisionError(f"{what} overflows float64: {remedy}")
    return arr


def _grid(n_steps, dt):
    n_steps = validation.integer(n_steps, "n_steps", minimum=1, maximum=MAX_ENTRIES)  # (every path holds them)
    dt = float(validation.positive(dt, "dt"))
    if not np.isfinite(dt * (n_steps - 1)):
        raise PrecisionError(f"the grid's last time (n_steps - 1) dt = {n_steps - 1} * {dt!r} overflows float64: "
                             f"pass a smaller dt or fewer steps")
    return n_steps, dt


def white_noise_inputs(seed, batch, n_steps, dt, d=1, sd=None):
    """White noise on the Euler grid: x_k = sd xi_k, xi_k i.i.d. N(0, 1).  sd=None means
    sd = 1/sqrt(dt), so that x_k dt = dB_k are Brownian increments (the Ito scaling, under
    which the mean sampled loss of the linear model is the Euler white-noise loss); sd=1 is
    a standard white-noise sequence (then that mean is dt times it).  Shape (batch, n_steps, d),
    at most MAX_ENTRIES entries."""
    seed = validation.seed(seed)
    batch = validation.integer(batch, "batch", minimum=1)
    d = validation.integer(d, "d", minimum=1)
    n_steps, dt = _grid(n_steps, dt)
    sd = 1.0 / np.sqrt(dt) if sd is None else float(validation.positive(sd, "sd"))
    _entries("batch * n_steps * d", batch * n_steps * d)
    with np.errstate(over="ignore"):  # refused below
        x = sd * np.random.default_rng(seed).standard_normal((batch, n_steps, d))
    return _finite_result(x, f"sd xi with sd = {sd!r}", "pass a smaller sd (or a larger dt when sd is None)")


def cosine_inputs(seed, batch, n_steps, dt, J=8, lam_max=10.0, d=1):
    """Random cosine sums x_t = sum_{j=1..J} alpha_j cos(lambda_j t) (Figure 4 (b)), with
    lambda_j ~ U[0, lam_max] and alpha_j ~ N(0, 1) drawn independently for every path and
    input coordinate.  Shape (batch, n_steps, d); batch * d * J * n_steps (the cosines
    evaluated) at most MAX_ENTRIES."""
    seed = validation.seed(seed)
    batch = validation.integer(batch, "batch", minimum=1)
    J = validation.integer(J, "J", minimum=1)
    d = validation.integer(d, "d", minimum=1)
    lam_max = float(validation.positive(lam_max, "lam_max"))
    n_steps, dt = _grid(n_steps, dt)
    _entries("batch * d * J * n_steps", batch * d * J * n_steps)
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.0, lam_max, (batch, d, J))
    alpha = rng.standard_normal((batch, d, J))
    t = dt * np.arange(n_steps)
    with np.errstate(over="ignore", invalid="ignore"):  # lambda t beyond float64: refused below
        x = np.einsum("bdj,bdjt->btd", alpha, np.cos(lam[..., None] * t))
    return _finite_result(x, "lambda_j t", "pass a smaller lam_max or dt")


def random_expsum_target(seed, m_star=8):
    """The random target of Figure 1 (a): rho(t) = c*^T e^{W* t} b* with c*, b* standard
    normal in R^{m*} and W* = -I - Z^T Z, Z an m* x m* Gaussian matrix with i.i.d. entries of
    variance 1/m*.  W* is symmetric negative definite, W* = -V diag(lambda) V^T, so rho is the
    exponential sum sum_i (V^T c*)_i (V^T b*)_i e^{-lambda_i t}.  m* <= MAX_TARGET_WIDTH (64:
    one value of rho costs m* terms, and every loss evaluates it on the whole grid).
    Returns (ExpSum, dict with c*, W*, b* as lists)."""
    seed = validation.seed(seed)
    m_star = validation.integer(m_star, "m_star", minimum=1, maximum=MAX_TARGET_WIDTH)
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
    """rho(t_i) of a memverify target at the times `t` (1-D, finite, t >= 0, at most MAX_GRID
    points, and points times the target's exponential terms at most MAX_GRID_WORK), float64
    array, from the target's own rho (one formula, one place).  A value beyond float64's
    range raises PrecisionError."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    t = validation.array(t, "t", ndim=1, max_entries=MAX_GRID)
    if np.any(t < 0):
        raise ValueError("t must be times >= 0")
    part = target.exponential_part()
    terms = 1 if part is None else max(1, len(part.a))
    if t.size * terms > MAX_GRID_WORK:
        raise ValueError(f"t has {t.size} points and the target {terms} exponential terms: their product must be at "
                         f"most {MAX_GRID_WORK} (one rho costs about 18 us per term)")
    out = np.array([float(target.rho(float(s))) for s in t])
    return _finite_result(out, f"rho of the {type(target).__name__} target", "its values are beyond float64's range "
                          "(rescale its coefficients)")


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
    Limits: batch * n_steps at most MAX_ENTRIES; n_steps * substeps * max(batch * K, 1024)
    at most MAX_LORENZ_WORK (the RK4 loop).  A run that leaves float64's range (forcing_sd
    near 1e308, or an unstable step dt / substeps) raises PrecisionError.
    Returns x of shape (batch, n_steps, 1) and y of shape (batch, n_steps): y(t_1..t_N)."""
    seed = validation.seed(seed)
    batch = validation.integer(batch, "batch", minimum=1)
    K = validation.integer(K, "K", minimum=4)
    substeps = validation.integer(substeps, "substeps", minimum=1)
    forcing_sd = float(validation.positive(forcing_sd, "forcing_sd"))
    forcing_tau = float(validation.positive(forcing_tau, "forcing_tau"))
    n_steps, dt = _grid(n_steps, dt)
    _entries("batch * n_steps", batch * n_steps)
    _entries("n_steps * substeps * max(batch * K, 1024)", n_steps * substeps * max(batch * K, 1024), MAX_LORENZ_WORK)
    rng = np.random.default_rng(seed)
    decay = np.exp(-dt / forcing_tau)
    x = np.empty((batch, n_steps))
    x[:, 0] = forcing_sd * rng.standard_normal(batch)
    for k in range(1, n_steps):
        x[:, k] = decay * x[:, k - 1] + forcing_sd * np.sqrt(1 - decay ** 2) * rng.standard_normal(batch)
    _finite_result(x, f"the forcing with sd {forcing_sd!r}", "pass a smaller forcing_sd")
    y = np.zeros(batch)
    z = rng.standard_normal((batch, K))
    h = dt / substeps
    ys = np.empty((batch, n_steps))
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is refused below, not warned about
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
            if not np.all(np.isfinite(y)):
                break
    _finite_result(ys, f"the Lorenz 96 state (RK4 step dt / substeps = {h!r})",
                   "the step is unstable: pass more substeps or a smaller dt")
    return x[:, :, None], ys
