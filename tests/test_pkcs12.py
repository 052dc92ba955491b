"""PKCS#12 key stores: a `.p12`/`.pfx` file committed (binary: reported by name, in the
hook, in CI and in history), and a key store pasted as base64 into a text file (reported
by its DER structure). Key stores are built at run time from random bytes."""

from __future__ import annotations

import base64
import json
import random

import tokens as t
from conftest import run_cli
from tightrope.diff import whole_file_as_added
from tightrope.scan import secrets

RULE = "secret.pkcs12"


def found(line: str, path: str = "ci/signing.env") -> list:
    return [f for f in secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)
            if f.rule_id == RULE]


def test_base64_key_store_is_reported_without_a_preview():
    blob = t.pkcs12_b64()
    (f,) = found(f"IOS_SIGNING_P12={blob}")
    assert f.blocking and blob[:40] not in f.snippet and blob[:40] not in f.message
    wrapped = blob[:76]  # `base64` wraps at 76 columns: the first line is enough
    assert found(f"  {wrapped}")


def test_certificates_and_other_der_are_not_key_stores():
    cert = base64.b64encode(bytes([0x30, 0x82, 0x05, 0xD0, 0x30, 0x82]) + random.Random(1).randbytes(1480)).decode()
    assert not found(f"CA_CERT={cert}")
    v2 = base64.b64encode(t.pkcs12_der(version=2)).decode()
    assert not found(f"STORE={v2}")
    assert not found("STORE=" + base64.b64encode(t.pkcs12_der())[:40].decode())  # too short to be one


def _json(proc) -> list[dict]:
    return json.loads(proc.stdout)["findings"]


def test_a_committed_p12_file_is_reported_in_the_hook_in_ci_and_in_history(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"certs/signing.p12": t.pkcs12_der() + b"\x00" * 8})
    hook = run_cli("scan", "--staged", "--scanners", "secrets", "--format", "json", cwd=repo.path)
    (f,) = [f for f in _json(hook) if f["rule_id"] == RULE]
    assert hook.returncode == 1 and f["path"] == "certs/signing.p12"
    repo.commit(message="add key store")
    repo.commit({"certs/signing.p12": t.pkcs12_der(seed=2) + b"\x00" * 8}, message="rotate")
    ci = run_cli("scan", "--range", "HEAD~2..HEAD", "--scanners", "secrets", "--format", "json", cwd=repo.path)
    assert ci.returncode == 1 and "secret.not-scanned" not in {f["rule_id"] for f in _json(ci)}
    history = run_cli("scan", "--history", "--scanners", "secrets", "--format", "json", cwd=repo.path)
    assert sorted(f["rule_id"] for f in _json(history)) == [RULE, RULE]  # both versions, each once


def test_a_p12_under_tests_does_not_block(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"tests/data/client.pfx": t.pkcs12_der() + b"\x00" * 8})
    hook = run_cli("scan", "--staged", "--scanners", "secrets", "--format", "json", cwd=repo.path)
    assert hook.returncode == 0 and [f["rule_id"] for f in _json(hook)] == [RULE]
