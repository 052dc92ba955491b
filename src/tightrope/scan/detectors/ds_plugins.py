"""detect-secrets, used as a library: the vendor plugins we still run, how they map to our
rules, and the trigger keywords that let a line reach them.

Importing this module does not import detect_secrets. A plugin is instantiated the first
time a line holds one of its trigger words (importing any detect-secrets module costs
0.1-0.5 s: the package imports `requests`), so the triggers are literals a line of
ordinary code rarely holds. We never call `analyze_line`: in 1.5 it consults the
process-global settings and, if the verification filter is configured there by anyone
in the process, calls `verify()`, which makes network requests. We call each plugin's
`analyze_string` (the pure regex part) ourselves and apply detect-secrets' heuristic
filters directly.

Left out on purpose:
- Keyword, BasicAuth, IbmCosHmac, Mailchimp, AWS, Slack, Stripe, SendGrid: our own
  detectors (`keywords`, `basic_auth`, `saas`, `clouds`) cover them without the import
  (and keywords with the blocking ladder).
- Base64/HexHighEntropyString: on diffs they mostly find digests, fixtures, base64
  blobs and minified code; the prefixed detectors and the keyword ladder cover the
  secrets worth blocking.
- GitHub, GitLab, npm, PyPI and OpenAI plugins: our own detectors cover the same tokens
  with checksums; theirs would re-report a token whose checksum is wrong.
- Twilio (matches account SIDs, which are identifiers), PrivateKey (fires on code that
  merely mentions a PEM header), IPPublic (not a secret).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable

from tightrope.findings import Confidence, Severity
from tightrope.records import RecordTuple, TYPE_CHECKING

from .. import secret_filters
from .base import help_text

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any


class PluginRule(RecordTuple):
    plugin: str  # class name in detect_secrets.plugins.<module>
    module: str
    rule_id: str
    title: str
    severity: Severity
    confidence: Confidence
    keywords: tuple[str, ...]  # lower-case literals; the line must contain one
    help: str
    min_entropy: float = 2.5  # of the value; below it, the match is dropped
    not_secret: Callable[[str], bool] | None = None  # a value that matches but is not a credential
    shape: str = ""  # our regex for what the plugin could match, boundaries included: no match, no import


C, H = Severity.CRITICAL, Severity.HIGH
HI, MED = Confidence.HIGH, Confidence.MEDIUM

RULES: tuple[PluginRule, ...] = (
    PluginRule("AzureStorageKeyDetector", "azure_storage_key", "secret.azure-storage-key",
               "Azure Storage account key", C, HI, ("accountkey=",),
               help_text("the Azure portal (Storage account > Access keys: rotate)"),
               shape=r"(?i:AccountKey)=[A-Za-z0-9+/=]{80,}"),
    PluginRule("ArtifactoryDetector", "artifactory", "secret.artifactory-token", "JFrog Artifactory credential",
               H, MED, ("akc", "artifactory"), help_text("your JFrog platform (Identity and Access)"),
               shape=r"(?:^|[\s=:\"])(?:AKC[a-zA-Z0-9]{10,}|AP[\dABCDEF][a-zA-Z0-9]{8,})(?:[\s\"]|$)"),
    PluginRule("CloudantDetector", "cloudant", "secret.cloudant", "IBM Cloudant credential", H, MED,
               ("cloudant",), help_text("the IBM Cloud console"),
               shape=r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])|(?<![a-z])[a-z]{24}(?![a-z])"),
    PluginRule("DiscordBotTokenDetector", "discord", "secret.discord-bot-token", "Discord bot token", H, MED,
               ("discord",), help_text("https://discord.com/developers/applications (Bot: reset token)"),
               shape=r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}"),
    PluginRule("IbmCloudIamDetector", "ibm_cloud_iam", "secret.ibm-cloud-iam-key", "IBM Cloud IAM key", H, MED,
               ("ibm",), help_text("the IBM Cloud console (Manage > Access (IAM) > API keys)"),
               shape=r"(?i:key|pwd|pass|token)\w*[\]\"' :=>]*[a-zA-Z0-9_-]{44}(?![a-zA-Z0-9_-])"),
    PluginRule("JwtTokenDetector", "jwt", "secret.jwt", "JSON Web Token", H, MED, ("eyj",),
               "A JWT is a bearer credential until it expires: invalidate the session or rotate the signing "
               "key, remove it from the change, and fetch tokens at run time.",
               not_secret=secret_filters.is_unsigned_jwt,
               shape=r"eyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+"),
    PluginRule("SoftlayerDetector", "softlayer", "secret.softlayer", "SoftLayer credential", H, MED,
               ("softlayer", "sl_api", "sl-api", "slapi"), help_text("the IBM Cloud (SoftLayer) console"),
               shape=r"[a-z0-9]{64}"),
    PluginRule("SquareOAuthDetector", "square_oauth", "secret.square-oauth-secret", "Square OAuth secret", H, HI,
               ("sq0csp-",), help_text("https://developer.squareup.com/apps"),
               shape=r"sq0csp-[0-9A-Za-z_-]{43}"),
    PluginRule("TelegramBotTokenDetector", "telegram_token", "secret.telegram-bot-token", "Telegram bot token",
               H, MED, (":aa", "telegram"), help_text("Telegram's @BotFather (/revoke)"),
               shape=r"\d{8,10}:[0-9A-Za-z_-]{35}"),
)

KEYWORDS: frozenset[str] = frozenset(k for r in RULES for k in r.keywords)

_lock = threading.Lock()
_plugins: dict[str, Any] = {}


def plugin(rule: PluginRule) -> Any:
    """The rule's plugin, imported and instantiated on first use (only that module)."""
    found = _plugins.get(rule.plugin)
    if found is None:
        with _lock:
            found = _plugins.get(rule.plugin)
            if found is None:
                import importlib

                module = importlib.import_module(f"detect_secrets.plugins.{rule.module}")
                found = _plugins[rule.plugin] = getattr(module, rule.plugin)()
    return found


@functools.lru_cache(maxsize=None)
def _shape(rule: PluginRule) -> re.Pattern:
    return re.compile(rule.shape)


def matches(line: str, low_line: str) -> list[tuple[PluginRule, str]]:
    """(rule, value) for every plugin whose trigger keyword is in the line and whose value
    could be (the plugin is imported only then)."""
    out = []
    for rule in RULES:
        if any(k in low_line for k in rule.keywords) and _shape(rule).search(line):
            out += [(rule, value) for value in plugin(rule).analyze_string(line) if value]
    return out


def heuristic_filters_say_not_secret(value: str) -> bool:
    """detect-secrets' own heuristic filters for a vendor plugin's match (no settings, no file I/O)."""
    from detect_secrets.filters import heuristic as h

    return h.is_sequential_string(value) or h.is_potential_uuid(value) or h.is_not_alphanumeric_string(value)
