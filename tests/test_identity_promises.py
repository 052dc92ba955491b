"""README promises about identity that no other test held (issue 18): trailers never
duplicated by a real rebase or cherry-pick, TIGHTROPE_REPOSITORY naming the repository,
and the signature namespace of a delegation."""

from __future__ import annotations

import base64
import subprocess

from test_identity import (HUMAN, agent_env, arepo, commit, delegate, git, keys, message, rules,  # noqa: F401
                           run_verify, signed_repo, tr)
from test_replay import trailers

from tightrope.identity import delegation

AGENT = {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"}
KEYS = ("Assisted-by:", "Agent:", "Delegated-by:")


def _counts(msg: str) -> dict[str, int]:
    return {k: msg.count(k) for k in KEYS}


def test_a_real_rebase_by_the_agent_keeps_one_copy_of_each_trailer(arepo):
    """git runs prepare-commit-msg (source `message`) for every commit a rebase replays."""
    git(arepo, "checkout", "-q", "-b", "agent/work")
    commit(arepo, "agent one", {"a.py": "a = 1\n"}, env=AGENT)
    commit(arepo, "agent two", {"b.py": "b = 1\n"}, env=AGENT)
    before = [message(arepo, "HEAD~1"), message(arepo)]
    assert _counts(before[1]) == dict.fromkeys(KEYS, 1)
    git(arepo, "checkout", "-q", "main")
    commit(arepo, "main moves on", {"m.py": "m = 1\n"})
    git(arepo, "checkout", "-q", "agent/work")
    git(arepo, "rebase", "-q", "main", env=AGENT)
    assert git(arepo, "merge-base", "HEAD", "main") == git(arepo, "rev-parse", "main")  # it did rebase
    assert [message(arepo, "HEAD~1"), message(arepo)] == before


def test_a_real_cherry_pick_keeps_one_copy_and_a_human_pick_is_not_retagged(arepo):
    git(arepo, "checkout", "-q", "-b", "agent/work")
    picked = commit(arepo, "agent change", {"a.py": "a = 1\n"}, env=AGENT)
    original = message(arepo)
    git(arepo, "checkout", "-q", "main")
    commit(arepo, "main moves on", {"m.txt": "m\n"})  # a new parent: the pick is a new commit, not the same SHA
    git(arepo, "cherry-pick", picked, env=AGENT)
    assert git(arepo, "rev-parse", "HEAD") != picked and message(arepo) == original
    # a human cherry-picking the agent's commit keeps the agent's trailers, adds none
    git(arepo, "checkout", "-q", "-b", "human", "main~1")
    git(arepo, "cherry-pick", picked)
    assert message(arepo) == original and _counts(original) == dict.fromkeys(KEYS, 1)


# --- TIGHTROPE_REPOSITORY -----------------------------------------------------------------

def test_tightrope_repository_names_the_repository_for_delegate(arepo, keys):
    """Where the origin remote is not the repository's name (a mirror, a fork's CI)."""
    base = ["delegate", "--agent", "claude-code", "--scope", "all", "--key", str(keys["ada"])]
    r = tr(*base, cwd=arepo.path)
    assert r.returncode == 0, r.stderr
    assert delegation.parse_token(r.stdout.decode().strip()).statement.repo == "example.com/acme/app"  # origin
    r = tr(*base, cwd=arepo.path, env={"TIGHTROPE_REPOSITORY": "https://github.com/Acme/App-Mirror.git"})
    assert r.returncode == 0, r.stderr
    assert delegation.parse_token(r.stdout.decode().strip()).statement.repo == "github.com/acme/app-mirror"


def test_tightrope_repository_is_what_verify_checks_a_token_against(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"])  # for origin: example.com/acme/app
    commit(signed_repo, "agent change", {"src/a.py": "a = 1\n"}, env=agent_env(token))
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--branch", "agent/work")
    assert code == 0, data
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--branch", "agent/work",
                               env={"TIGHTROPE_REPOSITORY": "github.com/acme/other"})
    assert code == 1 and rules(data) == {"identity.delegation-repository-mismatch"}
    assert "'github.com/acme/other'" in data["findings"][0]["message"]
    # the documented HOST/OWNER/NAME form names the same repository as origin's URL
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--branch", "agent/work",
                               env={"TIGHTROPE_REPOSITORY": "example.com/Acme/App"})
    assert code == 0, data


# --- the signature namespace --------------------------------------------------------------

def _resign(token: str, key, namespace: str) -> str:
    """The same statement, signed by the same key, in another `ssh-keygen -Y sign` namespace."""
    statement = delegation.parse_token(token).statement_bytes
    proc = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key)], input=statement,
                          capture_output=True, check=True)
    armored = proc.stdout.decode()
    body = armored.split("-----BEGIN SSH SIGNATURE-----", 1)[1].split("-----END SSH SIGNATURE-----", 1)[0]
    return delegation.encode(statement, base64.b64decode("".join(body.split())))


def test_a_delegation_signed_in_git_s_namespace_is_rejected(signed_repo, keys):
    """A signature made for git commits (`-n git`) by the right human over the right statement
    is still not a delegation: only `-n tightrope-delegation` verifies."""
    token = delegate(signed_repo, keys["ada"])
    same = _resign(token, keys["ada"], "tightrope-delegation")
    commit(signed_repo, "control\n\n" + trailers(same), {"src/a.py": "a = 1\n"}, hooks=False)
    code, data, _ = run_verify(signed_repo, "main..HEAD", "--branch", "agent/work")
    assert code == 0, data  # the re-signing itself is sound
    forged = _resign(token, keys["ada"], "git")
    commit(signed_repo, "git namespace\n\n" + trailers(forged), {"src/b.py": "b = 1\n"}, hooks=False)
    code, data, err = run_verify(signed_repo, "HEAD~1..HEAD", "--branch", "agent/work")
    assert code == 1, err
    assert rules(data) == {"identity.delegation-bad-signature"}
    log = tr("log", "HEAD~1..HEAD", "--branch", "agent/work", cwd=signed_repo.path)
    assert log.returncode == 0, log.stderr
    assert "invalid: " in log.stdout.decode() and "(verified)" not in log.stdout.decode()
