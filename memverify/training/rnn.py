"""The continuous-time RNN h'(t) = sigma(W h + U x_t), y_t = c^T h_t, h_0 = 0
(eqs. 5-7), its Euler (residual) discretisation and its losses, in JAX.

Parameters are a dict ``{"c": (m,), "W": (m, m), "U": (m, d)}`` (a pytree).
Time is discretised on t_k = k dt, k = 0..N-1 with N = T/dt; the Euler step is
h_{k+1} = h_k + dt sigma(W h_k + U x_k), so that for the linear model the output
after N steps is y_N = dt sum_j c^T (I + dt W)^j U x_{N-1-j}: the discrete
kernel k_j = c^T (I + dt W)^j U at lag t_j = j dt.  The target functional is
discretised by the same rule, H_N(x) = dt sum_j rho(t_j) x_{N-1-j}.

Every function checks its arguments before any work (ValueError/TypeError naming them; the
limits below) and raises PrecisionError instead of returning inf or NaN.  Inside jit, grad
or vmap (JAX tracers, whose values are not known yet) only names, shapes and sizes are
checked: there a non-finite loss is what `optim.train` reports as a divergence.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from .. import validation
from ..backends import PrecisionError
from ..targets import Target
from .data import MAX_ENTRIES, rho_grid

ACTIVATIONS = {"linear": lambda z: z, "tanh": jnp.tanh}

# Limits, checked before any work (ValueError naming the argument).  Measured: the Euler
# recursion runs at about 2e9 multiply-adds per second on the 2-core machine, so one
# evaluation within MAX_CALL_WORK takes at most about 10 s (20 s with its gradient).
MAX_WIDTH = 1024            # m (and d): W holds m^2 numbers per initialisation
MAX_STEPS = 2**16           # N, Euler steps of one path or kernel
MAX_GRAM_SIDE = 4096        # N d, the side of the input Gram matrix (128 MiB)
MAX_NODES = 2**14           # white_noise_loss's quadrature nodes (each one rho value, 0.4 ms for Airy)
MAX_CALL_WORK = 2**34       # multiply-adds of one evaluation
PANEL_WIDTH = 8.0           # white_noise_loss's widest Gauss-Legendre panel (64 nodes each)


def _activation(name):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def _traced(v):
    return isinstance(v, jax.core.Tracer)


def _operand(v, name, ndim):
    """v as a float64 JAX array with `ndim` dimensions.  A concrete array must hold finite
    real numbers; a JAX tracer (inside jit, grad or vmap, values not known yet) is checked
    for its shape and dtype only."""
    if _traced(v):
        if v.ndim != ndim:
            raise ValueError(f"{name} must be {ndim}-dimensional, got shape {v.shape}")
        if not jnp.issubdtype(v.dtype, jnp.floating):
            raise TypeError(f"{name} must hold real numbers, got dtype {v.dtype}")
        return v
    return jnp.asarray(validation.array(v, name, ndim=ndim, max_entries=MAX_ENTRIES))


def _step(dt, name="dt"):
    """A time step: a finite real number > 0 (a tracer is passed through)."""
    return dt if _traced(dt) else float(validation.positive(dt, name))


def _params(params):
    """(c, W, U) of a parameter dict: c of shape (m,), W (m, m), U (m, d), m, d <= MAX_WIDTH."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict with keys 'c', 'W', 'U', got {type(params).__name__}")
    missing = [k for k in ("c", "W", "U") if k not in params]
    if missing:
        raise ValueError(f"params must have the keys 'c', 'W', 'U'; missing {missing}")
    c = _operand(params["c"], "params['c']", 1)
    W = _operand(params["W"], "params['W']", 2)
    U = _operand(params["U"], "params['U']", 2)
    m = W.shape[0]
    if W.shape != (m, m) or c.shape != (m,) or U.shape[0] != m:
        raise ValueError(f"params must have c of shape (m,), W (m, m), U (m, d); got c {c.shape}, W {W.shape}, "
                         f"U {U.shape}")
    if m > MAX_WIDTH or U.shape[1] > MAX_WIDTH:
        raise ValueError(f"the width m and input dimension d must be at most {MAX_WIDTH}, got U of shape {U.shape}")
    return c, W, U


def _paths(x, name, d):
    """Input paths of shape (B, N, d), N <= MAX_STEPS."""
    x = _operand(x, name, 3)
    if x.shape[2] != d:
        raise ValueError(f"{name} must have shape (B, N, {d}) (d from params['U']), got {x.shape}")
    if x.shape[1] > MAX_STEPS:
        raise ValueError(f"{name} must have at most {MAX_STEPS} steps, got {x.shape[1]}")
    return x


