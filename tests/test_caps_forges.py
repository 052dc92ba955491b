"""`tightrope caps` end to end against GitHub and GitLab fakes: both forges behave the same.

The real CLI runs in a subprocess with PyGithub / python-gitlab talking to pytest-httpserver;
the policy is read from the base commit of a real git repository.
"""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys

import pytest

import tokens
from conftest import GIT_ENV, GitRepo
from fake_forge import DAY, NOW, forges

FORGES = forges()

AGENT = {"github": "copilot-swe-agent[bot]", "gitlab": "duo-agent"}
TOKEN = tokens.github_classic(seed="caps")
POLICY = '[caps]\nmax_open_prs = 3\nagents = ["duo-agent"]\n'


def run_caps(*args: str, cwd, env: dict):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB_", "CI_", "TIGHTROPE_"))}
    full = {**clean, **GIT_ENV, "NO_COLOR": "1", "TIGHTROPE_DEBUG": "1", **env}
    full.pop("PRE_COMMIT", None)
    return subprocess.run([sys.executable, "-m", "tightrope", "caps", *args], cwd=cwd, capture_output=True,
                          text=True, env=full)


@pytest.fixture(params=sorted(FORGES))
def fake(request, httpserver):
    return FORGES[request.param](httpserver, TOKEN)


@pytest.fixture
def clone(tmp_path) -> tuple[GitRepo, str]:
    repo = GitRepo(tmp_path / "clone")
    base = repo.commit({".tightrope.toml": POLICY, "src/app.py": "x = 1\n"}, "base")
    return repo, base


def findings(proc) -> list[dict]:
    return json.loads(proc.stdout)["findings"]


def no_leak(proc) -> None:
    assert TOKEN not in proc.stdout + proc.stderr and TOKEN[::-1] not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_agent_pr_over_three_caps_fails_once_per_violation_and_a_human_pr_passes(fake, clone):
    repo, base = clone
    diff = dict(files=[(".github/workflows/ci.yml", 3, 1), ("src/app.py", 2, 0)],
                body="Details at https://evil.example/x", base_sha=base)
    fake.pull(4, AGENT[fake.forge], "fix-ci", **diff)
    fake.pull(5, "dana", "fix-ci", **diff)
    fake.listing([(n, AGENT[fake.forge], f"b{n}", NOW - 2 * DAY) for n in (1, 2, 3)] +
                 [(n, "dana", f"h{n}", NOW) for n in (6, 7, 8)])

    agent = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    no_leak(agent)
    assert agent.returncode == 1, agent.stderr
    got = {f["rule_id"]: f for f in findings(agent)}
    assert sorted(got) == ["caps.link-domain", "caps.max-open-prs", "caps.protected-path"]
    assert all(f["blocking"] for f in got.values())
    assert "4 open PRs" in got["caps.max-open-prs"]["message"] and "caps.max_open_prs" in got["caps.max-open-prs"]["message"]
    assert "max_open_prs" in got["caps.max-open-prs"]["help"]
    assert got["caps.protected-path"]["path"] == ".github/workflows/ci.yml"
    assert "evil.example" in got["caps.link-domain"]["message"]

    human = run_caps(*fake.flag(5), cwd=repo.path, env=fake.env())
    no_leak(human)
    assert human.returncode == 0, human.stdout + human.stderr
    assert "not an agent PR" in human.stdout
    auth = {r.headers.get("Authorization", r.headers.get("PRIVATE-TOKEN", "")) for r in fake.requests()}
    assert all(TOKEN in a for a in auth)  # every request carried the token, in the header


def test_the_policy_comes_from_the_base_commit_not_the_pr(fake, clone):
    repo, base = clone
    repo.commit({".tightrope.toml": "[caps]\nenabled = false\n"}, "the PR loosens its own caps")
    fake.pull(4, AGENT[fake.forge], "x", files=[(".tightrope.toml", 1, 3)], base_sha=base)
    fake.listing([])
    proc = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    assert proc.returncode == 1, proc.stderr
    assert [f["rule_id"] for f in findings(proc)] == ["caps.protected-path"]
    assert base[:7] in json.loads(proc.stdout)["notes"][0]


def test_an_agent_with_150_prs_is_counted_across_pages(fake, clone):
    repo, base = clone
    fake.pull(4, AGENT[fake.forge], "x", files=[("src/app.py", 1, 0)], base_sha=base)
    fake.listing([(n, AGENT[fake.forge], f"b{n}", NOW - 3 * DAY) for n in range(100, 250)])
    proc = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    (f,) = findings(proc)
    assert f["rule_id"] == "caps.max-open-prs" and " 151 open PRs" in f["message"]
    pages = [r.args.get("page", "1") for r in fake.requests() if r.path.endswith(("/pulls", "/merge_requests"))]
    assert "2" in pages and all(r.args.get("per_page") == "100" for r in fake.requests() if r.args.get("page"))


