"""detect-secrets, used as a library: the plugins we run, how they map to our rules,
and the trigger keywords that let a line reach them.

Importing this module does not import detect_secrets; `load()` does, on the first line
that passes the prefilter. We never call `analyze_line`: in 1.5 it consults the
process-global settings and, if the verification filter is configured there by anyone
in the process, calls `verify()`, which makes network requests. We call each plugin's
`analyze_string` (the pure regex part) ourselves, with the file-type regexes the
Keyword plugin would pick, and apply detect-secrets' heuristic filters directly.

Left out on purpose:
- Base64/HexHighEntropyString: on diffs they mostly find digests, fixtures, base64
  blobs and minified code; the prefixed detectors and the keyword plugin cover the
  secrets worth blocking. (They would at best be LOW-confidence noise.)
- GitHub, GitLab, npm, PyPI and OpenAI plugins: our own detectors cover the same tokens
  with checksums; theirs would re-report a token whose checksum is wrong.
- Twilio (matches account SIDs, which are identifiers), PrivateKey (fires on code that
  merely mentions a PEM header), IPPublic (not a secret).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from tightrope.findings import Confidence, Severity

from .base import help_text


@dataclass(frozen=True)
class PluginRule:
    plugin: str  # class name in detect_secrets.plugins.<module>
    module: str
    rule_id: str
    title: str
    severity: Severity
    confidence: Confidence
    keywords: tuple[str, ...]  # lower-case literals; the line must contain one
    help: str
    min_entropy: float = 2.5  # of the value; below it, the match is dropped
    generic: bool = False  # a keyword-assignment rule: more filters, confidence by entropy


KEYWORD_TRIGGERS = (
    "api_key", "apikey", "auth_key", "authkey", "service_key", "servicekey", "account_key", "accountkey",
    "db_key", "dbkey", "database_key", "databasekey", "priv_key", "privkey", "private_key", "privatekey",
    "client_key", "clientkey", "db_pass", "dbpass", "database_pass", "databasepass", "key_pass", "keypass",
    "password", "passwd", "pwd", "secret", "contraseña", "contrasena",
)

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
HI, MED, LO = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW

RULES: tuple[PluginRule, ...] = (
    PluginRule("AWSKeyDetector", "aws", "secret.aws-access-key", "AWS access key", C, HI,
               ("akia", "asia", "abia", "acca", "a3t", "aws"),
               help_text("the AWS IAM console (deactivate, then delete the access key)")),
    PluginRule("AzureStorageKeyDetector", "azure_storage_key", "secret.azure-storage-key",
               "Azure Storage account key", C, HI, ("accountkey=",),
               help_text("the Azure portal (Storage account > Access keys: rotate)")),
    PluginRule("ArtifactoryDetector", "artifactory", "secret.artifactory-token", "JFrog Artifactory credential",
               H, MED, ("akc", "artifactory"), help_text("your JFrog platform (Identity and Access)")),
    PluginRule("BasicAuthDetector", "basic_auth", "secret.basic-auth", "Password in a URL", H, MED, ("://",),
               "Change the password, remove it from the URL, and inject credentials at run time."),
    PluginRule("CloudantDetector", "cloudant", "secret.cloudant", "IBM Cloudant credential", H, MED,
               ("cloudant",), help_text("the IBM Cloud console")),
    PluginRule("DiscordBotTokenDetector", "discord", "secret.discord-bot-token", "Discord bot token", H, MED,
               ("discord",), help_text("https://discord.com/developers/applications (Bot: reset token)")),
    PluginRule("IbmCloudIamDetector", "ibm_cloud_iam", "secret.ibm-cloud-iam-key", "IBM Cloud IAM key", H, MED,
               ("ibm",), help_text("the IBM Cloud console (Manage > Access (IAM) > API keys)")),
    PluginRule("IbmCosHmacDetector", "ibm_cos_hmac", "secret.ibm-cos-hmac", "IBM COS HMAC secret", H, MED,
               ("secret_access_key", "secret-access-key", "secretaccesskey", "secret_key", "secretkey"),
               help_text("the IBM Cloud console (Object Storage > Service credentials)")),
    PluginRule("JwtTokenDetector", "jwt", "secret.jwt", "JSON Web Token", H, MED, ("eyj",),
               "A JWT is a bearer credential until it expires: invalidate the session or rotate the signing "
               "key, remove it from the change, and fetch tokens at run time."),
    PluginRule("MailchimpDetector", "mailchimp", "secret.mailchimp-api-key", "Mailchimp API key", H, MED,
               ("-us",), help_text("Mailchimp (Account > Extras > API keys)")),
    PluginRule("SendGridDetector", "sendgrid", "secret.sendgrid-api-key", "SendGrid API key", H, HI, ("sg.",),
               help_text("https://app.sendgrid.com/settings/api_keys")),
    PluginRule("SlackDetector", "slack", "secret.slack-token", "Slack token", H, HI,
               ("xox", "hooks.slack.com"), help_text("https://api.slack.com/apps")),
    PluginRule("SoftlayerDetector", "softlayer", "secret.softlayer", "SoftLayer credential", H, MED,
               ("softlayer", "sl_", "sl-"), help_text("the IBM Cloud (SoftLayer) console")),
    PluginRule("SquareOAuthDetector", "square_oauth", "secret.square-oauth-secret", "Square OAuth secret", H, HI,
               ("sq0csp-",), help_text("https://developer.squareup.com/apps")),
    PluginRule("StripeDetector", "stripe", "secret.stripe-secret-key", "Stripe live secret key", C, HI,
               ("k_live_",), help_text("https://dashboard.stripe.com/apikeys")),
    PluginRule("TelegramBotTokenDetector", "telegram_token", "secret.telegram-bot-token", "Telegram bot token",
               H, MED, (":aa", "telegram"), help_text("Telegram's @BotFather (/revoke)")),
    PluginRule("KeywordDetector", "keyword", "secret.keyword", "Hard-coded secret", M, MED, KEYWORD_TRIGGERS,
               "Remove the value from the change and read it from the environment or a secret manager; "
               "if it was ever real, rotate it.", min_entropy=0.0, generic=True),
)

KEYWORDS: frozenset[str] = frozenset(k for r in RULES for k in r.keywords)

_lock = threading.Lock()
_loaded: list[tuple[Any, PluginRule]] | None = None
_keyword_regexes: Any = None


def load() -> list[tuple[Any, PluginRule]]:
    """Instantiate the plugin classes once (imports detect_secrets)."""
    global _loaded, _keyword_regexes
    if _loaded is None:
        with _lock:
            if _loaded is None:
                import importlib

                from detect_secrets.plugins import keyword as kw

                _keyword_regexes = kw
                out = []
                for rule in RULES:
                    module = importlib.import_module(f"detect_secrets.plugins.{rule.module}")
                    out.append((getattr(module, rule.plugin)(), rule))
                _loaded = out
    return _loaded


def _keyword_regex_for(path: str) -> Any:
    """The Keyword plugin's per-file-type regexes; `.env` files read like config files."""
    from detect_secrets.util.filetype import determine_file_type

    kw = _keyword_regexes
    base = os.path.basename(path).lower()
    if base == ".env" or base.startswith(".env.") or base.endswith(".env") or base in (".npmrc", ".pypirc", ".netrc"):
        return kw.CONFIG_DENYLIST_REGEX_TO_GROUP
    return kw.REGEX_BY_FILETYPE.get(determine_file_type(path), kw.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)


