"""The settings of Figures 1 and 4 (Appendix C.3) as plain frozen dataclasses, and a runner
that trains every initialisation of a setting and returns plain data (lists, numbers,
strings; no NaN: a diverged run is reported as such and left out of the statistics).

Choices where the paper is silent (all are fields of `Setting`): initialisation
W = -w_diag I + w_scale G/sqrt(m), c, U ~ N(0, 1/m); learning rates of Figure 1; iteration
counts; the Figure 4 time step dt = 0.1 (N = 320 Euler steps); white-noise samples of unit
variance per step (sd = 1: "standard white noise"); J = 4 cosines; Lorenz 96 with K = 8, an
Ornstein-Uhlenbeck forcing of sd 3 and correlation time 1; the plateau measure's parameters (the same everywhere: a band of rtol = 10%, a floor of 5% of
the initial loss, and a plateau must last at least a tenth of the run's iterations).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field, replace

import jax
import jax.numpy as jnp
import numpy as np

from .. import validation
from ..targets import Airy, ExpSum, MemoryBump
from .data import cosine_inputs, lorenz96, random_expsum_target, rho_grid, white_noise_inputs
from .optim import make_optimizer, train
from .plateau import PlateauParams, plateau_measure
from .rnn import (init_params, input_gram, sampled_loss, sampled_loss_linear, sequence_loss, target_outputs,
                  white_noise_loss_euler)

TARGETS = ("expsum-random", "airy", "bump", "lorenz96")
LOSSES = ("white-noise-euler", "sampled", "sequence")
INPUTS = ("white", "cosine", "lorenz")


@dataclass(frozen=True)
class Setting:
    """One experiment: a target, a model, a loss, an optimiser, n_init initialisations.

    target: 'expsum-random' (Fig. 1 (a); target_seed, m_star), 'airy' (s0, t0), 'bump'
    (eq. 119: e^{-t} + c0 e^{-(t - inv_omega)^2 / (2 sigma^2)}) or 'lorenz96' (Fig. 1 (c)).
    loss: 'white-noise-euler' (dt sum_j |k_j - rho(t_j)|^2, linear only), 'sampled' (mean of
    (y_N - H_N)^2 over `batch` fixed input paths) or 'sequence' (Lorenz 96).  Times T and dt
    in the model's time units; lr the learning rate; n_iter the iterations per run."""

    name: str
    target: str
    loss: str
    activation: str = "linear"
    optimizer: str = "gd"
    lr: float = 0.1
    n_iter: int = 1000
    inputs: str = "white"
    T: float = 6.4
    dt: float = 0.1
    batch: int = 128
    m: int = 16
    n_init: int = 10
    seed: int = 0
    data_seed: int = 1
    w_diag: float = 1.0
    w_scale: float = 0.1
    c_scale: float = 1.0
    u_scale: float = 1.0
    s0: float = 2.25
    t0: float = 3.0
    inv_omega: float = 20.0
    c0: float = 1.0
    sigma: float = 1.0
    target_seed: int = 0
    m_star: int = 8
    white_sd: float = 1.0
    J: int = 4
    lam_max: float = 10.0
    lorenz_K: int = 8
    lorenz_forcing_sd: float = 3.0
    lorenz_forcing_tau: float = 1.0
    momentum: float = 0.9
    fresh_batch: int = 512
    plateau: PlateauParams = field(default_factory=PlateauParams)

    def __post_init__(self):
        for key, allowed in (("target", TARGETS), ("loss", LOSSES), ("inputs", INPUTS)):
            if getattr(self, key) not in allowed:
                raise ValueError(f"{key} must be one of {allowed}, got {getattr(self, key)!r}")
        if self.activation not in ("linear", "tanh"):
            raise ValueError(f"activation must be 'linear' or 'tanh', got {self.activation!r}")
        if self.loss == "white-noise-euler" and self.activation != "linear":
            raise ValueError("loss 'white-noise-euler' is the linear model's closed form: activation must be 'linear'")
        for key in ("lr", "T", "dt", "sigma", "s0", "inv_omega", "lam_max"):
            validation.positive(getattr(self, key), key)
        for key in ("n_iter", "batch", "m", "n_init", "J", "m_star"):
            validation.integer(getattr(self, key), key, minimum=1)
        if self.n_steps < 2:
            raise ValueError(f"T / dt must give at least 2 Euler steps, got T={self.T}, dt={self.dt}")

    @property
    def n_steps(self):
        return int(round(self.T / self.dt))

    def as_dict(self):
        return asdict(self)

    def with_(self, **changes):
        return replace(self, **changes)


