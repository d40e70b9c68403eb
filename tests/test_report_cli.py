"""The runner, the table/JSON and `memverify check` exit statuses."""

import json
import subprocess
import sys

import pytest

from memverify import cli, report
from memverify.claims import REGISTRY, Claim, Falsifier, Part, Verdict
from memverify.claims.base import run_verifier, weakest


def _toy(status_claim, status_falsifier):
    def verify(variant="right"):
        return Verdict(status_claim if variant == "right" else status_falsifier, f"toy {variant}")
    return Claim(id="toy", statement="toy", verify=verify, params={},
                 falsifiers=(Falsifier("wrong", {"variant": "wrong"}),))


def test_ok_needs_claim_supported_and_falsifier_refuted():
    assert report.run_claim(_toy("proved", "refuted")).ok
    assert not report.run_claim(_toy("proved", "proved")).ok      # a falsifier that passes: not ok
    assert not report.run_claim(_toy("error", "refuted")).ok
    assert not report.run_claim(_toy("refuted", "refuted")).ok


def test_verifier_exception_becomes_error_verdict():
    def boom():
        raise RuntimeError("no")
    v = run_verifier(boom, {})
    assert v.status == "error" and "RuntimeError" in v.summary


def test_verdict_rejects_unknown_status():
    with pytest.raises(ValueError, match="status"):
        Verdict("maybe", "x")


def test_claim_needs_a_falsifier():
    with pytest.raises(ValueError, match="falsifier"):
        Claim(id="x", statement="x", verify=lambda: None, params={}, falsifiers=())


def test_weakest():
    assert weakest(["proved", "certified"]) == "certified"
    assert weakest(["proved", "supported", "error"]) == "error"


def test_check_exit_status_reflects_failures(monkeypatch, capsys):
    monkeypatch.setitem(REGISTRY, "toy", _toy("proved", "proved"))
    assert cli.main(["check", "--only", "toy"]) == 1
    err = capsys.readouterr().err
    assert "falsifier 'wrong' was not rejected" in err
    monkeypatch.setitem(REGISTRY, "toy", _toy("supported", "refuted"))
    assert cli.main(["check", "--only", "toy"]) == 0


def test_check_json_fields(capsys):
    assert cli.main(["check", "--only", "lemma-d.1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 1
    row = out[0]
    for key in ("id", "statement", "status", "evidence", "seconds", "falsifiers", "precision"):
        assert key in row
    assert row["status"] == "certified"
    assert all(f["status"] == "refuted" and f["description"] for f in row["falsifiers"])


def test_unknown_id_is_a_clear_error():
    p = subprocess.run([sys.executable, "-m", "memverify", "check", "--only", "thm-9.9"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "unknown claim id" in p.stderr and "Traceback" not in p.stderr


def test_table_lists_every_selected_claim():
    results = report.run_claims(["eq-19", "lemma-d.1"])
    table = report.format_table(results)
    assert "eq-19" in table and "lemma-d.1" in table and "2/2 rejected" in table


def _part(name, status_claim, status_falsifier):
    def verify(variant="right"):
        return Verdict(status_claim if variant == "right" else status_falsifier, f"{name} {variant}",
                       {"value": name})
    return Part(name, f"{name} statement", verify, {}, (Falsifier(f"{name} wrong", {"variant": "wrong"}),))


def test_parts_combine_to_the_weakest_and_keep_their_falsifiers():
    claim = _toy("proved", "refuted").with_part(_part("rates", "supported", "refuted"))
    res = report.run_claim(claim)
    assert res.verdict.status == "supported" and res.ok
    assert set(res.verdict.evidence["parts"]) == {"main", "rates"}
    assert [d for d, _ in res.falsifiers] == ["wrong", "[rates] rates wrong"]
    assert "[rates] rates statement" in claim.statement
    # a part that fails makes the claim fail, whatever the others say
    bad = _toy("proved", "refuted").with_part(_part("rates", "refuted", "refuted"))
    assert report.run_claim(bad).verdict.status == "refuted"
    # a part whose falsifier is not rejected makes the claim not ok
    weak = _toy("proved", "refuted").with_part(_part("rates", "supported", "supported"))
    assert not report.run_claim(weak).ok


def test_parts_are_checked():
    claim = _toy("proved", "refuted").with_part(_part("rates", "supported", "refuted"))
    with pytest.raises(ValueError, match="already has a part"):
        claim.with_part(_part("rates", "supported", "refuted"))
    with pytest.raises(TypeError, match="Part"):
        claim.with_part("rates")
    with pytest.raises(ValueError, match="no part"):
        claim.run_part("nonesuch")


def test_flow_status_line_is_throttled_and_closed():
    """The single-flow status line (`memverify flow` on a terminal): one line,
    rewritten in place, at most once per `every` seconds, closed with a newline."""
    import io

    out = io.StringIO()
    status = cli._FlowStatus(out, every=3600)
    info = {"run": "main", "method": "fast", "tau": 12.5, "steps": 3, "rejected": 1, "loss": 1.25,
            "found": {"tau_param": 10.0}}
    status(info)
    status({**info, "steps": 4})  # within the hour: not shown
    status.close()
    text = out.getvalue()
    assert text.startswith("\rmain (fast): tau = 12.5, 3 steps (1 rejected), J = 1.25; tau_param = 10")
    assert "4 steps" not in text and text.endswith("\n")
    quiet = io.StringIO()
    cli._FlowStatus(quiet).close()
    assert quiet.getvalue() == ""
