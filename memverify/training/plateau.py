"""A plateau measure computed from a loss curve.

Definition.  Let L_0, ..., L_K be the loss before each of K iterations and after the last.
A *plateau* is a stretch of iterations [i, j] over which the loss stays within a relative
band of width `rtol`, min L[i..j] >= (1 - rtol) max L[i..j], while it is still well above
the floor, min L[i..j] >= level * L_0.  The plateau measure is the longest such stretch:
its length j - i in iterations, where it starts and ends, the loss there, and whether it
runs to the end of the curve (`censored`: the run stopped on the plateau, so its length is
only a lower bound).  A curve *has a plateau* when the length is at least `min_length`
iterations.  The band excludes the final convergence (below level * L_0) and steady
descent (the loss leaves any band of width rtol after about rtol / (relative rate)
iterations).
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass

import numpy as np

from .. import validation
from .optim import MAX_ITERATIONS


@dataclass(frozen=True)
class PlateauParams:
    """rtol: relative width of the band, in (0, 1); level: the floor as a fraction of the
    initial loss, in (0, 1); min_length: iterations a stretch must last to count as a plateau,
    an integer >= 1.  Stored as float, float, int."""

    rtol: float = 0.1
    level: float = 0.05
    min_length: int = 200

    def __post_init__(self):
        for name in ("rtol", "level"):
            object.__setattr__(self, name, float(validation.tolerance(getattr(self, name), name)))
        object.__setattr__(self, "min_length", validation.integer(self.min_length, "min_length", minimum=1))

    def as_dict(self):
        return asdict(self)


def plateau_measure(loss, params=PlateauParams()):
    """The longest plateau of the loss curve `loss` (1-D, finite, >= 0, 2 to MAX_ITERATIONS + 1
    points: 3 s at 10^6) under `params`.  A diverged run has no plateau measure: pass the
    losses before its divergence, or none.

    Returns a dict: length (iterations), start, end, level_loss (the loss at the start),
    censored (the stretch reaches the last point), has_plateau (length >= min_length),
    and the parameters used."""
    if not isinstance(params, PlateauParams):
        raise TypeError(f"params must be a PlateauParams, got {type(params).__name__}")
    L = validation.array(loss, "loss", ndim=1, max_entries=MAX_ITERATIONS + 1)
    if L.size < 2:
        raise ValueError(f"loss must be a 1-D curve of at least 2 points, got shape {L.shape}")
    if np.any(L < 0):
        raise ValueError("loss must be non-negative")
    floor = params.level * L[0]
    best = (0, 0, 0)  # (length, start, end)
    lo = 0
    mx, mn = deque(), deque()  # indices of a decreasing max and an increasing min over [lo, j]
    for j in range(L.size):
        if L[j] < floor:
            lo, mx, mn = j + 1, deque(), deque()
            continue
        while mx and L[mx[-1]] <= L[j]:
            mx.pop()
        mx.append(j)
        while mn and L[mn[-1]] >= L[j]:
            mn.pop()
        mn.append(j)
        while L[mn[0]] < (1 - params.rtol) * L[mx[0]]:
            lo += 1
            if mx[0] < lo:
                mx.popleft()
            if mn[0] < lo:
                mn.popleft()
        if j - lo > best[0]:
            best = (j - lo, lo, j)
    length, start, end = best
    return {"length": int(length), "start": int(start), "end": int(end), "level_loss": float(L[start]),
            "censored": bool(end == L.size - 1 and length > 0), "has_plateau": bool(length >= params.min_length),
            "params": params.as_dict()}