def test_prs_created_in_the_last_day(fake, clone):
    repo, base = clone
    base = repo.commit({".tightrope.toml": POLICY.replace("max_open_prs = 3", "max_open_prs = false\nmax_prs_per_day = 2")},
                       "policy")
    fake.pull(4, AGENT[fake.forge], "x", files=[("src/app.py", 1, 0)], base_sha=base, created=NOW)
    fake.listing([(1, AGENT[fake.forge], "a", NOW - DAY / 2), (2, AGENT[fake.forge], "b", NOW - DAY / 3),
                  (3, AGENT[fake.forge], "c", NOW - 2 * DAY)])
    proc = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    (f,) = findings(proc)
    assert f["rule_id"] == "caps.max-prs-per-day" and " 3 PRs created" in f["message"]


@pytest.mark.parametrize("status, headers, code, words", [
    (429, {"Retry-After": "0", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"}, 2, "rate limit"),
    (401, {}, 2, "rejected the token"),
    (404, {}, 2, "404"),
    (502, {}, 3, "failed (502)"),
])
def test_api_errors_exit_with_a_hint_and_no_traceback(fake, clone, status, headers, code, words):
    repo, _ = clone
    fake.error(status, headers)
    proc = run_caps(*fake.flag(4), cwd=repo.path, env=fake.env())
    no_leak(proc)
    assert proc.returncode == code, proc.stderr
    assert words in proc.stderr and "hint:" in proc.stderr


def test_ci_without_a_token_degrades_to_the_event_and_says_what_was_not_checked(fake, clone, tmp_path):
    repo, base = clone
    fake.pull(4, AGENT[fake.forge], "claude/fix", files=[(".github/workflows/ci.yml", 1, 0)], base_sha=base)
    proc = run_caps("--format", "json", cwd=repo.path, env=fake.ci_env(tmp_path, token=False))
    no_leak(proc)
    assert proc.returncode == 0, proc.stderr
    unchecked = [f["message"] for f in findings(proc) if f["rule_id"] == "caps.unchecked"]
    assert any("changed files" in m for m in unchecked) and any("open and recent" in m for m in unchecked)
    assert fake.requests() == []  # nothing was asked without a token
    text = run_caps(cwd=repo.path, env=fake.ci_env(tmp_path, token=False))
    assert "not checked: changed files" in text.stdout


def test_without_a_token_the_clone_still_gives_files_and_commits(fake, clone, tmp_path):
    repo, base = clone
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({".github/workflows/ci.yml": "on: push\n"}, "ci\n\nAssisted-by: codex:gpt-5\n")
    fake.pull(4, "dana", "feature", files=[(".github/workflows/ci.yml", 1, 0)], base_sha=base, head_sha=head)
    proc = run_caps("--format", "json", cwd=repo.path, env=fake.ci_env(tmp_path, token=False))
    no_leak(proc)
    assert proc.returncode == 1, proc.stderr
    rules = sorted(f["rule_id"] for f in findings(proc))
    assert rules == ["caps.protected-path", "caps.unchecked"]  # the counts alone could not be read
    assert fake.requests() == []


def test_dependency_manifests_are_judged_on_the_lines_the_forge_sends(fake, clone):
    repo, _ = clone
    base = repo.commit({".tightrope.toml": POLICY + "protect_dependency_manifests = true\n"}, "p")
    typo = "reqeusts==2.31.0"
    fake.pull(4, AGENT[fake.forge], "x", base_sha=base,
              files=[("requirements.txt", 2, 0, ["requests==2.31.0", typo]), ("package.json", 0, 1)])
    fake.listing([])
    proc = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    assert proc.returncode == 1, proc.stderr
    (f,) = findings(proc)
    assert f["rule_id"] == "caps.dependency-manifest" and f["path"] == "requirements.txt"
    assert "dep.typosquat" in f["message"]


def test_prs_delegated_by_the_same_human_are_capped_across_agents(fake, clone):
    repo, _ = clone
    base = repo.commit({".tightrope.toml": POLICY + "max_prs_per_day_per_human = 2\n"}, "p")
    dana = "fix\n\nAssisted-by: codex\nDelegated-by: Dana <Dana@Example.com>\n"
    fake.pull(4, AGENT[fake.forge], "x", files=[("src/a.py", 1, 0)], base_sha=base,
              commits=[(dana, "Codex", "codex@example.com")])
    fake.listing([(1, "claude[bot]", "a", NOW - DAY / 2, dana), (2, "devin-ai-integration[bot]", "b", NOW - DAY / 4, dana),
                  (3, "claude[bot]", "c", NOW - DAY / 3, dana.replace("Dana@", "eve@")),
                  (5, "claude[bot]", "d", NOW - 2 * DAY, dana)])
    proc = run_caps(*fake.flag(4), "--format", "json", cwd=repo.path, env=fake.env())
    assert proc.returncode == 1, proc.stderr
    (f,) = findings(proc)
    assert f["rule_id"] == "caps.max-prs-per-day-per-human" and "agents opened 3 PRs" in f["message"]
    assert "dana@example.com" in f["message"]


def test_in_ci_the_policy_enforcement_actions_run_and_a_dry_run_never_writes(fake, clone, tmp_path):
    repo, _ = clone
    base = repo.commit({".tightrope.toml": POLICY + 'on_violation = ["label", "draft", "request-changes"]\n'}, "p")
    fake.pull(4, AGENT[fake.forge], "x", files=[("CODEOWNERS", 1, 0)], base_sha=base)
    fake.listing([])
    fake.enforcement_endpoints(4)

    dry = run_caps(*fake.flag(4), cwd=repo.path, env=fake.env())
    assert dry.returncode == 1 and "dry run: would have labelled" in dry.stdout
    assert fake.writes() == []

    ci = run_caps(cwd=repo.path, env=fake.ci_env(tmp_path))
    no_leak(ci)
    assert ci.returncode == 1, ci.stderr
    writes = fake.writes()
    if fake.forge == "github":
        assert [(m, p) for m, p, _ in writes] == [("POST", "/repos/o/r/issues/4/labels"), ("POST", "/graphql"),
                                                  ("POST", "/repos/o/r/pulls/4/reviews")]
        assert "convertPullRequestToDraft" in writes[1][2] and "REQUEST_CHANGES" in writes[2][2]
    else:
        assert all(p.startswith(("/api/v4/projects/g/p/", "/api/v4/projects/7/")) for _, p, _ in writes)
        assert [(m, p.split("/merge_requests/")[1]) for m, p, _ in writes] == [("PUT", "4"), ("PUT", "4"),
                                                                              ("POST", "4/notes")]
        assert "tightrope%3Acaps-exceeded" in writes[0][2] or "tightrope:caps-exceeded" in writes[0][2]
        assert "Draft: " in writes[1][2]
    assert "caps.protected-path (1)" in writes[-1][2]
    assert "CODEOWNERS" not in writes[-1][2]  # nothing from the PR is echoed back into it
    # the next run finds its note / review again instead of adding one per push
    fake.clear()
    assert run_caps(cwd=repo.path, env=fake.ci_env(tmp_path)).returncode == 1
    assert not any(p.endswith(("/notes", "/reviews")) for _, p, _ in fake.writes())
    if fake.forge == "gitlab":
        assert len(fake.notes) == 1
    else:
        assert [r["state"] for r in fake.reviews.values()] == ["CHANGES_REQUESTED"]


def test_a_new_caps_verdict_supersedes_the_standing_review(httpserver, clone, tmp_path):
    """GitHub only: GitLab has no reviews, its caps note is edited in place (test above)."""
    fake = FORGES["github"](httpserver, TOKEN)
    repo, _ = clone
    base = repo.commit({".tightrope.toml": POLICY + 'on_violation = ["request-changes"]\n'}, "p")
    fake.pull(4, AGENT[fake.forge], "x", files=[("CODEOWNERS", 1, 0)], base_sha=base)
    fake.listing([])
    fake.enforcement_endpoints(4)
    marker = "<!-- tightrope:caps-review -->"
    old = fake.review(4, f"an older verdict\n\n{marker}", "CHANGES_REQUESTED")
    human = fake.review(4, "a human's review", "CHANGES_REQUESTED", user={"login": "dana", "id": 3, "type": "User"})
    assert run_caps(cwd=repo.path, env=fake.ci_env(tmp_path)).returncode == 1
    states = {rid: (r["state"], marker in r["body"]) for rid, r in fake.reviews.items()}
    assert states.pop(old) == ("DISMISSED", True) and states.pop(human) == ("CHANGES_REQUESTED", False)
    assert list(states.values()) == [("CHANGES_REQUESTED", True)]  # the new verdict, the only one standing
    assert any(m == "PUT" and p.endswith(f"/reviews/{old}/dismissals") for m, p, _ in fake.writes())


def test_a_failed_enforcement_action_is_said_beside_the_findings(fake, clone, tmp_path):
    repo, _ = clone
    base = repo.commit({".tightrope.toml": POLICY + 'on_violation = ["label"]\n'}, "p")
    fake.pull(4, AGENT[fake.forge], "x", files=[("CODEOWNERS", 1, 0)], base_sha=base)
    fake.listing([])
    fake.server.expect_request(re.compile(".*"), method="POST").respond_with_json({"message": "no"}, status=403)
    fake.server.expect_request(re.compile(".*"), method="PUT").respond_with_json({"message": "no"}, status=403)
    proc = run_caps("--format", "sarif", cwd=repo.path, env=fake.ci_env(tmp_path))
    no_leak(proc)
    assert proc.returncode == 1, proc.stderr
    run = json.loads(proc.stdout)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["caps.protected-path"]
    notes = " ".join(n["message"]["text"] for n in run["invocations"][0].get("toolExecutionNotifications", []))
    assert "could not label" in notes and "403" in notes
