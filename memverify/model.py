"""The continuous-time linear RNN (eqs. 6-9) with parameters (c, W, U):

    d/dt h_t = W h_t + U x_t,   y_t = c^T h_t,   h_{-inf} = 0,

whose output is the convolution y_t = int_0^inf c^T e^{Ws} U x_{t-s} ds (eq. 7).
`LinearRNN` computes that output in two independent ways (quadrature of the
convolution; integration of the hidden-state ODE), so that each checks the
other (Lemma A.1 / eq. 7).  Float64 (numpy / scipy); shapes: c (m,), W (m, m),
U (m, d); an input path is a callable s -> array of shape (d,).
"""

from __future__ import annotations

import numpy as np
import scipy.integrate
import scipy.linalg

from . import validation


def _matrix(x, name, shape=None):
    try:
        arr = np.array(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers: {exc}") from None
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return arr


def bump_input(centre, width, amplitude):
    """A smooth input path with compact support [centre - width, centre + width]:
    x_s = amplitude * exp(1 - 1/(1 - u^2)), u = (s - centre)/width (peak = amplitude).
    `amplitude` is a vector of length d."""
    centre = float(validation.real(centre, "centre"))
    width = float(validation.positive(width, "width"))
    amp = _matrix(amplitude, "amplitude")
    if amp.ndim != 1:
        raise ValueError(f"amplitude must be a vector, got shape {amp.shape}")

    def x(s):
        u = (s - centre) / width
        if abs(u) >= 1:
            return np.zeros_like(amp)
        return amp * np.exp(1.0 - 1.0 / (1.0 - u * u))

    x.support = (centre - width, centre + width)
    x.centre, x.width, x.amplitude = centre, width, amp
    x.sup_norm = float(np.max(np.abs(amp)))
    return x


class LinearRNN:
    """A linear RNN (c, W, U) with W stable (every eigenvalue has real part < 0, eq. 8)."""

    def __init__(self, c, W, U):
        self.W = _matrix(W, "W")
        if self.W.ndim != 2 or self.W.shape[0] != self.W.shape[1] or self.W.shape[0] == 0:
            raise ValueError(f"W must be a non-empty square matrix, got shape {self.W.shape}")
        m = self.W.shape[0]
        self.c = _matrix(c, "c", (m,))
        self.U = _matrix(U, "U")
        if self.U.ndim == 1:
            self.U = self.U.reshape(m, 1) if self.U.shape == (m,) else self.U
        if self.U.ndim != 2 or self.U.shape[0] != m:
            raise ValueError(f"U must have shape ({m}, d), got {self.U.shape}")
        eig = np.linalg.eigvals(self.W)
        if not np.all(eig.real < 0):
            raise ValueError(f"W must be stable (eigenvalues with negative real part, eq. 8); "
                             f"max real part {eig.real.max():.3g}")
        self.m, self.d = m, self.U.shape[1]
        self._decay = -float(eig.real.max())
        # c^T e^{Wt} U = (c^T V) diag(e^{lambda t}) (V^-1 U) when V is well conditioned
        # (much faster than expm per point); otherwise expm
        lam, V = np.linalg.eig(self.W)
        self._eig = None
        if np.linalg.cond(V) < 1e6:
            self._eig = (lam, self.c @ V, np.linalg.solve(V, self.U.astype(complex)))

    @classmethod
    def diagonal(cls, a, w):
        """The diagonal model of an exponential sum sum_i a_i e^{-w_i t}:
        W = -diag(w), U = a (d = 1), c = 1 (the proofs of Thm 4.1 / 4.2)."""
        w = validation.vector(w, "w", positive_entries=True)
        a = validation.vector(a, "a", length=len(w))
        return cls(np.ones(len(w)), -np.diag(np.array(w, dtype=float)),
                   np.array(a, dtype=float).reshape(-1, 1))

    def __repr__(self):
        return f"LinearRNN(m={self.m}, d={self.d})"

    def kernel(self, t):
        """rho(t) = c^T e^{Wt} U (eq. 7, Lemma A.1), shape (d,), t >= 0."""
        t = float(validation.real(t, "t"))
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t!r}")
        return self._kernel(t)

    def _kernel(self, t):
        if self._eig is not None:
            lam, cV, VU = self._eig
            return ((cV * np.exp(lam * t)) @ VU).real
        return self.c @ scipy.linalg.expm(self.W * t) @ self.U

    def kernel_l1_norm(self, rtol=1e-10):
        """sum_i int_0^inf |rho_i(s)| ds, the operator norm sup_t ||H_t|| (Lemma A.1)."""
        horizon = 40.0 / self._decay
        val, _ = scipy.integrate.quad_vec(lambda s: np.abs(self._kernel(s)), 0, horizon,
                                          epsrel=rtol, epsabs=0, limit=400)
        return float(np.sum(val))

    def _start(self, x, t, t0):
        if t0 is not None:
            return float(validation.real(t0, "t0"))
        support = getattr(x, "support", None)
        if support is None:
            raise ValueError("t0 is required unless the input path has a .support (see bump_input)")
        return min(support[0], t)

    def _check_input(self, x):
        if not callable(x):
            raise TypeError(f"x must be a callable s -> array of shape ({self.d},)")
        probe = np.atleast_1d(np.asarray(x(0.0), dtype=float))
        if probe.shape != (self.d,):
            raise ValueError(f"x(s) must have shape ({self.d},), got {probe.shape}")

    def output_convolution(self, x, t, t0=None, rtol=1e-11):
        """y_t = int_0^{t - t0} c^T e^{Ws} U x_{t-s} ds (eq. 7), x = 0 before t0."""
        self._check_input(x)
        t = float(validation.real(t, "t"))
        t0 = self._start(x, t, t0)
        if t <= t0:
            return 0.0
        pts = None
        support = getattr(x, "support", None)
        if support is not None:  # the integrand has kinks where s enters the support
            pts = sorted({p for p in (t - support[1], t - support[0]) if 0 < p < t - t0})
        f = lambda s: float(self._kernel(s) @ np.atleast_1d(x(t - s)))
        val, _ = scipy.integrate.quad(f, 0, t - t0, epsrel=rtol, epsabs=1e-15, limit=400, points=pts)
        return float(val)

    def output_ode(self, x, t, t0=None, rtol=1e-11):
        """y_t = c^T h_t with h' = W h + U x_t integrated from h_{t0} = 0 (eq. 6)."""
        self._check_input(x)
        t = float(validation.real(t, "t"))
        t0 = self._start(x, t, t0)
        if t <= t0:
            return 0.0
        rhs = lambda s, h: self.W @ h + self.U @ np.atleast_1d(x(s))
        sol = scipy.integrate.solve_ivp(rhs, (t0, t), np.zeros(self.m), method="DOP853",
                                        rtol=rtol, atol=1e-14, max_step=0.05)
        if sol.status != 0:
            raise RuntimeError(f"hidden-state integration failed: {sol.message}")
        return float(self.c @ sol.y[:, -1])


