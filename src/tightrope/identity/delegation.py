"""Signed delegation: a human grants an agent scoped, expiring authority; CI verifies it offline.

The statement is canonical JSON (sorted keys, no spaces):

    {"agent": "claude-code", "branches": ["agent/*"], "exp": 1767225600,
     "human": "Ada Lovelace <ada@example.com>", "iat": 1766620800, "nonce": "9f1c…",
     "paths": ["src/*"], "repo": "github.com/acme/app", "typ": "tightrope-delegation", "v": 1}

signed by the human with git's own SSH signing format and key:
`ssh-keygen -Y sign -n tightrope-delegation -f KEY`.

The token is one line, safe in an environment variable and in a trailer:

    tr1.<base64url(statement bytes)>.<base64url(SSHSIG blob)>

The SSHSIG blob is the binary inside ssh-keygen's armor (-----BEGIN SSH SIGNATURE-----),
re-armored for `ssh-keygen -Y verify`: the armor adds ~60 bytes and newlines, and carries
nothing. Base64url without padding keeps the token free of `=`, `+`, `/` and spaces. The
statement is verified as the exact bytes in the token, never re-serialised. `tr1` versions
the format.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path

from tightrope.errors import UsageError
from tightrope.identity.person import parse_person
from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

NAMESPACE = "tightrope-delegation"
PREFIX = "tr1"
TYP = "tightrope-delegation"
_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_DURATION = re.compile(r"^(?P<n>[0-9]+)(?P<unit>[mhdw])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_LIFETIME = 3660 * 86400  # ten years and change: no delegation is meant to live longer
MAX_TOKEN = 8192
_FINGERPRINT = re.compile(r"^SHA256:[A-Za-z0-9+/]{43}$")


class TokenError(ValueError):
    """A token that cannot be read; the message says why (never echoes the token)."""


@dataclass(frozen=True)
class Statement:
    human: str
    agent: str
    repo: str
    branches: tuple[str, ...]
    paths: tuple[str, ...]
    iat: int
    exp: int
    nonce: str  # the token's id: what a revocation list names
    agent_key: str = ""  # SHA256 fingerprint of the agent's commit-signing key, when bound

    @property
    def email(self) -> str:
        person = parse_person(self.human)
        return person[1] if person else ""

    def to_bytes(self) -> bytes:
        body = {"v": 1, "typ": TYP, "human": self.human, "agent": self.agent, "repo": self.repo,
                "branches": list(self.branches), "paths": list(self.paths), "iat": self.iat,
                "exp": self.exp, "nonce": self.nonce}
        if self.agent_key:
            body["agent_key"] = self.agent_key
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def branch_ok(self, branch: str) -> bool:
        return not self.branches or any(fnmatchcase(branch, g) for g in self.branches)

    def path_ok(self, path: str) -> bool:
        """git's glob pathspec semantics: `*` stays inside a directory, `**` crosses them."""
        from tightrope.wildmatch import match

        return not self.paths or any(match(g, path) for g in self.paths)


@dataclass(frozen=True)
class Token:
    statement: Statement
    statement_bytes: bytes
    signature: bytes  # the SSHSIG blob

    def armored(self) -> str:
        b64 = base64.b64encode(self.signature).decode()
        lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
        return "\n".join([_ARMOR_BEGIN, *lines, _ARMOR_END]) + "\n"


# --- encoding -----------------------------------------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64url(text: str, what: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise TokenError(f"the {what} part is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenError(f"the {what} part is not base64url")


def encode(statement_bytes: bytes, signature: bytes) -> str:
    return f"{PREFIX}.{_b64url(statement_bytes)}.{_b64url(signature)}"


def _statement(data: bytes) -> Statement:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TokenError("the statement is not JSON")
    if not isinstance(raw, dict) or raw.get("typ") != TYP or raw.get("v") != 1:
        raise TokenError("the statement is not a tightrope delegation (v1)")

    def text(key: str) -> str:
        v = raw.get(key)
        if not isinstance(v, str) or not v:
            raise TokenError(f"the statement's {key!r} is missing or not text")
        return v

    def globs(key: str) -> tuple[str, ...]:
        v = raw.get(key, [])
        if not isinstance(v, list) or not all(isinstance(g, str) and g for g in v):
            raise TokenError(f"the statement's {key!r} is not a list of globs")
        return tuple(v)

    def when(key: str) -> int:
        v = raw.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise TokenError(f"the statement's {key!r} is not a time")
        return v

    st = Statement(human=text("human"), agent=text("agent"), repo=text("repo"), branches=globs("branches"),
                   paths=globs("paths"), iat=when("iat"), exp=when("exp"), nonce=text("nonce"),
                   agent_key=text("agent_key") if "agent_key" in raw else "")
    if st.agent_key and not _FINGERPRINT.match(st.agent_key):
        raise TokenError("the statement's 'agent_key' is not an SSH key fingerprint (SHA256:…)")
    if not st.email:
        raise TokenError("the statement's human is not `Name <email>`")
    if st.exp <= st.iat:
        raise TokenError("the statement expires before it was issued")
    return st


