"""What every scanner produces and every reporter renders.

A Finding never holds a secret's value: detectors redact before they build one
(`redact.preview`), and the fingerprint holds only a slow salted hash.
"""

from __future__ import annotations

import enum
import functools

from tightrope.records import Record, RecordTuple


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


# scrypt cost: ~10 ms and 4 MiB per fingerprint on one idle core (30 ms on a loaded CI
# runner), so a fingerprint cannot be used to test a word list quickly. See README
# "Fingerprints" for the measured trade-off.
_KDF = {"n": 2 ** 12, "r": 8, "p": 1, "dklen": 16}


@functools.lru_cache(maxsize=4096)
def fingerprint(rule_id: str, path: str, value: str) -> str:
    """Stable under line shifts and across machines: a slow salted hash of the value.

    The salt is the rule and the path (no per-machine or per-clone input), so every clone
    of a repository computes the same fingerprint and a committed baseline works for the
    whole team; the same value under two rules or in two files gives unrelated hashes.
    scrypt makes each guess cost what one fingerprint costs (a weak password is not
    recovered from a baseline, a JSON report or a SARIF upload with a word list in seconds).
    """
    import hashlib  # here: the hook's start-up pays for it only when there is a finding

    salt = f"tightrope/v2\0{rule_id}\0{path}".encode("utf-8", "surrogateescape")
    return hashlib.scrypt(value.encode("utf-8", "surrogateescape"), salt=salt, maxmem=64 * 2 ** 20, **_KDF).hex()


def public_fingerprint(rule_id: str, path: str, value: str) -> str:
    """For a finding named by what git already publishes (a blob or commit id), never by a
    secret: a plain SHA-256, not scrypt, since there is nothing to guess. A history scan
    names every binary blob it could not scan; scrypt made that ~10 ms a blob."""
    import hashlib

    data = f"tightrope/public\0{rule_id}\0{path}\0{value}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()[:32]


class _FindingFields(RecordTuple):
    rule_id: str
    kind: str
    severity: Severity
    confidence: Confidence
    path: str
    line: int
    message: str
    fingerprint: str
    end_line: int = 0  # 0: the finding's own line
    cwe: tuple[str, ...] = ()
    snippet: str = ""  # already redacted
    title: str = ""  # short rule name, for rule lists (SARIF, text headers)
    help: str = ""  # how to fix
    tags: tuple[str, ...] = ()  # e.g. OWASP categories
    commit: str = ""  # identity findings point at a commit; so do secrets found commit by commit
    blocking: bool = False  # set by the core from the policy
    author: str = ""  # the commit's author (history and per-commit scans)
    date: str = ""  # the commit's author date, ISO 8601
    present_at_head: bool | None = None  # is the value still at HEAD? None: not asked


class Finding(_FindingFields):
    """One finding, immutable (`finding._replace(...)` makes a changed copy)."""

    __slots__ = ()

    def __new__(cls, *args, **kwargs) -> "Finding":
        self = super().__new__(cls, *args, **kwargs)
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        return self if self.end_line else self._replace(end_line=self.line)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.rule_id)


class Report(Record):
    __slots__ = ("findings", "notes", "scanned_files", "scanned_lines", "suppressed", "checked")

    def __init__(self, findings: list[Finding] | None = None, notes: list[str] | None = None, scanned_files: int = 0,
                 scanned_lines: int = 0, suppressed: int = 0, checked: str = "") -> None:
        self.findings: list[Finding] = [] if findings is None else findings
        self.notes: list[str] = [] if notes is None else notes  # skipped files, degraded modes
        self.scanned_files = scanned_files
        self.scanned_lines = scanned_lines
        self.suppressed = suppressed
        self.checked = checked  # what was checked when it is not files and lines (verify: the commits)

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
