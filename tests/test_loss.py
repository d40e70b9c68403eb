"""Loss(target, m): value, gradient and Hessian against finite differences and
against direct quadrature of the defining integrals; shapes and kinds; and the
symbolic rules the derivation rests on.

Notation: r(t) = sum_i a_i e^{-w_i t} - rho(t), theta = (a_1..a_m, w_1..w_m),
J = int r^2,  dJ/dtheta_i = 2 int r r_i,  d2J/dtheta_i dtheta_j = 2 int (r_i r_j + r r_ij),
with r_{a_k} = e^{-w_k t}, r_{w_k} = -a_k t e^{-w_k t}, r_{a_k w_k} = -t e^{-w_k t},
r_{w_k w_k} = a_k t^2 e^{-w_k t} (all other second derivatives of r vanish).
"""

import random

import flint
import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from memverify import Airy, ExpSum, Loss, MemoryBump, PowerLaw
from memverify.backends import to_arb
from memverify.symbolic import Moment, derive, reduce_integrals, rho, t
from memverify.symbolic.loss import parameters

class MemoAiry(Airy):
    """Airy with its moments memoised: finite differences and repeated calls
    evaluate the same moment (by quadrature, slow) many times."""

    _memo = {}

    def _moment(self, n, s, prec):
        key = (self.s0, self.t0, n, repr(s), prec.kind, prec.dps)
        if key not in self._memo:
            self._memo[key] = super()._moment(n, s, prec)
        return self._memo[key]


TARGETS = {
    "expsum": ExpSum([1.2, -0.6, 0.3], [0.7, 2.5, 6.0]),
    "bump": MemoryBump(ExpSum([1.0, -0.4], [0.8, 3.0]), omega=0.25, c0=0.8, sigma=1.0),
    "bump-long": MemoryBump(ExpSum([1.0], [1.0]), omega=0.01, c0=-0.5, sigma=1.5),
    "powerlaw": PowerLaw(1.5),
    "powerlaw-heavy": PowerLaw(0.75),
    "airy": MemoAiry(1.3, -1.0),  # no oscillation on t >= 0: its quadrature is quick
}
KINDS = ["expsum", "bump", "powerlaw", "airy"]


def random_point(m, seed, a_range=2.0, w_lo=0.3, w_hi=3.0):
    rng = random.Random(seed)
    a = [rng.uniform(-a_range, a_range) for _ in range(m)]
    w = [rng.uniform(w_lo, w_hi) for _ in range(m)]
    return a, w


def exact_arb(x):
    old = flint.ctx.prec
    flint.ctx.prec = 4000
    try:
        return to_arb(x)
    finally:
        flint.ctx.prec = old


# ---------------------------------------------------------------------------
# finite differences (float64)


def fd_gradient(f, theta, h_rel=1e-5):
    """Central differences of the scalar function f(a, w) at theta = a + w."""
    theta = np.array(theta, dtype=float)
    m = len(theta) // 2
    out = []
    for i in range(len(theta)):
        h = h_rel * max(1.0, abs(theta[i]))
        tp, tm = theta.copy(), theta.copy()
        tp[i] += h
        tm[i] -= h
        out.append((np.asarray(f(tp[:m], tp[m:])) - np.asarray(f(tm[:m], tm[m:]))) / (2 * h))
    return np.array(out)


FD_CASES = [(kind, m) for kind in KINDS for m in (1, 2, 3)]


