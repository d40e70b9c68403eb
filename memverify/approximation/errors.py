"""The error of an exponential sum against a target: `expsum_error` in L1 (exact up to
rounding, from the sign changes of the error and the primitives of rho and phi: no
quadrature of |.|), L2 and L-infinity, at float64 or mpmath precision (a backends.Precision:
one code path for float64 arrays and mpmath object arrays).

The grid that finds the sign changes covers where the sum AND the target live: the sum's
rates, the rates of the target's exponential part (`Target.exponential_part`), and the
window of the rest of the target's mass (its template), located from the template's
Laplace moments M_0..M_2 at s -> 0 (mean and spread): a far memory bump at t = 1/omega is
on the grid however far it is (`_target_profile`)."""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision, PrecisionError, illinois
from ..targets import Target
from .result import NORMS

# The limits of `expsum_error` (and of every construction that measures its error with it):
M_MAX = 4096            # terms of a sum
ERROR_MAX_DPS = 1000    # mpmath digits, with the guard digits of cancelling coefficients: the
#                         root refinement takes up to 40 + 4 dps steps (a 9-term sum at 1000
#                         digits: 15 s)
T_LOG_RANGE = 690.0     # float64 grids: times within [e^-690, e^690] (about 1e-300 .. 1e300)
FAR_FLOAT_DIGITS = 3     # float64 measures a template window losing at most 3 digits (else mpmath)
FAR_MAX_DIGITS = 200     # and a window at most 1e200 of its widths from 0 (a bump at 1/omega = 1e300:
#                          40 s of mpmath exp(-1e600) on the grid)
START_RANGE = (1e-8, 1e8)  # a search's start: rates within, |a_j| <= 1e8 (a start is a hint, not a scale)
WORK_MAX = 5e7          # float64: grid points x (terms + 1) (about 1 s)
MP_WORK_MAX = 4e6       # mpmath: grid points x (terms + 20) x dps/30 (a target value costs about 20
#                         exponentials: 46000 points for a bump at 20 digits, 1e6, take 4 s; the
#                         Appendix B sum of 64 terms at 90 digits, 1.5e6, 7 s)


class _NeedsDigits(PrecisionError):
    """float64 cannot hold the error's grid (times, rates or a far window): `expsum_error`
    measures it in mpmath at `dps` digits and converts back; other callers see the
    PrecisionError, whose message names the remedy."""

    def __init__(self, message, dps):
        super().__init__(message)
        self.dps = dps


def N_dtype(N):
    """The numpy dtype of the arrays of a backends.Precision N (`N.dtype`; kept for
    the imports of this name from before)."""
    return N.dtype


def check_target(target):
    """target itself if it is a memverify Target, else TypeError naming the argument."""
    if not isinstance(target, Target):
        raise TypeError(f"target must be a memverify target (ExpSum, MemoryBump, PowerLaw, Airy), "
                        f"got {type(target).__name__}")
    return target


def check_interval(interval):
    """None, or the validated pair (0, T) with T > 0 finite (a kernel lives on [0, T])."""
    if interval is None:
        return None
    if not isinstance(interval, (tuple, list)) or len(interval) != 2:
        raise TypeError(f"interval must be None or a pair (0, T), got {type(interval).__name__}")
    lo = validation.real(interval[0], "interval[0]")
    hi = validation.positive(interval[1], "interval[1]")
    if lo != 0:
        raise ValueError(f"interval must start at 0 (the kernel lives on [0, T]), got {interval!r}")
    return (0, hi)


def check_norm(norm):
    """norm itself if it is one of NORMS, else ValueError."""
    if not isinstance(norm, str) or norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {validation._short(norm)}")
    return norm


def check_sum(a, w, name="", m_max=M_MAX):
    """(a, w) validated: w a non-empty sequence of finite rates > 0 of at most m_max terms,
    a finite coefficients of the same length."""
    w = validation.vector(w, f"{name}w", positive_entries=True)
    if len(w) > m_max:
        raise ValueError(f"{name}w must have at most {m_max} terms, got {len(w)}")
    a = validation.vector(a, f"{name}a", length=len(w))
    return a, w


