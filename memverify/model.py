"""The continuous-time linear RNN (eqs. 6-9) with parameters (c, W, U):

    d/dt h_t = W h_t + U x_t,   y_t = c^T h_t,   h_{-inf} = 0,

whose output is the convolution y_t = int_0^inf c^T e^{Ws} U x_{t-s} ds (eq. 7).
`LinearRNN` computes that output in two independent ways (quadrature of the
convolution; integration of the hidden-state ODE), so that each checks the
other (Lemma A.1 / eq. 7).  Float64 (numpy / scipy); shapes: c (m,), W (m, m),
U (m, d); an input path is a callable s -> array of shape (d,).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.integrate
import scipy.linalg

from . import validation
from .backends import PrecisionError

# the longest interval t - t0 an output integrates over: the hidden-state ODE takes steps of at
# most 0.05, so at most 20000 steps (1000 took 2 s at m = 1, 8 s under load; 100: 0.9 s at m = 50)
MAX_SPAN = 1000.0
# the largest |t|, |t0| of an output: the input is sampled at absolute times, which float64
# resolves to |t| 2.2e-16; beyond 1e6 the ODE's steps shrink towards that resolution (a span of
# 100 took 0.2 s up to t = 1e6, 1.9 s at 1e7, 12.6 s at 1e8, failed at 1e9), and at 1e17 the
# spacing (16) exceeds a step: the ODE returned 0.0 for a bump of width 1 it never sampled.
# The model is time-homogeneous: shift t, t0 and x towards 0.
MAX_TIME = 1e6
# the largest random_rnn / BumpPath.random sizes, and BumpPath.sup_norm's sample count
MAX_RANDOM_WIDTH = 200
MAX_BUMPS = 1000
MAX_SAMPLES = 100_000


def _array(x, name, ndim):
    """A float64 vector (ndim 1) or matrix (ndim 2) of finite entries; mpf or int entries
    beyond float64's range are refused (validation passes them, float() makes them inf)."""
    if ndim == 1:
        arr = np.array([float(v) for v in validation.vector(x, name)], dtype=float)
    else:
        arr = validation.matrix(x, name)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must have entries within float64's range (|x| <= 1.8e308)")
    return arr


