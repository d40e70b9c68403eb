"""`ExpSum`: the exponential sums sum_j a_j e^{-w_j t}."""

from __future__ import annotations

import mpmath
import numpy as np

from .. import validation
from ..backends import Precision
from .base import Target, checked_rates
from .closed_forms import compiled_form


class ExpSum(Target):
    """rho(t) = sum_j a_j exp(-w_j t), rates w_j > 0 distinct (any finite a_j, w_j).

    Moments of order n <= 1000 (MAX_ORDER): M_n = sum_j a_j n!/(s + w_j)^(n+1), whose
    compiled form holds n! as an integer literal (1000! has 2568 digits; beyond about
    n = 1750 Python refuses to print it).  In float64, where n! or (s + w)^(n+1)
    overflow (n >= 171) the moment is evaluated in mpmath and rounded back."""

    _fields = ("a", "w")
    MAX_ORDER = 1000
    _ORDER_COST = "the closed form holds n! as an integer literal"

    def __init__(self, a, w):
        self.w = validation.vector(w, "w", positive_entries=True, distinct=True)
        self.a = validation.vector(a, "a", length=len(self.w))
        self._freeze()

    def spec(self):
        return f"ExpSum(a={list(self.a)}, w={list(self.w)})"

    def as_dict(self):
        return {"kind": "ExpSum", "a": [float(x) for x in self.a], "w": [float(x) for x in self.w]}

    def _rho(self, t, prec):
        f = compiled_form("exp", 0, prec.kind)
        return sum(prec.number(a) * f(t, prec.number(w)) for a, w in zip(self.a, self.w))

    def _moment(self, n, s, prec):
        f = compiled_form("exp_moment", n, prec.kind)
        return sum(prec.number(a) * f(s, prec.number(w)) for a, w in zip(self.a, self.w))

    def _norm2(self, prec):
        k = compiled_form("exp_pair", 0, prec.kind)
        a = [prec.number(x) for x in self.a]
        w = [prec.number(x) for x in self.w]
        return sum(a[i] * a[j] * k(w[i], w[j]) for i in range(len(a)) for j in range(len(a)))

    def _primitive(self, ts, prec):
        # int_0^t e^{-w u} du = -expm1(-w t)/w: no cancellation at small w t
        if prec.kind == "float":
            a, w = np.array(self.a, dtype=float), np.array(self.w, dtype=float)
            return np.sum(-a * np.expm1(-np.outer(ts, w)) / w, axis=1)
        a, w = [prec.number(x) for x in self.a], [prec.number(x) for x in self.w]
        return np.array([sum(-ai * mpmath.expm1(-wi * x) / wi for ai, wi in zip(a, w)) for x in ts], dtype=object)

    def _integral(self, prec):
        return sum(prec.number(a) / prec.number(w) for a, w in zip(self.a, self.w))

    def exponential_part(self):
        return self

    def template_moments(self, s):
        """Zero: an exponential sum has no template (see Target.template_moments)."""
        n = len(checked_rates(s))
        return np.zeros((4, n)), np.zeros((4, n))

    def template_moment(self, n, s, dps=None, arb=False):
        """Zero (see MemoryBump.template_moment)."""
        n = self._order(n)
        s = validation.positive(s, "s")
        return Precision(dps, arb).number(0)

    def template_moment_in(self, prec, n, s):
        """Zero, in prec's kind."""
        return prec.number(0)