@pytest.mark.parametrize("kind,m", FD_CASES)
def test_gradient_and_hessian_against_finite_differences(kind, m):
    loss = Loss(TARGETS[kind], m)
    a, w = random_point(m, seed=f"fd-{kind}-{m}")
    g = loss.gradient(a, w)
    H = loss.hessian(a, w)
    # central differences with h = 1e-5 (1 + |theta_i|): truncation ~ h^2 |J'''| and
    # rounding ~ eps |J| / h are both about 1e-10 here; allow 1e-6 of the scale
    g_fd = fd_gradient(loss.value, a + w)
    scale = max(1.0, np.max(np.abs(g)))
    np.testing.assert_allclose(g, g_fd, rtol=0, atol=1e-6 * scale)
    H_fd = fd_gradient(loss.gradient, a + w)  # row i: d grad / d theta_i
    scale = max(1.0, np.max(np.abs(H)))
    np.testing.assert_allclose(H, H_fd, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(H, H.T, rtol=1e-13, atol=1e-14 * scale)


# ---------------------------------------------------------------------------
# direct quadrature of the defining integrals (mpmath)

LOSS_DPS = 30
Q_DPS = 40
Q_TOL = mp.mpf(10) ** -25


def exp_neg(x):
    """e^{-x}, and 0 beyond x = 1e6 (far below any precision used here; mpmath
    aborts on the astronomically large t that a substitution u = log(1 + t) visits)."""
    return mp.exp(-x) if x < 10**6 else mp.mpf(0)


def rho_mp(target):
    """The target kernel written out here (not through the package)."""
    if isinstance(target, MemoryBump):
        base = rho_mp(target.base)
        mu, sigma, c0 = 1 / mp.mpf(target.omega), mp.mpf(target.sigma), mp.mpf(target.c0)
        return lambda t: base(t) + c0 * mp.exp(-(t - mu) ** 2 / (2 * sigma**2))
    if isinstance(target, ExpSum):
        a = [mp.mpf(x) for x in target.a]
        w = [mp.mpf(x) for x in target.w]
        return lambda t: sum(ai * exp_neg(wi * t) for ai, wi in zip(a, w))
    if isinstance(target, PowerLaw):
        alpha = mp.mpf(target.alpha)
        return lambda t: (1 + t) ** (-alpha)
    s0, t0 = mp.mpf(target.s0), mp.mpf(target.t0)
    return lambda t: mp.airyai(s0 * (t - t0))


def split_points(target, w):
    pts = {mp.mpf(0)}
    rates = list(w)
    tgt = target
    if isinstance(tgt, MemoryBump):
        mu, sigma = 1 / mp.mpf(tgt.omega), mp.mpf(tgt.sigma)
        pts.update(p for p in (mu + k * sigma for k in (-10, -4, 0, 4, 10)) if p > 0)
        tgt = tgt.base
    if isinstance(tgt, ExpSum):
        rates += list(tgt.w)
    if isinstance(tgt, PowerLaw):
        pts.update(mp.mpf(p) for p in (1, 10, 100, 1000))
    if isinstance(tgt, Airy):
        pts.update(p for p in (mp.mpf(tgt.t0) + k / mp.mpf(tgt.s0) for k in (1, 4, 10, 25)) if p > 0)
    pts.update(k / mp.mpf(r) for r in rates for k in (1, 10, 50))
    return sorted(pts) + [mp.inf]


def quad(f, pts, log_substitution=False):
    """int f, with the integrand scaled by its largest value at the split
    points (mpmath's tolerance is absolute); asserts convergence.  With
    log_substitution, integrate in u = log(1 + t) (for slowly decaying tails)."""
    if log_substitution:
        g = f
        f = lambda u: g(mp.expm1(u)) * mp.exp(u)
        pts = [mp.log1p(p) for p in pts[:-1]] + [mp.inf]
    scale = max(abs(f(p)) for p in pts if p != mp.inf) or mp.mpf(1)
    val, err = mp.quad(lambda x: f(x) / scale, pts, error=True)
    assert err < mp.mpf(10) ** -32 * max(abs(val), mp.mpf(10) ** -25), (val, err)
    return val * scale


def rough_abs_quad(f, pts):
    with mp.workdps(15):
        return mp.quad(lambda x: abs(f(x)), pts, maxdegree=3)


def loss_by_quadrature(target, a, w):
    """(J, grad, Hess, grad scale, Hess scale) from the integrals in the module docstring."""
    m = len(a)
    with mp.workdps(Q_DPS):
        a = [mp.mpf(x) for x in a]
        w = [mp.mpf(x) for x in w]
        rho_t = rho_mp(target)
        pts = split_points(target, w)

        def r(t):
            return sum(ai * exp_neg(wi * t) for ai, wi in zip(a, w)) - rho_t(t)

        def r1(i, t):  # dr/dtheta_i
            k = i % m
            return mp.exp(-w[k] * t) if i < m else -a[k] * t * mp.exp(-w[k] * t)

        def r2(i, j, t):  # d2r/dtheta_i dtheta_j
            if i % m != j % m or (i < m and j < m):
                return 0
            k = i % m
            if i >= m and j >= m:
                return a[k] * t**2 * mp.exp(-w[k] * t)
            return -t * mp.exp(-w[k] * t)

        # int rho^2 of a power law decays like t^(1 - 2 alpha): integrate in log(1 + t)
        J = quad(lambda t: r(t) ** 2, pts, log_substitution=isinstance(target, PowerLaw))
        grad, gscale = [], []
        for i in range(2 * m):
            f = lambda t, i=i: 2 * r(t) * r1(i, t)
            grad.append(quad(f, pts))
            gscale.append(rough_abs_quad(f, pts))
        hess = [[None] * (2 * m) for _ in range(2 * m)]
        hscale = [[None] * (2 * m) for _ in range(2 * m)]
        for i in range(2 * m):
            for j in range(i, 2 * m):
                f = lambda t, i=i, j=j: 2 * (r1(i, t) * r1(j, t) + r(t) * r2(i, j, t))
                g = lambda t, i=i, j=j: 2 * (abs(r1(i, t) * r1(j, t)) + abs(r(t) * r2(i, j, t)))
                hess[i][j] = hess[j][i] = quad(f, pts)
                hscale[i][j] = hscale[j][i] = rough_abs_quad(g, pts)
    return J, grad, hess, gscale, hscale


QUAD_CASES = [("expsum", 2), ("expsum", 1), ("bump", 2), ("bump-long", 2), ("powerlaw", 2),
              ("powerlaw-heavy", 1)]


@pytest.mark.parametrize("kind,m", QUAD_CASES)
def test_loss_against_quadrature(kind, m):
    target = TARGETS[kind]
    a, w = random_point(m, seed=f"quad-{kind}-{m}")
    loss = Loss(target, m)
    J = loss.value(a, w, dps=LOSS_DPS)
    g = loss.gradient(a, w, dps=LOSS_DPS)
    H = loss.hessian(a, w, dps=LOSS_DPS)
    Jq, gq, Hq, gscale, hscale = loss_by_quadrature(target, a, w)
    with mp.workdps(Q_DPS):
        assert abs(J - Jq) <= Q_TOL * Jq, (J, Jq)
        for i in range(2 * m):
            assert abs(g[i] - gq[i]) <= Q_TOL * gscale[i], (i, g[i], gq[i])
            for j in range(2 * m):
                assert abs(H[i, j] - Hq[i][j]) <= Q_TOL * hscale[i][j], (i, j, H[i, j], Hq[i][j])


@pytest.mark.slow
def test_loss_against_quadrature_airy():
    test_loss_against_quadrature("airy", 2)


# ---------------------------------------------------------------------------
# shapes, kinds, symmetry, and the three kinds agreeing


@pytest.mark.parametrize("m", [1, 2, 3])
def test_shapes_and_types(m):
    loss = Loss(TARGETS["bump"], m)
    a, w = random_point(m, seed=f"shape-{m}")
    v = loss.value(a, w)
    assert type(v) is float
    assert isinstance(loss.value(a, w, dps=20), mp.mpf)
    assert type(loss.value(a, w, arb=True)).__name__ == "arb"
    for kw, dtype, elem in [({}, np.float64, (float, np.floating)), ({"dps": 20}, object, mp.mpf),
                            ({"dps": 20, "arb": True}, object, flint.arb)]:
        g = loss.gradient(a, w, **kw)
        H = loss.hessian(a, w, **kw)
        assert isinstance(g, np.ndarray) and isinstance(H, np.ndarray)
        assert g.shape == (2 * m,) and H.shape == (2 * m, 2 * m)
        assert g.dtype == dtype and H.dtype == dtype
        assert all(isinstance(x, elem) for x in g)
        assert all(isinstance(x, elem) for x in H.ravel())
        for i in range(2 * m):
            for j in range(2 * m):
                if dtype is object:
                    assert H[i, j] is H[i][j]
                else:
                    assert H[i, j] == H[i][j]


@pytest.mark.parametrize("kind", ["expsum", "bump", "bump-long", "powerlaw", "powerlaw-heavy", "airy"])
def test_three_kinds_agree_and_arb_contains_mp(kind):
    target = TARGETS[kind]
    a3, w3 = random_point(3, seed=f"kinds-{kind}")
    for m in (1, 2, 3):
        loss = Loss(target, m)
        a, w = a3[:m], w3[:m]  # (the same rates for every m: Airy's moments are memoised)
        for what in ("value", "gradient", "hessian"):
            f = getattr(loss, what)
            fl = np.asarray(f(a, w), dtype=float)
            mpv = np.asarray(f(a, w, dps=40), dtype=object)
            ball = np.asarray(f(a, w, dps=30, arb=True), dtype=object)
            assert np.all(np.isfinite(fl))
            with mp.workdps(40):
                scale = max(mp.mpf(1), max(abs(x) for x in mpv.ravel()))
                for x, y, b in zip(fl.ravel(), mpv.ravel(), ball.ravel()):
                    assert abs(mp.mpf(x) - y) <= 1e-12 * scale, (kind, m, what, x, y)
                    assert b.contains(exact_arb(y)), (kind, m, what, b, y)
                    assert b.rad() <= flint.arb(10) ** -25 * exact_arb(scale), (kind, m, what, b)


@pytest.mark.parametrize("kind", ["expsum", "bump", "powerlaw"])
def test_hessian_symmetric_in_every_kind(kind):
    loss = Loss(TARGETS[kind], 3)
    a, w = random_point(3, seed=f"sym-{kind}")
    H = loss.hessian(a, w)
    assert np.allclose(H, H.T, rtol=1e-14, atol=1e-15)
    Hm = loss.hessian(a, w, dps=40)
    with mp.workdps(40):
        for i in range(6):
            for j in range(6):
                assert abs(Hm[i, j] - Hm[j, i]) <= mp.mpf(10) ** -37 * (1 + abs(Hm[i, j]))
    Hb = loss.hessian(a, w, arb=True, dps=30)
    for i in range(6):
        for j in range(6):
            assert Hb[i, j].overlaps(Hb[j, i])


@pytest.mark.parametrize("m", [1, 2, 3])
def test_symbolic_hessian_symmetric(m):
    H = derive(m).hessian
    assert all(sp.expand(H[i, j] - H[j, i]) == 0 for i in range(2 * m) for j in range(i))


def test_value_at_exact_fit_is_zero_and_gradient_vanishes():
    # rho = ExpSum with m terms: J = 0 and grad J = 0 at the target's own parameters
    target = TARGETS["expsum"]
    loss = Loss(target, 3)
    a, w = list(target.a), list(target.w)
    assert abs(loss.value(a, w)) < 1e-14
    with mp.workdps(40):
        assert abs(loss.value(a, w, dps=40)) < mp.mpf(10) ** -38
        assert all(abs(x) < mp.mpf(10) ** -38 for x in loss.gradient(a, w, dps=40))
    assert loss.value(a, w, arb=True).contains(0)
    assert all(x.contains(0) for x in loss.gradient(a, w, arb=True))


# ---------------------------------------------------------------------------
# the symbolic rules behind the derivation

s = sp.Symbol("s", positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)


def moment_integral(k, x):
    return sp.Integral(t**k * sp.exp(-x * t) * rho(t), (t, 0, sp.oo))


@pytest.mark.parametrize("k", [n, 0, 1, 2, 5])
def test_moment_fdiff_matches_differentiating_the_integral(k):
    # sympy differentiates the unevaluated integral under the integral sign;
    # Moment's rule dM_k/ds = -M_{k+1} must say the same
    dI = sp.diff(moment_integral(k, s), s)
    assert isinstance(dI, sp.Integral)
    assert dI.limits == moment_integral(k + 1, s).limits
    assert sp.simplify(dI.function - (-moment_integral(k + 1, s).function)) == 0
    assert sp.diff(Moment(k, s), s) == -Moment(k + 1, s)
    # and the chain rule through a rate depending on a parameter
    w = sp.Symbol("w", positive=True)
    assert sp.diff(Moment(k, w**2 + 1), w) == -2 * w * Moment(k + 1, w**2 + 1)


def test_reduce_integrals_maps_integrals_to_moments():
    assert reduce_integrals(moment_integral(2, s)) == Moment(2, s)
    assert reduce_integrals(sp.Integral(rho(t) ** 2, (t, 0, sp.oo))) == sp.Symbol("N", positive=True)
    w = sp.Symbol("w", positive=True)
    assert sp.simplify(reduce_integrals(sp.Integral(t**2 * sp.exp(-w * t), (t, 0, sp.oo))) - 2 / w**3) == 0


@pytest.mark.parametrize("m", [1, 2])
def test_derive_matches_differentiating_the_integral_first(m):
    # independent derivation: differentiate the unevaluated integral of
    # (sum a_i e^{-w_i t} - rho)^2 under the integral sign, then reduce
    d = derive(m)
    a, w = parameters(m)
    model = sp.Add(*[ai * sp.exp(-wi * t) for ai, wi in zip(a, w)])
    integral = sp.Integral(sp.expand((model - rho(t)) ** 2), (t, 0, sp.oo))
    theta = list(a) + list(w)
    assert tuple(d.a) == tuple(a) and tuple(d.w) == tuple(w)
    assert sp.cancel(sp.expand(reduce_integrals(integral) - d.J)) == 0
    for i, x in enumerate(theta):
        gi = reduce_integrals(sp.diff(integral, x))
        assert sp.cancel(sp.expand(gi - d.gradient[i])) == 0, (i, gi, d.gradient[i])
        for j, y in enumerate(theta):
            hij = reduce_integrals(sp.diff(integral, x, y))
            assert sp.cancel(sp.expand(hij - d.hessian[i, j])) == 0, (i, j)


def test_value_error_bounds_float64_rounding():
    """Loss.value_error (the derived J through backends.rounding_bound) bounds the
    difference between float64 and 40-digit values of J, and grows with the
    amplitudes as the cancellation in J does."""
    import numpy as np
    from memverify import ExpSum, Loss, MemoryBump

    L = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=0.2), 3)
    rng = np.random.default_rng(3)
    for scale in (1.0, 1e4, 1e8):
        for _ in range(5):
            a = list(scale * rng.standard_normal(3))
            w = list(rng.uniform(0.2, 3.0, 3))
            exact = L.value(a, w, dps=40)
            assert abs(L.value(a, w) - float(exact)) <= L.value_error(a, w)
    assert L.value_error([1e8, 0, 0], [1, 2, 3]) > 1e12 * L.value_error([1, 0, 0], [1, 2, 3])


