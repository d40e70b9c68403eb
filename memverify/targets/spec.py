"""Target spec strings 'name[:p1,p2,...]': the one grammar (`SPEC_GRAMMAR`) for the
numeric targets (`parse_target`) and the symbolic families (symbolic.targets.specialise)."""

from __future__ import annotations

import math

from .airy import Airy
from .expsum import ExpSum
from .bump import MemoryBump
from .powerlaw import PowerLaw

# The one grammar of target specs, for the numeric targets (parse_target) and the
# symbolic families (symbolic.targets.specialise): name -> (parameter names, defaults)
SPEC_GRAMMAR = {"expsum": (("K",), (2,)), "bump": (("OMEGA",), (0.1,)),
                "powerlaw": (("ALPHA",), (1.5,)), "airy": (("S0", "T0"), (1.0, 5.0))}
SPEC_HELP = "expsum[:K], bump[:OMEGA], powerlaw[:ALPHA] or airy[:S0,T0]"
# the most terms of 'expsum:K' (the target's norm has K^2 terms, and derive's symbolic
# family K^2 symbolic ones)
MAX_SPEC_K = 100


def parse_spec(spec):
    """A target spec 'name[:p1,p2,...]' read by SPEC_GRAMMAR: (name, parameters,
    given), the parameters as numbers (K an int in [1, 100], the others finite floats)
    with the defaults filled in, given True where the spec states a parameter."""
    if not isinstance(spec, str):
        raise TypeError(f"target spec must be a string, got {type(spec).__name__}")
    name, colon, arg = spec.partition(":")
    if name not in SPEC_GRAMMAR:
        raise ValueError(f"unknown target spec {_shown(spec)}: expected {SPEC_HELP}")
    names, defaults = SPEC_GRAMMAR[name]
    if not colon:
        return name, defaults, (False,) * len(names)
    parts = arg.split(",")
    if len(parts) != len(names):
        raise ValueError(f"target spec {_shown(spec)} is malformed: {name} takes {':'.join(names[:1])}"
                         f"{''.join(',' + x for x in names[1:])}")
    values = []
    for pname, text in zip(names, parts):
        try:
            value = int(text) if pname == "K" else float(text)
        except ValueError:
            raise ValueError(f"target spec {_shown(spec)} is malformed: {pname} = {_shown(text)} is not "
                             f"{'an integer' if pname == 'K' else 'a number'}") from None
        if pname == "K" and not 1 <= value <= MAX_SPEC_K:
            raise ValueError(f"target spec {_shown(spec)} is malformed: K must be an integer in [1, {MAX_SPEC_K}], "
                             f"got {value}")
        if pname != "K" and not math.isfinite(value):
            raise ValueError(f"target spec {_shown(spec)} is malformed: {pname} must be finite, got {value}")
        values.append(value)
    return name, tuple(values), (True,) * len(names)


def parse_target(spec, m=None):
    """A target from a spec (parse_spec): 'expsum[:K]' (K terms (-1)^j/(j+1) e^{-(j+1) t},
    default 2), 'bump[:OMEGA]' (MemoryBump on e^{-t}, omega = 0.1), 'powerlaw[:ALPHA]'
    (1.5) or 'airy[:S0,T0]' (1, 5)."""
    name, p, _ = parse_spec(spec)
    try:
        if name == "expsum":
            k = p[0]
            return ExpSum([(-1) ** j * 1.0 / (j + 1) for j in range(k)], [float(j + 1) for j in range(k)])
        if name == "bump":
            return MemoryBump(ExpSum([1.0], [1.0]), omega=p[0])
        if name == "powerlaw":
            return PowerLaw(p[0])
        return Airy(*p)
    except ValueError as exc:
        raise ValueError(f"target spec {_shown(spec)} is malformed: {exc}") from None


def _shown(spec):
    """The spec as messages quote it (a long one shortened)."""
    return repr(spec) if len(spec) <= 60 else repr(spec[:50]) + f"...({len(spec)} characters)"