def _rho_values(rho_values, d):
    """rho at the lags t_j, shape (N, d), N <= MAX_STEPS."""
    r = _operand(rho_values, "rho_values", 2)
    if r.shape[1] != d:
        raise ValueError(f"rho_values must have shape (N, {d}) (d from params['U']), got {r.shape}")
    if r.shape[0] > MAX_STEPS:
        raise ValueError(f"rho_values must have at most {MAX_STEPS} rows, got {r.shape[0]}")
    return r


def _work(units, what):
    if units > MAX_CALL_WORK:
        raise ValueError(f"{what} = {units} multiply-adds, beyond the limit {MAX_CALL_WORK} of one evaluation "
                         f"(about 10 s)")


def _finite(value, what, remedy):
    """value itself when every entry is finite (or when it is a tracer: a training run
    reports a non-finite loss as a divergence); else PrecisionError naming the remedy."""
    if not _traced(value) and not bool(jnp.all(jnp.isfinite(value))):
        raise PrecisionError(f"{what} is not finite in float64 (it overflows): {remedy}")
    return value


_UNSTABLE = ("the Euler recursion grows when |1 + dt lambda| > 1 for an eigenvalue lambda of W; pass a smaller dt, "
             "fewer steps or smaller weights")


def init_params(seed, m, d=1, n_init=1, w_diag=1.0, w_scale=0.5, c_scale=1.0, u_scale=1.0):
    """`n_init` random initialisations (stacked on a leading axis) of width m, input dimension d.

    W = -w_diag I + w_scale G / sqrt(m) with G an m x m standard Gaussian matrix (a full,
    non-diagonal matrix whose eigenvalues lie in a disc of radius about w_scale around
    -w_diag); c ~ N(0, c_scale^2 / m) entrywise, U ~ N(0, u_scale^2 / m).  Returns numpy
    float64 arrays {"c": (n_init, m), "W": (n_init, m, m), "U": (n_init, m, d)}.
    Limits: m, d <= MAX_WIDTH, n_init * m * (m + d + 1) <= MAX_ENTRIES; scales whose
    products overflow float64 raise PrecisionError.
    """
    seed = validation.seed(seed)
    m = validation.integer(m, "m", minimum=1, maximum=MAX_WIDTH)
    d = validation.integer(d, "d", minimum=1, maximum=MAX_WIDTH)
    n_init = validation.integer(n_init, "n_init", minimum=1, maximum=MAX_ENTRIES)
    w_diag, w_scale = float(validation.real(w_diag, "w_diag")), float(validation.real(w_scale, "w_scale"))
    c_scale = float(validation.positive(c_scale, "c_scale"))
    u_scale = float(validation.positive(u_scale, "u_scale"))
    if n_init * m * (m + d + 1) > MAX_ENTRIES:
        raise ValueError(f"n_init * m * (m + d + 1) must be at most {MAX_ENTRIES}, got {n_init * m * (m + d + 1)}")
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((n_init, m, m))
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused below
        W = -w_diag * np.eye(m) + w_scale * G / np.sqrt(m)
        c = c_scale * rng.standard_normal((n_init, m)) / np.sqrt(m)
        U = u_scale * rng.standard_normal((n_init, m, d)) / np.sqrt(m)
    for name, v in (("W (w_diag, w_scale)", W), ("c (c_scale)", c), ("U (u_scale)", U)):
        if not np.all(np.isfinite(v)):
            raise PrecisionError(f"init_params: {name} overflows float64: pass smaller scales")
    return {"c": c, "W": W, "U": U}


def kernel_euler(params, n_steps, dt):
    """The discrete kernel k_j = c^T (I + dt W)^j U, j = 0..n_steps-1: shape (n_steps, d).
    n_steps <= MAX_STEPS."""
    c, W, U = _params(params)
    n_steps = validation.integer(n_steps, "n_steps", minimum=1, maximum=MAX_STEPS)
    dt = _step(dt)
    m, d = U.shape
    _work(n_steps * m * (m + d), "kernel_euler: n_steps * m * (m + d)")
    return _finite(_kernel(c, W, U, n_steps, dt), "the Euler kernel c^T (I + dt W)^j U", _UNSTABLE)


