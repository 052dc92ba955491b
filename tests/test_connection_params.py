"""Connection-string passwords in query parameters and Oracle connect strings (issue 17,
section 3). Passwords are built at run time."""

from __future__ import annotations

import pytest

import tokens as t
from tightrope.diff import whole_file_as_added
from tightrope.scan import secrets

RULE = "secret.database-url-password"


def found(line: str, path: str = "src/app/config.py") -> list:
    return [f for f in secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)
            if f.rule_id == RULE]


PW = t.password(seed="conn")


@pytest.mark.parametrize("line", [
    f'url = "jdbc:mysql://db.internal:3306/app?user=app&password={PW}&useSSL=true"',
    f'url = "jdbc:sqlserver://db.internal:1433;databaseName=app;user=app;password={PW}"',
    f'MONGO = "mongodb://db.internal:27017/app?authSource=admin&password={PW}"',
    f'url = "jdbc:oracle:thin:app/{PW}@//db.internal:1521/ORCLPDB1"',
    f"sqlplus app/{PW}@db.internal:1521/ORCL",
])
def test_password_is_reported_and_redacted(line):
    (f,) = found(line)
    assert f.blocking and PW not in f.snippet and PW not in f.message


@pytest.mark.parametrize("line", [
    'url = "jdbc:mysql://db.internal/app?user=app&password=${DB_PASSWORD}"',
    'url = "jdbc:mysql://db.internal/app?user=app&password=changeme"',
    'url = "jdbc:postgresql://db.internal/app?sslmode=require"',
    'url = "jdbc:mysql://db.internal/app?password=abc"',
    "path = 'src/main/resources/app/config.properties'",
    "ratio = total/count@2x/png",
])
def test_placeholders_and_lookalikes_are_not_reported(line):
    assert not [f for f in found(line) if f.blocking]


def test_local_hosts_do_not_block():
    (f,) = found(f'url = "jdbc:mysql://localhost:3306/app?user=root&password={PW}"')
    assert not f.blocking
