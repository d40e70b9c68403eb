"""The paper's constructions: Lemma A.2 / Thm 4.1 (`lemma_a2_expsum`, the L2
projection on rates 1..m), Thm 4.2's Jackson route (`thm42_expsum`, condition 13's
`condition_13_gamma`) and Appendix B's truncated power law (`appendix_b_route`,
`appendix_b_expsum`, the cutoff polynomial)."""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from .. import validation
from ..backends import Precision, PrecisionError, compile_exprs, illinois
from ..targets import PowerLaw
from ..targets.closed_forms import compiled_form
from .errors import ERROR_MAX_DPS, check_target, expsum_error
from .result import ExpSumApprox

# The limits of the constructions (stated in their docstrings and refusals):
PROJECTION_M_MAX = 64    # rates of an L2 projection: the Gram solve runs at 20 + 1.6 m digits
#                          (Lemma A.2 at m = 64 for PowerLaw(2): 13 s; Airy's moments by quadrature
#                          cost more: m = 16 takes 10 s)
THM42_M_MAX = 64         # Thm 4.2's width (the interpolant's solve at dps + 0.8 m digits; 15 s at 64)
THM42_ALPHA_MAX = 100    # its smoothness order alpha
APPENDIX_B_M_MAX = 4096  # the Appendix B route's width (its s-space error: O(m n_grid), 2 s at 4096)
APPENDIX_B_SUM_M_MAX = 400   # the explicit Appendix B sum (coefficients of ~1e(0.77 m); 5 s at 400)
CONSTRUCTION_MAX_DPS = 500   # digits of every construction (the error's guard digits come on top)
GRID_MAX = 100_000       # points of a float64 grid (Chebyshev points, condition 13's supremum)
OMEGA_MIN = 1e-8         # rho = (1+t)^-(1+omega): 1 + omega keeps 8 digits of omega in float64


def check_omega(omega):
    """omega as a float: finite, at least OMEGA_MIN, with 1 + omega a PowerLaw exponent
    (ValueError naming omega)."""
    omega = float(validation.positive(omega, "omega"))
    if omega < OMEGA_MIN:
        raise ValueError(f"omega must be >= {OMEGA_MIN:g} (1 + omega keeps it to 8 digits in float64), got {omega!r}")
    try:   # (and within the power law's own range)
        PowerLaw(1 + omega)
    except ValueError as exc:
        raise ValueError(f"omega={omega!r}: (1+t)^-(1+omega) is not a PowerLaw target ({exc})") from None
    return omega


# ---------------------------------------------------------------------------
# Lemma A.2 / Theorem 4.1


def projection_expsum(target, w, dps=None):
    """The L2[0, inf)-orthogonal projection of rho onto span{e^{-w_j t}}:
    coefficients solve G a = b, G_ij = 1/(w_i + w_j), b_j = L[rho](w_j).
    Returns (a, w) as mpf tuples.  G is a Cauchy matrix (condition number
    about e^{3.5 m} for w_j = j), so the solve runs at 20 + 1.6 m digits
    unless dps is larger.

    Limits: at most PROJECTION_M_MAX = 64 distinct rates; dps None or at most
    CONSTRUCTION_MAX_DPS = 500.  Rates too close for the working digits (a singular
    Gram matrix) raise PrecisionError naming dps."""
    check_target(target)
    w = validation.vector(w, "w", positive_entries=True, distinct=True)
    if len(w) > PROJECTION_M_MAX:
        raise ValueError(f"w must have at most {PROJECTION_M_MAX} rates, got {len(w)}")
    if dps is not None:
        dps = _construction_dps(dps)
    work = max(dps or 0, 20 + int(1.6 * len(w)))
    prec = Precision(work)
    with prec.context():
        W = [prec.number(x) for x in w]
        b = [target.moment(0, x, dps=prec.dps) for x in W]
        gram = compiled_form("exp_pair", 0, "mp")  # <e^{-x t}, e^{-y t}>, derived in targets
        G = np.array([[gram(x, y) for y in W] for x in W], dtype=object)
        try:
            sol = prec.solve(G, b)
        except ZeroDivisionError:
            raise PrecisionError(f"the Gram matrix of the rates w is singular at {work} digits (rates too close "
                                 f"together): pass a larger dps (at most {CONSTRUCTION_MAX_DPS})") from None
        return tuple(sol[i] for i in range(len(W))), tuple(W)


def _construction_dps(dps):
    """dps validated for a construction: an integer in [MIN_DPS, CONSTRUCTION_MAX_DPS]."""
    return validation.integer(validation.digits(dps), "dps", maximum=CONSTRUCTION_MAX_DPS)