def _compiled_or_inline(f, static):
    """f itself inside a caller's trace (jit, grad, vmap of train: the scans inline as they
    always did; a nested jit there changed the last bits of the linear runs' numbers), and f
    compiled once per shape for a direct call (microseconds instead of a fresh trace)."""
    compiled = jax.jit(f, static_argnums=static)

    @functools.wraps(f)
    def run(*args):
        return f(*args) if any(_traced(a) for a in args) else compiled(*args)
    return run


@functools.partial(_compiled_or_inline, static=3)
def _kernel(c, W, U, n_steps, dt):
    A = jnp.eye(W.shape[0]) + dt * W

    def step(v, _):
        return A.T @ v, v @ U
    _, k = jax.lax.scan(step, c, None, length=n_steps)
    return k


@functools.partial(_compiled_or_inline, static=4)
def _outputs(c, W, U, x, activation, dt):
    sig = ACTIVATIONS[activation]
    xs = jnp.swapaxes(x, 0, 1)  # (N, B, d)

    def step(h, xk):
        h = h + dt * sig(h @ W.T + xk @ U.T)
        return h, h @ c
    _, ys = jax.lax.scan(step, jnp.zeros((x.shape[0], W.shape[0])), xs)
    return ys.T


def euler_outputs(params, x, dt, activation="linear"):
    """Outputs y_k = c^T h_k, k = 1..N, of the Euler RNN for inputs x of shape (B, N, d): (B, N).
    B N m <= MAX_ENTRIES (the states a gradient keeps), N <= MAX_STEPS."""
    _activation(activation)
    c, W, U = _params(params)
    m, d = U.shape
    x = _paths(x, "x", d)
    dt = _step(dt)
    B, N = x.shape[:2]
    if B * N * m > MAX_ENTRIES:
        raise ValueError(f"B * N * m (the states h_k of every path) must be at most {MAX_ENTRIES}, got {B * N * m}")
    _work(B * N * m * (m + d + 1), "euler_outputs: B * N * m * (m + d + 1)")
    return _finite(_outputs(c, W, U, x, activation, dt), "the Euler RNN's outputs", _UNSTABLE)


def target_outputs(rho_values, x, dt):
    """H_N(x) = dt sum_j rho(t_j) . x_{N-1-j} for rho_values (N, d) and x (B, N, d): shape (B,)."""
    r = _operand(rho_values, "rho_values", 2)
    x = _paths(x, "x", r.shape[1])
    dt = _step(dt)
    if x.shape[1] != r.shape[0]:
        raise ValueError(f"x must have as many steps as rho_values has rows ({r.shape[0]}), got shape {x.shape}")
    return _finite(dt * jnp.einsum("jd,bjd->b", r, x[:, ::-1, :]), "the target outputs H_N(x)",
                   "the inputs or rho are too large; rescale them")


def sampled_loss(params, x, h_target, dt, activation="linear"):
    """Sampled-path loss: mean over the batch of (y_N(x) - H_N(x))^2 (eq. 17 without Ito).
    h_target: shape (B,)."""
    _, _, U = _params(params)
    x = _paths(x, "x", U.shape[1])
    h = _operand(h_target, "h_target", 1)
    if h.shape != x.shape[:1]:
        raise ValueError(f"h_target must have shape {x.shape[:1]} (one value per path of x), got {h.shape}")
    y = euler_outputs(params, x, dt, activation)[:, -1]
    return _finite(jnp.mean((y - h) ** 2), "the sampled loss", _UNSTABLE)


def input_gram(x):
    """S = mean_b X_b X_b^T with X_b the reversed, flattened path x_b (shape (N d, N d)):
    with it the linear model's sampled-path loss is a quadratic form in the kernel.
    x: a concrete array (B, N, d) with N d <= MAX_GRAM_SIDE."""
    x = validation.array(x, "x", ndim=3, max_entries=MAX_ENTRIES)
    B, N, d = x.shape
    if N * d > MAX_GRAM_SIDE:
        raise ValueError(f"N * d (the Gram matrix's side) must be at most {MAX_GRAM_SIDE}, got {N * d}")
    _work(B * (N * d) ** 2, "input_gram: B * (N d)^2")
    X = x[:, ::-1, :].reshape(B, N * d)
    with np.errstate(over="ignore", invalid="ignore"):
        S = X.T @ X / B
    if not np.all(np.isfinite(S)):
        raise PrecisionError("input_gram: the Gram matrix overflows float64: rescale the paths x")
    return S


