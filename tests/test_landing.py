"""Merges, self-declared names, the landing branch and the repository's identity: each
attack performed for real (real git merges, real ssh-keygen signatures) through the CLI.
"""

from __future__ import annotations

import pytest
from conftest import GitRepo
from test_identity import (HUMAN, agent_env, arepo, commit, delegate, git, keys, pub, rules, run_verify,  # noqa: F401
                           set_policy, signed_repo, tr)

BOT = {"GIT_AUTHOR_NAME": "copilot-swe-agent[bot]", "GIT_AUTHOR_EMAIL": "198982749+Copilot@users.noreply.github.com"}


def _diverge(repo: GitRepo) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, "meanwhile on main", {"docs/x.md": "x\n"})
    git(repo, "checkout", "-q", "agent/work")


def _merge_main(repo: GitRepo, message: str, extra: dict | None = None, env: dict | None = None) -> None:
    git(repo, "-c", "core.hooksPath=/nonexistent", "merge", "-q", "--no-ff", "--no-commit", "main", env=env)
    for name, content in (extra or {}).items():
        repo.write(name, content)
        git(repo, "add", "--", name)
    git(repo, "-c", "core.hooksPath=/nonexistent", "commit", "-q", "-m", message, env=env)


def test_an_evil_merge_outside_the_scope_fails(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], scope="path:src/**")
    commit(signed_repo, "agent change", {"src/a.py": "a = 1\n"}, env=agent_env(token))
    _diverge(signed_repo)
    trailers = f"Assisted-by: claude-code\nDelegated-by: {HUMAN}\nDelegation: {token}"
    _merge_main(signed_repo, f"merge main\n\n{trailers}", {".github/workflows/ci.yml": "on: push\n"})
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.delegation-out-of-scope"}
    assert data["findings"][0]["path"] == ".github/workflows/ci.yml"


def test_a_clean_agent_merge_passes(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], scope="path:src/**")
    commit(signed_repo, "agent change", {"src/a.py": "a = 1\n"}, env=agent_env(token))
    _diverge(signed_repo)
    _merge_main(signed_repo, f"merge main\n\nAssisted-by: claude-code\nDelegated-by: {HUMAN}\nDelegation: {token}")
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 0, data


def test_an_untagged_bot_merge_with_its_own_changes_is_judged(signed_repo):
    """Merges are skipped unless tagged only when they change nothing of their own."""
    _diverge(signed_repo)
    _merge_main(signed_repo, "Merge main", {".github/workflows/ci.yml": "on: push\n"}, env=BOT)
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 1 and {"identity.missing-assisted-by", "identity.missing-delegation"} <= rules(data)
    git(signed_repo, "reset", "-q", "--hard", "HEAD~1")
    _merge_main(signed_repo, "Merge main", env=BOT)
    assert run_verify(signed_repo, "main..HEAD")[0] == 0