def _error_dps(a, dps):
    """float64 when the coefficients do not cancel much (sum |a_j| < 1e6), else mpmath at dps."""
    return None if sum(abs(float(x)) for x in a) < 1e6 else dps


def _error(target, a, w, dps):
    """The construction's L1 error on [0, inf): float64 or mpmath as `_error_dps` says, and
    mpmath at dps where float64 cannot resolve it (PrecisionError)."""
    try:
        return expsum_error(target, a, w, "L1", None, dps=_error_dps(a, dps))
    except PrecisionError:
        guard = int(mpmath.log10(max(mpmath.fsum(abs(x) for x in a), 1)))
        if _error_dps(a, dps) is not None or dps + guard > ERROR_MAX_DPS:
            raise
        return expsum_error(target, a, w, "L1", None, dps=dps)


def _check_integrable(target):
    """The L1 error on [0, inf) exists only for an integrable target: refuse before any work."""
    if not target.integrable:
        raise ValueError(f"target must be integrable on [0, inf) for an L1 error, got {target.spec()}")


def lemma_a2_expsum(target, m, dps=30):
    """Lemma A.2 / Thm 4.1: W = -diag(1, ..., m), c = 1, U = (a_1..a_m): the sum
    p(e^{-t}) with p(u) = sum_j a_j u^j, p(0) = 0.  The polynomial is the
    L2[0, inf) projection (equivalently the weighted L2 approximation of
    R(u) = rho(-log u)/u on [0, 1] with weight u); its L1 error is measured.

    Limits: 1 <= m <= PROJECTION_M_MAX = 64; 15 <= dps <= CONSTRUCTION_MAX_DPS = 500; the
    target integrable on [0, inf) (its L1 error must exist)."""
    check_target(target)
    m = validation.integer(m, "m", minimum=1, maximum=PROJECTION_M_MAX)
    dps = _construction_dps(dps)
    _check_integrable(target)
    a, w = projection_expsum(target, list(range(1, m + 1)), dps)
    err = _error(target, a, w, dps)
    return ExpSumApprox(a, w, "L1", err, None, "Lemma A.2: W = -diag(1..m), L2 projection of p(e^-t)",
                        info={"dps": dps})


# ---------------------------------------------------------------------------
# Theorem 4.2 (Appendix B, the Jackson route)


def chebyshev_points(m, dps=None):
    """The m Chebyshev points of the first kind on [0, 1].  Limits: 1 <= m <= GRID_MAX =
    100000; dps None (float64) or an integer in [15, 10000] with m dps <= 2e7 (mpmath)."""
    m = validation.integer(m, "m", minimum=1, maximum=GRID_MAX)
    if dps is not None:
        dps = validation.digits(dps)
        if m * dps > 2e7:
            raise ValueError(f"m * dps must be <= 2e7 (mpmath cosines), got m={m}, dps={dps}")
    if dps is None:
        return [(1 + math.cos(math.pi * (k + 0.5) / m)) / 2 for k in range(m)]
    return [(1 + mpmath.cos(mpmath.pi * (k + mpmath.mpf(1) / 2) / m)) / 2 for k in range(m)]


def polynomial_route_expsum(q, m, kappa, dps):
    """The sum sum_{j=1}^m alpha_{j-1} e^{-j kappa t} = s Q(s), s = e^{-kappa t},
    where Q (degree m - 1) interpolates q at the Chebyshev points of [0, 1].
    q: callable on mpf in (0, 1].  Monomial coefficients need about 0.77 m
    digits (they grow like (1 + sqrt 2)^(2m)); the solve uses dps + 0.8 m.
    Limits: 1 <= m <= APPENDIX_B_SUM_M_MAX = 400, kappa > 0, 15 <= dps <= 500."""
    if not callable(q):
        raise TypeError(f"q must be a callable on (0, 1], got {type(q).__name__}")
    m = validation.integer(m, "m", minimum=1, maximum=APPENDIX_B_SUM_M_MAX)
    kappa = validation.positive(kappa, "kappa")
    dps = _construction_dps(dps)
    work = dps + int(0.8 * m) + 10
    prec = Precision(work)
    with prec.context():
        s = chebyshev_points(m, work)
        values = [q(x) for x in s]
        if not all(mpmath.isfinite(v) for v in values):
            raise PrecisionError("q is not finite at a Chebyshev point: the route has no interpolant")
        coef = prec.solve([[x**j for j in range(m)] for x in s], values)
        kap = prec.number(kappa)
        return tuple(coef[j] for j in range(m)), tuple((j + 1) * kap for j in range(m))


