"""Private keys: PEM headers (RSA, DSA, EC, OPENSSH, PKCS#8, encrypted PKCS#8, SSH2),
PGP private key blocks, PuTTY key files, and base64 PKCS#12 key stores.

A header followed by key material (on the same line after `\\n`, or on the next added
line) is reported with HIGH confidence; a bare header (a constant in a parser, a
docstring) with LOW confidence, non-blocking. Encrypted keys are MEDIUM severity.
"""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .base import Detector, Refined

_KEY = "PRIVATE" + " KEY"
_PATTERN = lazy(
    r"-----BEGIN[ ](?P<kind>(?:RSA |DSA |EC |OPENSSH |ENCRYPTED |SSH2 ENCRYPTED |)" + _KEY
    + r"|PGP " + _KEY + r" BLOCK)-----"
    r"|PuTTY-User-Key-File-[23]: "
)
_BODY_INLINE = lazy(r"(?:\\r)?\\n(?P<body>(?:[A-Za-z0-9+/=]|\\n|\\r|[:,\- ]){40,})")
_BODY_LINE = lazy(r"^\s*[\"']?(?P<body>[A-Za-z0-9+/=]{40,}|(?:Proc-Type|Version|Comment):.*)")


def _judge(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    encrypted = "ENCRYPTED" in (match["kind"] or "") or "Proc-Type: 4,ENCRYPTED" in (next_line or "")
    severity = Severity.MEDIUM if encrypted else None
    inline = _BODY_INLINE.match(line, match.end())
    if inline:
        body = inline["body"]
        return Refined(Confidence.HIGH, secret=body, fingerprint_value=body, severity=severity)
    rest = line[match.end():].strip()
    if match.group(0).startswith("PuTTY") and rest:
        return Refined(Confidence.HIGH, secret=match.group(0),
                       fingerprint_value=rest + (next_line or ""), severity=severity)
    nxt = _BODY_LINE.match(next_line or "")
    if nxt and not rest.strip("\"'`,;)"):
        return Refined(Confidence.HIGH, secret=match.group(0), fingerprint_value=nxt["body"], severity=severity)
    return Refined(Confidence.LOW, secret=match.group(0), severity=severity)


# RFC 7292: PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... }. DER
# `30 82 LL LL 02 01 03 30 82` in base64 is `MII` + 2 + one of AQgw + `IBAzCC`: a key store
# pasted into a CI variable or a config file. (A `.p12`/`.pfx` file itself is binary: see
# `tightrope.core`, which reports it by name under the same rule.)
PKCS12_RULE = "secret.pkcs12"
PKCS12_HELP = ("Treat the key store as compromised: revoke the certificate and rotate its private key, remove "
               "the file from the change (and history), and keep key stores in a secret manager.")
_PKCS12 = lazy(r"(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{2}[AQgw]IBAzCC[A-Za-z0-9+/]{50,}={0,2}(?![A-Za-z0-9+/=])")

DETECTORS = [
    Detector(
        rule_id="secret.private-key", title="Private key",
        pattern=_PATTERN, keywords=(_KEY.lower(), "putty-user-key-file"), severity=Severity.CRITICAL,
        min_entropy=0.0, placeholder_filter=False, refine=_judge, show_preview=False,
        help="Treat the key as compromised: revoke or rotate it wherever it is trusted, remove it from "
             "the change (and history), and load it from a secret manager or a file outside the repository.",
    ),
    Detector(
        rule_id=PKCS12_RULE, title="PKCS#12 key store (base64)", pattern=_PKCS12, keywords=("ibazcc",),
        severity=Severity.CRITICAL, min_entropy=4.0, placeholder_filter=False, show_preview=False, help=PKCS12_HELP,
    ),
]
