"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

One run; `tool.driver.rules` holds one reportingDescriptor per distinct rule_id among the
findings (sorted), carrying what GitHub shows: shortDescription (the title), help (the fix
hint, text and markdown), `properties.tags` (security, CWE, external/cwe/cwe-N, the
finding's own tags such as OWASP categories), `properties["security-severity"]` (GitHub's
bands: 9.5 critical, 8.0 high, 5.5 medium, 3.0 low, 0.0 info) and `properties.precision`.

Results carry `partialFingerprints["tightrope/v2"]` (our line-shift-stable fingerprint),
the relative path percent-encoded per RFC 3986 under uriBaseId %SRCROOT%, and the region
with the already-redacted snippet. SARIF forbids line 0, so a finding without a line gets
no region, and a finding without a path (identity findings about a commit, change-wide
caps) gets a logicalLocation instead of a physicalLocation. GitHub code scanning rejects
results that have no physical location; a front end that uploads to it can pass
`locationless=False`, which moves those findings into the run's notifications instead.

Notes (skipped files, degraded modes) go into
`runs[0].invocations[0].toolExecutionNotifications` so that they are shown too.
"""

from __future__ import annotations

from urllib.parse import quote

from tightrope import __version__
from tightrope.findings import Confidence, Finding, Report, Severity
from tightrope.report.common import cwe_ids
from tightrope.report.escape import json_dumps

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "tightrope/v2"
SRCROOT = "%SRCROOT%"

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (RFC 3986).

    Everything but unreserved characters and "/" is percent-encoded ("%" itself, spaces,
    ":" which would otherwise read as a scheme, "#", "?", non-ASCII as UTF-8 octets, and
    undecodable bytes carried by surrogateescape as the original byte).
    """
    return quote(path.lstrip("/").encode("utf-8", "surrogateescape"), safe="/")


def _cwe_tags(cwes: list[str]) -> list[str]:
    tags: list[str] = []
    for cwe in cwes:
        tags += [cwe, f"external/cwe/cwe-{cwe.split('-', 1)[1]}"]
    return tags


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _rule(rule_id: str, findings: list[Finding]) -> dict:
    severity = max(f.severity for f in findings)
    confidence = max(f.confidence for f in findings)
    title = next((f.title for f in findings if f.title), "") or rule_id
    fix = next((f.help for f in findings if f.help), "")
    cwes = cwe_ids(c for f in findings for c in f.cwe)
    tags = _unique(["security", *_cwe_tags(cwes), *(t for f in findings for t in f.tags)])

    help_text = fix or title
    markdown = [f"**{title}**", ""]
    if fix:
        markdown += [f"Fix: {fix}", ""]
    if cwes:
        markdown.append(", ".join(
            f"[{c}](https://cwe.mitre.org/data/definitions/{c.split('-', 1)[1]}.html)" for c in cwes))
    return {
        "id": rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title} ({findings[0].kind})"},
        "help": {"text": help_text, "markdown": "\n".join(markdown).strip()},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": PRECISION[confidence],
            "kind": findings[0].kind,
        },
    }


def _location(f: Finding) -> dict:
    if not f.path:
        if f.commit:
            logical = {"name": f.commit, "fullyQualifiedName": f"commit/{f.commit}", "kind": "commit"}
        else:
            logical = {"name": "change", "fullyQualifiedName": "change", "kind": "change"}
        return {"logicalLocations": [logical]}
    physical: dict = {"artifactLocation": {"uri": artifact_uri(f.path), "uriBaseId": SRCROOT}}
    if f.line > 0:
        region: dict = {"startLine": f.line, "endLine": max(f.end_line, f.line)}
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(f: Finding, rule_index: int) -> dict:
    properties: dict = {
        "kind": f.kind,
        "severity": str(f.severity),
        "confidence": str(f.confidence),
        "blocking": f.blocking,
    }
    if f.commit:
        properties["commit"] = f.commit
    if f.author:
        properties["author"] = f.author
    if f.date:
        properties["date"] = f.date
    if f.present_at_head is not None:
        properties["presentAtHead"] = f.present_at_head
    result: dict = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f.message or f.title or f.rule_id},
        "locations": [_location(f)],
        "properties": properties,
    }
    if f.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    return result


def to_dict(report: Report, *, locationless: bool = True) -> dict:
    findings = sorted(report.findings, key=Finding.sort_key)
    notes = list(report.notes)
    if not locationless:
        for f in findings:
            if not f.path:
                where = f"commit {f.commit}" if f.commit else "this change"
                notes.append(f"{str(f.severity).upper()} {f.rule_id} ({where}): {f.message or f.title}")
        findings = [f for f in findings if f.path]

    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    rule_ids = sorted(by_rule)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}

    invocation: dict = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": note}} for note in notes
        ]
    run = {
        "tool": {
            "driver": {
                "name": "tightrope",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r, by_rule[r]) for r in rule_ids],
            }
        },
        "invocations": [invocation],
        "results": [_result(f, index[f.rule_id]) for f in findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, locationless: bool = True) -> str:
    return json_dumps(to_dict(report, locationless=locationless))
