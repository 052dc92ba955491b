"""The diff-aware semgrep runner (scan/patterns.py, scan/semgrep_runner.py): real git, real semgrep."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import run_cli

from tightrope import gitio
from tightrope.diff import AddedLine, FileChange
from tightrope.policy import Policy
from tightrope.scan import patterns, semgrep_runner

pytestmark = pytest.mark.skipif(semgrep_runner.locate().missing, reason="semgrep is not installed")

SQL = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(conn, name):\n"
    "    cur = conn.cursor()\n"
    "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
    "    return cur.fetchall()\n"
)
SQL_LINE = 6


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tightrope-cache"))
    for var in ("TIGHTROPE_SEMGREP", "TIGHTROPE_SEMGREP_CORE", "TIGHTROPE_SEMGREP_ENGINE"):
        monkeypatch.delenv(var, raising=False)


def staged_scan(repo, policy: Policy | None = None, **kw) -> patterns.PatternResult:
    cs = gitio.staged(repo.path)
    return patterns.run(cs, [c for c in cs.changes if c.is_scannable], policy or Policy(), **kw)


def last_commit_scan(repo, **kw) -> patterns.PatternResult:
    cs = gitio.last_commit(repo.path)
    return patterns.run(cs, [c for c in cs.changes if c.is_scannable], Policy(), **kw)


def keys(result: patterns.PatternResult) -> list[tuple]:
    return sorted((f.rule_id, f.path, f.line, f.end_line, f.fingerprint, f.snippet) for f in result.findings)


# --- what gets reported ------------------------------------------------------------------------

def test_finding_on_added_line_has_full_metadata(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app/db.py": SQL})
    result = staged_scan(repo)
    assert result.semgrep_runs == 1 and result.engine == "semgrep-core", result.notes
    assert result.notes == []
    [f] = [f for f in result.findings if f.rule_id == "py.sql-injection"]
    assert f.kind == "pattern"
    assert f.path == "app/db.py" and f.line == SQL_LINE and f.end_line == SQL_LINE
    assert str(f.severity) == "high" and str(f.confidence) == "high"
    assert f.cwe == ("CWE-89",)
    assert f.tags == ("A03:2021 - Injection",)
    assert f.title == "SQL injection"
    assert "parameters" in f.message and "\n" not in f.message
    assert f.help.startswith("Keep the SQL string constant")
    assert f.snippet == "cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")"
    assert f.blocking is True
    assert len(f.fingerprint) == 32


def test_rule_ids_have_no_config_path_prefix_on_any_engine(repo):
    repo.stage({"app/db.py": SQL})
    for engine in semgrep_runner.ENGINES[:2]:
        assert {f.rule_id for f in staged_scan(repo, engine=engine).findings} == {"py.sql-injection"}


def test_same_code_on_unchanged_line_is_not_reported(repo):
    repo.commit({"app/db.py": SQL})
    repo.commit({"app/db.py": SQL + "\n\ndef count():\n    return 1\n"})
    result = last_commit_scan(repo)
    assert result.findings == []


def test_only_the_added_line_of_two_insecure_ones_is_reported(repo):
    old = "import os\n\n\ndef a(x):\n    os.system(\"ls \" + x)\n"
    repo.commit({"tools.py": old})
    repo.commit({"tools.py": old + "\n\ndef b(y):\n    os.system(\"cat \" + y)\n"})
    result = last_commit_scan(repo)
    assert [(f.rule_id, f.line) for f in result.findings] == [("py.command-injection", 9)]


def test_fingerprint_is_stable_when_lines_shift(repo):
    repo.stage({"app/db.py": SQL})
    first = staged_scan(repo).findings[0]
    repo.git("reset", "-q")
    repo.stage({"app/db.py": "# a header comment\n\n" + SQL})
    moved = staged_scan(repo).findings[0]
    assert moved.line == first.line + 2
    assert moved.fingerprint == first.fingerprint


def test_staged_file_missing_from_disk_is_scanned_from_the_index(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app/db.py": SQL})
    (repo.path / "app" / "db.py").unlink()
    result = staged_scan(repo)
    assert [(f.rule_id, f.line) for f in result.findings] == [("py.sql-injection", SQL_LINE)]


def test_index_content_wins_over_the_work_tree(repo):
    repo.stage({"app/db.py": SQL})
    (repo.path / "app" / "db.py").write_text("x = 1\n", encoding="utf-8")
    assert [f.rule_id for f in staged_scan(repo).findings] == ["py.sql-injection"]


def test_taint_source_on_unchanged_line_sink_on_added_line(repo):
    before = (
        "import subprocess\n"
        "from openai import OpenAI\n"
        "\n"
        "client = OpenAI()\n"
        "\n"
        "\n"
        "def fix(task):\n"
        "    resp = client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': task}])\n"
        "    cmd = resp.choices[0].message.content.strip()\n"
        "    return cmd\n"
    )
    repo.commit({"agent.py": before})
    after = before.replace("    return cmd\n", "    subprocess.run(cmd, shell=True, check=True)\n    return cmd\n")
    repo.commit({"agent.py": after})
    result = last_commit_scan(repo)
    assert ("ai.llm-output-to-shell", 10) in [(f.rule_id, f.line) for f in result.findings]


def test_credential_snippet_is_redacted(repo):
    repo.stage({"settings.py": 'DB_PASSWORD = "hunter2-correct-horse-battery"\n'})  # tightrope: allow secret.keyword a made-up password is the test input
    [f] = [f for f in staged_scan(repo).findings if f.rule_id == "py.hardcoded-credential"]
    assert "hunter2-correct-horse-battery" not in f.snippet
    assert "hunt" not in f.snippet and "(29 chars)" in f.snippet  # a preview shows no character of it


def test_patch_without_repository_rebuilds_files_from_added_lines():
    diff = (
        b"diff --git a/app/db.py b/app/db.py\n"
        b"--- a/app/db.py\n+++ b/app/db.py\n"
        b"@@ -40,0 +41,3 @@\n"
        b"+def find(cur, name):\n"
        b"+    cur.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n"
        b"+    return cur.fetchall()\n"
    )
    cs = gitio.patch(diff)
    result = patterns.run(cs, cs.changes, Policy())
    assert [(f.rule_id, f.line) for f in result.findings] == [("py.sql-injection", 42)]
    assert result.notes == [patterns.PATCH_NOTE]


# --- the prescan -------------------------------------------------------------------------------

def test_prescan_skips_semgrep_when_no_keyword_is_added(repo):
    repo.stage({"app/util.py": "def add(a, b):\n    return a + b\n", "README.md": "os.system(x)\n"})
    result = staged_scan(repo)
    assert result.semgrep_runs == 0 and result.candidate_files == 0
    assert result.findings == [] and result.notes == []


def test_prescan_does_not_even_need_semgrep(repo, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_SEMGREP", str(repo.path / "no-such-semgrep"))
    repo.stage({"app/util.py": "def add(a, b):\n    return a + b\n"})
    result = staged_scan(repo)
    assert result.semgrep_runs == 0 and result.notes == []


def test_prescan_keyword_far_from_added_lines_does_not_count(repo):
    body = "m = AutoModel.from_pretrained('x/y', trust_remote_code=True)\n" + "\n" * 30
    repo.commit({"app/mod.py": body})
    repo.commit({"app/mod.py": body + "def add(a, b):\n    return a + b\n"})
    result = last_commit_scan(repo)
    assert result.semgrep_runs == 0
    # …but a taint rule looks at the whole file: its source may sit far above the added sink
    rules, _ = patterns.load_rules()
    assert {r.id for r in rules if r.whole_file} >= {"ai.llm-output-to-shell", "gha.pull-request-target-checkout"}
    assert "ai.trust-remote-code" not in {r.id for r in rules if r.whole_file}


def test_prescan_picks_only_rules_of_the_file_language(repo):
    repo.stage({"app/db.py": SQL, "web/x.js": "export const y = 1;\n"})
    result = staged_scan(repo)
    assert result.candidate_files == 1
    assert 0 < result.candidate_rules < 10


def test_candidates_respect_paths_include():
    rules, _ = patterns.load_rules()
    text = '{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@scope/server"]}}}\n'
    added = [AddedLine(1, text.strip())]
    inside = patterns.Target(".cursor/mcp.json", text.encode(), added)
    outside = patterns.Target("package.json", text.encode(), added)
    pairs = patterns.candidates(rules, [inside, outside])
    assert "ai.mcp-server-unpinned-npx" in {r.id for r in pairs[".cursor/mcp.json"]}
    assert "package.json" not in pairs


# --- bad input ----------------------------------------------------------------------------------

def test_unparseable_file_does_not_crash(repo):
    garbage = "def (((:\n  eval(  ]]] {{{ \x01 '''\nos.system(\n"
    repo.stage({"broken.py": garbage, "app/db.py": SQL})
    result = staged_scan(repo)
    assert result.semgrep_runs == 1
    assert ("py.sql-injection", "app/db.py") in [(f.rule_id, f.path) for f in result.findings]
    for note in result.notes:
        assert "{{{" not in note and "]]]" not in note  # notes never quote source text


def test_huge_and_minified_files_are_skipped_with_a_note(repo):
    minified = "var a=1;" * 2000 + "eval(x);\n"  # one 16 kB line
    huge = ("x = 1  # eval\n" * 400_000)  # ~5.6 MB
    repo.stage({"dist/app.min.js": minified, "gen/big.py": huge})
    result = staged_scan(repo)
    assert result.semgrep_runs == 0
    assert any(n.startswith("dist/app.min.js: not pattern-scanned") and "minified" in n for n in result.notes)
    assert any(n.startswith("gen/big.py: not pattern-scanned") and "MB" in n for n in result.notes)


def test_semgrep_missing_gives_one_note(repo, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_SEMGREP", str(repo.path / "no-such-semgrep"))
    repo.stage({"app/db.py": SQL})
    result = staged_scan(repo)
    assert result.findings == []
    assert result.notes == [patterns.MISSING_NOTE]


def test_semgrep_missing_through_the_cli(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app/db.py": SQL})
    proc = run_cli("scan", "--staged", "--scanners", "patterns", "--format", "json", cwd=repo.path,
                   env={"TIGHTROPE_SEMGREP": str(repo.path / "no-such-semgrep")})
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert patterns.MISSING_NOTE in report["notes"]


def test_cli_reports_pattern_finding(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app/db.py": SQL})
    proc = run_cli("scan", "--staged", "--scanners", "patterns", "--format", "json", cwd=repo.path)
    assert proc.returncode == 1, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert [f["rule_id"] for f in report["findings"]] == ["py.sql-injection"]


def test_errors_become_notes_without_source_text():
    problems = [
        semgrep_runner.Problem("PartialParsing", "a.py", "", "warn"),
        semgrep_runner.Problem("Timeout", "b.js", "tmp.x.rules.js.ssrf", "warn"),
        semgrep_runner.Problem("Rule parse error", "", "", "error"),
    ]
    notes = patterns._problem_notes(problems, {"a.py", "b.js"}, {"js.ssrf"})
    assert notes == [
        "a.py: semgrep could parse only part of it; findings there may be incomplete",
        "b.js: rule js.ssrf timed out on it; findings may be incomplete",
        "pattern scanning: semgrep reported Rule parse error",
    ]


# --- engines and fallbacks -------------------------------------------------------------------

SAMPLE = {
    "app/db.py": SQL,
    "web/run.js": "const cp = require('child_process');\nfunction go(req) {\n  cp.exec('ls ' + req.query.dir);\n}\n",
    ".github/workflows/ci.yml": (
        "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n"
    ),
    ".mcp.json": '{\n  "mcpServers": {\n    "fs": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-filesystem"]\n    }\n  }\n}\n',
}


def test_fast_path_and_fallbacks_give_identical_findings(repo):
    repo.stage(SAMPLE)
    core = staged_scan(repo, engine="semgrep-core")
    experimental = staged_scan(repo, engine="semgrep-experimental")
    python_cli = staged_scan(repo, engine="semgrep")
    assert core.engine == "semgrep-core" and core.notes == []
    assert experimental.engine == "semgrep-experimental"
    assert python_cli.engine == "semgrep"
    assert {f.rule_id for f in core.findings} >= {"py.sql-injection", "js.command-injection",
                                                   "gha.script-injection", "ai.mcp-server-unpinned-npx"}
    assert keys(core) == keys(experimental) == keys(python_cli)
    assert any("`semgrep scan --experimental`" in n for n in experimental.notes)


def test_broken_semgrep_core_falls_back_with_a_note(repo, monkeypatch, tmp_path):
    fake = tmp_path / "semgrep-core"
    fake.write_text("#!/bin/sh\necho 'unknown option -targets' >&2\nexit 2\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TIGHTROPE_SEMGREP_CORE", str(fake))
    repo.stage({"app/db.py": SQL})
    result = staged_scan(repo)
    assert result.engine == "semgrep-experimental"
    assert [f.rule_id for f in result.findings] == ["py.sql-injection"]
    [note] = result.notes
    assert "not the fast path" in note and "semgrep-core exited 2" in note


def test_cli_fallback_ignores_semgreps_default_ignores(repo):
    """The CLIs skip tests/, vendor/ … by default; tightrope decides what is scanned."""
    repo.stage({"tests/test_db.py": SQL, "vendor/lib/db.py": SQL})
    core = staged_scan(repo)
    experimental = staged_scan(repo, engine="semgrep-experimental")
    assert len(core.findings) == 2
    assert keys(core) == keys(experimental)


# --- policy --------------------------------------------------------------------------------------

def test_approved_mcp_server_is_not_reported(repo):
    repo.stage({".mcp.json": SAMPLE[".mcp.json"]})
    assert [f.rule_id for f in staged_scan(repo).findings] == ["ai.mcp-server-unpinned-npx"]
    by_name = staged_scan(repo, Policy(approved_mcp_servers=("fs",)))
    assert by_name.findings == [] and by_name.suppressed_mcp == 1
    by_package = staged_scan(repo, Policy(approved_mcp_servers=("@modelcontextprotocol/server-filesystem",)))
    assert by_package.findings == []
    other = staged_scan(repo, Policy(approved_mcp_servers=("github",)))
    assert len(other.findings) == 1


# --- the rule pack -------------------------------------------------------------------------------

def test_rule_pack_loads_rules_only():
    rules, notes = patterns.load_rules()
    assert notes == []
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) and len(ids) >= 50
    assert all(r.keywords and r.languages for r in rules)
    files = patterns.rule_files()
    assert not any(p.name.endswith(".test.yaml") for p in files)
    assert len(files) == len(ids)


def test_rule_pack_cache_is_keyed_by_content(tmp_path, monkeypatch):
    pack = tmp_path / "rules" / "python"
    pack.mkdir(parents=True)
    src = patterns.RULES_DIR / "python" / "sql-injection.yaml"
    (pack / "sql-injection.yaml").write_bytes(src.read_bytes())
    (pack / "notes.yaml").write_text("just: data\n")
    monkeypatch.setenv("TIGHTROPE_CACHE_DIR", str(tmp_path / "cache"))
    rules, _ = patterns.load_rules(tmp_path / "rules")
    assert [r.id for r in rules] == ["py.sql-injection"]
    assert len(list((tmp_path / "cache").glob("rules-*.json"))) == 1
    (pack / "sql-injection.yaml").write_text(src.read_text().replace("py.sql-injection", "py.sql-injection-two"))
    rules, _ = patterns.load_rules(tmp_path / "rules")
    assert [r.id for r in rules] == ["py.sql-injection-two"]
    assert len(list((tmp_path / "cache").glob("rules-*.json"))) == 2


def test_strip_prefix_and_titles():
    known = {"py.sql-injection", "js.ssrf", "ssrf"}
    assert patterns._strip_prefix("tmp.tightrope-patterns-x.rules.py.sql-injection", known) == "py.sql-injection"
    assert patterns._strip_prefix("...js.ssrf", known) == "js.ssrf"
    assert patterns._strip_prefix("py.sql-injection", known) == "py.sql-injection"
    assert patterns.humanise("ai.llm-output-to-shell") == "LLM output to shell"
    assert patterns.humanise("py.tls-verify-disabled") == "TLS verify disabled"


def test_unsafe_paths_are_not_written_outside_the_temp_dir():
    target = patterns.Target("../escape.py", SQL.encode(), [AddedLine(SQL_LINE, "x")])
    result = patterns.scan_targets([target])
    assert result.semgrep_runs == 0
    assert result.notes and "not a plain relative path" in result.notes[0]


def test_scan_signature_used_by_core(repo):
    repo.stage({"app/db.py": SQL})
    cs = gitio.staged(repo.path)
    findings, notes = patterns.scan(cs, cs.changes, Policy())
    assert [f.rule_id for f in findings] == ["py.sql-injection"] and notes == []
