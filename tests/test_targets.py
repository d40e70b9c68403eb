"""The targets' closed forms against quadrature, the sympy identities behind
them, and the agreement of the float64, mpmath and arb paths.

Closed forms are evaluated at DPS_CF digits and compared with mpmath
quadrature at DPS_Q digits: they must agree to 30 significant digits.
mpmath's quad works to an *absolute* tolerance, so every integrand is divided
by its largest value at the split points before integrating (an unscaled
integrand of size 1e-125 comes out right to 7 digits only), and every
quadrature must report an error estimate far below the tolerance.
"""

import math
import random

import flint
import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings, strategies as st

from memverify import Airy, ExpSum, MemoryBump, PowerLaw
from memverify import targets as T
from memverify.targets.closed_forms import compiled_array
from memverify.backends import to_arb

DPS_CF = 40
DPS_Q = 40
DIGITS = 30
TOL = mp.mpf(10) ** -DIGITS


# ---------------------------------------------------------------------------
# helpers


def quad(f, pts, dps=DPS_Q, absolute=False):
    """int f over the pieces `pts` (the last may be inf) at `dps` digits.
    With absolute=True: int |f|, roughly (15 digits, no convergence check: it
    only sets the scale of a cancelling integral)."""
    if absolute:
        dps = 15
    with mp.workdps(dps):
        g = (lambda t: abs(f(t))) if absolute else f
        scale = max(abs(g(mp.mpf(p))) for p in pts if p != mp.inf)
        if scale == 0:
            scale = mp.mpf(1)
        val, err = mp.quad(lambda t: g(t) / scale, pts, error=True, maxdegree=3 if absolute else 20)
        if not absolute and val and err >= mp.mpf(10) ** (-DIGITS - 5) * abs(val):
            # a narrow integrand: its integral is far below its largest value;
            # scale by the integral itself and integrate again
            scale *= abs(val)
            val, err = mp.quad(lambda t: g(t) / scale, pts, error=True)
        if not absolute:
            assert err < mp.mpf(10) ** (-DIGITS - 5) * max(abs(val), mp.mpf(10) ** -DIGITS), \
                f"quadrature did not converge: {val} +- {err}"
        return val * scale


def points(*groups):
    """Sorted split points in [0, inf): 0, every positive finite point given, inf."""
    pts = {mp.mpf(0)}
    for group in groups:
        pts.update(mp.mpf(p) for p in group if p > 0)
    return sorted(pts) + [mp.inf]


def scaled_points(rates):
    """Split points at multiples of 1/rate, where e^{-rate t} decays."""
    return [k / mp.mpf(r) for r in rates if r > 0 for k in (0.5, 3, 15, 60)]


def gauss_points(s, mu, sigma):
    """Split points for e^{-st} e^{-(t - mu)^2 / (2 sigma^2)}: around mu and the
    product's peak mu - s sigma^2, and where e^{-st} decays."""
    with mp.workdps(DPS_Q):
        mu, sigma, s = mp.mpf(mu), mp.mpf(sigma), mp.mpf(s)
        centres = (mu, mu - s * sigma**2)
        return [c + k * sigma for c in centres for k in (-10, -4, 0, 4, 10)] \
            + scaled_points([s, s - mu / sigma**2])


def rel(x, y, scale=None):
    """|x - y| / |scale or y|, at high precision."""
    with mp.workdps(80):
        x, y = mp.mpf(x), mp.mpf(y)
        scale = abs(y) if scale is None else abs(mp.mpf(scale))
        return abs(x - y) / scale if scale else abs(x - y)


def exact_arb(x):
    """x (an mpf) as an arb ball of radius 0 (to_arb rounds to the working precision)."""
    old = flint.ctx.prec
    flint.ctx.prec = 4000
    try:
        out = to_arb(x)
    finally:
        flint.ctx.prec = old
    assert out.rad() == 0
    return out


def assert_certified(ball, exact_value, what, digits=DIGITS):
    """The arb ball contains the value and is tight (its radius at most 10^-digits relative)."""
    point = exact_arb(exact_value)
    assert ball.contains(point), f"{what}: arb ball {ball} does not contain {mp.nstr(exact_value, 45)}"
    assert ball.is_finite(), what
    with mp.workdps(60):
        rad = mp.mpf(ball.rad().str(20, radius=False))
        assert rad <= mp.mpf(10) ** -digits * abs(mp.mpf(exact_value)), f"{what}: ball too wide: {ball}"


def log_uniform(rng, lo, hi):
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


def random_expsum(rng, k=None, lo=0.05, hi=20.0):
    k = k or rng.randint(1, 3)
    w = sorted({round(log_uniform(rng, lo, hi), 6) for _ in range(k)})
    a = [rng.choice([-1, 1]) * rng.uniform(0.2, 3.0) for _ in w]
    return ExpSum(a, w)


def expsum_f(target, n, s):
    with mp.workdps(DPS_Q):  # (mpf() rounds to the working precision)
        a = [mp.mpf(x) for x in target.a]
        w = [mp.mpf(x) for x in target.w]
        s = mp.mpf(s)
    return lambda t: t**n * mp.exp(-s * t) * sum(ai * mp.exp(-wi * t) for ai, wi in zip(a, w))


