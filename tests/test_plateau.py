"""The plateau measure on synthetic loss curves with and without a plateau."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from memverify.training.plateau import PlateauParams, plateau_measure


def _curve(plateau, level=0.5, drop=40, n_after=2000):
    """Fast fall from 1 to `level`, a flat stretch of `plateau` iterations, then a fall to 1e-3."""
    k1 = np.arange(drop)
    fall = level + (1 - level) * np.exp(-k1 / 4)
    flat = level * (1 - 0.01 * np.arange(plateau) / max(plateau, 1))  # falls by 1% in all
    k2 = np.arange(n_after)
    escape = flat[-1] * np.exp(-k2 / 4) + 1e-3
    return np.concatenate([fall, flat, escape])


def test_exponential_decay_has_no_plateau():
    L = np.exp(-np.arange(5000) / 50.0)
    pm = plateau_measure(L, PlateauParams(rtol=0.05, level=0.05, min_length=100))
    assert not pm["has_plateau"]
    assert pm["length"] <= 3  # 5% of the loss is lost within 2.6 iterations


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=150, max_value=3000), st.floats(min_value=0.1, max_value=0.8))
def test_plateau_length_recovered(p, level):
    L = _curve(p, level)
    pm = plateau_measure(L, PlateauParams(rtol=0.05, level=0.01, min_length=100))
    assert pm["has_plateau"] and not pm["censored"]
    # the band also holds the last few iterations of the fall and the first of the escape
    assert p <= pm["length"] <= p + 50
    assert pm["start"] <= 40


def test_censored_plateau_flagged():
    L = _curve(1000)[:900]
    pm = plateau_measure(L, PlateauParams(min_length=100))
    assert pm["censored"] and pm["end"] == 899


def test_floor_excludes_convergence():
    L = np.concatenate([np.exp(-np.arange(300) / 10.0), np.full(3000, np.exp(-30.0))])
    assert plateau_measure(L, PlateauParams(level=0.01, min_length=100))["length"] < 100


def test_bad_input():
    with pytest.raises(ValueError, match="finite"):
        plateau_measure([1.0, np.nan, 0.5])
    with pytest.raises(ValueError, match="loss"):
        plateau_measure([1.0])
    with pytest.raises(TypeError, match="params"):
        plateau_measure([1.0, 0.5], {"rtol": 0.1})
    with pytest.raises(ValueError, match="rtol"):
        PlateauParams(rtol=1.5)
    with pytest.raises(ValueError, match="min_length"):
        PlateauParams(min_length=0)