def thm42_q(target, alpha, beta):
    """q(s) = rho(-(alpha+1) log(s)/beta)/s on (0, 1] (Appendix B), q(0) = 0."""
    check_target(target)
    alpha = validation.integer(alpha, "alpha", minimum=0)
    beta = validation.positive(beta, "beta")

    def q(s):
        if s <= 0:
            return mpmath.mpf(0)
        t = -(alpha + 1) * mpmath.log(s) / beta
        return target.rho(t, dps=mpmath.mp.dps) / s
    return q


def thm42_expsum(target, m, alpha, beta, dps=30):
    """Thm 4.2's construction: W = -(beta/(alpha+1)) diag(1..m), c = 1, U from the
    near-best (Chebyshev) polynomial of degree m - 1 approximating q (eqs. 50-61).
    Error measured in L1[0, inf).

    Limits: 1 <= m <= THM42_M_MAX = 64; 0 <= alpha <= THM42_ALPHA_MAX = 100; beta > 0
    finite; 15 <= dps <= CONSTRUCTION_MAX_DPS = 500; the target integrable."""
    check_target(target)
    m = validation.integer(m, "m", minimum=1, maximum=THM42_M_MAX)
    alpha = validation.integer(alpha, "alpha", minimum=0, maximum=THM42_ALPHA_MAX)
    beta = validation.positive(beta, "beta")
    dps = _construction_dps(dps)
    _check_integrable(target)
    with mpmath.workdps(dps + int(0.8 * m) + 10):
        kappa = mpmath.mpf(beta) / (alpha + 1)
        a, w = polynomial_route_expsum(thm42_q(target, alpha, mpmath.mpf(beta)), m, kappa, dps)
    err = _error(target, a, w, dps)
    return ExpSumApprox(a, w, "L1", err, None,
                        "Thm 4.2 / App. B: W = -beta/(alpha+1) diag(1..m), Chebyshev interpolant of q",
                        info={"alpha": alpha, "beta": float(beta), "dps": dps})


def condition_13_gamma(target, alpha, beta, normalisation="proof", t_max=None, n=4000):
    """gamma of condition (13): max over k = 1..alpha+1 of sup_t beta^-p |e^{beta t} y^(k)(t)|,
    y^(k) = rho^(k-1), with p = k - 1 ('proof': what eq. 51 uses) or p = k
    ('printed').  Supremum on a grid of n points of [0, t_max], derivatives by
    the 5-point central difference of the float64 kernel (float64 evidence: the
    supremum is estimated, not certified).

    Limits: 0 <= alpha <= 20 and 10 <= n <= GRID_MAX = 100000 with n 4^alpha <= 1e6 (the
    nested stencils evaluate the kernel 4^k times per point); beta, t_max > 0 finite; a
    supremum beyond float64's range (e^{beta t_max} overflows) raises PrecisionError."""
    check_target(target)
    alpha = validation.integer(alpha, "alpha", minimum=0, maximum=20)   # (4^alpha below stays small)
    beta = float(validation.positive(beta, "beta"))
    if not isinstance(normalisation, str) or normalisation not in ("proof", "printed"):
        raise ValueError(f"normalisation must be 'proof' or 'printed', got {validation._short(normalisation)}")
    t_max = 60.0 if t_max is None else float(validation.positive(t_max, "t_max"))
    n = validation.integer(n, "n", minimum=10, maximum=GRID_MAX)
    if n * 4 ** alpha > 1e6:
        raise ValueError(f"n * 4^alpha must be <= 1e6 (kernel evaluations of the nested stencils), got n={n}, "
                         f"alpha={alpha}")
    N = Precision(None)
    h = 1e-3 * t_max / 60.0
    ts = np.linspace(4 * alpha * h, t_max, n)   # (the stencil stays inside t >= 0)
    f = lambda x: target.values(x, dps=N.dps)

    def deriv(j):
        if j == 0:
            return f(ts)
        prev = lambda x: f(x)
        for _ in range(j):
            prev = (lambda g: (lambda x: (g(x - 2 * h) - 8 * g(x - h) + 8 * g(x + h) - g(x + 2 * h)) / (12 * h)))(prev)
        return prev(ts)
    values = []
    with np.errstate(all="ignore"):   # (numpy: an overflow is inf, checked below, not an exception)
        for k in range(1, alpha + 2):
            p = k - 1 if normalisation == "proof" else k
            values.append(np.max(np.exp(beta * ts) * np.abs(deriv(k - 1))) / np.float64(beta) ** p)
    best = max([0.0] + [float(v) for v in values])
    if not all(np.isfinite(values)):
        raise PrecisionError(f"gamma of condition (13) is beyond float64 for beta={beta:g}, t_max={t_max:g} "
                             "(e^{beta t} overflows or the stencil's h^-k does): take a smaller beta * t_max")
    return best


