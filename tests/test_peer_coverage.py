"""The coverage table against the peers' rule sets: every peer rule at the pinned commit
has a tightrope rule or a reason, every named tightrope rule exists, and
docs/secret-coverage.md is what the script generates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("peer_coverage", ROOT / "scripts" / "peer_coverage.py")
pc = importlib.util.module_from_spec(_spec)
sys.modules["peer_coverage"] = pc
_spec.loader.exec_module(pc)


def test_every_peer_rule_has_a_detector_or_a_reason():
    assert pc.problems(pc.peer_rules(), pc.mapping(), pc.tightrope_rules()) == []


def test_the_generated_doc_is_current():
    assert pc.main(["--check"]) == 0, "run: python scripts/peer_coverage.py"


def test_rule_lists_are_pinned_and_complete():
    rules = pc.peer_rules()
    for peer in pc.PEERS:
        assert len(pc.pinned(peer)) == 40
        assert sum(r.peer == peer.name for r in rules) > 200


def test_an_unmapped_or_misnamed_rule_is_reported():
    rules = [pc.PeerRule("gitleaks", "new-vendor-token", "New vendor"), pc.PeerRule("gitleaks", "x", "X")]
    mapped = pc.mapping("x = secret.no-such-rule\nstale-rule = gap: gone\n")
    bad = pc.problems(rules, mapped, dict.fromkeys(["secret.keyword"], ""))
    assert any("new-vendor-token" in b for b in bad)
    assert any("secret.no-such-rule" in b for b in bad)
    assert any("stale-rule" in b for b in bad)


@pytest.mark.parametrize("text", ["x = ", "x secret.a", "x = because", "x = gap:", "x = gap: a\nx = gap: b"])
def test_malformed_mapping_lines_are_errors(text):
    with pytest.raises(ValueError, match="mapping.txt:"):
        pc.mapping(text)


def test_a_stale_doc_fails_the_check(tmp_path, monkeypatch):
    stale = tmp_path / "secret-coverage.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(pc, "DOC", stale)
    assert pc.main(["--check"]) == 1
    assert pc.main([]) == 0 and pc.main(["--check"]) == 0
