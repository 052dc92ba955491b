"""A new user's first hour (issue #15): each odd input either works or is exit 2 with a hint."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import run_cli


@pytest.mark.parametrize("where, words", [
    ("/no/such/dir", "does not exist"),
    ("", "is empty"),
    ("FILE", "is not a directory"),
])
def test_a_bad_repository_path_is_exit_2(repo, where, words):
    repo.commit({"README.md": "hello\n"})
    target = str(repo.path / "README.md") if where == "FILE" else where
    proc = run_cli("scan", "-C", target, cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and words in err and "hint:" in err and "Traceback" not in err


@pytest.mark.parametrize("data", [b"just some prose, no diff here\n", bytes(range(256)) * 4])
def test_patch_input_without_a_diff_is_exit_2(tmp_path, data):
    proc = run_cli("scan", "--patch", "-", cwd=tmp_path, input=data)
    assert proc.returncode == 2 and b"holds no unified diff" in proc.stderr


def test_an_empty_patch_is_an_empty_diff_and_says_so(tmp_path):
    proc = run_cli("scan", "--patch", "-", cwd=tmp_path, input=b"")
    assert proc.returncode == 0 and b"empty diff" in proc.stdout


def test_a_shallow_clone_says_the_root_was_scanned_whole(repo, tmp_path):
    repo.commit({"README.md": "hello\n"})
    repo.commit({"app.py": "x = 1\n"})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    proc = run_cli("scan", "--scanners", "secrets", cwd=clone)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"shallow clone" in proc.stdout and b"git fetch --deepen=1" in proc.stdout


def test_install_hooks_installs_all_four_by_default(repo):
    proc = run_cli("install-hooks", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr.decode()
    hooks = repo.path / ".git" / "hooks"
    for name, command in (("pre-commit", "scan --staged"), ("pre-push", "pre-push"),
                          ("prepare-commit-msg", "tag"), ("commit-msg", "check-trailers")):
        assert f"-m tightrope {command} " in (hooks / name).read_text(), name


def test_the_demo_prints_only_commands_that_work():
    proc = run_cli("demo")
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, err
    assert " -C " not in out  # the repository is gone: no command points into it
    assert "demo --keep" in err
