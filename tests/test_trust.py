"""A change never judges itself: range runs read policy, signers and baseline from the base.

Every test performs the attack for real: a pull request (a branch of real commits) that
loosens the policy, adds its own signer or baselines its own secret, judged by the real
CLI with real git and real ssh-keygen keys.
"""

from __future__ import annotations

import json

import pytest
import tokens
from test_identity import agent_env, arepo, commit, delegate, git, keys, pub, rules, run_verify, signed_repo, tr  # noqa: F401

SIGNED = '[identity]\nrequire = "signed"\n'
AGENT_MSG = "agent change\n\nAssisted-by: claude-code:claude-opus-4-1"


def scan_range(repo, spec: str = "main..HEAD", *extra: str, env: dict | None = None, input: bytes | None = None):
    proc = tr("scan", "--range", spec, "--format", "json", *extra, cwd=repo.path, env=env, input=input)
    assert b"Traceback" not in proc.stderr
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout.strip() else {}), proc.stderr.decode()


def changed(data: dict) -> set[str]:
    return {f["path"] for f in data["findings"] if f["rule_id"] == "policy.changed"}


LOOSENED = {
    "require-off": '[identity]\nrequire = "off"\n',
    "fail-on-critical": 'fail_on = "critical"\n' + SIGNED,
    "disable": 'disable = ["identity.*", "policy.*"]\n' + SIGNED,
    "rule-not-blocking": SIGNED + '[rules."identity.missing-delegation"]\nblocking = false\n',
    "branch-override": SIGNED + '[identity.branches]\n"*" = "off"\n',
    "signers-elsewhere": SIGNED.replace("\n", '\nallowed_signers = "mine"\n', 1),
}


@pytest.mark.parametrize("case", [*LOOSENED, "deleted"])
def test_a_change_that_loosens_the_policy_is_judged_by_the_base(signed_repo, case):
    """The agent's own commit edits (or deletes) the policy and skips its delegation."""
    if case == "deleted":
        git(signed_repo, "rm", "-q", ".tightrope.toml")
        commit(signed_repo, AGENT_MSG, {"src/a.py": "a = 1\n"}, hooks=False)
    else:
        commit(signed_repo, AGENT_MSG, {"src/a.py": "a = 1\n", ".tightrope.toml": LOOSENED[case]}, hooks=False)
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 1, data
    assert {"identity.missing-delegation", "policy.changed"} <= rules(data)
    assert changed(data) == {".tightrope.toml"}
    blocking = {f["rule_id"] for f in data["findings"] if f["blocking"]}
    assert {"identity.missing-delegation", "policy.changed"} <= blocking


def test_an_uncommitted_work_tree_edit_changes_nothing(signed_repo):
    commit(signed_repo, "agent change", {"src/a.py": "a = 1\n"}, env={"CLAUDECODE": "1"})
    signed_repo.write(".tightrope.toml", '[identity]\nrequire = "off"\n')
    signed_repo.write(".tightrope/allowed_signers", "")
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.missing-delegation"}


def test_the_pr_edits_policy_signers_and_baseline_and_still_fails(signed_repo, keys):
    """Done-when of the trust boundary: a forged token, a signer added by the change, the
    change's own secret in the baseline and a policy turned off, all in one pull request."""
    r = signed_repo
    secret = tokens.github_classic(seed="trust")
    token = delegate(r, keys["eve"], human="Eve <eve@example.com>")
    commit(r, "agent adds config", {"src/cfg.py": f'TOKEN = "{secret}"\n'},
           env=agent_env(token, TIGHTROPE_DELEGATED_BY="Eve <eve@example.com>"))
    made = tr("baseline", "--range", "main..HEAD", "--scanners", "secrets", cwd=r.path)
    assert made.returncode == 0, made.stderr
    assert "1 fingerprint" in made.stdout.decode()
    signers = f"ada@example.com {pub(keys['ada'])}\neve@example.com {pub(keys['eve'])}\n"
    commit(r, "loosen everything", {".tightrope/allowed_signers": signers,
                                    ".tightrope.toml": '[identity]\nrequire = "off"\n',
                                    ".tightrope/baseline.json": (r.path / ".tightrope/baseline.json").read_text()})
    assert "baseline.json" in git(r, "show", "--stat", "HEAD")

    code, data, _ = run_verify(r, "main..HEAD", "--branch", "agent/work")
    assert code == 1
    assert "identity.delegation-unknown-signer" in rules(data)
    assert changed(data) == {".tightrope.toml", ".tightrope/allowed_signers", ".tightrope/baseline.json"}

    code, data, _ = scan_range(r, "main..HEAD", "--scanners", "secrets")
    assert code == 1
    assert any(f["kind"] == "secret" and f["path"] == "src/cfg.py" for f in data["findings"])
    assert changed(data) == {".tightrope.toml", ".tightrope/allowed_signers", ".tightrope/baseline.json"}
    assert any("base commit" in n for n in data["notes"])
    assert secret not in json.dumps(data)


