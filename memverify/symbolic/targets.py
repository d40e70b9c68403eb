"""Specialise the general-target derivation to a target family: each Moment(n, x)
and N is replaced by that family's closed form, with symbolic parameters."""

from __future__ import annotations

import sympy as sp

from .. import targets as _t
from .loss import Moment, expsum_moment, norm_symbol, parameters


def _expsum_norm(astar, wstar):
    k = _t.exp_pair_integral()
    return sp.Add(*[ai * aj * k.subs({_t.w_sym: wi, _t.w2_sym: wj})
                    for ai, wi in zip(astar, wstar) for aj, wj in zip(astar, wstar)])


def specialise(expr, spec):
    """Replace the general target in `expr` by the family a spec names, in the
    grammar of targets.parse_spec: 'expsum[:K]' (K terms with symbolic a*_k, w*_k;
    K = 2 by default, as for the numeric target), 'bump[:OMEGA]' (a one-term base
    plus c0 times the Gaussian memory template centred at mu = 1/omega) or
    'powerlaw[:ALPHA]'.  A parameter the spec states is put in exactly (its decimal
    as a rational); one it leaves out stays symbolic."""
    name, p, given = _t.parse_spec(spec)
    if name == "expsum":
        astar, wstar = parameters(p[0], prefix=("a^*", "w^*"))
        mom = lambda n, x: expsum_moment(int(n), x, astar, wstar)  # noqa: E731
        norm = _expsum_norm(astar, wstar)
        fixed = {}
    elif name == "bump":
        astar, wstar = parameters(1, prefix=("a^*", "w^*"))
        c0 = sp.Symbol("c_0", real=True)
        mom = lambda n, x: (expsum_moment(int(n), x, astar, wstar)  # noqa: E731
                            + c0 * _t.gaussian_moment(int(n)).subs(_t.s, x))
        norm = _expsum_norm(astar, wstar) + 2 * astar[0] * c0 * _t.gaussian_moment(0).subs(_t.s, wstar[0]) \
            + c0**2 * _t.gaussian_norm2()
        fixed = {_t.mu_sym: 1 / _exact(p[0], spec)} if given[0] else {}
    elif name == "powerlaw":
        mom = lambda n, x: _t.powerlaw_moment(int(n)).subs(_t.s, x)  # noqa: E731
        norm = _t.powerlaw_norm2()
        fixed = {_t.alpha_sym: _exact(p[0], spec)} if given[0] else {}
    else:
        raise ValueError(f"target spec {spec!r}: derive has no closed forms for {name}; "
                         "expected expsum[:K], bump[:OMEGA] or powerlaw[:ALPHA]")
    out = expr.replace(lambda e: type(e) is Moment, lambda e: mom(*e.args))
    out = out.xreplace({norm_symbol: norm})
    return out.subs(fixed) if fixed else out


def _exact(x, spec):
    """A spec's parameter as the rational its decimal means (0.1 -> 1/10); it must be > 0."""
    if not x > 0:
        raise ValueError(f"target spec {spec!r}: the parameter must be > 0, got {x}")
    return sp.Rational(repr(float(x)))
