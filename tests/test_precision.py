"""backends.precision: the one number context (Precision), its arrays and operations,
flint's precision context, and the lowest accepted dps."""

import flint
import mpmath
import numpy as np
import pytest

from memverify.backends import MIN_DPS, Precision, flint_precision


def test_lowest_dps_is_one_number():
    Precision(MIN_DPS)
    with pytest.raises(ValueError, match="dps"):
        Precision(MIN_DPS - 1)


def test_flint_precision_restores_even_after_an_error():
    before = flint.ctx.prec
    with pytest.raises(RuntimeError):
        with flint_precision(dps=60):
            assert flint.ctx.prec > before
            raise RuntimeError("inside")
    assert flint.ctx.prec == before


def test_extra_digits_raises_the_kind_s_own_precision():
    mp = Precision(30)
    with mp.context(), mp.extra_digits(7.2):
        assert mpmath.mp.dps == 38
    arb = Precision(30, arb=True)
    with arb.context():
        bits = flint.ctx.prec
        with arb.extra_digits(10):
            assert flint.ctx.prec == bits + 34
        assert flint.ctx.prec == bits
    with Precision().extra_digits(10):  # float64: nothing to raise
        pass


@pytest.mark.parametrize("prec", [Precision(), Precision(40)], ids=["float", "mp"])
def test_array_operations_agree_between_kinds(prec):
    K = [[4.0, 1.0], [1.0, 3.0]]
    with prec.context():
        x = prec.solve(prec.matrix(K), prec.vector([1, 2]))
        assert x.dtype == prec.dtype
        np.testing.assert_allclose(prec.to_float(x), np.linalg.solve(K, [1, 2]), rtol=1e-15)
        v = prec.vector([3, -4])
        assert float(prec.norm2(v)) == 5.0 and float(prec.norm_inf(v)) == 4.0
        assert prec.all_finite(v) and not prec.all_finite(prec.vector([1.0, float("inf")]))
        np.testing.assert_allclose(prec.to_float(prec.expm1(prec.vector([1e-20, 1.0]))),
                                   [1e-20, np.e - 1], rtol=1e-15)
        with pytest.raises(ZeroDivisionError):
            prec.solve(prec.matrix([[1.0, 2.0], [2.0, 4.0]]), prec.vector([1, 1]))


def test_arb_kind_refuses_what_it_does_not_do():
    with pytest.raises(TypeError, match="arb"):
        Precision(30, arb=True).norm2(np.array([flint.arb(1)], dtype=object))


def test_mpmath_solve_is_accurate_to_its_working_precision():
    """Precision(dps).solve goes through flint's floating-point LU (algorithm 'approx'):
    on a random well-conditioned 12 x 12 system at 42 digits it agrees with mpmath's
    lu_solve at 80 digits to 1e-40 relative, its residual is at the rounding level,
    and it keeps refusing singular and non-square matrices."""
    rng = np.random.default_rng(3)
    n = 12
    Kf = rng.standard_normal((n, n)) + 5 * np.eye(n)
    bf = rng.standard_normal(n)
    prec = Precision(dps=42)
    with prec.context():
        K = [[mpmath.mpf(v) / 3 for v in row] for row in Kf]  # entries not exact in float64
        b = [mpmath.mpf(v) / 7 for v in bf]
        x = prec.solve(K, b)
        assert all(isinstance(v, mpmath.mpf) for v in x)
    with mpmath.workdps(80):
        ref = mpmath.lu_solve(mpmath.matrix(K), mpmath.matrix(b))
        scale = max(abs(v) for v in ref)
        assert max(abs(x[i] - ref[i]) for i in range(n)) < mpmath.mpf(10) ** -40 * scale
    with pytest.raises(ZeroDivisionError):
        prec.solve([[1, 2], [2, 4]], [1, 1])
    with pytest.raises(ValueError, match="square"):
        prec.solve([[1, 2, 3], [4, 5, 6]], [1, 1])


def test_congruence_agrees_with_the_plain_products():
    """Precision.congruence(Q, H) = Q^T H Q: float64 exactly numpy's product; mpmath
    (through flint's matrix product) within 1e-60 of the product at 100 digits."""
    rng = np.random.default_rng(5)
    Qf, Hf = rng.standard_normal((20, 20)), rng.standard_normal((20, 20))
    assert np.array_equal(Precision().congruence(Qf, Hf), Qf.T.dot(Hf).dot(Qf))
    prec = Precision(dps=65)
    with prec.context():
        Q = np.array([[mpmath.mpf(v) / 3 for v in row] for row in Qf], dtype=object)
        H = np.array([[mpmath.mpf(v) / 7 for v in row] for row in Hf], dtype=object)
        out = prec.congruence(Q, H)
    with mpmath.workdps(100):
        ref = Q.T.dot(H).dot(Q)
        assert max(abs(out[i, j] - ref[i, j]) for i in range(20) for j in range(20)) < mpmath.mpf(10) ** -60
    with pytest.raises(TypeError, match="arb"):
        Precision(arb=True).congruence(Q, H)