def check_start(a0, w0, m, a_name="a0", w_name="w0"):
    """A start (a0, w0) validated: m distinct rates in START_RANGE, m coefficients with
    |a_j| <= 1e8 (ValueError / TypeError naming a_name or w_name)."""
    w0 = validation.vector(w0, w_name, positive_entries=True, distinct=True)
    a0 = validation.vector(a0, a_name, length=len(w0))
    if len(w0) != m:
        raise ValueError(f"{w_name} must have m = {m} terms, got {len(w0)}")
    lo, hi = START_RANGE
    if not all(lo <= x <= hi for x in w0):
        raise ValueError(f"{w_name} must lie in [{lo:g}, {hi:g}], got {validation._short(w0)}")
    if not all(abs(x) <= hi for x in a0):
        raise ValueError(f"{a_name} must have entries with |a_j| <= {hi:g}, got {validation._short(a0)}")
    return a0, w0


_MP = Precision(20)   # (numbers of any kind -- float, int, Fraction, mpf, arb -- as mpf)


def _log(x):
    """log of a positive real number of any kind, as a float (no overflow: mpf('1e400'),
    Fractions and huge ints included)."""
    with _MP.context():
        return float(mpmath.log(_MP.number(x)))


def _log_abs_sum(xs):
    """log(max(sum |x|, 1)) as a float, for numbers of any kind (no overflow)."""
    with _MP.context():
        return float(mpmath.log(max(mpmath.fsum(abs(_MP.number(x)) for x in xs), 1)))


def _digits(N):
    """The digits below which the sum's slowest term is negligible: 17 (float64), dps + 5."""
    return 17 if N.kind == "float" else N.dps + 5


def _log_end(log_big, log_wmin, digits):
    """log of the time where a sum of coefficients e^log_big and slowest rate e^log_wmin
    has fallen below 10^-digits."""
    return math.log(log_big + digits * math.log(10)) - log_wmin


def quadrature_end(a, w, N, interval):
    """Where the quadrature of an error on [0, inf) may stop: T of the interval, or where
    the sum's slowest term has fallen below the working precision (the sum's own end; the
    error grid also covers the target, `_error_grid`)."""
    if interval is not None:
        return interval[1]
    wmin = min(float(x) for x in w)
    big = max(sum(abs(float(x)) for x in a), 1.0)
    if wmin == 0 or not math.isfinite(big):   # (mpmath numbers beyond float64's range)
        return math.inf
    return (math.log(big) + _digits(N) * math.log(10)) / wmin


# ---------------------------------------------------------------------------
# where the target lives


class _Profile:
    """What the error grid needs from a target at one precision (see `_target_profile`):
    log_rates (of its exponential part), log_end (where that part falls below the working
    precision; None without one), window ((lo, mean, hi, sd) as mpf: the template's mass;
    None without one), and horizon (the latest of these times, at least 1)."""

    def __init__(self, log_rates, log_end, window):
        self.log_rates, self.log_end, self.window = log_rates, log_end, window
        ends = [0.0] + ([log_end] if log_end is not None else []) + \
            ([_log(window[2])] if window is not None and window[2] > 0 else [])
        self.log_horizon = max(ends)


@functools.lru_cache(maxsize=64)
def _target_profile(target, dps):
    """The target's scales at precision dps (None: float64), cached per target (targets
    are values): the rates of its exponential part and the window of the rest."""
    N = Precision(dps)
    part = target.exponential_part()
    log_rates, log_end = (), None
    if part is not None:
        log_rates = tuple(_log(x) for x in part.w)
        log_end = _log_end(_log_abs_sum(part.a), min(log_rates), _digits(N))
    window = _template_window(target, part, _digits(N)) if part is not None else None
    return _Profile(log_rates, log_end, window)