def make_target(s):
    """The memverify target of a setting (None for Lorenz 96), and a description."""
    if s.target == "expsum-random":
        tgt, mats = random_expsum_target(s.target_seed, s.m_star)
        return tgt, {"kind": "c*^T e^{W* t} b*, W* = -I - Z^T Z", "seed": s.target_seed, "m_star": s.m_star,
                     "as_expsum": tgt.as_dict(), **mats}
    if s.target == "airy":
        tgt = Airy(s.s0, s.t0)
        return tgt, tgt.as_dict()
    if s.target == "bump":
        tgt = MemoryBump(ExpSum([1.0], [1.0]), omega=1.0 / s.inv_omega, c0=s.c0, sigma=s.sigma)
        return tgt, {"kind": "MemoryBump (eq. 119)", "rho": "e^{-t} + c0 e^{-(t - 1/omega)^2 / (2 sigma^2)}",
                     "inv_omega": s.inv_omega, "c0": s.c0, "sigma": s.sigma}
    return None, {"kind": "Lorenz 96", "K": s.lorenz_K, "forcing": "Ornstein-Uhlenbeck",
                  "forcing_sd": s.lorenz_forcing_sd, "forcing_tau": s.lorenz_forcing_tau}


def _inputs(s):
    if s.inputs == "white":
        return white_noise_inputs(s.data_seed, s.batch, s.n_steps, s.dt, sd=s.white_sd)
    return cosine_inputs(s.data_seed, s.batch, s.n_steps, s.dt, J=s.J, lam_max=s.lam_max)


def loss_function(s):
    """loss(params) -> scalar for one initialisation of the setting (data fixed by data_seed)."""
    if s.target == "lorenz96":
        if s.loss != "sequence":
            raise ValueError("the Lorenz 96 target needs loss 'sequence'")
        x, y = lorenz96(s.data_seed, s.batch, s.n_steps, s.dt, K=s.lorenz_K, forcing_sd=s.lorenz_forcing_sd,
                        forcing_tau=s.lorenz_forcing_tau)
        x, y = jnp.asarray(x), jnp.asarray(y)
        return lambda p: sequence_loss(p, x, y, s.dt, s.activation)
    tgt, _ = make_target(s)
    r = jnp.asarray(rho_grid(tgt, s.dt * np.arange(s.n_steps))[:, None])
    if s.loss == "white-noise-euler":
        return lambda p: white_noise_loss_euler(p, r, s.dt)
    if s.loss != "sampled":
        raise ValueError(f"target {s.target!r} needs loss 'white-noise-euler' or 'sampled'")
    x = _inputs(s)
    if s.activation == "linear":  # the same loss through the input Gram matrix (tests: equal)
        S = jnp.asarray(input_gram(x))
        return lambda p: sampled_loss_linear(p, S, r, s.dt)
    x = jnp.asarray(x)
    h = target_outputs(r, x, s.dt)
    return lambda p: sampled_loss(p, x, h, s.dt, s.activation)


def fresh_loss_function(s):
    """The sampled loss of setting `s` on `s.fresh_batch` fresh paths (data_seed + 7919) that
    training never saw: how much of a fall in the training loss is learning rather than fitting
    the batch.  None for losses that are not sampled, or when fresh_batch = 0."""
    if s.loss != "sampled" or s.fresh_batch == 0:
        return None
    return loss_function(s.with_(data_seed=s.data_seed + 7919, batch=s.fresh_batch))


def _log_indices(n, points=600):
    idx = np.unique(np.round(np.geomspace(1, n + 1, points)).astype(int) - 1)
    return np.union1d(idx, np.arange(min(n + 1, 50)))


def _stats(values):
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"mean": None, "sd": None, "min": None, "max": None, "n": 0}
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if v.size > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max()), "n": int(v.size)}


_CACHE = {}


