"""Small helpers shared by the claim modules: zero tests for symbolic
residuals and certified (arb) evaluation of a residual at a counterexample."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ..backends import Precision, compile_exprs
from ..targets import ExpSum, MemoryBump
from ..symbolic.loss import AbsTemplateMoment, Moment, TemplateMoment, norm_symbol
from .base import Verdict


GENERAL_M_NOTE = ("proved width by width; not a proof for general m. Every entry involves the other "
                  "indices only through sums of terms in a single other index, so widths <= 3 already "
                  "exercise every kind of term; notebooks/01_derivations.ipynb also derives the general-m "
                  "entries with sympy Sums.")


def residual(expr):
    """expr brought to a canonical rational form: it is 0 exactly when the
    identity it encodes holds for all values of its symbols and functions."""
    return sp.cancel(sp.together(sp.expand(expr)))


def _moment_value(func, n, x, target, prec):
    if type(func) is Moment:
        return target.moment_in(prec, n, x)
    if type(func) is TemplateMoment:
        return target.template_moment_in(prec, n, x)
    if type(func) is AbsTemplateMoment:
        return abs(target.template_moment_in(prec, n, x))  # Gaussian template: |c0| G_n
    raise TypeError(f"no numeric value for {func}")


def evaluate_arb(expr, values, target=None, dps=30):
    """An arb ball enclosing `expr` with its symbols set to `values` (a dict
    symbol -> int/Fraction, kept exact) and its moment functions evaluated
    for `target` (Moment -> target.moment; TemplateMoment and
    AbsTemplateMoment -> the signed and |.| template moments of a MemoryBump)."""
    expr = sp.sympify(expr).xreplace({k: sp.Rational(Fraction(v)) for k, v in values.items()})
    prec = Precision(dps, arb=True)
    with prec.context():
        reps, args, vals = {}, [], []
        for f in sorted(expr.atoms(Moment), key=sp.default_sort_key):
            n, x = f.args
            if not x.is_Rational:
                raise ValueError(f"argument of {f} is not a number after substitution")
            d = sp.Dummy()
            reps[f] = d
            args.append(d)
            vals.append(_moment_value(f, int(n), prec.number(Fraction(int(x.p), int(x.q))), target, prec))
        if expr.has(norm_symbol):
            d = sp.Dummy()
            reps[norm_symbol] = d
            args.append(d)
            vals.append(target.norm2_in(prec))
        expr = expr.xreplace(reps)
        if expr.free_symbols - set(args):
            raise ValueError(f"unset symbols {expr.free_symbols - set(args)}")
        return compile_exprs(args, expr, "arb")(*vals) * 1


def ball_str(x, digits=12):
    """'mid +/- radius' of an arb ball (the radius is the ball's own, not the display rounding)."""
    if not hasattr(x, "rad"):
        return str(x)
    return f"{x.mid().str(digits, radius=False)} +/- {float(x.rad()):.1e}"


def nonzero(ball):
    """The ball excludes 0: the value is certified non-zero."""
    return not ball.contains(0)


# the shared witnesses: an exact exponential-sum target and exact rational model parameters
WITNESS_TARGET = ExpSum([Fraction(1), Fraction(-1, 2)], [Fraction(1), Fraction(3)])


def witness_model(d):
    """The witness model parameters a_k = (k + 2)/3, w_k = (2k + 3)/4 (exact) for the
    symbols of a derivation d (symbolic.loss.derive)."""
    vals = {a: Fraction(i + 2, 3) for i, a in enumerate(d.a)}
    vals.update({w: Fraction(2 * i + 3, 4) for i, w in enumerate(d.w)})
    return vals


def refute_at_witness(r, label, values=None, target=WITNESS_TARGET, extra=None):
    """A residual r that sympy did not reduce to 0, evaluated with arb at a witness:
    the point `values` ({symbol: Fraction}; default: the i-th of r's symbols, in sympy's
    order, at (2 + i)/(3 + i)) and `target`.  Verdict 'refuted' (certified) when the
    ball excludes 0, else 'error' (r may be 0 after all: choose another witness).
    The evidence carries r, the witness and the ball, plus `extra`."""
    if values is None:
        values = {s: Fraction(2 + i, 3 + i) for i, s in
                  enumerate(sorted(r.free_symbols - {norm_symbol}, key=sp.default_sort_key))}
    ball = evaluate_arb(r, values, target)
    ev = {**(extra or {}), "residual": str(r), "witness_target": target.spec(),
          "witness_point": {str(s): str(v) for s, v in values.items()}, "residual_at_witness": ball_str(ball)}
    if nonzero(ball):
        return Verdict("refuted", f"{label}: residual {r}; at the witness {ball_str(ball, 6)} != 0 (certified)",
                       ev, Precision(30, arb=True).describe())
    return Verdict("error", f"{label}: residual {r} not identically 0 but 0 at the witness; choose another witness",
                   ev)


def memory_witness(mstar, c0, omega):
    """The witness target of the memory-loss formulas: a MemoryBump (exact rationals) over
    sum_j (-1)^j/(j+1) e^{-(j+1) t}, j < mstar, with the given c0 and omega, sigma = 1."""
    base = ExpSum([Fraction((-1) ** j, j + 1) for j in range(mstar)], [Fraction(j + 1) for j in range(mstar)])
    return MemoryBump(base, omega=Fraction(omega), c0=Fraction(c0), sigma=Fraction(1))


def memory_witness_values(d, astar, wstar, target):
    """witness_model(d) with the symbols a*_j, w*_j set to the target's exponential part."""
    vals = witness_model(d)
    vals.update({s: v for s, v in zip(astar, target.base.a)})
    vals.update({s: v for s, v in zip(wstar, target.base.w)})
    return vals


def check_entries(pairs, d, astar, wstar, witness_c0, witness_omega, label):
    """pairs: (name, paper, derived).  Proved when every residual is 0; else the
    first non-zero residual is evaluated at a witness MemoryBump with arb."""
    for name, paper, derived in pairs:
        r = residual(paper - derived)
        if r == 0:
            continue
        target = memory_witness(len(astar), witness_c0, witness_omega)
        return refute_at_witness(r, f"{label} {name} (m={d.m}, witness c0={witness_c0}) differs from the derivation",
                                 memory_witness_values(d, astar, wstar, target), target, {"entry": name, "m": d.m})
    return None
