"""Pure renderers: one module per sink, `render(report, **opts) -> str`.

Nothing is imported until a format is asked for, so importing this package costs nothing
on the hook's hot path.
"""

from __future__ import annotations

import importlib

from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tightrope.findings import Report

_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif",
            # what reviewers see in CI (issue 14)
            "github": "github", "markdown": "markdown", "codequality": "codequality",
            "gitlab-secrets": "gitlab_secrets", "junit": "junit"}
FORMATS = tuple(_MODULES)


def render(report: "Report", fmt: str, *, color: bool = False) -> str:
    """Render `report` as `fmt` (one of FORMATS). `color` only affects "text"."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    if fmt == "text":
        return module.render(report, color=color)
    return module.render(report)
