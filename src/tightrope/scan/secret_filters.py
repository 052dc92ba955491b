"""What looks like a secret but is not: the one place for false-positive filters.

Pure functions, stdlib only (detect-secrets' own heuristic filters are called from
`secrets.py`, lazily, for the matches that reach them). Three levels:

- file:  lock files (integrity hashes, resolved URLs) -> only specific detectors run;
- span:  regions of a line that hold no secret (SRI integrity hashes, SOPS `ENC[...]`,
         SSH public keys, Ansible vault, sealed-secrets ciphertext) -> masked;
- value: placeholders, documented example keys, digests, UUIDs, references to the
         environment, low entropy.

A token whose checksum verified is never dropped by a filter here.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections import Counter

from tightrope.lazy_regex import lazy

# ------------------------------------------------------------------------ files

LOCK_FILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
    "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "go.sum", "Gemfile.lock",
    "composer.lock", "Podfile.lock", "Package.resolved", "packages.lock.json", "flake.lock",
    "mix.lock", "pubspec.lock", "Brewfile.lock.json", "Cartfile.resolved", "gradle.lockfile",
    "conda-lock.yml", "deno.lock",
})


def is_lock_file(path: str) -> bool:
    return os.path.basename(path) in LOCK_FILES


# ------------------------------------------------------------------------ spans

_MASKS = lazy(
    r"sha(?:1|224|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}"  # SRI integrity (npm, yarn, pnpm)
    r"|\bh1:[A-Za-z0-9+/]{20,}={0,2}"  # go.sum
    r"|ENC\[[A-Z0-9_]+,[^\]]*\]"  # SOPS
    r"|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)"
    r"\s+AAAA[A-Za-z0-9+/]+={0,3}"  # SSH public keys
    r"|\bAg[A-Za-z0-9+/]{300,}={0,2}"  # sealed-secrets ciphertext (always starts with Ag)
)
_WHOLE_LINE_MARKERS = (
    "$ANSIBLE_VAULT;", "!vault |", "!vault|",
    "BEGIN PUBLIC KEY", "BEGIN RSA PUBLIC KEY", "BEGIN CERTIFICATE", "BEGIN PGP PUBLIC KEY BLOCK",
    "BEGIN PGP SIGNATURE", "BEGIN SSH SIGNATURE", "BEGIN PGP MESSAGE",
)


def masked_spans(line: str) -> list[tuple[int, int]]:
    """Regions of `line` that are known not to be secrets."""
    for marker in _WHOLE_LINE_MARKERS:
        if marker in line:
            return [(0, len(line))]
    if not any(c in line for c in ("sha", "h1:", "ENC[", "ssh-", "ecdsa-", "Ag")):
        return []
    return [m.span() for m in _MASKS.finditer(line)]


def overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    a, b = span
    return any(a < d and c < b for c, d in spans)


_SEALED_HEADER = lazy(r"^(\s*)encryptedData:\s*$")


class EncryptedBlock:
    """Tracks a YAML `encryptedData:` mapping (Bitnami sealed secrets) across lines:
    the indented entries under it are ciphertext."""

    def __init__(self) -> None:
        self.indent: int | None = None
        self.last_number: int | None = None

    def inside(self, number: int, text: str) -> bool:
        if self.indent is not None:
            contiguous = self.last_number is not None and number == self.last_number + 1
            stripped = text.lstrip(" ")
            if contiguous and stripped and len(text) - len(stripped) > self.indent:
                self.last_number = number
                return True
            self.indent = None
        m = _SEALED_HEADER.match(text)
        if m:
            self.indent = len(m.group(1))
            self.last_number = number
        return False


# ------------------------------------------------------------------------ values

PLACEHOLDER_WORDS = (
    "your", "example", "placeholder", "changeme", "change_me", "change-me", "replace", "dummy",
    "sample", "redacted", "insert", "xxxx", "****", "....", "<", ">", "${", "{{", "%(", "%s",
    "...", "…", "todo", "fixme", "_here", "-here", "notreal", "not_real", "not-real", "fake", "secret_key_base",
    # a value that names what it is, is a label, not a credential ("my-client-secret")
    "password", "passwd", "secret", "apikey", "api_key", "api-key", "token", "private",
)
PLACEHOLDER_VALUES = frozenset({
    "password", "passwd", "pass", "pwd", "secret", "token", "apikey", "api_key", "key", "changeme",
    "none", "null", "nil", "true", "false", "undefined", "empty", "default", "string", "str",
    "required", "optional", "test", "testing", "admin", "root", "guest", "user", "username",
    "postgres", "mysql", "redis", "letmein", "qwerty", "hunter2", "foobar", "foo", "bar", "abc",
})
# Documented example credentials without an obvious marker, by SHA-256 (never the value).
KNOWN_EXAMPLES_SHA256 = frozenset({
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",  # Stripe docs' sk_test_… test key
    "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",  # Stripe docs' pk_test_… test key
    "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",  # Stripe docs' sk_test_… test key
    "1771c2baae978eb4f573d9896da378674ce652f1f5006dc156ce6cecf400276a",  # the Supabase CLI's local-stack sb_secret_… key (its random part)
})
_ENV_REFERENCE = lazy(
    r"os\.environ|os\.getenv|getenv\(|process\.env\b|import\.meta\.env|ENV\[|ENV\.fetch|System\.getenv"
    r"|Deno\.env|env\(|secrets\.[A-Za-z_]|vars\.[A-Za-z_]|\$\{\{|\{\{\s*\.|valueFrom:|secretKeyRef"
    r"|config\[|settings\.|\bvault\(|lookup\(",
)
_TEMPLATED = lazy(r"^(?:\$\{[^}]*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_]+%|\{\{.*\}\}|<[^>]*>|\{[^}]*\}|\[[^\]]*\])$")
_UUID = lazy(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_DIGEST_CONTEXT = lazy(r"sha\d*|digest|checksum|commit|revision|\brev\b|hash|integrity|etag|md5", re.IGNORECASE)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def is_known_example(value: str) -> bool:
    import hashlib  # here: the hook's start-up pays for it only when a value gets this far

    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest() in KNOWN_EXAMPLES_SHA256


def is_placeholder(value: str) -> bool:
    """`YOUR_KEY`, `<token>`, `xxxxxxxx`, `${VAR}`, `changeme`, AWS's `…EXAMPLE…` keys."""
    low = value.lower()
    if low.strip("'\"`") in PLACEHOLDER_VALUES:
        return True
    if any(w in low for w in PLACEHOLDER_WORDS):
        return True
    if _TEMPLATED.match(value):
        return True
    body = re.sub(r"[^A-Za-z0-9]", "", value)
    if len(body) >= 8 and len(set(body.lower())) <= 3:  # aaaa…, 0000…, abab…
        return True
    return is_known_example(value)


