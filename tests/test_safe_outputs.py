"""`tightrope safe-outputs apply`: an agent's requests, validated one by one, performed only
within the caps, never half-applied; both forges, a real git remote, local forge fakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import tokens
from conftest import GIT_ENV, GitRepo
from fake_forge import NOW, forges
from tightrope.frontends.safe_outputs_cmd import validate

FORGES = forges()

TOKEN = tokens.github_classic(seed="safe-outputs")
SECRETISH = "sk-" + "live" + "Z" * 20


def patch(path: str, line: str = "y = 2") -> str:
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1 @@\n+{line}\n")


def pr(branch: str, path: str = "src/new.py", **kw) -> dict:
    return {"type": "create_pull_request", "title": "Add a thing", "body": "Adds it.", "branch": branch,
            "patch": patch(path), **kw}


@pytest.fixture(params=sorted(FORGES))
def fake(request, httpserver):
    return FORGES[request.param](httpserver, TOKEN)


@pytest.fixture
def clone(tmp_path) -> GitRepo:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    repo = GitRepo(tmp_path / "clone")
    repo.commit({".tightrope.toml": "[caps]\nmax_open_prs = 2\n", "src/app.py": "x = 1\n"}, "base")
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "main")
    repo.git("fetch", "-q", "origin")
    return repo


def remote_branches(repo: GitRepo) -> list[str]:
    out = repo.git("ls-remote", "--heads", "origin")
    return sorted(line.split("refs/heads/")[1] for line in out.splitlines())


def apply(fake, repo: GitRepo, requests: list, *extra: str):
    lines = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in requests) + "\n"
    (repo.path.parent / "requests.jsonl").write_text(lines)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB_", "CI_", "TIGHTROPE_"))}
    env = {**clean, **GIT_ENV, "NO_COLOR": "1", "TIGHTROPE_DEBUG": "1", **fake.env()}
    target = ["--github", "o/r"] if fake.forge == "github" else ["--gitlab", "g/p"]
    proc = subprocess.run([sys.executable, "-m", "tightrope", "safe-outputs", "apply", "../requests.jsonl", *target,
                           "--agent", "safe-bot", "--format", "json", *extra], cwd=repo.path, capture_output=True,
                          text=True, env=env)
    assert TOKEN not in proc.stdout + proc.stderr and SECRETISH not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def by_line(proc) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for f in json.loads(proc.stdout)["findings"]:
        out.setdefault(f["line"], []).append(f["rule_id"])
    return out


def test_each_request_is_judged_alone_and_only_valid_ones_are_performed(fake, clone):
    fake.listing([])
    fake.safe_output_endpoints(21)
    proc = apply(fake, clone, [
        pr("agent/ok", labels=["agent"]),                                   # 1 applied
        "{not json",                                                        # 2 malformed
        {"type": "create_pull_request", "branch": "b", "patch": "x"},       # 3 no title
        pr("agent/ci", path=".github/workflows/ci.yml"),                   # 4 protected path
        {"type": "add_comment", "number": 4, "body": "see https://evil.example/" + SECRETISH},  # 5 link
        {"type": "add_comment", "number": 4, "body": "Done, see https://github.com/o/r"},      # 6 applied
        {"type": SECRETISH, "number": 4},                                  # 7 unknown type, not echoed
        {"type": "add_labels", "number": 4, "labels": ["x"], "extra": 1},  # 8 unknown field
    ])
    assert proc.returncode == 1, proc.stderr
    got = by_line(proc)
    assert got == {2: ["caps.malformed-request"], 3: ["caps.malformed-request"], 4: ["caps.protected-path"],
                   5: ["caps.link-domain"], 7: ["caps.malformed-request"], 8: ["caps.malformed-request"]}
    messages = {f["line"]: f["message"] for f in json.loads(proc.stdout)["findings"]}
    assert "missing field(s) title" in messages[3] and "unknown field(s) extra" in messages[8]
    assert remote_branches(clone) == ["agent/ok", "main"]  # the refused PR's branch was never pushed
    writes = [(m, p) for m, p, _ in fake.writes()]
    if fake.forge == "github":
        assert writes == [("POST", "/repos/o/r/pulls"), ("POST", "/repos/o/r/issues/21/labels"),
                          ("POST", "/repos/o/r/issues/4/comments")]
    else:
        assert writes == [("POST", "/api/v4/projects/g/p/merge_requests"),
                          ("PUT", "/api/v4/projects/g/p/merge_requests/21"),
                          ("POST", "/api/v4/projects/g/p/merge_requests/4/notes")]
    created = json.loads(fake.writes()[0][2])
    assert created["title"] == "Add a thing"
    head = clone.git("ls-remote", "origin", "agent/ok").split()[0]
    assert clone.git("show", "--format=%B", "-s", head).strip().endswith("Agent: safe-bot")
    assert clone.git("status", "--porcelain") == ""  # the work tree was never touched


def test_caps_count_the_prs_this_run_opened(fake, clone):
    fake.listing([(1, "safe-bot", "agent/old", NOW)])
    fake.safe_output_endpoints(21)
    proc = apply(fake, clone, [pr("agent/a"), pr("agent/b", path="src/other.py")])
    assert by_line(proc) == {2: ["caps.max-open-prs"]}
    assert remote_branches(clone) == ["agent/a", "main"]


def test_a_failed_step_rolls_the_whole_request_back(fake, clone):
    fake.listing([])
    fake.safe_output_endpoints(21, create_status=422)
    proc = apply(fake, clone, [pr("agent/a")])
    assert proc.returncode == 1
    (f,) = json.loads(proc.stdout)["findings"]
    assert f["rule_id"] == "caps.request-failed" and "rolled back" in f["message"]
    assert remote_branches(clone) == ["main"]


def test_never_moves_an_existing_branch_and_dry_run_writes_nothing(fake, clone):
    fake.listing([])
    fake.safe_output_endpoints(21)
    proc = apply(fake, clone, [pr("main"), pr("agent/a")], "--dry-run")
    assert by_line(proc) == {1: ["caps.request-refused"]}
    assert remote_branches(clone) == ["main"] and fake.writes() == []


@pytest.mark.parametrize("request_, words", [
    ([], "JSON object"),
    ({"type": "create_pull_request", "title": "", "branch": "b", "patch": "x"}, "$.title"),
    ({"type": "add_labels", "number": 0, "labels": ["a"]}, "$.number"),
    ({"type": "create_pull_request", "title": "t", "branch": "-rf", "patch": "x"}, "$.branch"),
])
def test_schema_errors_point_at_the_field(request_, words):
    assert words in validate(request_)
    assert validate(pr("agent/a")) == ""
