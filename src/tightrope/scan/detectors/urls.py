"""Connection URLs with an inline password: postgres, mysql, mongodb(+srv), redis, amqp…,
and SQL Server / ODBC / ADO.NET connection strings with `Password=` (or `PWD=`).

`scheme://user:password@host`. Placeholder passwords (`password`, `changeme`, `${DB_PASS}`,
`<pass>`, `%s`, user == password) are skipped; a URL to localhost is reported at LOW
confidence (a local development default, not a leak) and does not block.
"""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .. import secret_filters
from .base import Detector, Refined

_SCHEMES = (r"postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle"
            r"|cockroachdb|clickhouse|couchdbs?|neo4j(?:\+s|\+ssc)?|bolt|memcached|ldaps?|smtps?|ftps?|sftp"
            r"|nats|kafka|snowflake|db2|jdbc:[a-z0-9]+")
_PATTERN = lazy(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>(?i:" + _SCHEMES + r")(?:\+[A-Za-z0-9_]+)?)://"
    r"(?P<user>[^:/@\s'\"`<>]*):(?P<secret>[^@\s'\"`/]{1,200})@(?P<host>[^\s'\"`/:@?,;]+)"
)
_LOCAL_HOSTS = lazy(r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal"
                          r"|[\w.-]*\.(?:local|localhost|test|example|invalid)|(?:[\w.-]+\.)?example\.(?:com|org|net))$",
                          re.IGNORECASE)


def judge(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    password, user = match["secret"], match["user"]
    if (secret_filters.is_placeholder(password) or password == user or password.startswith(("$", "%", ":", "{"))
            or secret_filters.is_env_reference(password, line)):
        return None
    confidence = Confidence.LOW if _LOCAL_HOSTS.match(match["host"]) else Confidence.MEDIUM
    return Refined(confidence, secret=password)


# `Server=…;Database=…;User Id=…;Password=…;` (ADO.NET, ODBC, OLE DB, JDBC for SQL Server)
_CONN_PASSWORD = lazy(r"(?i)(?:^|[;\"'\s{])(?:password|pwd)\s*=\s*(?P<secret>[^;\"'\s{}]{1,200})")
_CONN_CONTEXT = lazy(r"(?i)(?:server|data source|driver|host|uid|user id|database|initial catalog|dsn)\s*=")


def _connection_string(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    password = match["secret"]
    if (not _CONN_CONTEXT.search(line) or secret_filters.is_placeholder(password)
            or password.startswith(("$", "%", "{", "@")) or secret_filters.is_env_reference(password, line)):
        return None
    return Refined(Confidence.MEDIUM, secret=password)


DETECTORS = [
    Detector(
        rule_id="secret.database-url-password", title="Password in a connection URL",
        pattern=_PATTERN, keywords=("://",), severity=Severity.HIGH, min_entropy=0.0,
        placeholder_filter=False, refine=judge, illustrative_in_tests=True,
        help="Change the password on the server, remove it from the URL, and build the URL from "
             "the environment or a secret manager at run time (e.g. DATABASE_URL).",
    ),
    Detector(
        rule_id="secret.database-url-password", title="Password in a connection string",
        pattern=_CONN_PASSWORD, keywords=("password=", "pwd=", "password =", "pwd ="), severity=Severity.HIGH,
        min_entropy=0.0, placeholder_filter=False, refine=_connection_string, illustrative_in_tests=True,
        help="Change the password on the server, remove it from the connection string, and build the string "
             "from the environment or a secret manager at run time (or use integrated authentication).",
    ),
]