def parse_token(token: str) -> Token:
    """Decode a token (no cryptography: that is `verify_signature`). Raises TokenError."""
    token = token.strip()
    if not token:
        raise TokenError("the token is empty")
    if len(token) > MAX_TOKEN:
        raise TokenError("the token is too long")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise TokenError(f"a token has the form {PREFIX}.STATEMENT.SIGNATURE")
    data = _unb64url(parts[1], "statement")
    signature = _unb64url(parts[2], "signature")
    if not signature.startswith(b"SSHSIG"):
        raise TokenError("the signature part is not an SSH signature")
    return Token(_statement(data), data, signature)


# --- the repository's identity ------------------------------------------------------------

def normalise_remote(url: str) -> str:
    """`git@github.com:Acme/App.git`, `https://tok@github.com/acme/app` -> `github.com/acme/app`."""
    u = url.strip()
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?(?P<host>[^/:]+)(?::[0-9]+)?/(?P<path>.*)$", u, re.I)
    if not m:
        m = re.match(r"^(?:[^@/]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)$", u)  # scp-like
    if not m:
        return "file:" + u.rstrip("/")
    path = m.group("path").strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return f"{m.group('host')}/{path}".lower()


def repository_id(root: StrPath, override: str = "") -> str:
    """What a token's `repo` names: `override` (--repository, the policy's
    identity.repository), TIGHTROPE_REPOSITORY, else origin's URL normalised. Never anything
    a change can alter (its commits or files): without any of these, a clear error."""
    from tightrope.gitio import run_git

    explicit = (override or os.environ.get("TIGHTROPE_REPOSITORY", "")).strip()
    if explicit:
        if re.match(r"^[^/:@\s]+\.[^/:@\s]+/\S+$", explicit):  # HOST/OWNER/NAME, as documented
            return normalise_remote("https://" + explicit)
        return normalise_remote(explicit) if ("/" in explicit or ":" in explicit) else explicit
    url = run_git(root, "config", "--get", "remote.origin.url", check=False).decode().strip()
    if url:
        return normalise_remote(url)
    raise UsageError("this repository has no origin remote to name it",
                     "pass --repository HOST/OWNER/NAME, set TIGHTROPE_REPOSITORY, or set identity.repository "
                     "in the policy on the target branch")


# --- signing ------------------------------------------------------------------------------

def parse_duration(text: str, now: int) -> int:
    """`7d`, `12h`, `30m`, `2w`, or an ISO date/time -> an epoch second after `now`, at
    most MAX_LIFETIME away (a token is a bearer credential; longer is a typo)."""
    m = _DURATION.match(text.strip())
    if m:
        seconds = int(m.group("n")) * _UNITS[m.group("unit")]
        if seconds <= 0:
            raise UsageError(f"--expires {text!r} is not in the future", "for example --expires 7d")
        when = now + seconds
    else:
        try:
            dt = datetime.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(f"--expires {text!r} is not a duration or a date",
                             "use 30m, 12h, 7d, 2w or an ISO date such as 2030-01-31")
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        when = int(dt.timestamp())
        if when <= now:
            raise UsageError(f"--expires {text!r} is in the past", "give a later date or a duration such as 7d")
    if when - now > MAX_LIFETIME:
        raise UsageError(f"--expires {text!r} is more than {MAX_LIFETIME // 86400} days away",
                         "a delegation is a bearer credential: give days or weeks (the policy's "
                         "identity.max_lifetime, 30d by default, is what verify accepts)")
    return when