def _rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (numpy.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


def bump_input(centre, width, amplitude):
    """A smooth input path with compact support [centre - width, centre + width]:
    x_s = amplitude * exp(1 - 1/(1 - u^2)), u = (s - centre)/width (peak = amplitude).
    `amplitude` is a vector of length d of finite numbers; the support must lie within
    float64's range.  The path takes a real s (NaN is refused)."""
    centre = float(validation.real(centre, "centre"))
    width = float(validation.positive(width, "width"))
    if not (math.isfinite(centre) and math.isfinite(width)):
        raise ValueError(f"centre and width must be within float64's range, got {centre!r}, {width!r}")
    if not (math.isfinite(centre - width) and math.isfinite(centre + width)):
        raise ValueError(f"the support centre -+ width must be within float64's range, got {centre!r} -+ {width!r}")
    amp = _array(amplitude, "amplitude", 1)

    def x(s):
        if type(s) is not float:
            s = float(validation.real(s, "s"))
        if s != s:
            raise ValueError("s must be a real number, got nan")
        u = (s - centre) / width
        if not abs(u) < 1:  # (also s = +-inf)
            return np.zeros_like(amp)
        return amp * np.exp(1.0 - 1.0 / (1.0 - u * u))

    x.support = (centre - width, centre + width)
    x.centre, x.width, x.amplitude = centre, width, amp
    x.sup_norm = float(np.max(np.abs(amp)))
    return x


class LinearRNN:
    """A linear RNN (c, W, U) with W stable (every eigenvalue has real part < 0, eq. 8)."""

    def __init__(self, c, W, U):
        self.W = _array(W, "W", 2)
        if self.W.shape[0] != self.W.shape[1]:
            raise ValueError(f"W must be a non-empty square matrix, got shape {self.W.shape}")
        m = self.W.shape[0]
        self.c = _array(c, "c", 1)
        if self.c.shape != (m,):
            raise ValueError(f"c must have shape {(m,)}, got {self.c.shape}")
        if not isinstance(U, (str, bytes, np.ndarray)) and hasattr(U, "__iter__"):
            U = list(U)
        flat = np.ndim(U) == 1 if isinstance(U, np.ndarray) else (
            isinstance(U, list) and all(not hasattr(r, "__iter__") for r in U))
        self.U = _array(U, "U", 1).reshape(-1, 1) if flat else _array(U, "U", 2)  # a vector U is one column
        if self.U.shape[0] != m:
            raise ValueError(f"U must have shape ({m}, d), got {self.U.shape}")
        with np.errstate(all="ignore"):
            # a triangular W (the diagonal model) has its diagonal as eigenvalues, exactly (LAPACK
            # gave -0.0 for the -5e-324 of diag(-5e-324, -1e308), which looked unstable)
            triangular = not np.any(np.tril(self.W, -1)) or not np.any(np.triu(self.W, 1))
            eig = np.diag(self.W).copy() if triangular else np.linalg.eigvals(self.W)
        if not np.all(np.isfinite(eig)):
            raise ValueError("W's eigenvalues overflow float64 (entries near 1e308): scale W down")
        if not np.all(eig.real < 0):
            raise ValueError(f"W must be stable (eigenvalues with negative real part, eq. 8); "
                             f"max real part {eig.real.max():.3g}")
        self.m, self.d = m, self.U.shape[1]
        self._decay = -float(eig.real.max())
        # c^T e^{Wt} U = (c^T V) diag(e^{lambda t}) (V^-1 U) when V is well conditioned
        # (much faster than expm per point); otherwise expm
        if not np.any(self.W - np.diag(np.diag(self.W))):  # diagonal: exactly (LAPACK flushes the
            lam, V = np.diag(self.W).copy(), np.eye(m)     # -1e-300 of diag(-1e-300, -1e300) to -0.0)
        else:
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
        """rho(t) = c^T e^{Wt} U (eq. 7, Lemma A.1), shape (d,), t >= 0, in float64.  A value
        beyond float64's range raises PrecisionError (rho is linear in c and in U: rescale them)."""
        t = _float64(t, "t")
        if t < 0:
            raise ValueError(f"t must be >= 0, got {t!r}")
        with np.errstate(all="ignore"):
            out = self._kernel(t)
            if not np.all(np.isfinite(out)):  # W t or e^{lambda t} overflowed: square e^{W t / 2^j} up
                out = self._kernel_by_squaring(t)
        if not np.all(np.isfinite(out)):
            raise PrecisionError(f"the kernel c^T e^(Wt) U at t = {t!r} is beyond float64's range: rescale c or U "
                                 "(the kernel is linear in each)")
        return out

    def _kernel(self, t):
        if self._eig is not None:
            lam, cV, VU = self._eig
            return ((cV * np.exp(lam * t)) @ VU).real
        return self.c @ scipy.linalg.expm(self.W * t) @ self.U

    def _kernel_by_squaring(self, t):
        """c^T (e^{W t / 2^j})^(2^j) U with |W| t / 2^j <= 1: no W t is formed; the squaring
        stops once the matrix has underflowed to 0 or overflowed."""
        norm = np.linalg.norm(self.W, 1)
        j = 0 if t == 0 or norm == 0 else max(0, math.ceil(math.log2(norm) + math.log2(t)))
        E = scipy.linalg.expm(self.W * math.ldexp(t, -j))
        for _ in range(j):
            E = E @ E
            if not np.any(E) or not np.all(np.isfinite(E)):
                break
        return (self.c @ E) @ self.U

    def _scaled_kernel(self, scale):
        """u -> rho(u / scale), with W (or its eigenvalues) divided by scale before the product
        (u / scale overflows for a tiny scale)."""
        if self._eig is not None:
            lam, cV, VU = self._eig
            lam = lam / scale
            return lambda u: ((cV * np.exp(lam * u)) @ VU).real
        Wu = self.W / scale
        return lambda u: self.c @ scipy.linalg.expm(Wu * u) @ self.U

    def kernel_l1_norm(self, rtol=1e-10):
        """sum_i int_0^inf |rho_i(s)| ds, the operator norm sup_t ||H_t|| (Lemma A.1), over
        [0, 40 / decay] (decay: -max Re eig W; in the time decay * s for a horizon beyond 1e300).
        rtol in (0, 1).  A norm beyond float64's range raises PrecisionError."""
        rtol = validation.tolerance(rtol, "rtol")
        decay = self._decay
        horizon = 40.0 / decay
        with np.errstate(all="ignore"):
            if horizon <= 1e300:
                val, _ = scipy.integrate.quad_vec(lambda s: np.abs(self._kernel(s)), 0, horizon,
                                                  epsrel=rtol, epsabs=0, limit=400)
                out = float(np.sum(val))
            else:  # a horizon of 1.8e308 or inf made quad_vec return 9e122 for the 1e307 of w = 1e-307:
                # in u = decay s on [0, 40] (the same nodes up to rounding), rates divided by decay first
                rho = self._scaled_kernel(decay)
                val, _ = scipy.integrate.quad_vec(lambda u: np.abs(rho(u)), 0, 40.0, epsrel=rtol, epsabs=0,
                                                  limit=400)
                out = float(np.sum(val)) / decay
        if not math.isfinite(out):
            raise PrecisionError("the kernel's L1 norm is beyond float64's range (or the kernel overflowed): "
                                 "rescale c or U")
        return out

    def _start(self, x, t, t0):
        """t0 (default: the start of x's support, or t), |t|, |t0| <= MAX_TIME and the span
        t - t0 <= MAX_SPAN."""
        if not abs(t) <= MAX_TIME:
            raise ValueError(f"t must be within +-{MAX_TIME:g} (float64 resolves times to |t| 2.2e-16; the model "
                             f"is time-homogeneous: shift t, t0 and x towards 0), got {t!r}")
        if t0 is not None:
            t0 = _float64(t0, "t0")
        else:
            support = getattr(x, "support", None)
            if support is None:
                raise ValueError("t0 is required unless the input path x has a .support (see bump_input)")
            t0 = min(_support(support)[0], t)
        if not abs(t0) <= MAX_TIME:
            raise ValueError(f"t0 must be within +-{MAX_TIME:g} (t0: the start of x's support when not given; "
                             f"shift t, t0 and x towards 0), got {t0!r}")
        if t - t0 > MAX_SPAN:
            raise ValueError(f"t - t0 must be <= {MAX_SPAN:g} (t0: the start of x's support when not given; the "
                             f"hidden state takes steps of at most 0.05), got t = {t!r}, t0 = {t0!r}")
        return t0

    def _check_input(self, x):
        if not callable(x):
            raise TypeError(f"x must be a callable s -> array of shape ({self.d},)")
        try:
            probe = np.atleast_1d(np.asarray(x(0.0), dtype=float))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"x(s) must return {self.d} real numbers: x(0.0) raised {type(exc).__name__}") from None
        if probe.shape != (self.d,):
            raise ValueError(f"x(s) must have shape ({self.d},), got {probe.shape}")
        if not np.all(np.isfinite(probe)):
            raise ValueError(f"x(s) must be finite, got x(0.0) = {probe!r}")
        if getattr(x, "support", None) is not None:
            _support(x.support)

    def output_convolution(self, x, t, t0=None, rtol=1e-11):
        """y_t = int_0^{t - t0} c^T e^{Ws} U x_{t-s} ds (eq. 7), x = 0 before t0.  As for
        `output_ode`: t - t0 <= MAX_SPAN = 1000, |t|, |t0| <= MAX_TIME = 1e6, rtol in (0, 1);
        an output beyond float64's range raises PrecisionError."""
        self._check_input(x)
        t = _float64(t, "t")
        rtol = validation.tolerance(rtol, "rtol")
        t0 = self._start(x, t, t0)
        if t <= t0:
            return 0.0
        pts = None
        support = getattr(x, "support", None)
        if support is not None:  # the integrand has kinks where s enters the support
            pts = sorted({p for p in (t - support[1], t - support[0]) if 0 < p < t - t0})
        f = lambda s: float(self._kernel(s) @ np.atleast_1d(x(t - s)))
        with np.errstate(all="ignore"):
            val, _ = scipy.integrate.quad(f, 0, t - t0, epsrel=rtol, epsabs=1e-15, limit=400, points=pts)
        return _output(val)

    def output_ode(self, x, t, t0=None, rtol=1e-11):
        """y_t = c^T h_t with h' = W h + U x_t integrated from h_{t0} = 0 (eq. 6), in steps of
        at most 0.05: t - t0 <= MAX_SPAN = 1000 (20000 steps, ~2 s at m = 1), |t|, |t0| <=
        MAX_TIME = 1e6 (float64's resolution of the times), rtol in (0, 1).
        Times too large for float64 to resolve such steps, or an output beyond float64's
        range, raise PrecisionError."""
        self._check_input(x)
        t = _float64(t, "t")
        rtol = validation.tolerance(rtol, "rtol")
        t0 = self._start(x, t, t0)
        if t <= t0:
            return 0.0
        rhs = lambda s, h: self.W @ h + self.U @ np.atleast_1d(x(s))
        with np.errstate(all="ignore"):
            sol = scipy.integrate.solve_ivp(rhs, (t0, t), np.zeros(self.m), method="DOP853",
                                            rtol=rtol, atol=1e-14, max_step=0.05)
        if sol.status != 0:
            raise PrecisionError(f"hidden-state integration from t0 = {t0!r} to t = {t!r} failed ({sol.message}): "
                                 "x(s) returned inf or NaN, the state overflowed float64 (rescale c, U or x), or "
                                 "the times are too large to resolve steps of 0.05 (shift t, t0 and x towards 0: "
                                 "the model is time-homogeneous)")
        return _output(self.c @ sol.y[:, -1])


