"""Credentials carried by an HTTP request written out in code: a token in a curl
command's `Authorization` (or API-key) header, and a signed trigger URL (Azure Logic
Apps / Power Automate, the Teams Workflows webhook), whose `sig=` parameter is the key.

Registered after every vendor family: a vendor's own token in a curl header is reported
under the vendor's rule, and this rule catches the rest. `Basic` credentials belong to
`basic_auth`; a JWT is left to the JWT rule, which knows unsigned ones.
"""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from .. import secret_filters
from tightrope.lazy_regex import lazy
from .base import RIGHT, Detector, Refined, help_text

_HEADER = lazy(
    r"\bcurl\b.*?\s(?:-H|--header)\s*=?\s*[\"']"
    r"(?i:authorization:\s*(?:bearer|token|bot|apikey|api-key)?|(?:x-)?api-?key:|x-auth-token:|private-token:)\s*"
    r"(?P<secret>[A-Za-z0-9._~+/=-]{16,512})(?=[\"'])"
)


def _header(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    value = match["secret"]
    if (value.startswith("eyJ") or secret_filters.is_placeholder(value)
            or secret_filters.is_env_reference(value, line)):
        return None
    return Refined(Confidence.MEDIUM)


_TRIGGER = lazy(
    r"https://prod-\d{1,3}\.[a-z0-9]{4,24}\.logic\.azure\.com(?::443)?/workflows/[0-9a-f]{32}/triggers/[\w.-]+"
    r"/paths/invoke\?[^\s\"'<>]*?\bsig=(?P<secret>[A-Za-z0-9_-]{43})" + RIGHT
)


def _trigger(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    return None if secret_filters.is_placeholder(match["secret"]) else Refined(Confidence.HIGH)


DETECTORS = [
    Detector(
        rule_id="secret.curl-auth-header", title="Token in a curl Authorization header",
        pattern=_HEADER, keywords=("curl",), severity=Severity.HIGH, min_entropy=3.5, refine=_header,
        illustrative_in_tests=True,
        help="Revoke the token where it was issued, remove it from the command, and pass it from the "
             "environment instead (`-H \"Authorization: Bearer $TOKEN\"`).",
    ),
    Detector(
        rule_id="secret.azure-logic-apps-trigger-url",
        title="Azure Logic Apps / Power Automate signed trigger URL (Teams Workflows webhook)",
        pattern=_TRIGGER, keywords=(".logic.azure.com",), severity=Severity.HIGH, min_entropy=3.5, refine=_trigger,
        help=help_text("the workflow (Power Automate or Logic Apps: regenerate the access keys, or delete the "
                       "trigger)"),
    ),
]
