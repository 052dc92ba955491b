"""End to end: the real pre-commit framework runs `tightrope tag` as a prepare-commit-msg
hook (and `tightrope check-trailers` as commit-msg) on a real `git commit`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")

CONFIG = f"""\
repos:
  - repo: local
    hooks:
      - id: tightrope-tag
        name: tightrope (tag agent commits)
        entry: {sys.executable} -m tightrope tag
        language: system
        stages: [prepare-commit-msg]
      - id: tightrope-check-trailers
        name: tightrope (check identity trailers)
        entry: {sys.executable} -m tightrope check-trailers
        language: system
        stages: [commit-msg]
"""


def _env(tmp: Path, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLAUDECODE", "ANTHROPIC_MODEL", "AGENT", "PRE_COMMIT") and not k.startswith(("CODEX_", "TIGHTROPE_"))}
    env.update({
        "GIT_AUTHOR_NAME": "Test Human", "GIT_AUTHOR_EMAIL": "human@example.com",
        "GIT_COMMITTER_NAME": "Test Human", "GIT_COMMITTER_EMAIL": "human@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "PYTHONPATH": str(SRC), "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
    })
    env.update(extra or {})
    return env


def _git(repo: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, env=env)


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")
def test_pre_commit_prepare_commit_msg_tags_an_agent_commit(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = _env(tmp_path)
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "Ada Lovelace"),
                 ("config", "user.email", "ada@example.com"), ("config", "commit.gpgsign", "false")):
        assert _git(repo, *args, env=env).returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(CONFIG)
    _git(repo, "add", ".pre-commit-config.yaml", env=env)
    assert _git(repo, "commit", "-q", "-m", "add pre-commit config", env=env).returncode == 0
    for hook_type in ("prepare-commit-msg", "commit-msg"):
        proc = subprocess.run([PRE_COMMIT, "install", "--hook-type", hook_type], cwd=repo, capture_output=True, env=env)
        assert proc.returncode == 0, proc.stderr.decode() + proc.stdout.decode()

    (repo / "app.py").write_text("print('hi')\n")
    _git(repo, "add", "app.py", env=env)
    agent = _env(tmp_path, {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"})
    proc = _git(repo, "commit", "-m", "Add app", env=agent)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    message = _git(repo, "log", "-1", "--format=%B", env=env).stdout.decode()
    assert "Assisted-by: claude-code:claude-opus-4-1" in message
    assert "Agent: claude-code" in message
    assert "Delegated-by: Ada Lovelace <ada@example.com>" in message

    # amending through the framework again adds nothing
    assert _git(repo, "commit", "--amend", "--no-edit", env=agent).returncode == 0
    again = _git(repo, "log", "-1", "--format=%B", env=env).stdout.decode()
    assert again == message

    # a human commit is left alone, and commit-msg rejects a malformed trailer
    (repo / "b.py").write_text("b = 1\n")
    _git(repo, "add", "b.py", env=env)
    assert _git(repo, "commit", "-q", "-m", "Human change", env=env).returncode == 0
    assert _git(repo, "log", "-1", "--format=%B", env=env).stdout.decode().strip() == "Human change"
    (repo / "c.py").write_text("c = 1\n")
    _git(repo, "add", "c.py", env=env)
    bad = _git(repo, "commit", "-q", "-m", "Bad\n\nAssisted-by: claude-code\nDelegated-by: Ada", env=env)
    assert bad.returncode != 0 and b"malformed Delegated-by" in bad.stdout + bad.stderr
