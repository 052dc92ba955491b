"""GitLab secret-detection report (`artifacts:reports:secret_detection`), schema 15.x.

Only secret findings go here (the rest are in Code Quality). Unlike GitLab's own analyser
the report carries no `raw_source_code_extract`: a finding holds only the redacted preview,
so the raw value cannot reach the artifact. Findings without a commit point at "0000000",
as GitLab's analyser does outside history scans.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from tightrope import __version__
from tightrope.findings import Finding, Report, Severity
from tightrope.report.common import cwe_ids
from tightrope.report.escape import json_dumps, terminal

SCHEMA_VERSION = "15.0.7"
SEVERITY = {Severity.INFO: "Info", Severity.LOW: "Low", Severity.MEDIUM: "Medium",
            Severity.HIGH: "High", Severity.CRITICAL: "Critical"}
_TOOL = {"id": "tightrope", "name": "tightrope", "version": __version__, "vendor": {"name": "tightrope"}}


def _vulnerability(f: Finding) -> dict:
    vid = hashlib.sha256(f"tightrope/gl-secret/v1\0{f.fingerprint}\0{f.commit}\0{f.line}".encode()).hexdigest()
    identifiers = [{"type": "tightrope_rule_id", "name": terminal(f.title or f.rule_id), "value": f.rule_id}]
    identifiers += [{"type": "cwe", "name": cwe, "value": cwe.split("-", 1)[1],
                     "url": f"https://cwe.mitre.org/data/definitions/{cwe.split('-', 1)[1]}.html"}
                    for cwe in cwe_ids(f.cwe)]
    vuln = {
        "id": f"{vid[:8]}-{vid[8:12]}-{vid[12:16]}-{vid[16:20]}-{vid[20:32]}",
        "category": "secret_detection",
        "name": terminal(f.title or f.rule_id),
        "description": terminal(f.message + (f" in `{f.snippet}`" if f.snippet else "")),
        "severity": SEVERITY[f.severity],
        "confidence": str(f.confidence).capitalize(),
        "scanner": {"id": "tightrope", "name": "tightrope"},
        "identifiers": identifiers,
        "location": {"file": f.path, "start_line": max(f.line, 1), "end_line": max(f.end_line, f.line, 1),
                     "commit": {"sha": f.commit or "0000000"}},
    }
    if f.help:
        vuln["solution"] = terminal(f.help)
    return vuln


def render(report: Report, *, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S")
    secrets = [f for f in sorted(report.findings, key=Finding.sort_key) if f.kind == "secret" and f.path]
    return json_dumps({
        "version": SCHEMA_VERSION,
        "scan": {"analyzer": _TOOL, "scanner": _TOOL, "type": "secret_detection",
                 "start_time": stamp, "end_time": stamp, "status": "success",
                 "messages": [{"level": "warn", "value": terminal(n)} for n in report.notes]},
        "vulnerabilities": [_vulnerability(f) for f in secrets],
    })