def gauss_f(n, s, mu, sigma, c0=1, absolute=False):
    """t^n e^{-st} rho_0(t) (or |rho_0|) for rho_0 = c0 exp(-(t - mu)^2 / (2 sigma^2))."""
    with mp.workdps(DPS_Q):  # mu is 1/omega to DPS_Q digits: keep them
        s, mu, sigma, c0 = mp.mpf(s), mp.mpf(mu), mp.mpf(sigma), mp.mpf(c0)
    c = abs(c0) if absolute else c0
    return lambda t: c * t**n * mp.exp(-s * t - (t - mu) ** 2 / (2 * sigma**2))


def bump_mu(target):
    with mp.workdps(DPS_Q):
        return 1 / mp.mpf(target.omega)


# ---------------------------------------------------------------------------
# ExpSum


@pytest.mark.parametrize("seed", range(6))
def test_expsum_moments_and_norm2_against_quadrature(seed):
    rng = random.Random(1000 + seed)
    target = random_expsum(rng)
    s = log_uniform(rng, 0.01, 30.0)
    pts = points(scaled_points([s + w for w in target.w]))
    for n in range(3):
        got = target.moment(n, s, dps=DPS_CF)
        f = expsum_f(target, n, s)
        want, scale = quad(f, pts), quad(f, pts, absolute=True)
        assert rel(got, want, scale) < TOL, (target, n, s, got, want)
    pts2 = points(scaled_points([2 * w for w in target.w]))
    f0 = expsum_f(target, 0, 0)
    want = quad(lambda t: f0(t) ** 2, pts2)
    assert rel(target.norm2(dps=DPS_CF), want) < TOL


# ---------------------------------------------------------------------------
# MemoryBump: rho = base + c0 exp(-(t - 1/omega)^2 / (2 sigma^2))

# (omega, sigma, s): random points across the regimes, including the long
# memory 1/omega = 100 and s sigma^2 >> 1/omega (where the closed form cancels)
BUMP_CASES = [(0.01, None, None), (0.01, None, None), (0.01, 1.0, 5.0), (0.01, 2.5, 0.02),
              (0.01, 0.5, 300.0), (0.02, None, None), (0.1, None, None), (0.5, None, None),
              (1.0, None, None), (3.0, None, None), (1.0, 3.0, 50.0), (1.0, 1.0, 200.0),
              (3.0, 3.0, 200.0)]


def bump_case(i):
    rng = random.Random(2000 + i)
    omega, sigma, s = BUMP_CASES[i]
    sigma = sigma or rng.uniform(0.3, 3.0)
    s = s or log_uniform(rng, 0.01, 20.0)
    c0 = (-1) ** i * rng.uniform(0.2, 3.0)
    return MemoryBump(random_expsum(rng, k=rng.randint(1, 2)), omega=omega, c0=c0, sigma=sigma), s


@pytest.mark.parametrize("case", range(len(BUMP_CASES)))
def test_memory_bump_moments_against_quadrature(case):
    target, s = bump_case(case)
    mu = bump_mu(target)
    gpts = points(gauss_points(s, mu, target.sigma))
    bpts = points(scaled_points([s + w for w in target.base.w]))
    for n in range(3):
        # the signed template moment, and the paper's Delta_{n,omega} of eq. 80 (with |rho_0|)
        want = quad(gauss_f(n, s, mu, target.sigma, target.c0), gpts)
        assert rel(target.template_moment(n, s, dps=DPS_CF), want) < TOL, (target, n, s)
        want_abs = quad(gauss_f(n, s, mu, target.sigma, target.c0, absolute=True), gpts)
        delta = target.delta(n, s, dps=DPS_CF)
        assert delta > 0
        assert rel(delta, want_abs) < TOL, (target, n, s)
        # the whole moment: int t^n e^{-st} (base + template), integrated as two
        # integrals, each on its own split points; they may cancel: scale by the sum
        # of their absolute integrals
        fb = expsum_f(target.base, n, s)
        with mp.workdps(DPS_Q):
            want_all = quad(fb, bpts) + want
            scale = quad(fb, bpts, absolute=True) + abs(want)
        assert rel(target.moment(n, s, dps=DPS_CF), want_all, scale) < TOL, (target, n, s)


@pytest.mark.parametrize("case", range(0, len(BUMP_CASES), 2))
def test_memory_bump_norm2_against_quadrature(case):
    target, _ = bump_case(case)
    mu = bump_mu(target)
    fb, fg = expsum_f(target.base, 0, 0), gauss_f(0, 0, mu, target.sigma, target.c0)
    pts = points(gauss_points(0, mu, target.sigma), scaled_points([2 * w for w in target.base.w]))
    want = quad(lambda t: (fb(t) + fg(t)) ** 2, pts)
    assert rel(target.norm2(dps=DPS_CF), want) < TOL, target


# ---------------------------------------------------------------------------
# PowerLaw: rho = (1 + t)^(-alpha)

ALPHAS = [0.55, 0.75, 0.9, 1, 4 / 3, 1.5, 2, 2.5, 3, 3.7]


@pytest.mark.parametrize("alpha", ALPHAS)
def test_powerlaw_moments_against_quadrature(alpha):
    rng = random.Random(str(alpha))
    target = PowerLaw(alpha)
    for s in (log_uniform(rng, 0.01, 0.5), log_uniform(rng, 0.5, 30.0)):
        pts = points([1, 10], scaled_points([s]))
        for n in range(3):
            with mp.workdps(DPS_Q):
                a, sm = mp.mpf(alpha), mp.mpf(s)
                want = quad(lambda t: t**n * mp.exp(-sm * t) * (1 + t) ** (-a), pts)
            assert rel(target.moment(n, s, dps=DPS_CF), want) < TOL, (alpha, n, s)


