"""Small helpers shared by the renderers (pure, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tightrope.findings import Finding
from tightrope.lazy_regex import lazy

_CWE = lazy(r"\bCWE[-_ ]?(\d+)\b", re.IGNORECASE)


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


# kinds whose findings sit on an added line: an inline allow or the baseline accepts them
_ON_A_LINE = ("secret", "pattern", "dependency")


def ways_out(findings: Iterable[Finding]) -> list[str]:
    """What to do about blocking findings, in one or two lines (plain text: the caller
    escapes for its sink): accept a false positive on its line or in the baseline, or turn
    the rule off in the policy. Empty when nothing blocks."""
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return []
    rules = sorted({f.rule_id for f in blocking})
    rule = rules[0] if len(rules) == 1 else "RULE"
    out = []
    if any(f.kind in _ON_A_LINE and f.line > 0 for f in blocking):
        out.append(f"a false positive? add `# tightrope: allow {rule} <reason>` on its line, "
                   "or accept every current finding with `tightrope baseline`")
    out.append(f"to turn a rule off: `disable = [\"{rule}\"]` in .tightrope.toml "
               f"(or `[rules.\"{rule}\"] blocking = false` to keep it as a warning)")
    return out
