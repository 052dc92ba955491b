"""Read JSON reports (the `json` format) back into one Report, for `tightrope publish`.

CI runs scan, verify and caps as separate commands; reviewers get one combined view.
"""

from __future__ import annotations

import json
from pathlib import Path

from tightrope.errors import UsageError
from tightrope.findings import Confidence, Finding, Report, Severity


def finding_from_dict(d: dict) -> Finding:
    return Finding(
        rule_id=str(d["rule_id"]), kind=str(d["kind"]), severity=Severity.parse(d["severity"]),
        confidence=Confidence.parse(d["confidence"]), path=str(d["path"]), line=int(d["line"]),
        message=str(d["message"]), fingerprint=str(d["fingerprint"]), end_line=int(d.get("end_line") or 0),
        cwe=tuple(d.get("cwe") or ()), snippet=str(d.get("snippet") or ""), title=str(d.get("title") or ""),
        help=str(d.get("help") or ""), tags=tuple(d.get("tags") or ()), commit=str(d.get("commit") or ""),
        blocking=bool(d.get("blocking")),
    )


def load(paths: list[str | Path]) -> Report:
    """One report from several: findings and notes concatenated (exact repeats once), counts summed."""
    merged = Report()
    seen: set[Finding] = set()
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            findings = [finding_from_dict(d) for d in data["findings"]]
            summary = data.get("summary", {})
        except OSError as e:
            raise UsageError(f"cannot read report {path}: {e.strerror}", "give the JSON file a check wrote")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UsageError(f"{path} is not a tightrope JSON report",
                             "write it with `--format json --output FILE` (scan, verify or caps)")
        for f in findings:
            if f not in seen:
                seen.add(f)
                merged.findings.append(f)
        merged.notes.extend(str(n) for n in data.get("notes", []))
        merged.scanned_files += int(summary.get("files_scanned", 0))
        merged.scanned_lines += int(summary.get("lines_scanned", 0))
        merged.suppressed += int(summary.get("suppressed", 0))
    return merged