@pytest.mark.parametrize("alpha", [0.75, 2.375, 3.7])
@pytest.mark.parametrize("s", [1e-15, 1e15])
def test_powerlaw_moments_at_extreme_s(alpha, s):
    # the closed form cancels (about n |log10 s| digits) for small and for large s
    target = PowerLaw(alpha)
    lo, hi = math.floor(math.log10(min(1.0, 1e-3 / s))), math.ceil(math.log10(100 / s))
    pts = points([10.0**k for k in range(lo, hi + 1)])
    for n in range(3):
        with mp.workdps(DPS_Q):
            a, sm = mp.mpf(alpha), mp.mpf(s)
            want = quad(lambda t: t**n * mp.exp(-sm * t) * (1 + t) ** (-a), pts)
        assert rel(target.moment(n, s, dps=DPS_CF), want) < TOL, (alpha, n, s)
        assert rel(target.moment(n, s), want) < 1e-13, (alpha, n, s)
        assert_certified(target.moment(n, s, dps=DPS_CF, arb=True), want, f"{target!r} M{n}({s})")


@pytest.mark.parametrize("alpha", ALPHAS)
def test_powerlaw_norm2_against_quadrature(alpha):
    # int_0^inf (1 + t)^(-2 alpha) dt decays too slowly for quadrature when
    # alpha is near 1/2: substitute t = e^u - 1 (dt = e^u du) and integrate in u
    with mp.workdps(DPS_Q):
        a = mp.mpf(alpha)
        want = quad(lambda u: mp.exp(u) * mp.exp(u) ** (-2 * a), points([1, 10, 100, 1000]))
    assert rel(PowerLaw(alpha).norm2(dps=DPS_CF), want) < TOL


# ---------------------------------------------------------------------------
# Airy: rho = Ai(s0 (t - t0))

AIRY_CASES = [(1.0, 5.0), (0.7, 2.3), (1.3, -1.0), (0.5, 0.0)]


def airy_points(s0, t0):
    """Split points in t near the zeros of Ai(s0 (t - t0)) on [0, t0] (from the
    asymptotic formula a_k ~ -(3 pi (4k - 1) / 8)^(2/3), not from the package),
    and in its decaying tail."""
    pts = []
    k = 1
    while True:
        zk = -((3 * math.pi * (4 * k - 1) / 8) ** (2 / 3))
        tk = t0 + zk / s0
        if tk <= 0:
            break
        pts.append(tk)
        k += 1
    return points(pts, [t0 + d / s0 for d in (1, 3, 6, 12, 25)])


@pytest.mark.parametrize("s0,t0", AIRY_CASES)
def test_airy_norm2_against_quadrature(s0, t0):
    # closed form (Ai'(x0)^2 - x0 Ai(x0)^2) / s0 with x0 = -s0 t0, against int_0^inf Ai(s0 (t - t0))^2 dt
    with mp.workdps(DPS_Q):
        sm, tm = mp.mpf(s0), mp.mpf(t0)
        want = quad(lambda t: mp.airyai(sm * (t - tm)) ** 2, airy_points(s0, t0))
    assert rel(Airy(s0, t0).norm2(dps=DPS_CF), want) < TOL


AIRY_DPS, AIRY_Q_DPS, AIRY_TOL = 20, 30, mp.mpf(10) ** -17


def airy_moment_gl(n, s, s0, t0):
    """M_n(s) by Gauss-Legendre quadrature (the package uses tanh-sinh) on
    pieces split at approximate zeros (the package splits [0, t0] evenly),
    with an explicit finite cut-off: beyond x = s0 (t - t0) = 40 the
    integrand is below e^{-168}."""
    with mp.workdps(AIRY_Q_DPS):
        sm, s0m, t0m = mp.mpf(s), mp.mpf(s0), mp.mpf(t0)
        pts = [p for p in airy_points(s0, t0) if p != mp.inf]
        end = max(t0m + 40 / s0m, 40 / s0m)
        pts = [p for p in pts if p < end] + [end]
        f = lambda t: t**n * mp.exp(-sm * t) * mp.airyai(s0m * (t - t0m))
        val, err = mp.quad(f, pts, method="gauss-legendre", error=True)
        with mp.workdps(15):
            scale = mp.quad(lambda t: abs(f(t)), pts, maxdegree=3)
        assert err < mp.mpf(10) ** -22 * scale
        return val, scale


@pytest.mark.parametrize("s0,t0,s", [(1.0, 5.0, 0.7), (1.3, -1.0, 0.05)])
def test_airy_moments_against_independent_quadrature(s0, t0, s):
    target = Airy(s0, t0)
    for n in range(3):
        want, scale = airy_moment_gl(n, s, s0, t0)
        assert rel(target.moment(n, s, dps=AIRY_DPS), want, scale) < AIRY_TOL, (s0, t0, n, s)


@pytest.mark.slow
@pytest.mark.parametrize("s0,t0", [(1.0, 5.0), (1.3, -1.0), (0.7, 2.3), (0.5, 0.0), (2.0, 6.0)])
def test_airy_moments_against_independent_quadrature_more(s0, t0):
    for s in (0.05, 1.7, 6.0):
        test_airy_moments_against_independent_quadrature(s0, t0, s)


# ---------------------------------------------------------------------------
# the sympy identities behind the closed forms


