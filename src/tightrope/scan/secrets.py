"""Secrets in the lines a change adds.

    scan_lines(path, lines) -> list[Finding]

Pipeline, per file:
1. Prefilter: ONE case-insensitive regex built (lazily, once) from every detector's
   keywords, the detect-secrets plugins' trigger keywords and the keyword-assignment
   names, run over the whole added text at once, plus one pass of the anchors of the
   detectors that need no keyword (Discord's token structure). Only lines they hit go
   further; most lines of a diff never do, and no line object is built for the others.
2. Our detectors (`tightrope.scan.detectors.ALL`, priority order) whose keywords the line
   holds: regex -> checksum verdict (INVALID: dropped; VALID: HIGH confidence, no
   heuristics; UNKNOWN: placeholder, masked-span, entropy and context checks).
3. detect-secrets' vendor plugins, each imported only when a line holds its trigger word
   and its value's shape; their values run through detect-secrets' heuristic filters and ours.
4. Keyword assignments (`detectors.keywords`): the value's rung on the blocking ladder.
5. One finding per (line, secret span): a span a detector already claimed (reported or
   judged not secret) is not reported again by a later detector or plugin.

No network, no files read, no process-global settings. Inline allow comments and
baselines are the core's job, not this module's.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

from tightrope.diff import AddedLine, AddedLines
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.redact import Masker, preview

from .lazy_regex import lazy
from . import encodings
from . import secret_filters as sf
from .detectors import ALL as DETECTORS
from .detectors import Verdict
from .detectors import ds_plugins
from .detectors import keywords as keywords_mod
from .detectors.base import CWE_HARDCODED

SNIPPET_MAX = 200
DS_MAX_LINE = 4000  # detect-secrets' keyword regexes get slow on minified lines
_SEQUENTIAL = lazy(r"(?:0123456789|abcdefghij|1234567890)", re.IGNORECASE)


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
    return frozenset(k for d in DETECTORS for k in d.keywords) | ds_plugins.KEYWORDS | frozenset(keywords_mod.TRIGGERS)


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


_structural: Optional[re.Pattern] = None
_STRUCTURAL = tuple(d for d in DETECTORS if not d.keywords)


def prefilter() -> re.Pattern:
    """The combined keyword check (compiled on first use). Matches lower-cased text."""
    global _prefilter
    if _prefilter is None:
        with _prefilter_lock:
            if _prefilter is None:
                _prefilter = re.compile(_trie_pattern(keywords()))
    return _prefilter


def structural_prefilter() -> re.Pattern:
    """The anchors of the detectors that need no keyword, as one regex (original case)."""
    global _structural
    if _structural is None:
        with _prefilter_lock:
            if _structural is None:
                _structural = re.compile("|".join(f"(?:{d.anchor or d.pattern.pattern})" for d in _STRUCTURAL) or r"(?!)")
    return _structural


def _hit_lines(text: str, rx: re.Pattern) -> list[int]:
    """Indexes of the lines of `text` in which `rx` matches (one pass, one hit per line)."""
    hits: list[int] = []
    pos = idx = 0
    m = rx.search(text)
    while m:
        idx += text.count("\n", pos, m.start())
        hits.append(idx)
        nl = text.find("\n", m.end())
        if nl < 0:
            break
        pos, idx = nl + 1, idx + 1
        m = rx.search(text, pos)
    return hits


def candidate_lines(lines: Sequence[AddedLine]) -> list[int]:
    """Indexes of the lines that contain any keyword or a keyword-less token's structure."""
    if not lines:
        return []
    text = lines.text if isinstance(lines, AddedLines) else "\n".join(a.text for a in lines)
    hits = _hit_lines(text.lower(), prefilter())
    if _STRUCTURAL:
        hits = sorted(set(hits).union(_hit_lines(text, structural_prefilter())))
    return hits


# ------------------------------------------------------------------ scanning

def scan_lines(path: str, lines: Sequence[AddedLine]) -> list[Finding]:
    findings: list[Finding] = []
    hits = candidate_lines(lines)
    text = lines.text if isinstance(lines, AddedLines) else "\n".join(a.text for a in lines)
    encoded = encodings.gates(text)
    if not hits and not encoded:
        return findings
    lock_file = sf.is_lock_file(path)
    in_tests = sf.is_test_path(path)
    sealed = "encryptedData:" in text
    for i in hits:
        line = lines[i]
        nxt = lines[i + 1].text if i + 1 < len(lines) and lines[i + 1].number == line.number + 1 else None
        encrypted = sealed and _under_encrypted_data(lines, i)
        candidates = _scan_line(path, line.text, nxt, lock_file, encrypted, in_tests)
        if candidates:
            findings += _findings(path, line, candidates)
    if encoded and not lock_file:
        findings += _decoded_findings(path, lines, text, encoded, in_tests, findings)
    return findings


def _decoded_findings(path: str, lines: Sequence[AddedLine], text: str, gates: encodings.Gates, in_tests: bool,
                      already: list[Finding]) -> list[Finding]:
    """Values a config format encodes (`encodings.views`), judged decoded and reported on the
    encoded line without a preview; a rule the line already reported is not repeated."""
    seen = {(f.line, f.rule_id) for f in already}
    out: list[Finding] = []
    for i, view in encodings.views(text.split("\n"), gates).items():
        line = lines[i]
        candidates: list[_Candidate] = []
        for j, decoded in enumerate(view.texts):
            if prefilter().search(decoded.lower()) or (_STRUCTURAL and structural_prefilter().search(decoded)):
                nxt = view.texts[j + 1] if j + 1 < len(view.texts) else None  # a decoded PEM's body
                candidates += _scan_line(path, decoded, nxt, False, False, in_tests)
        candidates = [dataclasses.replace(c, show_preview=False) for c in candidates
                      if (line.number, c.rule_id) not in seen]
        if candidates:
            out += _findings(path, line, candidates, redact=view.encoded, note=f"decoded from {view.how}")
    return out


