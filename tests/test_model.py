"""memverify.model: the (c, W, U) linear RNN, its kernel and its two outputs."""

import math

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from memverify.model import LinearRNN, bump_input


def _rnn(seed, m=3, d=2):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(m, m))
    W = A - (np.max(np.linalg.eigvals(A).real) + 0.5) * np.eye(m)
    return LinearRNN(rng.normal(size=m), W, rng.normal(size=(m, d)))


def test_diagonal_kernel_is_the_exponential_sum():
    rnn = LinearRNN.diagonal([1.0, -0.5], [1.0, 3.0])
    for t in (0.0, 0.3, 2.0):
        assert rnn.kernel(t)[0] == pytest.approx(math.exp(-t) - 0.5 * math.exp(-3 * t), rel=1e-13)


def test_kernel_eig_path_matches_expm():
    rnn = _rnn(3)
    for t in (0.0, 0.7, 5.0):
        ref = rnn.c @ scipy.linalg.expm(rnn.W * t) @ rnn.U
        np.testing.assert_allclose(rnn.kernel(t), ref, rtol=1e-10, atol=1e-14)


def test_kernel_l1_norm_of_single_exponential():
    assert LinearRNN.diagonal([2.0], [4.0]).kernel_l1_norm() == pytest.approx(0.5, rel=1e-9)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), t=st.floats(-2.0, 4.0), m=st.integers(1, 4))
def test_ode_equals_convolution(seed, t, m):
    """eq. 7 / Lemma A.1 for random stable W, random inputs and times."""
    rnn = _rnn(seed, m=m, d=2)
    rng = np.random.default_rng(seed + 1)
    x = bump_input(rng.uniform(-4, 0), rng.uniform(0.5, 2), rng.normal(size=2))
    y1, y2 = rnn.output_ode(x, t), rnn.output_convolution(x, t)
    assert abs(y1 - y2) <= 1e-8 * (1 + abs(y1))


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), tau=st.floats(0.1, 5.0))
def test_time_homogeneous(seed, tau):
    rnn = _rnn(seed)
    x = bump_input(-1.0, 1.0, [1.0, -2.0])
    xs = bump_input(-1.0 + tau, 1.0, [1.0, -2.0])
    assert rnn.output_convolution(xs, 0.5 + tau) == pytest.approx(rnn.output_convolution(x, 0.5), abs=1e-11)


def test_bump_input_support_and_peak():
    x = bump_input(1.0, 0.5, [2.0])
    assert x(1.0)[0] == pytest.approx(2.0)
    assert x(0.5)[0] == 0.0 and x(1.6)[0] == 0.0
    assert x.support == (0.5, 1.5)


@pytest.mark.parametrize("kwargs, exc, word", [
    ({"c": [1, 1], "W": [[1.0, 0], [0, -1]], "U": [[1], [1]]}, ValueError, "stable"),
    ({"c": [1, 1], "W": [[-1.0, 0], [0, -1]], "U": [[1], [1], [1]]}, ValueError, "U"),
    ({"c": [1], "W": [[-1.0, 0], [0, -1]], "U": [[1], [1]]}, ValueError, "c"),
    ({"c": [1, 1], "W": [[-1.0, float("nan")], [0, -1]], "U": [[1], [1]]}, ValueError, "W"),
    ({"c": [1, 1], "W": [[-1.0, 0, 0], [0, -1, 0]], "U": [[1], [1]]}, ValueError, "W"),
    ({"c": [1, 1], "W": "no", "U": [[1], [1]]}, TypeError, "W"),
])
def test_bad_parameters(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        LinearRNN(**kwargs)


def test_bad_inputs():
    rnn = LinearRNN.diagonal([1.0], [1.0])
    with pytest.raises(TypeError, match="x"):
        rnn.output_ode(3.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        rnn.output_convolution(bump_input(0, 1, [1.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match="t0"):
        rnn.output_ode(lambda s: np.zeros(1), 1.0)
    with pytest.raises(ValueError, match="t"):
        rnn.kernel(-1.0)
    with pytest.raises(ValueError, match="w"):
        LinearRNN.diagonal([1.0], [-1.0])


def test_random_rnn_and_bump_paths():
    from memverify.model import BumpPath, random_rnn

    rng = np.random.default_rng(3)
    rnn = random_rnn(rng, m=4, d=2)
    assert np.max(np.linalg.eigvals(rnn.W).real) < -0.29
    x = BumpPath.random(rng, 2)
    y = x.shifted(1.5)
    assert np.allclose(y(0.3), x(0.3 - 1.5)) and np.allclose(y.support, (x.support[0] + 1.5, x.support[1] + 1.5))
    z = x.combine(2.0, y, -1.0)
    assert np.allclose(z(-2.0), 2 * x(-2.0) - y(-2.0))
    assert x.sup_norm() >= np.max(np.abs(x(-3.0)))
    with pytest.raises(ValueError, match="bumps"):
        BumpPath([])
