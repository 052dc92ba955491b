"""HTTP basic-auth credentials: `https://user:pass@host` (also in Markdown and CI
variables), `Authorization: Basic base64(user:pass)`, Docker's `config.json` `"auth"`
field (base64 of `user:pass`, per Docker's docs), and `curl -u user:pass`.

A base64 value counts only when it decodes to `user:password` with a real password; URL
passwords go through the same judgement as connection URLs (`urls.judge`); URLs in test
files (URL parsers' test vectors) are illustrative and never block.
"""

from __future__ import annotations

import base64
import binascii
import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .. import secret_filters
from .base import Detector, Refined
from .urls import judge as judge_url

HELP = "Change the password, remove it from the change, and inject credentials at run time."
_B64 = r"(?P<secret>[A-Za-z0-9+/]{8,}={0,2})"


def _decoded_pair(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    try:
        text = base64.b64decode(match["secret"], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = text.partition(":")
    if not sep or not password.isprintable() or _weak(user, password):
        return None
    return Refined(Confidence.HIGH)


def _weak(user: str, password: str) -> bool:
    return (len(password) < 4 or password == user or secret_filters.is_placeholder(password)
            or password.startswith(("$", "%", "{")))


def _curl(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    if _weak(match["user"], match["secret"]) or secret_filters.is_env_reference(match["secret"], line):
        return None
    return Refined(Confidence.MEDIUM)


DETECTORS = [
    Detector(
        rule_id="secret.basic-auth", title="Password in a URL",
        pattern=lazy(r"(?<![A-Za-z0-9+.-])(?P<scheme>(?i:https?|wss?|git|ssh|svn(?:\+ssh)?|rsync|webdavs?|davs?))://"
                           r"(?P<user>[^:/@\s'\"`<>()\[\]]*):(?P<secret>[^@\s'\"`/()\[\]]{1,200})@"
                           r"(?P<host>[^\s'\"`/:@?,;()\[\]]+)"),
        keywords=("://",), severity=Severity.HIGH, min_entropy=0.0, placeholder_filter=False,
        refine=judge_url, illustrative_in_tests=True, help=HELP,
    ),
    Detector(
        rule_id="secret.basic-auth", title="HTTP basic-auth credentials",
        pattern=lazy(r"(?i:authorization)[\"']?\s*[:=,]\s*[\"']?(?i:basic)\s+" + _B64),
        keywords=("basic ",), severity=Severity.HIGH, min_entropy=0.0, refine=_decoded_pair,
        illustrative_in_tests=True, help=HELP,
    ),
    Detector(
        rule_id="secret.basic-auth", title="Registry credentials (Docker config auth)",
        pattern=lazy(r"\"auth\"\s*:\s*\"" + _B64 + "\""),
        keywords=('"auth"',), severity=Severity.HIGH, min_entropy=0.0, refine=_decoded_pair,
        illustrative_in_tests=True,
        help="Log out (`docker logout`), rotate the registry password or token, remove it from the change, "
             "and use a credential helper (`credsStore`) instead.",
    ),
    Detector(
        rule_id="secret.basic-auth", title="Password on a curl command line",
        pattern=lazy(r"\bcurl\b.*?\s(?:-u|--user)(?:\s+|=)?[\"']?(?P<user>[^\s:'\"`$]+):(?P<secret>[^\s'\"`]*[^\s'\"`.,;)])"),
        keywords=("curl",), severity=Severity.HIGH, min_entropy=0.0, placeholder_filter=False, refine=_curl,
        illustrative_in_tests=True, help=HELP,
    ),
]
