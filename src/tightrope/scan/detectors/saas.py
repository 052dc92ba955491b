"""SaaS and infrastructure services: Slack, Stripe, Twilio, SendGrid, Shopify,
DigitalOcean, Databricks, HashiCorp Vault and Terraform Cloud, Doppler, Atlassian, Heroku,
Mailgun, Mailchimp, Discord.

Twilio's `SK…` API-key SID is an identifier (it is sent with its secret, which carries no
prefix): only the secret and the auth token, in Twilio-named variables, are reported.

A Discord bot token needs no keyword: its first part is the base64 of the bot's numeric
user id (a snowflake), which is checked by decoding it.

Atlassian API tokens (`ATATT3…`, 192 chars) end with `=` and the CRC32 of everything up
to and including that `=`, as 8 upper-case hex digits.
"""

from __future__ import annotations

import base64
import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .ai_vendors import ASSIGN
from .base import LEFT, RIGHT, Detector, Refined, Verdict, crc32, help_text

C, H = Severity.CRITICAL, Severity.HIGH


def atlassian_verdict(token: str) -> Verdict:
    if len(token) != 192 or token[-9] != "=":
        return Verdict.UNKNOWN
    check = token[-8:]
    if not re.fullmatch(r"[0-9A-F]{8}", check):
        return Verdict.INVALID
    return Verdict.VALID if f"{crc32(token[:-8]):08X}" == check else Verdict.INVALID