def test_one_precision_error_for_the_package():
    """float64 running out raises the one PrecisionError everywhere, which is still
    the ValueError / OverflowError / ArithmeticError its callers catch."""
    import memverify
    from memverify.approximation import expsum_error
    from memverify.flow import PrecisionError as FlowPrecisionError

    assert FlowPrecisionError is memverify.PrecisionError
    assert issubclass(memverify.PrecisionError, (ValueError, OverflowError, ArithmeticError))
    with pytest.raises(memverify.PrecisionError, match="dps"):
        expsum_error(memverify.PowerLaw(2.0), [1e12, -1e12 + 1], [1.0, 2.0])
    with pytest.raises(memverify.PrecisionError, match="overflows float64"):
        memverify.Loss(memverify.ExpSum([1.0], [1.0]), 1).hessian([1e300], [1e-300])


def test_mpmath_loss_with_moments_from_arb_matches_more_digits():
    """In mpmath the target's moments come from arb balls at MP_GUARD_DPS more digits,
    rounded to dps: the gradient and Hessian at 42 digits agree with those at 80 digits to
    1e-40 absolute (their terms are O(1) and cancel to 1e-10 in the gradient), at the
    1/omega = 40 bump, whose template moments lose digits."""
    loss = Loss(MemoryBump(ExpSum([1.0], [1.0]), omega=1 / 40), 2)
    a, w = [1.0, 1e-10], [1.0, 0.8]
    for what in ("gradient", "hessian"):
        got = np.ravel(getattr(loss, what)(a, w, dps=42))
        ref = np.ravel(getattr(loss, what)(a, w, dps=80))
        with mp.workdps(80):
            assert all(abs(x - y) <= mp.mpf(10) ** -40 for x, y in zip(got, ref)), what


