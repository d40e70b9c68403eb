"""Run claims and their falsifiers; format the results as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .claims import SUPPORTING, Claim, select

TIERS = ("fast", "full")
# claim ids are short ("thm-d.2", "prop-c.1"); a longer pattern or list is a mistake, and a
# glob of megabytes would cost fnmatch real time
MAX_PATTERN_LENGTH = 200
MAX_PATTERNS = 1000


@dataclass(frozen=True)
class ClaimResult:
    """One claim's verdict and its falsifiers' verdicts, as plain data."""

    id: str
    statement: str
    verdict: object
    falsifiers: list = field(default_factory=list)  # [(description, Verdict)]

    @property
    def ok(self):
        """The claim is supported and every falsifier is refuted."""
        return self.verdict.status in SUPPORTING and all(v.status == "refuted" for _, v in self.falsifiers)

    def problems(self):
        out = []
        if self.verdict.status not in SUPPORTING:
            out.append(f"{self.id}: claim {self.verdict.status}: {self.verdict.summary}")
        for desc, v in self.falsifiers:
            if v.status != "refuted":
                out.append(f"{self.id}: falsifier '{desc}' was not rejected ({v.status}: {v.summary})")
        return out

    def as_dict(self):
        d = {"id": self.id, "statement": self.statement, **self.verdict.as_dict()}
        d["falsifiers"] = [{"description": desc, "status": v.status, "summary": v.summary,
                            "seconds": round(v.seconds, 4)} for desc, v in self.falsifiers]
        d["ok"] = self.ok
        return d


def _tier(tier):
    if not isinstance(tier, str) or tier not in TIERS:
        raise ValueError(f"tier must be 'fast' or 'full', got {tier!r}")
    return tier


def _patterns(patterns):
    """None (every claim), or the non-empty glob patterns of a comma-separated string or a
    list/tuple of strings."""
    if patterns is None:
        return None
    if isinstance(patterns, str):
        if len(patterns) > MAX_PATTERNS * MAX_PATTERN_LENGTH:
            raise ValueError(f"patterns must be at most {MAX_PATTERNS * MAX_PATTERN_LENGTH} characters")
        items = [p for p in patterns.split(",") if p]
        if not items:
            raise ValueError(f"patterns must name at least one claim id or glob pattern (None: every claim), "
                             f"got {patterns!r}")
        patterns = items
    elif isinstance(patterns, (list, tuple)):
        if not patterns:
            raise ValueError("patterns must name at least one claim id or glob pattern (None: every claim), got an "
                             "empty list")
    else:
        raise TypeError(f"patterns must be None, a string or a list of strings, got {type(patterns).__name__}")
    if len(patterns) > MAX_PATTERNS:
        raise ValueError(f"patterns must be at most {MAX_PATTERNS} patterns, got {len(patterns)}")
    for i, p in enumerate(patterns):
        if not isinstance(p, str):
            raise TypeError(f"patterns[{i}] must be a string, got {type(p).__name__}")
        if not p:
            raise ValueError(f"patterns[{i}] is empty: patterns must be non-empty claim ids or glob patterns")
        if len(p) > MAX_PATTERN_LENGTH:
            raise ValueError(f"patterns[{i}] must be at most {MAX_PATTERN_LENGTH} characters, got {len(p)}")
    return list(patterns)


def _results(results):
    if isinstance(results, (str, bytes)) or not hasattr(results, "__iter__"):
        raise TypeError(f"results must be a list of ClaimResult (run_claims), got {type(results).__name__}")
    results = list(results)
    for i, r in enumerate(results):
        if not isinstance(r, ClaimResult):
            raise TypeError(f"results[{i}] must be a ClaimResult (run_claims), got {type(r).__name__}")
    return results


def run_claim(claim, tier="fast"):
    """Run one claim and each of its falsifiers.  tier: 'fast' or 'full'."""
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {type(claim).__name__}")
    _tier(tier)
    verdict = claim.run(tier)
    fals = [(f.description if f.part is None else f"[{f.part}] {f.description}", claim.run_falsifier(f, tier))
            for f in claim.falsifiers]
    return ClaimResult(claim.id, claim.statement, verdict, fals)


def run_claims(patterns=None, tier="fast", progress=None):
    """Run the selected claims: `patterns` are glob patterns over ids, a list of strings or
    one comma-separated string; None runs every claim, and an empty string or list is refused
    (ValueError), as is a pattern that matches no id.  tier: 'fast' or 'full'.
    `progress(i, n, claim_id)` (None or callable) is called before each claim."""
    patterns = _patterns(patterns)
    _tier(tier)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or callable, got {type(progress).__name__}")
    claims = select(patterns)
    results = []
    for i, claim in enumerate(claims):
        if progress is not None:
            progress(i, len(claims), claim.id)
        results.append(run_claim(claim, tier))
    return results


def format_table(results):
    """A readable table: id, status, seconds, one-line evidence, falsifiers (results: a list
    of ClaimResult, as run_claims returns)."""
    results = _results(results)
    rows = [("id", "status", "seconds", "falsifiers", "evidence")]
    for r in results:
        nrej = sum(v.status == "refuted" for _, v in r.falsifiers)
        rows.append((r.id, r.verdict.status, f"{r.verdict.seconds:.2f}",
                     f"{nrej}/{len(r.falsifiers)} rejected", r.verdict.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4] for row in rows]
    lines.insert(1, "-" * min(120, sum(widths) + 8 + 40))
    return "\n".join(lines)


def to_json(results):
    """The results (a list of ClaimResult) as a JSON array of their as_dict()."""
    results = _results(results)
    return json.dumps([r.as_dict() for r in results], indent=2, default=str)
