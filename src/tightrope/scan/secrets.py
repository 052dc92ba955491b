"""Secrets in the lines a change adds.

    scan_lines(path, lines) -> list[Finding]

Pipeline, per file:
1. Prefilter: ONE case-insensitive regex built (lazily, once) from every detector's
   keywords and the detect-secrets plugins' trigger keywords, run over the whole added
   text at once. Only lines it hits go further; most lines of a diff never do.
2. Our detectors (`tightrope.scan.detectors.ALL`, priority order) on the hit lines:
   regex -> checksum verdict (INVALID: dropped; VALID: HIGH confidence, no heuristics;
   UNKNOWN: placeholder, masked-span, entropy and context checks).
3. detect-secrets' plugins (imported on the first hit line, never for a clean diff),
   their values run through detect-secrets' heuristic filters and ours.
4. One finding per (line, secret span): a span a detector already claimed (reported or
   judged not secret) is not reported again by a later detector or plugin.

No network, no files read, no process-global settings. Inline allow comments and
baselines are the core's job, not this module's.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

from tightrope.diff import AddedLine
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.redact import Masker, preview

from . import secret_filters as sf
from .detectors import ALL as DETECTORS
from .detectors import Verdict
from .detectors import ds_plugins
from .detectors.base import CWE_HARDCODED

SNIPPET_MAX = 200
DS_MAX_LINE = 4000  # detect-secrets' keyword regexes get slow on minified lines
_SEQUENTIAL = re.compile(r"(?:0123456789|abcdefghij|1234567890)", re.IGNORECASE)


@dataclass(frozen=True)
class _Candidate:
    rule_id: str
    title: str
    severity: Severity
    confidence: Confidence
    secret: str
    fingerprint_value: str
    help: str
    show_preview: bool = True
    verified: bool = False


# ------------------------------------------------------------------ prefilter

_prefilter_lock = threading.Lock()
_prefilter: Optional[re.Pattern] = None


def keywords() -> frozenset[str]:
    return frozenset(k for d in DETECTORS for k in d.keywords) | ds_plugins.KEYWORDS


def _trie_pattern(words: set[str] | frozenset[str]) -> str:
    """One alternation with shared prefixes factored out (fast in `re`); a word that
    another word starts with makes the longer one redundant (we only ask 'is any there')."""
    trie: dict = {}
    for w in sorted(words, key=len):
        node = trie
        for ch in w:
            if "" in node:
                break
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}

    def emit(node: dict) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def prefilter() -> re.Pattern:
    """The combined keyword check (compiled on first use). Matches lower-cased text."""
    global _prefilter
    if _prefilter is None:
        with _prefilter_lock:
            if _prefilter is None:
                _prefilter = re.compile(_trie_pattern(keywords()))
    return _prefilter


def candidate_lines(lines: Sequence[AddedLine]) -> list[int]:
    """Indexes of the lines that contain any keyword (one regex pass over all of them)."""
    if not lines:
        return []
    low = "\n".join(a.text for a in lines).lower()
    rx = prefilter()
    hits: list[int] = []
    pos = idx = 0
    m = rx.search(low)
    while m:
        idx += low.count("\n", pos, m.start())
        hits.append(idx)
        nl = low.find("\n", m.end())
        if nl < 0:
            break
        pos, idx = nl + 1, idx + 1
        m = rx.search(low, pos)
    return hits


# ------------------------------------------------------------------ scanning

def scan_lines(path: str, lines: Sequence[AddedLine]) -> list[Finding]:
    findings: list[Finding] = []
    hits = candidate_lines(lines)
    if not hits:
        return findings
    lock_file = sf.is_lock_file(path)
    for i in hits:
        line = lines[i]
        nxt = lines[i + 1].text if i + 1 < len(lines) and lines[i + 1].number == line.number + 1 else None
        encrypted = _under_encrypted_data(lines, i)
        candidates = _scan_line(path, line.text, nxt, lock_file, encrypted)
        if candidates:
            findings += _findings(path, line, candidates)
    return findings


def secret_values(path: str, text: str) -> list[str]:
    """Every value the detectors judge a secret on one line of `path` (no context lines):
    what the report's redactor masks in every finding, whichever scanner made it."""
    found = _scan_line(path, text, None, sf.is_lock_file(path), False)
    return [v for c in found for v in (c.secret, c.fingerprint_value)]


def _span(m: re.Match) -> tuple[int, int]:
    if "secret" in m.re.groupindex and m.group("secret") is not None:
        return m.span("secret")
    return m.span()


