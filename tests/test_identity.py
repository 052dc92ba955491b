"""Identity: agent detection, the trailer schema, signed delegation, verify and log.

Real repositories, real `git commit` through a real prepare-commit-msg hook, real
`ssh-keygen` keys and allowed-signers files. Nothing about git or ssh is mocked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GIT_ENV, ROOT, GitRepo

from tightrope.identity import agents, delegation, trailers

SRC = ROOT / "src"
HUMAN = "Ada Lovelace <ada@example.com>"
_MARKERS = ("CLAUDECODE", "GEMINI_CLI", "CURSOR_AGENT", "QWEN_CODE", "AUGMENT_AGENT", "AGENT",
            "ANTHROPIC_MODEL", "CLAUDE_MODEL", "AIDER_MODEL", "GEMINI_MODEL", "PRE_COMMIT",
            "PRE_COMMIT_COMMIT_MSG_SOURCE")


def clean_env(extra: dict | None = None) -> dict:
    """The test process's environment without any agent marker, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if k not in _MARKERS and not k.startswith(("CODEX_", "TIGHTROPE_", "GITHUB_", "CI_"))}
    env.update(GIT_ENV)
    env["PYTHONPATH"] = str(SRC)
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def tr(*args: str, cwd: Path, env: dict | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tightrope", *args], cwd=cwd, capture_output=True,
                          env=clean_env(env), input=input)


def git(repo: GitRepo, *args: str, env: dict | None = None, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=repo.path, capture_output=True, env=clean_env(env))
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr.decode()}")
    return proc.stdout.decode().strip()


def commit(repo: GitRepo, message: str = "change", files: dict | None = None, env: dict | None = None,
           extra: tuple[str, ...] = (), hooks: bool = True) -> str:
    """A real `git commit` (the prepare-commit-msg hook runs unless hooks=False); returns the new SHA."""
    for name, content in (files or {"f.txt": f"{time.time_ns()}\n"}).items():
        repo.write(name, content)
        git(repo, "add", "--", name)
    no_hooks = () if hooks else ("-c", "core.hooksPath=/nonexistent")
    git(repo, *no_hooks, "commit", "-q", *extra, "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD")


def message(repo: GitRepo, rev: str = "HEAD") -> str:
    return git(repo, "log", "-1", "--format=%B", rev)


def install_tag_hook(repo: GitRepo) -> None:
    hook = repo.path / ".git" / "hooks" / "prepare-commit-msg"
    hook.write_text(f'#!/bin/sh\nPYTHONPATH="{SRC}" exec "{sys.executable}" -m tightrope tag "$@"\n')
    hook.chmod(0o755)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("keys")
    out = {}
    for name in ("ada", "eve", "agent"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(d / name)], check=True)
        out[name] = d / name
    return out


def pub(key: Path) -> str:
    return " ".join(key.with_suffix(".pub").read_text().split()[:2])


@pytest.fixture
def arepo(tmp_path: Path, keys) -> GitRepo:
    """A repository with the tag hook installed, an allowed-signers file (Ada, the agent's
    key) committed on main, and git's user set to Ada."""
    r = GitRepo(tmp_path / "repo")
    git(r, "config", "user.name", "Ada Lovelace")
    git(r, "config", "user.email", "ada@example.com")
    git(r, "remote", "add", "origin", "https://example.com/Acme/App.git")  # the repository's identity
    install_tag_hook(r)
    commit(r, "base", {".tightrope/allowed_signers": f"ada@example.com {pub(keys['ada'])}\n"
                                                     f"claude-code {pub(keys['agent'])}\n"})
    return r


def set_policy(repo: GitRepo, body: str) -> None:
    commit(repo, "policy", {".tightrope.toml": body})


def run_verify(repo: GitRepo, spec: str, *extra: str, env: dict | None = None) -> tuple[int, dict, str]:
    proc = tr("verify", "--range", spec, "--format", "json", *extra, cwd=repo.path, env=env)
    err = proc.stderr.decode()
    assert "Traceback" not in err
    data = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, data, err


def rules(data: dict) -> set[str]:
    return {f["rule_id"] for f in data.get("findings", [])}


# --- the agent table ----------------------------------------------------------------------

