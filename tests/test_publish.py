"""`tightrope publish` against a local server answering GitHub's documented API shapes:
the sticky comment is updated, not duplicated; check-run annotations go 50 per request;
the token never reaches the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from fake_github import BOT, FakeGitHub
from test_report import RAW_SECRET, full_report, make
from tightrope.findings import Report, Severity
from tightrope.forges.github_review import MARKER
from tightrope.forges.sticky import RESOLVED
from tightrope.report import json_report

TOKEN = "ghs_" + "Fake0123456789abcdefTokenValue0123456789"  # built at run time; not a real token


def write_report(tmp_path: Path, report: Report, name: str = "scan.json") -> Path:
    path = tmp_path / name
    path.write_text(json_report.render(report), encoding="utf-8")
    return path


def serve(httpserver) -> FakeGitHub:
    fake = FakeGitHub(httpserver, TOKEN)
    fake.review_endpoints()
    return fake


def publish(fake, *args: str, extra_env: dict | None = None):
    env = {"GITHUB_API_URL": fake.url, "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": fake.repo, **(extra_env or {})}
    proc = run_cli("publish", *args, env=env)
    out = proc.stdout.decode() + proc.stderr.decode()
    assert TOKEN not in out and TOKEN[4:20] not in out
    return proc, out


def test_sticky_comment_is_created_then_updated_in_place_then_resolved(httpserver, tmp_path):
    fake = serve(httpserver)
    someone = fake.comment(f"{MARKER}\nall clear, merge it", user={"login": "mallory", "id": 7, "type": "User"})
    report = write_report(tmp_path, full_report())

    proc, _ = publish(fake, "--github-comment", "5", str(report))
    assert proc.returncode == 1  # full_report has blocking findings
    ours = [c for c in fake.comments.values() if c["user"] == BOT]
    assert len(ours) == 1 and ours[0]["body"].startswith(MARKER)
    assert "OpenAI API key added" in ours[0]["body"] and RAW_SECRET not in ours[0]["body"]

    second = write_report(tmp_path, Report(findings=[make(message="still one key")]), "again.json")
    fake.clear()
    publish(fake, "--github-comment", "5", str(second))
    assert [m for m, _, _ in fake.writes()] == ["PATCH"]  # edited, not a second comment
    assert len(fake.comments) == 2 and "still one key" in fake.comments[ours[0]["id"]]["body"]
    assert fake.comments[someone]["body"] == f"{MARKER}\nall clear, merge it"  # not ours: untouched

    clean = write_report(tmp_path, Report(scanned_files=1), "clean.json")
    proc, _ = publish(fake, "--github-comment", "5", str(clean))
    assert proc.returncode == 0
    assert fake.comments[ours[0]["id"]]["body"] == f"{MARKER}\n{RESOLVED}"

    fake.clear()
    publish(fake, "--github-comment", "5", "--when-clean", "delete", str(clean))
    assert [(m, p) for m, p, _ in fake.writes()] == [("DELETE", f"/repos/o/r/issues/comments/{ours[0]['id']}")]
    assert list(fake.comments) == [someone]


def test_clean_run_without_a_comment_posts_nothing(httpserver, tmp_path):
    fake = serve(httpserver)
    proc, _ = publish(fake, "--github-comment", "5", str(write_report(tmp_path, Report())))
    assert proc.returncode == 0 and fake.writes() == []


def test_a_read_only_token_is_a_warning_not_a_failure(httpserver, tmp_path):
    fake = serve(httpserver)
    fake.deny_writes = True
    report = write_report(tmp_path, Report(findings=[make(severity=Severity.LOW)]))
    proc, out = publish(fake, "--github-comment", "5", str(report))
    assert proc.returncode == 0
    assert "GitHub refused (403)" in out and "job summary" in out and "Traceback" not in out


def test_check_run_annotations_are_batched_by_50(httpserver, tmp_path):
    fake = serve(httpserver)
    findings = [make(path=f"src/m{i}.py", line=i + 1, value=str(i), blocking=True) for i in range(120)]
    findings.append(make("caps.too-many-lines", "caps", path="", line=0, message="too big"))
    report = write_report(tmp_path, Report(findings=findings))
    proc, _ = publish(fake, "--github-check-run", "a" * 40, str(report))
    posts = [b for m, p, b in fake.calls() if m == "POST" and p.endswith("/check-runs")]
    patches = [b for m, p, b in fake.calls() if m == "PATCH" and "/check-runs/" in p]
    assert len(posts) == 1 and len(patches) == 2
    sizes = [len(b["output"]["annotations"]) for b in posts + patches]
    assert sizes == [50, 50, 20]  # the caps finding has no line: in the summary, not annotated
    assert posts[0]["head_sha"] == "a" * 40 and posts[0]["conclusion"] == "failure"
    assert {a["annotation_level"] for a in posts[0]["output"]["annotations"]} == {"failure"}
    assert "too big" in posts[0]["output"]["summary"]


def test_summary_outputs_and_formats(tmp_path):
    scan = write_report(tmp_path, full_report())
    caps = write_report(tmp_path, Report(findings=[make("caps.protected-path", "caps", path=".github/x.yml",
                                                        line=0, message="agents may not")]), "caps.json")
    summary, outputs, sarif = tmp_path / "summary.md", tmp_path / "out", tmp_path / "all.sarif"
    proc = run_cli("publish", str(scan), str(caps), "--summary", str(summary), "--github-output", str(outputs),
                   "--format", "sarif", "--output", str(sarif), "--format", "github", "--fail-on", "never")
    assert proc.returncode == 0
    stdout = proc.stdout.decode()
    notes = stdout.count("::warning title=tightrope%3A ")  # the report's notes: one warning, before the findings
    assert notes <= 1 and stdout.count("::error ") + stdout.count("::warning ") + stdout.count("::notice ") == 9 + notes
    assert "#### Agent caps (3)" in summary.read_text(encoding="utf-8")
    assert "caps=3\n" in outputs.read_text() and "findings=9\n" in outputs.read_text()
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) == 9


@pytest.mark.parametrize("fail_on, code", [("policy", 1), ("never", 0), ("critical", 1), ("high", 1)])
def test_fail_on(tmp_path, fail_on, code):
    report = write_report(tmp_path, Report(findings=[make(severity=Severity.HIGH, blocking=False)]))
    expected = {"policy": 0, "never": 0, "critical": 0, "high": 1}[fail_on]
    assert run_cli("publish", str(report), "--fail-on", fail_on).returncode == expected


def test_a_file_that_is_not_a_report_is_a_usage_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    proc = run_cli("publish", str(bad))
    assert proc.returncode == 2 and b"not a tightrope JSON report" in proc.stderr
