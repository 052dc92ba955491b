"""The layout shows the architecture; these tests keep it that way.

Layering: cli -> frontends -> {core, gitio, policy, forges, report};
core -> {scan, identity, suppress, findings, diff}; report -> findings only.
GitPython stays behind gitio. The hook's start-up imports nothing heavy.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV

PKG = Path(__file__).resolve().parents[1] / "src" / "tightrope"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def modules(sub: str = "") -> list[Path]:
    return sorted((PKG / sub).rglob("*.py")) if sub else sorted(PKG.rglob("*.py"))


FORBIDDEN = {
    "core.py": ("tightrope.frontends", "tightrope.report", "tightrope.forges", "tightrope.cli"),
    "scan": ("tightrope.frontends", "tightrope.report", "tightrope.forges", "tightrope.cli", "tightrope.core"),
    "identity": ("tightrope.frontends", "tightrope.report", "tightrope.forges", "tightrope.cli"),
    "caps.py": ("tightrope.frontends", "tightrope.report", "tightrope.forges", "tightrope.cli", "tightrope.gitio",
                "tightrope.core"),
    "report": ("tightrope.core", "tightrope.scan", "tightrope.gitio", "tightrope.frontends", "tightrope.policy",
               "tightrope.identity", "tightrope.cli"),
}


@pytest.mark.parametrize("where", sorted(FORBIDDEN))
def test_layering(where):
    paths = [PKG / where] if where.endswith(".py") else modules(where)
    for path in paths:
        bad = [i for i in imports_of(path) if i.startswith(FORBIDDEN[where])]
        assert not bad, f"{path.relative_to(PKG)} imports {bad}"


def test_gitpython_stays_behind_gitio():
    for path in modules():
        if path.name == "gitio.py":
            continue
        assert not {i for i in imports_of(path) if i == "git" or i.startswith("git.")}, path


def test_secrets_hook_start_up_imports_nothing_heavy(tmp_path):
    """A clean staged change: no GitPython, semgrep, forges, jsonschema or detect-secrets."""
    repo = tmp_path / "r"
    repo.mkdir()
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    (repo / "a.py").write_text("def add(a, b):\n    return a + b\n")
    subprocess.run(["git", "add", "a.py"], cwd=repo, check=True)
    code = ("import sys; from tightrope.cli import main; rc = main(['scan', '--staged', '--scanners', 'secrets']);"
            "heavy = [m for m in ('git', 'semgrep', 'github', 'gitlab', 'jsonschema', 'detect_secrets', 'yaml')"
            " if m in sys.modules]; print(rc, heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
