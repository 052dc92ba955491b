"""AI vendors' API keys: OpenAI, Anthropic, Hugging Face, Google, Groq, Replicate, xAI,
OpenRouter, LangSmith, Perplexity, Pinecone; Mistral, Cohere and Weights & Biases keys have
no prefix, so only in named variables or as the API-key argument of their own clients
(`cohere.ClientV2(api_key=…)`, `Mistral(api_key=…)`, `wandb.login(key=…)`, per their docs)."""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .base import LEFT, RIGHT, Detector, Refined, help_text

C, H = Severity.CRITICAL, Severity.HIGH
# `NAME = "v"`, `NAME: v`, `"NAME": "v"`, `NAME := v`, `NAME => v`, `export NAME=v`
ASSIGN = r"""["']?\s*(?:=|:=|=>|:)\s*["'`]?"""
_MARKER = "T3Blbk" + "FJ"  # base64 of "OpenAI", inside OpenAI keys


def _openai_marker(match: re.Match, line: str, next_line: str | None) -> Refined | None:
    """Project, service-account and admin keys carry the marker; without it, less sure."""
    return Refined(Confidence.HIGH if _MARKER in match.group(0) else Confidence.MEDIUM)


def _openai(kind: str, rule: str, title: str) -> Detector:
    prefix = "sk-" + kind + "-"
    return Detector(
        rule_id=rule, title=title,
        pattern=lazy(LEFT + re.escape(prefix) + r"[A-Za-z0-9_-]{40,400}" + RIGHT),
        keywords=(prefix,), severity=C, body_start=len(prefix), refine=_openai_marker,
        help=help_text("https://platform.openai.com/api-keys"),
    )