def test_mpmath_loss_does_not_use_wide_balls(monkeypatch):
    """Where the target's arb moments come out wider than dps's digits, Loss evaluates
    that rate's moments in mpmath instead of rounding a midpoint that is no better than
    its radius: balls made wide and moved by 1e-6 leave the gradient at 40 digits within
    1e-35 of the mpmath moments' (the falsifier, the moved midpoints, would be 1e-6 off)."""
    target = MemoryBump(ExpSum([1.0], [1.0]), omega=0.2)
    loss = Loss(target, 2)
    a, w = [0.7, 0.2], [1.1, 0.6]
    ref = loss.gradient(a, w, dps=40)
    orig = MemoryBump.moments_in

    def wide(self, prec, ns, s):
        out = orig(self, prec, ns, s)
        if prec.kind != "arb":
            return out
        return [v * (1 + flint.arb("1e-6")) + flint.arb(0, (abs(v) * flint.arb("1e-5")).upper()) for v in out]

    monkeypatch.setattr(MemoryBump, "moments_in", wide)
    got = loss.gradient(a, w, dps=40)
    # the falsifier: the same balls' midpoints (what the arb evaluation rounds) are 1e-6 off
    moved = [float(x.mid()) for x in loss.gradient(a, w, dps=40, arb=True)]
    assert max(abs(x - float(y)) for x, y in zip(moved, ref)) > 1e-7
    with mp.workdps(40):
        assert all(abs(x - y) <= mp.mpf(10) ** -35 * (1 + abs(y)) for x, y in zip(got, ref))
