"""The README's "see it work" command."""

import json

from conftest import run_cli


def test_demo_shows_every_kind_of_scan_finding_and_never_a_secret():
    proc = run_cli("demo", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    kinds = {f["kind"] for f in report["findings"]}
    assert kinds == {"secret", "pattern", "dependency"}
    rules = {f["rule_id"] for f in report["findings"]}
    assert {"secret.openai-api-key", "ai.llm-output-to-shell", "dep.typosquat"} <= rules
    assert report["summary"]["blocking"] >= 3


def test_demo_text_names_the_agent_model_and_human():
    proc = run_cli("demo")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert "claude-code" in out and "claude-sonnet-4-5" in out and "Dana Developer" in out
    assert "would have blocked this commit" in proc.stderr.decode()