def test_the_source_branch_a_pr_names_is_not_the_landing_branch(signed_repo, keys):
    """A token for agent/* branches; the PR comes FROM agent/work but lands on main."""
    token = delegate(signed_repo, keys["ada"], scope="branch:agent/*")
    commit(signed_repo, "agent change", env=agent_env(token))
    pr = {"GITHUB_HEAD_REF": "agent/work", "GITHUB_BASE_REF": "main", "GITHUB_REF_NAME": "7/merge"}
    code, data, _ = run_verify(signed_repo, "main..HEAD", env=pr)
    assert code == 1 and rules(data) == {"identity.delegation-out-of-scope"}
    assert "'main'" in data["findings"][0]["message"]
    gl = {"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "agent/work", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    assert run_verify(signed_repo, "main..HEAD", env=gl)[0] == 1
    assert run_verify(signed_repo, "main..HEAD", env={"TIGHTROPE_BRANCH": "agent/work"})[0] == 0


def test_branch_rules_follow_the_target_branch(arepo):
    set_policy(arepo, '[identity]\nrequire = "trailers"\n[identity.branches]\n"release/*" = "signed"\n')
    git(arepo, "branch", "release/1")
    git(arepo, "checkout", "-q", "-b", "feature")
    commit(arepo, "agent change\n\nAssisted-by: claude-code", hooks=False)
    env = {"GITHUB_HEAD_REF": "feature", "GITHUB_BASE_REF": "release/1"}
    code, data, _ = run_verify(arepo, "release/1..HEAD", env=env)
    assert code == 1 and "identity.missing-delegation" in rules(data)
    assert run_verify(arepo, "release/1..HEAD", env={"GITHUB_BASE_REF": "main"})[0] == 0


def test_an_unknown_landing_branch_with_branch_rules_fails_clearly(arepo):
    set_policy(arepo, '[identity]\n[identity.branches]\n"release/*" = "signed"\n')
    base = git(arepo, "rev-parse", "HEAD")
    git(arepo, "checkout", "-q", "--detach")
    commit(arepo, "agent change\n\nAssisted-by: claude-code", hooks=False)
    code, _, err = run_verify(arepo, f"{base}..HEAD")
    assert code == 2 and "--branch" in err and "lands on" in err
    assert run_verify(arepo, f"{base}..HEAD", "--branch", "main")[0] == 0


def test_an_unknown_landing_branch_with_a_branch_scoped_token_fails(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], scope="branch:agent/*")
    base = git(signed_repo, "rev-parse", "main")
    commit(signed_repo, "agent change", env=agent_env(token))
    code, data, _ = run_verify(signed_repo, f"{base}..HEAD")
    assert code == 1 and rules(data) == {"identity.delegation-out-of-scope"}
    assert "unknown" in data["findings"][0]["message"]


@pytest.fixture
def no_origin(tmp_path, keys) -> GitRepo:
    r = GitRepo(tmp_path / "bare-id")
    git(r, "config", "user.name", "Ada Lovelace")
    git(r, "config", "user.email", "ada@example.com")
    commit(r, "base", {".tightrope/allowed_signers": f"ada@example.com {pub(keys['ada'])}\n",
                       ".tightrope.toml": '[identity]\nrequire = "signed"\n'}, hooks=False)
    git(r, "checkout", "-q", "-b", "agent/work")
    return r


def test_without_origin_the_repository_identity_is_required(no_origin, keys):
    commit(no_origin, "agent change\n\nAssisted-by: claude-code", hooks=False)
    code, _, err = run_verify(no_origin, "main..HEAD")
    assert code == 2 and "origin" in err and "identity.repository" in err
    r = tr("delegate", "--agent", "claude-code", "--scope", "all", "--key", str(keys["ada"]), cwd=no_origin.path)
    assert r.returncode == 2 and b"--repository" in r.stderr


def test_the_repository_identity_comes_from_the_base_policy(no_origin, keys):
    git(no_origin, "checkout", "-q", "main")
    set_policy(no_origin, '[identity]\nrequire = "signed"\nrepository = "example.com/acme/app"\n')
    git(no_origin, "checkout", "-q", "-B", "agent/work")
    ours = delegate(no_origin, keys["ada"], scope="all", repository="example.com/acme/app")
    commit(no_origin, f"agent change\n\nAssisted-by: claude-code\nDelegated-by: {HUMAN}\nDelegation: {ours}", hooks=False)
    assert run_verify(no_origin, "main..HEAD")[0] == 0
    # a change that renames the repository to match a token minted for another one
    theirs = delegate(no_origin, keys["ada"], scope="all", repository="example.com/evil/fork")
    commit(no_origin, f"agent change\n\nAssisted-by: claude-code\nDelegated-by: {HUMAN}\nDelegation: {theirs}",
           {".tightrope.toml": '[identity]\nrequire = "signed"\nrepository = "example.com/evil/fork"\n'}, hooks=False)
    code, data, _ = run_verify(no_origin, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.delegation-repository-mismatch", "policy.changed"}
