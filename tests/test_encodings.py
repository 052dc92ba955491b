"""Config-file encodings: which lines get a decoded view, and what it holds. Tokens are
built at run time (tests/tokens.py)."""

from __future__ import annotations

import base64

import tokens as t
from tightrope.scan import encodings
from tightrope.scan.encodings import MAX_VALUE, gates
from tightrope.scan.encodings import views as _views


def views(texts: list[str]) -> dict:
    return _views(texts, gates("\n".join(texts)))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret_yaml(value: str, kind: str = "Secret") -> list[str]:
    return ["apiVersion: v1", f"kind: {kind}", "metadata:", "  name: app", "data:",
            f"  GITHUB_TOKEN: {value}", "  other: " + b64("plain"), "type: Opaque"]


def test_kubernetes_secret_data_is_decoded_under_its_key():
    token = t.github_classic()
    got = views(secret_yaml(b64(token)))
    assert got[5].texts == (f"GITHUB_TOKEN: {token}",) and got[5].encoded == (b64(token),) and got[5].how == "base64"
    assert 7 not in got  # `type:` ends the data mapping


def test_only_secrets_are_decoded():
    assert views(secret_yaml(b64(t.github_classic()), kind="ConfigMap")) == {}


def test_documents_are_separate():
    lines = ["kind: Secret", "data:", "  a: " + b64("x" * 12), "---", "kind: ConfigMap", "data:",
             "  b: " + b64(t.github_classic())]
    assert 6 not in views(lines)


def test_binary_oversized_and_nested_values_are_not_decoded_further():
    binary = base64.b64encode(bytes(range(256))).decode()
    assert 5 not in views(secret_yaml(binary))
    huge = b64("a" * (MAX_VALUE + 10))
    assert 5 not in views(secret_yaml(huge))
    inner = b64(t.github_classic())
    got = views(secret_yaml(b64(inner)))
    assert got[5].texts == (f"GITHUB_TOKEN: {inner}",)  # one layer only


def test_multiline_decoded_values_are_scanned_line_by_line():
    env = "\n".join(f"K{i}=v" for i in range(encodings.MAX_LINES + 20))
    got = views(secret_yaml(b64(env)))
    assert len(got[5].texts) == encodings.MAX_LINES and got[5].texts[0] == "GITHUB_TOKEN: K0=v"


def test_percent_encoded_urls():
    pw = t.password()
    line = f'REDIS_URL = "redis://:{pw[:5]}%40{pw[5:]}@cache.internal:6379/0"'
    (view,) = views([line]).values()
    assert f"{pw[:5]}@{pw[5:]}" in view.texts[0] and view.how == "percent-encoding"
    assert all("%40" in e for e in view.encoded)
    assert views(['progress = "50%"']) == {}


def test_json_escapes():
    hook = t.slack_webhook()
    line = '{"webhook": "' + hook.replace("/", "\\/") + '"}'
    (view,) = views([line]).values()
    assert hook in view.texts[0] and view.how == "JSON escapes"
    unicode = '{"k": "' + hook.replace("/", "\\u002f") + '"}'
    assert hook in views([unicode])[0].texts[0]


def test_yaml_block_scalar_with_one_line():
    token = t.github_classic()
    got = views(["api:", "  token: |", f"    {token}", "  next: 1"])
    assert got[2].texts == (f"token: {token}",) and got[2].encoded == (token,)
    assert views(["script: |", "  echo one", "  echo two"]) == {}


def test_base64_jwt_and_pem_runs_are_decoded_one_layer_and_bounded():
    token = t.jwt(seed="view")
    got = views([f"TOKEN={b64(token)} # session"])
    assert got[0].texts == (token,) and got[0].encoded == (b64(token),) and got[0].how == "base64"
    nested = b64(b64(token))  # base64 of base64: its run does not start with the marker, not decoded
    assert views([f"TOKEN={nested}"]) == {}
    huge = b64(t.private_key_header() + "\n" + "A" * MAX_VALUE)
    assert views([f"KEY={huge}"]) == {}
    assert views([f"NOTE=Z{b64(token)}"]) == {}  # inside a longer base64 run: not a run of its own