def is_digest(value: str, line: str = "") -> bool:
    """Hex where the line says it is a digest (hash, sha…, checksum, integrity, commit…).

    Length alone says nothing: `secrets.token_hex(32)` (Flask's SECRET_KEY recipe) is as
    long as a SHA-256."""
    return bool(re.fullmatch(r"[0-9a-fA-F]{7,128}", value)) and bool(_DIGEST_CONTEXT.search(line))


_TESTS = (r"(?:^|/)(?:tests?|__tests__|spec|specs|testdata|test_data|fixtures?|mocks?)/"
          r"|(?:^|/)(?:test_[^/]*|[^/]*_test\.[^/]+|[^/]*\.(?:test|spec)\.[^/]+|conftest\.py)$")
_TEST_PATH = lazy(_TESTS, re.IGNORECASE)
_TEST_OR_DOC_PATH = lazy(_TESTS + r"|(?:^|/)(?:docs?|examples?|samples?)/|\.(?:md|markdown|rst|adoc|txt|ipynb)$",
                               re.IGNORECASE)


def is_test_or_doc_path(path: str) -> bool:
    """Tests, fixtures, docs and examples: values there are mostly illustrative."""
    return bool(_TEST_OR_DOC_PATH.search(path.replace("\\", "/")))


def is_test_path(path: str) -> bool:
    """Tests and their fixtures (not docs: a URL with a password in a README is a leak)."""
    return bool(_TEST_PATH.search(path.replace("\\", "/")))


def is_unsigned_jwt(token: str) -> bool:
    """A JWT whose header says `"alg": "none"`: no signature, nothing to forge or steal."""
    import json

    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and str(header.get("alg", "")).lower() == "none"


_FILE_PATH = lazy(r"(?:\.{0,2}/)?(?:[\w.-]+/)+[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,5}")


def is_file_path(value: str) -> bool:
    """`bench/secrets.py`, `./certs/key.pem`: a keyword followed by a path names a file, not a secret."""
    return bool(_FILE_PATH.fullmatch(value.strip()))


_PUBLIC_IDS = lazy(r"(?:SK|AC|AP|PN|MG|CA|SM|MM|IS|VA)[0-9a-f]{32}")  # Twilio resource SIDs


def is_public_identifier(value: str) -> bool:
    """Identifiers that look random but are not secret: Twilio's SIDs (`SK…` names an API
    key; the key's secret is a separate value)."""
    return bool(_PUBLIC_IDS.fullmatch(value))


def is_uuid(value: str) -> bool:
    return bool(_UUID.search(value))


def is_env_reference(value: str, line: str = "") -> bool:
    """The value is read from somewhere else: `os.environ[...]`, `process.env.X`, `${{ secrets.X }}`."""
    return bool(_ENV_REFERENCE.search(value)) or bool(_TEMPLATED.match(value))


def low_entropy(body: str, minimum: float) -> bool:
    if minimum <= 0:
        return False
    # a short body cannot reach a high per-character entropy: scale the bar down
    cap = math.log2(max(2, min(len(body), 64))) * 0.75
    return entropy(body) < min(minimum, cap)
