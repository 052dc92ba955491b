"""Credentials in an HTTP request written out in code: a curl header's token, a signed
Logic Apps / Power Automate trigger URL. Values are built at run time (tests/tokens.py)."""

from __future__ import annotations

import pytest

import tokens as t
from tightrope.diff import whole_file_as_added
from tightrope.scan import secrets

CURL = "secret.curl-auth-header"
TRIGGER = "secret.azure-logic-apps-trigger-url"


def found(line: str, path: str = "deploy/notify.sh") -> dict[str, object]:
    return {f.rule_id: f for f in secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)}


@pytest.mark.parametrize("header", ["-H 'Authorization: Bearer {v}'", '--header "Authorization: token {v}"',
                                    "-H 'X-Api-Key: {v}'", '-H "Private-Token: {v}"'])
def test_curl_header_token_is_reported_without_its_value(header: str):
    value = t.rand(40, seed=header)
    hits = found("curl -s " + header.format(v=value) + " https://api.example.net/v1/items")
    assert CURL in hits and hits[CURL].blocking
    assert value not in hits[CURL].snippet and value not in hits[CURL].message


@pytest.mark.parametrize("value", ["$API_TOKEN", "${API_TOKEN}", "<your-token>", "YOUR_API_TOKEN_HERE_PLEASE",
                                   "aaaaaaaaaaaaaaaaaaaaaaaa"])
def test_curl_header_placeholders_and_variables_are_not_reported(value: str):
    assert CURL not in found(f"curl -H 'Authorization: Bearer {value}' https://api.example.net")


def test_curl_header_needs_curl_and_basic_is_left_to_basic_auth():
    value = t.rand(40, seed="no-curl")
    assert CURL not in found(f"headers = {{'Authorization': 'Bearer {value}'}}")
    assert CURL not in found("curl -H 'Authorization: Basic " + t.rand(24, seed="b") + "' https://x.example.net")


def test_a_vendor_token_in_a_curl_header_keeps_its_vendor_rule():
    hits = found(f"curl -H 'Authorization: Bearer {t.github_classic()}' https://api.github.com/user")
    assert "secret.github-classic-token" in hits and CURL not in hits


def test_signed_trigger_url_is_reported():
    sig = t.rand(43, t.B64URL, seed="sig")
    hits = found(f'TEAMS_WORKFLOW_URL = "{t.logic_apps_trigger_url(sig=sig)}"', path="app/alerts.py")
    assert TRIGGER in hits and hits[TRIGGER].blocking and sig not in hits[TRIGGER].snippet


@pytest.mark.parametrize("sig", [t.rand(42, t.B64URL, seed="short"), "x" * 43])
def test_trigger_url_with_a_short_or_placeholder_signature_is_not_reported(sig: str):
    assert TRIGGER not in found(f'TEAMS_WORKFLOW_URL = "{t.logic_apps_trigger_url(sig=sig)}"', path="app/alerts.py")