def random_rnn(rng, m=3, d=2):
    """A random stable, non-normal linear RNN of width m and input dimension d: W a
    Gaussian matrix shifted left past its spectral abscissa by 0.3 to 1.3, c and U
    Gaussian.  rng: a numpy Generator."""
    A = rng.normal(size=(m, m))
    W = A - (np.max(np.linalg.eigvals(A).real) + 0.3 + rng.uniform()) * np.eye(m)
    return LinearRNN(rng.normal(size=m), W, rng.normal(size=(m, d)))


class BumpPath:
    """An input path x_s = sum of compactly supported smooth bumps (`bump_input`):
    an element of the input space X (Definition 3.1), callable s -> array (d,)."""

    def __init__(self, bumps):
        self.bumps = list(bumps)
        if not self.bumps:
            raise ValueError("bumps must be a non-empty list of bump_input paths")
        self.support = (min(b.support[0] for b in self.bumps), max(b.support[1] for b in self.bumps))

    def __call__(self, s):
        return sum(b(s) for b in self.bumps)

    @staticmethod
    def random(rng, d, lo=-6.0, hi=0.0, k=3):
        """k bumps with centres uniform in [lo, hi], widths in [0.5, 2], Gaussian amplitudes in R^d."""
        return BumpPath([bump_input(rng.uniform(lo, hi), rng.uniform(0.5, 2.0), rng.normal(size=d))
                         for _ in range(k)])

    def shifted(self, tau):
        """x^(tau)_s = x_{s - tau} (Definition 3.1.4)."""
        return BumpPath([bump_input(b.centre + tau, b.width, b.amplitude) for b in self.bumps])

    def combine(self, lam, other, lam2):
        """lam x + lam2 other (a path again)."""
        return BumpPath([bump_input(b.centre, b.width, lam * b.amplitude) for b in self.bumps] +
                        [bump_input(b.centre, b.width, lam2 * b.amplitude) for b in other.bumps])

    def sup_norm(self, n=2001):
        """sup_s |x_s|_inf, on n points of the support."""
        s = np.linspace(self.support[0], self.support[1], n)
        return float(max(np.max(np.abs(self(x))) for x in s))