def _scan_line(path: str, text: str, nxt: Optional[str], lock_file: bool, encrypted: bool) -> list[_Candidate]:
    low = text.lower()
    masks = [(0, len(text))] if encrypted else sf.masked_spans(text)
    claimed: list[tuple[int, int]] = []
    out: list[_Candidate] = []

    for det in DETECTORS:
        if not any(k in low for k in det.keywords):
            continue
        for m in det.pattern.finditer(text):
            span = _span(m)
            if sf.overlaps(span, claimed):
                continue
            claimed.append(span)  # reported or not: later detectors must not re-report it
            secret = text[span[0]:span[1]]
            verdict = det.validate(secret) if det.validate else Verdict.UNKNOWN
            if verdict is Verdict.INVALID:
                continue
            if verdict is Verdict.VALID:
                out.append(_Candidate(det.rule_id, det.title, det.severity, Confidence.HIGH, secret, secret,
                                      det.help, det.show_preview, verified=True))
                continue
            if sf.overlaps(span, masks):
                continue
            body = secret[det.body_start:]
            if det.placeholder_filter and (sf.is_placeholder(secret) or _SEQUENTIAL.search(body)):
                continue
            if sf.low_entropy(body, det.min_entropy):
                continue
            confidence, severity, fp_value = det.confidence, det.severity, secret
            if det.refine is not None:
                refined = det.refine(m, text, nxt)
                if refined is None:
                    continue
                confidence = refined.confidence
                severity = refined.severity or severity
                secret = refined.secret or secret
                fp_value = refined.fingerprint_value or secret
            out.append(_Candidate(det.rule_id, det.title, severity, confidence, secret, fp_value,
                                  det.help, det.show_preview))

    if lock_file or len(text) > DS_MAX_LINE or not any(k in low for k in ds_plugins.KEYWORDS):
        return out
    for rule, value, plugin in ds_plugins.matches(path, text, low):
        start = text.find(value)
        if start < 0:
            continue
        span = (start, start + len(value))
        if sf.overlaps(span, claimed):
            continue
        claimed.append(span)
        if sf.overlaps(span, masks):
            continue
        confidence = _judge_plugin_value(rule, value, text, plugin)
        if confidence is None:
            continue
        out.append(_Candidate(rule.rule_id, rule.title, rule.severity, confidence, value, value, rule.help))
    return out


def _judge_plugin_value(rule: ds_plugins.PluginRule, value: str, line: str, plugin) -> Optional[Confidence]:
    if sf.is_placeholder(value) or sf.is_uuid(value):
        return None
    if ds_plugins.heuristic_filters_say_not_secret(value, line, plugin, rule.generic):
        return None
    if not rule.generic:
        if sf.low_entropy(value, rule.min_entropy):
            return None
        if rule.rule_id == "secret.basic-auth" and _URL_HOST_IS_LOCAL.search(line[line.find(value) + len(value):]):
            return Confidence.LOW
        return rule.confidence
    # a keyword assignment: the value is whatever follows `password =`
    if sf.is_file_path(value):
        return None
    stripped = value.strip()
    if len(stripped) < 6 or sf.is_env_reference(stripped, line) or sf.is_digest(stripped, line):
        return None
    if re.fullmatch(r"[\d.,:_-]+", stripped) or re.fullmatch(r"[A-Za-z_][\w]*\(.*\)?", stripped):
        return None  # numbers, function calls
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+", stripped):
        return None  # attribute references: settings.DB_PASSWORD
    if _PROSE.fullmatch(stripped):
        return None  # words: "pragma: allowlist secret", "Enter your password"
    if _ENV_NAME.fullmatch(stripped):
        return None  # the name of a variable, not its value: "OTEL_EXPORTER_OTLP_PASSWORD"
    if re.search(r"(?:==|!=)\s*[\"'`]?" + re.escape(stripped), line):
        return None  # a comparison, not an assignment
    return Confidence.MEDIUM if len(stripped) >= 12 and sf.entropy(stripped) >= 3.0 else Confidence.LOW


_SEALED_HEADER = re.compile(r"^\s*encryptedData:\s*$")
_PROSE = re.compile(r"[A-Za-z0-9]+(?:[:,.'!?()-]*\s+[A-Za-z0-9()]+)+[.!?]?")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_URL_HOST_IS_LOCAL = re.compile(r"\A@(?:localhost|127\.[\d.]+|0\.0\.0\.0|[\w.-]*example\.(?:com|org|net)|[\w.-]+\.(?:test|local|invalid))\b",
                                re.IGNORECASE)


def _under_encrypted_data(lines: Sequence[AddedLine], i: int) -> bool:
    """True if added line i is an entry of a sealed-secrets `encryptedData:` mapping."""
    text = lines[i].text
    indent = len(text) - len(text.lstrip(" "))
    if indent == 0:
        return False
    j = i - 1
    while j >= 0 and i - j < 500 and lines[j].number == lines[j + 1].number - 1:
        t = lines[j].text
        if t.strip():
            ind = len(t) - len(t.lstrip(" "))
            if ind < indent:
                return bool(_SEALED_HEADER.match(t))
        j -= 1
    return False


# ------------------------------------------------------------------ findings

def _trim(snippet: str, focus: str) -> str:
    snippet = snippet.strip()
    if len(snippet) <= SNIPPET_MAX:
        return snippet
    at = max(0, snippet.find(focus))
    start = max(0, min(at - 60, len(snippet) - SNIPPET_MAX + 1))
    cut = snippet[start:start + SNIPPET_MAX - 1]
    return ("…" + cut[1:] if start else cut) + "…"


def _findings(path: str, line: AddedLine, candidates: list[_Candidate]) -> list[Finding]:
    secrets = [c.secret for c in candidates] + [c.fingerprint_value for c in candidates]
    snippet = Masker(secrets).mask(line.text)
    out = []
    for c in candidates:
        what = f"{c.title} {preview(c.secret)} added" if c.show_preview else f"{c.title} added"
        if c.verified:
            what += " (checksum verified)"
        out.append(Finding(
            rule_id=c.rule_id,
            kind="secret",
            severity=c.severity,
            confidence=c.confidence,
            path=path,
            line=line.number,
            message=what,
            fingerprint=fingerprint(c.rule_id, path, c.fingerprint_value),
            cwe=CWE_HARDCODED,
            snippet=_trim(snippet, f"[{preview(c.secret)}]"),
            title=c.title,
            help=c.help,
            blocking=c.severity >= Severity.HIGH and c.confidence >= Confidence.MEDIUM,
        ))
    return out