def _template_window(target, part, digits):
    """(lo, mean, hi, sd) as mpf: where the template rho - exponential_part() has its mass,
    from its Laplace moments M_0..M_2 at s = 1e-1000 (the s -> 0 limit for mass below
    1e900): the mean M_1/M_0 and the spread sd = sqrt(M_2/M_0 - mean^2), the window
    mean +- K sd with K = sqrt(2 ln 10^(digits+2)) + 1 (a Gaussian template's tails beyond
    it are below the working precision).  The spread cancels at about 2 log10(mean/sd)
    digits: the moments are evaluated with that many and more.  None where the template
    has no mass (an exponential sum) or its moments show no spread (a sign-changing
    template: then only the sum's scales are gridded)."""
    if target.decay_exponent() is not None:
        return None   # (an algebraic tail: M_1, M_2 diverge as s -> 0)
    s = mpmath.mpf(10) ** -1000
    dps = 40
    while True:
        try:
            with mpmath.workdps(dps):
                M0, M1, M2 = (mpmath.mpf(target.template_moment(n, s, dps=dps)) for n in range(3))
                if M0 == 0:
                    return None
                mean = M1 / M0
                var = M2 / M0 - mean * mean
                resolved = abs(var) > mean * mean * mpmath.mpf(10) ** (10 - dps)
        except PrecisionError:
            raise
        except (ArithmeticError, NotImplementedError) as exc:
            raise PrecisionError(f"the template moments of {target.spec()} at s -> 0 fail ({exc}): "
                                 "the grid cannot find where the target has mass") from None
        if resolved or dps >= 2560:
            break
        dps *= 2
    if not (resolved and mean > 0 and var > 0):
        if resolved:
            return None
        raise PrecisionError(f"the mass of {target.spec()} near t = {mpmath.nstr(mean, 5)} is narrower than "
                             f"2560 digits resolve: its error cannot be measured")
    with mpmath.workdps(dps):
        sd = mpmath.sqrt(var)
        K = math.sqrt(2 * (digits + 2) * math.log(10)) + 1
        return (max(mean - K * sd, mpmath.mpf(0)), mean, mean + K * sd, sd)


def far_digits(target):
    """ceil(log10(hi/sd)) of the target's template window (0 without one): the digits a
    quadrature of the window loses to the rounding of times near hi (a bump of width 1 at
    t = 1e9 loses 9); `expsum_error` works with that many guard digits."""
    window = _target_profile(target, None).window
    if window is None:
        return 0
    with mpmath.workdps(30):
        return max(0, int(mpmath.ceil(mpmath.log10(window[2] / window[3]))))


@functools.lru_cache(maxsize=64)
def _target_mass(target, dps):
    """int_0^inf rho at precision dps (None: float64).  Algebraic tails: the target's
    integral (its closed form; M_0(s) converges only like s^(alpha - 1)).  Exponential or
    faster decay: the Laplace moment M_0(s) at s = 10^-(digits+3) / horizon, which differs
    from the integral by about s int t rho, below the working precision; targets give
    their moments in closed form or by a careful quadrature, while `integral` may be a
    quadrature default on fixed pieces that misses mass far out (a bump at 1/omega =
    200)."""
    if target.decay_exponent() is not None:
        return target.integral(dps=dps)
    N = Precision(dps)
    prof = _target_profile(target, dps)
    horizon = max(prof.log_horizon, math.log(1e6))
    with N.context():
        s = N.number(mpmath.mpf(10) ** -(_digits(N) + 3) / mpmath.exp(horizon))
    return target.moment(0, s, dps=dps)


# ---------------------------------------------------------------------------
# the grid


