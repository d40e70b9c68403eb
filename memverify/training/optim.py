"""Optimisers (optax) and a training driver: many initialisations at once (vmap), the
iterations in jitted chunks (lax.scan), divergence detected and reported."""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import validation

OPTIMIZERS = ("gd", "heavy-ball", "adam")


def make_optimizer(name, lr, momentum=0.9):
    """An optax optimiser: 'gd' (plain gradient descent, optax.sgd), 'heavy-ball'
    (optax.sgd with Polyak momentum `momentum`) or 'adam' (optax.adam, default betas)."""
    lr = float(validation.positive(lr, "lr"))
    if name == "gd":
        return optax.sgd(lr)
    if name == "heavy-ball":
        momentum = float(validation.positive(momentum, "momentum"))
        if momentum >= 1:
            raise ValueError(f"momentum must be < 1, got {momentum}")
        return optax.sgd(lr, momentum=momentum)
    if name == "adam":
        return optax.adam(lr)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")


def _tree_finite(tree):
    return jnp.all(jnp.array([jnp.all(jnp.isfinite(v)) for v in jax.tree_util.tree_leaves(tree)]))


def train(loss_fn, params, optimizer, n_iter, chunks=20, progress=None):
    """Minimise `loss_fn(params) -> scalar` from every initialisation in `params` (a dict of
    arrays stacked on a leading axis of length n_init) for `n_iter` iterations.

    Returns a dict of numpy data: "loss" (n_init, n_iter + 1), the loss before each update
    and after the last (NaN after a divergence), "params" (the final parameters, or the last
    finite ones of a diverged run), "diverged_at" (n_init,) the first iteration whose loss or
    gradient was not finite (-1: none), "seconds", and "seconds_per_iteration" (wall time of
    all initialisations together, compilation excluded).  `progress(done, total)` is called
    after every chunk."""
    n_iter = validation.integer(n_iter, "n_iter", minimum=1)
    chunks = validation.integer(chunks, "chunks", minimum=1)
    vg = jax.value_and_grad(loss_fn)

    def one(carry, _):
        p, s, alive, it, div = carry
        loss, g = vg(p)
        ok = jnp.isfinite(loss) & _tree_finite(g) & alive
        upd, s_new = optimizer.update(g, s, p)
        p_new = optax.apply_updates(p, upd)
        ok_next = ok & _tree_finite(p_new)
        keep = lambda new, old: jax.tree_util.tree_map(lambda a, b: jnp.where(ok_next, a, b), new, old)  # noqa: E731
        div = jnp.where(alive & ~ok, it, div)
        return (keep(p_new, p), keep(s_new, s), ok_next, it + 1, div), jnp.where(ok, loss, jnp.nan)

    sizes = [n_iter // chunks + (1 if i < n_iter % chunks else 0) for i in range(chunks)]
    sizes = [s for s in sizes if s > 0]
    runners = {}

    params = jax.tree_util.tree_map(jnp.asarray, params)
    n_init = jax.tree_util.tree_leaves(params)[0].shape[0]
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
    final = np.where(alive & np.isfinite(final), final, np.nan)
    seconds = time.perf_counter() - t1
    return {"loss": np.concatenate(losses + [final[:, None]], axis=1),
            "params": {k: np.asarray(v) for k, v in carry[0].items()},
            "diverged_at": np.asarray(carry[4]), "seconds": seconds, "compile_seconds": t_compile,
            "seconds_per_iteration": seconds / n_iter}
