"""The settings of Figures 1 and 4 (Appendix C.3) as plain frozen dataclasses, and a runner
that trains every initialisation of a setting and returns plain data (lists, numbers,
strings; no NaN: a diverged run is reported as such and left out of the statistics).

Choices where the paper is silent (all are fields of `Setting`): initialisation
W = -w_diag I + w_scale G/sqrt(m), c, U ~ N(0, 1/m); learning rates of Figure 1; iteration
counts; the Figure 4 time step dt = 0.1 (N = 320 Euler steps); white-noise samples of unit
variance per step (sd = 1: "standard white noise"); J = 4 cosines; Lorenz 96 with K = 8, an
Ornstein-Uhlenbeck forcing of sd 3 and correlation time 1; the plateau measure's parameters (the same everywhere: a band of rtol = 10%, a floor of 5% of
the initial loss, and a plateau must last at least a tenth of the run's iterations).

Work is bounded: a Setting whose estimated work (`Setting.work`, multiply-adds of all its
iterations and data) exceeds MAX_WORK is refused when it is built, and so is a group of
settings (run_settings, memory_sweep) beyond MAX_TOTAL_WORK; see their docstrings.
"""

from __future__ import annotations

import json
import math
import numbers
import time
from collections.abc import Mapping

import jax
import jax.numpy as jnp
import mpmath
import numpy as np

from .. import validation
from ..backends import PrecisionError
from ..targets import Airy, ExpSum, MemoryBump
from .data import cosine_inputs, lorenz96, random_expsum_target, rho_grid, white_noise_inputs
from .optim import make_optimizer, train
from .plateau import PlateauParams, plateau_measure
from .rnn import (init_params, input_gram, sampled_loss, sampled_loss_linear,
                  sequence_loss, target_outputs, white_noise_loss_euler)
from .setting import (ACTIVATIONS, FRESH_SEED_OFFSET, INPUTS, LOSSES, MAX_STEPS, MAX_TOTAL_WORK,  # noqa: F401
                      MAX_WORK, TARGETS, Setting)


def _setting(s):
    if not isinstance(s, Setting):
        raise TypeError(f"setting must be a Setting, got {type(s).__name__}")
    return s


def make_target(s):
    """The memverify target of a setting (None for Lorenz 96), and a description."""
    _setting(s)
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
    _setting(s)
    if s.target == "lorenz96":  # (Setting: the Lorenz 96 target goes with the sequence loss, and only it)
        x, y = lorenz96(s.data_seed, s.batch, s.n_steps, s.dt, K=s.lorenz_K, forcing_sd=s.lorenz_forcing_sd,
                        forcing_tau=s.lorenz_forcing_tau)
        x, y = jnp.asarray(x), jnp.asarray(y)
        return lambda p: sequence_loss(p, x, y, s.dt, s.activation)
    tgt, _ = make_target(s)
    r = jnp.asarray(rho_grid(tgt, s.dt * np.arange(s.n_steps))[:, None])
    if s.loss == "white-noise-euler":
        return lambda p: white_noise_loss_euler(p, r, s.dt)
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
    _setting(s)
    if s.loss != "sampled" or s.fresh_batch == 0:
        return None
    # n_iter = 1: this setting is evaluated, never trained (its own work budget is not the run's)
    return loss_function(s.with_(data_seed=s.data_seed + FRESH_SEED_OFFSET, batch=s.fresh_batch, fresh_batch=0,
                                 n_iter=1))


def _log_indices(n, points=600):
    idx = np.unique(np.round(np.geomspace(1, n + 1, points)).astype(int) - 1)
    return np.union1d(idx, np.arange(min(n + 1, 50)))


def _stats(values):
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"mean": None, "sd": None, "min": None, "max": None, "n": 0}
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if v.size > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max()), "n": int(v.size)}


def _progress(progress):
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or callable, got {type(progress).__name__}")


def _full(full):
    if not isinstance(full, (bool, np.bool_)):
        raise TypeError(f"full must be True or False, got {type(full).__name__}")
    return bool(full)


def _finite_data(x, where):
    """Raise ValueError if plain data (dicts, lists, numbers) holds NaN or inf."""
    if isinstance(x, Mapping):
        for k, v in x.items():
            _finite_data(v, f"{where}[{k!r}]")
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            _finite_data(v, f"{where}[{i}]")
    elif isinstance(x, numbers.Number) and not isinstance(x, numbers.Integral) and not mpmath.isfinite(x):
        raise ValueError(f"{where} must be finite, got {x!r}")


