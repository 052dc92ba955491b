"""Offline dependency checks on the lines a change adds (issue #3).

What is reported, per added dependency:

- ``dep.typosquat``: the name is one or two edits (Damerau-Levenshtein, optimal string
  alignment) from a popular package and is not itself a known package.
- ``dep.unknown-package``: the name is not on the bundled list of known packages
  (AI assistants invent package names: "package hallucination").
- ``dep.url-dependency``: installed from a URL / VCS / a path outside the repository.
- ``dep.unpinned``: only with ``[dependencies] require_pins = true``: no exact pin.

Names in ``dependencies.allow`` (PEP 503-normalised for PyPI, globs allowed) are never
reported.

Where dependencies are looked for (decided by file name first; anything else costs one
``dict`` lookup and returns ``[]``):

- ``requirements*.txt`` / ``*.in`` / ``constraints*.txt`` (and ``requirements/*.txt``),
  ``pyproject.toml``, ``setup.cfg``, ``Pipfile``, ``package.json``;
- shell scripts, Dockerfiles, Makefiles, YAML (CI), tox.ini, notebooks and docs, but only
  lines holding an install command (``pip install``, ``uv add``, ``poetry add``,
  ``npm install``/``i``, ``yarn add``, ``pnpm add``, ``bun add``, ``npx``, …).

Limits of the line-wise parsing (only added lines are seen, never the whole file):
a section header (``[tool.poetry.dependencies]``, ``"devDependencies": {``,
``install_requires =``) is only known when it is among the added lines of the same run of
consecutive lines. Without it, a line counts only when its shape leaves no doubt: a quoted
PEP 508 string *with* a version, extras, marker or URL (``"httpx>=0.27",``), a poetry/Pipfile
``name = "^1.2"`` / ``name = "*"`` / ``name = {version = …}`` line, a setup.cfg indented
requirement with a version, a package.json ``"name": "^1.2.3"`` pair. A bare ``"httpx",``
added to the middle of an existing array is therefore missed; an install command split
over lines with ``\\`` is followed only across consecutive added lines. ``npx`` often runs
a local binary, so for it only look-alikes (not unknown names) and URLs are reported.
In a modified pyproject.toml the project's own name (``myproj[extra]``) is only recognised
when its ``name =`` line is among the added lines; otherwise list it under
``dependencies.allow``.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from tightrope.diff import AddedLine
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.policy import Policy

KIND = "dependency"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LIST_FILES = {"pypi": "pypi-top.txt", "npm": "npm-top.txt"}

POPULAR_N = 5000  # typosquat targets: the N most popular names of each list
MIN_TARGET_LEN = 5  # shorter popular names (six, rsa, jwt, ms, qs…) are never targets
TWO_EDIT_MIN_LEN = 10  # a second edit is allowed only against names this long or longer

CWE_COMPONENT = "CWE-1357"  # Reliance on Insufficiently Trustworthy Component
CWE_UNTRUSTED = "CWE-829"  # Inclusion of Functionality from Untrusted Control Sphere

ECO_LABEL = {"pypi": "PyPI", "npm": "npm"}
REGISTRY = {"pypi": "https://pypi.org/project/", "npm": "https://www.npmjs.com/package/"}


# --------------------------------------------------------------------------- names


def normalize(eco: str, name: str) -> str:
    if eco == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name.lower()


@dataclass(frozen=True)
class _Lists:
    names: tuple[str, ...]  # most popular first
    rank: dict[str, int]


@functools.cache
def _lists(eco: str) -> _Lists:
    """One compact text file per ecosystem: `#` header lines, then one name a line."""
    text = (DATA_DIR / LIST_FILES[eco]).read_text(encoding="utf-8")
    names = tuple(line for line in text.split("\n") if line and not line.startswith("#"))
    return _Lists(names, {n: i for i, n in enumerate(names)})


def known_count(eco: str) -> int:
    return len(_lists(eco).names)


def is_known(eco: str, name: str) -> bool:
    return normalize(eco, name) in _lists(eco).rank


def _split_scope(name: str) -> tuple[str, str]:
    if name.startswith("@") and "/" in name:
        scope, _, rest = name.partition("/")
        return scope, rest
    return "", name


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment); returns limit+1 when above limit."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ai = a[i - 1]
        best = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[lb], limit + 1)


def allowed_edits(target: str) -> int:
    """How many edits from a popular name (or name part) count as a look-alike."""
    if len(target) < MIN_TARGET_LEN:
        return 0
    return 2 if len(target) >= TWO_EDIT_MIN_LEN else 1


@dataclass(frozen=True)
class _Index:
    """Candidate index over the popular names (scope-aware for npm), verified by `osa_distance`.

    - Names shorter than TWO_EDIT_MIN_LEN (one edit allowed): a symmetric one-deletion
      index, key ("W", scope, deletion): every pair within one edit shares a key.
    - Longer names (two edits allowed): split into halves A|B. Two edits leave one half
      with at most one, so A is within one edit of a prefix of the query (length |A|±1)
      or B of a suffix: keys ("P" | "S", scope, len(name), one-deletion of the half).
    About 12 keys per name (~63k for 5,000 names, ~0.15 s to build), built only when an
    unknown name has to be checked; a look-up then takes well under a millisecond.
    """

    keys: dict[tuple, tuple[int, ...]]
    scopes: tuple[str, ...]  # popular npm scopes, for scope look-alikes
    all_scopes: frozenset[str]  # every scope on the list


@functools.cache
def _index(eco: str, top: int = POPULAR_N) -> _Index:
    names = _lists(eco).names[:top]
    keys: dict[tuple, list[int]] = {}
    scopes: dict[str, None] = {}
    for rank, full in enumerate(names):
        scope, part = _split_scope(full)
        if scope:
            scopes.setdefault(scope, None)
        edits = allowed_edits(part)
        if edits == 1:
            for d in _deletes(part, 1):
                keys.setdefault(("W", scope, d), []).append(rank)
        elif edits == 2:
            h, n = len(part) // 2, len(part)
            for d in _deletes(part[:h], 1):
                keys.setdefault(("P", scope, n, d), []).append(rank)
            for d in _deletes(part[h:], 1):
                keys.setdefault(("S", scope, n, d), []).append(rank)
    all_scopes = frozenset(_split_scope(n)[0] for n in _lists(eco).names if n.startswith("@"))
    return _Index({k: tuple(v) for k, v in keys.items()}, tuple(scopes), all_scopes)


def _candidates(idx: _Index, scope: str, part: str) -> set[int]:
    out: set[int] = set()
    q = len(part)
    if q <= TWO_EDIT_MIN_LEN:  # within one edit of a name shorter than TWO_EDIT_MIN_LEN
        for d in _deletes(part, 1):
            out.update(idx.keys.get(("W", scope, d), ()))
    for n in range(max(TWO_EDIT_MIN_LEN, q - 2), q + 3):
        h = n // 2
        for x in (h - 1, h, h + 1):
            if 0 < x <= q:
                for d in _deletes(part[:x], 1):
                    out.update(idx.keys.get(("P", scope, n, d), ()))
        for y in (n - h - 1, n - h, n - h + 1):
            if 0 < y <= q:
                for d in _deletes(part[q - y:], 1):
                    out.update(idx.keys.get(("S", scope, n, d), ()))
    return out


@dataclass(frozen=True)
class Lookalike:
    target: str  # the popular (or known) name it resembles
    distance: int  # edits; 0 for the punctuation / affix rules
    how: str  # how it resembles the target, for the message


_AFFIXES = {
    # (prefixes, suffixes) that squatters bolt onto a popular name
    "npm": (("node-", "node"), (".js", "-js", "js", "-node", "-npm")),
    "pypi": (("python3-", "python-", "py-"), ("-python", "-py", "-python3")),
}


def _squash(name: str) -> str:
    scope, part = _split_scope(name)
    return scope + "/" + re.sub(r"[-_.]", "", part) if scope else re.sub(r"[-_.]", "", part)


@functools.cache
def _squashed(eco: str) -> dict[str, str]:
    """Known names without punctuation -> the most popular known name that squashes so."""
    out: dict[str, str] = {}
    for n in _lists(eco).names:
        out.setdefault(_squash(n), n)
    return out


def lookalike(eco: str, name: str, top: int = POPULAR_N) -> Lookalike | None:
    """What popular package `name` (normalised) imitates, or None. Three rules, in order:

    1. within `allowed_edits` (1, or 2 for long names) of one of the `top` most popular;
    2. the same as any known name once `-`, `_`, `.` are removed (`crossenv`, `babelcli`);
    3. one of the `top` most popular with a decoration added (`node-`, `.js`, `python-`…).
    Does not check whether `name` itself is known: callers do that first.
    """
    name = normalize(eco, name)
    names = _lists(eco).names
    idx = _index(eco, top)
    scope, part = _split_scope(name)
    best: tuple[int, int, str] | None = None  # (distance, rank, name)
    if len(part) >= MIN_TARGET_LEN - 1:
        for rank in _candidates(idx, scope, part):
            target = names[rank]
            tpart = _split_scope(target)[1]
            limit = allowed_edits(tpart)
            dist = osa_distance(part, tpart, limit)
            if 0 < dist <= limit and (best is None or (dist, rank) < best[:2]):
                best = (dist, rank, target)
    if best is not None:
        return Lookalike(best[2], best[0], "is one edit from" if best[0] == 1 else "is two edits from")
    same = _squashed(eco).get(_squash(name))
    if same is not None and same != name:
        return Lookalike(same, 0, "differs only in punctuation from")
    rank_of = _lists(eco).rank
    prefixes, suffixes = _AFFIXES[eco]
    for affix, base in [(p, part[len(p):]) for p in prefixes if part.startswith(p)] + \
                       [(x, part[: -len(x)]) for x in suffixes if part.endswith(x)]:
        target = f"{scope}/{base}" if scope else base
        if len(base) >= 2 and rank_of.get(target, top) < top:
            return Lookalike(target, 0, f"adds `{affix}` to")
    if scope and eco == "npm" and scope not in idx.all_scopes:
        # a look-alike of a popular scope (`@babeI/core`, `@typescript_eslint/parser`)
        for pop_scope in idx.scopes:
            limit = allowed_edits(pop_scope[1:])
            dist = osa_distance(scope, pop_scope, limit) if limit else limit + 1
            if dist <= limit:
                candidate = f"{pop_scope}/{part}"
                rank = rank_of.get(candidate, len(names))
                shown = candidate if candidate in rank_of else f"{pop_scope}/*"
                if best is None or (dist, rank) < best[:2]:
                    best = (dist, rank, shown)
        if best is not None:
            return Lookalike(best[2], best[0], "has a scope one edit from" if best[0] == 1 else "has a scope two edits from")
    return None


# --------------------------------------------------------------------------- what a line adds


@dataclass(frozen=True)
class Dep:
    eco: str  # "pypi" | "npm"
    name: str  # as written ("" when only a URL is known)
    line: int
    snippet: str
    spec: str = ""  # version constraint as written
    url: str = ""  # URL / VCS / outside path it installs from
    pinned: bool = False
    check_unknown: bool = True  # npx runs local bins too: only typosquats are reported
    check_pins: bool = True


_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_OP = r"(?:===|~=|==|!=|<=|>=|<|>)"
_VER = r"[A-Za-z0-9_.*+!-]+"
_SPEC = rf"{_OP}\s*{_VER}(?:\s*,\s*{_OP}\s*{_VER})*"
_PEP508 = re.compile(
    rf"^(?P<name>{_NAME})\s*(?:\[(?P<extras>[^\]]*)\])?\s*"
    rf"(?:@\s*(?P<url>[^\s;]+)|\(?\s*(?P<spec>{_SPEC})?\s*\)?)\s*(?:;(?P<marker>.*))?$"
)
_EXACT_PY = re.compile(r"^(?:===?)\s*[A-Za-z0-9_.+!-]+$")
_URL_SCHEME = re.compile(r"^(?:git\+|hg\+|svn\+|bzr\+|git://|https?://|ftp://|file:|ssh://)", re.I)
_ARCHIVE = re.compile(r"\.(?:whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$", re.I)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
_SHA_REF = re.compile(r"@[0-9a-f]{40}(?:[#?]|$)|#[0-9a-f]{40}$|#sha\d+[:=]|[?&#]sha256[:=]", re.I)


def _url_name(url: str) -> str:
    m = _EGG.search(url)
    if m:
        return m.group(1)
    tail = url.split("#")[0].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    tail = re.sub(r"\.git$", "", tail)
    m = re.match(r"^([A-Za-z0-9._]+?)-\d", tail)  # dist-1.0.tar.gz / dist-1.0-py3-none-any.whl
    return m.group(1) if m else tail


def _py_requirement(text: str, lineno: int, snippet: str, *, strict: bool, path: str = "") -> Dep | None:
    """One PEP 508 requirement (or a URL / path) -> Dep; None when it is not one.

    strict: only accept shapes that cannot be anything else (a version, extras, marker
    or URL): used when the enclosing section was not among the added lines.
    """
    text = text.strip().strip("\"'").strip()
    if not text or text.startswith(("#", "-", "$", "{")) or "${" in text:
        return None
    if _URL_SCHEME.match(text):
        if text.lower().startswith("file:") and not _outside_repo(path, _file_url_path(text)):
            return None
        return Dep("pypi", _url_name(text), lineno, snippet, url=text)
    if text.startswith((".", "/", "~")) or "\\" in text or (_ARCHIVE.search(text.split(";")[0].strip()) and "@" not in text):
        return None  # a local path or archive
    m = _PEP508.match(text)
    if not m:
        return None
    if m["url"]:
        url = m["url"]
        if url.lower().startswith("file:") and not _outside_repo(path, _file_url_path(url)):
            return None
        return Dep("pypi", m["name"], lineno, snippet, url=url)
    spec = (m["spec"] or "").strip()
    if strict and not (spec or m["extras"] is not None or m["marker"]):
        return None
    pinned = bool(spec) and "," not in spec and bool(_EXACT_PY.match(spec)) and "*" not in spec
    return Dep("pypi", m["name"], lineno, snippet, spec=spec, pinned=pinned)


def _file_url_path(url: str) -> str:
    """file:../x -> ../x; file:///abs and file://host/abs -> /abs."""
    target = url[5:]
    if target.startswith("//"):
        target = "/" + target[2:].partition("/")[2]
    return target