def test_gaussian_moment_closed_form_equals_sympy_integrate():
    # the completed-square form with ExpErfc, rewritten with erfc, against the
    # integral as sympy.integrate gives it.  sympy.integrate answers with erf:
    # simplify(closed - integrated) stops at a multiple of 1 - erf(z) - erfc(z),
    # so the integrated form is rewritten with erfc too (erf = 1 - erfc), and
    # then the difference simplifies to exactly 0 (a proof, no sampling needed)
    closed = T.gaussian_moment(0).rewrite(sp.erfc)
    integrated = T.gaussian_moment0_integrate()
    assert sp.simplify(closed - integrated.rewrite(sp.erfc)) == 0


def test_gaussian_moments_are_minus_derivatives():
    for n in range(2):
        lhs = T.gaussian_moment(n + 1).rewrite(sp.erfc)
        rhs = -sp.diff(T.gaussian_moment(n).rewrite(sp.erfc), T.s)
        assert sp.simplify(lhs - rhs) == 0


def test_powerlaw_moment_closed_form_equals_sympy_integrate():
    closed = T.powerlaw_moment(0).rewrite(sp.uppergamma)
    assert sp.simplify(closed - T.powerlaw_moment0_integrate()) == 0


def test_exp_term_moments():
    for n in range(3):
        assert sp.simplify(T.exp_term_moment(n) - sp.factorial(n) / (T.s + T.w_sym) ** (n + 1)) == 0


def test_airy_norm_antiderivative():
    # d/dx [x Ai(x)^2 - Ai'(x)^2] = Ai(x)^2, the identity behind Airy.norm2
    x = sp.Symbol("x", real=True)
    F = x * sp.airyai(x) ** 2 - sp.airyaiprime(x) ** 2
    assert sp.simplify(sp.diff(F, x) - sp.airyai(x) ** 2) == 0
    # and F -> 0 at +infinity (so the integral from x0 is -F(x0)): check at x = 30
    with mp.workdps(30):
        assert abs(30 * mp.airyai(30) ** 2 - mp.airyai(30, 1) ** 2) < mp.mpf(10) ** -90


# ---------------------------------------------------------------------------
# float64 agrees with mpmath; arb balls contain the mpmath value


def all_targets():
    """One of each target family (several MemoryBump and PowerLaw regimes)."""
    out = [ExpSum([1.5, -0.7, 0.2], [0.3, 1.1, 4.0]), ExpSum([2.0], [0.05])]
    for i in range(len(BUMP_CASES)):
        out.append(bump_case(i)[0])
    out += [PowerLaw(a) for a in ALPHAS]
    out += [Airy(1.0, 5.0), Airy(1.3, -1.0)]
    return out


TARGETS = all_targets()
S_GRID = [0.013, 0.4, 2.7, 11.0, 60.0]


def quantities(target):
    """(label, callable(dps, arb)) for every moment, template moment, Delta and norm2."""
    out = [("norm2", lambda **kw: target.norm2(**kw))]
    grid = [0.4] if isinstance(target, Airy) else S_GRID  # Airy: quadrature is slow
    for s in grid:
        for n in range(3):
            out.append((f"M{n}({s})", lambda n=n, s=s, **kw: target.moment(n, s, **kw)))
            if isinstance(target, MemoryBump):
                out.append((f"template{n}({s})", lambda n=n, s=s, **kw: target.template_moment(n, s, **kw)))
                out.append((f"delta{n}({s})", lambda n=n, s=s, **kw: target.delta(n, s, **kw)))
    return out


@pytest.mark.parametrize("target", TARGETS, ids=repr)
def test_float_path_agrees_with_mp(target):
    for label, f in quantities(target):
        want = f(dps=20 if isinstance(target, Airy) else 40)
        got = f()
        assert isinstance(got, float) and math.isfinite(got), (label, got)
        if abs(want) > mp.mpf(10) ** -280:  # not tiny: float64 must resolve it
            # scale: a moment of a sign-changing kernel may cancel; use the larger of
            # |value| and the moment of |rho| where the kernel changes sign
            assert rel(got, want) < 1e-12 or abs(got - float(want)) < 1e-14 * _moment_scale(target, label), \
                (label, got, mp.nstr(want, 20))


def _moment_scale(target, label):
    """Size of the terms that cancel in a moment of a sign-changing target."""
    if label == "norm2" or label.startswith(("template", "delta")):
        return 0.0
    n, s = int(label[1]), float(label[3:-1])
    if isinstance(target, ExpSum):
        return sum(abs(a) * math.factorial(n) / (s + w) ** (n + 1) for a, w in zip(target.a, target.w))
    if isinstance(target, MemoryBump):
        return _moment_scale(target.base, label) + abs(float(target.template_moment(n, s, dps=30)))
    if isinstance(target, Airy):
        return math.factorial(n) / s ** (n + 1)  # |Ai| <= 1
    return 0.0


@pytest.mark.parametrize("target", TARGETS, ids=repr)
def test_arb_ball_contains_mp_value(target):
    with mp.workdps(60):
        for label, f in quantities(target):
            ball = f(dps=40, arb=True)
            assert type(ball).__name__ == "arb", label
            exact = f(dps=60)
            assert_certified(ball, exact, f"{target!r} {label}")