# ---------------------------------------------------------------------------
# Appendix B: the truncated power law (eqs. 64-71)


@functools.lru_cache(maxsize=None)
def cutoff_polynomial():
    """The C^1 step of eq. 65's truncation, derived: the cubic C(u) with C(0) = 1,
    C(1) = 0 and C'(0) = C'(1) = 0 (sympy finds 1 - 3u^2 + 2u^3), in the symbol u."""
    u = sp.Symbol("u", real=True)
    c = sp.symbols("c0:4")
    C = sum(ci * u**i for i, ci in enumerate(c))
    sol = sp.solve([C.subs(u, 0) - 1, C.subs(u, 1), sp.diff(C, u).subs(u, 0), sp.diff(C, u).subs(u, 1)], c)
    return C.subs(sol), u


@functools.lru_cache(maxsize=None)
def _compiled_cutoff(kind):
    C, u = cutoff_polynomial()
    return compile_exprs([u], C, kind, arrays=(kind == "float"))


def cutoff(u, dps=None):
    """The monotone C^1 step from 1 (u <= 0) to 0 (u >= 1), cutoff_polynomial() in
    between: float64 (u a finite real number or an array of them) or an mpf at `dps`
    digits (u a finite real number, 15 <= dps <= 10000)."""
    if dps is None:
        if np.ndim(u) == 0:
            u = float(validation.real(u, "u"))
        else:
            u = np.asarray(u)
            if u.dtype.kind not in "iuf":
                raise TypeError(f"u must be a real number or an array of real numbers, got dtype {u.dtype}")
            if not np.all(np.isfinite(u)):
                raise ValueError("u must have finite entries")
        return _compiled_cutoff("float")(np.clip(np.asarray(u, dtype=float), 0.0, 1.0))
    if np.ndim(u) != 0:
        raise TypeError(f"u must be a real number with dps (arrays: dps=None), got {type(u).__name__}")
    u = validation.real(u, "u")
    dps = validation.digits(dps)
    with mpmath.workdps(dps):
        return _compiled_cutoff("mp")(min(max(mpmath.mpf(u), 0), 1))


def truncated_powerlaw(omega, T):
    """rho_tilde of eq. 65 for rho = (1+t)^-(1+omega): rho on [0, T], rho times the
    C^1 monotone cutoff 1 - 3u^2 + 2u^3 (u = t - T; `cutoff`) on [T, T+1], 0 beyond.
    Returns a float64 vectorised callable (omega >= 1e-8, T > 0 finite)."""
    omega = check_omega(omega)
    T = float(validation.positive(T, "T"))
    rho = PowerLaw(1.0 + omega)

    def rho_tilde(t):
        t = np.asarray(t, dtype=float)
        return rho.values(t).reshape(t.shape) * cutoff(t - T)
    return rho_tilde


