"""The grammar of the format catalogue (`catalog.py`): one `Format` per credential format,
turned into a `Detector` here, so adding a format is one table entry (plus its test, which
the catalogue test derives from the same entry).

A format's `shape` is literal text with runs in braces, e.g. `lin_api_{an:40}` or
`{hex:32}-us{d:1-2}`: `{alphabet:n}` or `{alphabet:min-max}`. With `names` the token has no
prefix of its own and counts only as the value assigned to one of those variable names
(case-insensitive, `_`, `-` or nothing between the words). Structure that a regex cannot
say (checksums, an encoded JSON payload) is a `check`: a small validator object the
catalogue test also uses to build a valid token.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

from tightrope.charsets import ASCII_LETTERS, ASCII_LOWERCASE, ASCII_UPPERCASE, DIGITS
from tightrope.findings import Confidence, Severity
from tightrope.lazy_regex import lazy
from tightrope.records import RecordTuple
from tightrope.redact import SHORT

from .. import secret_filters
from .ai_vendors import ASSIGN
from .base import LEFT, RIGHT, Detector, Refined, Verdict, crc32, help_text

ALPHABETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "xhex": "0123456789abcdefABCDEF",
    "an": ASCII_LETTERS + DIGITS,
    "lan": ASCII_LOWERCASE + DIGITS,
    "uan": ASCII_UPPERCASE + DIGITS,
    "b64u": ASCII_LETTERS + DIGITS + "_-",
    "b64": ASCII_LETTERS + DIGITS + "+/",
    "d": DIGITS,
    "b64p": ASCII_LETTERS + DIGITS + "+/=",
    "azs": ASCII_LETTERS + DIGITS + "_~.-",
    "b64x": ASCII_LETTERS + DIGITS + "+/_-",
    "pct": ASCII_LETTERS + DIGITS + "%",
    "sfdc": ASCII_LETTERS + DIGITS + "._",
    "bech": "023456789acdefghjklmnpqrstuvwxyz",
    "BECH": "023456789ACDEFGHJKLMNPQRSTUVWXYZ",
}
CLASSES = {
    "hex": "[0-9a-f]", "HEX": "[0-9A-F]", "xhex": "[0-9a-fA-F]", "an": "[A-Za-z0-9]", "lan": "[a-z0-9]",
    "uan": "[A-Z0-9]", "b64u": "[A-Za-z0-9_-]", "b64": "[A-Za-z0-9+/]", "b64p": "[A-Za-z0-9+/=]",
    "azs": "[A-Za-z0-9_~.-]", "b64x": "[A-Za-z0-9+/_-]", "pct": "[A-Za-z0-9%]", "sfdc": "[A-Za-z0-9._]", "d": "[0-9]",
    "bech": "[02-9ac-hj-np-z]", "BECH": "[02-9AC-HJ-NP-Z]",
}
_RUN = lazy(r"\{(?P<alpha>\w+):(?P<lo>\d+)(?:-(?P<hi>\d+))?\}")


class Run(RecordTuple):
    alphabet: str  # a key of ALPHABETS
    lo: int
    hi: int


Part = str | Run


@lru_cache(maxsize=None)  # a format's parts, read on each use of the entry
def parse_shape(shape: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    pos = 0
    for m in _RUN.finditer(shape):
        if m.start() > pos:
            parts.append(shape[pos:m.start()])
        if m["alpha"] not in ALPHABETS:
            raise ValueError(f"unknown alphabet {m['alpha']!r} in {shape!r}")
        lo = int(m["lo"])
        parts.append(Run(m["alpha"], lo, int(m["hi"] or lo)))
        pos = m.end()
    if pos < len(shape):
        parts.append(shape[pos:])
    return tuple(parts)


def shape_regex(parts: tuple[Part, ...]) -> str:
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(re.escape(p))
        else:
            out.append(CLASSES[p.alphabet] + ("{%d}" % p.lo if p.lo == p.hi else "{%d,%d}" % (p.lo, p.hi)))
    return "".join(out)


# ------------------------------------------------------------------ structure checks

class Crc32Hex(RecordTuple):
    """`<text>_<8 hex>`: the suffix is CRC32 of everything before the last `_`, its four
    bytes in `byte_order` as hex. Grafana (pkg/components/satokengen) writes the least
    significant byte first: `glsa_<32>_<crc32, little-endian>`."""

    upper: bool = False
    byte_order: str = "little"  # "little" or "big"

    def checksum(self, head: str) -> str:
        want = crc32(head).to_bytes(4, self.byte_order).hex()  # type: ignore[arg-type]
        return want.upper() if self.upper else want

    def __call__(self, token: str) -> Verdict:
        head, _, check = token.rpartition("_")
        return Verdict.VALID if check == self.checksum(head) else Verdict.INVALID


class Bech32:
    """BIP-173 bech32: `<hrp>1<data><6 checksum>` (age identities, Nostr nsec keys)."""

    def __call__(self, token: str) -> Verdict:
        low = token.lower()
        hrp, _, data = low.rpartition("1")
        alphabet = ALPHABETS["bech"]
        if not hrp or len(data) < 7 or any(c not in alphabet for c in data):
            return Verdict.INVALID
        values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [alphabet.index(c) for c in data]
        return Verdict.VALID if bech32_polymod(values) == 1 else Verdict.INVALID


def bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


class JsonPayload(RecordTuple):
    """One `sep`-separated segment (after the prefix) is base64 of a JSON object holding
    `keys` (Sentry org tokens, Grafana Cloud tokens, Mapbox secret tokens, 1Password
    service-account tokens). Anything else is not that vendor's token."""

    prefix: str
    keys: tuple[str, ...]
    sep: str = ""  # split the rest on it and take `index`; "" = the whole rest
    index: int = 0

    def payload(self, token: str) -> str:
        rest = token[len(self.prefix):]
        return rest.split(self.sep)[self.index] if self.sep else rest

    def __call__(self, token: str) -> Verdict:
        import json  # only when a payload-shaped token is found

        seg = self.payload(token)
        try:
            raw = base64.b64decode(seg.replace("-", "+").replace("_", "/") + "=" * (-len(seg) % 4))
            obj = json.loads(raw)
        except (binascii.Error, ValueError):
            return Verdict.INVALID
        return Verdict.VALID if isinstance(obj, dict) and all(k in obj for k in self.keys) else Verdict.INVALID


