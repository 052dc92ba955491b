"""Real hooks: the pre-commit framework (try-repo and an installed pre-push hook) and the
plain git hooks of `tightrope install-hooks`, driven by real `git commit` / `git push`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, ROOT, GitRepo, run_cli
from tokens import anthropic_key

VENV_BIN = Path(sys.executable).parent


def _env(pre_commit_home: Path | None = None) -> dict:
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    if pre_commit_home:
        env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    return env


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    """One pre-commit cache for the session: the hook's venv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def test_try_repo_blocks_a_staged_secret(repo, pre_commit_home):
    repo.commit({"README.md": "hello\n"})
    key = anthropic_key(11)
    repo.stage({"service/config.py": f'ANTHROPIC_API_KEY = "{key}"\n'})
    proc = subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(ROOT), "tightrope-secrets", "--verbose"],
                          cwd=repo.path, capture_output=True, env=_env(pre_commit_home))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    assert "service/config.py" in out and "secret." in out
    assert key not in out


def test_try_repo_passes_a_clean_commit(repo, pre_commit_home):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app.py": "print('hi')\n"})
    proc = subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(ROOT), "tightrope-secrets"],
                          cwd=repo.path, capture_output=True, env=_env(pre_commit_home))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def _local_config(repo: GitRepo, stages: str) -> None:
    repo.write(".pre-commit-config.yaml", f"""repos:
  - repo: local
    hooks:
      - id: tightrope-secrets
        name: tightrope (secrets)
        entry: {sys.executable} -m tightrope scan --scanners secrets
        language: system
        pass_filenames: false
        require_serial: true
        always_run: true
        stages: [{stages}]
""")


def test_pre_commit_framework_pre_push_scans_pushed_commits_including_a_first_push(repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    _local_config(repo, "pre-push")
    repo.commit({"README.md": "hello\n", ".pre-commit-config.yaml": (repo.path / ".pre-commit-config.yaml").read_text()})
    subprocess.run([str(VENV_BIN / "pre-commit"), "install", "--hook-type", "pre-push"], cwd=repo.path,
                   check=True, capture_output=True, env=_env())
    repo.commit({"leak.py": f'KEY = "{anthropic_key(12)}"\n'})
    first = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, capture_output=True, env=_env())
    assert first.returncode != 0, "a first push (no remote ref) carrying a secret must be blocked"
    repo.git("reset", "-q", "--hard", "HEAD~1")
    assert subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, capture_output=True,
                          env=_env()).returncode == 0
    repo.commit({"later.py": f'KEY = "{anthropic_key(13)}"\n'})
    later = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, capture_output=True, env=_env())
    assert later.returncode != 0 and b"later.py" in later.stdout + later.stderr


def test_install_hooks_plain_git_commit_and_push(repo, tmp_path):
    remote = tmp_path / "plain.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    proc = run_cli("install-hooks", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    repo.write("README.md", "hello\n")
    repo.git("add", "README.md")
    subprocess.run(["git", "commit", "-q", "-m", "clean"], cwd=repo.path, check=True, env=_env())
    repo.write("leak.py", f'KEY = "{anthropic_key(14)}"\n')
    repo.git("add", "leak.py")
    blocked = subprocess.run(["git", "commit", "-q", "-m", "leak"], cwd=repo.path, capture_output=True, env=_env())
    assert blocked.returncode != 0 and b"leak.py" in blocked.stdout + blocked.stderr
    repo.git("commit", "-q", "--no-verify", "-m", "leak anyway")  # the pre-push hook still stands
    pushed = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, capture_output=True, env=_env())
    assert pushed.returncode != 0 and b"leak.py" in pushed.stdout + pushed.stderr


def test_install_hooks_refuses_to_overwrite_a_foreign_hook(repo):
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    proc = run_cli("install-hooks", cwd=repo.path)
    assert proc.returncode == 2 and b"--force" in proc.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


def test_try_repo_full_hook_blocks_insecure_code_with_real_semgrep(repo, pre_commit_home):
    """The `tightrope` hook brings semgrep into its own environment and runs the rule pack."""
    repo.commit({"README.md": "hello\n"})
    repo.stage({"loader.py": "import yaml\n\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"})
    proc = subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(ROOT), "tightrope", "--verbose"],
                          cwd=repo.path, capture_output=True, env=_env(pre_commit_home))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    assert "L5" in out and "py.yaml-unsafe-load" in out and "CWE-502" in out


def test_manifest_and_own_config_are_valid_and_the_readme_lists_every_hook():
    for cmd, path in (("validate-manifest", ".pre-commit-hooks.yaml"), ("validate-config", ".pre-commit-config.yaml")):
        proc = subprocess.run([str(VENV_BIN / "pre-commit"), cmd, str(ROOT / path)], capture_output=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    import yaml

    readme = (ROOT / "README.md").read_text()
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert f"`{hook['id']}`" in readme, hook["id"]
