"""Code forges and package registries: GitHub, GitLab, npm, PyPI.

Checksums: GitHub classic tokens and npm tokens end with the CRC32 of their 30 random
characters in base62 (6 chars). GitLab's routable tokens (`<prefix><base64url>.<ver>.<len>`)
end with the CRC32 of everything before it in base36 (7 chars). PyPI tokens are macaroons:
their structure (version byte, fields, 32-byte signature) is checked after decoding.
"""

from __future__ import annotations

import base64
import binascii
import re

from tightrope.findings import Severity

from tightrope.lazy_regex import lazy
from .base import LEFT, RIGHT, Detector, Verdict, base36, crc32, crc32_base62_suffix, help_text

C = Severity.CRITICAL

_ROUTABLE = lazy(r"(?P<head>.+)\.(?P<ver>[0-9a-z]{2})\.(?P<len>[0-9a-z]{2})(?P<crc>[0-9a-z]{7})\Z")
_GITLAB_TAIL = r"[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?"


def gitlab_verdict(token: str) -> Verdict:
    """Routable tokens carry a CRC32 (base36, 7 chars); legacy 20-char ones carry none."""
    m = _ROUTABLE.match(token)
    if not m:
        return Verdict.UNKNOWN
    encoded = token[:-7]
    return Verdict.VALID if base36(crc32(encoded), 7) == m["crc"] else Verdict.INVALID


_PYPI_PREFIXES = ("pypi-" + "AgEIcHlwaS5vcmc", "pypi-" + "AgENdGVzdC5weXBpLm9yZw")


def pypi_verdict(token: str) -> Verdict:
    """A PyPI token is `pypi-` + an unpadded base64url macaroon (v2): version byte 2 and
    a 32-byte signature field (type 6) at the end. A well-formed one is VALID; anything
    else is left to the heuristics (the prefix alone is unambiguous)."""
    body = token[5:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return Verdict.UNKNOWN
    if raw[:1] == b"\x02" and len(raw) > 40 and raw[-34:-32] == b"\x06\x20":
        return Verdict.VALID
    return Verdict.UNKNOWN


_GITHUB_PREFIXES = tuple("gh" + c + "_" for c in "pousr")

DETECTORS = [
    Detector(
        rule_id="secret.github-classic-token", title="GitHub token",
        pattern=lazy(LEFT + r"gh[pousr]_[A-Za-z0-9]{36}" + RIGHT),
        keywords=_GITHUB_PREFIXES, severity=C, body_start=4, validate=crc32_base62_suffix(4),
        help=help_text("https://github.com/settings/tokens"),
    ),
    Detector(
        rule_id="secret.github-fine-grained-token", title="GitHub fine-grained personal access token",
        pattern=lazy(LEFT + "github" + r"_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" + RIGHT),
        keywords=("github" + "_pat_",), severity=C, body_start=11,
        help=help_text("https://github.com/settings/personal-access-tokens"),
    ),
    Detector(
        rule_id="secret.gitlab-personal-access-token", title="GitLab personal access token",
        pattern=lazy(LEFT + "glpat-" + _GITLAB_TAIL + RIGHT),
        keywords=("glpat-",), severity=C, body_start=6, validate=gitlab_verdict,
        help=help_text("your GitLab instance (User settings > Access tokens)"),
    ),
    Detector(
        rule_id="secret.gitlab-deploy-token", title="GitLab deploy token",
        pattern=lazy(LEFT + "gldt-" + _GITLAB_TAIL + RIGHT),
        keywords=("gldt-",), severity=Severity.HIGH, body_start=5, validate=gitlab_verdict,
        help=help_text("your GitLab project (Settings > Repository > Deploy tokens)"),
    ),
    Detector(
        rule_id="secret.gitlab-runner-token", title="GitLab runner authentication token",
        pattern=lazy(LEFT + "glrt-" + _GITLAB_TAIL + RIGHT),
        keywords=("glrt-",), severity=Severity.HIGH, body_start=5, validate=gitlab_verdict,
        help=help_text("your GitLab instance (CI/CD > Runners: reset the token)"),
    ),
    Detector(
        rule_id="secret.gitlab-token", title="GitLab token",
        pattern=lazy(LEFT + r"(?:glft|glsoat|glcbt|gloas|glimt|glptt|glagent|glwt|glffct)-"
                           + _GITLAB_TAIL + RIGHT),
        keywords=("glft-", "glsoat-", "glcbt-", "gloas-", "glimt-", "glptt-", "glagent-", "glwt-", "glffct-"),
        severity=Severity.HIGH, body_start=5, validate=gitlab_verdict,
        help=help_text("your GitLab instance"),
    ),
    Detector(
        rule_id="secret.npm-token", title="npm access token",
        pattern=lazy(LEFT + r"npm_[A-Za-z0-9]{36}" + RIGHT),
        keywords=("npm_",), severity=C, body_start=4, validate=crc32_base62_suffix(4),
        help=help_text("https://www.npmjs.com/settings/~/tokens"),
    ),
    Detector(
        rule_id="secret.pypi-token", title="PyPI API token",
        pattern=lazy(LEFT + "(?:" + "|".join(map(re.escape, _PYPI_PREFIXES)) + r")[A-Za-z0-9_-]{50,}" + RIGHT),
        keywords=tuple(p.lower() for p in _PYPI_PREFIXES), severity=C, body_start=20, validate=pypi_verdict,
        help=help_text("https://pypi.org/manage/account/token/"),
    ),
]
