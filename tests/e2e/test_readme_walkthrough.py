"""The README's first hour, run as written: its install line, its `.pre-commit-config.yaml`
snippet (the real pre-commit framework, `rev: v0.1.0`), an agent's commit blocked, the false
positive accepted on its line, the trailers shown.

Only the repository URL is replaced, by a local clone of this checkout (its work tree
included) in which the test creates the tag `v0.1.0` when the clone does not have it. The
commands are read from the README's code blocks, so a README step that stops working fails
here; a command whose comment says `# blocked` must fail, every other one must succeed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

import tightrope

URL = "https://github.com/OWNER/tightrope"
TAG = "v0.1.0"
README = (ROOT / "README.md").read_text(encoding="utf-8")
HUMAN = "Dana Developer <dana@example.com>"


def section(title_start: str) -> str:
    """The README section (## level) whose title starts with `title_start`."""
    for part in re.split(r"^## ", README, flags=re.M)[1:]:
        if part.startswith(title_start):
            return part
    raise AssertionError(f"the README has no section starting {title_start!r}")


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.M | re.S)


def commands(block: str) -> list[str]:
    """A shell block's commands, one per line; a here-document stays with its command."""
    out: list[str] = []
    lines = iter(block.splitlines())
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.search(r"<<'(\w+)'", line)
        if m:
            body = [line]
            for more in lines:
                body.append(more)
                if more == m.group(1):
                    break
            line = "\n".join(body)
        out.append(line)
    return out


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def tagged_clone(tmp_path_factory) -> Path:
    """A clone of this checkout at its HEAD plus its uncommitted work, tagged v0.1.0 if the
    tag is missing: what `repo: URL` + `rev: v0.1.0` fetch once the release is tagged."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path_factory.mktemp("tightrope-clone")
    _git(clone, "clone", "-q", "--no-checkout", str(ROOT), ".")
    _git(clone, "checkout", "-q", _git(ROOT, "rev-parse", "HEAD"))
    _git(clone, f"--work-tree={ROOT}", "add", "-A")  # the checkout's work tree, as a commit would take it
    if _git(clone, "status", "--porcelain", "--untracked-files=no"):
        _git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--no-verify",
             "-m", "work tree")
    _git(clone, "checkout", "-q", "--", ".")
    if subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{TAG}"], cwd=clone).returncode != 0:
        _git(clone, "tag", TAG)
    return clone


def test_the_snippet_pins_the_release_tag_and_says_how_to_pin():
    snippet = blocks(section("Use it as a pre-commit hook"), "yaml")[0]
    assert f"rev: v{tightrope.__version__} " in snippet
    assert "a release tag, or a full commit id" in snippet


def test_the_first_hour_as_the_readme_writes_it(tagged_clone, tmp_path):
    walk = section("Your first hour")
    snippet = blocks(section("Use it as a pre-commit hook"), "yaml")[0]
    assert "put the `.pre-commit-config.yaml` of \"Use it as a pre-commit hook\"" in walk
    install, hooks, *rest = blocks(walk, "sh")

    venv = tmp_path / "project-venv"  # "the project's virtualenv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TIGHTROPE_", "CODEX_", "PRE_COMMIT", "GIT_", "VIRTUAL_ENV", "PYTHON"))
           and k not in ("CLAUDECODE", "ANTHROPIC_MODEL", "AGENT", "GEMINI_CLI", "CURSOR_AGENT")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
    repo = tmp_path / "your-repo"
    repo.mkdir()
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "Dana Developer"),
                 ("config", "user.email", "dana@example.com"), ("config", "commit.gpgsign", "false")):
        _git(repo, *args)
    (repo / "README.md").write_text("our service\n")
    _git(repo, "add", "README.md")
    subprocess.run(["git", "commit", "-q", "-m", "Initial commit"], cwd=repo, check=True, env=env)

    outputs: list[str] = []

    def run(block: str) -> None:
        for command in commands(block.replace(URL, f"file://{tagged_clone}")):
            proc = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                                  timeout=900)
            out = proc.stdout + proc.stderr
            blocked = command.splitlines()[0].rstrip().endswith("# blocked")
            assert (proc.returncode != 0) == blocked, f"$ {command}\nexit {proc.returncode}\n{out}"
            outputs.append(out)

    run(install)
    (repo / ".pre-commit-config.yaml").write_text(snippet.replace(URL, f"file://{tagged_clone}"))
    run(hooks)
    for block in rest:
        run(block)

    blocked = next(o for o in outputs if "py.tls-verify-disabled" in o)
    assert "(blocking)" in blocked and "status.py" in blocked
    assert "# tightrope: allow py.tls-verify-disabled <reason>" in blocked and "tightrope baseline" in blocked
    message, log = outputs[-2], outputs[-1]
    for trailer in ("Assisted-by: claude-code", "Agent: claude-code", f"Delegated-by: {HUMAN}"):
        assert trailer in message, message
    assert "Check the status page" in log and "claude-code" in log and f"{HUMAN} (claimed)" in log, log
