"""Precision of the rule pack on shapes of real clean code that a single fixture file cannot
hold (a rule that looks at the whole module, such as "this module imports a test framework").
Each case has a twin that must still be flagged, so the test fails if the rule goes quiet.
Real semgrep over real files."""

from __future__ import annotations

import textwrap

from tightrope.diff import AddedLine
from tightrope.scan import patterns

HELPER = '''
    def login_as(client, user):
        client.force_login(user)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert user.is_authenticated
'''


def rule_lines(files: dict[str, str], rid: str) -> dict[str, list[int]]:
    """path -> lines where `rid` fired, every line of every file added."""
    targets = []
    for path, source in files.items():
        text = textwrap.dedent(source).lstrip("\n")
        targets.append(patterns.Target(path, text.encode(), [AddedLine(i + 1, ln) for i, ln in enumerate(text.split("\n"))]))
    result = patterns.scan_targets(targets)
    out: dict[str, list[int]] = {path: [] for path in files}
    for f in result.findings:
        if f.rule_id == rid:
            out[f.path].append(f.line)
    return out


def test_asserts_in_test_helpers_are_not_access_checks():
    got = rule_lines({
        "tests/helpers.py": "import pytest\n" + textwrap.dedent(HELPER),
        "tests/unit_helpers.py": "from unittest import mock\n" + textwrap.dedent(HELPER),
        "app/auth.py": textwrap.dedent(HELPER),
    }, "py.assert-access-control")
    assert got["tests/helpers.py"] == []
    assert got["tests/unit_helpers.py"] == []
    assert got["app/auth.py"] == [3, 4]
