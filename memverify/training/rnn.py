"""The continuous-time RNN h'(t) = sigma(W h + U x_t), y_t = c^T h_t, h_0 = 0
(eqs. 5-7), its Euler (residual) discretisation and its losses, in JAX.

Parameters are a dict ``{"c": (m,), "W": (m, m), "U": (m, d)}`` (a pytree).
Time is discretised on t_k = k dt, k = 0..N-1 with N = T/dt; the Euler step is
h_{k+1} = h_k + dt sigma(W h_k + U x_k), so that for the linear model the output
after N steps is y_N = dt sum_j c^T (I + dt W)^j U x_{N-1-j}: the discrete
kernel k_j = c^T (I + dt W)^j U at lag t_j = j dt.  The target functional is
discretised by the same rule, H_N(x) = dt sum_j rho(t_j) x_{N-1-j}.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import validation
from .data import rho_grid

ACTIVATIONS = {"linear": lambda z: z, "tanh": jnp.tanh}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def init_params(seed, m, d=1, n_init=1, w_diag=1.0, w_scale=0.5, c_scale=1.0, u_scale=1.0):
    """`n_init` random initialisations (stacked on a leading axis) of width m, input dimension d.

    W = -w_diag I + w_scale G / sqrt(m) with G an m x m standard Gaussian matrix (a full,
    non-diagonal matrix whose eigenvalues lie in a disc of radius about w_scale around
    -w_diag); c ~ N(0, c_scale^2 / m) entrywise, U ~ N(0, u_scale^2 / m).  Returns numpy
    float64 arrays {"c": (n_init, m), "W": (n_init, m, m), "U": (n_init, m, d)}.
    """
    seed = validation.integer(seed, "seed", minimum=0)
    m = validation.integer(m, "m", minimum=1)
    d = validation.integer(d, "d", minimum=1)
    n_init = validation.integer(n_init, "n_init", minimum=1)
    w_diag, w_scale = validation.real(w_diag, "w_diag"), validation.real(w_scale, "w_scale")
    c_scale, u_scale = validation.positive(c_scale, "c_scale"), validation.positive(u_scale, "u_scale")
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((n_init, m, m))
    W = -w_diag * np.eye(m) + w_scale * G / np.sqrt(m)
    c = c_scale * rng.standard_normal((n_init, m)) / np.sqrt(m)
    U = u_scale * rng.standard_normal((n_init, m, d)) / np.sqrt(m)
    return {"c": c, "W": W, "U": U}


def kernel_euler(params, n_steps, dt):
    """The discrete kernel k_j = c^T (I + dt W)^j U, j = 0..n_steps-1: shape (n_steps, d)."""
    c, W, U = params["c"], params["W"], params["U"]
    A = jnp.eye(W.shape[0]) + dt * W

    def step(v, _):
        return A.T @ v, v @ U
    _, k = jax.lax.scan(step, c, None, length=n_steps)
    return k


def euler_outputs(params, x, dt, activation="linear"):
    """Outputs y_k = c^T h_k, k = 1..N, of the Euler RNN for inputs x of shape (B, N, d): (B, N)."""
    sig = _activation(activation)
    c, W, U = params["c"], params["W"], params["U"]
    xs = jnp.swapaxes(x, 0, 1)  # (N, B, d)

    def step(h, xk):
        h = h + dt * sig(h @ W.T + xk @ U.T)
        return h, h @ c
    _, ys = jax.lax.scan(step, jnp.zeros((x.shape[0], W.shape[0])), xs)
    return ys.T


def target_outputs(rho_values, x, dt):
    """H_N(x) = dt sum_j rho(t_j) . x_{N-1-j} for rho_values (N, d) and x (B, N, d): shape (B,)."""
    return dt * jnp.einsum("jd,bjd->b", rho_values, x[:, ::-1, :])


def sampled_loss(params, x, h_target, dt, activation="linear"):
    """Sampled-path loss: mean over the batch of (y_N(x) - H_N(x))^2 (eq. 17 without Ito)."""
    y = euler_outputs(params, x, dt, activation)[:, -1]
    return jnp.mean((y - h_target) ** 2)


def input_gram(x):
    """S = mean_b X_b X_b^T with X_b the reversed, flattened path x_b (shape (N d, N d)):
    with it the linear model's sampled-path loss is a quadratic form in the kernel."""
    B, N, d = x.shape
    X = np.asarray(x)[:, ::-1, :].reshape(B, N * d)
    return X.T @ X / B


