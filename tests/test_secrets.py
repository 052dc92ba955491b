"""The secrets scanner: every detector fires on its built token in a realistic line,
wrong checksums are dropped, false-positive classes stay silent, nothing leaks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tokens as t
from tightrope.diff import AddedLine, AddedLines
from tightrope.findings import Confidence, Severity
from tightrope.scan import secrets
from tightrope.scan.detectors import ALL

SRC = Path(__file__).resolve().parents[1] / "src"


def scan(path: str, *texts: str):
    return secrets.scan_lines(path, [AddedLine(i, x) for i, x in enumerate(texts, start=1)])


def rules(findings) -> set[str]:
    return {f.rule_id for f in findings}


# (rule id, path, line text, the secret value that must never leak)
def samples():
    gh, npm, glr = t.github_classic(), t.npm_token(), t.gitlab_routable()
    pem_body = t.private_key_body_line()
    items = [
        ("secret.github-classic-token", ".env", "GITHUB_TOKEN=" + gh, gh),
        ("secret.github-classic-token", "ci.yml", "  token: " + t.github_classic(kind="s", seed=2), None),
        ("secret.github-fine-grained-token", "config.json", '{"github_token": "%s"}' % t.github_fine_grained(), None),
        ("secret.gitlab-personal-access-token", "deploy.sh", "export GITLAB_TOKEN=" + glr, glr),
        ("secret.gitlab-personal-access-token", "x.py", 'GL = "%s"' % t.gitlab_legacy(), None),
        ("secret.gitlab-deploy-token", "x.yml", "deploy: " + t.gitlab_routable(prefix="gl" + "dt-"), None),
        ("secret.gitlab-runner-token", "config.toml", 'token = "%s"' % t.gitlab_routable(prefix="gl" + "rt-"), None),
        ("secret.npm-token", ".npmrc", "//registry.npmjs.org/:_authToken=" + npm, npm),
        ("secret.pypi-token", ".pypirc", "password = " + t.pypi_token(), None),
        ("secret.openai-api-key", "app.py", 'OPENAI_API_KEY = "%s"' % t.openai_project_key(), None),
        ("secret.openai-api-key", "app.py", 'openai.api_key = "%s"' % t.openai_legacy_key(), None),
        ("secret.openai-service-account-key", ".env", "OPENAI_KEY=" + t.openai_project_key(kind="svcacct"), None),
        ("secret.openai-admin-key", ".env", "OPENAI_ADMIN_KEY=" + t.openai_project_key(kind="admin"), None),
        ("secret.anthropic-api-key", "settings.json", '{"ANTHROPIC_API_KEY": "%s"}' % t.anthropic_key(), None),
        ("secret.anthropic-admin-key", ".env", "ANTHROPIC_ADMIN_KEY=" + t.anthropic_key(admin=True), None),
        ("secret.huggingface-token", "train.py", 'login(token="%s")' % t.huggingface_token(), None),
        ("secret.google-api-key", "config.yaml", "google_api_key: " + t.google_api_key(), None),
        ("secret.google-oauth-access-token", "client.py",
         "headers = {'Authorization': 'Bearer %s'}" % t.google_oauth_access_token(), None),
        ("secret.groq-api-key", ".env", "GROQ_API_KEY=" + t.groq_key(), None),
        ("secret.replicate-api-token", ".env", "REPLICATE_API_TOKEN=" + t.replicate_token(), None),
        ("secret.xai-api-key", "client.ts", 'const apiKey = "%s";' % t.xai_key(), None),
        ("secret.openrouter-api-key", ".env", "OPENROUTER_API_KEY=" + t.openrouter_key(), None),
        ("secret.langsmith-api-key", ".env", "LANGSMITH_API_KEY=" + t.langsmith_key(), None),
        ("secret.perplexity-api-key", ".env", "PPLX_KEY=" + t.perplexity_key(), None),
        ("secret.pinecone-api-key", "db.py", 'Pinecone(api_key="%s")' % t.pinecone_key(), None),
        ("secret.mistral-api-key", ".env", "MISTRAL_API_KEY=" + t.mistral_key(), None),
        ("secret.cohere-api-key", "app.yaml", "COHERE_API_KEY: " + t.cohere_key(), None),
        ("secret.slack-token", "bot.py", 'SLACK_BOT = "%s"' % t.slack_bot_token(), None),
        ("secret.slack-webhook", "notify.sh", "curl -X POST " + t.slack_webhook(), None),
        ("secret.stripe-secret-key", "pay.rb", "Stripe.api_key = '%s'" % t.stripe_live_key(), None),
        ("secret.stripe-secret-key", ".env", "STRIPE_RESTRICTED=" + t.stripe_live_key(kind="r"), None),
        ("secret.twilio-api-key", "sms.py", 'TWILIO_API_SECRET = "%s"' % t.rand(32, t.ALNUM, "tws"), None),
        ("secret.twilio-auth-token", ".env", "TWILIO_AUTH_TOKEN=" + t.rand(32, t.HEX, "twa"), None),
        ("secret.gitlab-token", ".gitlab-ci.yml", "  TRIGGER: " + t.gitlab_legacy(prefix="gl" + "ptt-"), None),
        ("secret.private-key", "k.py", 'PEM = "%s\\n%s"' % (t.private_key_header(), pem_body), pem_body),
        ("secret.sendgrid-api-key", "mail.js", "sgMail.setApiKey('%s');" % t.sendgrid_key(), None),
        ("secret.shopify-token", ".env", "SHOPIFY_TOKEN=" + t.shopify_token(), None),
        ("secret.digitalocean-token", "main.tf", 'token = "%s"' % t.digitalocean_token(), None),
        ("secret.databricks-token", ".databrickscfg", "token = " + t.databricks_token(), None),
        ("secret.vault-token", ".env", "VAULT_TOKEN=" + t.vault_token(), None),
        ("secret.terraform-cloud-token", ".terraformrc", 'token = "%s"' % t.terraform_token(), None),
        ("secret.doppler-token", ".env", "DOPPLER_TOKEN=" + t.doppler_token(), None),
        ("secret.atlassian-api-token", "jira.py", 'JIRA_TOKEN = "%s"' % t.atlassian_token(), None),
        ("secret.database-url-password", "docker-compose.yml",
         "      DATABASE_URL: postgres://app:" + t.password() + "@db.prod.internal:5432/app", None),
        ("secret.database-url-password", "settings.py",
         'MONGO = "mongodb+srv://svc:' + t.password(1) + '@cluster0.abcde.mongodb.net/db"', None),
        ("secret.aws-access-key", "deploy.py", 'boto3.client("s3", aws_access_key_id="%s")' % t.aws_access_key_id(), None),
        ("secret.aws-access-key", "aws.py", 'aws_secret_access_key = "%s"' % t.aws_secret_access_key(), None),
        ("secret.azure-storage-key", "app.config",
         "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + t.azure_storage_key() + ";", None),
        ("secret.jwt", "api_test.http", "Authorization: Bearer " + t.jwt(), None),
        ("secret.telegram-bot-token", "bot.py", 'TELEGRAM = "%s"' % t.telegram_bot_token(), None),
        ("secret.discord-bot-token", "bot.py", 'DISCORD_TOKEN = "%s"' % t.discord_bot_token(), None),
        ("secret.mailchimp-api-key", "mail.py", 'MC = "%s"' % t.mailchimp_key(), None),
        ("secret.square-oauth-secret", "pay.py", 'SQUARE = "%s"' % t.square_oauth_secret(), None),
        ("secret.heroku-api-key", ".env", "HEROKU_API_KEY=" + t.heroku_key(), None),
        ("secret.heroku-api-key", "deploy.sh", "export HEROKU_API_KEY=" + t.uuid4(), None),
        ("secret.wandb-api-key", "train.py", 'wandb.login(key="%s")' % t.hex_secret(40, "wb"), None),
        ("secret.mailgun-api-key", "mail.py", 'MAILGUN_API_KEY = "%s"' % t.mailgun_key(), None),
        ("secret.basic-auth", ".gitlab-ci.yml", "  URL: https://ci:" + t.password(2) + "@registry.corp.net/v2", None),
        ("secret.basic-auth", "client.py", 'h = {"Authorization": "Basic %s"}' % t.basic_auth_b64(), None),
        ("secret.database-url-password", "db.cs", 'cs = "Server=db;Database=app;User Id=svc;Password=%s;"'
         % t.password(4), None),
        ("secret.curl-auth-header", "deploy.sh", "curl -H 'Authorization: Bearer %s' https://api.corp.net/v1"
         % t.rand(40, t.ALNUM, "curlh"), None),
        ("secret.azure-logic-apps-trigger-url", "alerts.py", 'TEAMS_URL = "%s"' % t.logic_apps_trigger_url(),
         t.logic_apps_trigger_url().rpartition("sig=")[2]),
        ("secret.pkcs12", ".env", "SIGNING_P12=" + t.pkcs12_b64(), t.pkcs12_b64()),
        ("secret.keyword", "settings.py", 'DB_PASSWORD = "%s"' % t.password(), None),
        ("secret.keyword", ".env", "SMTP_PASSWORD=" + t.password(3), None),
    ]
    out = []
    for rule, path, text, secret in items:
        if secret is None:  # the value is whatever the builder put in the line; find it again
            secret = _value_in(text)
        out.append(pytest.param(rule, path, text, secret, id=f"{rule}:{path}"))
    return out


def _value_in(text: str) -> str:
    import re

    words = re.findall(r"[A-Za-z0-9_\-.:+/=!#%&*]{16,}", text)
    word = max(words, key=len)
    for sep in ("://", "@"):
        if sep in word:
            word = max(word.replace("@", " ").split(":"), key=len)
    return word.strip("=;").removeprefix("AccountKey=")


@pytest.mark.parametrize("rule,path,text,secret", samples())
def test_detector_fires_on_built_token(rule, path, text, secret):
    found = scan(path, text)
    assert rule in rules(found), found
    assert len(found) == 1, f"one finding per secret span, got {[f.rule_id for f in found]}"
    f = found[0]
    assert f.kind == "secret" and f.cwe == ("CWE-798",) and f.line == 1
    assert f.title and f.help and len(f.snippet) <= 200
    assert f.blocking == (f.severity >= Severity.HIGH and f.confidence >= Confidence.MEDIUM)


@pytest.mark.parametrize("rule,path,text,secret", samples())
def test_no_field_of_a_finding_holds_the_secret(rule, path, text, secret):
    found = scan(path, text, "")
    assert found
    for f in found:
        assert secret not in repr(f), (rule, f)


def test_every_detector_has_a_sample():
    from tightrope.scan.detectors import catalog  # its entries are sampled by tests/test_catalog.py

    sampled = {p.values[0] for p in samples()} | {"secret." + f.rule for f in catalog.FORMATS}
    assert {d.rule_id for d in ALL} <= sampled


def test_checksum_verified_tokens_are_high_confidence_and_blocking():
    for token in (t.github_classic(), t.npm_token(), t.gitlab_routable(), t.atlassian_token()):
        (f,) = scan("a.env", "TOKEN=" + token)
        assert f.confidence == Confidence.HIGH and f.blocking
        assert "checksum verified" in f.message


@pytest.mark.parametrize("token", [
    t.github_classic(valid=False), t.github_classic(valid=False, kind="o", seed=5), t.npm_token(valid=False),
    t.gitlab_routable(valid=False), t.gitlab_routable(valid=False, prefix="gl" + "dt-"),
    t.atlassian_token(valid=False),
], ids=["ghp", "gho", "npm", "glpat", "gldt", "atlassian"])
def test_wrong_checksum_is_dropped_and_not_rereported_by_keyword_rules(token):
    assert scan("a.py", 'api_key = "%s"' % token) == []
    assert scan(".env", "SECRET_TOKEN=" + token) == []


def test_valid_checksum_is_never_dropped_by_heuristics():
    boring = t.github_classic(body="x" * 30)  # a placeholder-looking body, but the checksum holds
    (f,) = scan("a.py", 'TOKEN = "%s"' % boring)
    assert f.rule_id == "secret.github-classic-token" and f.confidence == Confidence.HIGH


def test_message_uses_preview_and_snippet_is_redacted():
    key = t.anthropic_key()
    (f,) = scan("a.py", 'ANTHROPIC_API_KEY = "%s"' % key)
    prefix = "sk-ant-" + "api03-"  # the public prefix is all a preview shows
    assert f.message == f"Anthropic API key {prefix}… ({len(key)} chars) added"
    assert f.snippet == f'ANTHROPIC_API_KEY = "[{prefix}… ({len(key)} chars)]"'


def test_two_secrets_on_one_line_are_both_redacted_in_both_snippets():
    a, b = t.groq_key(), t.replicate_token()
    found = scan("a.sh", f"export GROQ={a} REPLICATE={b}")
    assert rules(found) == {"secret.groq-api-key", "secret.replicate-api-token"}
    for f in found:
        assert a not in repr(f) and b not in repr(f)


def test_long_line_snippet_is_trimmed_around_the_secret():
    key = t.huggingface_token()
    (f,) = scan("a.js", "x = [" + "1, " * 200 + f'"{key}"' + ", 2" * 200 + "]")
    assert len(f.snippet) <= 200 and "[hf_" in f.snippet


def test_fingerprint_is_stable_across_line_shifts_and_differs_by_path():
    key = t.google_api_key()
    (a,) = scan("a.py", f'K = "{key}"')
    (b,) = secrets.scan_lines("a.py", [AddedLine(40, f'  K = "{key}"  # moved')])
    (c,) = scan("b.py", f'K = "{key}"')
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_private_key_with_body_is_critical_and_its_body_never_leaks():
    header, body = t.private_key_header(), t.private_key_body_line()
    (f,) = scan("id_rsa", header, body, body, "-----END " + "RSA PRIVATE" + " KEY-----")
    assert f.rule_id == "secret.private-key" and f.severity == Severity.CRITICAL
    assert f.confidence == Confidence.HIGH and f.blocking and body not in repr(f)
    inline = f'KEY = "{t.private_key_header("")}\\n{body}\\n{body}"'
    (g,) = scan("k.py", inline)
    assert g.confidence == Confidence.HIGH and body not in repr(g)
    assert f.fingerprint != scan("id_rsa", header, t.private_key_body_line(seed=9))[0].fingerprint


@pytest.mark.parametrize("kind", ["", "EC ", "DSA ", "OPENSSH ", "PGP "])
def test_private_key_kinds(kind):
    header = t.private_key_header(kind) if kind != "PGP " else "-----BEGIN PGP " + "PRIVATE KEY" + " BLOCK-----"
    found = scan("key.pem", header, t.private_key_body_line())
    assert rules(found) == {"secret.private-key"}


def test_bare_private_key_header_in_code_is_low_confidence_non_blocking():
    (f,) = scan("parse.py", f'if line.startswith("{t.private_key_header()}"):')
    assert f.confidence == Confidence.LOW and not f.blocking


def test_encrypted_private_key_is_medium_severity():
    (f,) = scan("k.pem", t.private_key_header("ENCRYPTED "), t.private_key_body_line())
    assert f.severity == Severity.MEDIUM and not f.blocking


def test_database_url_to_localhost_is_low_confidence():
    (f,) = scan("compose.yml", "DATABASE_URL: postgres://app:" + t.password() + "@localhost:5432/app")
    assert f.confidence == Confidence.LOW and not f.blocking


def test_weak_keyword_matches_are_medium_severity_and_do_not_block():
    (f,) = scan("settings.py", 'API_KEY = "%s"' % t.password(7)[:9])
    assert f.rule_id == "secret.keyword" and f.severity == Severity.MEDIUM and not f.blocking


def test_path_that_does_not_exist_on_disk_is_still_scanned(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = "never/was/on/disk/settings.py"
    assert not Path(path).exists()
    found = scan(path, 'DB_PASSWORD = "%s"' % t.password(), 'KEY_ID = "%s"' % t.aws_access_key_id())
    assert rules(found) == {"secret.keyword", "secret.aws-access-key"}


def hit_numbers(lines: list[AddedLine]) -> list[int]:
    added = AddedLines(lines)
    return [added.line(h).number for h in secrets.candidates(added).hits]


def test_prefilter_skips_ordinary_lines():
    ordinary = ["def add(a, b):", "    return a + b", "import os", "class Foo(Bar):", "    x = [1, 2, 3]",
                "// a comment about nothing", "SELECT id, name FROM users WHERE id = ?", "</div>", ""]
    assert hit_numbers([AddedLine(i, x) for i, x in enumerate(ordinary, 1)]) == []
    lines = [AddedLine(i, x) for i, x in enumerate(ordinary + ["password = 'x'", "ok", "GH=" + t.github_classic()], 1)]
    assert hit_numbers(lines) == [len(ordinary) + 1, len(ordinary) + 3]


def test_prefilter_is_case_insensitive_and_handles_unicode_lowercasing():
    lines = [AddedLine(1, "İİİİ ünïcödé"), AddedLine(2, "PASSWORD = 1"), AddedLine(3, "nothing"),
             AddedLine(4, "CONTRASEÑA = 1"), AddedLine(5, "Contraseña = 1")]
    assert hit_numbers(lines) == [2, 4, 5]


def test_clean_scan_does_not_import_detect_secrets():
    code = ("import sys; from tightrope.diff import AddedLine; from tightrope.scan import secrets;"
            "r = secrets.scan_lines('a.py', [AddedLine(1, 'def add(a, b):'), AddedLine(2, '    return a + b')]);"
            "print(r, 'detect_secrets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)})
    assert out.stdout.strip() == "[] False", out.stderr


def test_prefixed_token_scan_does_not_need_detect_secrets_plugins_to_agree():
    # a line that only our detector understands; the plugins (if loaded) add nothing
    found = scan("a.txt", "token " + t.openrouter_key())
    assert rules(found) == {"secret.openrouter-api-key"}


@pytest.mark.parametrize("builder,rule", [
    (t.openai_project_key, "secret.openai-api-key"), (t.anthropic_key, "secret.anthropic-api-key"),
    (t.github_classic, "secret.github-classic-token"), (t.npm_token, "secret.npm-token"),
    (t.aws_access_key_id, "secret.aws-access-key"), (t.slack_bot_token, "secret.slack-token"),
])
@pytest.mark.parametrize("path,template", [
    ("app.py", 'OPENAI_API_KEY = "{}"'), ("config.json", '  "apiKey": "{}",'), ("values.yaml", "  api_key: {}"),
    (".env", "SERVICE_TOKEN={}"), ("main.go", 'client := New("{}")'), ("run.sh", "curl -H 'Authorization: Bearer {}' x"),
])
def test_formats(builder, rule, path, template):
    token = builder()
    found = scan(path, template.format(token))
    assert [f.rule_id for f in found] == [rule]
    assert token not in repr(found)


def test_a_keyword_followed_by_a_file_path_is_not_a_secret():
    from tightrope.diff import AddedLine, AddedLines
    from tightrope.scan.secrets import scan_lines

    for line in ('secret_file = "config/secrets/prod.yaml"', 'password_path = "./certs/db-password.txt"',
                 "Speed (`bench/bench_secrets.py`, `bench/bench_full_hook.py`)"):
        assert scan_lines("x.py" if "=" in line else "README.md", [AddedLine(1, line)]) == [], line
    planted = "Zq8-n0t/a-path-7Yt"  # a slash alone is not a path
    assert scan_lines("x.py", [AddedLine(1, f'db_password = "{planted}"')])
