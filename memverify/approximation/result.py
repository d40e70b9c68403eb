"""`ExpSumApprox`: an exponential sum and its error in one norm (the result type of
every construction), and the norms."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath

from .. import validation
from ..targets import ExpSum


NORMS = ("L1", "L2", "Linf")


@dataclass(frozen=True)
class ExpSumApprox:
    """An exponential sum phi(t) = sum_j a_j e^{-w_j t} and its error.

    a, w: tuples (float or mpf); norm: 'L1', 'L2' or 'Linf'; error: the error
    in that norm on `interval` ((0, T) or None for [0, inf)); method: how it
    was built; status: 0 converged / built, 1 not converged (see message);
    info: plain data (parameters, iterations, alternation points, ...);
    relative_error: the error divided by the target's norm, where the
    construction aims at a relative error (sinc_width, best_width), else None.

    Checked when built (ValueError / TypeError naming the field): a and w finite, of one
    length (at most 4096), w > 0; error and relative_error finite (>= 0); interval None
    or (0, T) with T > 0 finite; status 0 or 1; method and message strings; info a dict."""

    a: tuple
    w: tuple
    norm: str
    error: object
    interval: object
    method: str
    status: int = 0
    message: str = ""
    info: dict = field(default_factory=dict)
    relative_error: object = None

    def __post_init__(self):
        w = validation.vector(self.w, "w", positive_entries=True)
        if len(w) > 4096:
            raise ValueError(f"w must have at most 4096 terms, got {len(w)}")
        object.__setattr__(self, "w", w)
        object.__setattr__(self, "a", validation.vector(self.a, "a", length=len(w)))
        if not isinstance(self.norm, str) or self.norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {validation._short(self.norm)}")
        for name in ("error", "relative_error"):
            value = getattr(self, name)
            if value is not None and validation.real(value, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        if self.interval is not None:
            if not isinstance(self.interval, (tuple, list)) or len(self.interval) != 2 or \
                    validation.real(self.interval[0], "interval[0]") != 0:
                raise ValueError(f"interval must be None or a pair (0, T), got {validation._short(self.interval)}")
            validation.positive(self.interval[1], "interval[1]")
        if not isinstance(self.method, str) or not isinstance(self.message, str):
            raise TypeError("method and message must be strings")
        if validation.integer(self.status, "status") not in (0, 1):
            raise ValueError(f"status must be 0 or 1, got {self.status!r}")
        if not isinstance(self.info, dict):
            raise TypeError(f"info must be a dict, got {type(self.info).__name__}")

    @property
    def success(self):
        """status == 0: the construction converged, or was built in closed form."""
        return self.status == 0

    @property
    def m(self):
        return len(self.w)

    @property
    def w_min(self):
        """The smallest rate: 1/w_min is the longest time constant of the sum."""
        return min(self.w)

    def as_target(self):
        """The sum as an `ExpSum` target."""
        return ExpSum(list(self.a), list(self.w))

    def as_dict(self):
        """Plain data; a and w as decimal strings at full precision (so anyone can
        re-evaluate the error independently), plus floats for convenience."""
        return {"m": self.m, "a": [_decimal(x) for x in self.a], "w": [_decimal(x) for x in self.w],
                "norm": self.norm, "error": _plain(self.error), "w_min": _plain(self.w_min),
                "interval": None if self.interval is None else [_plain(x) for x in self.interval],
                "method": self.method, "success": self.success, "status": self.status, "message": self.message,
                "info": self.info,
                "relative_error": None if self.relative_error is None else _plain(self.relative_error)}


def _decimal(x):
    """x (float, int, Fraction, mpf) as a decimal string of 25 digits."""
    with mpmath.workdps(30):
        return mpmath.nstr(_mpf(x), 25)


def _mpf(x):
    """x as an mpf (Fractions exactly, then rounded)."""
    if hasattr(x, "denominator") and not isinstance(x, int):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def _plain(x):
    """x as a float, or as a decimal string where it is beyond float64's range (mpmath results)."""
    f = float(x)
    return f if math.isfinite(f) else _decimal(x)