def _outside_repo(manifest: str, target: str) -> bool:
    """A local path dependency that leaves the repository (absolute, or too many `..`)."""
    target = target.strip()
    if target.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", target):
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(manifest), target))
    return joined == ".." or joined.startswith("../")


# ---- requirements.txt


_REQ_OPTS_WITH_VALUE = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-binary", "--only-binary",
    "--hash", "--global-option", "--config-settings", "-C", "--use-feature", "--prefer-binary",
})


def _strip_comment(text: str) -> str:
    return re.sub(r"(?:^|\s)#.*$", "", text)


def _requirements(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
    for ln in lines:
        snippet = ln.text.strip()
        text = _strip_comment(ln.text).strip()
        if text.endswith("\\"):
            text = text[:-1].strip()
        if not text:
            continue
        if text.startswith("-"):
            m = re.match(r"^(?:-e|--editable)(?:\s+|=)(\S+)", text)
            if m and _URL_SCHEME.match(m.group(1)):
                dep = _py_requirement(m.group(1), ln.number, snippet, strict=False, path=path)
                if dep:
                    yield dep
            continue  # -r, -c, -i, --hash, -e <local path>, …: options, not packages
        text = re.split(r"\s+(?=--?[A-Za-z])", text, maxsplit=1)[0]  # trailing --hash=…
        dep = _py_requirement(text, ln.number, snippet, strict=False, path=path)
        if dep:
            yield dep


# ---- TOML (pyproject.toml, Pipfile)


_TOML_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^\s*(?P<key>"[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(?P<value>.*)$""")
_TOML_STR = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'""")
_TOML_TABLE_FIELD = re.compile(r"""\b(version|git|url|path|file)\s*=\s*["']([^"']*)["']""")
_NOT_PACKAGE_KEYS = frozenset({
    "python", "version", "requires-python", "python_version", "python_full_version", "name", "url",
    "source", "index", "requires", "minversion", "python_requires", "target-version", "verify_ssl",
})
_LOOSE_VERSION = re.compile(r"^\s*(?:\*|[\^~]\s*\d[\w.*+!-]*|(?:===?|~=|>=|<=|!=|<|>)\s*\d.*)$")
_EXACT_BARE = re.compile(r"^\s*(?:===?)?\s*v?\d+(?:\.\d+)*(?:[.-]?(?:a|b|rc|post|dev)\d*)*\s*$", re.I)

# (section, array key) pairs whose arrays hold PEP 508 strings; "*" = any key in section
_PEP621_ARRAYS = {
    ("project", "dependencies"), ("build-system", "requires"), ("project.optional-dependencies", "*"),
    ("dependency-groups", "*"), ("tool.uv", "dev-dependencies"), ("tool.uv", "constraint-dependencies"),
    ("tool.uv", "override-dependencies"), ("tool.pdm.dev-dependencies", "*"),
}
_UNKNOWN = "\0unknown"


def _toml_key(raw: str) -> str:
    return raw.strip("\"'")


def _is_dep_array(section: str, key: str) -> bool:
    if (section, key) in _PEP621_ARRAYS or (section, "*") in _PEP621_ARRAYS:
        return True
    if section.startswith("tool.hatch.envs") and key in ("dependencies", "extra-dependencies"):
        return True
    return section == _UNKNOWN and key in ("dependencies", "requires", "dev-dependencies")


def _is_dep_table(kind: str, section: str) -> bool:
    if kind == "pipfile":
        return section not in ("source", "requires", "scripts", "pipenv", _UNKNOWN)
    return bool(re.fullmatch(r"tool\.poetry\.(?:dependencies|dev-dependencies|group\.[^.]+\.dependencies)", section))


def _toml(path: str, lines: Sequence[AddedLine], kind: str) -> Iterator[Dep]:
    """pyproject.toml / Pipfile. A project's own name (`name = "x"` under [project] or
    [tool.poetry], when among the added lines) is skipped: `x[extra]` self-references."""
    own = {normalize("pypi", m.group(1)) for m in (
        re.match(r"""^\s*name\s*=\s*["']([^"']+)["']""", ln.text) for ln in lines) if m}
    for dep in _toml_deps(path, lines, kind):
        if normalize("pypi", dep.name) not in own:
            yield dep


def _toml_deps(path: str, lines: Sequence[AddedLine], kind: str) -> Iterator[Dep]:
    section = _UNKNOWN
    array: str | None = None  # "dep" | "other" | None
    prev = None
    for ln in lines:
        if prev is not None and ln.number != prev + 1:
            section, array = _UNKNOWN, None  # a gap: what encloses this line is not known
        prev = ln.number
        snippet = ln.text.strip()
        text = ln.text
        if array is None:
            h = _TOML_HEADER.match(text)
            if h and "=" not in h.group(1):
                section = h.group(1).replace('"', "").replace("'", "")
                continue
        if array is not None:
            if array == "dep":
                for v in _toml_strings(text):
                    dep = _py_requirement(v, ln.number, snippet, strict=False, path=path)
                    if dep:
                        yield dep
            if "]" in _TOML_STR.sub("", _strip_comment_outside_strings(text)):
                array = None
            continue
        m = _TOML_KEY.match(text)
        if m:
            key, value = _toml_key(m["key"]), _strip_comment(m["value"]).strip()
            if value.startswith("["):
                is_dep = kind == "pyproject" and _is_dep_array(section, key)
                if is_dep:
                    for s in _toml_strings(value):
                        dep = _py_requirement(s, ln.number, snippet, strict=False, path=path)
                        if dep:
                            yield dep
                if not _balanced_array(value):
                    array = "dep" if is_dep else "other"
                continue
            dep_table = _is_dep_table(kind, section)
            if not dep_table and section != _UNKNOWN:
                continue
            if key.lower() in _NOT_PACKAGE_KEYS or not re.fullmatch(_NAME, key):
                continue
            if not dep_table and "version" in key.lower():
                continue
            dep = _table_dep(key, value, ln.number, snippet, loose=not dep_table, path=path)
            if dep:
                yield dep
            continue
        # an array element whose array opened above the added lines
        if section == _UNKNOWN:
            s = text.strip()
            if re.match(r"""^["'][^"']+["']\s*,?\s*(?:#.*)?$""", s):
                for v in _toml_strings(s)[:1]:
                    dep = _py_requirement(v, ln.number, snippet, strict=True, path=path)
                    if dep:
                        yield dep


def _toml_strings(text: str) -> list[str]:
    """The quoted strings that are array elements (not inside `{…}` inline tables)."""
    text = re.sub(r"\{[^}]*\}", "", _strip_comment_outside_strings(text))
    return [a if a else b for a, b in _TOML_STR.findall(text)]


def _strip_comment_outside_strings(text: str) -> str:
    out, quote = [], ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out)


