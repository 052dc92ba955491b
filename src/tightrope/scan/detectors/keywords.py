"""Keyword assignments: a secret-sounding name given a literal value, and the ladder that
decides whether the finding blocks.

    find(path, line) -> [(name, value span)]       # `DB_PASSWORD = "…"`, `password: …`
    judge(path, name, value, line) -> Rung | None  # None: not a secret

Written here rather than called from detect-secrets' KeywordDetector: importing any
detect-secrets module imports the whole package (and `requests`), 0.1-0.5 s on a hook
that should cost a few ms whenever a line says `password`. The names follow
detect-secrets' denylist (plus `token`); as there, code files need a quoted literal and
config files (.env, YAML, INI, TOML, properties, extension-less `credentials`/`config`)
take a bare value.

The ladder (documented in the README, "What blocks"):
- strong: >= 12 characters, >= 3.0 bits/char, and either three character classes, or
  >= 20 characters at >= 3.5 bits/char, or >= 32 hex digits; not in a test or docs path
  -> HIGH severity, HIGH confidence: blocks at the default `fail_on = "high"`;
- the same value in a test/docs path, or >= 12 characters at >= 3.0 bits/char otherwise
  -> MEDIUM severity, MEDIUM confidence (reported, does not block);
- anything else that survives the filters -> MEDIUM severity, LOW confidence.
"""

from __future__ import annotations

import functools
import os
import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from tightrope.records import RecordTuple
from .. import secret_filters as sf

RULE_ID = "secret.keyword"
TITLE = "Hard-coded secret"
HELP = ("Remove the value from the change and read it from the environment or a secret manager; "
        "if it was ever real, rotate it.")

# lower-case literals, one of which a line must contain (the prefilter's words)
TRIGGERS = (
    "api_key", "apikey", "api-key", "auth_key", "authkey", "service_key", "servicekey", "account_key", "accountkey",
    "db_key", "dbkey", "database_key", "databasekey", "priv_key", "privkey", "private_key", "privatekey",
    "client_key", "clientkey", "db_pass", "dbpass", "database_pass", "databasepass", "key_pass", "keypass",
    "password", "passwd", "pwd", "secret", "token", "contraseña", "contrasena",
)
_NAMES = (r"api[_-]?key|auth[_-]?key|service[_-]?key|account[_-]?key|db[_-]?key|database[_-]?key|priv(?:ate)?[_-]?key"
          r"|client[_-]?key|db[_-]?pass|database[_-]?pass|key[_-]?pass|password|passwd|pwd|secret|token|contrase[ñn]a")
# the keyword (where the search starts: a literal, fast), the rest of the name, an optional
# closing quote/bracket, an assignment operator (never `==`, `!=`, `::`)
# a name's first letter, looked ahead for: `re` then skips to a candidate start (2x faster)
_FIRST = "(?=[" + "".join(sorted({c for name in _NAMES.split("|") for c in (name[0], name[0].upper())})) + "])"
_LHS = (_FIRST + r"(?i:" + _NAMES + r")[\w.-]*[\"'\]]{0,2}\s*(?:=>|:=|(?<![=!<>])=(?!=)|:(?![:/]))\s*")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$@-")
_QUOTED = r"(?:@|[rbuf]{0,2})(?P<q>[\"'`])(?P<value>[^\s\"'`\\][^\"'`\n\\]{0,499})(?P=q)"
_BARE = r"(?P<bare>[^\s\"'`,;]{1,500})"  # `#` starts a comment only after a space


@functools.lru_cache(maxsize=2)
def _pattern(config: bool) -> re.Pattern:
    return re.compile(_LHS + (f"(?:{_QUOTED}|{_BARE})" if config else _QUOTED))


_CONFIG_EXT = frozenset({".yaml", ".yml", ".ini", ".cfg", ".conf", ".toml", ".properties", ".env", ".envrc",
                         ".tfvars", ".hcl", ".npmrc", ".pypirc", ".netrc", ".cnf", ".txt"})
_CONFIG_NAMES = frozenset({"credentials", "config", ".env", ".npmrc", ".pypirc", ".netrc", ".pgpass", "dockerfile"})


