"""The GitLab CI template: valid against GitLab's schema (header and body), and run for real
by gitlab-ci-local in shell mode on an agent's merge request, producing the reports GitLab
reads (Code Quality, secret detection, JUnit) without the secret in any of them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import yaml

import tokens
from ci_repo import (AGENT_BRANCH, EXPECTED, HUMAN_BRANCH, LOOSEN_BRANCH, AgentPR, agent_pr_repo, leaks,
                     loosening_pr, pr_commits, pr_files)
from ci_tools import npm_tool
from conftest import GIT_ENV, ROOT, GitRepo
from fake_gitlab import ME, PROJECT_ID, FakeGitLab
from test_report_ci import GITLAB_SECRET_SCHEMA

TEMPLATE = ROOT / "gitlab" / "tightrope.yml"
TOKEN = "gl" + "pat-" + tokens.github_classic(seed="template")[4:24]


def documents() -> tuple[str, str]:
    header, body = TEMPLATE.read_text(encoding="utf-8").split("\n---\n", 1)
    return header, body


def test_header_and_body_pass_gitlabs_schema(tmp_path):
    header, body = documents()
    for name, text in (("header.yml", header), ("body.yml", body)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci",
                           str(tmp_path / "header.yml"), str(tmp_path / "body.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    spec = yaml.safe_load(header)["spec"]["inputs"]
    assert spec["fail-on"]["default"] in spec["fail-on"]["options"]
    assert "CI_JOB_TOKEN cannot post notes" in spec["mr-notes"]["description"]


def test_inputs_reach_scripts_only_as_variables():
    body = yaml.safe_load(documents()[1])
    for job in body.values():
        for key in ("before_script", "script"):
            assert "$[[" not in "\n".join(job.get(key, [])), key
    reports = body[".tightrope"]["artifacts"]
    assert reports["when"] == "always"
    assert set(reports["reports"]) == {"codequality", "secret_detection", "junit"}


def gitlab_ci_local(repo: Path, *args: str) -> subprocess.CompletedProcess:
    assert shutil.which("rsync"), "gitlab-ci-local needs rsync (apt-get install rsync; .ci/run does it)"
    env = {**os.environ, **GIT_ENV, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "HOME": str(repo.parent / "home")}
    env.pop("PRE_COMMIT", None)
    return subprocess.run([str(npm_tool("gitlab-ci-local")), "--force-shell-executor",
                           "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_COMMIT_BEFORE_SHA,CI_SERVER_URL,CI_PROJECT_ID",
                           *args],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def readme_include(local: str) -> dict:
    """The README's include, pointed at a local copy."""
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
                 if "gitlab/tightrope.yml" in b)
    assert block in (ROOT / "gitlab/README.md").read_text(encoding="utf-8")
    config = yaml.safe_load(block)
    include = config["include"][0]
    assert include.pop("remote").endswith("/-/raw/v0.1.0/gitlab/tightrope.yml")
    spec = yaml.safe_load(documents()[0])["spec"]["inputs"]
    for name, value in include["inputs"].items():
        assert name in spec and ("options" not in spec[name] or value in spec[name]["options"]), name
    include["local"] = local
    return config


def ci_project(tmp_path: Path, *, shallow: bool, branch: str = AGENT_BRANCH, pr: AgentPR | None = None,
               **inputs) -> tuple[GitRepo, AgentPR]:
    """The MR's repository as the CI job sees it: a clone of `branch` (shallow: that branch only,
    depth 1) with the template included the way the README shows, plus `inputs`."""
    pr = pr or agent_pr_repo(tmp_path / "origin")
    depth = ["--depth", "1"] if shallow else []
    subprocess.run(["git", "clone", "-q", *depth, "--branch", branch, f"file://{pr.repo.path}",
                    str(tmp_path / "project")], check=True, env={**os.environ, **GIT_ENV})
    repo = GitRepo(tmp_path / "project")  # re-initialising a clone keeps it as it is
    # gitlab-ci-local reads the project's path from this remote; `origin` stays the real one
    repo.git("remote", "add", "gcl-origin", "git@gitlab.example.com:g/p.git")
    (repo.path / "ci").mkdir(exist_ok=True)
    shutil.copy(TEMPLATE, repo.path / "ci" / "tightrope.yml")
    config = readme_include(local="ci/tightrope.yml")
    config["include"][0]["inputs"].update(inputs)
    repo.write(".gitlab-ci.yml", yaml.safe_dump(config))
    repo.git("add", ".gitlab-ci.yml", "ci")  # gitlab-ci-local reads tracked files; the range stays base..head
    return repo, pr


def serve_mr(httpserver, pr: AgentPR, author: str, branch: str, head: str) -> FakeGitLab:
    """MR !3 from `branch` as GitLab's API describes it, and the notes publish writes to."""
    fake = FakeGitLab(httpserver, TOKEN)
    fake.pull(3, author, branch, title="Add an assistant", base_sha=pr.base, head_sha=head,
              files=pr_files(pr.repo, pr.base, head), commits=pr_commits(pr.repo, pr.base, head))
    fake.listing([])
    fake.review_endpoints(3)
    return fake


