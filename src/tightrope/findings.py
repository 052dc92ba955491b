"""What every scanner produces and every reporter renders.

A Finding never holds a secret's value: detectors redact before they build one
(`redact.preview`), and the fingerprint holds only a keyed hash.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass, field, replace


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


class Confidence(enum.IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @classmethod
    def parse(cls, text: str) -> "Confidence":
        return cls[text.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


KINDS = ("secret", "pattern", "dependency", "identity", "caps")


def fingerprint(rule_id: str, path: str, value: str) -> str:
    """Stable under line shifts: rule + path + a keyed hash of the matched value.

    The key is per rule, so the same value under two rules gives unrelated hashes and a
    baseline file cannot be used as a lookup table across rules.
    """
    key = f"tightrope/v1/{rule_id}".encode()
    digest = hmac.new(key, f"{path}\0{value}".encode("utf-8", "surrogateescape"), hashlib.sha256)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str
    severity: Severity
    confidence: Confidence
    path: str
    line: int
    message: str
    fingerprint: str
    end_line: int = 0
    cwe: tuple[str, ...] = ()
    snippet: str = ""  # already redacted
    title: str = ""  # short rule name, for rule lists (SARIF, text headers)
    help: str = ""  # how to fix
    tags: tuple[str, ...] = ()  # e.g. OWASP categories
    commit: str = ""  # identity findings point at a commit
    blocking: bool = False  # set by the core from the policy

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if not self.end_line:
            object.__setattr__(self, "end_line", self.line)

    def with_blocking(self, blocking: bool) -> "Finding":
        return replace(self, blocking=blocking)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.rule_id)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped files, degraded modes
    scanned_files: int = 0
    scanned_lines: int = 0
    suppressed: int = 0
    checked: str = ""  # what was checked when it is not files and lines (verify: the commits)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def summary(self) -> dict:
        by_kind: dict[str, int] = {}
        by_severity: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
            by_severity[str(f.severity)] = by_severity.get(str(f.severity), 0) + 1
        return {
            "findings": len(self.findings),
            "blocking": len(self.blocking),
            "suppressed": self.suppressed,
            "files_scanned": self.scanned_files,
            "lines_scanned": self.scanned_lines,
            "by_kind": by_kind,
            "by_severity": by_severity,
        }
