"""Insecure-code patterns: the bundled semgrep rule pack, over the lines a change adds.

How a scan runs (issue #3):

1. The post-change content of every changed file comes from git (the index for staged
   changes, the head commit for ranges; never the work tree). A patch with no repository
   has only its added lines: each file is rebuilt from them with blank lines elsewhere,
   so line numbers still match, and a note says pattern scanning saw only added lines.
2. A cheap prescan pairs rules with files (language, ``paths.include``, keywords; see
   `candidates`). No pair, no semgrep: most commits never start it.
3. The candidate files are written to a temp dir under their repository-relative paths
   (so the rules' ``paths:`` work); a large or minified file is written as slices around
   its added lines instead (`slices`). Files with the same candidate rules form batches,
   and `semgrep_runner` runs the batches in parallel, each with only its own rules, within
   one time budget (the policy's ``time_budget``: `hook_seconds` for local runs,
   `ci_seconds` for CI range runs).
4. A match is kept only when its line range touches an added line of its file and its
   (rule, file) pair was a candidate, and becomes a Finding with the rule's metadata.

Nothing is skipped silently. A file some rule did not judge (the rule timed out on it, or
the budget ran out first) is a `scan.incomplete` finding on its first added line: blocking
in CI (`ci=True`, set by the front end for `scan --range`), informational in the local
hook, where a developer is waiting. semgrep's other errors (a file it cannot parse) become
notes naming the file but never quoting it, and a missing semgrep is one note.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable

from tightrope.diff import AddedLine, FileChange
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.redact import preview

if TYPE_CHECKING:
    from tightrope.gitio import ChangeSet
    from tightrope.policy import Policy

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PACK_FORMAT = "tightrope-rules/1"  # bump when the cached form of a rule changes
BATCH_BYTES = 512_000  # source per semgrep-core process: start-up cost vs spreading over the cores
SLICE_DIR = "~slices"  # slices of large files are written under here (see `slices`)
INCOMPLETE_RULE = "scan.incomplete"
UNJUDGED_KINDS = {"Timeout", "Out of memory"}
KEYWORD_CONTEXT = 10  # lines either side of an added line searched for a rule's keywords
SNIPPET_CHARS = 200
MISSING_NOTE = "pattern scanning skipped: semgrep is not installed (pip install 'tightrope[patterns]')"
PATCH_NOTE = ("pattern scanning saw only the added lines of this patch (no repository to read the "
              "files from): matches that need the surrounding code may be missed")

EXT_LANG = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".json": "json", ".yaml": "yaml", ".yml": "yaml",
    ".go": "go", ".java": "java", ".rb": "ruby", ".php": "php", ".cs": "csharp", ".kt": "kotlin",
    ".rs": "rust", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".sh": "bash",
    ".bash": "bash", ".tf": "hcl", ".swift": "swift", ".scala": "scala",
}
LANG_ALIASES = {"js": "javascript", "ts": "typescript", "py": "python", "python3": "python",
                "golang": "go", "sh": "bash", "c++": "cpp", "c#": "csharp", "kt": "kotlin",
                "terraform": "hcl", "tf": "hcl"}
ANY_LANGUAGE = {"generic", "regex"}
SEMGREP_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW,
                    "CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM,
                    "LOW": Severity.LOW}
CREDENTIAL_CWES = {"CWE-798", "CWE-259", "CWE-321", "CWE-522"}
ACRONYMS = {"sql": "SQL", "xss": "XSS", "tls": "TLS", "jwt": "JWT", "llm": "LLM", "mcp": "MCP",
            "ssrf": "SSRF", "xxe": "XXE", "cors": "CORS", "html": "HTML", "url": "URL", "api": "API",
            "yaml": "YAML", "npx": "npx", "md5": "MD5", "sha1": "SHA-1", "gha": "GHA", "http": "HTTP"}


# --- the rule pack ---------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: str
    languages: tuple[str, ...]
    severity: str
    message: str
    metadata: dict
    keywords: tuple[str, ...]
    includes: tuple[str, ...]
    whole_file: bool  # keywords are looked for in the whole file, not near the added lines
    raw: dict


def rule_files(root: Path = RULES_DIR) -> list[Path]:
    """YAML files that may hold rules; fixtures (``*.test.yaml``) are not even opened."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                  and not p.name.endswith((".test.yaml", ".test.yml")))


