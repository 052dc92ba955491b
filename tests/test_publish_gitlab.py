"""`tightrope publish --gitlab-mr` against a local server answering GitLab's documented API
shapes: discussions only on added lines, never twice; one summary note updated in place;
CI_JOB_TOKEN is refused with what to do instead; the token never reaches the output."""

from __future__ import annotations

from conftest import run_cli
from fake_gitlab import ME, FakeGitLab
from test_publish import write_report
from test_report import RAW_SECRET, make
from tightrope.findings import Report
from tightrope.forges.gitlab_review import MARKER
from tightrope.forges.sticky import RESOLVED

TOKEN = "gl" + "pat-" + "FakeTokenValue0123456789"

FILES = [("app/settings.py", 2, 0, "@@ -0,0 +1,2 @@\n+import os\n+KEY = 'x'\n"),
         ("app/run.py", 2, 1, "@@ -10,2 +10,3 @@ def f():\n     a = 1\n-    b = 2\n+    b = eval(x)\n+    c = 3\n")]
HEAD = "h" * 40


def serve(httpserver) -> FakeGitLab:
    """MR !3 with two changed files, and the notes / discussions publish writes to."""
    fake = FakeGitLab(httpserver, TOKEN)
    fake.pull(3, "claude-agent", "agent/x", files=FILES, base_sha="b" * 40, head_sha=HEAD)
    fake.review_endpoints(3)
    return fake


def publish(httpserver, *args: str, env: dict | None = None):
    base = httpserver.url_for("").rstrip("/")
    proc = run_cli("publish", *args, env={"CI_SERVER_URL": base, "CI_PROJECT_ID": "7", **(env or {})})
    out = proc.stdout.decode() + proc.stderr.decode()
    assert TOKEN not in out
    return proc, out


def test_discussions_on_added_lines_only_and_one_updated_summary_note(httpserver, tmp_path):
    fake = serve(httpserver)
    someone = fake.note(f"{MARKER}\nall clear", author={"id": 5, "username": "mallory"})
    report = write_report(tmp_path, Report(findings=[
        make(path="app/settings.py", line=2, message="key added", snippet="KEY = '[sk-p…6r (43 chars)]'"),
        make("ai.llm-output-to-eval", "pattern", path="app/run.py", line=11, value="e", message="eval"),
        make("ai.llm-output-to-eval", "pattern", path="app/run.py", line=10, value="ctx", message="context line"),
        make("identity.missing-assisted-by", "identity", path="", line=0, commit="c" * 40, message="no trailer"),
    ]))
    env = {"TIGHTROPE_GITLAB_TOKEN": TOKEN}
    proc, out = publish(httpserver, "--gitlab-mr", "3", "--fail-on", "never", str(report), env=env)
    assert proc.returncode == 0, out
    positions = [d["notes"][0]["position"] for d in fake.discussions]
    assert [(p["new_path"], p["new_line"]) for p in positions] == [("app/run.py", 11), ("app/settings.py", 2)]
    assert all(p["head_sha"] == HEAD and "old_line" not in p for p in positions)
    assert "2 finding(s) not on an added line" in out
    summary = [n for n in fake.notes.values() if n["author"] == ME]
    assert len(summary) == 1 and "no trailer" in summary[0]["body"] and "context line" in summary[0]["body"]
    assert RAW_SECRET not in str(fake.calls())
    assert fake.calls()[0][0] == "GET"

    fake.clear()
    publish(httpserver, "--gitlab-mr", "3", "--fail-on", "never", str(report), env=env)
    assert fake.writes() == []  # same findings: nothing posted again, the note already says it all
    assert len(fake.discussions) == 2

    clean = write_report(tmp_path, Report(), "clean.json")
    publish(httpserver, "--gitlab-mr", "3", str(clean), env=env)
    assert fake.notes[summary[0]["id"]]["body"] == f"{MARKER}\n{RESOLVED}"
    assert fake.notes[someone]["body"] == f"{MARKER}\nall clear"  # not ours: untouched


def test_ci_job_token_cannot_post_notes(httpserver, tmp_path):
    fake = serve(httpserver)
    proc, out = publish(httpserver, "--gitlab-mr", "3", str(write_report(tmp_path, Report())),
                        env={"CI_JOB_TOKEN": TOKEN})
    assert proc.returncode == 2
    assert "CI_JOB_TOKEN cannot post merge request notes" in out and "TIGHTROPE_GITLAB_TOKEN" in out
    assert fake.calls() == []


def test_a_token_that_may_not_write_is_a_warning_not_a_failure(httpserver, tmp_path):
    fake = serve(httpserver)
    fake.deny_writes = True
    report = write_report(tmp_path, Report(findings=[make(path="app/settings.py", line=2, message="key added")]))
    proc, out = publish(httpserver, "--gitlab-mr", "3", "--fail-on", "never", str(report),
                        env={"TIGHTROPE_GITLAB_TOKEN": TOKEN})
    assert proc.returncode == 0, out
    assert "GitLab refused (403)" in out and "reports list every finding" in out and "Traceback" not in out
    assert fake.discussions == [] and fake.notes == {}
