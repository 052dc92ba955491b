"""Labelled lines for what BLOCKS (issue 11 §2): shared by tests/test_secrets_blocking.py and
bench/score_secrets.py. Every value is built at run time (tests/tokens.py).

BLOCKS: a change adding these lines must raise at least one blocking finding.
PASSES: a change adding these lines must raise no blocking finding (the false-positive
twins of the formats above, and everyday code that only looks like a secret).
Each entry: (id, path, lines).
"""

from __future__ import annotations

import base64

import tokens as t

AWS_ID, AWS_SECRET = t.aws_documented_examples()
PW = t.password()
B64_AUTH = t.basic_auth_b64()

BLOCKS: list[tuple[str, str, list[str]]] = [
    # keyword assignments whose value passes the strong checks
    ("keyword-py", "app/settings.py", ['DB_PASSWORD = "%s"' % PW]),
    ("keyword-env", ".env", ["SMTP_PASSWORD=" + t.password(3)]),
    ("keyword-yaml", "deploy/values.yaml", ["  client_secret: " + t.rand(32, t.ALNUM + "-_", "cs")]),
    ("keyword-js", "src/config.js", ["const apiSecret = '%s';" % t.rand(28, t.B64, "js")]),
    ("keyword-go", "cmd/main.go", ['dbPassword := "%s"' % t.password(5)]),
    ("keyword-json", "config/prod.json", ['  "api_key": "%s",' % t.rand(40, t.ALNUM, "json")]),
    ("keyword-properties", "src/main/resources/application.properties",
     ["spring.datasource.password=" + t.password(6)]),
    # AWS secret access keys in ini-style files without an extension
    ("aws-credentials", ".aws/credentials", ["[default]", "aws_access_key_id = " + t.aws_access_key_id(),
                                             "aws_secret_access_key = " + t.aws_secret_access_key()]),
    ("aws-config", "deploy/aws/config", ["[profile ci]", "aws_secret_access_key=" + t.aws_secret_access_key(2)]),
    # HTTP basic auth
    ("docker-auth", ".docker/config.json", ['    "https://index.docker.io/v1/": {', '      "auth": "%s"' % B64_AUTH]),
    ("curl-u", "scripts/upload.sh", ["curl -u deploy:%s https://artifacts.corp.net/upload" % t.password(7)]),
    ("authorization-basic", "api/client.py", ['headers = {"Authorization": "Basic %s"}' % t.basic_auth_b64("svc", 8)]),
    ("url-markdown", "docs/deploy.md", ["Push with `git push https://ci-bot:%s@git.corp.net/app.git`" % t.password(9)]),
    ("url-ci-variable", ".gitlab-ci.yml", ["  REGISTRY_URL: https://builder:%s@registry.corp.net/v2" % t.password(10)]),
    # Heroku
    ("heroku-hrku", ".env", ["HEROKU_API_KEY=" + t.heroku_key()]),
    ("heroku-uuid", "deploy.sh", ["export HEROKU_API_KEY=" + t.uuid4()]),
    # Weights & Biases
    ("wandb-env", ".env", ["WANDB_API_KEY=" + t.hex_secret(40, "wb")]),
    ("wandb-login", "train.py", ['wandb.login(key="%s")' % t.hex_secret(40, "wb2")]),
    # 40/64-hex secrets under secret-named keys
    ("flask-secret-key", "app/__init__.py", ["app.config['SECRET_KEY'] = '%s'" % t.hex_secret(64)]),
    ("hex40-token", "config/settings.py", ['API_TOKEN = "%s"' % t.hex_secret(40, "tok")]),
    # Mailgun, Discord, Cohere/Mistral clients, Azure storage keys, ODBC
    ("mailgun-new", "mail.py", ['MAILGUN_API_KEY = "%s"' % t.mailgun_key()]),
    ("discord-structure", "bot/run.py", ['bot.run("%s")' % t.discord_bot_token(1)]),
    ("cohere-client", "rag.py", ['co = cohere.ClientV2(api_key="%s")' % t.cohere_key(3)]),
    ("cohere-client-positional", "rag.py", ['co = cohere.Client("%s")' % t.cohere_key(4)]),
    ("mistral-client", "chat.py", ['client = Mistral(api_key="%s")' % t.mistral_key(3)]),
    ("azure-bare-key", "storage.py", ['STORAGE_ACCOUNT_KEY = "%s"' % t.azure_storage_key(3)]),
    ("odbc-password", "db.cs",
     ['var cs = "Server=tcp:sql.corp.net,1433;Database=app;User Id=svc;Password=%s;";' % t.password(11)]),
    ("odbc-pwd", "etl.py",
     ['conn = pyodbc.connect("DRIVER={ODBC Driver 18 for SQL Server};SERVER=db;UID=etl;PWD=%s")' % t.password(12)]),
]