def run_setting(s, progress=None, cache=True):
    """Train every initialisation of setting `s`; plain data (see module doc).

    Keys: setting, target, runs (per run: status 'ok' or 'diverged at iteration k', final
    loss, plateau measure, final parameters c, W, U as lists), loss_iterations and
    loss_curves (the loss at log-spaced iterations, None after a divergence), plateau
    statistics over the finite runs (length mean/sd/min/max, n_with_plateau, n_censored),
    final_loss and, for sampled losses, fresh_loss (the trained models on 512 unseen paths),
    seconds, seconds_per_iteration (all initialisations together) and per run."""
    if not isinstance(s, Setting):
        raise TypeError(f"setting must be a Setting, got {type(s).__name__}")
    key = json.dumps(s.as_dict(), sort_keys=True, default=str)
    if cache and key in _CACHE:
        return _CACHE[key]
    t0 = time.perf_counter()
    f = loss_function(s)
    _, tdesc = make_target(s)
    d = 1
    params = init_params(s.seed, s.m, d, s.n_init, s.w_diag, s.w_scale, s.c_scale, s.u_scale)
    res = train(f, params, make_optimizer(s.optimizer, s.lr, s.momentum), s.n_iter,
                chunks=20 if progress is not None else 1, progress=progress)
    L = res["loss"]
    fresh_f = fresh_loss_function(s)
    fresh = None if fresh_f is None else np.asarray(jax.vmap(fresh_f)(
        {k: jnp.asarray(v) for k, v in res["params"].items()}))
    idx = _log_indices(s.n_iter)
    runs, lengths, curves = [], [], []
    for i in range(s.n_init):
        div = int(res["diverged_at"][i])
        p = {k: v[i].tolist() for k, v in res["params"].items()}
        run = {"index": i, "initial_loss": float(L[i, 0]), "parameters": p}
        if div >= 0 or not np.all(np.isfinite(L[i])):
            run.update(status=f"diverged at iteration {div}", final_loss=None, plateau=None)
        else:
            pm = plateau_measure(L[i], s.plateau)
            run.update(status="ok", final_loss=float(L[i, -1]), plateau=pm)
            if fresh is not None and np.isfinite(fresh[i]):
                run["fresh_loss"] = float(fresh[i])
            lengths.append(pm["length"])
        runs.append(run)
        curves.append([None if not math.isfinite(v) else float(v) for v in L[i, idx]])
    ok = [r for r in runs if r["status"] == "ok"]
    out = {"setting": s.as_dict(), "target": tdesc, "runs": runs,
           "loss_iterations": idx.tolist(), "loss_curves": curves,
           "plateau_length": _stats(lengths),
           "n_with_plateau": sum(r["plateau"]["has_plateau"] for r in ok),
           "n_censored": sum(r["plateau"]["censored"] for r in ok),
           "n_finite": len(ok), "n_diverged": s.n_init - len(ok),
           "final_loss": _stats([r["final_loss"] for r in ok]),
           "fresh_loss": _stats([r["fresh_loss"] for r in ok if "fresh_loss" in r]),
           "seconds": time.perf_counter() - t0, "compile_seconds": res["compile_seconds"],
           "seconds_per_iteration": res["seconds_per_iteration"],
           "seconds_per_iteration_per_run": res["seconds_per_iteration"] / s.n_init}
    if cache:
        _CACHE[key] = out
    return out


def summary(result):
    """The run's data without curves and parameters (for claims' evidence)."""
    keep = ("plateau_length", "n_with_plateau", "n_censored", "n_finite", "n_diverged", "final_loss", "fresh_loss",
            "seconds", "seconds_per_iteration", "seconds_per_iteration_per_run")
    return {"name": result["setting"]["name"], **{k: result[k] for k in keep},
            "plateau_lengths": [r["plateau"]["length"] if r["plateau"] else None for r in result["runs"]],
            "statuses": sorted(set(r["status"] for r in result["runs"]))}


# ---------------------------------------------------------------------------
# the paper's settings