class B64Text(RecordTuple):
    """The part after `prefix` is base64 of text starting with `starts` (AWS Bedrock API keys)."""

    prefix: str
    starts: str

    def __call__(self, token: str) -> Verdict:
        seg = token[len(self.prefix):].rstrip("=")
        try:
            raw = base64.b64decode(seg + "=" * (-len(seg) % 4))
        except (binascii.Error, ValueError):
            return Verdict.INVALID
        return Verdict.VALID if raw.startswith(self.starts.encode()) else Verdict.INVALID


Check = Crc32Hex | Bech32 | JsonPayload | B64Text


# a name ending in `_id` / `Id` (FOURSQUARE_CLIENT_ID, anypointOrgId) holds an identifier, however
# secret-shaped its value: a UUID project id is no Scaleway secret key
NOT_AN_ID = r"(?<![_.-][iI][dD])(?<![a-z0-9]Id)"
# the vendor's name starts a word or a camelCase part: `dd_api` is not inside AUDD_API_KEY
NAME_START = r"(?:(?<![A-Za-z0-9])|(?<=[a-z])(?=[A-Z]))"


# vendor words too common in code to wake the scanner on their own: their full names are the keywords
_COMMON_WORDS = frozenset({"azure", "beamer", "bitbucket", "brave", "checkout", "cursor", "data", "devops", "discord", "drone",
                           "github", "jenkins", "linear", "looker", "octopus", "particle", "private", "pusher",
                           "segment", "sentry", "shortcut", "stability", "together", "trello", "twitter"})


# the words a variable name adds after the vendor's own: `<vendor>_api_key`, `<vendor>_client_secret`
_ROLE_WORDS = frozenset({"access", "api", "apikey", "app", "application", "auth", "bearer", "client", "consumer", "dev",
                         "developer", "enc", "encryption", "key", "license", "pass", "passphrase", "password", "pat",
                         "pk", "private", "sdk", "secret", "server", "sign", "sk", "token", "write"})


