"""Run claims and their falsifiers; format the results as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .claims import SUPPORTING, select


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


def run_claim(claim, tier="fast"):
    """Run one claim and each of its falsifiers."""
    verdict = claim.run(tier)
    fals = [(f.description if f.part is None else f"[{f.part}] {f.description}", claim.run_falsifier(f, tier))
            for f in claim.falsifiers]
    return ClaimResult(claim.id, claim.statement, verdict, fals)


def run_claims(patterns=None, tier="fast", progress=None):
    """Run the selected claims (glob patterns over ids; all when None).
    `progress(i, n, claim_id)` is called before each claim."""
    claims = select(patterns)
    results = []
    for i, claim in enumerate(claims):
        if progress is not None:
            progress(i, len(claims), claim.id)
        results.append(run_claim(claim, tier))
    return results


def format_table(results):
    """A readable table: id, status, seconds, one-line evidence, falsifiers."""
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
    return json.dumps([r.as_dict() for r in results], indent=2, default=str)
