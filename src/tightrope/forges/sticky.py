"""The one rule for a sticky PR comment / MR note, shared by both forges.

One note per request, found by its marker (and, by the caller, its author); edited only when
its text changes; when the findings are gone it is marked resolved or deleted, and none is
created.
"""

from __future__ import annotations

RESOLVED = "✅ **tightrope**: all clear; the earlier findings are resolved."


def plan(existing: str | None, body: str | None, marker: str, when_clean: str = "resolve") -> tuple[str, str]:
    """(action, text) for the note whose current text is `existing`; `body=None` means clean.

    action is one of: nothing, deleted, created, updated, unchanged.
    """
    if body is None:
        if existing is None:
            return "nothing", ""
        if when_clean == "delete":
            return "deleted", ""
        body = RESOLVED
    text = f"{marker}\n{body}"
    if existing is None:
        return "created", text
    return ("unchanged" if existing == text else "updated"), text