_CACHE = {}


def run_setting(s, progress=None, cache=True):
    """Train every initialisation of setting `s`; plain data (see module doc).

    Keys: setting, target, runs (per run: status 'ok' or 'diverged at iteration k', final
    loss, plateau measure, final parameters c, W, U as lists), loss_iterations and
    loss_curves (the loss at log-spaced iterations, None after a divergence), plateau
    statistics over the finite runs (length mean/sd/min/max, n_with_plateau, n_censored),
    final_loss and, for sampled losses, fresh_loss (the trained models on 512 unseen paths),
    seconds, seconds_per_iteration (all initialisations together) and per run.

    A diverged run (train's diverged_at) has final_loss, plateau None and initial_loss None
    when not even the first loss was finite; no number returned is NaN or inf.  The work is
    the setting's (Setting.work <= MAX_WORK).  progress: None or callable(done, total)."""
    _setting(s)
    _progress(progress)
    if not isinstance(cache, (bool, np.bool_)):
        raise TypeError(f"cache must be True or False, got {type(cache).__name__}")
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
    L, recorded = res["loss"], res["recorded"]
    fresh_f = fresh_loss_function(s)
    fresh = None if fresh_f is None else np.asarray(jax.vmap(fresh_f)(
        {k: jnp.asarray(v) for k, v in res["params"].items()}))
    idx = _log_indices(s.n_iter)
    runs, lengths, curves = [], [], []
    for i in range(s.n_init):
        div = int(res["diverged_at"][i])
        p = {k: v[i].tolist() for k, v in res["params"].items()}
        run = {"index": i, "initial_loss": float(L[i, 0]) if recorded[i, 0] else None, "parameters": p}
        if div >= 0:
            run.update(status=f"diverged at iteration {div}", final_loss=None, plateau=None)
        else:
            pm = plateau_measure(L[i], s.plateau)
            run.update(status="ok", final_loss=float(L[i, -1]), plateau=pm)
            if fresh is not None and np.isfinite(fresh[i]):
                run["fresh_loss"] = float(fresh[i])
            lengths.append(pm["length"])
        runs.append(run)
        curves.append([float(v) if ok else None for v, ok in zip(L[i, idx], recorded[i, idx])])
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
    """The run's data without curves and parameters (for claims' evidence).  `result`:
    run_setting's dict (a diverged run's plateau is None, its length listed as None)."""
    keep = ("plateau_length", "n_with_plateau", "n_censored", "n_finite", "n_diverged", "final_loss", "fresh_loss",
            "seconds", "seconds_per_iteration", "seconds_per_iteration_per_run")
    if not isinstance(result, Mapping):
        raise TypeError(f"result must be run_setting's dict, got {type(result).__name__}")
    missing = [k for k in keep + ("setting", "runs") if k not in result]
    if missing:
        raise ValueError(f"result must be run_setting's dict; it lacks {missing}")
    try:
        out = {"name": result["setting"]["name"], **{k: result[k] for k in keep},
               "plateau_lengths": [r["plateau"]["length"] if r["plateau"] else None for r in result["runs"]],
               "statuses": sorted(set(r["status"] for r in result["runs"]))}
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"result must be run_setting's dict ({type(exc).__name__}: {exc})") from None
    _finite_data(out, "result")
    return out


# ---------------------------------------------------------------------------
# the paper's settings

