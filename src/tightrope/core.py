"""check(changes, policy) -> Report. Knows no front end, no forge, no reporter."""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Iterable

from tightrope.diff import FileChange
from tightrope.findings import Finding, Report
from tightrope.gitio import ChangeSet
from tightrope.policy import Policy
from tightrope.suppress import inline_allowed

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from tightrope import caps

SCANNERS = ("secrets", "patterns", "dependencies")


def _excluded(path: str, globs: Iterable[str]) -> bool:
    return any(fnmatchcase(path, g) or fnmatchcase(path, g.rstrip("/") + "/*") for g in globs)


def _skip_notes(changes: list[FileChange]) -> list[str]:
    notes = []
    for c in changes:
        if c.skipped:
            notes.append(f"{c.path}: skipped ({c.skipped})")
        elif c.status == "deleted":
            notes.append(f"{c.path}: skipped (deleted file: nothing added)")
        if c.undecodable_lines:
            notes.append(f"{c.path}: {c.undecodable_lines} added line(s) are not UTF-8; scanned with replacement characters")
    return notes


def _secrets_own_credentials(raw: list[Finding]) -> list[Finding]:
    """The secrets scanner owns secrets: a pattern rule's hard-coded-credential finding on a
    line where a secret was found says the same thing twice, so it is dropped."""
    secret_lines = {(f.path, f.line) for f in raw if f.kind == "secret"}
    return [f for f in raw if not (f.kind == "pattern" and "CWE-798" in f.cwe and (f.path, f.line) in secret_lines)]


def apply_policy(finding: Finding, policy: Policy) -> Finding:
    override = policy.rules.get(finding.rule_id)
    blocking, severity = finding.blocking, finding.severity
    if override is not None:
        blocking = blocking if override.blocking is None else override.blocking
        severity = severity if override.severity is None else override.severity
    return dataclasses.replace(finding, severity=severity, blocking=blocking and severity >= policy.fail_on)


def check(
    changeset: ChangeSet,
    policy: Policy,
    *,
    scanners: Iterable[str] = SCANNERS,
    baseline: frozenset[str] | set[str] = frozenset(),
) -> Report:
    scanners = set(scanners)
    report = Report(notes=list(changeset.notes))
    report.notes += _skip_notes(changeset.changes)
    scannable = [c for c in changeset.changes if c.is_scannable and c.added]
    files = [c for c in scannable if not _excluded(c.path, policy.exclude)]
    if len(files) < len(scannable):
        left_out = len(scannable) - len(files)
        report.notes.append(f"the policy's `exclude` left out {left_out} file{'' if left_out == 1 else 's'}")
    report.scanned_files = len(files)
    report.scanned_lines = sum(len(c.added) for c in files)

    raw: list[Finding] = []
    if "secrets" in scanners:
        from tightrope.scan import secrets

        for c in files:
            raw += secrets.scan_lines(c.path, c.added)
    if "dependencies" in scanners:
        from tightrope.scan import dependencies

        for c in files:
            raw += dependencies.scan_lines(c.path, c.added, policy)
    if "patterns" in scanners and policy.patterns:
        from tightrope.scan import patterns

        found, notes = patterns.scan(changeset, files, policy)
        raw += found
        report.notes += notes

    with_findings = {f.path for f in raw}  # a line table for those files only, not the whole diff
    lines = {c.path: {a.number: a.text for a in c.added} for c in files if c.path in with_findings}
    for f in _secrets_own_credentials(raw):
        if f.rule_id in policy.disable or any(fnmatchcase(f.rule_id, d) for d in policy.disable):
            continue
        if f.fingerprint in baseline:
            report.suppressed += 1
            continue
        file_lines = lines.get(f.path, {})
        verdicts = [inline_allowed(f, file_lines.get(n, "")) for n in range(f.line, f.end_line + 1)]
        if True in verdicts:
            report.suppressed += 1
            continue
        report.notes += [v for v in verdicts if isinstance(v, str)]
        report.findings.append(apply_policy(f, policy))
    report.findings.sort(key=Finding.sort_key)
    return report


def check_caps(facts: "caps.PullFacts", pulls: "caps.AgentPulls | None", policy: Policy,
               now: "datetime") -> Report:
    """The safe-output caps of one PR/MR, with the policy's rule overrides applied."""
    from tightrope import caps

    found, notes = caps.check(facts, pulls, policy, now)
    report = Report(notes=notes, scanned_files=len(facts.files or ()))
    report.findings = sorted((apply_policy(f, policy) for f in found
                              if not any(fnmatchcase(f.rule_id, d) for d in policy.disable)), key=Finding.sort_key)
    return report
