"""Input validation shared by the public entry points: every check raises
ValueError or TypeError naming the offending argument and the accepted range, before
any work starts (README, "The input contract")."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Set
from fractions import Fraction

import os

import mpmath
import numpy as np

# the digits any entry point accepts: below MIN_DPS mpmath is no better than float64 for our
# sums; above MAX_DPS one moment takes seconds and a flow days (a request that needs more
# is refused up front, not started)
MIN_DPS = 15
MAX_DPS = 10_000
# the widest model: J_m's symbolic derivation grows like m^3.2 (16 s at m = 24, 84 s at 40),
# about 3 minutes at 50
MAX_WIDTH = 50


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


def integer(x, name, minimum=None, maximum=None):
    """A Python integer (not bool), in [minimum, maximum] where given."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral,)):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__} {_short(x)}")
    x = int(x)
    if minimum is not None and x < minimum or maximum is not None and x > maximum:
        lo = "" if minimum is None else f" >= {minimum}"
        hi = "" if maximum is None else f" <= {maximum}"
        raise ValueError(f"{name} must be an integer{lo}{' and' if lo and hi else ''}{hi}, got {_short(x)}")
    return x


def width(x, name="m"):
    """A model width: an integer in [1, MAX_WIDTH]."""
    return integer(x, name, minimum=1, maximum=MAX_WIDTH)


def digits(x, name="dps"):
    """A number of decimal digits for mpmath or arb: an integer in [MIN_DPS, MAX_DPS]."""
    return integer(x, name, minimum=MIN_DPS, maximum=MAX_DPS)


def tolerance(x, name):
    """A relative tolerance: a finite real number in (0, 1)."""
    x = real(x, name)
    if not 0 < x < 1:
        raise ValueError(f"{name} must be in (0, 1), got {x!r}")
    return x


def array(x, name, ndim=None, max_entries=None):
    """x as a float64 numpy array: real numbers only (not bool, complex, strings, None),
    rectangular, non-empty, finite, with `ndim` dimensions and at most `max_entries`
    entries where given."""
    if x is None or isinstance(x, (str, bytes, Set, Mapping)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"{name} must be a rectangular array of real numbers ({exc})") from None
    if max_entries is not None and arr.size > max_entries:
        raise ValueError(f"{name} must have at most {max_entries} entries, got {arr.size}")
    if arr.dtype == object:  # mpf, Fraction, Python ints: each must be a finite real number
        for i, v in enumerate(arr.reshape(-1)):
            real(v, f"{name} entry {i}")
        try:
            arr = arr.astype(float)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"{name} must hold real numbers within float64's range ({exc})") from None
    if arr.dtype.kind not in "iuf" or arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    with np.errstate(over="ignore"):
        arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must have finite entries (within float64's range)")
    return arr


def matrix(x, name, shape=None):
    """A two-dimensional array of finite real numbers (float64), of `shape` where given."""
    out = array(x, name, ndim=2)
    if shape is not None and out.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {out.shape}")
    return out


def seed(x, name="seed"):
    """A random seed: an integer in [0, 2^64 - 1]."""
    return integer(x, name, minimum=0, maximum=2**64 - 1)


def output_path(path, name="out"):
    """A file path that can be written: its directory exists and is writable, and it is not
    a directory.  Checked before a long computation, so a bad path fails at once."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path, got {type(path).__name__}")
    path = os.fspath(path)
    if not path or path.endswith(os.sep) or os.path.isdir(path):
        raise ValueError(f"{name} must name a file, got the directory {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"{name}: the directory {folder!r} does not exist")
    existed = os.path.exists(path)
    try:  # the one reliable test of writability: open it (and leave no trace)
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise ValueError(f"{name}: cannot write {path!r} ({exc.strerror})") from None
    if not existed:
        os.remove(path)
    return path


def _short(x):
    """repr(x), shortened: a huge integer is not printed in full."""
    r = repr(x)
    return r if len(r) <= 40 else f"{r[:20]}...({len(r)} characters)"


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
