"""`pre-commit run --all-files` (and pre-commit.ci) with the real framework: files handed to
the hook with nothing staged for them are scanned whole; at commit time only staged lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, ROOT
from tokens import anthropic_key

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo, home: Path, *args: str) -> tuple[int, str]:
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "PRE_COMMIT_HOME": str(home),
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(ROOT), "tightrope-secrets", "--verbose", *args],
                          cwd=repo.path, capture_output=True, env=env)
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


def test_all_files_scans_committed_files_whole(repo, home):
    key = anthropic_key(21)
    repo.commit({"README.md": "hello\n", "deploy/config.py": f'KEY = "{key}"\n', "docs/a b.txt": "plain\n"})
    code, out = try_repo(repo, home, "--all-files")
    assert code == 1, out
    assert "deploy/config.py" in out and "secret.anthropic-api-key" in out and key not in out
    assert "3 files" in out  # every tracked file, one with a space in its name


def test_commit_time_scans_only_the_staged_lines_of_the_files_passed(repo, home):
    key = anthropic_key(22)
    repo.commit({"README.md": "hello\n", "old.py": f'KEY = "{key}"\n'})  # already committed: not this change
    repo.stage({"app.py": "print('hi')\n"})
    code, out = try_repo(repo, home)
    assert code == 0, out
    assert "1 file" in out and "old.py" not in out


def test_all_files_with_a_staged_file_scans_its_staged_lines_and_the_rest_whole(repo, home):
    key = anthropic_key(23)
    repo.commit({"a.py": f'A = "{key}"\n', "b.py": "x = 1\n"})
    repo.stage({"b.py": "x = 1\ny = 2\n"})
    code, out = try_repo(repo, home, "--all-files")
    assert code == 1, out
    assert "a.py" in out and "2 files" in out


def test_pre_push_scans_the_pushed_range_once_for_the_files_passed(repo, home):
    key = anthropic_key(24)
    base = repo.commit({"README.md": "hello\n"})
    repo.commit({"a.py": f'A = "{key}"\n', "b.py": "x = 1\n"})
    head = repo.commit({"c.py": "y = 2\n"})
    code, out = try_repo(repo, home, "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head)
    assert code == 1, out
    # one finding line (the ways out at the end name the rule too, with single spaces)
    assert out.count("  secret.anthropic-api-key  ") == 1 and "3 files" in out and key not in out