def _float64(x, name):
    """A finite real number as a finite float (an mpf or int beyond float64's range is refused)."""
    x = float(validation.real(x, name))
    if not math.isfinite(x):
        raise ValueError(f"{name} must be within float64's range (|x| <= 1.8e308), got {x!r}")
    return x


def _support(support):
    """An input path's .support: a pair lo <= hi of float64 numbers."""
    try:
        lo, hi = (float(validation.real(v, "x.support")) for v in support)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"x.support must be a pair (lo, hi) of real numbers: {exc}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
        raise ValueError(f"x.support must be a pair lo <= hi within float64's range, got {support!r}")
    return lo, hi


def _output(y):
    y = float(y)
    if not math.isfinite(y):
        raise PrecisionError("the output is not finite in float64 (the state overflowed, or x(s) returned "
                             "inf or NaN): rescale c, U or x")
    return y


def random_rnn(rng, m=3, d=2):
    """A random stable, non-normal linear RNN of width m and input dimension d: W a
    Gaussian matrix shifted left past its spectral abscissa by 0.3 to 1.3, c and U
    Gaussian.  rng: a numpy Generator; 1 <= m, d <= MAX_RANDOM_WIDTH = 200."""
    rng = _rng(rng)
    m = validation.integer(m, "m", minimum=1, maximum=MAX_RANDOM_WIDTH)
    d = validation.integer(d, "d", minimum=1, maximum=MAX_RANDOM_WIDTH)
    A = rng.normal(size=(m, m))
    W = A - (np.max(np.linalg.eigvals(A).real) + 0.3 + rng.uniform()) * np.eye(m)
    return LinearRNN(rng.normal(size=m), W, rng.normal(size=(m, d)))


