"""Markdown for reviewers: the job summary and the sticky PR/MR comment.

Findings are grouped by kind (secrets, insecure code, dependencies, identity, caps), most
severe first, one table row each with location, rule, CWE and fix. Every untrusted piece
goes through `escape.markdown` or `escape.markdown_code` (snippets), so a hostile path,
commit message or PR title cannot inject HTML, links, @mentions or table cells.
`max_chars` keeps a comment under the forge's size limit (GitHub: 65,536): rows that do
not fit are counted, with a pointer to where the full list is.
"""

from __future__ import annotations

from tightrope.findings import Finding, Report
from tightrope.report.common import cwe_ids, ways_out
from tightrope.report.escape import markdown, markdown_code

KIND_HEADINGS = {
    "secret": "Secrets",
    "pattern": "Insecure code",
    "dependency": "Dependencies",
    "identity": "Who wrote it (identity)",
    "caps": "Agent caps",
}
_HEADER = "| severity | where | rule | finding | CWE | fix |\n|---|---|---|---|---|---|"
_RESERVE = 6000  # room kept for the pointer, the notes and the footer
_MAX_NOTES = 20
_SEVERITY_ICON = {"critical": "🟣", "high": "🔴", "medium": "🟠", "low": "🔵", "info": "⚪"}


def _where(f: Finding) -> str:
    if f.path:
        loc = markdown(f.path)
        return f"{loc}:{f.line}" if f.line > 0 else loc
    if f.commit:
        return f"commit {markdown(f.commit[:12])}"
    return "this change"


def _row(f: Finding) -> str:
    text = markdown(f.message or f.title or f.rule_id)
    if f.snippet:
        text += "<br>" + markdown_code(f.snippet)
    severity = f"{_SEVERITY_ICON[str(f.severity)]} {f.severity}" + (" **blocking**" if f.blocking else "")
    cwe = ", ".join(cwe_ids(f.cwe))
    return f"| {severity} | {_where(f)} | {markdown_code(f.rule_id)} | {text} | {cwe} | {markdown(f.help)} |"


def headline(report: Report) -> str:
    s = report.summary()
    if not s["findings"]:
        return "✅ **tightrope**: no findings"
    kinds = ", ".join(f"{n} {KIND_HEADINGS.get(k, k).lower()}" for k, n in sorted(s["by_kind"].items()))
    mark = "❌" if s["blocking"] else "⚠️"
    return f"{mark} **tightrope**: {s['findings']} finding(s), {s['blocking']} blocking ({kinds})"


def render(report: Report, *, title: str = "", max_chars: int = 0, more_where: str = "the job summary") -> str:
    out = (f"### {markdown(title)}\n" if title else "") + headline(report) + "\n"
    findings = sorted(report.findings, key=lambda f: (-f.severity, not f.blocking, f.sort_key()))
    omitted = 0
    for kind, heading in KIND_HEADINGS.items():
        rows = [_row(f) for f in findings if f.kind == kind]
        if not rows:
            continue
        block, shown = f"\n#### {heading} ({len(rows)})\n\n{_HEADER}\n", 0
        for row in rows:
            if max_chars and len(out) + len(block) + len(row) + _RESERVE > max_chars:
                break
            block, shown = block + row + "\n", shown + 1
        omitted += len(rows) - shown
        if shown:
            out += block
    if omitted:
        out += f"\n…and {omitted} more finding(s) not shown here: see {markdown(more_where)}.\n"
    if report.notes:
        notes = report.notes[:_MAX_NOTES]
        out += "\n<details><summary>Notes: what could not be scanned fully</summary>\n\n"
        out += "".join(f"- {markdown(n)}\n" for n in notes)
        if len(report.notes) > len(notes):
            out += f"- …and {len(report.notes) - len(notes)} more\n"
        out += "\n</details>\n"
    s = report.summary()
    scanned = (markdown(report.checked) if report.checked
               else f"{s['files_scanned']} file(s), {s['lines_scanned']} line(s) scanned")
    out += f"\n<sub>{scanned}; {s['suppressed']} suppressed</sub>\n"
    ways = ways_out(report.findings)
    if ways:
        out += "\n" + "<br>\n".join(_inline(way) for way in ways) + "\n"
    return out


def _inline(text: str) -> str:
    """Plain text with `code` spans: the prose escaped, each span as inline code."""
    parts = text.split("`")
    return "".join(markdown_code(p) if i % 2 else markdown(p) for i, p in enumerate(parts))
