"""A setting of Figures 1 and 4 (`Setting`): a plain frozen dataclass whose fields are every
choice of an experiment, validated when it is built (names, ranges, and the work budget
MAX_WORK in multiply-adds, `Setting.work`).  experiments.py runs them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from .. import validation
from . import rnn
from .data import MAX_ENTRIES, MAX_LORENZ_WORK, MAX_SEED, MAX_TARGET_WIDTH
from .optim import MAX_ITERATIONS, OPTIMIZERS
from .plateau import PlateauParams
from .rnn import MAX_CALL_WORK, MAX_WIDTH

TARGETS = ("expsum-random", "airy", "bump", "lorenz96")
LOSSES = ("white-noise-euler", "sampled", "sequence")
INPUTS = ("white", "cosine", "lorenz")
ACTIVATIONS = tuple(rnn.ACTIVATIONS)

# The work budget of one setting, in multiply-adds (`Setting.work`).  Measured on the 2-core
# machine: the tanh Euler RNN runs at 1.5e9 to 2e9 per second with its gradient, so MAX_WORK
# is about 3 minutes.  The largest of the paper's settings, Figure 4's tanh GD and Adam runs
# (10 x 1500 iterations of 128 paths, N = 320, m = 16), is 1.8e11 (111 s measured).
MAX_WORK = 2.5e11
# a group of settings run together (run_settings, memory_sweep): Figure 4 --full is 8.4e11
# (8 to 10 minutes measured)
MAX_TOTAL_WORK = 1e12
MAX_STEPS = 4096          # N = T / dt of a setting (the input Gram matrix is N x N: 128 MiB)
FRESH_SEED_OFFSET = 7919  # the fresh paths' data_seed


@dataclass(frozen=True)
class Setting:
    """One experiment: a target, a model, a loss, an optimiser, n_init initialisations.

    target: 'expsum-random' (Fig. 1 (a); target_seed, m_star), 'airy' (s0, t0), 'bump'
    (eq. 119: e^{-t} + c0 e^{-(t - inv_omega)^2 / (2 sigma^2)}) or 'lorenz96' (Fig. 1 (c)).
    loss: 'white-noise-euler' (dt sum_j |k_j - rho(t_j)|^2, linear only), 'sampled' (mean of
    (y_N - H_N)^2 over `batch` fixed input paths) or 'sequence' (Lorenz 96).  Times T and dt
    in the model's time units; lr the learning rate (finite > 0, not bounded above: a rate too
    large diverges, and the run reports it); n_iter the iterations per run.

    Every field is checked when the setting is built: names among the allowed ones, reals
    finite (positive where a scale or time), seeds in [0, MAX_SEED], n_iter <= MAX_ITERATIONS,
    m <= MAX_WIDTH, n_init <= 1000, T / dt <= MAX_STEPS, and the work (`work`) within MAX_WORK
    together with the limits of the data samplers and model functions it will call."""

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
        """Check every field before any work (ValueError/TypeError naming the field); reals
        are stored as float, integers as int."""
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {type(self.name).__name__}")
        for key, allowed in (("target", TARGETS), ("loss", LOSSES), ("inputs", INPUTS), ("activation", ACTIVATIONS),
                             ("optimizer", OPTIMIZERS)):
            v = getattr(self, key)
            if not isinstance(v, str) or v not in allowed:
                raise ValueError(f"{key} must be one of {allowed}, got {v!r}")
        if self.loss == "white-noise-euler" and self.activation != "linear":
            raise ValueError("loss 'white-noise-euler' is the linear model's closed form: activation must be 'linear'")
        if (self.target == "lorenz96") != (self.loss == "sequence"):
            raise ValueError(f"the Lorenz 96 target needs loss 'sequence' and the others 'white-noise-euler' or "
                             f"'sampled', got target {self.target!r} with loss {self.loss!r}")
        if self.loss == "sampled" and self.inputs == "lorenz":
            raise ValueError("inputs 'lorenz' is Lorenz 96's own forcing: a sampled loss needs 'white' or 'cosine'")
        if not isinstance(self.plateau, PlateauParams):
            raise TypeError(f"plateau must be a PlateauParams, got {type(self.plateau).__name__}")
        for key in ("lr", "T", "dt", "sigma", "s0", "inv_omega", "lam_max", "c_scale", "u_scale", "white_sd",
                    "lorenz_forcing_sd", "lorenz_forcing_tau", "momentum"):
            object.__setattr__(self, key, float(validation.positive(getattr(self, key), key)))
        for key in ("w_diag", "w_scale", "t0", "c0"):
            object.__setattr__(self, key, float(validation.real(getattr(self, key), key)))
        if self.momentum >= 1:
            raise ValueError(f"momentum must be in (0, 1), got {self.momentum}")
        if self.c0 == 0:
            raise ValueError("c0 must be non-zero (the memory bump of eq. 119 needs c0 != 0)")
        if not math.isfinite(1.0 / self.inv_omega):
            raise ValueError(f"inv_omega must be large enough for omega = 1/inv_omega to be finite, "
                             f"got {self.inv_omega!r}")
        limits = {"n_iter": (1, MAX_ITERATIONS), "batch": (1, MAX_ENTRIES), "m": (1, MAX_WIDTH), "n_init": (1, 1000),
                  "J": (1, 1000), "m_star": (1, MAX_TARGET_WIDTH), "lorenz_K": (4, 1000),
                  "fresh_batch": (0, MAX_ENTRIES), "seed": (0, MAX_SEED), "target_seed": (0, MAX_SEED),
                  "data_seed": (0, MAX_SEED - FRESH_SEED_OFFSET)}
        for key, (lo, hi) in limits.items():
            object.__setattr__(self, key, validation.integer(getattr(self, key), key, minimum=lo, maximum=hi))
        steps = self.T / self.dt
        if not steps < MAX_STEPS + 0.5:
            raise ValueError(f"T / dt (the Euler steps) must be at most {MAX_STEPS}, got T={self.T!r}, dt={self.dt!r}")
        if self.n_steps < 2:
            raise ValueError(f"T / dt must give at least 2 Euler steps, got T={self.T}, dt={self.dt}")
        for value, limit, what in self._sizes():
            if value > limit:
                raise ValueError(f"{what} is {value:.4g}, beyond the limit {limit:.4g}: pass fewer n_init, n_iter, "
                                 f"batch, fresh_batch, T / dt or m")

    def _sizes(self):
        """(value, limit, what) for every size the run will reach: the settings' budget and
        the limits of the functions it calls (so that a setting that can be built can be run)."""
        N, m, B, J = self.n_steps, self.m, self.batch, (self.J if self.inputs == "cosine" else 1)
        paths = [B] + ([self.fresh_batch] if self.loss == "sampled" and self.fresh_batch else [])
        out = [(self.work, MAX_WORK, "the estimated work in multiply-adds (Setting.work; MAX_WORK is about 3 minutes)"),
               (self.n_init * (self.n_iter + 1), MAX_ENTRIES, "the loss history n_init * (n_iter + 1)")]
        if self.target == "lorenz96":
            out += [(B * N, MAX_ENTRIES, "lorenz96: batch * N"),
                    (N * 10 * max(B * self.lorenz_K, 1024), MAX_LORENZ_WORK, "lorenz96: N * 10 * max(batch K, 1024)")]
        elif self.loss == "sampled":
            out += [(b * N * J, MAX_ENTRIES, "inputs: paths * N * J") for b in paths]
        if self.loss == "sampled" and self.activation == "linear":
            out += [(b * N * N, MAX_CALL_WORK, "input_gram: paths * N^2") for b in paths]
        elif self.loss != "white-noise-euler":
            out += [(b * N * m, MAX_ENTRIES, "euler_outputs: paths * N * m") for b in paths]
            out += [(b * N * m * (m + 2), MAX_CALL_WORK, "euler_outputs: paths * N * m * (m + 2)") for b in paths]
            out += [(self.n_init * B * N * m, 2 * MAX_ENTRIES, "training memory: n_init * batch * N * m")]
        return out

    @property
    def work(self):
        """The estimated multiply-adds of running the setting (at most MAX_WORK): per
        iteration of one initialisation N m (m + 1) for the Euler kernel, plus N^2 for the
        linear model's Gram form, or B N m (m + 2) for the Euler RNN on B paths; plus the
        data (Gram matrices B N^2, Lorenz 96's RK4 10 B N K) and the fresh-path losses."""
        N, m, B = self.n_steps, self.m, self.batch
        fresh = self.fresh_batch if self.loss == "sampled" else 0
        if self.loss == "white-noise-euler":
            per, data = N * m * (m + 1), 0
        elif self.loss == "sampled" and self.activation == "linear":
            per, data = N * m * (m + 1) + N * N, (B + fresh) * N * N
        else:
            per = B * N * m * (m + 2)
            data = 10 * B * N * self.lorenz_K if self.target == "lorenz96" else 0
        return self.n_init * self.n_iter * per + data + fresh * N * m * (m + 2) * self.n_init

    @property
    def n_steps(self):
        """N = round(T / dt), the Euler steps (at most MAX_STEPS)."""
        return int(round(self.T / self.dt))

    def as_dict(self):
        return asdict(self)

    def with_(self, **changes):
        return replace(self, **changes)
