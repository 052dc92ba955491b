"""Accepted findings: inline `tightrope: allow <rule> <reason>` comments and the baseline file.

A baseline holds fingerprints only (a slow salted hash, no plaintext, no line numbers), so it
can be committed; a changed secret on a baselined line gets a new fingerprint and is
reported again.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase

from tightrope.errors import PolicyError
from tightrope.findings import Finding
from tightrope.lazy_regex import lazy

_ALLOW = lazy(r"tightrope:\s*allow\s+(?P<rules>[\w.*\-]+(?:\s*,\s*[\w.*\-]+)*)(?P<reason>[^\n]*)")
_DETECT_SECRETS_PRAGMA = "pragma: allowlist secret"
BASELINE_VERSION = 2  # 2: scrypt fingerprints (1 was a fast HMAC; regenerate)


def inline_allowed(finding: Finding, line_text: str) -> bool | str:
    """True if the line allows this finding; a note (str) if it tries to but gives no reason."""
    if finding.kind == "secret" and _DETECT_SECRETS_PRAGMA in line_text:
        return True
    m = _ALLOW.search(line_text)
    if not m:
        return False
    rules = [r.strip() for r in m.group("rules").split(",")]
    if not any(fnmatchcase(finding.rule_id, r) for r in rules):
        return False
    if not m.group("reason").strip(" \t#-*/>").strip():
        return f"{finding.path}:{finding.line}: `tightrope: allow {m.group('rules')}` needs a reason; not applied"
    return True


def parse_baseline(raw: bytes, name: str) -> set[str]:
    """The fingerprints of a baseline file's bytes; PolicyError when it is not one."""
    import json  # here: most hook runs read no baseline

    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("version") != BASELINE_VERSION or not isinstance(data.get("fingerprints"), list):
            raise ValueError("unexpected shape")
        return {str(fp) for fp in data["fingerprints"]}
    except (ValueError, AttributeError) as e:
        raise PolicyError(f"baseline {name} is not a tightrope baseline ({e})",
                          "regenerate it with `tightrope baseline`")


def write_baseline(path: str | os.PathLike[str], findings: list[Finding]) -> int:
    import json

    fingerprints = sorted({f.fingerprint for f in findings})
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    body = {"version": BASELINE_VERSION, "generated_by": "tightrope baseline", "fingerprints": fingerprints}
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(body, indent=2) + "\n")
    return len(fingerprints)