@pytest.mark.parametrize("omega,sigma", [(0.01, 1.0), (1.0, 3.0)])
def test_arb_ball_at_large_s(omega, sigma):
    # the Gaussian moments at s >> 1/(omega sigma^2): arb's own erfc of a ball
    # there loses every digit; the balls must stay tight
    target = MemoryBump(ExpSum([1.0, -2.0], [0.5, 3.0]), omega=omega, c0=-1.5, sigma=sigma)
    for s in (1e4, 1e6, 1e8):
        for n in range(3):
            for f in (target.moment, target.template_moment):
                assert_certified(f(n, s, dps=DPS_CF, arb=True), f(n, s, dps=60), f"{target!r} {f.__name__}{n}({s})")


@pytest.mark.slow
@pytest.mark.parametrize("target", [Airy(1.0, 5.0), Airy(0.7, 2.3)], ids=repr)
def test_arb_ball_contains_mp_value_airy_all(target):
    for label, f in quantities(target):
        assert_certified(f(dps=40, arb=True), f(dps=60), f"{target!r} {label}")


def test_mp_path_honours_dps():
    # a value at dps=40 agrees with dps=60 to 40 digits: the precision asked is delivered
    for target in TARGETS:
        if isinstance(target, Airy):
            continue
        for label, f in quantities(target):
            lo, hi = f(dps=40), f(dps=60)
            assert isinstance(lo, mp.mpf)
            if hi != 0:
                assert rel(lo, hi, _moment_scale(target, label) or None) < mp.mpf(10) ** -38, (target, label)


# ---------------------------------------------------------------------------
# MemoryBump float64 path: no overflow and no NaN for large s


@pytest.mark.parametrize("omega,sigma", [(0.01, 1.0), (0.01, 3.0), (0.01, 0.3), (1.0, 3.0), (0.1, 1.0)])
@pytest.mark.parametrize("s", [50.0, 1e3, 1e6])
def test_memory_bump_float_finite_for_large_s(omega, sigma, s):
    for c0 in (1.0, -2.0):
        target = MemoryBump(ExpSum([1.0], [1.0]), omega=omega, c0=c0, sigma=sigma)
        for n in range(3):
            for f in (target.moment, target.template_moment, target.delta):
                v = f(n, s)
                assert isinstance(v, float) and math.isfinite(v), (target, n, s, f.__name__, v)
        assert math.isfinite(target.norm2())
        assert math.isfinite(target.rho(2.0 / omega)) and math.isfinite(target.rho(0.0))


def test_memory_bump_float_moderate_s():
    target = MemoryBump(ExpSum([1.0, -0.5], [0.5, 2.0]), omega=0.01, c0=1.0, sigma=1.0)
    for s in (0.01, 0.1, 1.0, 5.0, 10.0):
        for n in range(3):
            v = target.moment(n, s)
            assert math.isfinite(v)
            want = target.moment(n, s, dps=30)
            assert rel(v, want, _moment_scale(target, f"M{n}({s})")) < 1e-13


def test_rho_float_mp_arb_agree():
    for target in TARGETS:
        for t in (0.0, 0.37, 4.2, 99.5):
            want = target.rho(t, dps=50)
            got = target.rho(t)
            assert math.isfinite(got)
            if abs(want) > 1e-280:
                assert rel(got, want) < 1e-12 or abs(got - float(want)) < 1e-15
            assert_certified(target.rho(t, dps=40, arb=True), want, f"{target!r} rho({t})")


def test_digits_lost_beyond_float64():
    """The digits the Gaussian closed form loses (which set the guard digits of the
    mpmath and arb paths) come out of mpmath where float64 cannot measure them, also
    for rates beyond float64's range of c = s^2 sigma^2 / 2, and grow with s there."""
    b = MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 40, c0=1.0, sigma=1.0)
    for n in range(4):
        lost = [b._digits_lost(n, x) for x in (0.8, 40.0, 1e5, 1e160, 1e200)]
        assert all(isinstance(v, int) and v >= 1 for v in lost)
        assert lost[2] < lost[3] < lost[4] and lost[4] >= 400

def test_compile_exprs_arrays_only_for_float():
    from memverify.backends import compile_exprs

    x = sp.Symbol("x")
    f = compile_exprs([x], [x**2, sp.exp(-x)], "float", arrays=True)
    out = f(np.array([1.0, 2.0]))
    assert list(out[0]) == [1.0, 4.0]
    with pytest.raises(ValueError, match="arrays"):
        compile_exprs([x], x**2, "mp", arrays=True)


@pytest.mark.parametrize("spec", ["expsum", "expsum:3", "bump", "bump:0.5", "powerlaw", "powerlaw:2.5"])
def test_one_spec_grammar_for_derive_and_the_numeric_targets(spec):
    """`derive --target SPEC` and `landscape --target SPEC` mean the same target: the
    symbolic family of symbolic.targets.specialise, with its remaining parameters set
    to the numeric target's, gives the numeric loss (issue 13: 'expsum' was K = 1 in
    derive and K = 2 in landscape)."""
    from memverify import Loss
    from memverify.symbolic import derive
    from memverify.symbolic.targets import specialise

    target = T.parse_target(spec)
    d = derive(1)
    J = specialise(d.J, spec)
    vals = {d.a[0]: sp.Rational(3, 10), d.w[0]: sp.Rational(7, 10)}
    base = target.base if isinstance(target, MemoryBump) else target
    if isinstance(base, ExpSum):
        for k, (a, w) in enumerate(zip(base.a, base.w)):
            vals[sp.Symbol(f"a^*_{k + 1}", real=True)] = a
            vals[sp.Symbol(f"w^*_{k + 1}", positive=True)] = w
    if isinstance(target, MemoryBump):
        vals.update({sp.Symbol("c_0", real=True): target.c0, T.sigma_sym: target.sigma, T.mu_sym: 1 / target.omega})
    if isinstance(target, PowerLaw):
        vals[T.alpha_sym] = target.alpha
    by_symbols = {x.name: v for x, v in vals.items()}
    got = J.subs({x: by_symbols[x.name] for x in J.free_symbols if x.name in by_symbols})
    assert not got.free_symbols, got.free_symbols
    ref = Loss(target, 1).value([0.3], [0.7], dps=30)
    from memverify.backends import compile_exprs
    with mp.workdps(30):
        val = compile_exprs([], got, "mp")()
    assert abs(float(val) - float(ref)) < 1e-12 * max(1.0, abs(float(ref)))


