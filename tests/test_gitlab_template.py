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
import pytest
import yaml

from ci_repo import SECRET, agent_pr_repo
from ci_tools import npm_tool
from conftest import GIT_ENV, ROOT, GitRepo
from test_report_ci import GITLAB_SECRET_SCHEMA

TEMPLATE = ROOT / "gitlab" / "tightrope.yml"


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
                           "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_COMMIT_BEFORE_SHA", *args],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def readme_include(local: str) -> dict:
    """The README's include, pointed at a local copy; caps left out (they need a GitLab API)."""
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
    include["inputs"]["checks"] = "scan,verify"
    return config


def ci_project(tmp_path: Path, *, shallow: bool) -> tuple[GitRepo, str, str]:
    """The agent's repository as the CI job sees it: a clone (shallow: the MR branch only, depth 1)
    with the template included the way the README shows."""
    origin, base, head = agent_pr_repo(tmp_path / "origin")
    depth = ["--depth", "1", "--branch", "agent/feature"] if shallow else []
    subprocess.run(["git", "clone", "-q", *depth, f"file://{origin.path}", str(tmp_path / "project")],
                   check=True, env={**os.environ, **GIT_ENV})
    repo = GitRepo(tmp_path / "project")  # re-initialising a clone keeps it as it is
    if not shallow:
        repo.git("checkout", "-q", "agent/feature")
    # gitlab-ci-local reads the project's path from this remote; `origin` stays the real one
    repo.git("remote", "add", "gcl-origin", "git@gitlab.example.com:group/project.git")
    (repo.path / "ci").mkdir()
    shutil.copy(TEMPLATE, repo.path / "ci" / "tightrope.yml")
    repo.write(".gitlab-ci.yml", yaml.safe_dump(readme_include(local="ci/tightrope.yml")))
    repo.git("add", ".gitlab-ci.yml", "ci")  # gitlab-ci-local reads tracked files; the range stays base..head
    return repo, base, head


def test_merge_request_job_on_a_shallow_clone_writes_schema_valid_reports_without_the_secret(tmp_path):
    repo, base, head = ci_project(tmp_path, shallow=True)
    proc = gitlab_ci_local(repo.path, "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                           "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={base}",
                           "--variable", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main",
                           "--variable", "CI_MERGE_REQUEST_IID=3", "tightrope-merge-request")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "FAIL  tightrope-merge-request" in log, log  # blocking findings
    assert SECRET not in log and SECRET[8:24] not in log
    assert "shallow clone: fetching the history the range needs" in log

    codequality = json.loads((repo.path / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    checks = {issue["check_name"] for issue in codequality}
    assert {"secret.openai-api-key", "ai.llm-output-to-eval", "identity.missing-assisted-by"} <= checks
    assert len({i["fingerprint"] for i in codequality}) == len(codequality)
    secrets = json.loads((repo.path / "gl-secret-detection-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(secrets, GITLAB_SECRET_SCHEMA)
    assert [v["location"]["file"] for v in secrets["vulnerabilities"]] == ["app/settings.py"]
    junit = ET.parse(repo.path / "tightrope-junit.xml").getroot()
    assert len(junit.findall(".//testcase")) == len(codequality)
    for name in ("gl-code-quality-report.json", "gl-secret-detection-report.json", "tightrope-junit.xml"):
        text = (repo.path / name).read_text(encoding="utf-8")
        assert SECRET not in text and "raw_source_code_extract" not in text, name


def test_default_branch_job_scans_the_push(tmp_path):
    repo, base, head = ci_project(tmp_path, shallow=False)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", head)
    proc = gitlab_ci_local(repo.path, "--variable", f"CI_COMMIT_BEFORE_SHA={base}", "tightrope-default-branch")
    log = proc.stdout + proc.stderr
    assert "tightrope-default-branch" in log and proc.returncode == 1, log
    checks = {i["check_name"] for i in json.loads((repo.path / "gl-code-quality-report.json").read_text())}
    assert "secret.openai-api-key" in checks
