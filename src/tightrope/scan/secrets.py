"""Secrets in the lines a change adds.

    scan_lines(path, lines) -> list[Finding]

Pipeline, per file:
1. Prefilter (`candidates`): ONE Aho-Corasick automaton of every detector's keywords, the
   detect-secrets plugins' trigger keywords and the keyword-assignment names, run over the
   raw bytes of the file's hunks at once, plus one pass of the anchors of the detectors
   that need no keyword (Discord's token structure). Only the added lines they hit are
   decoded and go further, each with the detectors its keywords wake; most lines of a
   diff never do, and no object is built for them.
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

import re
import threading
from collections.abc import Iterable, Sequence

from tightrope.diff import AddedLine, AddedLines
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.records import RecordTuple
from tightrope.redact import Masker, preview

from tightrope.lazy_regex import lazy
from . import encodings
from . import secret_filters as sf
from .detectors import ALL as DETECTORS
from .detectors import Detector, Verdict
from .detectors import ds_plugins
from .detectors import keywords as keywords_mod
from .detectors.base import CWE_HARDCODED

SNIPPET_MAX = 200
DS_MAX_LINE = 4000  # detect-secrets' keyword regexes get slow on minified lines
_SEQUENTIAL = lazy(r"(?:0123456789|abcdefghij|1234567890)", re.IGNORECASE)


class _Candidate(RecordTuple):
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

def keywords() -> frozenset[str]:
    return frozenset(k for ks in DETECTORS.keywords for k in ks) | ds_plugins.KEYWORDS | frozenset(keywords_mod.TRIGGERS)


_ENCODED = -1  # a tag: the line holds a marker of an encoding (`encodings.LINE_MARKERS`)
_STRUCTURE = -2  # a tag: the line holds the structure of a token that needs no keyword


# bytes searched before an automaton is rebuilt as a DFA: it takes ~8 ms to build where the
# default NFA takes ~1 ms, and then searches ~2x faster (~4.5 ms less per MB), so it pays
# for itself on a large diff or a history and never on a hook's few kilobytes
_DFA_AFTER = 2 << 20


class _Automaton:
    """An Aho-Corasick automaton (`ahocorasick_rs`) that becomes a DFA once it has searched
    `_DFA_AFTER` bytes."""

    def __init__(self, patterns: list[bytes]) -> None:
        import ahocorasick_rs

        self._patterns = patterns
        self._automaton = ahocorasick_rs.BytesAhoCorasick(patterns)
        self._searched = 0  # bytes, up to _DFA_AFTER

    def find(self, data: bytes, overlapping: bool = False) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of each match in `data`."""
        if self._searched <= _DFA_AFTER:
            self._searched += len(data)
            if self._searched > _DFA_AFTER:
                import ahocorasick_rs

                self._automaton = ahocorasick_rs.BytesAhoCorasick(
                    self._patterns, implementation=ahocorasick_rs.Implementation.DFA)
        return self._automaton.find_matches_as_indexes(data, overlapping=overlapping)


class Prefilter:
    """Every keyword (detectors', detect-secrets plugins', keyword assignments') in one
    Aho-Corasick automaton (`ahocorasick_rs`, Rust): one pass over a file's lower-cased
    bytes finds each keyword on each line at once, in time that does not grow with the
    number of keywords (hundreds now, a thousand soon), and builds in ~1 ms where one
    regex alternation of them took ~15 ms to compile and ran 5-10x slower."""

    def __init__(self, words: Sequence[str], markers: Sequence[str] = ()) -> None:
        self.words = tuple(words)
        self.index = {word: i for i, word in enumerate(self.words)}
        self._keyword_patterns: list[bytes] = [word.encode() for word in self.words]
        self._tag: list[int] = list(range(len(self.words)))
        for i, word in enumerate(self.words):
            if not word.isascii():  # bytes.lower() leaves non-ASCII letters as they are: match their upper case too
                upper = "".join(c if c.isascii() else c.upper() for c in word)
                if upper != word:
                    self._keyword_patterns.append(upper.encode())
                    self._tag.append(i)
        self._tag += [_ENCODED] * len(markers)
        self._automaton = _Automaton(self._keyword_patterns + [m.encode() for m in markers])
        self._any_keyword: _Automaton | None = None  # for `search` (no markers): built on first use

    def matches(self, low: bytes) -> list[tuple[int, int]]:
        """(position, keyword index or _ENCODED) of every keyword and marker in `low`."""
        tag = self._tag
        return [(start, tag[i]) for i, start, _ in self._automaton.find(low, overlapping=True)]

    def search(self, low: str | bytes) -> bool:
        """Does lower-cased `low` hold any keyword?"""
        if self._any_keyword is None:
            self._any_keyword = _Automaton(self._keyword_patterns)
        data = low.encode("utf-8", "surrogatepass") if isinstance(low, str) else low
        return bool(self._any_keyword.find(data))

    def found(self, low: str) -> list[int]:
        """Indexes of the keywords lower-cased `low` holds."""
        return [tag for _, tag in self.matches(low.encode("utf-8", "surrogatepass")) if tag >= 0]