def _keyword_table() -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    table: dict[str, list[int]] = {}
    for i, d in enumerate(DETECTORS):
        for k in d.keywords:
            table.setdefault(k, []).append(i)
    return tuple(table), {k: tuple(v) for k, v in table.items()}


_KEYWORDS, _DETECTORS_BY_KEYWORD = _keyword_table()
_ALWAYS = tuple(i for i, d in enumerate(DETECTORS) if not d.keywords)
# keywords by their first two characters: a line is checked only for the keywords whose
# first pair it holds (hundreds of keywords, a few dozen pairs per line)
_BY_PAIR: dict[str, tuple[str, ...]] = {}
for _k in _KEYWORDS:
    _BY_PAIR[_k[:2]] = _BY_PAIR.get(_k[:2], ()) + (_k,)


def _detectors_for(low: str) -> list:
    """The detectors (priority order) whose keywords the lower-cased line holds, and the
    keyword-less ones: only the keywords whose first two characters the line holds are tried."""
    wanted = set(_ALWAYS)
    pairs = {low[i:i + 2] for i in range(len(low) - 1)} & _BY_PAIR.keys()
    for k in [k for pair in pairs for k in _BY_PAIR[pair] if k in low]:
        wanted.update(_DETECTORS_BY_KEYWORD[k])
    return [DETECTORS[i] for i in sorted(wanted)]


def secret_values(path: str, text: str) -> list[str]:
    """Every value the detectors judge a secret on one line of `path` (no context lines):
    what the report's redactor masks in every finding, whichever scanner made it."""
    found = _scan_line(path, text, None, sf.is_lock_file(path), False, in_tests=False)  # mask eagerly
    return [v for c in found for v in (c.secret, c.fingerprint_value)]


def _span(m: re.Match) -> tuple[int, int]:
    if "secret" in m.re.groupindex and m.group("secret") is not None:
        return m.span("secret")
    return m.span()


def _scan_line(path: str, text: str, nxt: Optional[str], lock_file: bool, encrypted: bool,
               in_tests: bool) -> list[_Candidate]:
    low = text.lower()
    masks = [(0, len(text))] if encrypted else sf.masked_spans(text)
    claimed: list[tuple[int, int]] = []
    out: list[_Candidate] = []

    for det in _detectors_for(low):
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
            if det.illustrative_in_tests and in_tests:
                confidence = Confidence.LOW
            out.append(_Candidate(det.rule_id, det.title, severity, confidence, secret, fp_value,
                                  det.help, det.show_preview))

    if not lock_file and len(text) <= DS_MAX_LINE and any(k in low for k in ds_plugins.KEYWORDS):
        _plugin_candidates(text, low, claimed, masks, out)
    if not lock_file and any(k in low for k in keywords_mod.TRIGGERS):
        for kw in keywords_mod.find(path, text):
            span = (kw.start, kw.end)
            if sf.overlaps(span, claimed):
                continue
            claimed.append(span)
            value = text[kw.start:kw.end]
            rung = None if sf.overlaps(span, masks) else keywords_mod.judge(path, kw.name, value, text)
            if rung is not None:
                out.append(_Candidate(keywords_mod.RULE_ID, keywords_mod.TITLE, rung.severity, rung.confidence,
                                      value, value, keywords_mod.HELP))
    return out


def _plugin_candidates(text: str, low: str, claimed: list[tuple[int, int]], masks: list[tuple[int, int]],
                       out: list[_Candidate]) -> None:
    """detect-secrets' vendor plugins, for the lines that hold one of their trigger words."""
    for rule, value in ds_plugins.matches(text, low):
        start = text.find(value)
        if start < 0:
            continue
        span = (start, start + len(value))
        if sf.overlaps(span, claimed):
            continue
        claimed.append(span)
        if sf.overlaps(span, masks):
            continue
        if sf.is_placeholder(value) or sf.is_uuid(value) or sf.low_entropy(value, rule.min_entropy):
            continue
        if ds_plugins.heuristic_filters_say_not_secret(value) or (rule.not_secret and rule.not_secret(value)):
            continue
        out.append(_Candidate(rule.rule_id, rule.title, rule.severity, rule.confidence, value, value, rule.help))


_SEALED_HEADER = lazy(r"^\s*encryptedData:\s*$")


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


def _findings(path: str, line: AddedLine, candidates: list[_Candidate], redact: Sequence[str] = (),
              note: str = "") -> list[Finding]:
    secrets = [c.secret for c in candidates] + [c.fingerprint_value for c in candidates] + list(redact)
    snippet = Masker(secrets).mask(line.text)
    out = []
    for c in candidates:
        what = f"{c.title} {preview(c.secret)} added" if c.show_preview else f"{c.title} added"
        if c.verified:
            what += " (checksum verified)"
        if note:
            what += f" ({note})"
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
            # the mask covers the whole credential run, so its length may differ from the
            # detected value's: look for the mask's opening ("[sk-proj-… "), not the whole preview
            snippet=_trim(snippet, "[" + preview(c.secret).split("(", 1)[0]),
            title=c.title,
            help=c.help,
            blocking=c.severity >= Severity.HIGH and c.confidence >= Confidence.MEDIUM,
        ))
    return out