def test_spec_grammar_rejects_what_it_does_not_know():
    for spec, word in (("expsum:0", "K must be"), ("expsum:x", "integer"), ("bump:1,2", "takes"),
                       ("foo", "unknown"), ("powerlaw:nan", "finite")):
        with pytest.raises(ValueError, match=word):
            T.parse_spec(spec)
    with pytest.raises(TypeError):
        T.parse_spec(3)


def test_laplace_is_the_zeroth_moment_and_a_sum_is_a_target():
    """Target.laplace(s) = M_0(s); ExpSumApprox.as_target gives the same function."""
    from memverify.approximation import sinc_width

    target = PowerLaw(1.5)
    assert target.laplace(2.0) == target.moment(0, 2.0)
    r = sinc_width(0.5, 1e-2)
    e = r.as_target()
    assert isinstance(e, ExpSum)
    t = 0.7
    assert e.rho(t) == pytest.approx(sum(float(a) * math.exp(-float(w) * t) for a, w in zip(r.a, r.w)), rel=1e-12)


def test_targets_are_values():
    """Equal parameters: equal targets with equal hashes (caches keyed by targets are
    keyed by value); different parameters or classes: not equal; no attribute can be
    set after construction."""
    import mpmath as mpm

    a = MemoryBump(ExpSum([1.0], [1.0]), omega=0.1)
    assert a == MemoryBump(ExpSum([1], [1]), omega=0.1) and hash(a) == hash(MemoryBump(ExpSum([1], [1]), omega=0.1))
    assert a != MemoryBump(ExpSum([1.0], [1.0]), omega=0.2)
    assert a != MemoryBump(ExpSum([1.0], [1.0]), omega=0.1, sigma=2.0)
    assert ExpSum([mpm.mpf(1)], [2.0]) == ExpSum([1.0], [2.0])
    assert PowerLaw(1.5) == PowerLaw(1.5) and PowerLaw(1.5) != PowerLaw(2.0) and PowerLaw(2.0) != Airy(2.0, 0.0)
    assert len({PowerLaw(1.5), PowerLaw(1.5), Airy(1.0, 5.0), Airy(1.0, 5.0)}) == 2
    for target, name in ((a, "omega"), (a.base, "a"), (PowerLaw(1.5), "alpha"), (Airy(1.0, 5.0), "s0")):
        with pytest.raises(AttributeError, match="immutable"):
            setattr(target, name, 3.0)


def test_global_minimiser_cache_is_keyed_by_value():
    from memverify.landscape import global_minimiser
    from memverify.landscape.minimiser import _global_minimiser

    _global_minimiser.cache_clear()
    first = global_minimiser(ExpSum([1.0, 0.5], [1.0, 3.0]), 1, dps=20)
    again = global_minimiser(ExpSum([1.0, 0.5], [1.0, 3.0]), 1, dps=20)  # an equal, new object
    assert again is first and _global_minimiser.cache_info().hits >= 1


@pytest.mark.parametrize("target", [ExpSum([1.0, -0.5], [1.0, 3.0]), PowerLaw(1.5), PowerLaw(1.0), Airy(1.0, 2.0),
                                    MemoryBump(ExpSum([1.0], [1.0]), omega=0.3)], ids=repr)
def test_values_primitive_integral_agree_with_rho_and_quadrature(target):
    """The array methods a target supplies (closed forms where it has them) agree
    with its pointwise rho and with mpmath quadrature, in float64 and at 30 digits."""
    ts = [0.0, 0.3, 1.0, 5.0, 20.0]
    v = target.values(ts)
    assert np.allclose(v, [target.rho(x) for x in ts], rtol=1e-13, atol=1e-300)
    with mp.workdps(30):
        f = lambda x: target.rho(x, dps=30)  # noqa: E731
        ref = [mp.quad(f, [0, x]) if x > 0 else mp.mpf(0) for x in ts]
    P = target.primitive(ts)
    P30 = target.primitive(ts, dps=30)
    for p, p30, r in zip(P, P30, ref):
        assert abs(p - float(r)) <= 1e-11 * max(1.0, abs(float(r)))
        assert abs(p30 - r) <= mp.mpf(10) ** -25 * max(1, abs(r))
    if isinstance(target, PowerLaw) and target.alpha <= 1:
        with pytest.raises(ValueError, match="alpha > 1"):
            target.integral()
    else:
        with mp.workdps(30):
            whole = mp.quad(f, [0, 1, 10, 100, mp.inf])
        assert abs(target.integral() - float(whole)) <= 1e-10 * max(1.0, abs(float(whole)))
    with pytest.raises(ValueError, match="times >= 0"):
        target.values([-1.0])
    with pytest.raises(ValueError, match="sorted"):
        target.primitive([2.0, 1.0])


