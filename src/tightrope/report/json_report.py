"""Machine-readable JSON: a stable shape that other tools rely on.

The shape is written down in `tightrope-report.schema.json` beside this module (JSON
Schema 2020-12) and the tests check the output against it. Changing a field means
changing that file too; adding one is a minor change, removing or retyping one is a
breaking change.

    {
      "version": "<tightrope version>",
      "findings": [ {rule_id, kind, severity, confidence, path, line, end_line, message,
                     cwe, fingerprint, snippet, title, help, blocking, commit, tags,
                     author, date, present_at_head}, ... ],
      "notes": ["skipped binary file ...", ...],
      "summary": {findings, blocking, suppressed, files_scanned, lines_scanned,
                  by_kind, by_severity}
    }

Findings are sorted by (path, line, rule_id); severity and confidence are lowercase
strings; `line` is 0 for findings about a commit or the whole change (then `path` is
usually ""). Snippets are redacted by the scanners; nothing is added here.
"""

from __future__ import annotations

from tightrope import __version__
from tightrope.findings import Finding, Report
from tightrope.report.common import cwe_ids
from tightrope.report.escape import json_dumps

SCHEMA_FILE = "tightrope-report.schema.json"


def finding_dict(f: Finding) -> dict:
    return {
        "rule_id": f.rule_id,
        "kind": f.kind,
        "severity": str(f.severity),
        "confidence": str(f.confidence),
        "path": f.path,
        "line": f.line,
        "end_line": f.end_line,
        "message": f.message,
        "cwe": cwe_ids(f.cwe),
        "fingerprint": f.fingerprint,
        "snippet": f.snippet,
        "title": f.title,
        "help": f.help,
        "blocking": f.blocking,
        "commit": f.commit,
        "tags": list(f.tags),
        "author": f.author,
        "date": f.date,
        "present_at_head": f.present_at_head,
    }


def to_dict(report: Report) -> dict:
    return {
        "version": __version__,
        "findings": [finding_dict(f) for f in sorted(report.findings, key=Finding.sort_key)],
        "notes": list(report.notes),
        "summary": report.summary(),
    }


def render(report: Report) -> str:
    return json_dumps(to_dict(report))