def test_agent_table_is_one_file_with_a_source_for_every_marker():
    import tomllib
    from importlib import resources

    raw = tomllib.loads(resources.files("tightrope.identity").joinpath("agents.toml").read_text())
    ids = [a["id"] for a in raw["agent"]]
    assert len(ids) == len(set(ids))
    for a in raw["agent"]:
        assert agents.SLUG.match(a["id"])
        for kind in ("env", "model_env", "bots", "coauthors", "trailers", "body_markers", "ident_suffix"):
            for marker in a.get(kind, []):
                assert marker.get("source"), f"{a['id']}.{kind} has a marker without a source"
    for needed in ("claude-code", "codex", "gemini-cli", "cursor", "qwen-code", "augment", "amp", "aider",
                   "copilot", "devin"):
        assert needed in ids


@pytest.mark.parametrize("env, agent, model", [
    ({"CLAUDECODE": "1"}, "claude-code", ""),
    ({"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"}, "claude-code", "claude-opus-4-1"),
    ({"CODEX_SANDBOX": "seatbelt"}, "codex", ""),
    ({"CODEX_SANDBOX_NETWORK_DISABLED": "1"}, "codex", ""),
    ({"GEMINI_CLI": "1", "GEMINI_MODEL": "gemini-2.5-pro"}, "gemini-cli", "gemini-2.5-pro"),
    ({"CURSOR_AGENT": "1"}, "cursor", ""),
    ({"QWEN_CODE": "1"}, "qwen-code", ""),
    ({"AUGMENT_AGENT": "1"}, "augment", ""),
    ({"AGENT": "amp"}, "amp", ""),
    ({"TIGHTROPE_AGENT": "house-bot", "TIGHTROPE_MODEL": "llama-3.3-70b"}, "house-bot", "llama-3.3-70b"),
    ({"TIGHTROPE_AGENT": "Claude Code"}, "claude-code", ""),
])
def test_detect_process_env(env, agent, model):
    found = agents.detect_process(env)
    assert found and found[0].agent == agent and found[0].model == model


@pytest.mark.parametrize("env", [{}, {"CODEX_HOME": "/home/ada/.codex"}, {"AGENT": "smith"}, {"CLAUDECODE": "0"}])
def test_no_agent_without_markers(env):
    assert agents.detect_process(env) == []


def test_detect_aider_from_the_process_identity_and_model():
    found = agents.detect_process({"AIDER_MODEL": "gpt-4o"}, author_name="Ada Lovelace (aider)")
    assert [(e.agent, e.source, e.model) for e in found] == [("aider", "ident", "gpt-4o")]


def test_detect_bot_authors():
    for name, email, agent in [
        ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com", "copilot"),
        ("Copilot", "198982749+Copilot@users.noreply.github.com", "copilot"),
        ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "devin"),
        ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com", "claude-code"),
    ]:
        ident = trailers.read("Do it\n", author=(name, email))
        assert ident.is_agent and ident.agent == agent
        assert ident.principal  # the bot login is the acting principal
        assert not ident.recorded_in_message  # a bot author alone is not a trailer


def test_github_actions_bot_is_a_principal_not_an_agent():
    ident = trailers.read("Bump\n", author=("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"))
    assert not ident.evidence and ident.principal == "github-actions[bot]"


def test_bad_tightrope_agent_is_a_usage_error():
    from tightrope.errors import UsageError

    with pytest.raises(UsageError):
        agents.detect_process({"TIGHTROPE_AGENT": "rm -rf /"})


# --- reading every vendor variant into one model ------------------------------------------

@pytest.mark.parametrize("line, agent, model", [
    ("Assisted-by: claude-code:claude-opus-4-1", "claude-code", "claude-opus-4-1"),
    ("Assisted-By: claude-code:claude-opus-4-1", "claude-code", "claude-opus-4-1"),
    ("assisted-by: Claude Code:claude-opus-4-1", "claude-code", "claude-opus-4-1"),
    ("Generated-by: Claude Code", "claude-code", ""),
    ("Generated-by: GitHub Copilot (gpt-4.1)", "copilot", "gpt-4.1"),
    ("Co-Authored-By: Claude <noreply@anthropic.com>", "claude-code", ""),
    ("Co-authored-by: aider (openrouter/anthropic/claude-sonnet-4) <noreply@aider.chat>", "aider",
     "openrouter/anthropic/claude-sonnet-4"),
    ("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", "copilot", ""),
    ("Co-authored-by: Cursor Agent <cursoragent@cursor.com>", "cursor", ""),
    ("Co-authored-by: Amp <amp@ampcode.com>", "amp", ""),
    ("Amp-Thread-ID: https://ampcode.com/threads/T-123", "amp", ""),
    ("Assisted-by: house-bot:qwen3-coder coccinelle", "house-bot", "qwen3-coder"),
])
def test_vendor_variants_normalise(line, agent, model):
    ident = trailers.read(f"Subject\n\nBody text.\n\n{line}\n")
    assert ident.is_agent and ident.recorded_in_message
    assert (ident.agent, ident.model) == (agent, model)
    assert not ident.problems


