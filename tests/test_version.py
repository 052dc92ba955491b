"""`tightrope --version`: the version and the rule pack's content hash, computed only when asked."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import run_cli

import tightrope
from tightrope.scan.patterns import RULES_DIR, pack_digest


def test_version_prints_the_version_and_the_rule_pack_hash():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stderr == b""
    digest, files = pack_digest()
    assert proc.stdout.decode() == f"tightrope {tightrope.__version__} (rule pack: {files} files, sha256:{digest})\n"
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and files >= 50


def test_the_hash_follows_the_rules_not_their_fixtures(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    before = pack_digest(rules)
    assert before == pack_digest(RULES_DIR)  # paths are taken relative to the pack
    (rules / "python" / "flask-debug.py").write_text("# a fixture edit\n")
    assert pack_digest(rules) == before
    rule = rules / "python" / "flask-debug.yaml"
    renamed = rule.rename(rules / "python" / "flask-debug-2.yaml")
    assert pack_digest(rules)[0] != before[0]  # a path is part of the pack
    renamed.rename(rule)
    assert pack_digest(rules) == before
    rule.write_text(rule.read_text() + "# one more line\n")
    assert pack_digest(rules)[0] != before[0]


def test_no_command_pays_for_the_hash():
    """Building the parsers (every command's start-up) neither reads nor imports the rule pack."""
    code = ("import sys; from tightrope.cli import build_parser; build_parser(None); "
            "print('tightrope.scan.patterns' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
