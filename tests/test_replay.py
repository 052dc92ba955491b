"""Time and replay: a delegation token is written in clear into every agent commit, so
anyone can copy it. These tests copy it, back-date it, keep it past its lifetime, revoke
it and sign someone else's commit with it — real git, real ssh-keygen — and expect each
to fail with the named rule.
"""

from __future__ import annotations

import time

import pytest
from test_identity import (HUMAN, agent_env, arepo, commit, delegate, git, keys, rules, run_verify,  # noqa: F401
                           set_policy, signed_repo, tr)

from tightrope.identity import delegation

DAY = 86400


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def trailers(token: str, human: str = HUMAN) -> str:
    return f"Assisted-by: claude-code:claude-opus-4-1\nAgent: claude-code\nDelegated-by: {human}\nDelegation: {token}"


def signed_commit(repo, message: str, key, files: dict | None = None, env: dict | None = None) -> str:
    """A commit SSH-signed with `key` (the tag hook off: the message carries its own trailers)."""
    for name, content in (files or {"src/f.py": f"x = {time.time_ns()}\n"}).items():
        repo.write(name, content)
        git(repo, "add", "--", name)
    git(repo, "-c", "core.hooksPath=/nonexistent", "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}",
        "commit", "-q", "-S", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD")


def verify_on_work(repo, *extra: str):
    return run_verify(repo, "main..HEAD", "--branch", "agent/work", *extra)


def test_a_400_day_old_token_replayed_on_a_back_dated_commit_is_rejected(signed_repo, keys):
    """The reported attack: Ada's token from 400 days ago, valid for 30 days, replayed by
    someone else on a commit dated inside its old validity."""
    then = int(time.time()) - 400 * DAY
    repo_id = delegation.repository_id(signed_repo.path)
    old = delegation.make(HUMAN, "claude-code", repo_id, ("agent/*",), (), "30d", str(keys["ada"]), now=then)
    dated = iso(then + DAY)
    commit(signed_repo, "replayed\n\n" + trailers(old), hooks=False,
           env={"GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "m@example.com",
                "GIT_COMMITTER_DATE": dated, "GIT_AUTHOR_DATE": dated})
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-expired"}
    assert "the time of the check" in data["findings"][0]["message"]
    log = tr("log", "main..HEAD", "--branch", "agent/work", cwd=signed_repo.path)
    assert log.returncode == 0, log.stderr
    out = log.stdout.decode()
    assert f"{HUMAN} (claimed)" in out and "invalid: the delegation expired at" in out and "(verified)" not in out


def test_a_back_dated_commit_cannot_use_a_fresh_token(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"])
    dated = iso(time.time() - 2 * DAY)
    commit(signed_repo, "back-dated", env=agent_env(token, GIT_COMMITTER_DATE=dated, GIT_AUTHOR_DATE=dated))
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-expired"}
    assert "before the delegation was issued" in data["findings"][0]["message"]


def test_a_token_checked_after_it_expired_fails_even_with_an_in_range_commit_date(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], expires="1h")
    commit(signed_repo, "agent change", env=agent_env(token))
    assert verify_on_work(signed_repo)[0] == 0
    code, data, _ = verify_on_work(signed_repo, "--at", iso(time.time() + 2 * 3600))
    assert code == 1 and rules(data) == {"identity.delegation-expired"}
    assert "--at" in data["findings"][0]["message"]


def test_maximum_lifetime_defaults_to_30_days_and_comes_from_the_base(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], expires="60d")
    commit(signed_repo, "agent change", env=agent_env(token))
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-too-long"}
    # the PR raising the limit for itself changes nothing but adds a policy.changed finding
    commit(signed_repo, "raise the limit", {".tightrope.toml": '[identity]\nrequire = "signed"\nmax_lifetime = "90d"\n'})
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-too-long", "policy.changed"}
    # on the base, it applies
    git(signed_repo, "checkout", "-q", "main")
    set_policy(signed_repo, '[identity]\nrequire = "signed"\nmax_lifetime = "90d"\n')
    git(signed_repo, "checkout", "-q", "-b", "agent/next")
    commit(signed_repo, "agent change", env=agent_env(token))
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--branch", "agent/next")
    assert code == 0, data


