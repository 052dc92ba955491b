"""The shape of a detector, the checksum verdict, and the checksum helpers.

A detector is declarative: a regex, the literal keywords that must appear in a line for
the regex to be worth running (none: the token's own structure is the trigger, and the
regex runs over a file's whole added text in one pass), a severity, a fix hint, and optionally a `validate`
(checksum) and a `refine` (context) hook. `tightrope.scan.secrets` does the rest.

Never put a literal key-shaped string in this package: the repository is scanned by
itself and by the forges' push protection. Prefixes are spelled in pieces where needed.
"""

from __future__ import annotations

import enum
import re
import zlib
from collections.abc import Callable

from tightrope.charsets import ASCII_LOWERCASE, ASCII_UPPERCASE, DIGITS
from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import LazyRegex
from tightrope.records import RecordTuple

CWE_HARDCODED = ("CWE-798",)

BASE62 = DIGITS + ASCII_UPPERCASE + ASCII_LOWERCASE
BASE36 = DIGITS + ASCII_LOWERCASE

# Characters that continue a token: a match must not start or end inside a longer
# run of these (base64's `+` and `/` included, so a digest's tail is not a "token").
LEFT = r"(?<![A-Za-z0-9_+.-])"
RIGHT = r"(?![A-Za-z0-9_+/-])"


class Verdict(enum.Enum):
    VALID = "valid"  # checksum verified: report with HIGH confidence, no heuristics
    INVALID = "invalid"  # checksum wrong: not a real token, never reported
    UNKNOWN = "unknown"  # format has no checksum (or this one has none): heuristics decide


class Refined(RecordTuple):
    """What a `refine` hook decides about one match (return None to drop it)."""

    confidence: Confidence
    secret: str = ""  # the value to redact and to preview, if not the match itself
    fingerprint_value: str = ""  # what identifies it, if not `secret`
    severity: Severity | None = None


class Detector(RecordTuple):
    """One token format (`tests/test_detector_base.py` checks every registered one: a
    `secret.` rule id, non-empty lower-case keywords)."""

    rule_id: str
    title: str
    pattern: LazyRegex  # group "secret" is the value if present, else the whole match
    keywords: tuple[str, ...]  # lower-case literals; a line must contain one
    severity: Severity
    help: str
    validate: Callable[[str], Verdict] | None = None
    confidence: Confidence = Confidence.HIGH  # for UNKNOWN verdicts that pass the filters
    body_start: int = 0  # where the random part starts (skip the prefix for entropy)
    min_entropy: float = 3.0  # bits/char of the random part, UNKNOWN verdicts only
    placeholder_filter: bool = True  # drop `xxxx`, `your_key`, `<token>`… (UNKNOWN only)
    refine: Callable[[re.Match, str, str | None], Refined | None] | None = None
    show_preview: bool = True  # False: the message names the kind, not a preview
    anchor: str = ""  # no keywords: a fast regex every match contains (the whole-text prefilter)
    illustrative_in_tests: bool = False  # True: in a test path, a match is LOW confidence (never blocks)


def help_text(where: str) -> str:
    return (f"Revoke the credential at {where}, remove it from the change, and load it from "
            "the environment or a secret manager instead.")


# ---------------------------------------------------------------- checksum helpers

def encode(n: int, alphabet: str, width: int) -> str:
    """`n` in the positional alphabet (base62, base36…), left-padded with its zero digit."""
    out = ""
    while n:
        n, r = divmod(n, len(alphabet))
        out = alphabet[r] + out
    return out.rjust(width, alphabet[0])


def base62(n: int, width: int) -> str:
    return encode(n, BASE62, width)


def base36(n: int, width: int) -> str:
    return encode(n, BASE36, width)


def crc32(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogateescape")) & 0xFFFFFFFF


def crc32_base62_suffix(prefix_len: int, body_len: int = 30, check_len: int = 6) -> Callable[[str], Verdict]:
    """GitHub classic and npm: `<prefix><30 random base62><6 base62 of CRC32(random)>`."""

    def validate(token: str) -> Verdict:
        body = token[prefix_len:prefix_len + body_len]
        check = token[prefix_len + body_len:]
        if len(body) != body_len or len(check) != check_len:
            return Verdict.UNKNOWN
        return Verdict.VALID if base62(crc32(body), check_len) == check else Verdict.INVALID

    return validate