def name_keywords(names: tuple[str, ...]) -> tuple[str, ...]:
    """The vendor's part of each name (the words before the first role word: `api`, `key`,
    `secret`…) as it can be written: a distinctive one-word vendor (`datadog`) is keyword
    enough; a vendor of several words (`request_finance`) is those words joined by `_`, `-`
    or nothing (`requestFinance` lower-cases to the last); a vendor word too common in code
    on its own (`linear`, `checkout`) takes the whole name."""
    out: list[str] = []
    for n in names:
        pieces = n.split("_")
        vendor = pieces
        for i, piece in enumerate(pieces):
            if piece in _ROLE_WORDS:
                vendor = pieces[:i]
                break
        if len(vendor) == 1 and len(vendor[0]) >= 5 and vendor[0] not in _COMMON_WORDS:
            out.append(vendor[0])
        else:
            words = vendor if len(vendor) > 1 and len("".join(vendor)) >= 5 else pieces
            out += ("_".join(words), "-".join(words), "".join(words))
    return tuple(dict.fromkeys(out))


# ------------------------------------------------------------------ the entry

class Format(RecordTuple):
    rule: str  # rule id without `secret.`
    title: str
    shape: str
    revoke: str  # where the owner revokes or rotates it
    severity: Severity = Severity.HIGH
    names: tuple[str, ...] = ()  # prefix-less: the variable names it must be assigned to
    keywords: tuple[str, ...] = ()  # default: the shape's leading literal, or `names`
    check: Check | None = None
    min_entropy: float = 3.0
    confidence: Confidence = Confidence.HIGH  # prefix-less entries default to MEDIUM

    @property
    def parts(self) -> tuple[Part, ...]:
        return parse_shape(self.shape)

    @property
    def max_len(self) -> int:
        return sum(len(p) if isinstance(p, str) else p.hi for p in self.parts)

    @property
    def prefix(self) -> str:
        return self.shape.split("{", 1)[0]  # the leading literal, without parsing the shape

    def _judge_body(self, match: re.Match, line: str, next_line: str | None) -> Refined | None:
        """Placeholders are judged on the random part: a vendor prefix may be a word
        (`secret_`, `sb_secret_`) that the whole-value placeholder check would reject."""
        value = match.group("secret") if self.names else match.group(0)
        return None if secret_filters.is_placeholder(value[len(self.prefix):]) else Refined(self._confidence)

    @property
    def _confidence(self) -> Confidence:
        return Confidence.MEDIUM if self.names and self.confidence is Confidence.HIGH else self.confidence

    def regex(self) -> str:
        body = shape_regex(self.parts)
        if self.names:
            words = "|".join(r"[_-]?".join(map(re.escape, n.split("_"))) for n in self.names)
            pattern = NAME_START + r"(?i:(?:" + words + r")\w*)" + NOT_AN_ID + ASSIGN + "(?P<secret>" + body + ")" + RIGHT
        else:
            pattern = LEFT + body + RIGHT
        if self.max_len < SHORT:  # the masker hides a value this short only where it stands whole: report it only there
            pattern += r"(?!\.)"
        return pattern

    @property
    def trigger_keywords(self) -> tuple[str, ...]:
        """What wakes the entry: `keywords`, else the vendor words of `names`, else the prefix."""
        return self.keywords or (name_keywords(self.names) if self.names else (self.prefix.lower(),))

    def detector(self) -> Detector:
        """The entry as a detector; its regex is written and compiled on first use (a hook run
        wakes a handful of the catalogue's hundreds of entries)."""
        return Detector(
            rule_id="secret." + self.rule, title=self.title, pattern=lazy(self.regex), keywords=self.trigger_keywords,
            severity=self.severity, help=help_text(self.revoke), validate=self.check, confidence=self._confidence,
            body_start=0 if self.names else len(self.prefix), min_entropy=self.min_entropy,
            placeholder_filter=False, refine=self._judge_body,
        )
