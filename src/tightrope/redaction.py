"""The report's redactor: no secret reaches a renderer, whichever scanner made the finding.

Redaction is a property of the report, not of one scanner. Before any renderer sees a
report, every finding's snippet and message (secret, pattern, dependency, identity, caps)
and every note pass through one `Masker` that knows:
- every value the secrets detectors find on the finding's source lines (when the caller
  knows them: the core does), in its snippet and in its message;
- every credential inside a URL (`user:pass@`, `__token__:…@`, `oauth2:…@`), read on the
  whole source line too, so a copy a truncated snippet cuts off is masked as well.
Each copy of a value is masked, widened to its whole credential-shaped run (see
`tightrope.redact`). Running it twice changes nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping

from tightrope.findings import Finding, Report
from tightrope.redact import URL_CREDENTIAL, Masker

# (commit, path) -> {line number: added line text}; commit is "" for a net diff.
Sources = Mapping[tuple[str, str], Mapping[int, str]]


def _source_lines(f: Finding, sources: Sources | None) -> list[str]:
    if not sources or f.line <= 0:
        return []
    lines = sources.get((f.commit, f.path)) or sources.get(("", f.path)) or {}
    return [lines[n] for n in range(f.line, max(f.end_line, f.line) + 1) if n in lines]


def redact(report: Report, sources: Sources | None = None) -> Report:
    """`report` with every snippet, message and note masked (in place; also returned).

    Each finding is masked with the values found in its own texts (source lines, snippet,
    message), each note with those in itself: one masker for the whole report would cost
    findings x values (a history with thousands of findings took minutes)."""
    if not report.findings and not report.notes:
        return report
    from tightrope.scan.secrets import secret_values

    found: dict[tuple[str, str], frozenset[str]] = {}

    def values_in(path: str, text: str) -> frozenset[str]:
        key = (path, text)
        if key not in found:
            # a URL's password read on the whole source line too, so that a copy cut off by
            # a truncated snippet (where the closing `@` is gone) is still masked
            found[key] = frozenset(secret_values(path, text)) | {m.group("password") for m in URL_CREDENTIAL.finditer(text)}
        return found[key]

    def masker(path: str, texts: Iterable[str]) -> Masker:
        return Masker(v for t in texts if t for v in values_in(path, t))

    masked = []
    for f in report.findings:
        m = masker(f.path, (*_source_lines(f, sources), f.snippet, f.message))
        masked.append(dataclasses.replace(f, snippet=m.mask(f.snippet), message=m.mask(f.message)))
    report.findings = masked
    report.notes = [masker("", (n,)).mask(n) for n in report.notes]
    return report
