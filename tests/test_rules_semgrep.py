"""The bundled semgrep rule pack: every rule is well formed and passes its own fixtures.

Layout (checked here): ``src/tightrope/rules/<dir>/<name>.yaml`` holds exactly one rule whose
id is ``<prefix>.<name>`` (the prefix allowed for that directory is in ``DIR_PREFIXES``), and
beside it a fixture ``<name>.<ext>`` (``<name>.test.yaml`` for YAML targets, which is the
name ``semgrep --test`` pairs with a YAML rule and which ``semgrep --config <dir>`` does not
load as a rule) annotated with ``ruleid: <id>`` / ``ok: <id>`` comments.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "src" / "tightrope" / "rules"

DIR_PREFIXES = {
    "python": {"ai", "py"},
    "javascript": {"js"},
    "typescript": {"js", "ts"},
    "json": {"ai"},
    "yaml": {"gha"},
    "go": {"go"},
    "java": {"java"},
}
FIXTURE_EXT = {
    "python": [".py"],
    "javascript": [".js", ".jsx"],
    "typescript": [".ts", ".tsx"],
    "json": [".json"],
    "yaml": [".test.yaml", ".test.yml"],
    "go": [".go"],
    "java": [".java"],
}
LANGUAGES = {
    "python": {"python"},
    "javascript": {"javascript", "js", "typescript", "ts"},
    "typescript": {"typescript", "ts"},
    "json": {"json"},
    "yaml": {"yaml"},
    "go": {"go"},
    "java": {"java"},
}
REQUIRED_METADATA = {"cwe", "owasp", "confidence", "category", "tightrope-blocking", "fix", "keywords"}
ID_RE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")

# Rules restricted with ``paths.include`` are skipped by ``semgrep --test`` path filtering,
# so each gets a realistic repository path to prove the include globs really select it.
SAMPLE_PATHS = {
    "ai.mcp-server-unpinned-npx": [".mcp.json", ".cursor/mcp.json", ".vscode/mcp.json"],
    "ai.mcp-insecure-url": [".mcp.json", ".cursor/mcp.json", ".gemini/settings.json"],
    "ai.agent-auto-approve": [".claude/settings.json", ".claude/settings.local.json", ".vscode/settings.json"],
    "ai.api-base-url-override": [".claude/settings.json", ".mcp.json"],
    "gha.script-injection": [".github/workflows/ci.yml", ".github/workflows/triage.yaml", "action.yml"],
    "gha.pull-request-target-checkout": [".github/workflows/pr.yml"],
    "gha.write-all-permissions": [".github/workflows/release.yaml"],
    "py.django-debug": ["mysite/settings.py", "config/settings/production.py"],
}


def semgrep_bin() -> str:
    here = Path(sys.executable).parent / "semgrep"
    if here.exists():
        return str(here)
    found = shutil.which("semgrep")
    if not found:
        pytest.skip("semgrep is not installed (pip install 'tightrope[patterns]')")
    return found


SEMGREP_ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
SEMGREP_FLAGS = ["--disable-version-check", "--metrics=off"]


def rule_files() -> list[Path]:
    return sorted(p for p in RULES.rglob("*.y*ml") if not p.name.endswith((".test.yaml", ".test.yml")))


def load_rule(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and list(doc) == ["rules"], f"{path}: top level must be just `rules:`"
    assert isinstance(doc["rules"], list) and len(doc["rules"]) == 1, f"{path}: exactly one rule per file"
    return doc["rules"][0]


def fixture_for(path: Path) -> Path | None:
    lang_dir = path.parent.name
    for ext in FIXTURE_EXT.get(lang_dir, []):
        cand = path.with_name(path.stem + ext)
        if cand.exists():
            return cand
    return None


ALL_RULE_FILES = rule_files()


# Rule ids are a stable interface (policy overrides, suppressions, baselines refer to them).
EXPECTED_IDS = {
    "ai.llm-output-to-shell", "ai.llm-output-to-eval", "ai.llm-output-to-sql", "ai.llm-output-to-html",
    "ai.torch-load-unsafe", "ai.pickle-load", "ai.numpy-allow-pickle", "ai.pandas-read-pickle",
    "ai.trust-remote-code", "ai.unpinned-model-download", "ai.mcp-server-unpinned-npx", "ai.mcp-insecure-url",
    "ai.agent-auto-approve", "ai.api-base-url-override",
    "gha.script-injection", "gha.pull-request-target-checkout", "gha.write-all-permissions",
    "py.sql-injection", "py.command-injection", "py.code-injection", "py.path-traversal", "py.ssrf",
    "py.tls-verify-disabled", "py.weak-password-hash", "py.insecure-random-secret", "py.jwt-no-verify",
    "py.cors-wildcard-credentials", "py.flask-debug", "py.django-debug", "py.yaml-unsafe-load", "py.xxe",
    "py.tarfile-extractall", "py.hardcoded-credential",
    "py.tainted-deserialization", "py.tainted-code-injection", "py.tainted-command-injection",
    "py.tainted-sql-injection", "py.xss", "py.ssti", "py.open-redirect", "py.header-injection",
    "py.log-injection", "py.regex-injection", "py.redos", "py.ldap-injection", "py.xpath-injection",
    "py.nosql-injection", "py.hardcoded-password", "py.cleartext-password-storage",
    "py.unrestricted-upload", "py.insecure-tempfile", "py.predictable-tmp-path",
    "py.world-writable-permissions", "py.weak-cipher", "py.assert-access-control",
    "py.bind-all-interfaces", "py.weak-hash", "py.weak-random", "py.html-response-formatted",
    "py.weak-tls",
    "js.command-injection", "js.code-injection", "js.sql-injection", "js.xss-innerhtml",
    "js.tls-reject-unauthorized", "js.insecure-random-secret", "js.jwt-no-verify",
    "js.cors-wildcard-credentials", "js.express-debug", "js.path-traversal", "js.ssrf",
    "js.llm-output-to-shell", "js.llm-output-to-eval", "js.llm-output-to-html", "js.llm-output-to-sql",
    "js.hardcoded-credential", "js.open-redirect", "js.xss-response", "js.regex-injection",
    "js.nosql-injection", "js.weak-cipher", "js.world-writable-permissions", "js.dom-xss", "js.xss-jquery-html",
    "go.tls-insecure-skip-verify", "go.sql-injection", "go.command-injection",
    "java.sql-injection", "java.command-injection", "java.xxe", "java.tls-trust-all", "java.weak-hash",
}


def test_pack_has_exactly_the_expected_rules():
    ids = {load_rule(p)["id"] for p in ALL_RULE_FILES}
    assert ids == EXPECTED_IDS, f"missing {sorted(EXPECTED_IDS - ids)}, unexpected {sorted(ids - EXPECTED_IDS)}"
    assert set(SAMPLE_PATHS) <= ids, sorted(set(SAMPLE_PATHS) - ids)
    for p in RULES.rglob("*"):
        if p.is_file() and p != RULES / "README.md":
            assert p.parent.parent == RULES, f"{p}: rules live one directory deep"
            assert p.parent.name in DIR_PREFIXES, f"{p}: unknown rule directory"


def test_rule_ids_are_unique():
    ids = [load_rule(p)["id"] for p in ALL_RULE_FILES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("path", ALL_RULE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_is_well_formed(path: Path):
    rule = load_rule(path)
    rid = rule.get("id")
    assert isinstance(rid, str) and ID_RE.match(rid), f"{path}: id {rid!r} is not dotted lower-case"
    prefix, name = rid.split(".", 1)
    lang_dir = path.parent.name
    assert prefix in DIR_PREFIXES[lang_dir], f"{path}: id prefix {prefix!r} does not belong in {lang_dir}/"
    assert path.name == f"{name}.yaml", f"{path}: file must be named {name}.yaml after its id {rid}"
    assert "." not in name, "semgrep --test pairs files by the name before the first dot"

    assert rule.get("severity") in {"ERROR", "WARNING", "INFO"}
    msg = rule.get("message")
    assert isinstance(msg, str) and len(msg) > 60, f"{rid}: message must explain the fix"
    langs = rule.get("languages")
    assert isinstance(langs, list) and langs and set(langs) <= LANGUAGES[lang_dir], f"{rid}: languages {langs}"

    meta = rule.get("metadata")
    assert isinstance(meta, dict), f"{rid}: metadata missing"
    missing = REQUIRED_METADATA - set(meta)
    assert not missing, f"{rid}: metadata lacks {sorted(missing)}"
    assert isinstance(meta["cwe"], list) and meta["cwe"], rid
    for cwe in meta["cwe"]:
        assert isinstance(cwe, str) and re.match(r"^CWE-\d+: \S", cwe), f"{rid}: bad CWE {cwe!r}"
    assert isinstance(meta["owasp"], list) and meta["owasp"], rid
    for o in meta["owasp"]:
        assert isinstance(o, str) and re.match(r"^(A\d\d:20\d\d|LLM\d\d:20\d\d) - \S", o), f"{rid}: bad OWASP {o!r}"
    assert meta["confidence"] in {"HIGH", "MEDIUM", "LOW"}, rid
    assert meta["category"] == "security", rid
    assert isinstance(meta["tightrope-blocking"], bool), rid
    if meta["tightrope-blocking"]:
        assert meta["confidence"] in {"HIGH", "MEDIUM"}, f"{rid}: a LOW-confidence rule must not block"
        assert rule["severity"] in {"ERROR", "WARNING"}, rid
    assert isinstance(meta["fix"], str) and len(meta["fix"]) > 20 and "\n" not in meta["fix"].strip(), rid
    kws = meta["keywords"]
    assert isinstance(kws, list) and kws, f"{rid}: keywords must be a non-empty list"
    assert all(isinstance(k, str) and k for k in kws), rid

    fixture = fixture_for(path)
    assert fixture is not None, f"{rid}: no fixture beside {path.name}"
    text = fixture.read_text(encoding="utf-8")
    ruleid = re.findall(rf"(?:#|//)\s*ruleid:\s*{re.escape(rid)}\s*$", text, re.M)
    ok = re.findall(rf"(?:#|//)\s*ok:\s*{re.escape(rid)}\s*$", text, re.M)
    assert len(ruleid) >= 2, f"{fixture}: needs at least two `ruleid: {rid}` cases"
    assert len(ok) >= 2, f"{fixture}: needs at least two `ok: {rid}` cases"
    other = set(re.findall(r"(?:ruleid|ok|todoruleid|todook):\s*([\w.\-]+)", text)) - {rid}
    assert not other, f"{fixture}: annotations for other rules {other}"

    # The prescan skips a file that contains none of the keywords, so every positive
    # fixture line (the matched statement) must be reachable by some keyword in its file.
    assert any(k in text for k in kws), f"{rid}: no keyword occurs in its own fixture"

    if rule.get("paths"):
        assert rid in SAMPLE_PATHS, f"{rid} uses paths:, add realistic SAMPLE_PATHS for it"


def _flagged_lines(text: str, rid: str) -> list[int]:
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if re.search(rf"(?:#|//)\s*ruleid:\s*{re.escape(rid)}\s*$", line):
            out.append(i + 2)  # the annotation sits on the line above the finding
    return out


@pytest.mark.parametrize("path", ALL_RULE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_keywords_cover_every_positive_case(path: Path):
    """The prescan skips files without any keyword. Check each positive case on its own
    local context (the enclosing top-level block up to the end of the flagged statement),
    so a keyword that only happens to occur elsewhere in the fixture (an import, another
    case) cannot hide a way of matching that the prescan would lose."""
    rule = load_rule(path)
    rid, kws = rule["id"], rule["metadata"]["keywords"]
    fixture = fixture_for(path)
    assert fixture is not None
    lines = fixture.read_text(encoding="utf-8").splitlines()
    for ln in _flagged_lines("\n".join(lines), rid):
        start = ln - 2  # index of the annotation line
        while start > 0:
            prev = lines[start - 1]
            if re.search(r"(?:#|//)\s*(?:ruleid|ok):", prev) or (prev.strip() and not prev[0].isspace()
                                                                 and not prev.lstrip().startswith(("}", ")", "]"))):
                if not re.search(r"(?:#|//)\s*(?:ruleid|ok):", prev):
                    start -= 1  # include the top-level line itself (def/class/key)
                break
            start -= 1
        end = ln - 1
        while end + 1 < len(lines) and lines[end + 1].strip() and not re.search(r"(?:#|//)\s*(?:ruleid|ok):", lines[end + 1]):
            end += 1
        context = "\n".join(lines[start:end + 1])
        if path.parent.name == "yaml":
            # Workflow rules legitimately depend on document-level keys (`on:`), so the
            # context of a case is its whole YAML document.
            docs = re.split(r"(?m)^---\s*$", "\n".join(lines))
            offset = 0
            for doc in docs:
                n = doc.count("\n") + 1
                if offset < ln <= offset + n:
                    context = doc
                    break
                offset += n - 1
        assert any(k in context for k in kws), f"{fixture}:{ln}: no keyword of {rid} near the flagged statement"


@pytest.fixture(scope="module")
def semgrep_test_report() -> dict:
    proc = subprocess.run(
        [semgrep_bin(), "--test", "--json", *SEMGREP_FLAGS, str(RULES)],
        capture_output=True, text=True, env=SEMGREP_ENV, cwd=ROOT, timeout=1200,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"semgrep --test gave no JSON (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    report["_rc"] = proc.returncode
    report["_stderr"] = proc.stderr
    return report


def test_semgrep_test_passes_every_fixture(semgrep_test_report: dict):
    rep = semgrep_test_report
    assert not rep.get("config_with_errors"), rep["config_with_errors"]
    assert not rep.get("config_missing_tests"), rep["config_missing_tests"]
    results = rep["results"]
    tested = {Path(k).resolve() for k in results}
    expected = {p.resolve() for p in ALL_RULE_FILES}
    assert tested == expected, f"not tested: {sorted(map(str, expected - tested))}"
    failures = []
    for cfg, res in results.items():
        checks = res.get("checks", {})
        assert len(checks) == 1, f"{cfg}: {list(checks)}"
        for rid, check in checks.items():
            if not check.get("passed") or check.get("errors"):
                failures.append((cfg, rid, check))
            assert check.get("matches"), f"{cfg}: no fixture was run for {rid}"
            for target, m in check["matches"].items():
                assert m["expected_lines"], f"{target}: no ruleid lines for {rid}"
    assert not failures, json.dumps(failures, indent=1)
    assert rep["_rc"] == 0, rep["_stderr"][-2000:]


@pytest.mark.parametrize("rid", sorted(SAMPLE_PATHS))
def test_paths_include_selects_real_config_locations(rid: str, tmp_path: Path):
    """``semgrep --test`` ignores ``paths:``; scan the fixture copied to real locations."""
    matches = [p for p in ALL_RULE_FILES if load_rule(p)["id"] == rid]
    assert len(matches) == 1, f"{rid}: no rule file"
    path = matches[0]
    fixture = fixture_for(path)
    assert fixture is not None
    text = fixture.read_text(encoding="utf-8")
    want = _flagged_lines(text, rid)
    targets = tmp_path / "repo"
    for rel in SAMPLE_PATHS[rid]:
        dest = targets / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    # A file with the right content at a path the rule does not cover must not be scanned.
    stray = targets / "docs" / ("example" + fixture.name[fixture.name.index("."):])
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [semgrep_bin(), "scan", "--json", "--quiet", *SEMGREP_FLAGS, "--config", str(path), "--scan-unknown-extensions", "."],
        capture_output=True, text=True, env=SEMGREP_ENV, cwd=targets, timeout=600,
    )
    out = json.loads(proc.stdout)
    got: dict[str, set[int]] = {}
    for r in out["results"]:
        got.setdefault(r["path"], set()).add(r["start"]["line"])
    for rel in SAMPLE_PATHS[rid]:
        assert got.get(rel) == set(want), f"{rid} on {rel}: got {sorted(got.get(rel, ()))}, want {want}"
    assert not any(p.startswith("docs/") for p in got), f"{rid} is not restricted by paths: {sorted(got)}"