_prefilter_lock = threading.Lock()
_prefilter: Prefilter | None = None
_structural: re.Pattern | None = None
_ALWAYS = tuple(i for i, ks in enumerate(DETECTORS.keywords) if not ks)  # woken by their structure
_STRUCTURAL = tuple(DETECTORS[i] for i in _ALWAYS)


def prefilter() -> Prefilter:
    """The keyword automaton (built on first use)."""
    global _prefilter
    if _prefilter is None:
        with _prefilter_lock:
            if _prefilter is None:
                _prefilter = Prefilter(sorted(keywords()), encodings.LINE_MARKERS)
    return _prefilter


def structural_prefilter() -> re.Pattern:
    """The anchors of the detectors that need no keyword, as one regex over bytes (original case)."""
    global _structural
    if _structural is None:
        with _prefilter_lock:
            if _structural is None:
                anchors = "|".join(f"(?:{d.anchor or d.pattern.pattern})" for d in _STRUCTURAL) or r"(?!)"
                _structural = re.compile(anchors.encode())
    return _structural


class Candidates(RecordTuple):
    """What the prefilter found in a file's added lines."""

    hits: dict[int, list[int]]  # line handle -> tags (keyword indexes, _ENCODED, _STRUCTURE)
    gates: encodings.Gates = ()  # which encodings the file can hold
    sealed: bool = False  # it holds a sealed-secrets `encryptedData:` mapping


def candidates(lines: AddedLines) -> Candidates:
    """One pass over the raw bytes of a file's hunks: the added lines that hold a keyword, an
    encoding's marker or a keyword-less token's structure; no other line is decoded."""
    gates: encodings.Gates = ()
    sealed = False

    def find(raw: bytes) -> list[tuple[int, int]]:
        nonlocal gates, sealed
        gates = encodings.gates(raw)  # removed lines too: a gate, not a verdict
        sealed = b"encryptedData:" in raw
        tags = prefilter().matches(raw.lower())
        if _STRUCTURAL:
            tags += [(m.start(), _STRUCTURE) for m in structural_prefilter().finditer(raw)]
        return tags

    hits = lines.hits(find)
    return Candidates(hits, gates, sealed)


# ------------------------------------------------------------------ scanning

def scan_lines(path: str, lines: Sequence[AddedLine]) -> list[Finding]:
    findings: list[Finding] = []
    added = lines if isinstance(lines, AddedLines) else AddedLines(lines)
    found = candidates(added)
    if not found.hits and not found.gates:
        return findings
    lock_file = sf.is_lock_file(path)
    in_tests = sf.is_test_path(path)
    for handle, tags in found.hits.items():
        if all(t == _ENCODED for t in tags):
            continue
        line = added.line(handle)
        after = added.after(handle)
        nxt = added.text_at(after) if after is not None else None
        encrypted = found.sealed and _under_encrypted_data(added, handle, line.text)
        candidates_ = _scan_line(path, line.text, nxt, lock_file, encrypted, in_tests, tags)
        if candidates_:
            findings += _findings(path, line, candidates_)
    if found.gates and not lock_file:
        findings += _decoded_findings(path, _views(added, found), in_tests, findings)
    return findings


def _views(lines: AddedLines, found: Candidates) -> list[tuple[AddedLine, encodings.View]]:
    """The added lines a config format encodes, with what they read decoded. Kubernetes
    `data:` and YAML block scalars need the whole file; the other encodings, one line."""
    k8s, blocks, *_ = found.gates
    if k8s or blocks:
        every = list(lines)
        return [(every[i], v) for i, v in encodings.views([a.text for a in every], found.gates).items()]
    out = []
    for handle, tags in found.hits.items():
        if _ENCODED in tags:
            line = lines.line(handle)
            view = encodings.line_view(line.text, found.gates)
            if view:
                out.append((line, view))
    return out


