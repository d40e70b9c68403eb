"""Every registered claim holds with the evidence it reports, and every one of
its falsifiers is rejected by the same verifier."""

import json

import pytest

from memverify.claims import REGISTRY, SUPPORTING, select
from memverify.report import run_claim, to_json

CLAIM_IDS = sorted(REGISTRY)
FALSIFIERS = [(cid, i) for cid in CLAIM_IDS for i in range(len(REGISTRY[cid].falsifiers))]


@pytest.mark.parametrize("cid", CLAIM_IDS)
def test_claim_holds(cid):
    claim = REGISTRY[cid]
    verdict = claim.run("fast")
    assert verdict.status in SUPPORTING, f"{cid}: {verdict.status}: {verdict.summary}"
    json.dumps(verdict.as_dict(), default=str)  # evidence is plain data


@pytest.mark.parametrize("cid,index", FALSIFIERS)
def test_falsifier_rejected(cid, index):
    claim = REGISTRY[cid]
    fals = claim.falsifiers[index]
    verdict = claim.run_falsifier(fals, "fast")
    assert verdict.status == "refuted", f"{cid} / [{fals.part}] {fals.description}: {verdict.status}: {verdict.summary}"


def test_every_claim_has_a_falsifier():
    assert all(len(c.falsifiers) >= 1 for c in REGISTRY.values())


def test_issue_2_claims_registered():
    assert {"eq-19", "prop-c.2", "prop-c.3", "thm-d.3", "lemma-c.2", "lemma-d.1"} <= set(REGISTRY)


def test_select_rejects_unknown_id():
    with pytest.raises(ValueError, match="unknown claim id"):
        select(["no-such-claim"])
    assert {c.id for c in select(["prop-c.*"])} == {c for c in REGISTRY if c.startswith("prop-c.")} >= {"prop-c.2", "prop-c.3"}


def test_erratum_reported_for_delta():
    """The printed Delta (eq. 80, with |rho_0|) is rejected; the corrected claim says so."""
    res = run_claim(REGISTRY["prop-c.2"])
    assert res.ok
    assert "erratum" in res.verdict.evidence
    printed = [v for d, v in res.falsifiers if "as printed" in d]
    assert printed and printed[0].status == "refuted"
    assert json.loads(to_json([res]))[0]["falsifiers"][0]["status"] == "refuted"


@pytest.mark.slow
@pytest.mark.parametrize("cid", CLAIM_IDS)
def test_claim_full_tier(cid):
    res = run_claim(REGISTRY[cid], tier="full")
    assert res.ok, res.problems()


def test_landscape_claims_registered():
    """Issue 3's claims, and the parts it adds to prop-c.2, prop-c.3 and thm-d.3."""
    assert {"lemma-c.3", "remark-c.2", "prop-c.1", "thm-d.1", "thm-d.2", "thm-d.5", "thm-d.7",
            "prop-d.1"} <= set(REGISTRY)
    assert {p.name for p in REGISTRY["prop-c.3"].parts} >= {"on M*"}
    assert {p.name for p in REGISTRY["thm-d.3"].parts} == {"rank"}
    assert "erratum" in run_claim(REGISTRY["prop-d.1"]).verdict.evidence


# ---------------------------------------------------------------------------
# thm-c.1: the parts on tau_loss and on the sharp exponent (claims/escape.py)

THM_C1_NEW_PARTS = ("on tau_loss", "sharp exponent", "split exponent")


@pytest.mark.parametrize("part", THM_C1_NEW_PARTS)
def test_thm_c1_new_part_supported(part):
    verdict = REGISTRY["thm-c.1"].run_part(part, "fast")
    assert verdict.status == "supported", f"[{part}] {verdict.status}: {verdict.summary}"
    assert "tolerance" in verdict.evidence
    json.dumps(verdict.as_dict(), default=str)


@pytest.mark.parametrize("part", THM_C1_NEW_PARTS)
def test_thm_c1_new_part_falsifiers_refuted(part):
    claim = REGISTRY["thm-c.1"]
    fals = [f for f in claim.falsifiers if f.part == part]
    assert len(fals) >= 1
    for f in fals:
        verdict = claim.run_falsifier(f, "fast")
        assert verdict.status == "refuted", f"[{part}] {f.description}: {verdict.status}: {verdict.summary}"


def test_thm_c1_sharp_exponent_evidence():
    """The fitted exponent of each switched-off start sits at 2 min(w*, v), away from w0_l."""
    ev = REGISTRY["thm-c.1"].run_part("sharp exponent", "fast").evidence
    for name, f in ev["fits"].items():
        assert abs(f["c"] - f["claimed"]) <= 3 * f["u"]
        assert abs(f["c"] - f["w0_l"]) > 3 * f["u"]
    assert all(abs(r["reduced_over_flow"] - 1) < 0.01 for r in ev["rows"] if r["inv_omega"] >= 30)


def test_thm_c1_split_exponent_evidence():
    """The split's fitted exponent sits at 5/2 w*, away from the theorem's w0_l and from
    the switched-off starts' 2 w*; its slow curve matches the flow."""
    ev = REGISTRY["thm-c.1"].run_part("split exponent", "fast").evidence
    f = ev["fit"]
    assert abs(f["c"] - 2.5) <= 3 * f["u"] < 0.01
    assert abs(f["c"] - 2.0) > 3 * f["u"] and abs(f["c"] - f["w0_l"]) > 3 * f["u"]
    assert abs(f["gap_exponent"] - 0.5) < 0.01
    assert all(r["relative_difference"] < 1e-4 for r in ev["rows"])


def test_thm_c1_tau_loss_refuses_delta_above_drop():
    """A gap above Delta(omega) is not a test of the bound: the verifier says so ('error'), never 'supported'."""
    verdict = REGISTRY["thm-c.1"].run_part("on tau_loss", "fast", cases=(("off08", (60,)),), delta=0.05)
    assert verdict.status == "error" and "Delta(omega)" in verdict.summary


@pytest.mark.slow
@pytest.mark.parametrize("part", THM_C1_NEW_PARTS)
def test_thm_c1_new_part_full_tier(part):
    verdict = REGISTRY["thm-c.1"].run_part(part, "full")
    assert verdict.status == "supported", f"[{part}] {verdict.status}: {verdict.summary}"