def _error_grid(target, a, w, interval, N):
    """(t_end, ts, breakpoints): the end of the error's domain (T of the interval, or
    where the sum, the target's exponential part and its template window have all fallen
    below the working precision); the grid ts on [0, t_end] (0, a geometric grid fine
    enough to see every sign change near the rates of the sum and of the target's
    exponential part, and a uniform grid of spacing sd/8 over the template window); the
    breakpoints the primitive of rho must be taken at (the window's ends and mean, and the
    ends of the scales beyond the sum's own end, so that no quadrature cell of a target
    without a closed-form primitive spans both a feature and a length far beyond it).

    Refuses (PrecisionError) times or rates float64 cannot hold (times outside about
    1e-300 .. 1e300) and a window narrower than float64 resolves where it is, and
    (ValueError) a grid beyond WORK_MAX."""
    prof = _target_profile(target, N.dps)
    digits = _digits(N)
    log_w = [_log(x) for x in w]
    log_sum_end = _log_end(_log_abs_sum(a), min(log_w), digits)
    log_t_end = max(log_sum_end, prof.log_horizon) if interval is None else _log(interval[1])
    if N.kind == "float":
        if abs(log_t_end) > T_LOG_RANGE:
            where = "interval[1]" if interval is not None else (
                "w (its slowest rate)" if log_t_end == log_sum_end else "the target's time scale")
            raise _NeedsDigits(f"the error must be followed to t ~ 1e{log_t_end / math.log(10):.0f} ({where}), "
                               f"outside float64's range: pass dps=30 for mpmath", 20)
        if not all(0 < abs(float(x)) < math.inf for x in w):
            raise _NeedsDigits("w has a rate beyond float64's range: pass dps=30 for mpmath", 20)
    all_log_w = sorted(log_w + list(prof.log_rates))
    lw = np.array(all_log_w)
    dens = max(int(np.max(np.searchsorted(lw, lw + 1.0) - np.searchsorted(lw, lw - 1.0))), 1)
    ratio = 1.0 + min(0.03, 1.0 / (6.0 * dens))
    floor = min(-T_LOG_RANGE, log_t_end - math.log(1e6))   # (the grid's first time: within float64's range)
    if abs(log_t_end) < T_LOG_RANGE:
        # float64 times, computed exactly as they always were for the sum alone
        if interval is not None:
            t_end = float(interval[1])
        else:
            t_end = quadrature_end(a, w, N, None) if log_t_end == log_sum_end else math.inf
            if not math.isfinite(t_end):
                t_end = math.exp(log_t_end)
        wmax = max(max(float(x) for x in w), 1e-300)   # (the sum's as always; the target's by its log)
        if prof.log_rates and max(prof.log_rates) > math.log(wmax):
            wmax = math.exp(min(max(prof.log_rates), 709.0))
        t_lo = max(min(1e-3 / wmax, t_end * 1e-6), math.exp(floor))
        span = t_end / t_lo
        span = math.log(span) if math.isfinite(span) else math.log(t_end) - math.log(t_lo)
    else:   # (mpmath only) the same grid in logarithms, beyond float64's range
        t_end = None
        log_t_lo = max(min(math.log(1e-3) - all_log_w[-1], log_t_end - math.log(1e6)), floor)
        span = log_t_end - log_t_lo
    n = int(math.ceil(span / math.log(ratio))) + 1
    window = prof.window
    n_window = 0
    if window is not None and (window[0] == 0 or _log(window[0]) < log_t_end):
        with mpmath.workdps(40):
            n_window = int(8 * (window[2] - window[0]) / window[3]) + 1
    if N.kind == "float":
        work, limit = (n + n_window) * (len(w) + 1), WORK_MAX
    else:
        work, limit = (n + n_window) * (len(w) + 20) * max(1.0, N.dps / 30), MP_WORK_MAX
    if work > limit:
        raise ValueError(f"the error grid would need {n + n_window} points for {len(w)} terms (work {work:.2g} > "
                         f"{limit:.0e}): the rates w (and the target's) span too wide a range, or dps is too large")
    if t_end is not None:
        g = np.geomspace(t_lo, t_end, n)
        ts = [N.number(0)] + [N.number(x) for x in g]
        t_end = N.number(t_end)
    else:
        ts = [N.number(0)] + [mpmath.exp(x) for x in np.linspace(log_t_lo, log_t_end, n)]
        t_end = ts[-1]
    breaks = []
    if n_window:
        lo, mean, hi, sd = (N.number(x) for x in window)
        if N.kind == "float" and far_digits(target) > FAR_FLOAT_DIGITS:
            need = 17 + far_digits(target)
            raise _NeedsDigits(f"the target's mass near t = {mean:.6g} has width {sd:.3g}: float64 would lose "
                               f"{far_digits(target)} digits there; pass dps={need} for mpmath", need)
        if N.kind == "mp" and not sd / 8 > 64 * hi * mpmath.mpf(10) ** -N.dps:
            need = int(mpmath.ceil(mpmath.log10(hi / sd))) + 8
            raise PrecisionError(f"the target's mass near t = {mpmath.nstr(mean, 8)} has width {mpmath.nstr(sd, 3)}: "
                                 f"{N.dps} digits cannot place grid points within it; pass dps={need}")
        step = (hi - lo) / max(n_window - 1, 1)
        ts = sorted(set(ts + [x for x in (lo + k * step for k in range(n_window)) if x <= t_end]))
        breaks += [x for x in (lo, mean, hi) if 0 < x < t_end]
    if interval is None and log_t_end > log_sum_end:
        # beyond the sum's own end: cells end there and at the target's exponential part's end
        ends = [log_sum_end] + ([prof.log_end] if prof.log_end is not None else [])
        breaks += [N.number(math.exp(x)) if N.kind == "float" else mpmath.exp(x) for x in ends if x < log_t_end]
    return t_end, ts, sorted(set(breaks))


