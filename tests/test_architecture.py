"""The layout shows the architecture; these tests keep it that way.

Layering: cli -> frontends -> {core, gitio, policy, forges, report};
core -> {scan, identity, suppress, findings, diff}; report -> findings only.
GitPython stays behind gitio. The hook's start-up imports nothing heavy.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from conftest import GIT_ENV

PKG = Path(__file__).resolve().parents[1] / "src" / "tightrope"


def module_name(path: Path) -> str:
    parts = ["tightrope", *path.relative_to(PKG).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names; `from .. import x` counts like `import tightrope`."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_statements(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every import anywhere in the file (lazy ones too), as (absolute module, names taken
    from it): `import a.b` is ("a.b", ()), `from .x import y, z` ("tightrope.<pkg>.x", ("y", "z"))."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((a.name, ()) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield absolute(path, node), tuple(a.name for a in node.names)


def imports_of(path: Path) -> set[str]:
    """Each module imported and each `module.name` taken from one (a layering test forbids both)."""
    names: set[str] = set()
    for module, taken in import_statements(path):
        names |= {module, *(f"{module}.{n}" for n in taken)}
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


def test_relative_imports_are_resolved(tmp_path, monkeypatch):
    """`from .. import frontends` in core.py must count as importing tightrope.frontends."""
    fake_pkg = tmp_path / "tightrope"
    (fake_pkg / "scan").mkdir(parents=True)
    (fake_pkg / "core.py").write_text("from . import frontends\nfrom .report import text\n")
    (fake_pkg / "scan" / "x.py").write_text("from ..core import check\nfrom .. import cli\n")
    monkeypatch.setattr(sys.modules[__name__], "PKG", fake_pkg)
    assert {"tightrope.frontends", "tightrope.report.text"} <= imports_of(fake_pkg / "core.py")
    assert {"tightrope.core.check", "tightrope.cli"} <= imports_of(fake_pkg / "scan" / "x.py")


def test_gitpython_stays_behind_gitio():
    for path in modules():
        if path.name == "gitio.py":
            continue
        assert not {i for i in imports_of(path) if i == "git" or i.startswith("git.")}, path


def test_secrets_hook_start_up_imports_nothing_heavy(tmp_path):
    """A clean staged change: no GitPython, semgrep, forges, jsonschema or detect-secrets, and none of
    the standard library's slow imports the hook does not need."""
    repo = tmp_path / "r"
    repo.mkdir()
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    (repo / "a.py").write_text("def add(a, b):\n    return a + b\n")
    subprocess.run(["git", "add", "a.py"], cwd=repo, check=True)
    # the standard library's slow imports too: dataclasses brings inspect, ast and dis, and its
    # classes cost 0.2-2 ms each to create, typing's NamedTuples ~0.3 ms (records.py); string's
    # Template compiles a regex at import (charsets.py); pathlib imports urllib.parse and ipaddress
    # (paths are strings on the hook's path: gitio.repo_root); the others are needed only by findings
    code = ("import sys; from tightrope.cli import main; rc = main(['scan', '--staged', '--scanners', 'secrets']);"
            "heavy = [m for m in ('git', 'semgrep', 'github', 'gitlab', 'jsonschema', 'detect_secrets', 'yaml',"
             " 'dataclasses', 'inspect', 'typing', 'hashlib', 'json', 'shutil', 'tempfile', 'string', 'pathlib')"
            " if m in sys.modules]; print(rc, heavy)")
    quiet = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # as in a hook: no terminal width to ask for
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, env=quiet)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr


# Import cycles that exist today and are being removed by a change in flight. Each entry says
# which; a stale entry fails the test below so that it is deleted with the cycle.
KNOWN_CYCLES: set[frozenset[str]] = set()


def package_imports(path: Path, known: set[str]) -> set[str]:
    """The package modules `path` imports anywhere in the file (lazy imports count):
    `from pkg import mod` names the module `pkg.mod`, `from mod import name` the module `mod`."""
    out: set[str] = set()
    for module, taken in import_statements(path):
        out |= {f"{module}.{n}" if f"{module}.{n}" in known else module for n in taken} if taken else {module}
    return out & known


def import_cycles() -> list[set[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's
    strongly connected components of the import graph, a module importing itself included)."""
    paths = {module_name(p): p for p in modules()}
    graph = {m: package_imports(p, set(paths)) for m, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[set[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for n in graph[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group: set[str] = set()
            while m not in group:
                group.add(stack.pop())
            if len(group) > 1 or m in graph[m]:
                cycles.append(group)

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return cycles


def test_no_import_cycle_inside_the_package():
    cycles = import_cycles()
    new = [sorted(c) for c in cycles if frozenset(c) not in KNOWN_CYCLES]
    assert not new, f"modules that import each other: {new}; give the shared piece its own module"
    stale = [sorted(k) for k in KNOWN_CYCLES if k not in {frozenset(c) for c in cycles}]
    assert not stale, f"{stale} no longer import each other: remove the entry from KNOWN_CYCLES"


def test_import_cycles_are_found(tmp_path, monkeypatch):
    """A loop through a relative and a lazy import is found; a package importing its own
    submodule (`__init__` re-exporting) is not a loop."""
    pkg = tmp_path / "tightrope"
    (pkg / "scan").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "scan" / "__init__.py").write_text("from tightrope.scan.a import f\n")
    (pkg / "scan" / "a.py").write_text("from . import b\n")
    (pkg / "scan" / "b.py").write_text("def g():\n    from tightrope.scan.c import h\n")
    (pkg / "scan" / "c.py").write_text("from tightrope.scan import a\n")
    (pkg / "d.py").write_text("import tightrope.d\n")
    monkeypatch.setattr(sys.modules[__name__], "PKG", pkg)
    assert sorted(map(sorted, import_cycles())) == [
        ["tightrope.d"], ["tightrope.scan.a", "tightrope.scan.b", "tightrope.scan.c"]]
