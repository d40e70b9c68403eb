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