# ---------------------------------------------------------------------------
# the error


def _sum_values(a, w, ts, N):
    """phi(t) = sum_j a_j e^{-w_j t} at the points ts; shape (len(ts),)."""
    A, W = N.vector(a), N.vector(w)
    T = np.array(ts, dtype=N.dtype)
    with np.errstate(over="ignore"):   # (t w = inf: e^-inf = 0)
        return N.exp(-np.outer(T, W)) @ A


def _sum_primitive(a, w, ts, N):
    A, W = N.vector(a), N.vector(w)
    T = np.array(ts, dtype=N.dtype)
    with np.errstate(over="ignore"):
        return (-N.expm1(-np.outer(T, W))) @ (A / W)


def _roots(target, a, w, ts, N):
    """Sign changes of e = rho - phi on the grid ts, refined by bracketing."""
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    s = N.sign(e)
    idx = [i for i in range(len(T) - 1) if s[i] * s[i + 1] < 0]
    if not idx:
        return [], e
    lo = np.array([T[i] for i in idx], dtype=N.dtype)
    hi = np.array([T[i + 1] for i in idx], dtype=N.dtype)
    elo = np.array([e[i] for i in idx], dtype=N.dtype)
    ehi = np.array([e[i + 1] for i in idx], dtype=N.dtype)
    steps = 80 if N.kind == "float" else int(40 + 4 * N.dps)
    tol = 4e-16 if N.kind == "float" else mpmath.mpf(10) ** (-N.dps)
    lo, hi = illinois(lambda x: target.values(x, dps=N.dps) - _sum_values(a, w, x, N), lo, hi, elo, ehi, tol,
                      max_iter=steps)
    return list((lo + hi) / 2), e