def _ssh_keygen(args: list[str], input: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["ssh-keygen", *args], input=input, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("ssh-keygen is not installed or not on PATH", "install OpenSSH (8.2 or newer)")
    except subprocess.TimeoutExpired:
        raise UsageError("ssh-keygen did not answer (waiting for a passphrase?)",
                         "load the key into ssh-agent (`ssh-add KEY`) and pass its .pub file as --key")


def sign(statement: Statement, key: str) -> str:
    """Sign with `ssh-keygen -Y sign`; `key` is a private key file, a .pub file whose private
    half is in ssh-agent, or git's `key::ssh-… AAAA…` literal. Returns the token."""
    data = statement.to_bytes()
    with tempfile.TemporaryDirectory(prefix="tightrope-") as tmp:
        if key.startswith("key::"):
            path = Path(tmp) / "signing_key.pub"
            path.write_text(key[len("key::"):].strip() + "\n")
        else:
            path = Path(os.path.expanduser(key))
            if not path.is_file():
                raise UsageError(f"signing key {key} not found", "pass --key PATH or set `git config user.signingkey PATH`")
        proc = _ssh_keygen(["-q", "-Y", "sign", "-n", NAMESPACE, "-f", str(path)], input=data)
    out = proc.stdout.decode(errors="replace")
    if proc.returncode != 0 or _ARMOR_BEGIN not in out:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"ssh-keygen could not sign with {key}: {detail[-1] if detail else 'unknown error'}",
                         "use an SSH key (ed25519 or RSA) without a passphrase prompt, or load it into ssh-agent")
    body = out.split(_ARMOR_BEGIN, 1)[1].split(_ARMOR_END, 1)[0]
    return encode(data, base64.b64decode("".join(body.split())))


def make(human: str, agent: str, repo: str, branches: tuple[str, ...], paths: tuple[str, ...],
         expires: str, key: str, now: int | None = None, agent_key: str = "") -> str:
    now = int(time.time()) if now is None else now
    statement = Statement(human=human, agent=agent, repo=repo, branches=branches, paths=paths, iat=now,
                          exp=parse_duration(expires, now), nonce=secrets.token_hex(12), agent_key=agent_key)
    return sign(statement, key)


def key_fingerprint(public_key: str) -> str:
    """`SHA256:…` of an SSH public key file (or a private key file: ssh-keygen reads either)."""
    path = Path(os.path.expanduser(public_key))
    if not path.is_file():
        raise UsageError(f"agent key {public_key} not found", "pass the agent's public key file, e.g. agent.pub")
    proc = _ssh_keygen(["-l", "-E", "sha256", "-f", str(path)])
    fields = proc.stdout.decode(errors="replace").split()
    if proc.returncode != 0 or len(fields) < 2 or not _FINGERPRINT.match(fields[1]):
        raise UsageError(f"{public_key} is not an SSH public key", "pass the agent's commit-signing key (.pub)")
    return fields[1]


# --- verifying ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    rule: str = ""  # delegation-bad-signature | delegation-unknown-signer | delegation-wrong-signer
    message: str = ""


def verify_signature(token: Token, allowed_signers: Path, at: int) -> SignatureCheck:
    """`ssh-keygen -Y verify` of the statement by its human, against the allowed-signers file,
    with the key's validity judged at `at` (the commit's date)."""
    email = token.statement.email
    stamp = datetime.fromtimestamp(at, timezone.utc).strftime("%Y%m%d%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="tightrope-") as tmp:
        sig = Path(tmp) / "statement.sig"
        sig.write_text(token.armored())
        proc = _ssh_keygen(["-Y", "verify", "-f", str(allowed_signers), "-I", email, "-n", NAMESPACE,
                            "-s", str(sig), f"-Overify-time={stamp}"], input=token.statement_bytes)
        if proc.returncode == 0:
            return SignatureCheck(True)
        found = _ssh_keygen(["-Y", "find-principals", "-s", str(sig), "-f", str(allowed_signers),
                             f"-Overify-time={stamp}"])
    principals = found.stdout.decode(errors="replace").split() if found.returncode == 0 else []
    if principals and email not in principals:
        return SignatureCheck(False, "delegation-wrong-signer",
                              f"the delegation claims {token.statement.human} but was signed by the key of "
                              f"{', '.join(principals)}")
    if principals:
        return SignatureCheck(False, "delegation-bad-signature",
                              "the delegation's signature does not match its statement (tampered token)")
    if found.returncode != 0 and b"ould not" in found.stderr + proc.stderr and b"parse" in found.stderr + proc.stderr:
        return SignatureCheck(False, "delegation-bad-signature", "the delegation's signature is corrupt")
    return SignatureCheck(False, "delegation-unknown-signer",
                          f"the delegation's signing key is not in the allowed signers for {email} "
                          f"(or the signature was tampered with)")
