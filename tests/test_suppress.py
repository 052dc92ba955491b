"""suppress.py: inline allows, detect-secrets' pragma, the baseline file (issue 18: the
mutation check of suppress.py runs these first)."""

from __future__ import annotations

import json

import pytest

from tightrope.errors import PolicyError
from tightrope.findings import Confidence, Finding, Severity
from tightrope.suppress import inline_allowed, parse_baseline, write_baseline


def finding(kind: str = "secret", rule: str = "secret.openai-api-key", fp: str = "f1") -> Finding:
    return Finding(rule_id=rule, kind=kind, severity=Severity.HIGH, confidence=Confidence.HIGH, path="a.py", line=3,
                   message="m", fingerprint=fp)


def test_detect_secrets_pragma_allows_secrets_only():
    line = 'KEY = "..."  # pragma: allowlist secret'
    assert inline_allowed(finding(), line) is True
    assert inline_allowed(finding("pattern", "py.flask-debug"), line) is False


@pytest.mark.parametrize("line, expect", [
    ("x = 1", False),
    ("x  # tightrope: allow secret.openai-api-key test fixture", True),
    ("x  # tightrope: allow secret.* revoked key", True),
    ("x  # tightrope: allow py.flask-debug, secret.openai-api-key revoked", True),
    ("x  # tightrope: allow py.flask-debug reviewed", False),
    ("x  # tightrope: allow secret.openai-api-key", "a.py:3: `tightrope: allow secret.openai-api-key` needs a reason; not applied"),
    ("x  /* tightrope: allow secret.openai-api-key -- */", "a.py:3: `tightrope: allow secret.openai-api-key` needs a reason; not applied"),
])
def test_inline_allow(line, expect):
    assert inline_allowed(finding(), line) == expect


def test_the_baseline_round_trip_and_its_exact_file(tmp_path):
    path = tmp_path / "deep" / "er" / "baseline.json"
    assert write_baseline(path, [finding(fp="b"), finding(fp="a"), finding(fp="b")]) == 2
    assert path.read_text() == ('{\n  "version": 2,\n  "generated_by": "tightrope baseline",\n'
                                '  "fingerprints": [\n    "a",\n    "b"\n  ]\n}\n')
    assert parse_baseline(path.read_bytes(), "b.json") == {"a", "b"}
    assert write_baseline(path, [finding(fp="c")]) == 1  # the directory exists: rewritten
    assert parse_baseline(path.read_bytes(), "b.json") == {"c"}


@pytest.mark.parametrize("raw", [
    b'{"version": 1, "fingerprints": ["a"]}',  # the old fast-HMAC baseline: regenerate
    b'{"version": 3, "fingerprints": ["a"]}',  # a newer tightrope's
    b'{"version": 2, "fingerprints": "a"}',
    b'{"version": 2}',
    b'["a"]',
    b"not json",
    b'{"version": 2, "fingerprints": ["\xff"]}',
])
def test_a_file_that_is_not_a_baseline_is_a_policy_error(raw):
    with pytest.raises(PolicyError) as err:
        parse_baseline(raw, "b.json")
    assert "baseline b.json is not a tightrope baseline" in err.value.message
    assert err.value.hint == "regenerate it with `tightrope baseline`"
