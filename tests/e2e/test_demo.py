"""The README's "see it work" command."""

import json
import re
import shutil
from pathlib import Path

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


def test_demo_output_holds_no_piece_of_the_credentials_it_planted():
    """Keep the demo repository, read back the credentials its agent commit planted, and check
    that no 8-character window of any of them appears in what the demo printed."""
    proc = run_cli("demo", "--keep")
    assert proc.returncode == 0, proc.stderr
    out, err = proc.stdout.decode(), proc.stderr.decode()
    kept = Path(re.search(r"kept at (\S+)", err).group(1))
    try:
        settings = (kept / "inventory" / "settings.py").read_text()
        # the secret part of each: the vendors' public prefixes may be shown, nothing after them
        values = re.findall(r'"sk-(?:proj|ant-api03)-([^"]+)"', settings) + re.findall(r"inventory:([^@]+)@", settings)
        assert len(values) == 3
        for value in values:
            windows = {value[i:i + 8] for i in range(len(value) - 7)}
            assert not [w for w in windows if w in out + err], "a piece of a planted credential was printed"
    finally:
        shutil.rmtree(kept.parent, ignore_errors=True)


def test_demo_text_names_the_agent_model_and_human():
    proc = run_cli("demo")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert "claude-code" in out and "claude-sonnet-4-5" in out and "Dana Developer" in out
    assert "would have blocked this commit" in proc.stderr.decode()
