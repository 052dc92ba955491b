"""GitHub workflow commands: one annotation per finding on the exact line.

    ::error file=src/app.py,line=12,endLine=12,title=secret.openai-api-key (blocking)::OpenAI API key added ...

GitHub shows at most 10 annotations of each level per step and 50 per job; beyond that
they are dropped silently. So findings are ordered most severe first, each level gets at
most `per_level` lines, the total stays within `per_job`, and when some do not fit the
last slot of their level says how many more there are and where to read them. Critical
and high findings are errors, medium warnings, low and info notices. The report's notes
(what was not scanned, degraded modes) come first, as one warning, so no budget can drop
them. Every untrusted piece is escaped for the part of the command it lands in
(`escape.workflow_*`).
"""

from __future__ import annotations

from tightrope.findings import Finding, Report, Severity
from tightrope.report.common import cwe_ids, plain_lines
from tightrope.report.escape import workflow_data, workflow_property

PER_LEVEL = 10
PER_JOB = 50
LEVELS = ("error", "warning", "notice")
MORE_WHERE = "the job summary and the SARIF report (code scanning) list every finding"


def level(f: Finding) -> str:
    if f.severity >= Severity.HIGH:
        return "error"
    return "warning" if f.severity == Severity.MEDIUM else "notice"


def _command(f: Finding) -> str:
    props = []
    if f.path:
        props.append(f"file={workflow_property(f.path)}")
        if f.line > 0:
            props.append(f"line={f.line}")
            props.append(f"endLine={max(f.end_line, f.line)}")
    title = f.rule_id + (" (blocking)" if f.blocking else "")
    props.append(f"title={workflow_property(title)}")
    first, *rest = plain_lines(f)
    parts = [f"[{f.severity}] {first}", *rest]
    if cwe_ids(f.cwe):
        parts.append(", ".join(cwe_ids(f.cwe)))
    return f"::{level(f)} {','.join(props)}::{workflow_data(*parts)}"


def render(report: Report, *, per_level: int = PER_LEVEL, per_job: int = PER_JOB) -> str:
    """The workflow commands for one step; `per_job` is what is left of the job's budget."""
    ordered = sorted(report.findings, key=lambda f: (-f.severity, not f.blocking, f.sort_key()))
    by_level: dict[str, list[Finding]] = {name: [] for name in LEVELS}
    for f in ordered:
        by_level[level(f)].append(f)
    lines: list[str] = []
    budget = per_job
    if report.notes:
        title = f"tightrope: {len(report.notes)} note" + ("s" if len(report.notes) > 1 else "")
        lines.append(f"::warning title={workflow_property(title)}::{workflow_data(*report.notes)}")
        budget -= 1
    for name in LEVELS:
        findings = by_level[name]
        room = min(per_level - (name == "warning" and bool(report.notes)), budget)
        if room <= 0:
            if findings:  # no annotation slot left at all: plain log text still says so
                lines.append(workflow_data(f"tightrope: {len(findings)} more {name}s not annotated; {MORE_WHERE}"))
            continue
        shown = findings if len(findings) <= room else findings[:room - 1]
        lines.extend(_command(f) for f in shown)
        if len(shown) < len(findings):
            rest = len(findings) - len(shown)
            lines.append(f"::{name} title=tightrope::{workflow_data(f'{rest} more {name}-level findings not annotated here (GitHub shows {per_level} per level); {MORE_WHERE}')}")
        budget -= min(len(findings), room)
    return "\n".join(lines) + ("\n" if lines else "")