def test_claude_code_default_attribution_is_read():
    msg = ("Fix parser\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
           "Co-Authored-By: Claude <noreply@anthropic.com>\n")
    ident = trailers.read(msg)
    assert ident.agent == "claude-code" and ident.recorded_in_message


@pytest.mark.parametrize("line", [
    "Co-authored-by: Claude <claude@anthropic.ai>",
    "Co-authored-by: Copilot <copilot@github.com>",
    "Co-authored-by: aider (gpt-4o) <aider@example.com>",
    "Co-authored-by: claude[bot] <claude@evil.example>",
])
def test_invented_vendor_identity_is_flagged(line):
    ident = trailers.read(f"Subject\n\n{line}\n")
    assert [p.rule for p in ident.problems] == ["invented-vendor-identity"]
    assert not ident.evidence


def test_human_coauthor_is_left_alone():
    ident = trailers.read("Subject\n\nCo-authored-by: Grace Hopper <grace@example.com>\n")
    assert not ident.is_agent and not ident.problems


@pytest.mark.parametrize("line", [
    "Delegated-by: Ada Lovelace",
    "Delegated-by: <ada@example.com>",
    "Assisted-by: ",
    "Assisted-by: <claude>",
    "Agent: Claude Code",
    "Delegation: not-a-token",
])
def test_malformed_trailers(line):
    ident = trailers.read(f"Subject\n\nAssisted-by: claude-code\n{line}\n")
    assert "malformed-trailer" in {p.rule for p in ident.problems}


def test_trailers_in_the_subject_are_not_trailers():
    assert trailers.parse("Agent: do the thing\n") == ([], [])


# --- the tag hook (prepare-commit-msg) in real commits --------------------------------------

def test_tag_writes_trailers_from_claudecode(arepo):
    commit(arepo, "agent change", env={"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"})
    msg = message(arepo)
    assert "Assisted-by: claude-code:claude-opus-4-1" in msg
    assert "Agent: claude-code" in msg
    assert f"Delegated-by: {HUMAN}" in msg


def test_tag_codex_and_explicit_agent(arepo):
    commit(arepo, "codex change", env={"CODEX_SANDBOX": "seatbelt"})
    assert "Assisted-by: codex\n" in message(arepo) + "\n"
    commit(arepo, "house change", env={"TIGHTROPE_AGENT": "house-bot", "TIGHTROPE_MODEL": "qwen3-coder",
                                       "TIGHTROPE_AGENT_ID": "svc-house-bot@example.com",
                                       "TIGHTROPE_DELEGATED_BY": "Grace Hopper <grace@example.com>"})
    msg = message(arepo)
    assert "Assisted-by: house-bot:qwen3-coder" in msg
    assert "Agent: svc-house-bot@example.com" in msg
    assert "Delegated-by: Grace Hopper <grace@example.com>" in msg


def test_tag_does_nothing_without_an_agent(arepo):
    commit(arepo, "human change")
    assert message(arepo) == "human change"


