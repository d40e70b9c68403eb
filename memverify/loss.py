"""`Loss(target, m)`: J(a, w), grad J and Hess J of the width-m diagonal model
(eq. 18) in float64, mpmath or arb, evaluated from the expressions that
`memverify.symbolic.derive` derived (never retyped)."""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp

from . import validation
from .backends import Precision, PrecisionError, compile_exprs, rounding_bound
from .symbolic import Moment, derive, loss_value, norm_symbol
from .targets import Target

# guard digits of the target's moments computed in arb for mpmath (Loss._evaluate)
MP_GUARD_DPS = 3
_ORDERS = {"value": (0,), "value_error": (0,), "gradient": (0, 1), "hessian": (1, 2)}


def _moment_symbols(m):
    return [[sp.Symbol(f"M{n}_{i + 1}") for i in range(m)] for n in range(3)]


@functools.lru_cache(maxsize=None)
def _compiled(m, what, kind):
    # J alone where only J is needed: the derivatives cost most of derive(m) at large m
    a, w, J = loss_value(m)
    msyms = _moment_symbols(m)
    reps = {Moment(n, w[i]): msyms[n][i] for n in range(3) for i in range(m)}
    if what in ("gradient", "hessian"):
        d = derive(m)
        expr = list(d.gradient) if what == "gradient" else d.hessian.tolist()
    else:
        expr = J
    if what == "value_error":  # J's own float64 rounding, from the same derived expression
        expr = rounding_bound(sp.sympify(expr).xreplace(reps))
    expr = sp.sympify(expr).xreplace(reps) if what in ("value", "value_error") else \
        [e.xreplace(reps) if what == "gradient" else [x.xreplace(reps) for x in e] for e in expr]
    args = list(a) + list(w) + [x for row in msyms for x in row] + [norm_symbol]
    return compile_exprs(args, expr, kind)


class Loss:
    """J(a, w) = int_0^inf (sum_i a_i e^{-w_i t} - rho(t))^2 dt for a target and width m.

    Each method takes `a` and `w` (length m, w_i > 0) and a precision:
    ``dps=None`` gives float64 (numpy), ``dps=50`` mpmath numbers at 50 digits,
    ``arb=True`` python-flint balls (at ``dps`` digits, default 30) that enclose
    the exact value.  Vectors and matrices come back as numpy arrays (dtype
    object for mpmath and arb), ordered (a_1..a_m, w_1..w_m).  mpmath numbers
    carry `dps` digits, but arithmetic on them rounds to mpmath's current
    precision: do further work inside ``mpmath.workdps(dps)``.
    """

    def __init__(self, target, m):
        if not isinstance(target, Target):
            raise TypeError(f"target must be a memverify target (ExpSum, MemoryBump, PowerLaw, Airy), "
                            f"got {type(target).__name__}")
        self.target = target
        self.m = validation.width(m)
        self._norm2_cache = {}

    def __repr__(self):
        return f"Loss({self.target.spec()}, m={self.m})"

    def _evaluate(self, what, a, w, dps, arb):
        a = validation.vector(a, "a", length=self.m)
        w = validation.vector(w, "w", length=self.m, positive_entries=True)
        prec = Precision(dps, arb)
        f = _compiled(self.m, what, prec.kind)
        orders = _ORDERS[what]
        with prec.context():
            av = [prec.number(x) for x in a]
            wv = [prec.number(x) for x in w]
            zero = prec.number(0)
        # mpmath: the target's moments are evaluated in arb balls at MP_GUARD_DPS more
        # digits and their midpoints rounded to dps (the same floating-point evaluation,
        # with flint's arithmetic in C instead of mpf's in Python); J and its derivatives,
        # whose terms cancel, stay in mpmath
        work = Precision(prec.dps + MP_GUARD_DPS, arb=True) if prec.kind == "mp" else prec
        with work.context():
            by_rate = [self.target.moments_in(work, orders, work.number(wi)) for wi in wv]
        with prec.context():
            if prec.kind == "mp":
                # a ball wider than dps's digits has a midpoint no better than its radius:
                # that rate's moments are evaluated in mpmath instead
                by_rate = [ms if all(v.rel_accuracy_bits() >= mpmath.mp.prec for v in ms)
                           else self.target.moments_in(prec, orders, wi) for ms, wi in zip(by_rate, wv)]
            by_rate = [dict(zip(orders, (prec.number(v) for v in ms))) for ms in by_rate]
            moments = [[m.get(n, zero) for m in by_rate] for n in range(3)]
            norm = self._target_norm2(prec) if what in ("value", "value_error") else zero
            out = f(*av, *wv, *[x for row in moments for x in row], norm)
            if prec.kind == "float" and not np.all(np.isfinite(np.asarray(out, dtype=float))):
                # an intermediate overflowed (w near 0): float64 cannot resolve this
                raise PrecisionError(f"the {what} of J overflows float64 at a={list(a)}, w={list(w)}: "
                                    "evaluate it with dps=... (mpmath) or arb=True")
            if what in ("value", "value_error"):
                return float(out) if prec.kind == "float" else +out
            return prec.array(out)

    def _target_norm2(self, prec):
        # ||rho||^2 is a constant: computed once per kind of number and precision
        key = (prec.kind, prec.dps)
        if key not in self._norm2_cache:
            self._norm2_cache[key] = self.target.norm2_in(prec)
        return self._norm2_cache[key]

    def value(self, a, w, dps=None, arb=False):
        """J(a, w) (eq. 18): a float, mpf or arb."""
        return self._evaluate("value", a, w, dps, arb)

    def value_error(self, a, w):
        """A bound on the float64 rounding error of value(a, w): the derived J evaluated
        operation by operation (backends.rounding_bound), a float."""
        return self._evaluate("value_error", a, w, None, False)

    def gradient(self, a, w, dps=None, arb=False):
        """grad J(a, w): array of shape (2m,), order (d/da_1..d/da_m, d/dw_1..d/dw_m)."""
        return self._evaluate("gradient", a, w, dps, arb)

    def hessian(self, a, w, dps=None, arb=False):
        """Hess J(a, w): array of shape (2m, 2m), same order as the gradient."""
        return self._evaluate("hessian", a, w, dps, arb)
