"""Things that look like secrets and are not: every class stays silent."""

from __future__ import annotations

import pytest

import tokens as t
from tightrope.diff import AddedLine
from tightrope.scan import secrets


def scan(path: str, *texts: str):
    return secrets.scan_lines(path, [AddedLine(i, x) for i, x in enumerate(texts, start=1)])


AWS_ID, AWS_SECRET = t.aws_documented_examples()
SHA1 = t.rand(40, t.HEX, "sha1")
SHA256 = t.rand(64, t.HEX, "sha256")
SHA512_B64 = t.rand(86, t.B64, "sri") + "=="
UUID = "123e4567-e89b-12d3-a456-426614174000"


QUIET = [
    # documented example keys
    ("aws.py", f'aws_access_key_id = "{AWS_ID}"'),
    ("aws.py", f'aws_secret_access_key = "{AWS_SECRET}"'),
    (".env", f"AWS_ACCESS_KEY_ID={AWS_ID}"),
    ("credentials", f"aws_secret_access_key = {AWS_SECRET}"),
    ("pay.py", f'STRIPE_SECRET_KEY = "{t.stripe_documented_test_key()}"'),
    ("pay.py", f'stripe.api_key = "{t.stripe_documented_test_key()}"'),
    # placeholders
    (".env", "OPENAI_API_KEY=" + "s" + "k-proj-" + "x" * 48),
    (".env", "OPENAI_API_KEY=" + "s" + "k-proj-" + "YOUR_OPENAI_API_KEY_GOES_HERE_PLEASE_REPLACE_ME_NOW"),
    ("a.py", 'ANTHROPIC_API_KEY = "' + "s" + "k-ant-api03-" + "your-key-here" * 8 + '"'),
    ("a.py", 'api_key = "<token>"'),
    ("a.py", 'API_KEY = "YOUR_API_KEY"'),
    ("a.py", 'password = "changeme"'),
    ("a.py", 'password = "********"'),
    ("a.yml", "  password: ${DB_PASSWORD}"),
    ("a.yml", "  api_key: ${{ secrets.API_KEY }}"),
    (".github/workflows/ci.yml", "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}"),
    ("a.py", 'api_key = os.environ["API_KEY"]'),
    ("a.py", 'password = os.getenv("DB_PASSWORD")'),
    ("a.js", "const apiKey = process.env.OPENAI_API_KEY;"),
    ("a.py", "secret = get_secret('db')"),
    ("a.py", "password = settings.DB_PASSWORD"),
    ("a.js", "const password = req.body.password;"),
    (".env", "GITHUB_TOKEN=" + "gh" + "p_" + "x" * 36),
    ("a.yml", "slack_webhook: https://hooks.slack" + ".com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX"),
    ("compose.yml", "DATABASE_URL: postgres://postgres:postgres@db:5432/app"),
    ("compose.yml", "DATABASE_URL: postgres://user:password@localhost/app"),
    ("compose.yml", "DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD}@db/app"),
    ("a.py", 'DSN = "mysql://{user}:{password}@{host}/db"'),
    ("a.py", 'URL = "redis://:%s@cache:6379" % pw'),
    ("a.py", 'url = f"amqp://guest:guest@{host}"'),
    # digests, ids
    ("a.py", f'commit_secret = "{SHA1}"'),
    ("a.py", f'secret_hash = "{SHA256}"'),
    ("a.py", f'client_secret = "{UUID}"'),
    ("a.py", f'secret_id = "{t.rand(24, seed="id")}"'),
    ("package-lock.json", f'      "integrity": "sha512-{SHA512_B64}",'),
    ("yarn.lock", f"  integrity sha512-{SHA512_B64}"),
    ("poetry.lock", f'    {{file = "x.whl", hash = "sha256:{SHA256}"}},'),
    ("Cargo.lock", f'checksum = "{SHA256}"'),
    ("uv.lock", f'sdist = {{ url = "https://x/y.tar.gz", hash = "sha256:{SHA256}" }}'),
    ("yarn.lock", f"  integrity sha512-{t.rand(60, t.B64, 'a')}/" + "AI" + "za" + t.rand(35, t.ALNUM, "b") + "=="),
    ("package-lock.json", '      "secret": "' + t.password() + '",'),
    # public keys
    ("authorized_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + t.rand(43, t.B64, "ed") + " dev@laptop"),
    ("a.yml", "deploy_key_secret: ssh-rsa AAAAB3NzaC1yc2E" + t.rand(300, t.B64, "rsa") + " ci@host"),
    ("a.py", 'public_key_secret = "-----BEGIN PUBLIC KEY-----\\n' + t.rand(64, t.B64, "pk") + '"'),
    # encrypted values
    ("secrets.enc.yaml", "password: ENC[AES256_GCM,data:" + t.rand(24, t.B64, "sops") + ",iv:" + t.rand(24, t.B64, "iv")
     + "=,tag:" + t.rand(22, t.B64, "tag") + "==,type:str]"),
    ("vault.yml", "$ANSIBLE_VAULT;1.1;AES256"),
    ("vars.yml", "db_password: !vault |"),
    # the scanner's own documentation style
    ("README.md", "Set `OPENAI_API_KEY` to your key (it starts with `sk-proj-`)."),
]


@pytest.mark.parametrize("path,text", QUIET, ids=[f"{i}:{p}" for i, (p, _) in enumerate(QUIET)])
def test_stays_silent(path, text):
    assert scan(path, text) == []


def test_sealed_secret_ciphertext_is_not_a_secret():
    blob = "Ag" + t.rand(500, t.B64, "sealed") + "=="
    lines = ["apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "spec:", "  encryptedData:",
             f"    password: {blob}", f"    api_key: Ag{t.rand(400, t.B64, 's2')}"]
    assert scan("sealed.yaml", *lines) == []
    # the same short value outside an encryptedData block is still reported
    assert scan("plain.yaml", "spec:", "  data:", f"    password: {t.password()}")


def test_ansible_vault_block_lines_are_quiet():
    lines = ["db_password: !vault |", "          $ANSIBLE_VAULT;1.1;AES256", "          " + t.rand(64, t.HEX, "av")]
    assert scan("vars.yml", *lines) == []


def test_digest_named_values_under_generic_names_are_quiet():
    assert scan("a.py", f'secret_sha = "{t.rand(12, t.HEX, "s")}"') == []


def test_real_values_beside_quiet_ones_still_fire():
    found = scan(".env", "API_KEY=${API_KEY}", "GROQ_API_KEY=" + t.groq_key())
    assert [f.line for f in found] == [2]