def l1_error(target, a, w, interval, N, with_roots=False):
    """||rho - sum_j a_j e^{-w_j t}||_L1 on [0, T] or [0, inf) at the precision N, exact
    between the error's sign changes (primitives); with_roots: also (roots, points,
    primitive differences at the points, the tail int_{t_end}^inf (rho - phi) or None)."""
    t_end, ts, breaks = _error_grid(target, a, w, interval, N)
    roots, _ = _roots(target, a, w, ts, N)
    inner = sorted(set(roots) | set(breaks)) if breaks else roots
    pts = [N.number(0)] + [x for x in inner if 0 < x < t_end] + [t_end]
    P = target.primitive(pts, dps=N.dps) - _sum_primitive(a, w, pts, N)
    total = sum(abs(P[i + 1] - P[i]) for i in range(len(pts) - 1))
    tail = None
    if interval is None:  # the tail beyond t_end, where phi is below the working precision
        tail = _target_mass(target, N.dps) - np.sum(N.vector(a) / N.vector(w)) - P[-1]
        total = total + abs(tail)
    if with_roots:
        return total, roots, pts, P, tail
    return total


def expsum_error(target, a, w, norm="L1", interval=None, dps=None):
    """||rho - sum_j a_j e^{-w_j t}|| on [0, inf) (interval=None) or [0, T].

    L1: exact from the sign changes of the error (found on a geometric grid,
    refined by bracketing) and the primitives of rho and of the sum; L2 on
    [0, inf): from ||rho||^2, the Laplace transform and the Gram matrix; L2 on
    [0, T] and L-infinity: on the same grid (L-infinity refined at its maxima).
    The grid covers the sum's rates, the target's exponential part and the window
    where the rest of the target's mass is (a memory bump at 1/omega, however far).
    dps=None: float64; dps=n: mpmath at n digits (guard digits are added for
    sums whose coefficients cancel).

    Limits: at most M_MAX = 4096 terms; dps plus the guard digits (log10 sum |a_j|) at
    most ERROR_MAX_DPS = 1000; in float64, times within about 1e-300 .. 1e300 (the
    slowest rate, T, and the target's scales; PrecisionError names dps=... beyond);
    a grid of at most WORK_MAX point-terms in float64, MP_WORK_MAX in mpmath (ValueError)."""
    check_target(target)
    norm = check_norm(norm)
    interval = check_interval(interval)
    a, w = check_sum(a, w)
    if dps is not None:
        dps = validation.digits(dps)
    if norm == "L1" and interval is None and not target.integrable:
        try:
            target.integral()
            reason = "its integral diverges"
        except ValueError as exc:
            reason = str(exc)
        raise ValueError(f"target must be integrable on [0, inf) for an L1 error there (or give an interval "
                         f"(0, T)): {reason}")
    guard = max(0, int(_log_abs_sum(a) / math.log(10)))
    if dps is None and guard > 8:
        raise PrecisionError(f"the coefficients cancel (sum |a_j| ~ 1e{guard}): float64 cannot resolve "
                             f"this error; pass dps=...")
    far = far_digits(target)   # guard digits for a far template window (e.g. a bump at 1/omega = 1e9)
    if far > FAR_MAX_DIGITS:
        raise ValueError(f"target: its mass lies 1e{far} of its widths from t = 0 (at most 1e{FAR_MAX_DIGITS}): "
                         "its error cannot be measured in bounded time")
    work = None if dps is None else dps + guard + (far if far > FAR_FLOAT_DIGITS else 0)
    if work is not None and work > ERROR_MAX_DPS:
        raise ValueError(f"dps must be at most {ERROR_MAX_DPS - work + dps} here: dps plus the guard digits of the "
                         f"coefficients (sum |a_j| ~ 1e{guard}) and of the target's far mass ({far}) must be <= "
                         f"{ERROR_MAX_DPS}, got dps={dps}")
    N = Precision(work)
    try:
        out = _measure(target, a, w, norm, interval, N)
    except _NeedsDigits as exc:   # (float64 only) it cannot hold the grid: mpmath, converted back
        if exc.dps + far > ERROR_MAX_DPS:
            raise
        exact = _measure(target, a, w, norm, interval,
                         Precision(exc.dps + (far if far > FAR_FLOAT_DIGITS and exc.dps < 17 + far else 0)))
        out = float(exact)
        if not math.isfinite(out):
            raise PrecisionError(f"the {norm} error ({mpmath.nstr(exact, 5)}) is beyond float64's range: "
                                 "pass dps=30 for mpmath") from None
        return out
    if N.kind == "float":
        out = float(out)
    if not (math.isfinite(out) if N.kind == "float" else mpmath.isfinite(out)):
        raise PrecisionError(f"the {norm} error overflows {N.describe()} (coefficients or rates at the edge "
                             f"of its range): pass dps=30 for mpmath")
    return out