def discord_structure(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    """A bot token's first part decodes to the bot's user id: 17-20 digits."""
    head = match.group(0).split(".", 1)[0]
    try:
        user_id = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except ValueError:
        return None
    return Refined(Confidence.HIGH) if user_id.isdigit() and 17 <= len(user_id) <= 20 else None


DETECTORS = [
    Detector(
        rule_id="secret.slack-token", title="Slack token",
        pattern=lazy(LEFT + r"(?:xox[abposr]|xoxe(?:\.xox[bp])?|xapp)-[0-9A-Za-z-]{10,250}" + RIGHT),
        keywords=("xox", "xapp-"), severity=H, body_start=5,
        help=help_text("https://api.slack.com/apps (OAuth & Permissions: revoke / rotate)"),
    ),
    Detector(
        rule_id="secret.slack-webhook", title="Slack incoming webhook URL",
        pattern=lazy(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
                           r"T[A-Za-z0-9_]{6,}/[A-Za-z0-9_]{6,}/[A-Za-z0-9_]{16,}" + RIGHT),
        keywords=("hooks.slack.com",), severity=H, body_start=29,
        help=help_text("https://api.slack.com/apps (Incoming Webhooks: remove the webhook)"),
    ),
    Detector(
        rule_id="secret.stripe-secret-key", title="Stripe live secret key",
        pattern=lazy(LEFT + r"[sr]k_live_[A-Za-z0-9]{20,247}" + RIGHT),
        keywords=("k_live_",), severity=C, body_start=8,
        help=help_text("https://dashboard.stripe.com/apikeys"),
    ),
    Detector(
        rule_id="secret.twilio-api-key", title="Twilio API key secret",
        pattern=lazy(r"(?i:twilio\w*(?:api\w*)?secret)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{32})" + RIGHT),
        keywords=("twilio",), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("https://console.twilio.com (API keys & tokens)"),
    ),
    Detector(
        rule_id="secret.twilio-auth-token", title="Twilio auth token",
        pattern=lazy(r"(?i:twilio\w*auth\w*token)" + ASSIGN + r"(?P<secret>[0-9a-f]{32})" + RIGHT),
        keywords=("twilio",), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("https://console.twilio.com (Account > API keys & tokens)"),
    ),
    Detector(
        rule_id="secret.sendgrid-api-key", title="SendGrid API key",
        pattern=lazy(LEFT + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + RIGHT),
        keywords=("sg.",), severity=H, body_start=3,
        help=help_text("https://app.sendgrid.com/settings/api_keys"),
    ),
    Detector(
        rule_id="secret.shopify-token", title="Shopify access token",
        pattern=lazy(LEFT + r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}" + RIGHT),
        keywords=("shpat_", "shpss_", "shpca_", "shppa_"), severity=H, body_start=6,
        help=help_text("your Shopify admin (Apps > Develop apps: rotate the token)"),
    ),
    Detector(
        rule_id="secret.digitalocean-token", title="DigitalOcean token",
        pattern=lazy(LEFT + r"do[por]_v1_[a-f0-9]{64}" + RIGHT),
        keywords=("dop_v1_", "doo_v1_", "dor_v1_"), severity=C, body_start=7,
        help=help_text("https://cloud.digitalocean.com/account/api/tokens"),
    ),
    Detector(
        rule_id="secret.databricks-token", title="Databricks access token",
        pattern=lazy(LEFT + r"dapi[a-f0-9]{32}(?:-\d)?" + RIGHT),
        keywords=("dapi",), severity=H, body_start=4,
        help=help_text("your Databricks workspace (User settings > Access tokens)"),
    ),
    Detector(
        rule_id="secret.vault-token", title="HashiCorp Vault token",
        pattern=lazy(LEFT + r"(?:hvs\.[A-Za-z0-9_-]{90,120}|hvb\.[A-Za-z0-9_-]{130,220})" + RIGHT),
        keywords=("hvs.", "hvb."), severity=C, body_start=4,
        help="Revoke it (`vault token revoke`), remove it from the change, and have the workload "
             "authenticate to Vault itself (AppRole, Kubernetes, OIDC) instead of a static token.",
    ),
    Detector(
        rule_id="secret.terraform-cloud-token", title="Terraform Cloud / HCP Terraform API token",
        pattern=lazy(LEFT + r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}" + RIGHT),
        keywords=("atlasv1",), severity=C, body_start=23,
        help=help_text("https://app.terraform.io/app/settings/tokens"),
    ),
    Detector(
        rule_id="secret.doppler-token", title="Doppler token",
        pattern=lazy(LEFT + r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}" + RIGHT),
        keywords=("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."), severity=C, body_start=6,
        help=help_text("https://dashboard.doppler.com (Access: revoke the token)"),
    ),
    Detector(
        rule_id="secret.atlassian-api-token", title="Atlassian API token",
        pattern=lazy(LEFT + r"ATATT3[A-Za-z0-9_=-]{186}" + RIGHT),
        keywords=("atatt3",), severity=H, body_start=6, validate=atlassian_verdict,
        help=help_text("https://id.atlassian.com/manage-profile/security/api-tokens"),
    ),
    Detector(
        rule_id="secret.heroku-api-key", title="Heroku API key",
        pattern=lazy(LEFT + r"HRKU-AA[0-9A-Za-z_-]{58}" + RIGHT),
        keywords=("hrku-",), severity=C, body_start=7,
        help=help_text("https://dashboard.heroku.com/account (API key: regenerate) or `heroku authorizations:revoke`"),
    ),
    Detector(
        rule_id="secret.heroku-api-key", title="Heroku API key (legacy UUID form)",
        pattern=lazy(r"(?i:heroku\w*(?:api|key|token|auth|password)\w*)" + ASSIGN
                           + r"(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})" + RIGHT),
        keywords=("heroku",), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("https://dashboard.heroku.com/account (API key: regenerate) or `heroku authorizations:revoke`"),
    ),
    Detector(
        rule_id="secret.mailgun-api-key", title="Mailgun API key",
        pattern=lazy(r"(?<![0-9a-zA-Z_-])(?:key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})" + RIGHT),
        keywords=("mailgun", "key-"), severity=H,
        help=help_text("https://app.mailgun.com (API Security: delete the key)"),
    ),
    Detector(
        rule_id="secret.mailchimp-api-key", title="Mailchimp API key",
        pattern=lazy(LEFT + r"[0-9a-f]{32}-us\d{1,2}" + RIGHT),
        keywords=("-us",), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("Mailchimp (Account > Extras > API keys)"),
    ),
    Detector(
        rule_id="secret.discord-bot-token", title="Discord bot token",
        pattern=lazy(r"(?<![A-Za-z0-9_.+/-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}" + RIGHT),
        keywords=(), anchor=r"\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}", severity=H, refine=discord_structure,
        help=help_text("https://discord.com/developers/applications (Bot: reset token)"),
    ),
]