def sampled_loss_linear(params, gram, rho_values, dt):
    """The linear model's sampled-path loss written through the input Gram matrix:
    dt^2 e^T S e with e = (k_j - rho(t_j)) flattened; equal to `sampled_loss` (linear) on the
    same paths, at the cost of N matrix-vector products instead of B N."""
    e = (kernel_euler(params, rho_values.shape[0], dt) - rho_values).reshape(-1)
    return dt ** 2 * e @ (gram @ e)


def white_noise_loss_euler(params, rho_values, dt):
    """Euler-discretised white-noise loss dt sum_j |k_j - rho(t_j)|^2: the exact expectation
    of `sampled_loss` (linear) over white-noise paths x_k = xi_k / sqrt(dt)."""
    e = kernel_euler(params, rho_values.shape[0], dt) - rho_values
    return dt * jnp.sum(e ** 2)


def _van_loan(A, Q, T):
    """int_0^T e^{A^T t} Q e^{A t} dt from one matrix exponential (Van Loan, 1978)."""
    n = A.shape[0]
    M = jnp.block([[-A.T, Q], [jnp.zeros((n, n)), A]]) * T
    F = jax.scipy.linalg.expm(M)
    return F[n:, n:].T @ F[:n, n:]


def white_noise_loss(params, target, T, nodes=2048):
    """The continuous white-noise loss J_T(c, W, U) = int_0^T |c^T e^{W t} U - rho(t)|^2 dt
    (eq. 74), d = 1.  For an ExpSum target rho = sum a*_j e^{-w*_j t} it is exact: the error
    kernel is C e^{A t} B with A = diag(W, -diag(w*)), and the integral is B^T G B with G from
    Van Loan's block exponential.  For other targets (Airy, memory bump): the model part
    int k^2 is exact in the same way and the rest is Gauss-Legendre quadrature on `nodes`
    points (64-point panels).  Differentiable in params (JAX)."""
    T = float(validation.positive(T, "T"))
    c, W, U = params["c"], params["W"], params["U"]
    if U.shape[-1] != 1:
        raise ValueError(f"white_noise_loss needs d = 1, got U of shape {U.shape}")
    b = U[:, 0]
    if target.exponential_part() == target:  # an exponential sum: the closed form
        a_s = jnp.asarray([float(v) for v in target.a])
        w_s = jnp.asarray([float(v) for v in target.w])
        m, ms = W.shape[0], len(a_s)
        A = jnp.block([[W, jnp.zeros((m, ms))], [jnp.zeros((ms, m)), -jnp.diag(w_s)]])
        Cv = jnp.concatenate([c, -a_s])
        Bv = jnp.concatenate([b, jnp.ones(ms)])
        return Bv @ _van_loan(A, jnp.outer(Cv, Cv), T) @ Bv
    panels = max(1, int(nodes) // 64)
    g, gw = np.polynomial.legendre.leggauss(64)
    edges = np.linspace(0.0, T, panels + 1)
    t = ((edges[:-1, None] + edges[1:, None]) / 2 + (edges[1:, None] - edges[:-1, None]) / 2 * g).ravel()
    wq = ((edges[1:, None] - edges[:-1, None]) / 2 * gw).ravel()
    r = jnp.asarray(rho_grid(target, t))
    kk = b @ _van_loan(W, jnp.outer(c, c), T) @ b
    k = jax.vmap(lambda s: c @ jax.scipy.linalg.expm(W * s) @ b)(jnp.asarray(t))
    return kk - 2 * jnp.sum(wq * k * r) + jnp.sum(wq * r * r)


def sequence_loss(params, x, y_target, dt, activation="tanh"):
    """Sequence-to-sequence loss: mean over batch and time of (y_k - y_target_k)^2, with
    y_target of shape (B, N) the outputs at t_1..t_N (Figure 1 (c))."""
    return jnp.mean((euler_outputs(params, x, dt, activation) - y_target) ** 2)
