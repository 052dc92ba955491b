"""Offline dependency checks on the lines a change adds (issue #3).

What is reported, per added dependency:

- ``dep.typosquat``: the name is one or two edits (Damerau-Levenshtein, optimal string
  alignment) from a popular package and is not itself a known package.
- ``dep.unknown-package``: the name is not on the bundled list of known packages
  (AI assistants invent package names: "package hallucination").
- ``dep.url-dependency``: installed from a URL / VCS / a path outside the repository.
- ``dep.unpinned``: only with ``[dependencies] require_pins = true``: no exact pin.

Names in ``dependencies.allow`` (PEP 503-normalised for PyPI, globs allowed) are never
reported.

Where dependencies are looked for (decided by file name first; anything else costs one
``dict`` lookup and returns ``[]``):

- ``requirements*.txt`` / ``*.in`` / ``constraints*.txt`` (and ``requirements/*.txt``),
  ``pyproject.toml``, ``setup.cfg``, ``Pipfile``, ``package.json``;
- shell scripts, Dockerfiles, Makefiles, YAML (CI), tox.ini, notebooks and docs, but only
  lines holding an install command (``pip install``, ``uv add``, ``poetry add``,
  ``npm install``/``i``, ``yarn add``, ``pnpm add``, ``bun add``, ``npx``, …).

Limits of the line-wise parsing (only added lines are seen, never the whole file):
a section header (``[tool.poetry.dependencies]``, ``"devDependencies": {``,
``install_requires =``) is only known when it is among the added lines of the same run of
consecutive lines. Without it, a line counts only when its shape leaves no doubt: a quoted
PEP 508 string *with* a version, extras, marker or URL (``"httpx>=0.27",``), a poetry/Pipfile
``name = "^1.2"`` / ``name = "*"`` / ``name = {version = …}`` line, a setup.cfg indented
requirement with a version, a package.json ``"name": "^1.2.3"`` pair. A bare ``"httpx",``
added to the middle of an existing array is therefore missed; an install command split
over lines with ``\\`` is followed only across consecutive added lines. ``npx`` often runs
a local binary, so for it only look-alikes (not unknown names) and URLs are reported.
In a modified pyproject.toml the project's own name (``myproj[extra]``) is only recognised
when its ``name =`` line is among the added lines; otherwise list it under
``dependencies.allow``.
"""

from __future__ import annotations

from tightrope.scan.dependencies.dep import Dep, normalize
from tightrope.scan.dependencies.findings import findings_for, scan_lines
from tightrope.scan.dependencies.lookalikes import (
    POPULAR_N, _lists, is_known, known_count, lookalike,  # `_lists`: the lists' cache, which tests inspect
)
from tightrope.scan.dependencies.readers import extract, file_kind

__all__ = ["POPULAR_N", "Dep", "extract", "file_kind", "findings_for", "is_known", "known_count", "lookalike",
           "normalize", "scan_lines"]