def _balanced_array(value: str) -> bool:
    v = _strip_comment_outside_strings(value)
    v = _TOML_STR.sub("", v)
    return v.count("[") <= v.count("]")


def _table_dep(key: str, value: str, lineno: int, snippet: str, *, loose: bool, path: str) -> Dep | None:
    """`name = "^1.2"` / `name = { version = "…", git = "…" }` (poetry, Pipfile)."""
    if value.startswith("{"):
        fields = dict(_TOML_TABLE_FIELD.findall(value))
        if "git" in fields:
            return Dep("pypi", key, lineno, snippet, url=fields["git"], spec=fields.get("version", ""))
        if "url" in fields:
            return Dep("pypi", key, lineno, snippet, url=fields["url"])
        if "path" in fields or "file" in fields:
            target = fields.get("path") or fields.get("file", "")
            if _outside_repo(path, target):
                return Dep("pypi", key, lineno, snippet, url=target)
            return None
        if "version" not in fields:
            return None if loose else Dep("pypi", key, lineno, snippet)
        spec = fields["version"]
    else:
        strings = _toml_strings(value)
        if not strings:
            return None
        spec = strings[0]
    if loose and not _LOOSE_VERSION.match(spec):
        return None
    pinned = bool(_EXACT_BARE.match(spec)) and "*" not in spec
    return Dep("pypi", key, lineno, snippet, spec=spec, pinned=pinned)


