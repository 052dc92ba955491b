"""What blocks (issue 11 §2): strong keyword values block, weak ones do not; every everyday
format blocks and its false-positive twin does not (cases in tests/blocking_cases.py)."""

from __future__ import annotations

import pytest

import tokens as t
from blocking_cases import BLOCKS, PASSES
from tightrope.diff import AddedLine
from tightrope.findings import Confidence, Severity
from tightrope.scan import secrets


def scan(path: str, lines: list[str]):
    return secrets.scan_lines(path, [AddedLine(i, x) for i, x in enumerate(lines, start=1)])


@pytest.mark.parametrize("path,lines", [c[1:] for c in BLOCKS], ids=[c[0] for c in BLOCKS])
def test_blocks(path, lines):
    found = scan(path, lines)
    assert any(f.blocking for f in found), [(f.rule_id, f.severity, f.confidence) for f in found]


@pytest.mark.parametrize("path,lines", [c[1:] for c in PASSES], ids=[c[0] for c in PASSES])
def test_does_not_block(path, lines):
    found = scan(path, lines)
    assert not any(f.blocking for f in found), [(f.rule_id, f.line, f.snippet) for f in found]


def test_the_ladder_for_one_keyword():
    strong = t.rand(24, t.ALNUM + "!#%", "ladder")
    (f,) = scan("app/settings.py", ['DB_PASSWORD = "%s"' % strong])
    assert (f.severity, f.confidence, f.blocking) == (Severity.HIGH, Confidence.HIGH, True)
    (f,) = scan("tests/test_settings.py", ['DB_PASSWORD = "%s"' % strong])  # same value in a test: reported
    assert (f.severity, f.confidence, f.blocking) == (Severity.MEDIUM, Confidence.MEDIUM, False)
    (f,) = scan("app/settings.py", ['DB_PASSWORD = "%s"' % strong[:8]])  # short: weak
    assert (f.severity, f.confidence, f.blocking) == (Severity.MEDIUM, Confidence.LOW, False)
    words = "correct" + "horse" + "battery"  # long, one character class: weak
    assert not any(f.blocking for f in scan("app/settings.py", ['DB_PASSWORD = "%s"' % words]))


def test_a_hex_secret_is_a_digest_only_where_the_line_says_so():
    value = t.hex_secret(64, "ladder")
    assert [f.rule_id for f in scan("app.py", ["SECRET_KEY = '%s'" % value]) if f.blocking] == ["secret.keyword"]
    for line in ("SECRET_SHA256 = '%s'", "secret_checksum: '%s'", "release_commit_secret = '%s'"):
        assert scan("app.py", [line % value]) == [], line


def test_discord_structure_is_checked_not_just_shape():
    token = t.discord_bot_token(3)
    assert [f.rule_id for f in scan("run.py", ['client.run("%s")' % token])] == ["secret.discord-bot-token"]
    head, rest = token.split(".", 1)
    forged = "M" + t.rand(len(head) - 1, t.ALNUM, "notdigits") + "." + rest  # does not decode to a user id
    assert scan("run.py", ['client.run("%s")' % forged]) == []


def test_basic_auth_values_are_decoded_before_they_block():
    import base64

    no_password = base64.b64encode(b"deploy:").decode()
    not_a_pair = base64.b64encode(t.rand(24, seed="np").encode()).decode()
    for value in (no_password, not_a_pair):
        assert scan("client.py", ['h = {"Authorization": "Basic %s"}' % value]) == []
        assert scan(".docker/config.json", ['  "auth": "%s"' % value]) == []


def test_keyword_on_config_files_without_extension_takes_bare_values():
    value = t.aws_secret_access_key(9)
    found = scan("credentials", ["aws_secret_access_key=" + value])
    assert [(f.rule_id, f.blocking) for f in found] == [("secret.aws-access-key", True)]
    assert value not in repr(found)
