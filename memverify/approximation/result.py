"""`ExpSumApprox`: an exponential sum and its error in one norm (the result type of
every construction), and the norms."""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath

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
    construction aims at a relative error (sinc_width, best_width), else None."""

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
        return {"m": self.m, "a": [mpmath.nstr(mpmath.mpf(x), 25) for x in self.a],
                "w": [mpmath.nstr(mpmath.mpf(x), 25) for x in self.w],
                "norm": self.norm, "error": float(self.error), "w_min": float(self.w_min),
                "interval": None if self.interval is None else [float(x) for x in self.interval],
                "method": self.method, "success": self.success, "status": self.status, "message": self.message,
                "info": self.info,
                "relative_error": None if self.relative_error is None else float(self.relative_error)}
