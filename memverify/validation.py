"""Input validation shared by the public entry points: every check raises
ValueError or TypeError naming the offending argument."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Set
from fractions import Fraction

import mpmath
import numpy as np


def real(x, name):
    """Return `x` unchanged if it is a finite real number, else raise."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got bool {x!r}")
    if isinstance(x, (numbers.Real, mpmath.mpf)):
        if isinstance(x, Fraction):
            return x
        try:
            finite = mpmath.isfinite(x) if isinstance(x, mpmath.mpf) else math.isfinite(x)
        except (TypeError, ValueError, OverflowError):
            finite = False
        if not finite:
            raise ValueError(f"{name} must be finite, got {x!r}")
        return x
    if type(x).__name__ == "arb":
        if not x.is_finite():
            raise ValueError(f"{name} must be finite, got {x!r}")
        return x
    raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")


def positive(x, name):
    """A finite real number > 0."""
    x = real(x, name)
    if not x > 0:
        raise ValueError(f"{name} must be > 0, got {x!r}")
    return x


def integer(x, name, minimum=None):
    """A Python integer (not bool), at least `minimum` when given."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral,)):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__} {x!r}")
    x = int(x)
    if minimum is not None and x < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {x}")
    return x


def vector(xs, name, length=None, positive_entries=False, distinct=False):
    """A sequence of finite real numbers, as a tuple; optional checks on its
    length, sign and distinctness."""
    if isinstance(xs, (str, bytes, Set, Mapping)) or not hasattr(xs, "__iter__"):  # (sets: no order)
        raise TypeError(f"{name} must be a sequence of real numbers, got {type(xs).__name__}")
    if isinstance(xs, np.ndarray) and xs.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {xs.shape}")
    xs = tuple(xs)
    if length is not None and len(xs) != length:
        raise ValueError(f"{name} must have length {length}, got {len(xs)}")
    if len(xs) == 0:
        raise ValueError(f"{name} must not be empty")
    check = positive if positive_entries else real
    xs = tuple(check(x, f"{name}[{i}]") for i, x in enumerate(xs))
    if distinct and len(set(xs)) != len(xs):
        raise ValueError(f"{name} must have distinct entries, got {xs!r}")
    return xs
