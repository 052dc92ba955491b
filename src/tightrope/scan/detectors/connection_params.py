"""Connection strings the URL and `Password=` detectors (`urls.py`) do not see: a password
as a query or property parameter of a JDBC or store URL (`jdbc:mysql://db/app?user=…&password=…`,
`jdbc:sqlserver://db:1433;user=…;password=…`, `mongodb://db/?password=…`), and Oracle's
`user/password@host:port/service` (EZConnect, `jdbc:oracle:thin:`, `sqlplus`). The password
is judged like a URL's: placeholders, `${VAR}`s and local hosts do not block."""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from .. import secret_filters
from tightrope.lazy_regex import lazy
from .base import Detector, Refined
from .urls import _SCHEMES, judge

_QUERY = lazy(r"(?<![A-Za-z0-9+.-])(?i:" + _SCHEMES + r")(?:\+[A-Za-z0-9_]+)?:(?://)?(?P<host>[^\s'\"`/;?]*)"
              r"[^\s'\"`]*?[?&;](?i:password|pwd)=(?P<secret>[^&;\s'\"`]{1,200})")
_ORACLE = lazy(r"(?<![\w$#/.-])(?P<user>[A-Za-z][\w$#]{0,29})/(?P<secret>[^\s@/'\"`]{1,128})"
               r"@(?://)?(?P<host>[A-Za-z0-9.-]+)(?::\d{1,5})?/[\w.$-]+")
_LOCAL = lazy(r"(?i)^(?:localhost|127\.[\d.]+|0\.0\.0\.0|[\w.-]*\.(?:local|test|example|invalid)|(?:[\w.-]+\.)?example\.(?:com|org|net))$")


def _query_password(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    password = match["secret"]
    if (len(password) < 4 or secret_filters.is_placeholder(password) or password.startswith(("$", "%", "{", "<"))
            or secret_filters.is_env_reference(password, line)):
        return None
    confidence = Confidence.LOW if _LOCAL.match(match["host"].split(":")[0]) else Confidence.MEDIUM
    return Refined(confidence, secret=password)


_HELP = ("Change the password on the server, remove it from the connection string, and build the string "
         "from the environment or a secret manager at run time.")

DETECTORS = [
    Detector(
        rule_id="secret.database-url-password", title="Password parameter in a connection URL",
        pattern=_QUERY, keywords=("password=", "pwd="), severity=Severity.HIGH, min_entropy=0.0,
        placeholder_filter=False, refine=_query_password, illustrative_in_tests=True, help=_HELP,
    ),
    Detector(
        rule_id="secret.database-url-password", title="Password in an Oracle connect string",
        pattern=_ORACLE, keywords=("sqlplus", "jdbc:oracle", "oracle", ":1521/", "@//"), severity=Severity.HIGH,
        min_entropy=0.0, placeholder_filter=False, refine=judge, illustrative_in_tests=True, help=_HELP,
    ),
]