def sampled_loss_linear(params, gram, rho_values, dt):
    """The linear model's sampled-path loss written through the input Gram matrix:
    dt^2 e^T S e with e = (k_j - rho(t_j)) flattened; equal to `sampled_loss` (linear) on the
    same paths, at the cost of N matrix-vector products instead of B N.  gram: (N d, N d)."""
    c, W, U = _params(params)
    r = _rho_values(rho_values, U.shape[1])
    S = _operand(gram, "gram", 2)
    dt = _step(dt)
    side = r.shape[0] * r.shape[1]
    if S.shape != (side, side):
        raise ValueError(f"gram must have shape ({side}, {side}) (N d from rho_values), got {S.shape}")
    _work(side * side, "sampled_loss_linear: (N d)^2")
    e = (kernel_euler(params, r.shape[0], dt) - r).reshape(-1)
    try:
        dt2 = dt ** 2  # (not dt * dt: pow rounds differently for some dt, and the figures keep their bits)
    except OverflowError:  # a Python float dt beyond 1e154: the loss overflows, refused below
        dt2 = math.inf
    return _finite(dt2 * e @ (S @ e), "the sampled loss", _UNSTABLE)


def white_noise_loss_euler(params, rho_values, dt):
    """Euler-discretised white-noise loss dt sum_j |k_j - rho(t_j)|^2: the exact expectation
    of `sampled_loss` (linear) over white-noise paths x_k = xi_k / sqrt(dt)."""
    _, _, U = _params(params)
    r = _rho_values(rho_values, U.shape[1])
    dt = _step(dt)
    e = kernel_euler(params, r.shape[0], dt) - r
    return _finite(dt * jnp.sum(e ** 2), "the Euler white-noise loss", _UNSTABLE)


# The doublings _van_loan may add beyond T's own (||A||_1 up to 2^63 is resolved).
_NORM_DOUBLINGS = 64


def _doublings(T):
    """(k_T, the scan length of _van_loan at T): k_T = ceil(log2 T) + 1 halvings bring T below
    1/2, and up to _NORM_DOUBLINGS more bring ||A||_1 h below 1.  Two scan lengths only (T up
    to 2^63, and up to float64's largest), so that a direct call compiles twice per shape."""
    k_T = max(0, math.ceil(math.log2(T)) + 1)
    return k_T, (2 if k_T <= _NORM_DOUBLINGS else 18) * _NORM_DOUBLINGS


def _van_loan(A, Q, T):
    """int_0^T e^{A^T t} Q e^{A t} dt.  Van Loan's block exponential (1978) on a short step
    h = T / 2^k with ||A||_1 h <= 1, then k doublings G(2h) = G(h) + e^{A^T h} G(h) e^{A h}.
    (Van Loan over the whole [0, T] multiplies e^{A T} by a block that grows like e^{-A^T T}:
    with a full W that cancelled every digit, J_T = 0.39 came out as -7e26 at T = 100.)"""
    if not _traced(A):
        norm = float(jnp.max(jnp.sum(jnp.abs(A), axis=0)))
        if norm > 2.0 ** (_NORM_DOUBLINGS - 1):
            raise PrecisionError(f"white_noise_loss: ||A||_1 = {norm:.3g} is beyond 2^{_NORM_DOUBLINGS - 1}, where "
                                 f"the block exponential loses its digits: pass smaller weights or target rates")
    k_T, length = _doublings(T)
    return _van_loan_scan(A, Q, math.ldexp(T, -k_T), k_T, length)


@functools.partial(_compiled_or_inline, static=4)
def _van_loan_scan(A, Q, h_T, k_T, length):
    n = A.shape[0]
    norm = jax.lax.stop_gradient(jnp.max(jnp.sum(jnp.abs(A), axis=0)))  # the step count has no derivative
    k_A = jnp.clip(jnp.ceil(jnp.log2(jnp.maximum(norm, 1.0))), 0, _NORM_DOUBLINGS).astype(int)
    h = h_T * jnp.exp2(-k_A.astype(float))
    M = jnp.block([[-A.T, Q], [jnp.zeros((n, n)), A]]) * h
    F = jax.scipy.linalg.expm(M)
    E = F[n:, n:]
    G = E.T @ F[:n, n:]
    k = k_T + k_A

    def double(carry, j):
        E, G = carry
        go = j < k
        return (jnp.where(go, E @ E, E), jnp.where(go, G + E.T @ G @ E, G)), None
    (_, G), _ = jax.lax.scan(double, (E, G), jnp.arange(length))
    return G


@functools.partial(_compiled_or_inline, static=())
def _model_kernel(c, W, b, t):
    """c^T e^{W s} b at each time s of t."""
    return jax.vmap(lambda s: c @ jax.scipy.linalg.expm(W * s) @ b)(t)