def _bump(b, name):
    if not (callable(b) and all(hasattr(b, a) for a in ("support", "centre", "width", "amplitude"))):
        raise TypeError(f"{name} must be a bump_input path, got {type(b).__name__}")
    return b


class BumpPath:
    """An input path x_s = sum of compactly supported smooth bumps (`bump_input`):
    an element of the input space X (Definition 3.1), callable s -> array (d,)."""

    def __init__(self, bumps):
        if isinstance(bumps, (str, bytes)) or not hasattr(bumps, "__iter__"):
            raise TypeError(f"bumps must be a non-empty list of bump_input paths, got {type(bumps).__name__}")
        self.bumps = [_bump(b, f"bumps[{i}]") for i, b in enumerate(bumps)]
        if not self.bumps:
            raise ValueError("bumps must be a non-empty list of bump_input paths")
        if len({b.amplitude.shape for b in self.bumps}) != 1:
            raise ValueError(f"bumps must share one input dimension d, got amplitudes of shapes "
                             f"{sorted({b.amplitude.shape for b in self.bumps})}")
        self.support = (min(b.support[0] for b in self.bumps), max(b.support[1] for b in self.bumps))

    def __call__(self, s):
        return sum(b(s) for b in self.bumps)

    @staticmethod
    def random(rng, d, lo=-6.0, hi=0.0, k=3):
        """k bumps with centres uniform in [lo, hi], widths in [0.5, 2], Gaussian amplitudes in R^d.
        1 <= d <= 200, 1 <= k <= MAX_BUMPS = 1000, lo < hi with hi - lo within float64's range."""
        rng = _rng(rng)
        d = validation.integer(d, "d", minimum=1, maximum=MAX_RANDOM_WIDTH)
        k = validation.integer(k, "k", minimum=1, maximum=MAX_BUMPS)
        lo, hi = _float64(lo, "lo"), _float64(hi, "hi")
        if not (lo < hi and math.isfinite(hi - lo)):
            raise ValueError(f"lo < hi must hold, with hi - lo within float64's range, got lo = {lo!r}, hi = {hi!r}")
        return BumpPath([bump_input(rng.uniform(lo, hi), rng.uniform(0.5, 2.0), rng.normal(size=d))
                         for _ in range(k)])

    def shifted(self, tau):
        """x^(tau)_s = x_{s - tau} (Definition 3.1.4); the shifted support within float64's range."""
        tau = _float64(tau, "tau")
        if not all(math.isfinite(b.support[0] + tau) and math.isfinite(b.support[1] + tau) for b in self.bumps):
            raise ValueError(f"tau moves the support beyond float64's range, got tau = {tau!r}")
        return BumpPath([bump_input(b.centre + tau, b.width, b.amplitude) for b in self.bumps])

    def combine(self, lam, other, lam2):
        """lam x + lam2 other (a path again); other a BumpPath of the same input dimension."""
        lam, lam2 = _float64(lam, "lam"), _float64(lam2, "lam2")
        if not isinstance(other, BumpPath):
            raise TypeError(f"other must be a BumpPath, got {type(other).__name__}")
        if other.bumps[0].amplitude.shape != self.bumps[0].amplitude.shape:
            raise ValueError(f"other must have input dimension {self.bumps[0].amplitude.shape[0]}, "
                             f"got {other.bumps[0].amplitude.shape[0]}")
        with np.errstate(over="ignore"):
            ok = all(np.all(np.isfinite(lam * b.amplitude)) for b in self.bumps) and all(
                np.all(np.isfinite(lam2 * b.amplitude)) for b in other.bumps)
        if not ok:
            raise ValueError(f"lam and lam2 scale the amplitudes beyond float64's range, got {lam!r}, {lam2!r}")
        return BumpPath([bump_input(b.centre, b.width, lam * b.amplitude) for b in self.bumps] +
                        [bump_input(b.centre, b.width, lam2 * b.amplitude) for b in other.bumps])

    def sup_norm(self, n=2001):
        """sup_s |x_s|_inf, on n points of the support, 2 <= n <= MAX_SAMPLES = 100000."""
        n = validation.integer(n, "n", minimum=2, maximum=MAX_SAMPLES)
        s = np.linspace(self.support[0], self.support[1], n)
        return float(max(np.max(np.abs(self(x))) for x in s))
