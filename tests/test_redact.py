"""The masker and the report's redactor: whole credential runs, every copy, no collateral."""

from __future__ import annotations

import tokens as t
from tightrope.findings import Confidence, Finding, Report, Severity
from tightrope.redact import Masker, credential_run, preview
from tightrope.redaction import redact


def _finding(kind: str = "pattern", line: int = 1, **kw) -> Finding:
    base = dict(rule_id="x.rule", kind=kind, severity=Severity.HIGH, confidence=Confidence.HIGH, path="a.py",
                line=line, message="m", fingerprint="f")
    return Finding(**{**base, **kw})


def test_preview_shows_only_a_public_prefix_or_the_length():
    aws = t.aws_secret_access_key()
    assert preview(aws) == "… (40 chars)"
    assert preview(t.github_classic()) == "gh" + "p_… (40 chars)"
    assert preview(t.openai_project_key()).startswith("sk-" + "proj-…")
    assert preview("hunter22") == "… (8 chars)"
    assert preview("gh" + "p_abc") == "… (7 chars)"  # a prefix never shows when little is left


def test_mask_widens_to_the_jwt_signature_and_the_discord_tail():
    jwt = t.jwt()
    head = jwt.rsplit(".", 1)[0]  # what a detector that stops before the signature reports
    line = f"Authorization: Bearer {jwt}"
    assert Masker([head]).mask(line) == "Authorization: Bearer [ey" + f"J… ({len(jwt)} chars)]"
    discord = t.discord_bot_token()
    line = f'TOKEN = "{discord}"'
    assert Masker([discord[:30]]).mask(line) == f'TOKEN = "[… ({len(discord)} chars)]"'


def test_mask_keeps_base64_padding_and_never_less_than_the_value():
    az = t.azure_storage_key()
    line = f"AccountKey={az};EndpointSuffix=core.windows.net"
    assert Masker([az[:-2]]).mask(line) == f"AccountKey=[… ({len(az)} chars)];EndpointSuffix=core.windows.net"
    assert credential_run("x=ab+c/d==", 2, 6) == (2, 10)


def test_every_copy_is_masked_but_a_short_value_only_as_a_whole_token():
    pw = "config"  # a 6-letter password
    line = f'app.config["PASSWORD"] = "{pw}"; login(pw="{pw}")'
    assert Masker([pw]).mask(line) == 'app.config["PASSWORD"] = "[… (6 chars)]"; login(pw="[… (6 chars)]")'
    key = t.groq_key()
    assert key not in Masker([key]).mask(f"a={key} b=x{key}y")


def test_url_credentials_are_masked_without_being_detected():
    tok = t.rand(24, seed="url")
    for url in (f"https://__token__:{tok}@pypi.example.com/simple", f"git+https://oauth2:{tok}@gitlab.com/g/p.git",
                f"postgres://app:{tok}@db:5432/app"):
        out = Masker([]).mask(f"--index-url {url} # note")
        assert tok[:8] not in out and tok[-8:] not in out and "@" in out
    assert Masker([]).mask("see https://example.com/a:b and user@host") == "see https://example.com/a:b and user@host"


def test_a_copy_cut_at_a_truncated_snippet_edge_is_masked():
    key = t.huggingface_token()
    assert key[:10] not in Masker([key]).mask("x = " + key[:10] + "…")
    assert key[-10:] not in Masker([key]).mask("…" + key[-10:] + " y")
    assert Masker(["password-value"]).mask("pass") == "pass"  # no cut, no edge matching


def test_redact_masks_every_kind_of_finding_and_the_notes():
    key = t.anthropic_key()
    line = f'client = Anthropic(api_key="{key}", http_client=httpx.Client(verify=False))'
    report = Report(findings=[
        _finding(snippet=line[:60] + "…"),  # a pattern snippet cut mid-token
        _finding("identity", line=0, path="", message=f"commit abc: deploy with ANTHROPIC_API_KEY={key}"),
        _finding("dependency", message=f"installed from `git+https://oauth2:{key}@gitlab.com/x.git`"),
    ], notes=[f"a.py: ANTHROPIC_API_KEY={key} could not be parsed"])
    redact(report, {("", "a.py"): {1: line}})
    out = repr(report)
    assert not any(key[i:i + 8] in out for i in (len("sk-ant-api03-"), 40, 90))
    assert redact(report) == report and repr(report) == out  # idempotent