def _digest(root: Path, blobs: list[tuple[Path, bytes]]) -> str:
    """sha256 over the rule files' paths (relative to `root`) and contents."""
    h = hashlib.sha256()
    for p, data in blobs:
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def pack_digest(root: Path = RULES_DIR) -> tuple[str, int]:
    """(content hash, number of rule files) of the rule pack as installed, for `--version`:
    two installations scan alike when these match."""
    blobs = [(p, p.read_bytes()) for p in rule_files(root)]
    return _digest(root, blobs), len(blobs)


def _yaml_loader():
    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return lambda text: yaml.load(text, Loader=loader)
    except ImportError:
        pass
    try:  # semgrep itself depends on ruamel.yaml, so one of the two is there
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load
    except ImportError:
        return None


def _cache_dir() -> Path:
    if os.environ.get("TIGHTROPE_CACHE_DIR"):
        return Path(os.environ["TIGHTROPE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "tightrope"


_PACKS: dict[str, tuple[list[dict], list[str]]] = {}


def _load_raw(root: Path) -> tuple[list[dict], list[str]]:
    """All rules of the pack as plain dicts (parsed once per pack content, cached as JSON)."""
    blobs = [(p, p.read_bytes()) for p in rule_files(root)]
    key = hashlib.sha256(f"{PACK_FORMAT}\0{_digest(root, blobs)}".encode()).hexdigest()[:24]
    if key in _PACKS:
        return _PACKS[key]
    cache = _cache_dir() / f"rules-{key}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        _PACKS[key] = (cached["rules"], cached["notes"])
        return _PACKS[key]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    load = _yaml_loader()
    rules: list[dict] = []
    notes: list[str] = []
    if load is None:
        notes.append("pattern scanning skipped: no YAML parser to read the rule pack (pip install PyYAML)")
    else:
        for p, data in blobs:
            rel = p.relative_to(root).as_posix()
            try:
                doc = load(data.decode("utf-8"))
            except Exception:  # noqa: BLE001 - a multi-document or broken YAML file is not a rule file
                if b"\nrules:" in b"\n" + data:
                    notes.append(f"rule file {rel} is not valid YAML; its rules were not loaded")
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
                continue
            for r in doc["rules"]:
                if isinstance(r, dict) and isinstance(r.get("id"), str):
                    rules.append(r)
    _PACKS[key] = (rules, notes)
    if load is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"rules": rules, "notes": notes}), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only home: parse again next time
    return rules, notes


def _norm_lang(lang: str) -> str:
    lang = str(lang).lower()
    return LANG_ALIASES.get(lang, lang)


def _make_rule(r: dict) -> Rule:
    meta = r.get("metadata") if isinstance(r.get("metadata"), dict) else {}
    kws = meta.get("keywords") or ()
    paths = r.get("paths") if isinstance(r.get("paths"), dict) else {}
    langs = tuple(_norm_lang(x) for x in r.get("languages") or ())
    body = json.dumps(r)
    # Taint rules (a source on an unchanged line), rules matching inside a context
    # (pattern-inside: a `def`/`on:` far above) and config files (JSON/YAML structure:
    # a workflow's `on: pull_request_target` sits at the top) may need a keyword that is
    # nowhere near the added lines.
    whole = (r.get("mode") == "taint" or "pattern-inside" in body or "pattern-not-inside" in body
             or bool(set(langs) & {"json", "yaml"}))
    return Rule(
        id=r["id"], languages=langs, severity=str(r.get("severity") or "WARNING").upper(),
        message=" ".join(str(r.get("message") or "").split()), metadata=meta,
        keywords=tuple(str(k) for k in kws if isinstance(k, str) and k),
        includes=tuple(str(g) for g in paths.get("include") or ()), whole_file=whole, raw=r,
    )


def load_rules(root: Path = RULES_DIR) -> tuple[list[Rule], list[str]]:
    raw, notes = _load_raw(root)
    return [_make_rule(r) for r in raw], list(notes)


# --- the prescan -------------------------------------------------------------------------

def language_of(path: str) -> str | None:
    return EXT_LANG.get(PurePosixPath(path).suffix.lower())