def white_noise_loss(params, target, T, nodes=2048):
    """The continuous white-noise loss J_T(c, W, U) = int_0^T |c^T e^{W t} U - rho(t)|^2 dt
    (eq. 74), d = 1.  For an ExpSum target rho = sum a*_j e^{-w*_j t} it is exact: the error
    kernel is C e^{A t} B with A = diag(W, -diag(w*)), and the integral is B^T G B with G from
    Van Loan's block exponential (on a short step, then doubled to T).  For other targets
    (Airy, memory bump): the model part int k^2 is exact in the same way and the rest is
    Gauss-Legendre quadrature on `nodes` points (64-point panels, each at most PANEL_WIDTH = 8
    time units wide: nodes >= 64 ceil(T / 8)).  Differentiable in params (JAX).

    Limits: nodes <= MAX_NODES, the work within MAX_CALL_WORK, ||A||_1 <= 2^63.  A loss that
    overflows float64 (W with an eigenvalue of positive real part and a long T) raises
    PrecisionError on concrete input; under jit or grad only shapes are checked."""
    c, W, U = _params(params)
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target, got {type(target).__name__}")
    T = float(validation.positive(T, "T"))
    nodes = validation.integer(nodes, "nodes", minimum=1, maximum=MAX_NODES)
    if U.shape[-1] != 1:
        raise ValueError(f"params['U'] must have shape (m, 1): white_noise_loss needs d = 1, got {U.shape}")
    b = U[:, 0]
    m = W.shape[0]
    doublings = _doublings(T)[1]
    if target.exponential_part() == target:  # an exponential sum: the closed form
        a_s = jnp.asarray([float(v) for v in target.a])
        w_s = jnp.asarray([float(v) for v in target.w])
        ms = len(a_s)
        _work(doublings * 3 * (m + ms) ** 3 + 160 * (m + ms) ** 3,
              "white_noise_loss: Van Loan's doublings * 3 (m + m*)^3 + expm")
        A = jnp.block([[W, jnp.zeros((m, ms))], [jnp.zeros((ms, m)), -jnp.diag(w_s)]])
        Cv = jnp.concatenate([c, -a_s])
        Bv = jnp.concatenate([b, jnp.ones(ms)])
        return _finite(Bv @ _van_loan(A, jnp.outer(Cv, Cv), T) @ Bv, "J_T",
                       "W has an eigenvalue with positive real part and T is long; pass a smaller T")
    panels = max(1, int(nodes) // 64)
    if T / panels > PANEL_WIDTH:
        raise ValueError(f"nodes must be at least 64 * ceil(T / {PANEL_WIDTH:g}) = {64 * math.ceil(T / PANEL_WIDTH)} "
                         f"for T = {T!r} (Gauss-Legendre panels at most {PANEL_WIDTH:g} wide), got {nodes}")
    _work(panels * 64 * 20 * m ** 3 + doublings * 3 * m ** 3, "white_noise_loss: nodes * 20 m^3 (one expm per node)")
    g, gw = np.polynomial.legendre.leggauss(64)
    edges = np.linspace(0.0, T, panels + 1)
    t = ((edges[:-1, None] + edges[1:, None]) / 2 + (edges[1:, None] - edges[:-1, None]) / 2 * g).ravel()
    wq = ((edges[1:, None] - edges[:-1, None]) / 2 * gw).ravel()
    r = jnp.asarray(rho_grid(target, t))
    kk = b @ _van_loan(W, jnp.outer(c, c), T) @ b
    k = _model_kernel(c, W, b, jnp.asarray(t))
    return _finite(kk - 2 * jnp.sum(wq * k * r) + jnp.sum(wq * r * r), "J_T",
                   "W has an eigenvalue with positive real part and T is long; pass a smaller T")


def sequence_loss(params, x, y_target, dt, activation="tanh"):
    """Sequence-to-sequence loss: mean over batch and time of (y_k - y_target_k)^2, with
    y_target of shape (B, N) the outputs at t_1..t_N (Figure 1 (c))."""
    _, _, U = _params(params)
    x = _paths(x, "x", U.shape[1])
    yt = _operand(y_target, "y_target", 2)
    if yt.shape != x.shape[:2]:
        raise ValueError(f"y_target must have shape {x.shape[:2]} (B, N of x), got {yt.shape}")
    y = euler_outputs(params, x, dt, activation)
    return _finite(jnp.mean((y - yt) ** 2), "the sequence loss", _UNSTABLE)
