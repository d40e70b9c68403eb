"""Claim, Falsifier and Verdict: the units the package verifies and reports."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

# strongest first; 'refuted' and 'error' are not evidence for a claim
STATUSES = ("proved", "certified", "supported", "refuted", "error")
SUPPORTING = ("proved", "certified", "supported")


@dataclass
class Verdict:
    """What a verifier found.

    status: proved (symbolic identity), certified (ball arithmetic),
    supported (numerical, within a stated tolerance), refuted (with the
    counterexample in the evidence) or error (could not decide; reason in
    `summary`).  evidence: plain data (numbers, strings, lists, dicts).
    """

    status: str
    summary: str
    evidence: dict = field(default_factory=dict)
    precision: str = "exact"
    seconds: float = 0.0

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def as_dict(self):
        return {"status": self.status, "summary": self.summary, "evidence": self.evidence,
                "precision": self.precision, "seconds": round(self.seconds, 4)}


def weakest(statuses):
    """The weakest of several supporting kinds of evidence ('refuted' or
    'error' win over any of them)."""
    return max(statuses, key=STATUSES.index)


@dataclass(frozen=True)
class Falsifier:
    """A deliberately wrong variant of a claim: the same verifier, run with
    `params` overriding the claim's own, must return 'refuted'."""

    description: str
    params: dict


@dataclass(frozen=True)
class Claim:
    """A statement of the paper, its verifier and the wrong variants that the
    verifier must reject.  `verify(**params)` returns a Verdict;
    `full_params` override `params` in the full tier."""

    id: str
    statement: str
    verify: Callable[..., Verdict]
    params: dict
    falsifiers: tuple
    full_params: dict = field(default_factory=dict)
    section: str = ""

    def __post_init__(self):
        if not self.falsifiers:
            raise ValueError(f"claim {self.id} needs at least one falsifier")

    def parameters(self, tier="fast"):
        if tier not in ("fast", "full"):
            raise ValueError(f"tier must be 'fast' or 'full', got {tier!r}")
        return {**self.params, **(self.full_params if tier == "full" else {})}

    def run(self, tier="fast", **overrides):
        """Run the verifier; an exception becomes an 'error' verdict."""
        return run_verifier(self.verify, {**self.parameters(tier), **overrides})


def run_verifier(verify, params):
    start = time.perf_counter()
    try:
        verdict = verify(**params)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"verifier returned {type(verdict).__name__}, not a Verdict")
    except Exception as exc:  # a verifier failure is reported, never hidden
        verdict = Verdict("error", f"{type(exc).__name__}: {exc}")
    verdict.seconds = time.perf_counter() - start
    return verdict