def _measure(target, a, w, norm, interval, N):
    """The error in `norm` at the precision N (a number of its kind)."""
    with N.context():
        with np.errstate(over="ignore", invalid="ignore"):
            if norm == "L1":
                out = l1_error(target, a, w, interval, N)
            elif norm == "L2" and interval is None:
                out = _l2_infinite(target, a, w, N)
            else:
                out = _grid_norm(target, a, w, interval, N, norm)
        return out if N.kind == "float" else +out


def _l2_infinite(target, a, w, N):
    A, W = N.vector(a), N.vector(w)
    with N.context():
        b = np.array([target.moment(0, x, dps=N.dps) for x in W], dtype=N.dtype)
        norm2 = target.norm2(dps=N.dps)
    G = 1 / (W[:, None] + W[None, :])
    val = norm2 - 2 * A @ b + A @ G @ A
    return (max(val, 0)) ** 0.5 if N.kind == "float" else mpmath.sqrt(max(val, 0))


def _grid_norm(target, a, w, interval, N, norm):
    if norm == "Linf":
        # refine every local extremum (an equioscillating error has many near-equal ones)
        return max(x[1] for x in local_extrema(target, a, w, interval, N))
    t_end, ts, _ = _error_grid(target, a, w, interval, N)
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    # L2 on [0, T]: Simpson on each grid cell (the error is smooth)
    mids = (T[1:] + T[:-1]) / 2
    em = target.values(mids, dps=N.dps) - _sum_values(a, w, mids, N)
    h = T[1:] - T[:-1]
    val = np.sum(h * (e[:-1] ** 2 + 4 * em ** 2 + e[1:] ** 2)) / 6
    return val ** 0.5 if N.kind == "float" else mpmath.sqrt(val)


def _refine_extremum(target, a, w, ts, k, N):
    """Golden-section refinement of the local maximum of |e| near grid point k."""
    lo = ts[max(k - 1, 0)]
    hi = ts[min(k + 1, len(ts) - 1)]

    def ae(t):
        T = np.array([t], dtype=N.dtype)
        return abs((target.values(T, dps=N.dps) - _sum_values(a, w, T, N))[0])

    x, fx = golden_max(ae, lo, hi, 60 if N.kind == "float" else int(3.4 * N.dps))
    val, t = max([(ae(ts[k]), ts[k]), (fx, x)], key=lambda c: c[0])
    return t, val


def golden_max(f, lo, hi, iters):
    """Golden-section search for the maximum of a unimodal f on [lo, hi]: (x, f(x))."""
    g = (math.sqrt(5) - 1) / 2
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(iters):
        if f1 > f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = f(x2)
    return (x1, f1) if f1 > f2 else (x2, f2)


def local_extrema(target, a, w, interval, N):
    """Alternating extrema of e = rho - phi: the point of largest |e| in each
    sign-constant piece between consecutive sign changes (refined)."""
    _, ts, _ = _error_grid(target, a, w, interval, N)
    T = np.array(ts, dtype=N.dtype)
    e = target.values(T, dps=N.dps) - _sum_values(a, w, T, N)
    s = N.sign(e)
    ext, start = [], 0
    for i in range(1, len(T) + 1):
        if i == len(T) or s[i] != s[start]:
            seg = np.abs(np.array(e[start:i], dtype=float))
            k = start + int(np.argmax(seg))
            t, val = _refine_extremum(target, a, w, ts, k, N) if 0 < k < len(T) - 1 else (ts[k], abs(e[k]))
            ext.append((t, val, s[start]))
            start = i
    return ext