def matches(path: str, line: str, low_line: str) -> list[tuple[PluginRule, str, Any]]:
    """(rule, value, plugin) for every plugin whose trigger keyword is in the line."""
    out = []
    for plugin, rule in load():
        if not any(k in low_line for k in rule.keywords):
            continue
        if rule.generic:
            values = plugin.analyze_string(line, denylist_regex_to_group=_keyword_regex_for(path))
        else:
            values = plugin.analyze_string(line)
        for value in values:
            if value:
                out.append((rule, value, plugin))
    return out


def heuristic_filters_say_not_secret(value: str, line: str, plugin: Any, generic: bool) -> bool:
    """detect-secrets' own heuristic filters, called directly (no settings, no file I/O).

    The line-shape filters (`x = f(...)`, `_id` names, `$VAR`) only make sense for the
    keyword plugin: `boto3.client(aws_access_key_id="AKIA…")` is still a leak."""
    from detect_secrets.filters import heuristic as h

    if h.is_sequential_string(value) or h.is_potential_uuid(value) or h.is_not_alphanumeric_string(value):
        return True
    if not generic:
        return False
    return (h.is_likely_id_string(value, line, plugin) or h.is_templated_secret(value)
            or h.is_prefixed_with_dollar_sign(value) or h.is_indirect_reference(line))
