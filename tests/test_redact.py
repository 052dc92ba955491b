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
    assert Masker(["password-value"]).mask("pass") == "pass"  # a short piece without a cut is a word
    assert key[:12] not in Masker([key]).mask("x = " + key[:12])  # a snippet cut without an ellipsis


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


# --- the masker's boundaries, exactly (each pins a mutant of redact.py that survived; issue 18) ---

def _m(text: str) -> str:
    return f"[{preview(text)}]"


def test_preview_shows_a_prefix_only_with_eight_characters_after_it():
    ghp = "gh" + "p_"
    assert preview(ghp + "abcd") == "… (8 chars)"
    assert preview(ghp + "a1b2c3d") == "… (11 chars)"
    assert preview(ghp + "a1b2c3d4") == ghp + "… (12 chars)"


def test_credential_run_widens_both_ways_to_the_run_and_no_further():
    assert credential_run("k=abcdef ghij", 4, 6) == (2, 8)
    assert credential_run("abcdef ghij", 0, 3) == (0, 6)
    assert credential_run("abcdef ghij", 3, 5) == (0, 6)  # back to the text's first character
    assert credential_run("ab def", 0, 1) == (0, 2)
    jwt_like = "ey" + "Jabc"
    assert credential_run(jwt_like + ".d", 0, 4) == (0, 8)  # a JWT crosses its dots
    assert credential_run(jwt_like + ". x", 0, 4) == (0, 6)  # not a sentence's full stop
    assert credential_run(jwt_like + ".", 0, 4) == (0, 6)
    assert credential_run(jwt_like + "d.", 0, 4) == (0, 7)
    assert credential_run(jwt_like + "d.e", 0, 4) == (0, 9)  # a dot at an odd position too
    assert credential_run(jwt_like + "d. x", 0, 4) == (0, 7)
    for stop in " :":  # only a dot joins: not a space, not a colon
        assert credential_run(jwt_like + stop + "d", 0, 4) == (0, 6)


def test_credential_run_takes_at_most_two_padding_characters_and_only_before_a_break():
    assert credential_run("k=abcd=;", 2, 6) == (2, 7)
    assert credential_run("k=abcd==;", 2, 6) == (2, 8)
    assert credential_run("k=abcd===;", 2, 6) == (2, 6)
    assert credential_run("k=abcd==x", 2, 6) == (2, 6)
    assert credential_run("ab===", 0, 2) == (0, 2)
    assert credential_run("k=abcd>;", 2, 6) == (2, 6)  # only `=` pads


def test_a_long_line_ending_in_a_secret_is_masked():
    pad = "x" * 300 + " "  # past CPython's small-int cache: positions are compared by value
    jwt, key = t.jwt(), t.groq_key()
    assert Masker([jwt]).mask(pad + jwt + ".") == pad + _m(jwt) + "."
    assert Masker([key]).mask(pad + key) == pad + _m(key)
    assert Masker(["hunter2"]).mask(pad + "hunter2") == pad + _m("hunter2")
    az = t.azure_storage_key()  # base64 with `==` padding at the very end
    assert Masker([az[:-2]]).mask(pad + "k=" + az) == pad + "k=" + _m(az)


def test_a_short_value_is_a_whole_token_at_either_end_of_the_text():
    pw = "hunter2"
    assert Masker([pw]).mask(f"{pw} is it") == f"{_m(pw)} is it"
    assert Masker([pw]).mask(f"password = {pw}") == f"password = {_m(pw)}"
    assert Masker([pw]).mask(f"pw={pw} ") == f"pw={_m(pw)} "
    assert Masker([pw]).mask(f"{pw}.py") == f"{pw}.py"


def test_sixteen_characters_are_masked_even_inside_a_word():
    v = t.rand(16, seed="short")  # letters and digits: `_` joins it to the text around it
    assert Masker([v]).mask(f"id=_{v}_") == f"id={_m('_' + v + '_')}"
    assert Masker([v[:15]]).mask(f"id=_{v[:15]}_") == f"id=_{v[:15]}_"
    assert Masker([v[:11]]).mask(f"my{v[:11]}") == f"my{v[:11]}"  # not even at the text's edge
    assert Masker([v[:11]]).mask(f"{v[:11]}s") == f"{v[:11]}s"
    assert Masker([v[:12]]).mask(f"my{v[:12]}") == f"my{v[:12]}"  # either parity of length
    assert Masker([v[:12]]).mask(f"{v[:12]}s") == f"{v[:12]}s"


def test_blank_values_are_never_masked():
    assert Masker(["", " ", "\t"]).mask("a = ( )\t") == "a = ( )\t"


def test_overlapping_copies_of_a_value_are_all_masked():
    assert Masker(["%%%%"]).mask("pw %%%%% x") == f"pw {_m('%%%%%')} x"


def test_a_cut_copy_is_masked_from_the_documented_length_on():
    key = t.huggingface_token()
    for lead in ("x = ", "the token is here: "):
        for k in (4, 5, 9, 10, len(key) - 1):  # after `…`: 4 characters or more
            assert Masker([key]).mask(lead + key[:k] + "…") == lead + _m(key[:k]) + "…", k
        assert Masker([key]).mask(lead + key[:3] + "…") == lead + key[:3] + "…"
        for k in (8, 12):  # no `…`: 8 or more
            assert Masker([key]).mask(lead + key[:k]) == lead + _m(key[:k]), k
        assert Masker([key]).mask(lead + key[:7]) == lead + key[:7]
    for tail in ("", " y", " and more"):
        for k in (4, 5, 9, 10, 11, 30, len(key) - 1):
            assert Masker([key]).mask("…" + key[-k:] + tail) == "…" + _m(key[-k:]) + tail, (k, tail)
        assert Masker([key]).mask("…" + key[-3:] + tail) == "…" + key[-3:] + tail
        for k in (8, 9):
            assert Masker([key]).mask(key[-k:] + tail) == _m(key[-k:]) + tail, (k, tail)
        assert Masker([key]).mask(key[-7:] + tail) == key[-7:] + tail
    b64 = t.rand(20, seed="b64") + "/"  # a base64 value that ends in `/`
    assert Masker([b64]).mask("…" + b64[-9:] + " y") == "…" + _m(b64[-9:]) + " y"


def test_only_a_value_of_eight_or_more_is_looked_for_at_a_cut():
    assert Masker(["hunter22"]).mask("x = hunt…") == f"x = {_m('hunt')}…"
    assert Masker(["secret1"]).mask("the secret…") == "the secret…"


def test_masks_side_by_side_or_nested_become_one():
    a, b = "correct horse battery!", "!staple battery horse"  # runs that widening does not join
    assert Masker([a, b]).mask(a + b) == _m(a + b)
    key, mid = t.groq_key(), t.rand(18, seed="mid")
    outer = f"xyz/{mid}/xyz"  # base64-shaped: its run holds the `/`; `mid`'s stops there
    assert Masker([key, outer, mid]).mask(f"a={key} k={outer}") == f"a={_m(key)} k={_m(outer)}"