def test_powerlaw_tail_has_no_cancellation():
    """int_t^inf (1+u)^-alpha at t = 1e20 in float64: integral() - primitive() has lost
    ten digits there, tail() has them all."""
    p = PowerLaw(1.5)
    exact = 2 / math.sqrt(1 + 1e20)
    assert p.tail([1e20])[0] == pytest.approx(exact, rel=1e-14)
    assert abs(p.integral() - p.primitive([1e20])[0] - exact) > 1e-9 * exact


@given(st.sampled_from([0.2, 0.05, 0.02]), st.floats(0.05, 6.0), st.sampled_from([0.5, 1.0, 2.0]))
@settings(max_examples=30, deadline=None)
@example(0.05, 4.037375959119593, 2.0)  # z = 4.35: the rounding of c - z^2 counts (M_0 at 2 s)
def test_template_moments_within_their_bounds(omega, s, sigma):
    """MemoryBump.template_moments (float64, what the flow's 'fast' method uses) is
    within its stated bounds of the template moments at 40 digits; the exponential
    part is the base, and an exponential sum has a zero template."""
    b = MemoryBump(ExpSum([1.0], [1.0]), omega=omega, sigma=sigma)
    assert b.exponential_part() == ExpSum([1.0], [1.0])
    val, err = b.template_moments(np.array([s, 2 * s]))
    for n in range(4):
        for k, x in enumerate((s, 2 * s)):
            ref = b.template_moment(n, x, dps=40)
            assert abs(val[n, k] - float(ref)) <= err[n, k], (n, x)
    e = ExpSum([1.0, 2.0], [1.0, 3.0])
    assert e.exponential_part() is e
    assert not np.any(e.template_moments(np.array([1.0, 2.0]))[0])


def test_targets_without_exponential_part():
    p = PowerLaw(1.5)
    assert p.exponential_part() is None
    with pytest.raises(NotImplementedError, match="exponential part"):
        p.template_moments(np.array([1.0]))


def test_template_moment_bounds_where_the_polynomial_terms_cancel():
    """At z = (s sigma^2 - mu)/(sigma sqrt 2) near 0 the closed form's polynomial terms
    in mu and s sigma^2 cancel (the case the old digits-lost estimate missed: M_3 at
    omega = 0.05, sigma = 2, s = 5 erred 2.8 times its bound); the bounds hold there."""
    for omega, sigma in ((0.05, 2.0), (0.02, 1.0), (0.01, 3.0), (0.1, 0.5)):
        b = MemoryBump(ExpSum([1.0], [1.0]), omega=omega, sigma=sigma)
        s0 = (1 / omega) / sigma**2
        x = np.array([s0 * (1 + d) for d in (-1e-3, -1e-6, 0.0, 1e-6, 1e-3)])
        val, err = b.template_moments(x)
        for n in range(4):
            for k, xk in enumerate(x):
                assert abs(val[n, k] - float(b.template_moment(n, float(xk), dps=40))) <= err[n, k], (omega, n, xk)


def test_the_old_template_bound_is_rejected():
    """The falsifier: the digits-lost estimate used before (argument rounding and, for
    z > 0 only, (1 + 2 z^2)^n) gives bounds that the float64 closed form breaks near
    z = 0 (by up to 70 times at omega = 0.01, sigma = 3), so the test above can fail;
    the bounds of template_moments hold at the same points."""
    ratios = []
    for omega, sigma in ((0.05, 2.0), (0.02, 2.0), (0.01, 3.0)):
        b = MemoryBump(ExpSum([1.0], [1.0]), omega=omega, sigma=sigma)
        mu = 1 / omega
        x = np.array([mu / sigma**2 * (1 + d) for d in (-0.01, -1e-3, 0.0, 1e-3, 0.01)])
        val, err = b.template_moments(x)
        for k, s in enumerate(x):
            n = 3
            z = max((s * sigma**2 - mu) / (sigma * math.sqrt(2)), 0.0)
            c = s * (s * sigma**2 / 2 - mu)
            old_lost = math.ceil(math.log10(1 + abs(c) + z * z) + n * math.log10(1 + 2 * z * z))
            true = float(b.template_moment(n, float(s), dps=40))
            assert abs(val[n, k] - true) <= err[n, k]
            # the closed form in float64 as template_moments evaluates it, against the old bound
            raw = float(compiled_array("gauss_moments")(x, mu, sigma)[n][k])
            ratios.append(abs(raw - true) / ((8 + 10.0**old_lost) * np.finfo(float).eps * abs(raw)))
    assert max(ratios) > 3, ratios


def test_sign_changing_template_moments_enclose_quadrature():
    """Lemma C.1's second template -t e^{-t^2/2} at mu: the balls hold mpmath's 45-digit quadrature."""
    from memverify.backends import flint_precision
    from memverify.targets import sign_changing_template_moments
    for n, w, mu in ((0, 0.5, 4.0), (2, 0.8, 10.0), (3, 1.5, 40.0)):
        signed, absolute = sign_changing_template_moments(n, w, mu)
        with mp.workdps(45):
            g = lambda t: t**n * mp.exp(-w * t) * (-(t - mu)) * mp.exp(-(t - mu) ** 2 / 2)  # noqa: E731
            ref_s = mp.quad(g, [0, mu, mu + 40, mp.inf])
            ref_a = mp.quad(g, [0, mu]) - mp.quad(g, [mu, mu + 40, mp.inf])
        with flint_precision(dps=60):  # the references as (near-)exact balls
            assert signed.contains(flint.arb(mp.nstr(ref_s, 40))) and absolute.contains(flint.arb(mp.nstr(ref_a, 40)))
        assert float(signed.rad()) < 1e-12 * abs(float(absolute.mid()))  # (1e-29 at mu = 4; 2e-13 at 40)
    for bad in (dict(n=-1), dict(n=101), dict(w=0.0), dict(mu=-1.0), dict(dps=5)):
        args = {"n": 1, "w": 1.0, "mu": 5.0, **bad}
        with pytest.raises(ValueError, match=next(iter(bad))):
            sign_changing_template_moments(**args)


