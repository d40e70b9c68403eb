"""Claim, Falsifier and Verdict: the units the package verifies and reports."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable

# strongest first; 'refuted' and 'error' are not evidence for a claim
STATUSES = ("proved", "certified", "supported", "refuted", "error")
SUPPORTING = ("proved", "certified", "supported")


@dataclass(frozen=True)
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
    `params` overriding the claim's own, must return 'refuted'.  `part` names
    the part of the claim whose verifier it runs (None: the claim's first)."""

    description: str
    params: dict
    part: str | None = None


@dataclass(frozen=True)
class Part:
    """A further part of a claim with a verifier of its own (for instance the
    rank bounds of prop-c.3 beside its entry formulas, or its eigenvalue
    rates).  A module that adds to a claim registered elsewhere exports
    ``PARTS = [(claim_id, Part(...)), ...]``."""

    name: str
    statement: str
    verify: Callable[..., Verdict]
    params: dict
    falsifiers: tuple
    full_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """A statement of the paper, its verifier and the wrong variants that the
    verifier must reject.  `verify(**params)` returns a Verdict;
    `full_params` override `params` in the full tier.  `parts` are further
    verifiers of the same statement (see `Part`); the claim's verdict is the
    weakest of its parts' verdicts."""

    id: str
    statement: str
    verify: Callable[..., Verdict]
    params: dict
    falsifiers: tuple
    full_params: dict = field(default_factory=dict)
    section: str = ""
    parts: tuple = ()
    name: str = "main"  # the first part's name in combined evidence

    def __post_init__(self):
        if not self.falsifiers:
            raise ValueError(f"claim {self.id} needs at least one falsifier")

    def parameters(self, tier="fast", part=None):
        if tier not in ("fast", "full"):
            raise ValueError(f"tier must be 'fast' or 'full', got {tier!r}")
        src = self if part is None else self._part(part)
        return {**src.params, **(src.full_params if tier == "full" else {})}

    def _part(self, name):
        for p in self.parts:
            if p.name == name:
                return p
        raise ValueError(f"claim {self.id} has no part {name!r}; parts: {[p.name for p in self.parts]}")

    def with_part(self, part):
        """This claim with `part` added: its statement appended, its falsifiers tagged with its name."""
        if not isinstance(part, Part):
            raise TypeError(f"part must be a Part, got {type(part).__name__}")
        if part.name == self.name or any(p.name == part.name for p in self.parts):
            raise ValueError(f"claim {self.id} already has a part {part.name!r}")
        if not part.falsifiers:
            raise ValueError(f"part {part.name!r} of claim {self.id} needs at least one falsifier")
        fals = tuple(Falsifier(f.description, f.params, part.name) for f in part.falsifiers)
        return replace(self, statement=f"{self.statement} [{part.name}] {part.statement}",
                       parts=self.parts + (part,), falsifiers=self.falsifiers + fals)

    def run_part(self, part=None, tier="fast", **overrides):
        """Run one part's verifier (None: the first); an exception becomes an 'error' verdict."""
        verify = self.verify if part is None else self._part(part).verify
        return run_verifier(verify, {**self.parameters(tier, part), **overrides})

    def run(self, tier="fast", **overrides):
        """Run the claim: every part, combined into one verdict.  `overrides`
        go to the first part only (a claim without parts: its verifier)."""
        first = self.run_part(None, tier, **overrides)
        if not self.parts:
            return first
        return combine([(self.name, first)] + [(p.name, self.run_part(p.name, tier)) for p in self.parts])

    def run_falsifier(self, falsifier, tier="fast"):
        """Run the verifier of the part `falsifier` belongs to, with its params."""
        return self.run_part(falsifier.part, tier, **falsifier.params)


def combine(named):
    """One verdict from the verdicts of a claim's parts, [(name, Verdict)]:
    refuted if any part is refuted, else error if any is, else the weakest
    supporting kind; evidence and summaries are kept per part."""
    statuses = [v.status for _, v in named]
    if "refuted" in statuses:
        status = "refuted"
    elif "error" in statuses:
        status = "error"
    else:
        status = weakest(statuses)
    summary = "; ".join(f"[{n}] {v.status}: {v.summary}" for n, v in named)
    evidence = {"parts": {n: {"status": v.status, "summary": v.summary, "precision": v.precision,
                              "seconds": round(v.seconds, 4), **v.evidence} for n, v in named}}
    errata = {n: v.evidence["erratum"] for n, v in named if "erratum" in v.evidence}
    if errata:  # an erratum stays visible at the top, whichever part found it
        evidence["erratum"] = next(iter(errata.values())) if len(errata) == 1 else errata
    precision = ", ".join(dict.fromkeys(v.precision for _, v in named))
    return Verdict(status, summary, evidence, precision, sum(v.seconds for _, v in named))


def run_verifier(verify, params):
    start = time.perf_counter()
    try:
        verdict = verify(**params)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"verifier returned {type(verdict).__name__}, not a Verdict")
    except Exception as exc:  # a verifier failure is reported, never hidden
        verdict = Verdict("error", f"{type(exc).__name__}: {exc}")
    return replace(verdict, seconds=time.perf_counter() - start)