def test_a_revoked_token_is_rejected_and_the_change_cannot_unrevoke_it(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"])
    nonce = delegation.parse_token(token).statement.nonce
    git(signed_repo, "checkout", "-q", "main")
    commit(signed_repo, "revoke", {".tightrope/revoked": f"# leaked in a log\n{nonce}\n"})
    git(signed_repo, "checkout", "-q", "-B", "agent/work")
    commit(signed_repo, "agent change", env=agent_env(token))
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-revoked"}
    git(signed_repo, "rm", "-q", ".tightrope/revoked")
    commit(signed_repo, "unrevoke")
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-revoked", "policy.changed"}


@pytest.fixture
def bound(signed_repo, keys):
    """A token bound to the agent's signing key (SHA256 fingerprint in the statement)."""
    r = tr("delegate", "--agent", "claude-code", "--scope", "branch:agent/*", "--key", str(keys["ada"]),
           "--human", HUMAN, "--agent-key", str(keys["agent"]) + ".pub", cwd=signed_repo.path)
    assert r.returncode == 0, r.stderr
    token = r.stdout.decode().strip()
    assert delegation.parse_token(token).statement.agent_key.startswith("SHA256:")
    return token


def test_a_bound_token_passes_on_the_agent_s_signed_commit(signed_repo, keys, bound):
    signed_commit(signed_repo, "agent change\n\n" + trailers(bound), keys["agent"])
    code, data, _ = verify_on_work(signed_repo)
    assert code == 0, data


@pytest.mark.parametrize("signer", [None, "ada", "eve"])
def test_a_copied_bound_token_is_useless_on_someone_else_s_commit(signed_repo, keys, bound, signer):
    message = "copied token\n\n" + trailers(bound)
    if signer is None:
        commit(signed_repo, message, hooks=False)
    else:
        signed_commit(signed_repo, message, keys[signer])
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-key-mismatch"}


def test_policy_can_require_bound_tokens(signed_repo, keys):
    git(signed_repo, "checkout", "-q", "main")
    set_policy(signed_repo, '[identity]\nrequire = "signed"\nrequire_agent_key = true\n')
    git(signed_repo, "checkout", "-q", "-B", "agent/work")
    commit(signed_repo, "agent change", env=agent_env(delegate(signed_repo, keys["ada"])))
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and rules(data) == {"identity.delegation-key-mismatch"}


def test_commit_signature_is_checked_against_the_agent_not_the_commit_s_own_agent_trailer(arepo, keys):
    """A human's key signs; the commit names that human as its Agent. Not the agent's signature."""
    set_policy(arepo, '[identity]\nrequire = "named-human"\nrequire_commit_signature = true\n')
    git(arepo, "checkout", "-q", "-b", "work")
    signed_commit(arepo, f"agent change\n\nAssisted-by: claude-code\nAgent: ada@example.com\nDelegated-by: {HUMAN}",
                  keys["ada"])
    code, data, _ = run_verify(arepo, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.unsigned-commit"}
    signed_commit(arepo, f"agent change\n\nAssisted-by: claude-code\nDelegated-by: {HUMAN}", keys["agent"])
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 0, data


def test_signature_must_be_the_token_s_agent_even_when_the_commit_names_another(signed_repo, keys):
    """A token for codex on a commit signed by claude-code's key that also says Agent: codex."""
    git(signed_repo, "checkout", "-q", "main")
    set_policy(signed_repo, '[identity]\nrequire = "signed"\nrequire_commit_signature = true\n')
    git(signed_repo, "checkout", "-q", "-B", "agent/work")
    token = delegate(signed_repo, keys["ada"], agent="codex")
    signed_commit(signed_repo, f"agent change\n\nAssisted-by: codex\nAgent: codex\nDelegated-by: {HUMAN}\n"
                               f"Delegation: {token}", keys["agent"])
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and "identity.unsigned-commit" in rules(data)


def test_audit_judges_at_when_the_commit_landed(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], expires="1h", scope="all")
    commit(signed_repo, "agent change", env=agent_env(token))
    base = git(signed_repo, "rev-parse", "main")
    git(signed_repo, "checkout", "-q", "main")
    late = iso(time.time() + 3 * 3600)  # merged after the token expired
    git(signed_repo, "merge", "-q", "--no-ff", "-m", "merge agent/work", "agent/work",
        env={"GIT_COMMITTER_DATE": late, "GIT_AUTHOR_DATE": late})
    code, data, _ = run_verify(signed_repo, f"{base}..main", "--audit")
    assert code == 1 and rules(data) == {"identity.delegation-expired"}
    assert "when it landed" in data["findings"][0]["message"]
    assert any("when it landed" in n for n in data["notes"])
    git(signed_repo, "reset", "-q", "--hard", base)
    git(signed_repo, "merge", "-q", "--no-ff", "-m", "merge agent/work", "agent/work")
    code, data, _ = run_verify(signed_repo, f"{base}..main", "--audit")
    assert code == 0, data
    log = tr("log", f"{base}..main", "--audit", cwd=signed_repo.path)
    assert log.returncode == 0, log.stderr
    assert "valid when it landed" in log.stdout.decode() and "when it landed" in log.stderr.decode()
    assert "invalid" not in log.stdout.decode()


def test_an_untagged_commit_signed_with_the_agent_s_key_is_an_agent_commit(arepo, keys):
    """An agent that skips its hooks and writes no trailer still signs with its own key."""
    git(arepo, "checkout", "-q", "-b", "work")
    signed_commit(arepo, "looks human", keys["agent"])
    code, data, _ = run_verify(arepo, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.missing-assisted-by"}
    assert "signed with the key of claude-code" in data["findings"][0]["message"]
    signed_commit(arepo, "a human's signed commit", keys["ada"])
    assert run_verify(arepo, "HEAD~1..HEAD")[0] == 0


def test_untagged_agent_signed_commit_fails_the_signed_level(signed_repo, keys):
    signed_commit(signed_repo, "looks human", keys["agent"])
    code, data, _ = verify_on_work(signed_repo)
    assert code == 1 and {"identity.missing-assisted-by", "identity.missing-delegation"} <= rules(data)