def test_the_targets_hooks_agree_with_their_public_methods():
    """rho_in / moment_in / norm2_in / template_moment_in at a Precision equal the public methods;
    decay_exponent and integrable say what the approximation code used to read off the class."""
    from memverify.backends import Precision
    bump = MemoryBump(ExpSum([1.0, -0.5], [1.0, 3.0]), omega=0.2)
    for tg in (ExpSum([1.0, -0.5], [1.0, 3.0]), bump, PowerLaw(1.5)):
        for prec in (Precision(), Precision(30), Precision(30, arb=True)):
            with prec.context():
                s, t = prec.number(0.7), prec.number(2.5)
                pairs = [(tg.moment_in(prec, 2, s), tg.moment(2, 0.7, dps=prec.dps if prec.kind != "float" else None,
                                                              arb=prec.kind == "arb")),
                         (tg.rho_in(prec, t), tg.rho(2.5, dps=prec.dps if prec.kind != "float" else None,
                                                     arb=prec.kind == "arb")),
                         (tg.norm2_in(prec), tg.norm2(dps=prec.dps if prec.kind != "float" else None,
                                                      arb=prec.kind == "arb"))]
            for got, want in pairs:
                if prec.kind == "arb":
                    assert got.overlaps(want)
                else:
                    assert got == want
    with Precision(30).context():
        assert bump.template_moment_in(Precision(30), 1, mp.mpf(2)) == bump.template_moment(1, 2, dps=30)
    assert ExpSum([1.0], [1.0]).template_moment_in(Precision(), 0, 1.0) == 0
    assert (PowerLaw(1.5).decay_exponent(), PowerLaw(1.5).integrable) == (1.5, True)
    assert (PowerLaw(0.8).decay_exponent(), PowerLaw(0.8).integrable) == (0.8, False)
    assert all(t.decay_exponent() is None and t.integrable for t in (bump, Airy(1.0, 5.0), bump.base))


def test_moments_in_agree_with_one_order_at_a_time():
    """moments_in(prec, ns, s) (the bump's orders in one compiled call, with the guard
    digits of the order that loses the most) equals moment_in order by order: to 1e-28
    relative at 30 digits, overlapping balls in arb, exactly in float64; for every target."""
    from memverify.backends import Precision
    targets = (MemoryBump(ExpSum([1.0, -0.5], [1.0, 3.0]), omega=0.2), MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 40),
               ExpSum([1.0, -0.5], [1.0, 3.0]), PowerLaw(1.5))
    for tg in targets:
        for prec in (Precision(), Precision(30), Precision(30, arb=True)):
            for x in (0.05, 0.7, 2.0, 40.0):
                with prec.context():
                    s = prec.number(x)
                    joint = tg.moments_in(prec, (0, 1, 2), s)
                    alone = [tg.moment_in(prec, n, s) for n in (0, 1, 2)]
                for got, want in zip(joint, alone):
                    if prec.kind == "arb":
                        assert got.overlaps(want)
                    elif prec.kind == "mp":
                        assert abs(got - want) <= mp.mpf(10) ** -28 * abs(want)
                    else:
                        assert got == want


@pytest.mark.parametrize("s", [0.05, 0.8, 20.0, 45.0, 100.0])
def test_arb_template_moments_tight_whether_or_not_the_first_guard_suffices(s):
    """The bump's template moments in arb are tried with ARB_FIRST_GUARD_DPS guard digits
    and redone with the counted digits where the balls come out wider than the working
    precision: at 1/omega = 40 the closed form loses 2 to 4 digits at s <= 20 (first try)
    and up to 11 and 16 at s = 45 and 100 (the retry).  Either way the balls enclose the
    moments at 80 digits and are as tight as the working precision."""
    from memverify.backends import Precision, to_arb
    from memverify.targets.bump import ARB_FIRST_GUARD_DPS
    b = MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 40)
    lost = max(b._digits_lost(n, s) for n in range(4))
    assert (lost > ARB_FIRST_GUARD_DPS) == (s >= 45)
    prec = Precision(30, arb=True)
    with prec.context():
        bits = flint.ctx.prec
        got = [b.template_moment_in(prec, n, prec.number(s)) for n in range(4)]
    for n, ball in enumerate(got):
        with mp.workdps(80):
            assert ball.contains(to_arb(b.template_moment(n, s, dps=80))), (n, ball)
        assert ball.rel_accuracy_bits() >= bits - 2, (n, ball)


def test_to_arb_of_non_finite_mpf_is_not_zero():
    """to_arb(mpf('inf')) was 0 (the mpf's mantissa is 0); now an unbounded ball."""
    from memverify.backends import to_arb
    for x in (mp.inf, -mp.inf, mp.nan):
        assert not to_arb(x).is_finite()
    assert to_arb(mp.mpf(0)) == 0