def test_the_base_baseline_still_applies(arepo):
    """The positive control: a baseline that is on the base suppresses what it lists."""
    secret = tokens.github_classic(seed="old")
    git(arepo, "checkout", "-q", "-b", "work")
    commit(arepo, "old secret", {"src/cfg.py": f'TOKEN = "{secret}"\n'})
    assert tr("baseline", "--range", "main..HEAD", "--scanners", "secrets", cwd=arepo.path).returncode == 0
    accepted = (arepo.path / ".tightrope/baseline.json").read_text()
    git(arepo, "checkout", "-q", "main")
    commit(arepo, "accept it", {".tightrope/baseline.json": accepted})
    git(arepo, "checkout", "-q", "-b", "next")
    commit(arepo, "the accepted secret", {"src/cfg.py": f'TOKEN = "{secret}"\n'})
    code, data, _ = scan_range(arepo, "main..HEAD", "--scanners", "secrets")
    assert code == 0 and data["summary"]["suppressed"] == 1 and changed(data) == set()
    assert scan_range(arepo, "main..HEAD", "--scanners", "secrets", "--no-baseline")[0] == 1


@pytest.mark.parametrize("body", ['exclude = ["**"]\n', 'disable = ["secret.*"]\n', 'fail_on = "critical"\n'
                                  '[rules."secret.github-classic-token"]\nblocking = false\n'])
def test_scan_range_ignores_the_change_s_policy(arepo, body):
    git(arepo, "checkout", "-q", "-b", "work")
    commit(arepo, "sneak", {".tightrope.toml": body, "src/cfg.py": f'TOKEN = "{tokens.github_classic(seed=1)}"\n'})
    code, data, _ = scan_range(arepo, "main..HEAD", "--scanners", "secrets")
    assert code == 1
    assert any(f["kind"] == "secret" and f["blocking"] for f in data["findings"])
    assert changed(data) == {".tightrope.toml"}


def test_pyproject_table_edit_is_a_policy_change_other_edits_are_not(arepo):
    commit(arepo, "pyproject", {"pyproject.toml": '[project]\nname = "x"\n\n[tool.tightrope]\nfail_on = "high"\n'})
    git(arepo, "checkout", "-q", "-b", "work")
    commit(arepo, "bump", {"pyproject.toml": '[project]\nname = "x"\nversion = "2"\n\n[tool.tightrope]\nfail_on = "high"\n'})
    code, data, _ = scan_range(arepo, "main..HEAD", "--scanners", "secrets")
    assert code == 0 and changed(data) == set()
    commit(arepo, "loosen", {"pyproject.toml": '[project]\nname = "x"\n\n[tool.tightrope]\nfail_on = "critical"\n'})
    code, data, _ = scan_range(arepo, "main..HEAD", "--scanners", "secrets")
    assert code == 1 and changed(data) == {"pyproject.toml"}
    assert "[tool.tightrope]" in next(f["message"] for f in data["findings"] if f["rule_id"] == "policy.changed")


def test_policy_change_is_advisory_when_the_base_checks_no_identity(arepo):
    commit(arepo, "off", {".tightrope.toml": '[identity]\nrequire = "off"\n'})
    git(arepo, "checkout", "-q", "-b", "work")
    commit(arepo, "tune", {".tightrope.toml": '[identity]\nrequire = "off"\nallowed_agents = ["codex"]\n'})
    code, data, _ = run_verify(arepo, "main..HEAD")
    assert code == 0 and rules(data) == {"policy.changed"}
    assert data["findings"][0]["blocking"] is False


def test_explicit_policy_file_and_pipe_override(signed_repo, tmp_path):
    commit(signed_repo, "agent change", {"src/a.py": "a = 1\n"}, env={"CLAUDECODE": "1"})
    assert run_verify(signed_repo, "main..HEAD")[0] == 1
    outside = tmp_path / "ci-policy.toml"
    outside.write_text('[identity]\nrequire = "trailers"\n')
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--policy", str(outside))
    assert code == 0, data
    proc = tr("verify", "--range", "main..HEAD", "--policy", "-", "--format", "json", cwd=signed_repo.path,
              input=SIGNED.encode())
    assert proc.returncode == 1 and "identity.missing-delegation" in rules(json.loads(proc.stdout))
    proc = tr("verify", "--range", "main..HEAD", "--policy", "-", cwd=signed_repo.path, input=b"fail_on = = 1\n")
    assert proc.returncode == 2 and b"--policy -" in proc.stderr and b"Traceback" not in proc.stderr


def test_pre_push_reads_the_remote_side_policy(arepo, tmp_path):
    """The plain pre-push hook judges what is pushed with the policy the remote already has."""
    remote = tmp_path / "remote.git"
    git(arepo, "init", "-q", "--bare", str(remote))
    git(arepo, "remote", "set-url", "origin", str(remote))
    git(arepo, "push", "-q", "origin", "main")
    old = git(arepo, "rev-parse", "HEAD")
    commit(arepo, "sneak", {".tightrope.toml": 'exclude = ["**"]\n',
                            "src/cfg.py": f'TOKEN = "{tokens.github_classic(seed=2)}"\n'})
    new = git(arepo, "rev-parse", "HEAD")
    line = f"refs/heads/main {new} refs/heads/main {old}\n".encode()
    proc = tr("pre-push", "origin", str(remote), "--scanners", "secrets", cwd=arepo.path, input=line)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out + proc.stderr.decode()
    assert "policy.changed" in out and "secret." in out