def test_tag_runs_with_no_verify_and_is_idempotent_on_amend(arepo):
    env = {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"}
    commit(arepo, "agent change", env=env, extra=("--no-verify",))
    first = message(arepo)
    git(arepo, "commit", "-q", "--amend", "--no-edit", env=env)
    git(arepo, "commit", "-q", "--amend", "-m", first, env=env)
    msg = message(arepo)
    assert msg == first
    for key in ("Assisted-by:", "Agent:", "Delegated-by:"):
        assert msg.count(key) == 1


def test_tag_twice_on_the_same_file_adds_nothing(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text("Subject\n\nBody.\n")
    env = {"CLAUDECODE": "1"}
    assert tr("tag", str(f), "message", cwd=arepo.path, env=env).returncode == 0
    once = f.read_text()
    assert tr("tag", str(f), "message", cwd=arepo.path, env=env).returncode == 0
    assert f.read_text() == once and once.count("Assisted-by") == 1


def test_tag_keeps_vendor_lines_and_reads_aider_model(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text("Subject\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>\n")
    r = tr("tag", str(f), cwd=arepo.path, env={"GIT_AUTHOR_NAME": "Ada Lovelace (aider)",
                                               "GIT_COMMITTER_NAME": "Ada Lovelace (aider)"})
    assert r.returncode == 0, r.stderr
    text = f.read_text()
    assert "Co-authored-by: aider (gpt-4o) <noreply@aider.chat>" in text
    assert "Assisted-by: aider:gpt-4o" in text


def test_tag_existing_casing_variant_is_not_duplicated(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text("Subject\n\nAssisted-By: claude-code:claude-opus-4-1\n")
    r = tr("tag", str(f), "message", cwd=arepo.path, env={"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"})
    assert r.returncode == 0, r.stderr
    text = f.read_text()
    assert text.lower().count("assisted-by") == 1 and "Assisted-By: claude-code:claude-opus-4-1" in text
    assert "Agent: claude-code" in text  # the hook did run: the missing trailers were added


def test_merge_messages_are_skipped_unless_policy_tags_merges(arepo):
    git(arepo, "checkout", "-q", "-b", "feature")
    commit(arepo, "feature work")
    git(arepo, "checkout", "-q", "main")
    commit(arepo, "main work", files={"g.txt": "g\n"})
    git(arepo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature", env={"CLAUDECODE": "1"})
    assert "Assisted-by" not in message(arepo)
    set_policy(arepo, "[identity]\ntag_merges = true\n")
    git(arepo, "checkout", "-q", "-b", "feature2", "HEAD~1")
    commit(arepo, "more work", files={"h.txt": "h\n"})
    git(arepo, "checkout", "-q", "main")
    git(arepo, "merge", "-q", "--no-ff", "-m", "Merge feature2", "feature2", env={"CLAUDECODE": "1"})
    assert "Assisted-by: claude-code" in message(arepo)


def test_tag_respects_pre_commit_source_variable(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text("Merge branch 'x'\n")
    r = tr("tag", str(f), cwd=arepo.path, env={"CLAUDECODE": "1", "PRE_COMMIT_COMMIT_MSG_SOURCE": "merge"})
    assert r.returncode == 0, r.stderr
    assert f.read_text() == "Merge branch 'x'\n"
    r = tr("tag", str(f), cwd=arepo.path, env={"CLAUDECODE": "1", "PRE_COMMIT_COMMIT_MSG_SOURCE": "message"})
    assert r.returncode == 0 and "Assisted-by: claude-code" in f.read_text()  # the same hook, another source


def test_tag_rejects_a_garbage_delegation_without_traceback(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text("Subject\n")
    r = tr("tag", str(f), cwd=arepo.path, env={"CLAUDECODE": "1", "TIGHTROPE_DELEGATION": "tr1.@@@.###"})
    err = r.stderr.decode()
    assert r.returncode == 2 and "TIGHTROPE_DELEGATION" in err and "hint" in err and "Traceback" not in err


# --- check-trailers (commit-msg) ------------------------------------------------------------

def test_check_trailers(arepo, tmp_path):
    f = tmp_path / "MSG"
    f.write_text(f"Subject\n\nAssisted-by: claude-code\nDelegated-by: {HUMAN}\n")
    assert tr("check-trailers", str(f), cwd=arepo.path).returncode == 0
    f.write_text("Subject\n\nAssisted-by: claude-code\nDelegated-by: Ada\n")
    r = tr("check-trailers", str(f), cwd=arepo.path)
    assert r.returncode == 1 and b"malformed Delegated-by" in r.stderr
    f.write_text("Subject\n\nCo-authored-by: Claude <claude@anthropic.ai>\n")
    r = tr("check-trailers", str(f), cwd=arepo.path)
    assert r.returncode == 1 and b"does not use" in r.stderr
    f.write_text("Plain human commit\n")
    assert tr("check-trailers", str(f), cwd=arepo.path).returncode == 0


def test_check_trailers_named_human_policy(arepo, tmp_path):
    set_policy(arepo, '[identity]\nrequire = "named-human"\n')
    f = tmp_path / "MSG"
    f.write_text("Subject\n\nAssisted-by: claude-code:claude-opus-4-1\n")
    r = tr("check-trailers", str(f), cwd=arepo.path)
    assert r.returncode == 1 and b"Delegated-by is missing" in r.stderr
    f.write_text("Subject\n")  # no trailers, but the committing process is an agent
    assert tr("check-trailers", str(f), cwd=arepo.path, env={"CLAUDECODE": "1"}).returncode == 1


def test_check_trailers_unreadable_file(arepo, tmp_path):
    r = tr("check-trailers", str(tmp_path / "missing"), cwd=arepo.path)
    assert r.returncode == 2 and b"Traceback" not in r.stderr


# --- delegation tokens --------------------------------------------------------------------

def test_token_round_trip_and_format(keys):
    token = delegation.make(HUMAN, "claude-code", "github.com/acme/app", ("agent/*",), ("src/*",), "7d",
                            str(keys["ada"]))
    assert token.startswith("tr1.") and token.count(".") == 2 and "\n" not in token and "=" not in token
    t = delegation.parse_token(token)
    assert t.statement.human == HUMAN and t.statement.exp - t.statement.iat == 7 * 86400
    assert t.statement.branch_ok("agent/x") and not t.statement.branch_ok("main")
    assert t.statement.path_ok("src/a.py") and not t.statement.path_ok(".github/workflows/ci.yml")
    assert not t.statement.path_ok("src/a/b.py")  # git's glob pathspec: `*` does not cross `/`


@pytest.mark.parametrize("garbage", ["", "tr1", "tr1.a.b", "tr2.e30.U1NIU0lH", "tr1.!!!.U1NIU0lH",
                                     "tr1.e30.U1NIU0lH", "x" * 10000, "tr1.bm90IGpzb24.U1NIU0lH"])
def test_garbage_tokens_are_token_errors(garbage):
    with pytest.raises(delegation.TokenError):
        delegation.parse_token(garbage)


@pytest.mark.parametrize("url, expected", [
    ("git@github.com:Acme/App.git", "github.com/acme/app"),
    ("https://x-access-token:secret@github.com/acme/app.git", "github.com/acme/app"),
    ("ssh://git@gitlab.example.com:2222/group/sub/app.git", "gitlab.example.com/group/sub/app"),
    ("https://github.com/acme/app", "github.com/acme/app"),
])
def test_remote_normalisation(url, expected):
    assert delegation.normalise_remote(url) == expected


def test_delegate_cli_prints_one_line(arepo, keys):
    r = tr("delegate", "--agent", "claude-code", "--scope", "branch:agent/*,path:src/*", "--expires", "2d",
           "--key", str(keys["ada"]), cwd=arepo.path)
    assert r.returncode == 0, r.stderr
    token = r.stdout.decode().strip()
    assert len(r.stdout.decode().splitlines()) == 1
    st = delegation.parse_token(token).statement
    assert st.agent == "claude-code" and st.human == HUMAN and st.branches == ("agent/*",)
    assert st.repo == "example.com/acme/app"


def test_delegate_uses_git_signingkey(arepo, keys):
    git(arepo, "config", "user.signingkey", str(keys["ada"]))
    r = tr("delegate", "--agent", "codex", "--scope", "all", cwd=arepo.path)
    assert r.returncode == 0, r.stderr
    token = delegation.parse_token(r.stdout.decode().strip())
    assert token.statement.agent == "codex" and token.statement.human == HUMAN
    signers = arepo.path / ".tightrope" / "allowed_signers"
    assert delegation.verify_signature(token, signers, token.statement.iat).ok  # signed with Ada's key


@pytest.mark.parametrize("args, needle", [
    (["--key", "/nonexistent/key"], "not found"),
    (["--scope", "nonsense"], "--scope"),
    (["--expires", "yesterday"], "--expires"),
    (["--expires", "2001-01-01"], "past"),
    (["--human", "Ada"], "Name <email>"),
])
def test_delegate_bad_input(arepo, keys, args, needle):
    base = {"--key": str(keys["ada"]), "--scope": "all"}
    argv = ["delegate", "--agent", "claude-code"]
    for k, v in base.items():
        if k not in args:
            argv += [k, v]
    r = tr(*argv, *args, cwd=arepo.path)
    err = r.stderr.decode()
    assert r.returncode == 2 and needle in err and "hint" in err and "Traceback" not in err


# --- verify: the happy path and every forgery ----------------------------------------------

def delegate(repo: GitRepo, key: Path, agent: str = "claude-code", scope: str = "branch:agent/*",
             expires: str = "7d", human: str = HUMAN, repository: str | None = None) -> str:
    argv = ["delegate", "--agent", agent, "--scope", scope, "--expires", expires, "--key", str(key), "--human", human]
    if repository:
        argv += ["--repository", repository]
    r = tr(*argv, cwd=repo.path)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode().strip()


@pytest.fixture
def signed_repo(arepo):
    set_policy(arepo, '[identity]\nrequire = "signed"\n')
    git(arepo, "checkout", "-q", "-b", "agent/work")
    return arepo


def agent_env(token: str, **extra: str) -> dict:
    return {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1", "TIGHTROPE_DELEGATION": token, **extra}


def test_delegate_and_verify_happy_path(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], scope="branch:agent/*,path:src/*")
    commit(signed_repo, "agent one", {"src/a.py": "a = 1\n"}, env=agent_env(token))
    commit(signed_repo, "agent two", {"src/b.py": "b = 2\n"}, env=agent_env(token))
    commit(signed_repo, "human fix", {"README": "hi\n"})
    assert f"Delegation: {token}" in message(signed_repo, "HEAD~1")
    # a push to agent/work: the range lands on agent/work, inside the token's branch scope
    code, data, err = run_verify(signed_repo, "main..HEAD", "--branch", "agent/work")
    assert code == 0, data
    assert data["findings"] == []
    log = tr("log", "main..HEAD", "--branch", "agent/work", cwd=signed_repo.path)
    out = log.stdout.decode()
    assert log.returncode == 0, log.stderr
    assert "claude-opus-4-1" in out and "Ada Lovelace <ada@example.com> (verified)" in out
    assert "invalid" not in out and "unverified" not in out
    assert [line.rstrip().endswith("  valid") for line in out.splitlines()[1:]] == [True, True, False]  # oldest first
    assert "agent one" in out and "human fix" in out


def _rewrite_head_message(repo: GitRepo, transform) -> None:
    new = transform(message(repo))
    git(repo, "commit", "-q", "--amend", "--no-verify", "-m", new)


def _tamper_statement(token: str) -> str:
    import base64

    _, st, sig = token.split(".")
    raw = base64.urlsafe_b64decode(st + "=" * (-len(st) % 4)).replace(b'"agent/*"', b'"*"')
    return ".".join(["tr1", base64.urlsafe_b64encode(raw).decode().rstrip("="), sig])


def _tamper_signature(token: str) -> str:
    import base64

    _, st, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[-3] ^= 0x01
    return ".".join(["tr1", st, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")])


@pytest.mark.parametrize("case, rule", [
    ("tampered-statement", "identity.delegation-bad-signature"),
    ("tampered-signature", "identity.delegation-bad-signature"),
    ("expired", "identity.delegation-expired"),
    ("other-agent", "identity.delegation-agent-mismatch"),
    ("other-repository", "identity.delegation-repository-mismatch"),
    ("human-not-allowed", "identity.delegation-unknown-signer"),
    ("signed-by-someone-else", "identity.delegation-unknown-signer"),
    ("delegated-by-mismatch", "identity.delegation-human-mismatch"),
    ("out-of-scope-branch", "identity.delegation-out-of-scope"),
    ("out-of-scope-path", "identity.delegation-out-of-scope"),
    ("missing-delegation", "identity.missing-delegation"),
    ("missing-delegated-by", "identity.missing-delegated-by"),
    ("missing-assisted-by", "identity.missing-assisted-by"),
    ("garbage-token", "identity.malformed-trailer"),
])
def test_every_forgery_is_rejected(signed_repo, keys, case, rule):
    r = signed_repo
    env: dict = {}
    files = {"src/a.py": "a = 1\n"}
    token = delegate(r, keys["ada"], scope="branch:agent/*,path:src/*")
    if case == "tampered-statement":
        token = _tamper_statement(token)
    elif case == "tampered-signature":
        token = _tamper_signature(token)
    elif case == "other-agent":
        token = delegate(r, keys["ada"], agent="codex")
    elif case == "other-repository":
        token = delegate(r, keys["ada"], repository="github.com/acme/other")
    elif case == "human-not-allowed":
        token = delegate(r, keys["eve"], human="Eve <eve@example.com>")
        env["TIGHTROPE_DELEGATED_BY"] = "Eve <eve@example.com>"
    elif case == "signed-by-someone-else":
        token = delegate(r, keys["eve"])  # claims Ada, signed with Eve's key
    elif case == "delegated-by-mismatch":
        env["TIGHTROPE_DELEGATED_BY"] = "Grace Hopper <grace@example.com>"
    elif case == "out-of-scope-branch":
        git(r, "checkout", "-q", "-b", "feature/x")
    elif case == "out-of-scope-path":
        files = {".github/workflows/ci.yml": "on: push\n"}
    elif case == "expired":
        token = delegate(r, keys["ada"], expires="1h")
        later = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(time.time() + 3 * 3600))
        env.update(GIT_COMMITTER_DATE=later, GIT_AUTHOR_DATE=later)
    if case == "missing-delegation":
        commit(r, "agent change", files, env={"CLAUDECODE": "1"})
    elif case in ("missing-delegated-by", "missing-assisted-by"):
        commit(r, "agent change", files, env=agent_env(token))
        drop = "Delegated-by" if case == "missing-delegated-by" else "Assisted-by"
        _rewrite_head_message(r, lambda m: "\n".join(l for l in m.splitlines() if not l.startswith(drop)))
    elif case == "garbage-token":
        commit(r, "agent change", files, env={"CLAUDECODE": "1"})
        _rewrite_head_message(r, lambda m: m + "\nDelegation: tr1.garbage.garbage")
    else:
        commit(r, "agent change", files, env=agent_env(token, **env))
    code, data, err = run_verify(r, "main..HEAD", "--branch", git(r, "branch", "--show-current"))
    assert code == 1, (case, data, err)
    assert rule in rules(data), (case, rules(data))
    sha = git(r, "rev-parse", "HEAD")
    hit = next(f for f in data["findings"] if f["rule_id"] == rule)
    assert sha[:12] in hit["message"] and "agent change" in hit["message"]


def test_verify_reads_allowed_signers_from_base_not_from_the_change(signed_repo, keys):
    """An agent adding Eve's key in its own change cannot make Eve's delegation verify."""
    token = delegate(signed_repo, keys["eve"], human="Eve <eve@example.com>")
    commit(signed_repo, "agent adds a signer",
           {".tightrope/allowed_signers": f"ada@example.com {pub(keys['ada'])}\neve@example.com {pub(keys['eve'])}\n"},
           env=agent_env(token, TIGHTROPE_DELEGATED_BY="Eve <eve@example.com>"))
    code, data, _ = run_verify(signed_repo, "main..HEAD")
    assert code == 1 and "identity.delegation-unknown-signer" in rules(data)


def test_verify_trailers_level_judges_variants_alike(arepo):
    commit(arepo, "vendor style\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
    commit(arepo, "ours\n\nAssisted-by: claude-code:claude-opus-4-1")
    commit(arepo, "bot\n\nno trailers", env={"GIT_AUTHOR_NAME": "copilot-swe-agent[bot]",
                                              "GIT_AUTHOR_EMAIL": "198982749+Copilot@users.noreply.github.com"},
           hooks=False)  # a bot that runs no hook
    code, data, _ = run_verify(arepo, "main~3..main")
    assert code == 1
    assert [f["rule_id"] for f in data["findings"]] == ["identity.missing-assisted-by"]
    assert "bot" in data["findings"][0]["message"]


def test_verify_flags_invented_vendor_identity(arepo):
    commit(arepo, "sneaky\n\nCo-authored-by: Claude <claude@anthropic-ai.example>")
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 1 and rules(data) == {"identity.invented-vendor-identity"}


def test_verify_policy_off_and_allowed_agents(arepo):
    set_policy(arepo, '[identity]\nallowed_agents = ["claude-code"]\n')
    commit(arepo, "codex\n\nAssisted-by: codex")
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 1 and rules(data) == {"identity.agent-not-allowed"}
    set_policy(arepo, '[identity]\nrequire = "off"\n')
    commit(arepo, "sneaky\n\nCo-authored-by: Claude <claude@anthropic-ai.example>")
    assert run_verify(arepo, "HEAD~1..HEAD")[0] == 0


def test_verify_text_and_sarif_render(signed_repo):
    commit(signed_repo, "agent change", env={"CLAUDECODE": "1"})
    r = tr("verify", "--range", "main..HEAD", cwd=signed_repo.path)
    assert r.returncode == 1 and b"identity.missing-delegation" in r.stdout
    r = tr("verify", "--range", "main..HEAD", "--format", "sarif", cwd=signed_repo.path)
    assert r.returncode == 1 and json.loads(r.stdout)["version"] == "2.1.0"


def test_require_commit_signature(signed_repo, keys):
    set_policy(signed_repo, '[identity]\nrequire = "named-human"\nrequire_commit_signature = true\n')
    env = {"CLAUDECODE": "1"}
    commit(signed_repo, "unsigned agent change", env=env)
    code, data, _ = run_verify(signed_repo, "HEAD~1..HEAD")
    assert code == 1 and rules(data) == {"identity.unsigned-commit"}
    commit(signed_repo, "signed agent change", env=env)
    git(signed_repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys['agent']}", "commit", "-q", "-S",
        "--amend", "--no-edit", env=env)
    code, data, _ = run_verify(signed_repo, "HEAD~1..HEAD")
    assert code == 0, data
    git(signed_repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys['ada']}", "commit", "-q", "-S",
        "--amend", "--no-edit", env=env)
    code, data, _ = run_verify(signed_repo, "HEAD~1..HEAD")
    assert code == 1 and "not by the agent" in data["findings"][0]["message"]


# --- bad input: message + hint, never a traceback -------------------------------------------

@pytest.mark.parametrize("argv, code, needle", [
    (["verify"], 2, "range"),
    (["verify", "--range", "nope..HEAD"], 2, "unknown revision"),
    (["verify", "--range", "HEAD"], 2, "BASE..HEAD"),
    (["log", "main..nope"], 2, "unknown revision"),
    (["verify", "--range", "HEAD..HEAD", "--allowed-signers", "/nonexistent"], 2, "not found"),
])
def test_bad_ranges(arepo, argv, code, needle):
    r = tr(*argv, cwd=arepo.path)
    err = r.stderr.decode()
    assert r.returncode == code and needle in err and "Traceback" not in err and "hint" in err


def test_empty_range_is_a_note(arepo):
    code, data, _ = run_verify(arepo, "HEAD..HEAD")
    assert code == 0 and any("empty range" in n for n in data["notes"])
    r = tr("log", "HEAD..HEAD", cwd=arepo.path)
    assert r.returncode == 0 and b"no commits" in r.stderr


def test_shallow_clone(arepo, tmp_path):
    for i in range(3):
        commit(arepo, f"c{i}")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{arepo.path}", str(clone)], check=True,
                   env=clean_env())
    r = tr("verify", "--range", "HEAD~3..HEAD", cwd=clone)
    err = r.stderr.decode()
    assert r.returncode == 2 and "shallow" in err and "unshallow" in err and "Traceback" not in err


def test_tag_names_a_bot_author_as_the_principal(arepo):
    commit(arepo, "bot change", env={"GIT_AUTHOR_NAME": "devin-ai-integration[bot]",
                                     "GIT_AUTHOR_EMAIL": "158243242+devin-ai-integration[bot]@users.noreply.github.com"})
    msg = message(arepo)
    assert "Assisted-by: devin" in msg and "Agent: devin-ai-integration[bot]" in msg


def test_log_shows_a_broken_delegation(signed_repo, keys):
    token = delegate(signed_repo, keys["ada"], agent="codex")
    commit(signed_repo, "agent change", env=agent_env(token))
    log = tr("log", "main..HEAD", cwd=signed_repo.path)
    assert log.returncode == 0, log.stderr
    out = log.stdout.decode()
    assert "invalid: the delegation is for agent 'codex'" in out and "(claimed)" in out and "(verified)" not in out
