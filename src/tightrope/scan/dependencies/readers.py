"""Which reader reads a file, decided by its name alone (anything else costs one look-up)."""

from __future__ import annotations

import re
from typing import Sequence

from tightrope.diff import AddedLine
from tightrope.scan.dependencies.dep import Dep

_SCRIPT_NAMES = frozenset({
    "dockerfile", "containerfile", "makefile", "gnumakefile", "justfile", "taskfile",
    "tox.ini", "noxfile.py", "vagrantfile", "readme", "procfile", ".gitlab-ci.yml", "jenkinsfile",
})
_SCRIPT_SUFFIXES = (
    ".sh", ".bash", ".zsh", ".fish", ".ksh", ".ps1", ".bat", ".cmd", ".mk", ".yml", ".yaml",
    ".dockerfile", ".containerfile", ".md", ".markdown", ".rst", ".adoc", ".ipynb", ".txt",
)
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt")


def file_kind(path: str) -> str | None:
    """What kind of dependency file `path` is, by its name alone; None: not one."""
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower == "package.json":
        return "package.json"
    if lower == "pyproject.toml":
        return "pyproject"
    if lower == "setup.cfg":
        return "setup.cfg"
    if name == "Pipfile":
        return "pipfile"
    if lower.endswith((".txt", ".in")):
        parent = path.rsplit("/", 2)[-2].lower() if "/" in path else ""
        if re.search(r"(?:^|[-_.])(?:requirements?|reqs|constraints?)(?:[-_.]|$)", lower.rsplit(".", 1)[0]) \
                or parent in ("requirements", "reqs", "constraints"):
            return "requirements"
    if lower in _SCRIPT_NAMES or lower.startswith(("dockerfile", "containerfile", "makefile", "readme")) \
            or lower.endswith(_SCRIPT_SUFFIXES):
        if lower.endswith(".txt") and not lower.startswith("readme"):
            return None
        if lower.endswith(".ipynb"):
            return "notebook"
        if lower.endswith(_DOC_SUFFIXES) or lower.startswith("readme"):
            return "doc"
        return "script"
    return None


def extract(path: str, lines: Sequence[AddedLine]) -> list[Dep]:
    """The dependencies the added lines of `path` declare or install."""
    kind = file_kind(path)
    if kind is None:
        return []
    # the readers are imported for the kind at hand only: a change without manifests never loads them
    if kind in ("requirements", "pyproject", "pipfile", "setup.cfg"):
        from tightrope.scan.dependencies import pypi

        if kind == "requirements":
            deps = pypi.read_requirements(path, lines)
        elif kind == "setup.cfg":
            deps = pypi.read_setup_cfg(path, lines)
        else:
            deps = pypi.read_toml(path, lines, kind)
    elif kind == "package.json":
        from tightrope.scan.dependencies import npm

        deps = npm.read_package_json(path, lines)
    else:
        from tightrope.scan.dependencies import commands

        deps = commands.read_scripts(path, lines, doc=kind == "doc", notebook=kind == "notebook")
    return list(deps)
