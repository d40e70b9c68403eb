"""Specialise the general-target derivation to a target family: each Moment(n, x)
and N is replaced by that family's closed form, with symbolic parameters."""

from __future__ import annotations

import sympy as sp

from .. import targets as _t
from .loss import Moment, expsum_moment, norm_symbol, parameters


def _expsum_norm(astar, wstar):
    k = _t.exp_pair_integral()
    return sp.Add(*[ai * aj * k.subs({_t._w: wi, _t._w2: wj})
                    for ai, wi in zip(astar, wstar) for aj, wj in zip(astar, wstar)])


def specialise(expr, spec):
    """Replace the general target in `expr` by 'expsum:K', 'bump' (one-term
    base plus c0 times the Gaussian memory template centred at mu = 1/omega)
    or 'powerlaw' (alpha symbolic)."""
    if not isinstance(spec, str):
        raise TypeError(f"target spec must be a string, got {type(spec).__name__}")
    name, _, arg = spec.partition(":")
    if name == "expsum":
        try:
            k = int(arg) if arg else 1
        except ValueError:
            raise ValueError(f"target spec {spec!r}: K must be an integer") from None
        if k < 1:
            raise ValueError(f"target spec {spec!r}: K must be >= 1")
        astar, wstar = parameters(k, prefix=("a^*", "w^*"))
        mom = lambda n, x: expsum_moment(int(n), x, astar, wstar)
        norm = _expsum_norm(astar, wstar)
    elif name == "bump" and not arg:
        astar, wstar = parameters(1, prefix=("a^*", "w^*"))
        c0 = sp.Symbol("c_0", real=True)
        mom = lambda n, x: (expsum_moment(int(n), x, astar, wstar)
                            + c0 * _t.gaussian_moment(int(n)).subs(_t.s, x))
        norm = _expsum_norm(astar, wstar) + 2 * astar[0] * c0 * _t.gaussian_moment(0).subs(_t.s, wstar[0]) \
            + c0**2 * _t.gaussian_norm2()
    elif name == "powerlaw" and not arg:
        mom = lambda n, x: _t.powerlaw_moment(int(n)).subs(_t.s, x)
        norm = _t.powerlaw_norm2()
    else:
        raise ValueError(f"unknown target spec {spec!r} for derive: expected expsum:K, bump or powerlaw")
    out = expr.replace(lambda e: type(e) is Moment, lambda e: mom(*e.args))
    return out.xreplace({norm_symbol: norm})