def figure1_settings(full=True):
    """Figure 1: (a) random exp-sum and (b) Airy (t0 = 3; t0 = 2 and 4 for the trend) with a
    linear RNN (width 16, T = 6.4, dt = 0.1) and GD (lr 0.05) on the white-noise Euler loss;
    (c) Lorenz 96 with a tanh RNN and Adam (lr 1e-3) on the sequence loss of 128 paths.
    full=False: the reduced runs of the default check tier (4 initialisations instead of 10,
    5000 GD iterations instead of 20000 and t0 = 2, 3 only; Lorenz 96: 2 initialisations,
    64 paths, 1400 iterations instead of 3000)."""
    n_init, n_gd, t0s = (10, 20000, (2.0, 3.0, 4.0)) if full else (4, 5000, (2.0, 3.0))
    base = dict(T=6.4, dt=0.1, m=16)
    gd = dict(loss="white-noise-euler", activation="linear", optimizer="gd", lr=0.05, n_iter=n_gd, n_init=n_init,
              plateau=PlateauParams(rtol=0.1, level=0.05, min_length=n_gd // 10), **base)
    out = {"a": Setting("fig1a-expsum", "expsum-random", **gd)}
    for t0 in t0s:
        out[f"b-t0={t0:g}"] = Setting(f"fig1b-airy-t0={t0:g}", "airy", t0=t0, s0=2.25, **gd)
    lz = dict(n_init=10, batch=128, n_iter=3000) if full else dict(n_init=2, batch=64, n_iter=1400)
    out["c"] = Setting("fig1c-lorenz96", "lorenz96", loss="sequence", activation="tanh", optimizer="adam",
                       lr=1e-3, plateau=PlateauParams(rtol=0.1, level=0.05, min_length=lz["n_iter"] // 10), **lz, **base)
    return out


# GD learning rates of Figure 4.  The paper's 1.0 diverges under this package's scaling
# (unit-variance samples, H = dt sum rho x): for cosine inputs at 1.0 and at 0.3 every run
# diverged (README); the cosine sums' Gram matrix has a top eigenvalue about 30 times that
# of white noise, hence the smaller rate for them.
GD_LR = {"white": 0.3, "cosine": 0.01}


def figure4_settings(full=True, inv_omega=20.0):
    """Figure 4: the memory bump (eq. 119) at 1/omega = 20, T = 32, dt = 0.1, 128 paths,
    full W; linear and tanh; GD (lr GD_LR) and Adam (lr 1e-3); white-noise and cosine inputs.
    full=False: the reduced runs of the default check tier (1/omega = 10, T = 16, dt = 0.2, 64
    paths, 3 initialisations, fewer iterations, no fresh-path loss)."""
    if full:
        its = {("linear", "gd"): 30000, ("linear", "adam"): 3000, ("tanh", "gd"): 1500, ("tanh", "adam"): 1500}
        base = dict(T=32.0, n_init=10, inv_omega=inv_omega)
    else:
        its = {("linear", "gd"): 3000, ("linear", "adam"): 1000, ("tanh", "gd"): 300, ("tanh", "adam"): 300}
        base = dict(T=16.0, dt=0.2, n_init=3, inv_omega=10.0, fresh_batch=0)
    out = {}
    for inputs in ("white", "cosine"):
        for act in ("linear", "tanh"):
            for opt in ("gd", "adam"):
                n = its[(act, opt)]
                out[f"{inputs}-{act}-{opt}"] = Setting(
                    f"fig4-{inputs}-{act}-{opt}", "bump", "sampled", activation=act, optimizer=opt,
                    lr=(GD_LR[inputs] if opt == "gd" else 1e-3), n_iter=n, inputs=inputs,
                    batch=128 if full else 64,
                    plateau=PlateauParams(rtol=0.1, level=0.05, min_length=n // 10), **base)
    return out


def run_settings(settings, progress=None):
    """run_setting over a dict name -> Setting; progress(done, total) counts iterations."""
    total = sum(s.n_iter for s in settings.values())
    done, out = 0, {}
    for name, s in settings.items():
        cb = None if progress is None else (lambda d, t, base=done: progress(base + d, total))
        out[name] = run_setting(s, progress=cb)
        done += s.n_iter
    return out


def fit_log_linear(x, y):
    """Least squares log(y) = intercept + slope x; slope, its standard error, intercept."""
    x, ly = np.asarray(x, float), np.log(np.asarray(y, float))
    if x.size < 3:
        raise ValueError("a fit needs at least 3 points")
    A = np.vstack([np.ones_like(x), x]).T
    coef, *_ = np.linalg.lstsq(A, ly, rcond=None)
    resid = ly - A @ coef
    s2 = resid @ resid / (x.size - 2)
    cov = s2 * np.linalg.inv(A.T @ A)
    return {"slope": float(coef[1]), "se": float(np.sqrt(cov[1, 1])), "intercept": float(coef[0]),
            "n_points": int(x.size)}


def memory_sweep(base, inv_omegas, progress=None):
    """Plateau lengths of setting `base` (a memory-bump setting) at each 1/omega, and the fit
    of log(plateau length) against 1/omega over every finite, uncensored run (pooled)."""
    if base.target != "bump":
        raise ValueError("memory_sweep needs a 'bump' setting")
    inv_omegas = validation.vector(inv_omegas, "inv_omegas", positive_entries=True)
    rows, xs, ys = [], [], []
    settings = {f"{v:g}": base.with_(inv_omega=float(v), name=f"{base.name}-inv_omega={v:g}") for v in inv_omegas}
    results = run_settings(settings, progress)
    for v, r in zip(inv_omegas, results.values()):
        good = [run["plateau"] for run in r["runs"] if run["plateau"] and not run["plateau"]["censored"]
                and run["plateau"]["length"] > 0]
        xs += [float(v)] * len(good)
        ys += [p["length"] for p in good]
        rows.append({"inv_omega": float(v), **summary(r)})
    fit = fit_log_linear(xs, ys) if len(set(xs)) >= 2 and len(xs) >= 3 else None
    return {"base": base.as_dict(), "rows": rows, "fit": fit,
            "fit_note": "log(plateau length in iterations) = intercept + slope/omega, least squares over every "
                        "finite run whose plateau ended within the run (censored runs left out)"}