def merge_request_job(repo: GitRepo, fake: FakeGitLab, pr: AgentPR, branch: str) -> subprocess.CompletedProcess:
    """The template's MR job, with the variables of a merge request pipeline for MR !3."""
    return gitlab_ci_local(repo.path, "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                           "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={pr.base}",
                           "--variable", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main",
                           "--variable", f"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME={branch}",
                           "--variable", "CI_MERGE_REQUEST_IID=3", "--variable", "CI_MERGE_REQUEST_PROJECT_PATH=g/p",
                           "--variable", f"CI_SERVER_URL={fake.url}", "--variable", f"CI_PROJECT_ID={PROJECT_ID}",
                           "--variable", f"TIGHTROPE_GITLAB_TOKEN={TOKEN}", "tightrope-merge-request")


def test_merge_request_job_on_a_shallow_clone_shows_each_problem_in_every_report_without_the_secret(
        tmp_path, httpserver):
    """The template's MR job with the real scan, verify and caps (against a local server answering
    GitLab's API) and MR notes on: schema-valid reports, each problem in each, the secret in none."""
    repo, pr = ci_project(tmp_path, shallow=True, **{"mr-notes": True})
    fake = serve_mr(httpserver, pr, "claude-agent", AGENT_BRANCH, pr.head)
    proc = merge_request_job(repo, fake, pr, AGENT_BRANCH)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "FAIL  tightrope-merge-request" in log, log  # blocking findings
    assert "shallow clone: fetching the history the range needs" in log
    assert "could not run" not in log, log

    codequality = json.loads((repo.path / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert set(EXPECTED) <= {issue["check_name"] for issue in codequality}
    assert len({i["fingerprint"] for i in codequality}) == len(codequality)
    secrets = json.loads((repo.path / "gl-secret-detection-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(secrets, GITLAB_SECRET_SCHEMA)
    assert [v["location"]["file"] for v in secrets["vulnerabilities"]] == ["app/settings.py"]
    junit_text = (repo.path / "tightrope-junit.xml").read_text(encoding="utf-8")
    junit = ET.fromstring(junit_text)
    findings = [i for i in codequality if i["check_name"] != "tightrope.note"]  # notes are Code Quality info issues
    assert len(junit.findall(".//testcase")) == len(findings)
    assert all(what in junit_text for what in EXPECTED)
    summary = next(n["body"] for n in fake.notes.values() if n["author"] == ME)
    assert all(what in summary for what in EXPECTED)
    assert {(d["notes"][0]["position"]["new_path"]) for d in fake.discussions} >= {"app/settings.py",
                                                                                   "app/assistant.py"}
    sinks = {name: (repo.path / name).read_text(encoding="utf-8") for name in
             ("gl-code-quality-report.json", "gl-secret-detection-report.json", "tightrope-junit.xml")}
    sinks |= {"log": log, "sent to GitLab": str(fake.calls())}
    sinks |= {p.name: p.read_text(encoding="utf-8") for p in (repo.path / ".tightrope-reports").glob("*.json")}
    for name, text in sinks.items():
        assert not leaks(text) and "raw_source_code_extract" not in text, name
    assert TOKEN not in log
    assert {r.headers.get("PRIVATE-TOKEN") for r in fake.requests()} == {TOKEN}
    paths = {r.path for r in fake.requests()}  # caps judged the forge's facts; publish read the diff too
    assert {"/api/v4/projects/g/p/merge_requests/3/diffs", "/api/v4/projects/g/p/merge_requests"} <= paths


def test_default_branch_job_scans_the_push(tmp_path):
    repo, pr = ci_project(tmp_path, shallow=False)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", pr.head)
    proc = gitlab_ci_local(repo.path, "--variable", f"CI_COMMIT_BEFORE_SHA={pr.base}", "tightrope-default-branch")
    log = proc.stdout + proc.stderr
    assert "tightrope-default-branch" in log and proc.returncode == 1, log
    checks = {i["check_name"] for i in json.loads((repo.path / "gl-code-quality-report.json").read_text())}
    assert "secret.openai-api-key" in checks


def test_a_humans_merge_request_with_the_same_diff_passes_caps(tmp_path, httpserver):
    repo, pr = ci_project(tmp_path, shallow=True, branch=HUMAN_BRANCH, checks="caps")
    fake = serve_mr(httpserver, pr, "dana", HUMAN_BRANCH, pr.human)
    proc = merge_request_job(repo, fake, pr, HUMAN_BRANCH)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "not an agent PR" in log, log
    report = json.loads((repo.path / ".tightrope-reports" / "caps.json").read_text(encoding="utf-8"))
    assert report["findings"] == []
    assert "/api/v4/projects/g/p/merge_requests/3/diffs" in {r.path for r in fake.requests()}


def test_the_policy_input_is_read_from_the_base_commit(tmp_path, httpserver):
    """An agent MR that rewrites the named policy file to switch the caps off is held to the base's."""
    pr, head = loosening_pr(tmp_path / "origin", "ci/policy.toml")
    repo, _ = ci_project(tmp_path, shallow=True, branch=LOOSEN_BRANCH, pr=pr, checks="caps", policy="ci/policy.toml")
    fake = serve_mr(httpserver, pr, "claude-agent", LOOSEN_BRANCH, head)
    proc = merge_request_job(repo, fake, pr, LOOSEN_BRANCH)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log
    report = json.loads((repo.path / ".tightrope-reports" / "caps.json").read_text(encoding="utf-8"))
    assert {"caps.max-files", "caps.protected-path"} <= {f["rule_id"] for f in report["findings"]}
