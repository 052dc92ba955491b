"""GitLab Code Quality (`artifacts:reports:codequality`): shown in the merge request on every tier.

A JSON array of issues in the Code Climate subset GitLab reads:

    [{"description": "...", "check_name": "secret.openai-api-key", "fingerprint": "<hex>",
      "severity": "blocker", "location": {"path": "src/app.py", "lines": {"begin": 12}}}]

GitLab matches issues between the base and head pipelines by fingerprint, so it must be
stable (built from the finding's line-independent fingerprint, never the line) and unique
in the file (a repeat of the same finding gets its occurrence number mixed in). Findings
about a commit or the whole change have no file: they point at line 1 of `.` . So do the
report's notes (what was not scanned, degraded modes), as `info` issues of the check
`tightrope.note`: the widget is where a reviewer looks.
"""

from __future__ import annotations

import hashlib

from tightrope.findings import Finding, Report, Severity
from tightrope.report.escape import json_dumps, terminal

SEVERITY = {Severity.INFO: "info", Severity.LOW: "minor", Severity.MEDIUM: "major",
            Severity.HIGH: "critical", Severity.CRITICAL: "blocker"}
NOTE_CHECK = "tightrope.note"


def unique_fingerprints(findings: list[Finding]) -> list[str]:
    """One stable id per finding: its fingerprint (and commit), plus a counter for repeats."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        base = f"{f.fingerprint}\0{f.commit}\0{f.rule_id}"
        n = seen[base] = seen.get(base, -1) + 1
        out.append(hashlib.sha256(f"tightrope/cq/v1\0{base}\0{n}".encode()).hexdigest()[:40])
    return out


def _description(f: Finding) -> str:
    text = f.message or f.title or f.rule_id
    if f.commit:
        text += f" (commit {f.commit[:12]})"
    if f.snippet:
        text += f": {f.snippet}"
    if f.help:
        text += f". Fix: {f.help}"
    return terminal(text)


def _issue(description: str, check: str, fingerprint: str, severity: str, path: str, line: int) -> dict:
    return {"type": "issue", "description": description, "check_name": check, "categories": ["Security"],
            "fingerprint": fingerprint, "severity": severity, "location": {"path": path, "lines": {"begin": line}}}


def render(report: Report) -> str:
    findings = sorted(report.findings, key=Finding.sort_key)
    issues = [_issue(_description(f), f.rule_id, fp, SEVERITY[f.severity], f.path or ".", max(f.line, 1))
              for f, fp in zip(findings, unique_fingerprints(findings))]
    issues += [_issue(terminal(note), NOTE_CHECK, hashlib.sha256(f"tightrope/cq/note/v1\0{note}".encode()).hexdigest()[:40],
                      "info", ".", 1)
               for note in dict.fromkeys(report.notes)]
    return json_dumps(issues)
