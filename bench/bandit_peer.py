"""Bandit as a peer row for the benchmarks: run it once over many in-memory files.

Bandit (PyCQA, Python only) is the usual "security linter" teams already run, so the
bench scores it on exactly the items and the diff-mode protocol tightrope gets. Its
findings carry a CWE (``issue_cwe``), which the bench maps to the same CWE families.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEVERITY_RANK = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}


@dataclass(frozen=True)
class BanditHit:
    test_id: str
    cwe: int
    severity: str
    confidence: str
    line: int
    end_line: int


def bandit_bin() -> str:
    here = Path(sys.executable).with_name("bandit")
    found = str(here) if here.exists() else shutil.which("bandit")
    if not found:
        raise SystemExit("bandit is not installed: pip install -e '.[bench]'")
    return found


def bandit_version() -> str:
    out = subprocess.run([bandit_bin(), "--version"], capture_output=True, text=True).stdout
    return out.split("\n", 1)[0].strip()


def run_bandit(files: dict[str, bytes]) -> tuple[dict[str, list[BanditHit]], int]:
    """Run Bandit (all tests, all severities, default profile) over `files` (relative path
    -> content) in one process. Returns hits by path and how many files Bandit could not parse."""
    hits: dict[str, list[BanditHit]] = {}
    with tempfile.TemporaryDirectory(prefix="tightrope-bandit-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        report = root / "bandit.json"
        subprocess.run([bandit_bin(), "-r", "-q", "-f", "json", "-o", str(report), str(root)],
                       capture_output=True, text=True)
        data = json.loads(report.read_text(encoding="utf-8"))
        for r in data.get("results", []):
            rel = Path(r["filename"]).resolve().relative_to(root.resolve()).as_posix()
            lines = r.get("line_range") or [r["line_number"]]
            hits.setdefault(rel, []).append(BanditHit(
                r["test_id"], int((r.get("issue_cwe") or {}).get("id") or -1), r["issue_severity"],
                r["issue_confidence"], min(lines), max(lines)))
        return hits, len(data.get("errors", []))