def _include_may_match(path: str, globs: tuple[str, ...]) -> bool:
    """A lenient reading of semgrep's gitignore-style ``paths.include``: it never says no
    where semgrep would say yes (fnmatch's `*` also crosses `/`), and semgrep-core applies
    the exact rule afterwards."""
    if not globs:
        return True
    name = PurePosixPath(path).name
    for g in globs:
        g = g.lstrip("/")
        while g.startswith("**/"):
            g = g[3:]
        if fnmatchcase(path, g) or fnmatchcase(path, "*/" + g) or fnmatchcase(name, g) \
                or fnmatchcase(path, g.rstrip("/") + "/*"):
            return True
    return False


@dataclass
class Target:
    path: str
    content: bytes
    added: list[AddedLine]
    language: str | None = None
    text: str = ""  # decoded content
    _near: str | None = field(default=None, repr=False, compare=False)
    _found: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.content.decode("utf-8", "replace")
        if self.language is None:
            self.language = language_of(self.path)

    def near_added(self, context: int = KEYWORD_CONTEXT) -> str:
        lines = self.text.split("\n")
        spans: list[list[int]] = []
        for n in sorted({a.number for a in self.added}):  # hi grows with n: merging is one compare
            if spans and n - 1 - context <= spans[-1][1]:
                spans[-1][1] = n + context
            else:
                spans.append([n - 1 - context if n > context else 0, n + context])
        return "\n".join("\n".join(lines[lo:hi]) for lo, hi in spans)

    def has(self, keyword: str, whole_file: bool) -> bool:
        """Whether `keyword` occurs in the file (`whole_file`) or near its added lines; cached,
        since rules share keywords and a large file makes each search cost."""
        key = (keyword, whole_file)
        if key not in self._found:
            if whole_file:
                self._found[key] = keyword in self.text
            else:
                if self._near is None:
                    self._near = self.near_added()
                self._found[key] = keyword in self._near
        return self._found[key]


def candidates(rules: list[Rule], targets: list[Target], *, keywords: bool = True) -> dict[str, list[Rule]]:
    """Which rules could report something on which file's added lines.

    A rule is a candidate for a file when the file's language is one of the rule's
    languages (by extension), its path may be selected by the rule's ``paths.include``,
    and one of the rule's keywords (literal strings the rule cannot match without) occurs
    in the file's added lines or within `KEYWORD_CONTEXT` lines of one: a reported match
    touches an added line, and a match of an ordinary rule is one statement or
    expression, whose keyword (the called name, the flag) sits on or next to the lines it
    spans even when the finding is focused on an argument on the next line. Rules whose
    keyword can sit far away are checked against the whole file instead: taint rules (the
    LLM call or request parameter that is the source may be on an unchanged line far
    above the added sink), rules with ``pattern-inside`` (the enclosing function, the
    `$V = ...` assignment) and JSON/YAML config rules (document-level keys such as a
    workflow's ``on: pull_request_target``). A rule without keywords is a candidate for
    every file of its languages. `keywords=False` (benchmarks) skips the keyword test, to
    measure what it costs in recall.
    """
    out: dict[str, list[Rule]] = {}
    for t in targets:
        picked = []
        for r in rules:
            if not (t.language in r.languages or set(r.languages) & ANY_LANGUAGE):
                continue
            if not _include_may_match(t.path, r.includes):
                continue
            if r.keywords and keywords and not any(t.has(k, r.whole_file) for k in r.keywords):
                continue
            picked.append(r)
        if picked:
            out[t.path] = picked
    return out


# --- matches -> findings -------------------------------------------------------------------

def _strip_prefix(check_id: str, known: set[str]) -> str:
    """semgrep's CLIs prefix rule ids with the config's path (``tmp.abc.rules.py.x`` or
    ``...py.x``); the rule's own id is the longest known id the printed one ends with."""
    if check_id in known:
        return check_id
    best = ""
    for k in known:
        if len(k) > len(best) and check_id.endswith("." + k):
            best = k
    return best or check_id.lstrip(".")


def humanise(rule_id: str) -> str:
    name = rule_id.split(".", 1)[-1]
    words = [ACRONYMS.get(w, w) for w in name.split("-")]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _severity(rule: Rule) -> Severity:
    for key in ("tightrope-severity", "severity"):
        v = rule.metadata.get(key)
        if isinstance(v, str):
            try:
                return Severity.parse(v)
            except KeyError:
                pass
    return SEMGREP_SEVERITY.get(rule.severity, Severity.MEDIUM)