DETECTORS = [
    _openai("proj", "secret.openai-api-key", "OpenAI project API key"),
    _openai("svcacct", "secret.openai-service-account-key", "OpenAI service account key"),
    _openai("admin", "secret.openai-admin-key", "OpenAI admin key"),
    Detector(
        rule_id="secret.openai-api-key", title="OpenAI API key (legacy)",
        pattern=lazy(LEFT + r"sk-[A-Za-z0-9]{20}" + _MARKER + r"[A-Za-z0-9]{20}" + RIGHT),
        keywords=(_MARKER.lower(),), severity=C, body_start=3,
        help=help_text("https://platform.openai.com/api-keys"),
    ),
    Detector(
        rule_id="secret.anthropic-api-key", title="Anthropic API key",
        pattern=lazy(LEFT + r"sk-ant-api0\d-[A-Za-z0-9_-]{80,120}" + RIGHT),
        keywords=("sk-ant-",), severity=C, body_start=13,
        help=help_text("https://console.anthropic.com/settings/keys"),
    ),
    Detector(
        rule_id="secret.anthropic-admin-key", title="Anthropic admin key",
        pattern=lazy(LEFT + r"sk-ant-admin0\d-[A-Za-z0-9_-]{80,120}" + RIGHT),
        keywords=("sk-ant-",), severity=C, body_start=15,
        help=help_text("https://console.anthropic.com/settings/admin-keys"),
    ),
    Detector(
        rule_id="secret.huggingface-token", title="Hugging Face access token",
        pattern=lazy(LEFT + r"hf_[A-Za-z]{34}" + RIGHT),
        keywords=("hf_",), severity=H, body_start=3,
        help=help_text("https://huggingface.co/settings/tokens"),
    ),
    Detector(
        rule_id="secret.google-api-key", title="Google API key",
        pattern=lazy(LEFT + r"AIza[0-9A-Za-z_-]{35}" + RIGHT),
        keywords=("aiza",), severity=H, body_start=4,
        help=help_text("https://console.cloud.google.com/apis/credentials (or restrict it to your app)"),
    ),
    Detector(
        rule_id="secret.google-oauth-access-token", title="Google OAuth access token",
        pattern=lazy(LEFT + r"ya29\.[0-9A-Za-z_-]{20,2048}" + RIGHT),
        keywords=("ya29.",), severity=H, body_start=5, confidence=Confidence.MEDIUM,
        help="An OAuth access token is a bearer credential until it expires (about an hour): revoke it "
             "(https://oauth2.googleapis.com/revoke), remove it from the change, and fetch tokens at run time.",
    ),
    Detector(
        rule_id="secret.groq-api-key", title="Groq API key",
        pattern=lazy(LEFT + r"gsk_[A-Za-z0-9]{52}" + RIGHT),
        keywords=("gsk_",), severity=H, body_start=4,
        help=help_text("https://console.groq.com/keys"),
    ),
    Detector(
        rule_id="secret.replicate-api-token", title="Replicate API token",
        pattern=lazy(LEFT + r"r8_[A-Za-z0-9]{37}" + RIGHT),
        keywords=("r8_",), severity=H, body_start=3,
        help=help_text("https://replicate.com/account/api-tokens"),
    ),
    Detector(
        rule_id="secret.xai-api-key", title="xAI API key",
        pattern=lazy(LEFT + r"xai-[A-Za-z0-9]{80}" + RIGHT),
        keywords=("xai-",), severity=H, body_start=4,
        help=help_text("https://console.x.ai"),
    ),
    Detector(
        rule_id="secret.openrouter-api-key", title="OpenRouter API key",
        pattern=lazy(LEFT + r"sk-or-v1-[0-9a-f]{64}" + RIGHT),
        keywords=("sk-or-v1-",), severity=H, body_start=9,
        help=help_text("https://openrouter.ai/settings/keys"),
    ),
    Detector(
        rule_id="secret.langsmith-api-key", title="LangSmith API key",
        pattern=lazy(LEFT + r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}" + RIGHT),
        keywords=("lsv2_pt_", "lsv2_sk_"), severity=H, body_start=8,
        help=help_text("https://smith.langchain.com (Settings > API Keys)"),
    ),
    Detector(
        rule_id="secret.perplexity-api-key", title="Perplexity API key",
        pattern=lazy(LEFT + r"pplx-[A-Za-z0-9]{40,64}" + RIGHT),
        keywords=("pplx-",), severity=H, body_start=5,
        help=help_text("https://www.perplexity.ai/settings/api"),
    ),
    Detector(
        rule_id="secret.pinecone-api-key", title="Pinecone API key",
        pattern=lazy(LEFT + r"pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,100}" + RIGHT),
        keywords=("pcsk_",), severity=H, body_start=5,
        help=help_text("https://app.pinecone.io (API Keys)"),
    ),
    Detector(
        rule_id="secret.mistral-api-key", title="Mistral API key",
        pattern=lazy(r"(?i:mistral[_-]?api[_-]?key)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{32})" + RIGHT),
        keywords=("mistral",), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("https://console.mistral.ai/api-keys"),
    ),
    Detector(
        rule_id="secret.cohere-api-key", title="Cohere API key",
        pattern=lazy(r"(?i:co(?:here)?[_-]?api[_-]?key)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{40})" + RIGHT),
        keywords=("cohere", "co_api_key"), severity=H, confidence=Confidence.MEDIUM,
        help=help_text("https://dashboard.cohere.com/api-keys"),
    ),
    Detector(
        rule_id="secret.mistral-api-key", title="Mistral API key",
        pattern=lazy(r"\bMistral(?:Client|AsyncClient)?\(\s*\{?\s*(?:api_key|apiKey)\s*[=:]\s*[\"'`]"
                           r"(?P<secret>[A-Za-z0-9]{32})[\"'`]"),
        keywords=("mistral",), severity=H,
        help=help_text("https://console.mistral.ai/api-keys"),
    ),
    Detector(
        rule_id="secret.cohere-api-key", title="Cohere API key",
        pattern=lazy(r"\b(?:cohere\.(?:Async)?Client(?:V2)?\(\s*(?:api_key\s*=\s*)?|CohereClient(?:V2)?\(\s*\{\s*token\s*:\s*)"
                           r"[\"'`](?P<secret>[A-Za-z0-9]{40})[\"'`]"),
        keywords=("cohere",), severity=H,
        help=help_text("https://dashboard.cohere.com/api-keys"),
    ),
    Detector(
        rule_id="secret.wandb-api-key", title="Weights & Biases API key",
        pattern=lazy(r"(?:(?i:wandb[_-]?api[_-]?key)" + ASSIGN + r"|\bwandb\.login\(\s*(?:key\s*=\s*)?[\"'])"
                           r"(?P<secret>[0-9a-f]{40})" + RIGHT),
        keywords=("wandb",), severity=H,
        help=help_text("https://wandb.ai/authorize (User settings > API keys: revoke)"),
    ),
]
