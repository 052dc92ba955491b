"""Small helpers shared by the renderers (pure, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tightrope.findings import Finding

_CWE = re.compile(r"\bCWE[-_ ]?(\d+)\b", re.IGNORECASE)


def cwe_ids(cwes: Iterable[str]) -> list[str]:
    """Canonical, de-duplicated "CWE-<n>" ids in order; "CWE-798: Hard-coded ..." -> "CWE-798".

    Entries with no CWE number are dropped (they are not CWE ids).
    """
    out: list[str] = []
    for text in cwes:
        m = _CWE.search(text)
        if m:
            cwe = f"CWE-{int(m.group(1))}"
            if cwe not in out:
                out.append(cwe)
    return out


def plain_lines(f: Finding) -> list[str]:
    """A finding as lines of plain text (message, commit, snippet, fix), unescaped: each sink
    escapes them for itself (workflow commands, check-run annotations)."""
    lines = [f.message or f.title or f.rule_id]
    if f.commit:
        lines.append(f"commit {f.commit[:12]}")
    if f.snippet:
        lines.append(f.snippet)
    if f.help:
        lines.append(f"fix: {f.help}")
    return lines