def _confidence(rule: Rule) -> Confidence:
    v = rule.metadata.get("confidence")
    try:
        return Confidence.parse(v) if isinstance(v, str) else Confidence.MEDIUM
    except KeyError:
        return Confidence.MEDIUM


def _cwes(rule: Rule) -> tuple[str, ...]:
    raw = rule.metadata.get("cwe") or ()
    if isinstance(raw, str):
        raw = [raw]
    out = []
    for c in raw:
        m = re.match(r"\s*(CWE-\d+)", str(c))
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return tuple(out)


def _tags(rule: Rule) -> tuple[str, ...]:
    raw = rule.metadata.get("owasp") or ()
    if isinstance(raw, str):
        raw = [raw]
    return tuple(str(o) for o in raw)


_STRING = re.compile(r"""(?P<q>["'`])(?P<v>(?:\\.|(?!(?P=q)).){4,}?)(?P=q)""")


def _redact_strings(line: str) -> str:
    return _STRING.sub(lambda m: f"{m['q']}[{preview(m['v'])}]{m['q']}", line)


def _normalise(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


# --- MCP servers the policy approved ---------------------------------------------------------

def _json_objects(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of every `"key": { ... }` object in JSON(C) text, tolerant of comments."""
    out, stack = [], []
    i, n = 0, len(text)
    last_string = None
    pending_key = None
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            last_string = text[i + 1:j]
            i = j + 1
            continue
        if c == "/" and text[i:i + 2] == "//":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and text[i:i + 2] == "/*":
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == ":":
            pending_key = last_string
        elif c in "{[":
            stack.append((i, pending_key if c == "{" else None))
            pending_key = None
        elif c in "}]":
            if stack:
                start, key = stack.pop()
                if c == "}" and key is not None:
                    out.append((start, i + 1, key))
            pending_key = None
        elif c == ",":
            pending_key = None
        i += 1
    return out


def _approved_server(text: str, offset: int, approved: tuple[str, ...]) -> bool:
    if not approved or offset < 0:
        return False
    enclosing = [(s, e, k) for s, e, k in _json_objects(text) if s <= offset < e]
    if not enclosing:
        return False
    start, end, name = max(enclosing, key=lambda x: x[0])  # the innermost: the server entry
    if name in approved:
        return True
    values = re.findall(r'"((?:\\.|[^"\\])*)"', text[start:end])
    for v in values:
        for a in approved:
            if v == a or v.startswith((a + "@", a + "==", a + "/")) and a:
                return True
    return False


# --- the scan ---------------------------------------------------------------------------------

@dataclass
class PatternResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    semgrep_runs: int = 0
    engine: str = ""
    candidate_files: int = 0
    candidate_rules: int = 0
    suppressed_mcp: int = 0


def _safe_relpath(path: str) -> str | None:
    p = PurePosixPath(path)
    if p.is_absolute() or not p.parts or any(part in ("..", "") for part in p.parts) or "\0" in path:
        return None
    return p.as_posix()


def _rebuild_from_added(change: FileChange) -> bytes:
    """A file made of its added lines at their line numbers, blank lines elsewhere."""
    if not change.added:
        return b""
    last = max(a.number for a in change.added)
    lines = [""] * last
    for a in change.added:
        lines[a.number - 1] = a.text
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def run(changeset: "ChangeSet", files: list[FileChange], policy: "Policy | None" = None, *,
        engine: str | None = None, ci: bool = False) -> PatternResult:
    """Read the post-change files of `files` and scan them within the policy's time budget
    for this kind of run (see `scan_targets`)."""
    notes: list[str] = []
    wanted = [f for f in files if f.added and language_of(f.path) is not None]
    contents = changeset.read_files([f.path for f in wanted]) if wanted else {}
    targets = []
    rebuilt = False
    for f in wanted:
        data = contents.get(f.path)
        if data is None:
            data = _rebuild_from_added(f)
            rebuilt = True
        if b"\0" in data[:8192]:
            continue  # binary: the diff layer already notes it
        targets.append(Target(f.path, data, f.added))
    if rebuilt:
        notes.append(PATCH_NOTE if changeset.root is None or not changeset.rev else
                     "pattern scanning saw only the added lines of some files (their content was not in git)")
    budget = getattr(policy, "time_budget", None)
    seconds = None if budget is None else budget.ci_seconds if ci else budget.hook_seconds
    result = scan_targets(targets, policy, engine=engine, budget_s=seconds, ci=ci)
    result.notes[:0] = notes
    return result


def scan(changeset: "ChangeSet", files: list[FileChange], policy: "Policy", *,
         ci: bool = False) -> tuple[list[Finding], list[str]]:
    """What the core calls: findings on added lines, and notes (degraded modes)."""
    result = run(changeset, files, policy, ci=ci)
    return result.findings, result.notes


def scan_targets(targets: list[Target], policy: "Policy | None" = None, *, engine: str | None = None,
                 rules_root: Path = RULES_DIR, prescan_keywords: bool = True,
                 budget_s: float | None = None, ci: bool = False) -> PatternResult:
    """Prescan, then semgrep over the candidate files (each with only its candidate rules),
    then map matches to findings. Within `budget_s` seconds (None: the runner's cap); what
    was not judged in time becomes a `scan.incomplete` finding, blocking when `ci`."""
    import time

    from tightrope.scan import semgrep_runner

    started = time.monotonic()
    result = PatternResult()
    rules, pack_notes = load_rules(rules_root)
    result.notes += pack_notes
    ok: list[Target] = []
    for t in targets:
        rel = _safe_relpath(t.path)
        if rel is None:
            result.notes.append(f"{t.path!r}: not pattern-scanned (not a plain relative path)")
            continue
        if t.language is None:
            continue
        ok.append(t)
    pairs = candidates(rules, ok, keywords=prescan_keywords)
    if not pairs:
        return result
    chosen = {r.id: r for rs in pairs.values() for r in rs}
    result.candidate_files = len(pairs)
    result.candidate_rules = len(chosen)
    installation = semgrep_runner.locate()
    if installation.missing:
        result.notes.append(MISSING_NOTE)
        return result
    by_path = {t.path: t for t in ok if t.path in pairs}
    with tempfile.TemporaryDirectory(prefix="tightrope-patterns-") as tmp:
        work = Path(tmp)
        pieces, notes = _pieces(list(by_path.values()), pairs)
        result.notes += notes
        batches = _batches(pieces, pairs, work / "src")
        try:
            res = semgrep_runner.run({r.id: r.raw for r in chosen.values()}, work / "src", batches,
                                     workdir=work, engine=engine, installation=installation,
                                     **({} if budget_s is None else
                                        {"budget_s": max(0.0, budget_s - (time.monotonic() - started))}))
        except semgrep_runner.SemgrepMissing:
            result.notes.append(MISSING_NOTE)
            return result
    result.semgrep_runs = res.runs
    result.engine = res.engine
    result.notes += res.notes
    known = set(chosen)
    by_piece = {pc.fpath: pc for pc in pieces}
    result.notes += _problem_notes(res.problems, by_piece, known)
    approved = tuple(getattr(policy, "approved_mcp_servers", ()) or ())
    seen: set[tuple] = set()
    added_lines: dict[str, dict[int, str]] = {}
    for m in res.matches:
        rid = _strip_prefix(m.rule_id, known)
        pc = by_piece.get(m.path)
        rule = chosen.get(rid)
        if pc is None or rule is None or rule not in pairs[pc.fpath]:
            continue
        t = pc.target
        added = added_lines.get(t.path) or added_lines.setdefault(t.path, {a.number: a.text for a in t.added})
        touched = [n for n in range(m.start_line, m.end_line + 1) if n in added]
        if not touched:
            continue
        key = (rid, pc.fpath, m.start_line, m.end_line, m.start_offset, m.end_offset)
        if key in seen:
            continue
        seen.add(key)
        if rid.startswith("ai.mcp-") and _approved_server(pc.text, _char_offset(pc, m.start_offset), approved):
            result.suppressed_mcp += 1
            continue
        result.findings.append(_finding(rule, pc, m, added[touched[0]]))
    result.findings += _incomplete(_unjudged(res, by_piece, pairs, known), by_path, ci)
    result.findings.sort(key=Finding.sort_key)
    return result


@dataclass
class Piece:
    """What semgrep is given of a target: the whole file, or one slice of it (see `slices`)."""

    target: Target
    fpath: str  # where it is written, relative to the temp root
    content: bytes
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.target.text if self.content is self.target.content else self.content.decode("utf-8", "replace")


def _pieces(targets: list[Target], pairs: dict[str, list[Rule]]) -> tuple[list[Piece], list[str]]:
    """Whole files, and slices of the large ones; a slice keeps only the candidate rules
    whose keywords it holds (in `pairs`, keyed by the slice's path)."""
    from tightrope.scan import slices

    pieces: list[Piece] = []
    notes: list[str] = []
    for t in targets:
        why = None if t.language in slices.UNSLICED_LANGUAGES else slices.why_large(t.content, t.text)
        if why is None:
            pieces.append(Piece(t, t.path, t.content))
            continue
        rules = pairs[t.path]
        keywords = None if any(not r.keywords for r in rules) else \
            {k for r in rules for k in r.keywords if t.has(k, True)}
        seeds = slices.seeds(t.text, [a.number for a in t.added], keywords)
        cut = slices.slices(t.text, seeds)
        for k, sl in enumerate(cut):
            pc = Piece(t, f"{SLICE_DIR}/{k}/{t.path}", sl.content)
            pairs[pc.fpath] = [r for r in rules if not r.keywords or any(kw in pc.text for kw in r.keywords)]
            if pairs[pc.fpath]:
                pieces.append(pc)
        notes.append(f"{t.path}: large file ({why}): pattern-scanned on the {sum(sl.lines for sl in cut)} lines "
                     f"around the additions rules could match; data flow from farther away is not followed")
    return pieces, notes


def _batches(pieces: list[Piece], pairs: dict[str, list[Rule]], root: Path) -> list:
    """Write the pieces under `root` and pack them into runner batches of one language and
    up to `BATCH_BYTES` of source, pieces with the same candidate rules side by side; a
    batch runs the union of its pieces' candidate rules (semgrep-core's own per-file
    literal prefilter drops a rule whose strings a file lacks, and a match of a rule that
    was not a candidate for its file is dropped when mapping). One process per distinct
    rule set would be exact but costs ~0.2 s of start-up each: 300 of them on a large PR."""
    from tightrope.scan import semgrep_runner

    def key(pc: Piece) -> tuple:
        return pc.target.language or "", tuple(sorted(r.id for r in pairs[pc.fpath])), pc.fpath

    batches: list[tuple[set[str], list, int]] = []
    language = None
    for pc in sorted(pieces, key=key):
        dest = root / pc.fpath
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(pc.content)
        rules = pairs[pc.fpath]
        langs = {pc.target.language} | {lang for r in rules for lang in r.languages if lang in ANY_LANGUAGE}
        if not batches or pc.target.language != language or batches[-1][2] + len(pc.content) > BATCH_BYTES:
            batches.append((set(), [], 0))
            language = pc.target.language
        ids, items, size = batches[-1]
        ids.update(r.id for r in rules)
        items += [semgrep_runner.Target(pc.fpath, lang, pc.target.path) for lang in sorted(langs)]
        batches[-1] = (ids, items, size + len(pc.content))
    return [semgrep_runner.Batch(tuple(sorted(ids)), tuple(items)) for ids, items, _ in batches]


def _unjudged(res, by_piece: dict[str, Piece], pairs: dict[str, list[Rule]], known: set[str]) -> dict[str, set[str]]:
    """Target path -> ids of its candidate rules that did not judge it: batches that ran out
    of time, and rules that timed out or ran out of memory on it."""
    out: dict[str, set[str]] = {}
    for fpath, ids in res.unjudged.items():
        if fpath in by_piece:
            mine = {r.id for r in pairs[fpath]}
            out.setdefault(by_piece[fpath].target.path, set()).update(ids & mine)
    for p in res.problems:
        if p.kind in UNJUDGED_KINDS and p.path in by_piece:
            rid = _strip_prefix(p.rule_id, known) if p.rule_id else "*"
            if rid == "*" or rid in {r.id for r in pairs[p.path]}:
                out.setdefault(by_piece[p.path].target.path, set()).add(rid)
    return {path: ids for path, ids in out.items() if ids}


def _incomplete(unjudged: dict[str, set[str]], by_path: dict[str, Target], ci: bool) -> list[Finding]:
    """One `scan.incomplete` finding per file some candidate rule did not judge."""
    out = []
    for path, ids in sorted(unjudged.items()):
        t = by_path[path]
        first = min((a.number for a in t.added), default=1)
        which = "every rule" if "*" in ids else ", ".join(sorted(ids))
        out.append(Finding(
            rule_id=INCOMPLETE_RULE, kind="pattern",
            severity=Severity.HIGH if ci else Severity.LOW, confidence=Confidence.HIGH,
            path=path, line=first, end_line=first,
            message=(f"Pattern scanning did not finish on this file: {which} timed out on it or ran out of "
                     "the time budget, so its added lines were not judged for those patterns."),
            fingerprint=fingerprint(INCOMPLETE_RULE, path, hashlib.sha256(t.content).hexdigest() + which),
            title="Pattern scan incomplete",
            help=("Split the change into smaller commits, or raise time_budget.ci_seconds (CI) or "
                  "time_budget.hook_seconds (hook) in the policy."),
            blocking=ci,
        ))
    return out


def _char_offset(pc: Piece, byte_offset: int) -> int:
    if byte_offset < 0:
        return -1
    return len(pc.content[:byte_offset].decode("utf-8", "replace"))


def _matched_text(pc: Piece, m) -> str:
    if 0 <= m.start_offset <= m.end_offset <= len(pc.content):
        return pc.content[m.start_offset:m.end_offset].decode("utf-8", "replace")
    lines = pc.text.split("\n")
    return "\n".join(lines[m.start_line - 1:m.end_line])


def _finding(rule: Rule, pc: Piece, m, line_text: str) -> Finding:
    cwe = _cwes(rule)
    snippet = line_text.strip()
    if CREDENTIAL_CWES & set(cwe):
        snippet = _redact_strings(snippet)
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS - 1] + "…"
    title = rule.metadata.get("title")
    return Finding(
        rule_id=rule.id,
        kind="dependency" if rule.id.startswith("dep.") else "pattern",
        severity=_severity(rule),
        confidence=_confidence(rule),
        path=pc.target.path,
        line=m.start_line,
        end_line=m.end_line,
        message=" ".join((m.message or rule.message).split()),
        fingerprint=fingerprint(rule.id, pc.target.path, _normalise(_matched_text(pc, m))),
        cwe=cwe,
        snippet=snippet,
        title=title if isinstance(title, str) and title else humanise(rule.id),
        help=str(rule.metadata.get("fix") or ""),
        tags=_tags(rule),
        blocking=rule.metadata.get("tightrope-blocking") is True,
    )


_PROBLEM_TEXT = {
    "PartialParsing": "semgrep could parse only part of it; findings there may be incomplete",
    "Syntax error": "semgrep could not parse it; not pattern-scanned",
    "Lexical error": "semgrep could not parse it; not pattern-scanned",
    "Other syntax error": "semgrep could not parse it; not pattern-scanned",
    "Timeout": "a rule timed out on it; findings may be incomplete",
    "Out of memory": "semgrep ran out of memory on it; findings may be incomplete",
    "Too big file": "too big for semgrep; not pattern-scanned",
}


def _problem_notes(problems: Iterable, pieces: dict[str, Piece], known: set[str]) -> list[str]:
    """semgrep's errors[] as notes: the file and what went wrong, never its message (which
    may quote the source line)."""
    notes: list[str] = []
    for p in problems:
        what = _PROBLEM_TEXT.get(p.kind, f"semgrep reported {p.kind}")
        rid = _strip_prefix(p.rule_id, known) if p.rule_id else ""
        if p.kind == "Timeout" and rid:
            what = f"rule {rid} timed out on it; findings may be incomplete"
        if p.kind in UNJUDGED_KINDS and p.path:
            continue  # a scan.incomplete finding says it
        if p.path and p.path in pieces:
            note = f"{pieces[p.path].target.path}: {what}"
        elif p.path:
            continue  # a file tightrope did not write (never expected)
        else:
            note = f"pattern scanning: semgrep reported {p.kind}" + (f" for rule {rid}" if rid else "")
        if note not in notes:
            notes.append(note)
    return notes
