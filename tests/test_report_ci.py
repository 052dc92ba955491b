"""The CI renderers (annotations, Markdown, Code Quality, GitLab secret report, JUnit):
shapes GitLab/GitHub read, limits, and one hostile-input test per sink."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import jsonschema
import pytest

from test_report import COMMIT, PREVIEW, RAW_SECRET, full_report, make
from tightrope.findings import Report, Severity
from tightrope.report import codequality, github, gitlab_secrets, junit, markdown, text
from tightrope.report.escape import markdown as md_escape

HOSTILE_PATH = "x::error file=a.py::pwned\n::warning::injected,title=t:x%0A\ufffe.py"
HOSTILE_MESSAGE = ("ok\r\n::error::fake\n##[error]fake2 <img src=x onerror=alert(1)> @octo-org/admins "
                   "[click](https://evil.example) | cell | **bold** #123 \x1b[31m\u202etxt")


def hostile_report() -> Report:
    return Report(findings=[
        make(path=HOSTILE_PATH, message=HOSTILE_MESSAGE, snippet="`@all` <b>x</b> ```", help="@someone fix <script>",
             title="t<i>"),
        make("identity.missing-agent-trailer", "identity", path="", line=0, commit=COMMIT,
             message="commit 'Fix ::error::x @admins <b>' has no trailer"),
    ], notes=["::error::note <b>@x</b>"], scanned_files=1, scanned_lines=1)


# --- GitHub workflow commands -------------------------------------------------------------

_CMD = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def parse_commands(out: str) -> list[tuple[str, dict[str, str], str]]:
    """Read the output as the runner does: every line starting with `::` is a command."""
    def unescape(s: str) -> str:
        return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    cmds = []
    for line in out.splitlines():
        if not line.lstrip().startswith("::"):
            continue
        m = _CMD.match(line)
        assert m, f"malformed command line: {line!r}"
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert set(props) <= {"file", "line", "endLine", "title"}, props
        cmds.append((m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))))
    return cmds


def test_annotations_point_at_lines_most_severe_first():
    report = full_report()
    cmds = parse_commands(github.render(report))
    # the notes first, as one warning no budget can drop; then the findings, most severe first
    assert [c[0] for c in cmds] == ["warning"] + ["error"] * 4 + ["warning"] * 2 + ["notice"] * 2
    note_level, note_props, note_data = cmds.pop(0)
    assert note_props == {"title": f"tightrope: {len(report.notes)} note" + "s" * (len(report.notes) > 1)}
    assert note_data.splitlines() == report.notes
    level, props, data = cmds[0]
    assert props["file"] == "src/agent/run.py" and props["line"] == "30" and props["endLine"] == "32"
    assert props["title"] == "pattern.python.llm-output-to-eval (blocking)"
    assert "fix: Parse the output" in data and "CWE-95" in data
    commit_cmd = next(c for c in cmds if "Assisted-by" in c[2])
    assert "file" not in commit_cmd[1] and COMMIT[:12] in commit_cmd[2]


def test_annotations_respect_github_limits_and_say_how_many_more():
    findings = [make(path=f"f{i}.py", line=i + 1, value=str(i), severity=sev)
                for i, sev in enumerate([Severity.HIGH] * 25 + [Severity.MEDIUM] * 4 + [Severity.LOW] * 12)]
    cmds = parse_commands(github.render(Report(findings=findings)))
    by_level = {lv: [c for c in cmds if c[0] == lv] for lv in github.LEVELS}
    assert all(len(v) <= 10 for v in by_level.values())
    assert "16 more error-level findings" in by_level["error"][-1][2]
    assert "job summary" in by_level["error"][-1][2]
    assert len(by_level["warning"]) == 4 and "3 more notice-level" in by_level["notice"][-1][2]
    # a note takes a warning slot: the level still shows at most 10 and counts the rest
    noted = parse_commands(github.render(Report(findings=findings[:25] + [
        make(path=f"w{i}.py", line=1, value=f"w{i}", severity=Severity.MEDIUM) for i in range(12)], notes=["n"])))
    warnings = [c for c in noted if c[0] == "warning"]
    assert len(warnings) == 10 and warnings[0][2] == "n" and "4 more warning-level" in warnings[-1][2]
    # a job-wide budget smaller than one level: what is left is still counted, as plain text
    out = github.render(Report(findings=findings), per_job=5)
    assert len(parse_commands(out)) == 5
    assert "tightrope: 4 more warnings not annotated" in out and "12 more notices" in out


def test_annotations_interpret_nothing_from_hostile_text():
    out = github.render(hostile_report())
    cmds = parse_commands(out)
    assert len(cmds) == 3 and len(out.splitlines()) == 3  # one line each: no injected command
    assert cmds[0][2] == "::error::note <b>@x</b>"  # the note is the command's data, not a command
    props = next(c[1] for c in cmds if "file" in c[1])
    assert props["file"] == HOSTILE_PATH.replace("\n", "\\n").replace("\ufffe", "\\ufffe")  # the whole path, as a value
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out


# --- Markdown: job summary and sticky comment -----------------------------------------------

def test_markdown_groups_findings_with_rule_cwe_and_fix():
    out = markdown.render(full_report(), title="tightrope on #42")
    assert out.index("#### Secrets") < out.index("#### Insecure code") < out.index("#### Agent caps")
    assert "`secret.openai-api-key`" in out and "CWE-798" in out and "secret manager" in out
    assert "**blocking**" in out and "commit 1a2b3c4d5e6f" in out
    assert "skipped binary file assets/logo\\.png" in out
    assert "### tightrope on \\#42" in out


def test_markdown_interprets_nothing_from_hostile_text():
    out = markdown.render(hostile_report(), title="PR <b>@admins</b> [x](https://evil.example)")
    for bad in ("<img", "<b>", "<i>", "<script>", "](https", "@octo-org", "@admins", "@someone", "\x1b", "\u202e"):
        assert bad not in out.replace("`@all` <b>x</b> ```", ""), bad
    assert not re.search(r"@[\w-]", out.replace("`@all`", ""))  # no mention outside the code span
    assert "\n::" not in out and "\n##[" not in out and not out.startswith("::")
    # the table row stays one row with six cells: the `|` in the message is escaped
    row = next(line for line in out.splitlines() if "ok" in line and line.startswith("|"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7
    # the snippet is a code span (where nothing is interpreted), fenced longer than its backticks
    assert "```` `@all` <b>x</b> ``` ````" in out


def test_markdown_escape_round_trip_keeps_the_text_readable():
    assert md_escape("a_b*c@d<e>") == "a\\_b\\*c@&#8203;d&lt;e&gt;"


def test_markdown_stays_under_the_comment_limit_and_points_to_the_rest():
    findings = [make(path=f"src/module_{i}.py", line=i + 1, value=str(i), message="x" * 300) for i in range(400)]
    out = markdown.render(Report(findings=findings), max_chars=65536, more_where="the job summary")
    assert len(out) <= 65536
    m = re.search(r"and (\d+) more finding\(s\) not shown here: see the job summary", out)
    assert m and int(m.group(1)) + out.count("| 🔴 high") == 400


# --- terminal text: no line becomes a workflow command ---------------------------------------

def test_text_report_lines_never_start_a_workflow_command():
    out = text.render(Report(findings=[make(path="::error::owned.py", message="m"),
                                       make(path="  ##[error]x.py", message="m")]))
    assert not any(line.lstrip().startswith(("::", "##[")) for line in out.splitlines())
    assert "\\x3a:error::owned.py" in out and "  \\x23#[error]x.py" in out


# --- GitLab Code Quality ---------------------------------------------------------------------

def test_codequality_shape_and_stable_unique_fingerprints():
    report = full_report()
    twin = make(line=99, message="same key again")  # same rule, path and value as the first finding
    report.findings.append(twin)
    issues = json.loads(codequality.render(report))
    notes = [i for i in issues if i["check_name"] == codequality.NOTE_CHECK]
    assert [i["description"] for i in notes] == report.notes and {i["severity"] for i in notes} == {"info"}
    assert len(issues) == len(report.findings) + len(report.notes)
    fps = [i["fingerprint"] for i in issues]
    assert len(set(fps)) == len(fps)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1
    # a line shift does not change the fingerprints
    shifted = Report(findings=[f._replace(line=f.line + 5, end_line=f.end_line + 5)
                               for f in report.findings], notes=report.notes)
    assert sorted(i["fingerprint"] for i in json.loads(codequality.render(shifted))) == sorted(fps)


def test_codequality_escapes_hostile_text():
    out = codequality.render(hostile_report())
    assert "\x1b" not in out and "\u202e" not in out
    issues = json.loads(out)
    assert issues[1]["location"]["path"] == HOSTILE_PATH.replace("\n", "\n")  # JSON carries it as data
    assert "\r" not in issues[1]["description"] and "\n" not in issues[1]["description"]


# --- GitLab secret detection ----------------------------------------------------------------

# The fields GitLab's secret-detection report format 15.x requires (its schema's `required`
# lists, enums and patterns), written out so the test runs offline.
_TOOL = {"type": "object", "required": ["id", "name", "version", "vendor"],
         "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1},
                        "version": {"type": "string", "minLength": 1},
                        "vendor": {"type": "object", "required": ["name"],
                                   "properties": {"name": {"type": "string", "minLength": 1}}}}}
_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"}
GITLAB_SECRET_SCHEMA = {
    "type": "object", "required": ["scan", "version", "vulnerabilities"],
    "properties": {
        "version": {"type": "string", "pattern": r"^15\.\d+\.\d+$"},
        "scan": {"type": "object", "required": ["analyzer", "end_time", "scanner", "start_time", "status", "type"],
                 "properties": {"analyzer": _TOOL, "scanner": _TOOL, "start_time": _TIME, "end_time": _TIME,
                                "status": {"enum": ["success", "failure"]}, "type": {"enum": ["secret_detection"]},
                                "messages": {"type": "array", "items": {
                                    "type": "object", "required": ["level", "value"],
                                    "properties": {"level": {"enum": ["info", "warn", "fatal"]},
                                                   "value": {"type": "string", "minLength": 1}}}}}},
        "vulnerabilities": {"type": "array", "items": {
            "type": "object", "required": ["id", "identifiers", "location"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "severity": {"enum": ["Info", "Unknown", "Low", "Medium", "High", "Critical"]},
                "identifiers": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["type", "name", "value"],
                    "properties": {"type": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1},
                                   "value": {"type": "string", "minLength": 1},
                                   "url": {"type": "string", "pattern": "^(https?|ftp)://.+"}}}},
                "location": {"type": "object", "required": ["commit"],
                             "properties": {"file": {"type": "string", "minLength": 1},
                                            "start_line": {"type": "integer", "minimum": 1},
                                            "commit": {"type": "object", "required": ["sha"],
                                                       "properties": {"sha": {"type": "string", "minLength": 1}}}}},
            }}},
    },
}


def test_gitlab_secret_report_matches_gitlab_schema_without_raw_secret():
    report = full_report()
    out = gitlab_secrets.render(report, now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    data = json.loads(out)
    jsonschema.validate(data, GITLAB_SECRET_SCHEMA)
    assert [v["location"]["file"] for v in data["vulnerabilities"]] == ["docs/my notes/naïve 100%.md", "src/app.py"]
    assert all("raw_source_code_extract" not in v for v in data["vulnerabilities"])
    assert RAW_SECRET not in out and PREVIEW[1:-1] in out
    assert data["scan"]["start_time"] == "2026-01-02T03:04:05"


def test_gitlab_secret_report_escapes_hostile_text():
    out = gitlab_secrets.render(Report(findings=[make(path=HOSTILE_PATH, message=HOSTILE_MESSAGE)]))
    assert "\x1b" not in out and "\u202e" not in out
    jsonschema.validate(json.loads(out), GITLAB_SECRET_SCHEMA)


# --- JUnit ------------------------------------------------------------------------------------

def test_junit_one_failed_case_per_finding():
    root = ET.fromstring(junit.render(full_report()))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 8 and all(c.find("failure") is not None for c in cases)
    assert cases[0].get("name") == "pattern.python.llm-output-to-eval at src/agent/run.py:30"
    assert "fix: Parse the output" in cases[0].find("failure").text
    empty = ET.fromstring(junit.render(Report()))
    assert [c.get("name") for c in empty.iter("testcase")] == ["no findings"]


def test_junit_escapes_hostile_text():
    out = junit.render(hostile_report())
    root = ET.fromstring(out)  # well-formed: markup in the text stayed text
    assert root.find(".//img") is None and "\x1b" not in out and "\u202e" not in out
    case = next(c for c in root.iter("testcase") if c.get("file"))
    assert "<img src" in case.find("failure").get("message")
