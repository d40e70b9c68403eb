"""The registry of the paper's claims: one module per part of the paper, each
exporting CLAIMS (a list of Claim objects)."""

from __future__ import annotations

import fnmatch

from .base import SUPPORTING, Claim, Falsifier, Part, Verdict
from . import appendix_c, appendix_d, appendix_d2, appendix_e, general, mstar, optimization, section4, section5

_MODULES = (section4, section5, appendix_c, mstar, appendix_d, appendix_d2, optimization, appendix_e, general)
REGISTRY = {c.id: c for mod in _MODULES for c in mod.CLAIMS}
# parts that a module adds to a claim registered by another (see Part)
for _mod in _MODULES:
    for _cid, _part in getattr(_mod, "PARTS", ()):
        REGISTRY[_cid] = REGISTRY[_cid].with_part(_part)


def select(patterns=None):
    """Claims whose id matches any of the glob `patterns` (all when None).
    An id or pattern that matches nothing is a ValueError."""
    if patterns is None:
        return list(REGISTRY.values())
    if isinstance(patterns, str):
        patterns = [p for p in patterns.split(",") if p]
    chosen = []
    for p in patterns:
        hits = [c for cid, c in REGISTRY.items() if fnmatch.fnmatchcase(cid, p)]
        if not hits:
            raise ValueError(f"unknown claim id or pattern {p!r}; known ids: {', '.join(REGISTRY)}")
        chosen += [c for c in hits if c not in chosen]
    return chosen


__all__ = ["REGISTRY", "SUPPORTING", "Claim", "Falsifier", "Part", "Verdict", "select"]
