"""Optimisers (optax) and a training driver: many initialisations at once (vmap), the
iterations in jitted chunks (lax.scan), divergence detected and reported."""

from __future__ import annotations

import time
from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import validation
from .data import MAX_ENTRIES

OPTIMIZERS = ("gd", "heavy-ball", "adam")

# Limits of `train`, checked before any work.  Its own work is n_init * n_iter evaluations of
# loss_fn and its gradient (their cost is the caller's; experiments.Setting bounds it for the
# paper's losses).  10^6 iterations of a trivial loss take about 1 s; the paper's longest run
# is 30000.  Chunks beyond MAX_CHUNKS would spend the time dispatching, not computing.
MAX_ITERATIONS = 10**6
MAX_CHUNKS = 1000
# What `loss` holds where no loss was recorded (a diverged run, from its diverged_at on;
# `recorded` says where): the package's losses are >= 0, so -1 is no plausible value, and
# it is not NaN, which the input contract keeps out of every result.
NOT_RECORDED = -1.0


def make_optimizer(name, lr, momentum=0.9):
    """An optax optimiser: 'gd' (plain gradient descent, optax.sgd), 'heavy-ball'
    (optax.sgd with Polyak momentum `momentum` in (0, 1)) or 'adam' (optax.adam, default
    betas).  lr: a finite number > 0, not bounded above (a rate too large for the loss makes
    the run diverge, which `train` reports as data)."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
    lr = float(validation.positive(lr, "lr"))
    if name == "gd":
        return optax.sgd(lr)
    if name == "heavy-ball":
        momentum = float(validation.positive(momentum, "momentum"))
        if momentum >= 1:
            raise ValueError(f"momentum must be < 1, got {momentum}")
        return optax.sgd(lr, momentum=momentum)
    return optax.adam(lr)


def _tree_finite(tree):
    return jnp.all(jnp.array([jnp.all(jnp.isfinite(v)) for v in jax.tree_util.tree_leaves(tree)]))


def _stacked_params(params):
    """params as a dict of float64 JAX arrays stacked on a leading axis of one length n_init."""
    if not isinstance(params, Mapping) or not params:
        raise TypeError(f"params must be a non-empty dict of arrays, got {type(params).__name__}")
    out = {}
    for key, v in params.items():
        arr = validation.array(v, f"params[{key!r}]", max_entries=MAX_ENTRIES)
        if arr.ndim < 1:
            raise ValueError(f"params[{key!r}] must have a leading axis (the initialisations), got a scalar")
        out[key] = jnp.asarray(arr)
    lengths = {v.shape[0] for v in out.values()}
    if len(lengths) != 1:
        raise ValueError(f"params' arrays must share the leading axis (n_init), got lengths {sorted(lengths)}")
    if sum(v.size for v in out.values()) > MAX_ENTRIES:
        raise ValueError(f"params must hold at most {MAX_ENTRIES} numbers in all")
    return out


def train(loss_fn, params, optimizer, n_iter, chunks=20, progress=None):
    """Minimise `loss_fn(params) -> scalar` from every initialisation in `params` (a dict of
    arrays stacked on a leading axis of length n_init) for `n_iter` iterations.

    Returns a dict of numpy data:
    - "loss" (n_init, n_iter + 1): the loss before each update and after the last, where
      "recorded" (a boolean array of the same shape) is True.  A diverged run's entries from
      its diverged_at on were not recorded and hold the sentinel NOT_RECORDED = -1.0 (never
      NaN or inf; leave them out of any statistic);
    - "params": the final parameters, or the last finite ones of a diverged run;
    - "diverged_at" (n_init,): the first iteration k whose loss L_k was not recorded (the loss
      or its gradient at the parameters p_k was not finite, or p_k itself was not because the
      update before overflowed; n_iter: only the loss after the last update), -1 for none;
    - "seconds" and "seconds_per_iteration" (wall time of all initialisations together,
      compilation excluded), "compile_seconds".
    `progress(done, total)` (None or callable) is called after every chunk.

    Limits: n_iter <= MAX_ITERATIONS, chunks <= MAX_CHUNKS, n_init * (n_iter + 1) <=
    MAX_ENTRIES (the loss history); the parameters finite, at most MAX_ENTRIES numbers."""
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update", None))):
        raise TypeError(f"optimizer must be an optax GradientTransformation (make_optimizer), "
                        f"got {type(optimizer).__name__}")
    n_iter = validation.integer(n_iter, "n_iter", minimum=1, maximum=MAX_ITERATIONS)
    chunks = validation.integer(chunks, "chunks", minimum=1, maximum=MAX_CHUNKS)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or callable, got {type(progress).__name__}")
    params = _stacked_params(params)
    n_init = next(iter(params.values())).shape[0]
    if n_init * (n_iter + 1) > MAX_ENTRIES:
        raise ValueError(f"n_init * (n_iter + 1) (the loss history) must be at most {MAX_ENTRIES}, "
                         f"got {n_init * (n_iter + 1)}")
    try:
        out = jax.eval_shape(jax.vmap(loss_fn), params)  # traces loss_fn once: shapes, no work
    except TypeError as exc:  # JAX's own (an output that is no array...): say whose
        raise TypeError(f"loss_fn must map params to a real scalar: {str(exc).splitlines()[0]}") from exc
    if not (hasattr(out, "shape") and out.shape == (n_init,) and jnp.issubdtype(out.dtype, jnp.floating)):
        raise TypeError(f"loss_fn must return a real scalar, got {getattr(out, 'shape', type(out).__name__)}")
    vg = jax.value_and_grad(loss_fn)

    def one(carry, _):
        p, s, alive, it, div = carry
        loss, g = vg(p)
        ok = jnp.isfinite(loss) & _tree_finite(g) & alive
        upd, s_new = optimizer.update(g, s, p)
        p_new = optax.apply_updates(p, upd)
        ok_next = ok & _tree_finite(p_new)
        keep = lambda new, old: jax.tree_util.tree_map(lambda a, b: jnp.where(ok_next, a, b), new, old)  # noqa: E731
        # the first unrecorded loss: this one (not finite), or the next (its parameters are not)
        div = jnp.where(alive & ~ok, it, jnp.where(ok & ~ok_next, it + 1, div))
        return (keep(p_new, p), keep(s_new, s), ok_next, it + 1, div), jnp.where(ok, loss, NOT_RECORDED)

    sizes = [n_iter // chunks + (1 if i < n_iter % chunks else 0) for i in range(chunks)]
    sizes = [s for s in sizes if s > 0]
    runners = {}

    state = jax.vmap(optimizer.init)(params)
    carry = (params, state, jnp.ones(n_init, bool), jnp.zeros(n_init, int), -jnp.ones(n_init, int))
    t0 = time.perf_counter()
    for size in set(sizes):  # compile (once per chunk length) outside the timing
        runners[size] = jax.jit(jax.vmap(lambda c, n=size: jax.lax.scan(one, c, None, length=n))).lower(carry).compile()
    t_compile = time.perf_counter() - t0
    losses, done = [], 0
    t1 = time.perf_counter()
    for size in sizes:
        carry, ls = runners[size](carry)
        losses.append(np.asarray(ls))
        done += size
        if progress is not None:
            progress(done, n_iter)
    final = np.asarray(jax.vmap(loss_fn)(carry[0]))
    alive = np.asarray(carry[2])
    last = alive & np.isfinite(final)
    div = np.asarray(carry[4]).copy()
    div[alive & ~last] = n_iter  # finite parameters, but the loss after the last update is not
    seconds = time.perf_counter() - t1
    loss = np.concatenate(losses + [np.where(last, final, NOT_RECORDED)[:, None]], axis=1)
    recorded = (div < 0)[:, None] | (np.arange(n_iter + 1)[None, :] < div[:, None])
    return {"loss": np.where(recorded, loss, NOT_RECORDED), "recorded": recorded,
            "params": {k: np.asarray(v) for k, v in carry[0].items()},
            "diverged_at": div, "seconds": seconds, "compile_seconds": t_compile,
            "seconds_per_iteration": seconds / n_iter}