def _decoded_findings(path: str, views: list[tuple[AddedLine, encodings.View]], in_tests: bool,
                      already: list[Finding]) -> list[Finding]:
    """Values a config format encodes (`encodings.views`), judged decoded and reported on the
    encoded line without a preview; a rule the line already reported is not repeated."""
    seen = {(f.line, f.rule_id) for f in already}
    out: list[Finding] = []
    for line, view in views:
        candidates_: list[_Candidate] = []
        for j, decoded in enumerate(view.texts):
            raw = decoded.encode("utf-8", "surrogatepass")  # a JSON `\ud800` decodes to a lone surrogate
            if prefilter().search(raw.lower()) or (_STRUCTURAL and structural_prefilter().search(raw)):
                nxt = view.texts[j + 1] if j + 1 < len(view.texts) else None  # a decoded PEM's body
                candidates_ += _scan_line(path, decoded, nxt, False, False, in_tests)
        candidates_ = [c._replace(show_preview=False) for c in candidates_
                       if (line.number, c.rule_id) not in seen]
        if candidates_:
            out += _findings(path, line, candidates_, redact=view.encoded, note=f"decoded from {view.how}")
    return out


class _Tables(RecordTuple):
    """The prefilter's keyword indexes, by what they wake."""

    detectors: dict[str, list[int]]  # keyword -> the detectors it wakes (indexes into DETECTORS)
    plugin_words: frozenset[int]  # keywords of detect-secrets' plugins
    trigger_words: frozenset[int]  # keyword-assignment names


_tables_cache: list[_Tables] = []


def _tables() -> _Tables:
    if not _tables_cache:
        by_word: dict[str, list[int]] = {}
        for i, ks in enumerate(DETECTORS.keywords):
            for k in ks:
                by_word.setdefault(k, []).append(i)
        index = prefilter().index
        _tables_cache.append(_Tables(
            by_word,
            frozenset(index[w] for w in ds_plugins.KEYWORDS),
            frozenset(index[w] for w in keywords_mod.TRIGGERS)))
    return _tables_cache[0]


def _detectors_of(tags: set[int]) -> list[Detector]:
    """The detectors (priority order) woken by these prefilter tags, and the keyword-less ones."""
    by_word, words = _tables().detectors, prefilter().words
    wanted = set(_ALWAYS)
    for t in tags:
        if t >= 0:
            wanted.update(by_word.get(words[t], ()))
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


def _scan_line(path: str, text: str, nxt: str | None, lock_file: bool, encrypted: bool,
               in_tests: bool, tags: Iterable[int] | None = None) -> list[_Candidate]:
    """The candidates on one line; `tags`: what the prefilter found on it (None: look)."""
    low = text.lower()
    found = set(prefilter().found(low) if tags is None else tags)
    masks = [(0, len(text))] if encrypted else sf.masked_spans(text)
    claimed: list[tuple[int, int]] = []
    out: list[_Candidate] = []

    for det in _detectors_of(found):
        for m in det.pattern.finditer(text):
            span = _span(m)
            if sf.overlaps(span, claimed):
                continue
            claimed.append(span)  # reported or not: later detectors must not re-report it
            secret = text[span[0]:span[1]]
            verdict = det.validate(secret) if det.validate is not None else Verdict.UNKNOWN
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

    if not lock_file and len(text) <= DS_MAX_LINE and not found.isdisjoint(_tables().plugin_words):
        _plugin_candidates(text, low, claimed, masks, out)
    if not lock_file and not found.isdisjoint(_tables().trigger_words):
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


def _under_encrypted_data(lines: AddedLines, handle: int, text: str) -> bool:
    """True if the added line at `handle` is an entry of a sealed-secrets `encryptedData:` mapping."""
    indent = len(text) - len(text.lstrip(" "))
    if indent == 0:
        return False
    for n, j in enumerate(lines.before(handle)):
        if n >= 499:
            break
        t = lines.text_at(j)
        if t.strip():
            ind = len(t) - len(t.lstrip(" "))
            if ind < indent:
                return bool(_SEALED_HEADER.match(t))
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
