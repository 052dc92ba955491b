"""Credentials a config format encodes are found, reported on the encoded line, and never
printed decoded (issue 17, section 2). Tokens are built at run time."""

from __future__ import annotations

import base64

import tokens as t
from tightrope.diff import whole_file_as_added
from tightrope.scan import secrets


def scan(path: str, text: str) -> list:
    return secrets.scan_lines(path, whole_file_as_added(path, text.encode()).added)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def leaks(findings: list, *values: str) -> bool:
    fields = [str(v) for f in findings for v in f]
    return any(v in field for v in values for field in fields)


def test_kubernetes_secret_data_is_decoded_and_reported_on_its_line():
    token = t.github_classic()
    text = "\n".join(["apiVersion: v1", "kind: Secret", "metadata:", "  name: ci", "data:",
                      f"  GH_TOKEN: {b64(token)}", "type: Opaque"]) + "\n"
    (f,) = [f for f in scan("deploy/secret.yaml", text) if f.rule_id == "secret.github-classic-token"]
    assert f.line == 6 and f.blocking and "base64" in f.message
    assert not leaks([f], token, b64(token), token[4:12])


def test_kubernetes_secret_password_climbs_the_keyword_ladder():
    pw = t.password(seed="k8s")
    text = "kind: Secret\ndata:\n  db-password: " + b64(pw) + "\n"
    found = scan("deploy/secret.yaml", text)
    assert [f.line for f in found if f.blocking] == [3]
    assert not leaks(found, pw, b64(pw))


def test_a_configmap_is_not_decoded():
    token = t.github_classic()
    text = "kind: ConfigMap\ndata:\n  GH_TOKEN: " + b64(token) + "\n"
    assert not [f for f in scan("deploy/cm.yaml", text) if f.rule_id == "secret.github-classic-token"]


def test_json_escaped_webhook_is_found():
    hook = t.slack_webhook()
    text = '{"alerts": {"slack": "' + hook.replace("/", "\\/") + '"}}\n'
    (f,) = [f for f in scan("config/alerts.json", text) if f.rule_id == "secret.slack-webhook"]
    assert f.line == 1 and not leaks([f], hook, hook.replace("/", "\\/"))


def test_percent_encoded_checksummed_token_is_verified():
    token = t.atlassian_token()
    url = "https://example.atlassian.net/rest/api?token=" + token.replace("=", "%3D")
    (f,) = [f for f in scan("scripts/jira.sh", f'curl "{url}"\n') if f.rule_id == "secret.atlassian-api-token"]
    assert f.blocking and "checksum verified" in f.message and not leaks([f], token)
    wrong = t.atlassian_token(valid=False)
    url = "https://example.atlassian.net/rest/api?token=" + wrong.replace("=", "%3D")
    assert not [f for f in scan("scripts/jira.sh", f'curl "{url}"\n') if f.rule_id == "secret.atlassian-api-token"]


def test_yaml_block_scalar_value_is_read_under_its_name():
    pw = t.password(seed="block")
    text = "database:\n  password: |\n    " + pw + "\n  host: db\n"
    found = [f for f in scan("config/app.yaml", text) if f.blocking]
    assert [f.line for f in found] == [3] and not leaks(found, pw)


def test_a_token_on_a_block_scalar_line_is_reported_once():
    token = t.github_classic()
    found = scan("config/app.yaml", "ci:\n  token: |\n    " + token + "\n")
    assert [f.rule_id for f in found] == ["secret.github-classic-token"]


def _pem(seed: object = 0) -> str:
    return "\n".join([t.private_key_header(), *(t.private_key_body_line((seed, i)) for i in range(4)),
                      t.private_key_header().replace("BEGIN", "END")]) + "\n"


def test_base64_jwt_outside_kubernetes_is_decoded_and_reported():
    token = t.jwt(seed="b64")
    for encoded in (b64(token), base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")):
        (f,) = [f for f in scan(".env", f"SESSION_TOKEN={encoded}\n") if f.rule_id == "secret.jwt"]
        assert f.line == 1 and f.blocking and "base64" in f.message
        assert not leaks([f], token, encoded, token[:20])


def test_base64_pem_private_key_outside_kubernetes_is_reported_as_a_key_with_its_body():
    pem = _pem("env")
    (f,) = [f for f in scan("helm/values.yaml", f"signingKey: {b64(pem)}\n") if f.rule_id == "secret.private-key"]
    assert f.blocking and f.line == 1 and not leaks([f], pem, b64(pem), t.private_key_body_line(("env", 0)))


def test_base64_pem_in_a_kubernetes_secret_blocks_with_its_body():
    pem = _pem("k8s")
    text = "kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.key: " + b64(pem) + "\n"
    (f,) = [f for f in scan("deploy/tls.yaml", text) if f.rule_id == "secret.private-key"]
    assert f.blocking and f.line == 4


def test_base64_that_is_not_a_jwt_or_pem_is_not_decoded():
    token = t.github_classic()
    assert not scan("config/app.env", f"BLOB={b64(token)}\n")  # an encoded token without a marker: not decoded
    header_only = b64(t.private_key_header() + "\n")
    assert not [f for f in scan("app/const.py", f'MARK = "{header_only}"\n') if f.blocking]


def test_a_json_escape_that_decodes_to_a_lone_surrogate_is_scanned_not_a_crash():
    """`"\\ud800"` in a JSON test file (the standard library has some) decodes to a lone surrogate."""
    token = t.github_classic(seed="surrogate")
    text = '{"s": "\\ud800\\/x"}\n' + '{"token": "' + token.replace("_", "\\u005f") + '"}\n'
    findings = scan("data/escapes.json", text)
    assert [f.rule_id for f in findings] == ["secret.github-classic-token"] and not leaks(findings, token)