# ---- setup.cfg


_CFG_DEP_KEYS = ("install_requires", "setup_requires", "tests_require")


def _setup_cfg(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
    section, key = _UNKNOWN, _UNKNOWN
    prev = None
    for ln in lines:
        if prev is not None and ln.number != prev + 1:
            section, key = _UNKNOWN, _UNKNOWN
        prev = ln.number
        text, snippet = ln.text, ln.text.strip()
        if not snippet or snippet.startswith(("#", ";")):
            continue
        h = re.match(r"^\[([^\]]+)\]\s*$", text)
        if h:
            section, key = h.group(1).strip(), ""
            continue
        if not text[:1].isspace():
            m = re.match(r"^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$", text)
            if not m:
                continue
            key, value = m.group(1).strip(), m.group(2).strip()
            dep_key = (section == "options" and key in _CFG_DEP_KEYS) or section == "options.extras_require"
            if not dep_key:
                key = ""
            elif value:
                dep = _py_requirement(value, ln.number, snippet, strict=False, path=path)
                if dep:
                    yield dep
            continue
        if key == "":
            continue
        strict = key == _UNKNOWN or section == _UNKNOWN
        dep = _py_requirement(_strip_comment(text), ln.number, snippet, strict=strict, path=path)
        if dep:
            yield dep


# ---- package.json


_JSON_TOKEN = re.compile(r""""(?P<key>(?:[^"\\]|\\.)*)"\s*:\s*(?:(?P<open>\{)|"(?P<val>(?:[^"\\]|\\.)*)")|(?P<close>\})""")
_NPM_DEP_SECTIONS = frozenset({
    "dependencies", "devDependencies", "peerDependencies", "optionalDependencies", "overrides",
    "resolutions",
})
_NPM_NOT_PACKAGES = frozenset({
    "name", "version", "description", "main", "module", "browser", "types", "typings", "license",
    "author", "homepage", "type", "packageManager", "node", "npm", "yarn", "pnpm", "bun", "deno",
    "vscode", "private", "sideEffects", "funding", "url", "email", "directory", "registry",
})
_NPM_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9._~-][a-z0-9._~-]*$", re.I)
_NPM_EXACT = re.compile(r"^=?v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_NPM_RANGE = re.compile(r"^[\s\^~<>=v\d.xX*|+\-A-Za-z]*$")
_NPM_URLISH = re.compile(r"^(?:git\+|git://|git@|ssh://|https?://|github:|gitlab:|bitbucket:|gist:)", re.I)
_GITHUB_SHORTHAND = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(?:#\S*)?$")


def _npm_value(key: str, value: str, lineno: int, snippet: str, path: str, *, loose: bool,
               check_unknown: bool = True, check_pins: bool = True) -> Dep | None:
    """A dependency name and its version spec (package.json value or `name@spec` on a CLI)."""
    value = value.strip()
    if _NPM_URLISH.match(value):
        return Dep("npm", key, lineno, snippet, url=value, check_unknown=check_unknown)
    if value.startswith(("file:", "link:")):
        target = value.split(":", 1)[1]
        if _outside_repo(path, target):
            return Dep("npm", key, lineno, snippet, url=value, check_unknown=check_unknown)
        return None
    if value.startswith(("workspace:", "portal:", "patch:", "catalog:")):
        return None
    if value.startswith("npm:"):  # an alias: the real package is after npm:
        target = value[4:]
        scope, rest = _split_scope(target)
        name, _, spec = rest.partition("@")
        real = f"{scope}/{name}" if scope else name
        if not _NPM_NAME.match(real):
            return None
        return Dep("npm", real, lineno, snippet, spec=spec, pinned=bool(_NPM_EXACT.match(spec)),
                   check_unknown=check_unknown, check_pins=check_pins)
    if _GITHUB_SHORTHAND.match(value) and not loose and not re.search(r"\.(?:m?js|cjs|ts|json)$", value):
        return Dep("npm", key, lineno, snippet, url=value, check_unknown=check_unknown)
    if not _NPM_RANGE.match(value):
        return None
    if loose and not (re.search(r"\d", value) or value in ("*", "latest")):
        return None
    return Dep("npm", key, lineno, snippet, spec=value, pinned=bool(_NPM_EXACT.match(value)),
               check_unknown=check_unknown, check_pins=check_pins)


def _package_json(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
    stack: list[str] = []  # the objects opened among the added lines, innermost last
    prev = None
    for ln in lines:
        if prev is not None and ln.number != prev + 1:
            stack = []  # a gap: the enclosing object is no longer known
        prev = ln.number
        if ln.number == 1 and ln.text.lstrip().startswith("{"):
            stack = ["\0root"]
        snippet = ln.text.strip()
        for m in _JSON_TOKEN.finditer(ln.text):
            if m["close"]:
                if stack:
                    stack.pop()
                continue
            key = m["key"]
            if m["open"]:
                stack.append(key)
                continue
            if stack:
                if stack[-1] not in _NPM_DEP_SECTIONS:
                    continue  # scripts, bin, engines, exports, the root object…
                loose = False
            else:  # the enclosing object was not among the added lines: go by shape
                if key in _NPM_NOT_PACKAGES:
                    continue
                loose = True
            if not _NPM_NAME.match(key):
                continue
            dep = _npm_value(key, m["val"], ln.number, snippet, path, loose=loose)
            if dep:
                yield dep


# ---- install commands in scripts, Dockerfiles, CI YAML, docs, notebooks


_CMD = re.compile(
    r"""(?<![\w./-])(?:
        (?P<pip>(?:python(?:3(?:\.\d+)?)?\s+-m\s+pip|pip(?:3(?:\.\d+)?)?|uv\s+pip|pipx|uv\s+tool)\s+install
               |(?:uv|pdm|rye)\s+add)
      | (?P<poetry>poetry\s+add)
      | (?P<npm>npm\s+(?:install|i|add|isntall)|yarn\s+(?:global\s+)?add|pnpm\s+(?:add|install|i)
               |bun\s+(?:add|install|i|a))
      | (?P<npx>npx|pnpx|bunx|pnpm\s+dlx|yarn\s+dlx|npm\s+exec)
    )(?=\s|$)""",
    re.X,
)
_PIP_OPTS_WITH_VALUE = _REQ_OPTS_WITH_VALUE | {
    "-t", "--target", "--prefix", "--root", "--python", "-p", "--platform", "--python-version",
    "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir",
    "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
    "--report", "--root-user-action", "--index", "--default-index", "--group", "--optional",
    "--extra", "--package", "--directory", "--project", "--with", "--source", "-G",
    "--constraints", "--overrides", "--index-strategy", "--keyring-provider", "--resolution",
    "--suffix", "--pip-args", "--python-preference",
}
_NPM_OPTS_WITH_VALUE = frozenset({
    "--registry", "--prefix", "-w", "--workspace", "--tag", "--cache", "--userconfig", "--omit",
    "--include", "-C", "--dir", "--filter", "-F", "--cwd", "--node-options", "--install-strategy",
    "--lockfile-version", "--loglevel", "--network-concurrency", "--modules-folder", "--mutex",
})
_SCRIPT_NAMES = frozenset({
    "dockerfile", "containerfile", "makefile", "gnumakefile", "justfile", "taskfile",
    "tox.ini", "noxfile.py", "vagrantfile", "readme", "procfile", ".gitlab-ci.yml", "jenkinsfile",
})
_SCRIPT_SUFFIXES = (
    ".sh", ".bash", ".zsh", ".fish", ".ksh", ".ps1", ".bat", ".cmd", ".mk", ".yml", ".yaml",
    ".dockerfile", ".containerfile", ".md", ".markdown", ".rst", ".adoc", ".ipynb", ".txt",
)
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt")
_PROMPT = re.compile(r"^\s*(?:[$%>#]\s+|!|%|RUN\s+|-\s+|>>>\s*!?)?")


def _cut_shell(text: str) -> tuple[str, bool]:
    """The words of one command: up to an unquoted `;`, `&`, `|`, `)`, backtick, redirect or
    comment. Returns (text, continues) where continues = a trailing backslash."""
    out, quote, prev = [], "", " "
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            if text.find(ch, i + 1) < 0:  # closes a string the command sat in (`echo "pip install x"`)
                return "".join(out), False
            quote = ch
        elif ch in ";&|)`<>\n" or (ch == "#" and prev.isspace()):
            return "".join(out), False
        out.append(ch)
        prev = ch
    joined = "".join(out).rstrip()
    if joined.endswith("\\"):
        return joined[:-1], True
    return joined, False


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return [w.strip("\"'") for w in text.split()]


@dataclass
class _Command:
    mode: str  # pip | poetry | npm | npx
    skip_next: bool = False
    positional: int = 0


def _command_words(cmd: _Command, words: list[str], lineno: int, snippet: str, path: str) -> Iterator[Dep]:
    for w in words:
        if cmd.skip_next:
            cmd.skip_next = False
            if cmd.mode == "npx" and cmd.positional == -1:  # value of -p/--package
                cmd.positional = 0
                dep = _npm_word(w, lineno, snippet, path, npx=True)
                if dep:
                    yield dep
            elif cmd.mode in ("pip", "poetry") and cmd.positional == -2:  # value of -e
                cmd.positional = 0
                if _URL_SCHEME.match(w):
                    dep = _py_requirement(w, lineno, snippet, strict=False, path=path)
                    if dep:
                        yield dep
            continue
        if not w or "$" in w or "{{" in w:
            continue
        if w.startswith("-"):
            opt, eq, val = w.partition("=")
            if cmd.mode == "npx":
                if opt in ("-p", "--package"):
                    if eq:
                        dep = _npm_word(val, lineno, snippet, path, npx=True)
                        if dep:
                            yield dep
                    else:
                        cmd.skip_next, cmd.positional = True, -1
                elif opt in ("-c", "--call") and not eq:
                    cmd.skip_next = True
                continue
            if cmd.mode == "npm":
                if opt in _NPM_OPTS_WITH_VALUE and not eq:
                    cmd.skip_next = True
                continue
            if opt in ("-e", "--editable") and not eq:
                cmd.skip_next, cmd.positional = True, -2
            elif opt in _PIP_OPTS_WITH_VALUE and not eq:
                cmd.skip_next = True
            continue
        if cmd.mode == "npm":
            dep = _npm_word(w, lineno, snippet, path)
        elif cmd.mode == "npx":
            if cmd.positional > 0:
                continue  # arguments of the command npx runs
            cmd.positional += 1
            dep = _npm_word(w, lineno, snippet, path, npx=True)
        elif cmd.mode == "poetry" and "@" in w and not _URL_SCHEME.match(w) and " @ " not in w:
            name, _, spec = w.partition("@")
            dep = _py_requirement(name, lineno, snippet, strict=False, path=path)
            if dep and spec:
                pinned = bool(_EXACT_BARE.match(spec)) and "*" not in spec
                dep = Dep("pypi", dep.name, lineno, snippet, spec=spec, pinned=pinned)
        else:
            dep = _py_requirement(w, lineno, snippet, strict=False, path=path)
        if dep:
            yield dep


def _npm_word(word: str, lineno: int, snippet: str, path: str, *, npx: bool = False) -> Dep | None:
    """`name`, `name@1.2.3`, `@scope/name@^1`, `github:u/r`, `u/r`, URLs, local paths."""
    if _NPM_URLISH.match(word) or word.startswith(("file:", "link:")):
        return _npm_value("", word, lineno, snippet, path, loose=False, check_unknown=not npx)
    if word.startswith((".", "/", "~")) or _ARCHIVE.search(word):
        return None
    scope, rest = _split_scope(word)
    if not scope and "/" in word:
        return Dep("npm", "", lineno, snippet, url=word, check_unknown=False)  # github shorthand
    name, at, spec = rest.partition("@")
    full = f"{scope}/{name}" if scope else name
    if not _NPM_NAME.match(full):
        return None
    if at and (spec.startswith("npm:") or _NPM_URLISH.match(spec) or spec.startswith(("file:", "link:"))):
        dep = _npm_value(full, spec, lineno, snippet, path, loose=False, check_unknown=not npx)
        return dep
    return Dep("npm", full, lineno, snippet, spec=spec, pinned=bool(_NPM_EXACT.match(spec)),
               check_unknown=not npx, check_pins=not npx)


def _ipynb_text(text: str) -> str:
    s = text.strip().rstrip(",")
    if s.startswith('"') and s.endswith('"'):
        try:
            return json.loads(s)
        except ValueError:
            return text
    return text


def _doc_segments(text: str) -> list[str]:
    """In docs only code counts: inline `code` spans, and lines that start with a command."""
    segs = re.findall(r"`+([^`]+)`+", text)
    stripped = _PROMPT.sub("", text, count=1)
    if _CMD.match(stripped):
        segs.append(stripped)
    return segs


def _scripts(path: str, lines: Sequence[AddedLine], *, doc: bool, notebook: bool) -> Iterator[Dep]:
    pending: _Command | None = None
    prev = None
    for ln in lines:
        if prev is not None and ln.number != prev + 1:
            pending = None
        prev = ln.number
        text = _ipynb_text(ln.text) if notebook else ln.text
        snippet = ln.text.strip()
        if pending is not None:
            body, cont = _cut_shell(text)
            yield from _command_words(pending, _words(body), ln.number, snippet, path)
            pending = pending if cont else None
            if cont:
                continue
        if not _CMD.search(text):
            continue
        segments = _doc_segments(text) if doc else [text]
        for seg in segments:
            for m in _CMD.finditer(seg):
                mode = next(k for k in ("pip", "poetry", "npm", "npx") if m.group(k))
                cmd = _Command(mode)
                body, cont = _cut_shell(seg[m.end():])
                yield from _command_words(cmd, _words(body), ln.number, snippet, path)
                if cont and not doc:
                    pending = cmd


# --------------------------------------------------------------------------- file kinds


def file_kind(path: str) -> str | None:
    """What kind of dependency file `path` is, by its name alone; None: not one."""
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower == "package.json":
        return "package.json"
    if lower == "pyproject.toml":
        return "pyproject"
    if lower == "setup.cfg":
        return "setup.cfg"
    if name == "Pipfile":
        return "pipfile"
    if lower.endswith((".txt", ".in")):
        parent = path.rsplit("/", 2)[-2].lower() if "/" in path else ""
        if re.search(r"(?:^|[-_.])(?:requirements?|reqs|constraints?)(?:[-_.]|$)", lower.rsplit(".", 1)[0]) \
                or parent in ("requirements", "reqs", "constraints"):
            return "requirements"
    if lower in _SCRIPT_NAMES or lower.startswith(("dockerfile", "containerfile", "makefile", "readme")) \
            or lower.endswith(_SCRIPT_SUFFIXES):
        if lower.endswith(".txt") and not lower.startswith("readme"):
            return None
        if lower.endswith(".ipynb"):
            return "notebook"
        if lower.endswith(_DOC_SUFFIXES) or lower.startswith("readme"):
            return "doc"
        return "script"
    return None


def extract(path: str, lines: Sequence[AddedLine]) -> list[Dep]:
    """The dependencies the added lines of `path` declare or install."""
    kind = file_kind(path)
    if kind is None:
        return []
    if kind == "requirements":
        deps = _requirements(path, lines)
    elif kind == "pyproject":
        deps = _toml(path, lines, "pyproject")
    elif kind == "pipfile":
        deps = _toml(path, lines, "pipfile")
    elif kind == "setup.cfg":
        deps = _setup_cfg(path, lines)
    elif kind == "package.json":
        deps = _package_json(path, lines)
    else:
        deps = _scripts(path, lines, doc=kind == "doc", notebook=kind == "notebook")
    return list(deps)


# --------------------------------------------------------------------------- findings


def _allowed(dep: Dep, allow: Iterable[str]) -> bool:
    if not dep.name:
        return False
    name = normalize(dep.eco, dep.name)
    for pattern in allow:
        pat = normalize(dep.eco, pattern)
        if name == pat or fnmatchcase(name, pat):
            return True
    return False


def _finding(rule_id: str, dep: Dep, path: str, value: str, *, severity: Severity, confidence: Confidence,
             message: str, title: str, help: str, cwe: tuple[str, ...], blocking: bool) -> Finding:
    return Finding(
        rule_id=rule_id, kind=KIND, severity=severity, confidence=confidence, path=path,
        line=dep.line, message=message, fingerprint=fingerprint(rule_id, path, value),
        cwe=cwe, snippet=dep.snippet[:200], title=title, help=help,
        tags=("supply-chain", ECO_LABEL[dep.eco]), blocking=blocking,
    )


def findings_for(dep: Dep, path: str, policy: Policy) -> list[Finding]:
    if _allowed(dep, policy.dependencies.allow):
        return []
    eco_label = ECO_LABEL[dep.eco]
    if dep.url:
        pinned_ref = bool(_SHA_REF.search(dep.url))
        label = f"`{dep.name}`" if dep.name else "a package"
        return [_finding(
            "dep.url-dependency", dep, path, f"{normalize(dep.eco, dep.name)}\0{dep.url}",
            severity=Severity.LOW if pinned_ref else Severity.MEDIUM, confidence=Confidence.HIGH,
            title="Dependency installed from a URL or VCS",
            message=f"{label} is installed from `{dep.url}` instead of the {eco_label} registry"
                    + (" (pinned to a commit/hash)" if pinned_ref else ", a mutable source nobody reviews"),
            help=f"Depend on a released version from the {eco_label} registry; if the source is needed, "
                 "pin it to an immutable commit (`…@<40-hex sha>`) or a hash and review what it installs.",
            cwe=(CWE_UNTRUSTED,), blocking=True,
        )]
    out: list[Finding] = []
    norm = normalize(dep.eco, dep.name)
    lists = _lists(dep.eco)
    if norm not in lists.rank:
        hit = lookalike(dep.eco, norm)
        if hit is not None:
            popular = hit.target
            out.append(_finding(
                "dep.typosquat", dep, path, norm, severity=Severity.HIGH,
                confidence=Confidence.MEDIUM if hit.distance == 2 else Confidence.HIGH,
                title="Possible typosquatted package",
                message=f"`{dep.name}` {hit.how} the popular {eco_label} package `{popular}` "
                        "and is not itself a known package",
                help=f"Did you mean `{popular}`? Fix the name. If `{dep.name}` is intended, check its "
                     f"publisher and history on {REGISTRY[dep.eco]}{dep.name} and list it under "
                     "`dependencies.allow` in the policy.",
                cwe=(CWE_COMPONENT,), blocking=True,
            ))
        elif dep.check_unknown:
            n = len(lists.names)
            scope = _split_scope(norm)[0]
            # an unlisted package of an organisation that has popular ones is seldom invented
            known_scope = bool(scope) and scope in _index(dep.eco).all_scopes
            out.append(_finding(
                "dep.unknown-package", dep, path, norm, severity=Severity.MEDIUM,
                confidence=Confidence.LOW if known_scope else Confidence.MEDIUM,
                title="Unknown package",
                message=f"`{dep.name}` is not among the {n:,} most popular {eco_label} packages tightrope "
                        "knows; AI assistants often suggest packages that do not exist (package hallucination)",
                help=f"Check that `{dep.name}` exists on {REGISTRY[dep.eco]}{dep.name}, is the package you "
                     f"meant and is maintained. The bundled list holds only the {n:,} most popular names: "
                     "list internal or niche packages under `dependencies.allow` in the policy.",
                cwe=(CWE_COMPONENT,), blocking=False,
            ))
    if policy.dependencies.require_pins and dep.check_pins and not dep.pinned:
        exact = f"{dep.name}==X.Y.Z" if dep.eco == "pypi" else f'"{dep.name}": "X.Y.Z"'
        out.append(_finding(
            "dep.unpinned", dep, path, norm, severity=Severity.MEDIUM, confidence=Confidence.HIGH,
            title="Dependency without an exact pin",
            message=f"`{dep.name}` is added " + (f"with the range `{dep.spec}`" if dep.spec else "without a version")
                    + "; the policy requires exact pins",
            help=f"Pin an exact version (`{exact}`), ideally with hashes or a lock file.",
            cwe=(CWE_COMPONENT,), blocking=True,
        ))
    return out


def scan_lines(path: str, lines: Sequence[AddedLine], policy: Policy) -> list[Finding]:
    """Findings for the dependencies that the added `lines` of `path` bring in."""
    if file_kind(path) is None or not lines:
        return []
    findings: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    for dep in extract(path, lines):
        for f in findings_for(dep, path, policy):
            key = (f.rule_id, f.line, f.fingerprint)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return findings
