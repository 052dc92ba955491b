"""Renderers: text, JSON (against its own schema), SARIF (against the official schema)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import tokens

from tightrope import __version__
from tightrope.findings import Confidence, Finding, Report, Severity, fingerprint
from tightrope.report import FORMATS, render
from tightrope.report import json_report, markdown, sarif, text
from tightrope.report.escape import terminal

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests/data/sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORT_SCHEMA = json.loads(
    (ROOT / "src/tightrope/report/tightrope-report.schema.json").read_text(encoding="utf-8"))

RAW_SECRET = "sk-" + "proj-" + "".join(f"{c}{i % 10}" for i, c in enumerate("AbCdEfGhIjKlMnOpQrSt"))[:35]
PREVIEW = "[sk-" + "proj-… (43 chars)]"
COMMIT = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"


def make(rule_id="secret.openai-api-key", kind="secret", severity=Severity.HIGH,
         confidence=Confidence.HIGH, path="src/app.py", line=12, value="v", **kw) -> Finding:
    return Finding(rule_id=rule_id, kind=kind, severity=severity, confidence=confidence, path=path,
                   line=line, fingerprint=fingerprint(rule_id, path, value),
                   message=kw.pop("message", f"{rule_id} found"), **kw)


def full_report() -> Report:
    findings = [
        make(message="OpenAI API key added", snippet=f'key = "{PREVIEW}"', title="OpenAI API key",
             help="Load it from the environment or a secret manager; revoke this key.",
             cwe=("CWE-798",), tags=("OWASP-A07:2021",), blocking=True),
        make("pattern.python.llm-output-to-eval", "pattern", Severity.CRITICAL, Confidence.MEDIUM,
             "src/agent/run.py", 30, end_line=32, snippet="eval(completion.choices[0].message.content)",
             title="LLM output passed to eval", help="Parse the output; never evaluate it.",
             cwe=("CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code",),
             tags=("OWASP-A03:2021", "owasp-llm:LLM05"), blocking=True),
        make("pattern.python.llm-output-to-eval", "pattern", Severity.HIGH, Confidence.MEDIUM,
             "src/agent/tools.py", 7, snippet="eval(reply)", title="LLM output passed to eval",
             cwe=("CWE-95",)),
        make("dependency.unknown-package", "dependency", Severity.MEDIUM, Confidence.LOW,
             "requirements.txt", 3, snippet="reqeusts==2.31.0", title="Possibly typo-squatted dependency",
             help="Did you mean requests?", cwe=("CWE-1357",)),
        make("identity.missing-agent-trailer", "identity", Severity.LOW, Confidence.HIGH, "", 0,
             commit=COMMIT, title="Agent commit without trailers",
             message="commit made by Claude Code has no Assisted-by trailer"),
        make("caps.too-many-lines", "caps", Severity.MEDIUM, Confidence.HIGH, "", 0,
             title="Agent PR too large", message="agent PR changes 2400 lines (cap 1000)"),
        make("caps.protected-path", "caps", Severity.HIGH, Confidence.HIGH, ".github/workflows/ci.yml", 0,
             title="Agent touched a protected path", message="agents may not change workflows",
             blocking=True),
        make("secret.generic-password", "secret", Severity.INFO, Confidence.LOW,
             "docs/my notes/naïve 100%.md", 4, snippet="password: [hu… (9 chars)]"),
    ]
    return Report(findings=findings,
                  notes=["skipped binary file assets/logo.png", "skipped submodule vendor/lib",
                         "src/legacy.py: 2 lines are not UTF-8; scanned with replacement characters"],
                  scanned_files=7, scanned_lines=120, suppressed=1)


def empty_report() -> Report:
    return Report()


def nasty_report() -> Report:
    """Untrusted text with terminal escapes, C1 controls, bidi overrides and undecodable bytes."""
    path = "evil\x1b]0;pwned\x07\x1b[2J\r\nname\x9b31m\u202etxt.exe\udcff.py"
    return Report(findings=[make(path=path, message="bad\x1b[31mred\x00", snippet=f"x = '{PREVIEW}'\x1b[0m",
                                 help="fix\x1b[5m", commit="")],
                  notes=["skipped \x1b[1mbold\x1b[0m file"], scanned_files=1, scanned_lines=1)


REPORTS = {"full": full_report, "empty": empty_report, "nasty": nasty_report}


# --- dispatcher -----------------------------------------------------------------------

def test_formats_and_dispatch():
    assert FORMATS == ("text", "json", "sarif", "github", "markdown", "codequality", "gitlab-secrets", "junit")
    r = full_report()
    assert render(r, "text") == text.render(r)
    assert render(r, "text", color=True) == text.render(r, color=True)
    assert render(r, "json") == json_report.render(r)
    assert render(r, "sarif") == sarif.render(r)
    with pytest.raises(ValueError, match="unknown report format"):
        render(r, "xml")


def test_importing_report_package_is_cheap():
    code = ("import sys, tightrope.report; "
            "heavy = [m for m in ('json', 'jsonschema', 'urllib.parse', 'tightrope.report.sarif', "
            "'tightrope.report.text', 'tightrope.report.json_report') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]"


def test_no_jsonschema_at_runtime():
    for name in ("__init__", "text", "json_report", "sarif", "escape", "common"):
        source = (ROOT / f"src/tightrope/report/{name}.py").read_text(encoding="utf-8")
        assert "jsonschema" not in source


# --- text -----------------------------------------------------------------------------

def test_text_groups_by_file_then_commit_then_change():
    out = text.render(full_report())
    lines = out.splitlines()
    headers = [l for l in lines if l and not l.startswith(" ") and not l.startswith("note:")]
    assert headers[:-3] == [".github/workflows/ci.yml", "docs/my notes/naïve 100%.md", "requirements.txt",
                            "src/agent/run.py", "src/agent/tools.py", "src/app.py",
                            f"commit {COMMIT[:12]}", "this change"]
    assert "  L12  HIGH  secret.openai-api-key  OpenAI API key added  (blocking)" in lines
    assert "  L30-32  CRITICAL  pattern.python.llm-output-to-eval  pattern.python.llm-output-to-eval found" \
           "  [medium confidence]  (blocking)" in lines
    assert f'        key = "{PREVIEW}"' in lines
    assert "        fix: Load it from the environment or a secret manager; revoke this key." in lines
    assert "        CWE-798" in lines
    # a finding without a line shows no L0
    i = lines.index(".github/workflows/ci.yml")
    assert lines[i + 1] == "  HIGH  caps.protected-path  agents may not change workflows  (blocking)"
    i = lines.index(f"commit {COMMIT[:12]}")
    assert lines[i + 1] == "  LOW  identity.missing-agent-trailer  commit made by Claude Code has no Assisted-by trailer"
    i = lines.index("this change")
    assert lines[i + 1] == "  MEDIUM  caps.too-many-lines  agent PR changes 2400 lines (cap 1000)"


def test_text_notes_and_summary_last():
    lines = text.render(full_report()).splitlines()
    assert lines[-6:-2] == [
        "note: skipped binary file assets/logo.png",
        "note: skipped submodule vendor/lib",
        "note: src/legacy.py: 2 lines are not UTF-8; scanned with replacement characters",
        "8 findings (3 blocking) in 7 files, 120 lines scanned; 1 suppressed",
    ]
    # a blocking report ends with the ways out (several rules block: RULE stands for each)
    assert lines[-2:] == [
        "a false positive? add `# tightrope: allow RULE <reason>` on its line, "
        "or accept every current finding with `tightrope baseline`",
        "to turn a rule off: `disable = [\"RULE\"]` in .tightrope.toml "
        "(or `[rules.\"RULE\"] blocking = false` to keep it as a warning)",
    ]


def test_ways_out_name_the_one_blocking_rule_and_only_the_policy_for_commit_findings():
    on_a_line = make(rule_id="py.tls-verify-disabled", kind="pattern", blocking=True)
    lines = text.render(Report(findings=[on_a_line, make()])).splitlines()
    assert "`# tightrope: allow py.tls-verify-disabled <reason>`" in lines[-2] and "tightrope baseline" in lines[-2]
    assert '`disable = ["py.tls-verify-disabled"]`' in lines[-1]
    commit = make(rule_id="identity.missing-assisted-by", kind="identity", path="", line=0, commit="ab" * 20,
                  blocking=True)
    lines = text.render(Report(findings=[commit])).splitlines()
    assert lines[-1].startswith("to turn a rule off: `disable = [\"identity.missing-assisted-by\"]`")
    assert "tightrope: allow" not in lines[-2]
    md = markdown.render(Report(findings=[on_a_line]))
    assert md.rstrip().endswith("to keep it as a warning\\)") and "`# tightrope: allow py.tls-verify-disabled <reason>`" in md
    assert "tightrope baseline" not in text.render(Report(findings=[make()]))  # nothing blocks: no ways out


def test_a_report_of_what_was_checked_says_so_instead_of_files_and_lines():
    r = Report(checked="verified 2 commits in main..HEAD on branch main at level trailers")
    assert text.render(r) == "verified 2 commits in main..HEAD on branch main at level trailers: 0 findings (0 blocking)\n"
    assert "<sub>verified 2 commits in main\\.\\.HEAD" in markdown.render(r)


def test_text_empty_report_and_singular_summary():
    assert text.render(empty_report()) == "0 findings (0 blocking) in 0 files, 0 lines scanned\n"
    one = Report(findings=[make()], scanned_files=1, scanned_lines=1)
    assert text.render(one).splitlines()[-1] == "1 finding (0 blocking) in 1 file, 1 line scanned"


def test_text_notes_shown_without_findings():
    r = Report(notes=["skipped binary file a.bin"], scanned_files=1)
    assert text.render(r) == "note: skipped binary file a.bin\n0 findings (0 blocking) in 1 file, 0 lines scanned\n"


def test_text_colour_off_by_default_and_on_when_asked():
    plain = text.render(full_report())
    assert "\x1b" not in plain
    coloured = text.render(full_report(), color=True)
    assert "\x1b[1;31mHIGH\x1b[0m" in coloured
    assert "\x1b[1;35mCRITICAL\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_neutralises_control_characters():
    for color in (False, True):
        out = text.render(nasty_report(), color=color)
        stripped = re.sub(r"\x1b\[[0-9;]*m", "", out) if color else out
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e\udc80-\udcff]", stripped), stripped
        assert "evil\\x1b]0;pwned\\x07\\x1b[2J\\r\\nname\\x9b31m\\u202etxt.exe\\xff.py" in out
        assert "bad\\x1b[31mred\\x00" in out
        assert "note: skipped \\x1b[1mbold\\x1b[0m file" in re.sub(r"\x1b\[[0-9;]*m", "", out)
        out.encode("utf-8")  # printable: no lone surrogates left


def test_terminal_escaper():
    assert terminal("plain ünïcode ✓") == "plain ünïcode ✓"
    assert terminal("a\tb\nc\rd\x1be\x7ff\x85g") == "a\\tb\\nc\\rd\\x1be\\x7ff\\x85g"
    assert terminal("\u202ecod.exe") == "\\u202ecod.exe"


# --- JSON -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REPORTS))
def test_json_matches_its_schema(name):
    data = json.loads(json_report.render(REPORTS[name]()))
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)


def test_json_shape_and_order():
    out = json_report.render(full_report())
    data = json.loads(out)
    assert out.startswith('{\n  "version": ') and out.endswith("}\n")
    assert "naïve" in out  # ensure_ascii=False
    assert data["version"] == __version__
    assert data["notes"] == full_report().notes
    assert data["summary"] == {  # counted by hand from full_report(), not by Report.summary()
        "findings": 8, "blocking": 3, "suppressed": 1, "files_scanned": 7, "lines_scanned": 120,
        "by_kind": {"secret": 2, "pattern": 2, "dependency": 1, "identity": 1, "caps": 2},
        "by_severity": {"critical": 1, "high": 3, "medium": 2, "low": 1, "info": 1}}
    keys = [(f["path"], f["line"], f["rule_id"]) for f in data["findings"]]
    assert keys == sorted(keys)
    assert keys[0] == ("", 0, "caps.too-many-lines")
    secret = next(f for f in data["findings"] if f["rule_id"] == "secret.openai-api-key")
    assert secret == {
        "rule_id": "secret.openai-api-key", "kind": "secret", "severity": "high", "confidence": "high",
        "path": "src/app.py", "line": 12, "end_line": 12, "message": "OpenAI API key added",
        "cwe": ["CWE-798"], "fingerprint": fingerprint("secret.openai-api-key", "src/app.py", "v"),
        "snippet": f'key = "{PREVIEW}"', "title": "OpenAI API key",
        "help": "Load it from the environment or a secret manager; revoke this key.",
        "blocking": True, "commit": "", "tags": ["OWASP-A07:2021"],
        "author": "", "date": "", "present_at_head": None,
    }
    evals = [f for f in data["findings"] if f["rule_id"] == "pattern.python.llm-output-to-eval"]
    assert evals[0]["cwe"] == ["CWE-95"]  # "CWE-95: Improper ..." normalised
    assert evals[0]["severity"] == "critical" and evals[0]["confidence"] == "medium"
    identity = next(f for f in data["findings"] if f["kind"] == "identity")
    assert (identity["path"], identity["line"], identity["commit"]) == ("", 0, COMMIT)


def test_json_empty_report():
    data = json.loads(json_report.render(empty_report()))
    assert data == {"version": __version__, "findings": [], "notes": [], "summary": {
        "findings": 0, "blocking": 0, "suppressed": 0, "files_scanned": 0, "lines_scanned": 0,
        "by_kind": {}, "by_severity": {}}}


def test_json_schema_rejects_drift():
    data = json.loads(json_report.render(full_report()))
    validator = jsonschema.Draft202012Validator(REPORT_SCHEMA)
    data["findings"][0]["severity"] = "HIGH"
    assert not validator.is_valid(data)
    del data["findings"][0]["severity"]
    assert not validator.is_valid(data)


def test_json_escapes_controls():
    out = json_report.render(nasty_report())
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\ud800-\udfff]", out)
    data = json.loads(out)
    assert data["findings"][0]["path"].startswith("evil\x1b]0;pwned")  # faithful once decoded
    assert "\ufffd" in data["findings"][0]["path"]  # the undecodable byte
    out.encode("utf-8")


# --- SARIF ----------------------------------------------------------------------------

def sarif_validate(data: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("locationless", [True, False])
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_sarif_is_valid_against_official_schema(name, locationless):
    sarif_validate(json.loads(sarif.render(REPORTS[name](), locationless=locationless)))


def test_official_schema_catches_a_bad_log():
    data = json.loads(sarif.render(full_report()))
    (key,) = results_by_rule(data)["secret.openai-api-key"]
    key["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not jsonschema.Draft4Validator(SARIF_SCHEMA).is_valid(data)


def results_by_rule(data: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in data["runs"][0]["results"]:
        out.setdefault(r["ruleId"], []).append(r)
    return out


def test_sarif_run_tool_and_rules():
    data = json.loads(sarif.render(full_report()))
    assert data["version"] == "2.1.0"
    assert len(data["runs"]) == 1
    driver = data["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tightrope" and driver["version"] == __version__
    assert "informationUri" not in driver
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(f.rule_id for f in full_report().findings))
    for result in data["runs"][0]["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    rules = {r["id"]: r for r in driver["rules"]}
    key = rules["secret.openai-api-key"]
    assert key["shortDescription"] == {"text": "OpenAI API key"}
    assert key["help"]["text"] == "Load it from the environment or a secret manager; revoke this key."
    assert "Load it from the environment" in key["help"]["markdown"]
    assert key["properties"]["tags"] == ["security", "CWE-798", "external/cwe/cwe-798", "OWASP-A07:2021"]
    assert key["properties"]["security-severity"] == "8.0"
    assert key["properties"]["precision"] == "high"
    assert key["defaultConfiguration"] == {"level": "error"}
    ev = rules["pattern.python.llm-output-to-eval"]  # critical + high findings: the rule takes the max
    assert ev["properties"]["security-severity"] == "9.5"
    assert ev["properties"]["precision"] == "medium"
    assert ev["properties"]["tags"] == ["security", "CWE-95", "external/cwe/cwe-95", "OWASP-A03:2021",
                                        "owasp-llm:LLM05"]
    dep = rules["dependency.unknown-package"]
    assert (dep["properties"]["security-severity"], dep["properties"]["precision"]) == ("5.5", "low")
    assert dep["defaultConfiguration"]["level"] == "warning"
    assert rules["identity.missing-agent-trailer"]["properties"]["security-severity"] == "3.0"
    assert rules["identity.missing-agent-trailer"]["defaultConfiguration"]["level"] == "note"
    assert rules["secret.generic-password"]["properties"]["security-severity"] == "0.0"
    assert rules["secret.generic-password"]["shortDescription"]["text"] == "secret.generic-password"


def test_sarif_results():
    data = json.loads(sarif.render(full_report()))
    results = results_by_rule(data)
    (key,) = results["secret.openai-api-key"]
    assert key["level"] == "error"
    assert key["message"] == {"text": "OpenAI API key added"}
    assert key["partialFingerprints"] == {
        "tightrope/v2": fingerprint("secret.openai-api-key", "src/app.py", "v")}
    assert key["properties"] == {"kind": "secret", "severity": "high", "confidence": "high", "blocking": True}
    assert key["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "endLine": 12, "snippet": {"text": f'key = "{PREVIEW}"'}}}}]
    crit = results["pattern.python.llm-output-to-eval"][0]
    assert crit["level"] == "error"
    assert crit["locations"][0]["physicalLocation"]["region"]["endLine"] == 32
    (identity,) = results["identity.missing-agent-trailer"]
    assert identity["locations"] == [{"logicalLocations": [
        {"name": COMMIT, "fullyQualifiedName": f"commit/{COMMIT}", "kind": "commit"}]}]
    assert identity["properties"]["commit"] == COMMIT
    (change,) = results["caps.too-many-lines"]
    assert "physicalLocation" not in change["locations"][0]
    (protected,) = results["caps.protected-path"]  # a path but no line: no region
    assert protected["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": ".github/workflows/ci.yml", "uriBaseId": "%SRCROOT%"}}}]
    (pw,) = results["secret.generic-password"]
    assert pw["level"] == "note"
    assert pw["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/my%20notes/na%C3%AFve%20100%25.md"


def test_sarif_notes_are_notifications():
    data = json.loads(sarif.render(full_report()))
    (invocation,) = data["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == full_report().notes
    empty = json.loads(sarif.render(empty_report()))
    assert empty["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert empty["runs"][0]["results"] == [] and empty["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_locationless_false_moves_pathless_findings_to_notifications():
    data = json.loads(sarif.render(full_report(), locationless=False))
    run = data["runs"][0]
    assert all("physicalLocation" in r["locations"][0] for r in run["results"])
    assert "identity.missing-agent-trailer" not in [r["id"] for r in run["tool"]["driver"]["rules"]]
    texts = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert f"LOW identity.missing-agent-trailer (commit {COMMIT}): " \
           "commit made by Claude Code has no Assisted-by trailer" in texts
    assert "MEDIUM caps.too-many-lines (this change): agent PR changes 2400 lines (cap 1000)" in texts


_URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$")


@pytest.mark.parametrize("path, uri", [
    ("src/app.py", "src/app.py"),
    ("a b/c%d.py", "a%20b/c%25d.py"),
    ("naïve/日本.py", "na%C3%AFve/%E6%97%A5%E6%9C%AC.py"),
    ("c:thing.py", "c%3Athing.py"),  # not a scheme
    ("q?x#y.py", "q%3Fx%23y.py"),
    ("bad\udcffname.py", "bad%FFname.py"),  # surrogateescape'd byte -> that byte
    ("//host/x.py", "host/x.py"),  # never an authority
])
def test_artifact_uri_is_rfc3986(path, uri):
    assert sarif.artifact_uri(path) == uri
    assert _URI_REFERENCE.match(uri)


def test_sarif_escapes_controls():
    out = sarif.render(nasty_report())
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\ud800-\udfff]", out)
    data = json.loads(out)
    sarif_validate(data)
    uri = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert _URI_REFERENCE.match(uri) and "%1B" in uri and "%FF" in uri


# --- secrets ----------------------------------------------------------------------------

def carrying_secrets(anthropic: str, github: str) -> Report:
    """A report whose other findings carry live tokens in clear, as a scanner hands them over:
    a pattern finding's snippet, a dependency finding's message, a note."""
    report = full_report()
    report.findings += [
        make("pattern.python.tls-verify-disabled", "pattern", Severity.MEDIUM, path="src/client.py", line=9,
             snippet=f'requests.get(url, headers={{"x-api-key": "{anthropic}"}}, verify=False)'),
        make("dependency.url-dependency", "dependency", Severity.MEDIUM, path="requirements.txt", line=2,
             message=f"installs from a URL: git+https://oauth2:{github}@git.example.com/team/lib.git"),
    ]
    report.notes.append(f"src/token.txt: 1 line is not UTF-8 near {github}")
    return report


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_prints_a_secret_another_finding_carries(fmt, tmp_path, capsys):
    """Through the front ends' one exit (`emit`: redact, then render): no 8-character piece
    of either token reaches the output, whichever finding carried it."""
    from tightrope.frontends.scan_cmd import emit

    secrets = [tokens.anthropic_key(seed=fmt), tokens.github_classic(seed=fmt)]
    out_file = tmp_path / "report.out"
    emit(carrying_secrets(*secrets), [(fmt, str(out_file)), ("text", None)])
    out = out_file.read_text(encoding="utf-8") + capsys.readouterr().out
    for secret in secrets:
        body = secret.split("_", 1)[-1].split("-")[-1]  # the random part after the public prefix
        leaked = [body[i:i + 8] for i in range(len(body) - 7) if body[i:i + 8] in out]
        assert not leaked, f"{fmt}: pieces of a secret in the output: {leaked[:3]}"
    assert "src/client.py" in out and "requirements.txt" in out  # the findings themselves still show


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_preview_is_what_shows(fmt, name):
    report = REPORTS[name]()
    for color in (False, True):
        out = render(report, fmt, color=color)
        assert RAW_SECRET not in out and RAW_SECRET[8:24] not in out
    if name == "full":
        assert PREVIEW[1:-1] in render(report, fmt)