def appendix_b_route(omega, m, T, n_grid=None):
    """The Appendix B route for rho = (1+t)^-(1+omega): alpha = 1, beta = 2/T,
    rates w_j = j/T (j = 1..m), s Q(s) with Q the Chebyshev interpolant (degree
    m-1) of q(s) = rho_tilde(-T log s)/s.  Returns (error, cheb) where error is
    ||rho - phi||_{L1[0, inf)} of the ORIGINAL rho, computed in s = e^{-t/T}:
    T int_0^1 |rho(-T log s)/s - Q(s)| ds (eq. 60's change of variables), exact
    from the sign changes of the integrand and the primitives (float64), and
    cheb are the Chebyshev coefficients of Q on [0, 1] (the sum is
    phi(t) = s Q(s), s = e^{-t/T}).

    Limits: 1 <= m <= APPENDIX_B_M_MAX = 4096; omega >= 1e-8 and 0 < T <= 1e300 finite;
    n_grid None (max(20000, 40 m)) or an integer in [100, 10^6] with m n_grid <= 1e9 (the
    Chebyshev sums cost m n_grid)."""
    omega = check_omega(omega)
    m = validation.integer(m, "m", minimum=1, maximum=APPENDIX_B_M_MAX)
    T = float(validation.positive(T, "T"))
    if T > 1e300:
        raise ValueError(f"T must be <= 1e300 (T |log s| at s = 1e-300 stays in float64), got {T!r}")
    if n_grid is not None:
        n_grid = validation.integer(n_grid, "n_grid", minimum=100, maximum=10**6)
        if n_grid * m > 1e9:
            raise ValueError(f"m * n_grid must be <= 1e9, got m={m}, n_grid={n_grid}")
    C = np.polynomial.chebyshev
    rt = truncated_powerlaw(omega, T)
    k = np.arange(m)
    x = np.cos(np.pi * (k + 0.5) / m)          # nodes on [-1, 1], s = (1 + x)/2
    s = (1 + x) / 2
    q = rt(-T * np.log(s)) / s
    cheb = _cheb_coeffs_dct(q)
    # L1 of rho(-T log s)/s - Q(s) over s in (0, 1]: sign changes on a grid in s
    n = n_grid or max(20000, 40 * m)
    # geometric near s = 0 (the power-law tail), uniform-in-angle elsewhere
    sg = np.unique(np.concatenate([(1 - np.cos(np.linspace(0, np.pi, n))) / 2,
                                   np.geomspace(1e-300, 1e-3, 2000)]))
    sg = sg[sg > 0]
    err_vals = _q_orig(omega, T, sg) - C.chebval(2 * sg - 1, cheb)
    idx = np.nonzero(np.sign(err_vals[:-1]) * np.sign(err_vals[1:]) < 0)[0]
    lo, hi = illinois(lambda x: _q_orig(omega, T, x) - C.chebval(2 * x - 1, cheb), sg[idx], sg[idx + 1],
                      err_vals[idx], err_vals[idx + 1], 4e-16, offset=0, max_iter=80)
    roots = (lo + hi) / 2
    pts = np.concatenate([[0.0], roots, [1.0]])
    # primitive in s of q_orig: int_0^s rho(-T log u)/u du = (1/T) int_{-T log s}^inf rho
    #   = (1/T) (1 + t)^(-omega)/omega with t = -T log s;  of Q: chebint (scaled by 1/2)
    with np.errstate(divide="ignore"):
        tt = np.where(pts > 0, -T * np.log(np.where(pts > 0, pts, 1.0)), np.inf)
    Pq = np.zeros(len(tt))
    Pq[np.isfinite(tt)] = PowerLaw(1.0 + omega).tail(tt[np.isfinite(tt)]) / T
    PQ = C.chebval(2 * pts - 1, C.chebint(cheb, lbnd=-1)) / 2
    F = Pq - PQ
    err = T * float(np.sum(np.abs(np.diff(F))))
    if not (math.isfinite(err) and np.all(np.isfinite(cheb))):
        raise PrecisionError(f"the Appendix B route overflows float64 at omega={omega:g}, m={m}, T={T:g}")
    return err, cheb


def _q_orig(omega, T, s):
    """rho(-T log s)/s for rho = (1+t)^-(1+omega) (eq. 60's change of variables)."""
    return PowerLaw(1.0 + omega).values(-T * np.log(s)) / s


def _cheb_coeffs_dct(vals):
    """Chebyshev coefficients of the interpolant at the first-kind points (DCT-II)."""
    import scipy.fft
    m = len(vals)
    c = scipy.fft.dct(vals, type=2) / m
    c[0] /= 2
    return c


def appendix_b_expsum(omega, m, T, dps=30):
    """The Appendix B route's sum itself (a, w), w_j = j/T, for small m (the
    monomial coefficients need about 0.8 m digits).  Limits: 1 <= m <=
    APPENDIX_B_SUM_M_MAX = 400 (coefficients of ~1e(0.77 m)); omega >= 1e-8 and T > 0
    finite; 15 <= dps <= CONSTRUCTION_MAX_DPS = 500."""
    check_omega(omega)
    omega = validation.positive(omega, "omega")
    m = validation.integer(m, "m", minimum=1, maximum=APPENDIX_B_SUM_M_MAX)
    T = validation.positive(T, "T")
    dps = _construction_dps(dps)
    rho = PowerLaw(1 + omega)

    def q(s):  # rho_tilde(-T log s)/s, as truncated_powerlaw, in mpmath
        if s <= 0:
            return mpmath.mpf(0)
        t = -mpmath.mpf(T) * mpmath.log(s)
        return rho.rho(t, dps=mpmath.mp.dps) * cutoff(t - T, dps=mpmath.mp.dps) / s
    a, w = polynomial_route_expsum(q, m, 1 / mpmath.mpf(T), dps)
    return a, w
