"""Double-word arithmetic (backends.dd_*): each operation within its stated bound of
the exact rational result, on random and on adversarial (cancelling) inputs."""

from fractions import Fraction

import numpy as np
from hypothesis import given, settings, strategies as st

from memverify.backends import (DD_ADD_BOUND, DD_MUL_BOUND, DD_RECIP_BOUND, DD_U2, dd_add, dd_mul, dd_recip, dd_sum,
                                two_prod, two_sum)


def _words(rng, n, spread):
    """n normalised double words with magnitudes over 10^(+-spread) and random signs."""
    hi = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-spread, spread, n)
    return two_sum(hi, hi * rng.uniform(-1, 1, n) * 2.0 ** -53)


def _exact(x):
    return [Fraction(float(h)) + Fraction(float(lo)) for h, lo in zip(np.ravel(x[0]), np.ravel(x[1]))]


def _rel_errors(got, want):
    return [abs(g - w) / abs(w) for g, w in zip(_exact(got), want) if w != 0]


@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 3, 30]))
@settings(max_examples=25, deadline=None)
def test_error_free_transformations_are_exact(seed, spread):
    rng = np.random.default_rng(seed)
    a, b = (rng.uniform(-1, 1, 50) * 10.0 ** rng.uniform(-spread, spread, 50) for _ in range(2))
    for f, op in ((two_sum, lambda x, y: x + y), (two_prod, lambda x, y: x * y)):
        p, e = f(a, b)
        assert all(Fraction(float(pi)) + Fraction(float(ei)) == op(Fraction(float(x)), Fraction(float(y)))
                   for pi, ei, x, y in zip(p, e, a, b))


@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 2, 20]), st.booleans())
@settings(max_examples=25, deadline=None)
def test_dd_operations_within_their_bounds(seed, spread, cancel):
    rng = np.random.default_rng(seed)
    x = _words(rng, 40, spread)
    y = _words(rng, 40, spread)
    if cancel:  # y = -x (1 + tiny): the sum cancels to its last digits
        y = dd_mul(x, two_sum(-np.ones(40), rng.uniform(-1, 1, 40) * 2.0 ** -rng.integers(20, 100, 40)))
    X, Y = _exact(x), _exact(y)
    assert max(_rel_errors(dd_add(x, y), [p + q for p, q in zip(X, Y)]), default=0) <= DD_ADD_BOUND * DD_U2
    assert max(_rel_errors(dd_mul(x, y), [p * q for p, q in zip(X, Y)])) <= DD_MUL_BOUND * DD_U2
    assert max(_rel_errors(dd_recip(x), [1 / p for p in X])) <= DD_RECIP_BOUND * DD_U2


@given(st.integers(0, 2**32 - 1), st.integers(1, 23))
@settings(max_examples=25, deadline=None)
def test_dd_sum_within_its_bound(seed, n):
    rng = np.random.default_rng(seed)
    x = _words(rng, 3 * n, 5)
    x = (x[0].reshape(3, n), x[1].reshape(3, n))
    x = (np.concatenate([x[0], -x[0][:, :1]], 1), np.concatenate([x[1], -x[1][:, :1] * 0.5], 1))  # a cancellation
    (sh, sl), levels = dd_sum(x)
    assert levels == int(np.ceil(np.log2(n + 1)))
    for row in range(3):
        terms = _exact((x[0][row], x[1][row]))
        err = abs(Fraction(float(sh[row])) + Fraction(float(sl[row])) - sum(terms))
        assert err <= levels * DD_ADD_BOUND * DD_U2 * sum(abs(t) for t in terms)


def test_dd_bounds_are_not_vacuous():
    """The falsifier: a claimed bound 100 times tighter than DD_MUL_BOUND is broken
    by some product (the stated bounds are close to what the operations do)."""
    rng = np.random.default_rng(0)
    x, y = _words(rng, 20000, 1), _words(rng, 20000, 1)
    worst = max(_rel_errors(dd_mul(x, y), [p * q for p, q in zip(_exact(x), _exact(y))]))
    assert DD_MUL_BOUND * DD_U2 / 100 < worst <= DD_MUL_BOUND * DD_U2


def test_illinois_finds_roots_in_each_kind_of_number():
    """The one root finder: float64 and mpmath brackets, scalars and arrays, either
    orientation; and it does not return a point outside its bracket."""
    import mpmath

    from memverify.backends import illinois

    lo, hi = illinois(lambda x: x**3 - 2, 0.0, 2.0, -2.0, 6.0, 1e-15)
    assert lo <= 2 ** (1 / 3) <= hi and hi - lo <= 4e-15
    with mpmath.workdps(40):
        lo, hi = illinois(lambda x: 2 - x**3, mpmath.mpf(0), mpmath.mpf(2), mpmath.mpf(2), mpmath.mpf(-6),
                          mpmath.mpf(10) ** -38)
        assert abs(hi - mpmath.cbrt(2)) <= mpmath.mpf(10) ** -37
    lo, hi = illinois(np.sin, np.array([3.0, 6.0]), np.array([4.0, 6.5]), np.sin([3.0, 6.0]), np.sin([4.0, 6.5]),
                      1e-15)
    assert np.allclose(hi, [np.pi, 2 * np.pi], rtol=1e-14, atol=0)
    # a step function: regula falsi alone would stall; Illinois and bisection still close in
    lo, hi = illinois(lambda x: 1.0 if x > 1 else -1.0, 0.0, 3.0, -1.0, 1.0, 1e-15)
    assert lo <= 1 < hi and hi - lo <= 1e-14