PASSES: list[tuple[str, str, list[str]]] = [
    # weak keyword values stay below the blocking bar
    ("weak-short", "app/settings.py", ['DB_PASSWORD = "%s"' % t.password(7)[:7]]),
    ("weak-word", "app/settings.py", ['password = "somefancypassword"']),
    ("weak-test-path", "tests/test_login.py", ['password = "%s"' % PW]),
    ("weak-doc-path", "docs/configuration.md", ['DB_PASSWORD = "%s"' % PW]),
    ("env-reference", "app/settings.py", ['SECRET_KEY = os.environ["SECRET_KEY"]']),
    # the documented example AWS secret in a credentials file
    ("aws-docs-example", ".aws/credentials", ["aws_secret_access_key = " + AWS_SECRET]),
    ("aws-ini-not-a-key", "deploy/aws/config", ["region = eu-west-1", "output = json"]),
    # basic auth twins
    ("docker-auth-empty", ".docker/config.json", ['      "auth": ""']),
    ("docker-credsstore", ".docker/config.json", ['  "credsStore": "desktop"']),
    ("curl-u-env", "scripts/upload.sh", ['curl -u "$USER:$TOKEN" https://artifacts.corp.net/upload']),
    ("authorization-basic-var", "api/client.py", ['headers = {"Authorization": "Basic " + encoded}']),
    ("url-no-password", "docs/deploy.md", ["Clone https://git.corp.net/app.git and run make."]),
    ("url-parser-test-vector", "tests/test_urlparse.py",
     ['    ("http://user:pass@host:8080/path", ("user", "pass", "host", 8080)),']),
    ("url-example-host", "docs/proxy.md", ["Set HTTPS_PROXY=http://alice:%s@proxy.example.com:3128" % t.password(13)]),
    # Heroku twins
    ("heroku-uuid-no-keyword", "fixtures/ids.py", ['REQUEST_ID = "%s"' % t.uuid4(1)]),
    # digests stay digests where the context says so
    ("sha256-checksum", "deps.py", ['checksum = "%s"' % t.hex_secret(64, "sum")]),
    ("commit-sha", "ci.yml", ["  commit: " + t.hex_secret(40, "sha")]),
    ("integrity-hex", "lock.json", ['  "integrity_sha256": "%s"' % t.hex_secret(64, "int")]),
    ("secret-hash", "auth.py", ['secret_hash = "%s"' % t.hex_secret(64, "h")]),
    # Mailgun, Discord, Cohere/Mistral twins
    ("mailgun-uuid-like", "ids.py", ['trace = "%s"' % t.mailgun_key(5).replace("-", "")]),
    ("discord-like-dotted", "version.py", ['BUILD = "%s"' % ("v1." + t.rand(24, t.ALNUM, "d1") + "." + t.rand(6, t.ALNUM, "d2"))]),
    ("cohere-client-env", "rag.py", ['co = cohere.ClientV2(api_key=os.environ["CO_API_KEY"])']),
    ("mistral-client-env", "chat.py", ["client = Mistral(api_key=api_key)"]),
    ("azure-base64-blob", "icons.py", ['ICON_PNG = "%s"' % t.azure_storage_key(5)]),
    ("odbc-env-password", "db.cs", ['var cs = $"Server=db;Database=app;User Id=svc;Password={password};";']),
    ("odbc-placeholder", "docs/db.md", ["Server=myServer;Database=myDB;User Id=myUser;Password=<password>;"]),
    # the listed everyday false positives
    ("twilio-sid", "sms.py", ['TWILIO_API_KEY_SID = "%s"' % t.twilio_api_key()]),
    ("jwt-alg-none", "tests/fixtures/auth.py", ['TOKEN = "%s"' % t.unsigned_jwt()]),
    ("stripe-placeholder", "README.md", ["STRIPE_SECRET_KEY=" + "sk_" + "live_..."]),
    ("stripe-placeholder-py", "settings.py", ['STRIPE_SECRET_KEY = "' + "sk_" + 'live_..."']),
    ("docs-example-key", "docs/quickstart.rst", ["   export API_KEY=" + "0123456789abcdef0123456789abcdef"]),
    ("regex-under-secret-name", "detectors/hmac.py", ["secret_pattern = r'(?:[a-f0-9]{48})(?![a-f0-9])'"]),
    ("fstring-under-secret-name", "lexer.py", ["token_re = f'[{ident_start}][{ident_rest}]*'"]),
    ("password-label", "forms.py", ['label = "Enter your password"']),
    ("password-field-name", "models.py", ['password_reset_template = "auth/password_reset/form.html"']),
    # issue 17: encodings and connection strings (twins of ENCODED_BLOCKS below)
    ("jdbc-env-password", "src/main/resources/app.properties",
     ["db.url=jdbc:mysql://db.corp.net/app?user=app&password=${DB_PASSWORD}"]),
    ("oracle-placeholder", "docs/oracle.md", ["sqlplus scott/<password>@db.corp.net:1521/ORCL"]),
]

ENCODED_BLOCKS: list[tuple[str, str, list[str]]] = [
    ("k8s-secret-token", "deploy/secret.yaml", ["kind: Secret", "data:", "  GH_TOKEN: " + base64.b64encode(
        t.github_classic(seed="k8s").encode()).decode()]),
    ("k8s-secret-password", "deploy/secret.yaml", ["kind: Secret", "data:", "  db-password: " + base64.b64encode(
        t.password(21).encode()).decode()]),
    ("json-escaped-webhook", "config/alerts.json", ['{"slack": "%s"}' % t.slack_webhook(3).replace("/", "\\/")]),
    ("yaml-block-password", "config/app.yaml", ["db:", "  password: |", "    " + t.password(22)]),
    ("jdbc-query-password", "src/main/resources/app.properties",
     ["db.url=jdbc:mysql://db.corp.net/app?user=app&password=" + t.password(23)]),
    ("oracle-ezconnect", "scripts/load.sh", ["sqlplus app/%s@db.corp.net:1521/ORCL @load.sql" % t.password(24)]),
]
BLOCKS += ENCODED_BLOCKS
