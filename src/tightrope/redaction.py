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

from collections.abc import Mapping

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
    """`report` with every snippet, message and note masked (in place; also returned)."""
    texts: list[tuple[str, str]] = []  # (path, text) to look for secrets in
    for f in report.findings:
        texts += [(f.path, t) for t in (*_source_lines(f, sources), f.snippet, f.message) if t]
    texts += [("", n) for n in report.notes if n]
    if not texts:
        return report
    from tightrope.scan.secrets import secret_values

    values: set[str] = set()
    for path, text in dict.fromkeys(texts):
        values.update(secret_values(path, text))
        # a URL's password read on the whole source line, so that a copy cut off by a
        # truncated snippet (where the closing `@` is gone) is still masked
        values.update(m.group("password") for m in URL_CREDENTIAL.finditer(text))
    masker = Masker(values)
    report.findings = [f._replace(snippet=masker.mask(f.snippet), message=masker.mask(f.message))
                       for f in report.findings]
    report.notes = [masker.mask(n) for n in report.notes]
    return report