def figure1_settings(full=True):
    """Figure 1: (a) random exp-sum and (b) Airy (t0 = 3; t0 = 2 and 4 for the trend) with a
    linear RNN (width 16, T = 6.4, dt = 0.1) and GD (lr 0.05) on the white-noise Euler loss;
    (c) Lorenz 96 with a tanh RNN and Adam (lr 1e-3) on the sequence loss of 128 paths.
    full=False: the reduced runs of the default check tier (4 initialisations instead of 10,
    5000 GD iterations instead of 20000 and t0 = 2, 3 only; Lorenz 96: 2 initialisations,
    64 paths, 1400 iterations instead of 3000)."""
    full = _full(full)
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
    paths, 3 initialisations, fewer iterations, no fresh-path loss; inv_omega is not used)."""
    full = _full(full)
    inv_omega = float(validation.positive(inv_omega, "inv_omega"))
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
    """run_setting over a dict name -> Setting; progress(done, total) counts iterations.
    The settings' work together at most MAX_TOTAL_WORK (Figure 4 --full: 8.4e11)."""
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a dict name -> Setting, got {type(settings).__name__}")
    for name, s in settings.items():
        if not isinstance(s, Setting):
            raise TypeError(f"settings[{name!r}] must be a Setting, got {type(s).__name__}")
    _progress(progress)
    work = sum(s.work for s in settings.values())
    if work > MAX_TOTAL_WORK:
        raise ValueError(f"settings: their work together is {work:.3g} multiply-adds, beyond the limit "
                         f"MAX_TOTAL_WORK = {MAX_TOTAL_WORK:.3g}: run fewer or smaller settings")
    total = sum(s.n_iter for s in settings.values())
    done, out = 0, {}
    for name, s in settings.items():
        cb = None if progress is None else (lambda d, t, base=done: progress(base + d, total))
        out[name] = run_setting(s, progress=cb)
        done += s.n_iter
    return out


MAX_FIT_POINTS = 10**6


def fit_log_linear(x, y):
    """Least squares log(y) = intercept + slope x; slope, its standard error, intercept.
    x: finite reals with at least 2 distinct values; y: finite reals > 0 of the same length;
    3 to MAX_FIT_POINTS points.  Computed with x scaled by a power of two (exact) and centred,
    so that neither x^2 over- or underflows nor near-equal x lose the slope to cancellation
    (the normal equations did: x = 1, 1 + 2^-52, 1 gave a slope of 0.30 for 6.5e14).  A slope
    or standard error beyond float64 raises PrecisionError."""
    for name, v in (("x", x), ("y", y)):
        if hasattr(v, "__len__") and len(v) > MAX_FIT_POINTS:
            raise ValueError(f"{name} must have at most {MAX_FIT_POINTS} points, got {len(v)}")
    x = np.array(validation.vector(x, "x"), dtype=float)
    y = np.array(validation.vector(y, "y", length=len(x), positive_entries=True), dtype=float)
    if x.size < 3:
        raise ValueError(f"x and y must have at least 3 points for a fit, got {x.size}")
    if len(set(x.tolist())) < 2:
        raise ValueError("x must have at least 2 distinct values for a slope")
    ly = np.log(y)
    exponent = math.frexp(float(np.max(np.abs(x))))[1]
    xs = np.ldexp(x, -exponent)  # |xs| < 1: x in units of 2^exponent
    d = xs - xs[0]  # shifted first (differences of close numbers are exact), then centred
    xc, lc = d - d.mean(), ly - ly.mean()
    sxx = float(xc @ xc)
    slope_s = float(xc @ lc) / sxx
    resid = lc - slope_s * xc
    se_s = math.sqrt(float(resid @ resid) / (x.size - 2) / sxx)
    intercept = float(ly.mean() - slope_s * (xs[0] + d.mean()))
    try:
        slope, se = math.ldexp(slope_s, -exponent), math.ldexp(se_s, -exponent)
    except OverflowError:
        raise PrecisionError(f"fit_log_linear: the slope overflows float64 (x's values differ by only "
                             f"{np.ptp(x):.3g}); rescale x") from None
    return {"slope": slope, "se": se, "intercept": intercept, "n_points": int(x.size)}


def memory_sweep(base, inv_omegas, progress=None):
    """Plateau lengths of setting `base` (a memory-bump setting) at each 1/omega, and the fit
    of log(plateau length) against 1/omega over every finite, uncensored run (pooled)."""
    if not isinstance(base, Setting):
        raise TypeError(f"base must be a Setting, got {type(base).__name__}")
    if base.target != "bump":
        raise ValueError(f"base must be a 'bump' setting (memory_sweep varies its 1/omega), "
                         f"got target {base.target!r}")
    if hasattr(inv_omegas, "__len__") and len(inv_omegas) > 1000:
        raise ValueError(f"inv_omegas must have at most 1000 values, got {len(inv_omegas)}")
    inv_omegas = validation.vector(inv_omegas, "inv_omegas", positive_entries=True, distinct=True)
    _progress(progress)
    rows, xs, ys = [], [], []
    # keyed by repr (distinct values keep distinct keys); each with_ checks its setting
    settings = {repr(float(v)): base.with_(inv_omega=float(v), name=f"{base.name}-inv_omega={v:g}") for v in inv_omegas}
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
