"""Terminal text for humans.

    src/app.py
      L12  HIGH  secret.openai-api-key  OpenAI API key added  (blocking)
            key = "[sk-p…9f (51 chars)]"
            fix: load it from the environment or a secret manager
            CWE-798

    commit 1a2b3c4d5e6f
      HIGH  identity.missing-agent-trailer  agent commit without an Assisted-by trailer

    note: skipped binary file assets/logo.png
    2 findings (1 blocking) in 3 files, 120 lines scanned; 1 suppressed

Findings are grouped by file (sorted by line; a secret found commit by commit says which
commit added it and whether it is still in HEAD), identity findings (a commit, no file) by
commit, and findings with neither a path nor a commit (change-wide caps) last. Notes are
always shown. Every piece of untrusted text goes through `escape.terminal`; colour (ANSI)
is added only when `color=True`, after escaping; no line can read as a CI workflow command.
"""

from __future__ import annotations

from tightrope.findings import Confidence, Finding, Report, Severity
from tightrope.report.escape import no_commands, terminal

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOUR = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_INDENT = "  "
_DETAIL = "        "


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    s = report.summary()
    line = (f"{_plural(s['findings'], 'finding')} ({s['blocking']} blocking) in "
            f"{_plural(s['files_scanned'], 'file')}, {_plural(s['lines_scanned'], 'line')} scanned")
    if s["suppressed"]:
        line += f"; {s['suppressed']} suppressed"
    return line


def _location(f: Finding) -> str:
    if f.line <= 0:
        return ""
    if f.end_line > f.line:
        return f"L{f.line}-{f.end_line}"
    return f"L{f.line}"


def render(report: Report, *, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    def finding_lines(f: Finding) -> list[str]:
        head = [_location(f)] if _location(f) else []
        head.append(paint(_SEVERITY_COLOUR[f.severity], f.severity.name))
        head.append(terminal(f.rule_id))
        head.append(terminal(f.message or f.title or f.rule_id))
        line = _INDENT + "  ".join(head)
        if f.confidence != Confidence.HIGH:
            line += f"  [{f.confidence} confidence]"
        if f.blocking:
            line += "  " + paint(_BOLD, "(blocking)")
        out = [line]
        if f.commit and f.path:  # a secret found commit by commit: which commit, is it still there
            origin = "added in commit " + terminal(f.commit[:12])
            if f.author or f.date:
                origin += " by " + terminal(f.author or "?") + (", " + terminal(f.date) if f.date else "")
            if f.present_at_head is not None:
                origin += "; " + ("still in HEAD" if f.present_at_head else "no longer in HEAD, still in history")
            out.append(_DETAIL + origin)
        if f.snippet:
            out.append(_DETAIL + paint(_DIM, terminal(f.snippet)))
        if f.help:
            out.append(_DETAIL + "fix: " + terminal(f.help))
        if f.cwe:
            out.append(_DETAIL + ", ".join(terminal(c) for c in f.cwe))
        return out

    by_file: dict[str, list[Finding]] = {}
    by_commit: dict[str, list[Finding]] = {}
    general: list[Finding] = []
    for f in sorted(report.findings, key=Finding.sort_key):
        if f.path:
            by_file.setdefault(f.path, []).append(f)
        elif f.commit:
            by_commit.setdefault(f.commit, []).append(f)
        else:
            general.append(f)

    blocks: list[list[str]] = []
    for path in sorted(by_file):
        blocks.append([paint(_BOLD, terminal(path))] + [l for f in by_file[path] for l in finding_lines(f)])
    for commit in sorted(by_commit):
        header = paint(_BOLD, "commit " + terminal(commit[:12]))
        blocks.append([header] + [l for f in by_commit[commit] for l in finding_lines(f)])
    if general:
        blocks.append([paint(_BOLD, "this change")] + [l for f in general for l in finding_lines(f)])

    lines: list[str] = []
    for block in blocks:
        lines.extend(block)
        lines.append("")
    for note in report.notes:
        lines.append(paint(_DIM, "note: ") + terminal(note))
    lines.append(summary_line(report))
    return no_commands("\n".join(lines)) + "\n"  # a path like `::error::x` printed in CI is text