def is_config_path(path: str) -> bool:
    """Files whose values are bare (`password: x`, `PASSWORD=x`), not quoted literals in code."""
    base = os.path.basename(path).lower()
    stem, ext = os.path.splitext(base)
    return (base in _CONFIG_NAMES or ext in _CONFIG_EXT or base.startswith(".env.") or base.endswith(".env")
            or stem in _CONFIG_NAMES and ext in (".example", ".sample", ".local"))


class Match(RecordTuple):
    name: str
    start: int
    end: int


def find(path: str, line: str) -> list[Match]:
    out = []
    for m in _pattern(is_config_path(path)).finditer(line):
        start = m.start()
        while start > 0 and line[start - 1] in _NAME_CHARS:
            start -= 1
        name = line[start:m.start()] + re.match(r"[\w.-]*", line[m.start():]).group(0)
        group = "value" if m.group("value") is not None else "bare"
        out.append(Match(name, *m.span(group)))
    return out


class Rung(RecordTuple):
    severity: Severity
    confidence: Confidence


STRONG = Rung(Severity.HIGH, Confidence.HIGH)
MEDIUM = Rung(Severity.MEDIUM, Confidence.MEDIUM)
WEAK = Rung(Severity.MEDIUM, Confidence.LOW)

_PROSE = lazy(r"[A-Za-z0-9]+(?:[:,.'!?()-]*\s+[A-Za-z0-9()]+)+[.!?]?")
_ENV_NAME = lazy(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_ATTRIBUTE = lazy(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+(?:\(\))?")
_CALL = lazy(r"[A-Za-z_$][\w$.]*\(.*\)?")
_NUMBER = lazy(r"[\d.,:_-]+")
_ID_NAME = lazy(r"(?:^|[_.-])id$|[a-z]Id$|(?:^|[_.-])(?:ids|uuid|name|file|path|dir|url|uri|type|length|len|"
                      r"field|label|hint|prompt|placeholder|policy|rotation|ttl|expiry|expires|header|param|regex"
                      r"|template|env|var|arn|ref|count|size|min|max|sha|hash|digest|checksum)s?$", re.IGNORECASE)
# a regular expression or an interpolated string under a secret-sounding name is code
_REGEX_OR_TEMPLATE = lazy(r"\(\?[:=!<P]|\\[dwsbDWSB]|\[\^|\][*+?{]|\{\d+(?:,\d*)?\}|[$#]?\{[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:![rsa])?(?::[^{}]*)?\}")
_SEQUENTIAL = lazy(r"0123456|1234567|abcdefg|qwerty", re.IGNORECASE)


def _classes(value: str) -> int:
    return sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
                any(not c.isalnum() for c in value)))


def is_strong(value: str) -> bool:
    """High entropy, long enough, varied enough to be a generated credential."""
    if len(value) < 12 or any(c.isspace() for c in value):
        return False
    h = sf.entropy(value)
    if h < 3.0:
        return False
    return (_classes(value) >= 3 or (len(value) >= 20 and h >= 3.5)
            or (len(value) >= 32 and bool(re.fullmatch(r"[0-9a-fA-F]+", value))))


def judge(path: str, name: str, value: str, line: str) -> Rung | None:
    """Where on the ladder a keyword value stands; None when it is not a secret at all."""
    v = value.strip()
    if (len(v) < 6 or _ID_NAME.search(name) or sf.is_placeholder(v) or sf.is_uuid(v) or sf.is_env_reference(v, line)
            or sf.is_digest(v, line) or sf.is_file_path(v) or _NUMBER.fullmatch(v) or _CALL.fullmatch(v)
            or _ATTRIBUTE.fullmatch(v) or _PROSE.fullmatch(v) or _ENV_NAME.fullmatch(v) or _SEQUENTIAL.search(v)
            or v.startswith(("$", "%", "@", "{")) or not any(c.isalnum() for c in v) or sf.is_unsigned_jwt(v)
            or sf.is_public_identifier(v) or _REGEX_OR_TEMPLATE.search(v)):
        return None
    if len(v.split()) >= 3:
        return None  # a sentence or a command line, not a credential
    if re.search(r"(?:==|!=)\s*[\"'`]?" + re.escape(v), line):
        return None  # a comparison, not an assignment
    if is_strong(v):
        return MEDIUM if sf.is_test_or_doc_path(path) else STRONG
    return MEDIUM if len(v) >= 12 and sf.entropy(v) >= 3.0 else WEAK
