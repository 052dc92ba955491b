"""PyPI manifests: PEP 508 requirement strings, requirements files, pyproject.toml and
Pipfile (TOML, line-wise), setup.cfg."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Sequence

from tightrope.diff import AddedLine
from tightrope.scan.dependencies.dep import (
    ARCHIVE, URL_SCHEME, Dep, file_url_path, normalize, outside_repo, strip_comment,
)

if TYPE_CHECKING:
    from packaging.requirements import Requirement

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # a PEP 508 name (a TOML key that may be one)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")


def _url_name(url: str) -> str:
    m = _EGG.search(url)
    if m:
        return m.group(1)
    tail = url.split("#")[0].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    tail = re.sub(r"\.git$", "", tail)
    m = re.match(r"^([A-Za-z0-9._]+?)-\d", tail)  # dist-1.0.tar.gz / dist-1.0-py3-none-any.whl
    return m.group(1) if m else tail


def py_requirement(text: str, lineno: int, snippet: str, *, strict: bool, path: str = "") -> Dep | None:
    """One PEP 508 requirement (or a URL / path) -> Dep; None when it is not one.

    strict: only accept shapes that cannot be anything else (a version, extras, marker
    or URL): used when the enclosing section was not among the added lines.
    """
    text = text.strip()
    if text[:1] in ("'", '"'):  # a quoted string; a marker may end in a quote of its own
        text = text.strip("\"'").strip()
    if not text or text.startswith(("#", "-", "$", "{")) or "${" in text:
        return None
    if URL_SCHEME.match(text):
        if text.lower().startswith("file:") and not outside_repo(path, file_url_path(text)):
            return None
        return Dep("pypi", _url_name(text), lineno, snippet, url=text)
    if text.startswith((".", "/", "~")) or "\\" in text or (ARCHIVE.search(text.split(";")[0].strip()) and "@" not in text):
        return None  # a local path or archive
    req = _pep508(text)
    if req is None:
        return None
    if req.url:
        if req.url.lower().startswith("file:") and not outside_repo(path, file_url_path(req.url)):
            return None
        return Dep("pypi", req.name, lineno, snippet, url=req.url)
    spec = _as_written(text, req)
    if strict and not (spec or "[" in text or req.marker is not None):
        return None
    pinned = len(req.specifier) == 1 and "*" not in spec and next(iter(req.specifier)).operator in ("==", "===")
    return Dep("pypi", req.name, lineno, snippet, spec=spec, pinned=pinned)


def _as_written(text: str, req: Requirement) -> str:
    """The version constraint as the author wrote it (`>=1, <2`), for messages: packaging
    normalises and sorts it (`<2,>=1`)."""
    rest = text.split(";", 1)[0][len(req.name):].strip()
    if rest.startswith("["):
        rest = rest.partition("]")[2]
    return rest.strip().strip("()").strip()


def _pep508(text: str) -> Requirement | None:
    """The PEP 508 requirement `text` is, or None: pip would refuse it, so it installs nothing."""
    from packaging.requirements import InvalidRequirement, Requirement  # only manifests pay for it

    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


# ---- requirements.txt

REQ_OPTS_WITH_VALUE = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-binary", "--only-binary",
    "--hash", "--global-option", "--config-settings", "-C", "--use-feature", "--prefer-binary",
})


def read_requirements(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
    for ln in lines:
        snippet = ln.text.strip()
        text = strip_comment(ln.text).strip()
        if text.endswith("\\"):
            text = text[:-1].strip()
        if not text:
            continue
        if text.startswith("-"):
            m = re.match(r"^(?:-e|--editable)(?:\s+|=)(\S+)", text)
            if m and URL_SCHEME.match(m.group(1)):
                dep = py_requirement(m.group(1), ln.number, snippet, strict=False, path=path)
                if dep:
                    yield dep
            continue  # -r, -c, -i, --hash, -e <local path>, …: options, not packages
        text = re.split(r"\s+(?=--?[A-Za-z])", text, maxsplit=1)[0]  # trailing --hash=…
        dep = py_requirement(text, ln.number, snippet, strict=False, path=path)
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
EXACT_BARE = re.compile(r"^\s*(?:===?)?\s*v?\d+(?:\.\d+)*(?:[.-]?(?:a|b|rc|post|dev)\d*)*\s*$", re.I)

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


def read_toml(path: str, lines: Sequence[AddedLine], kind: str) -> Iterator[Dep]:
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
                    dep = py_requirement(v, ln.number, snippet, strict=False, path=path)
                    if dep:
                        yield dep
            if "]" in _TOML_STR.sub("", _strip_comment_outside_strings(text)):
                array = None
            continue
        m = _TOML_KEY.match(text)
        if m:
            key, value = _toml_key(m["key"]), strip_comment(m["value"]).strip()
            if value.startswith("["):
                is_dep = kind == "pyproject" and _is_dep_array(section, key)
                if is_dep:
                    for s in _toml_strings(value):
                        dep = py_requirement(s, ln.number, snippet, strict=False, path=path)
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
                    dep = py_requirement(v, ln.number, snippet, strict=True, path=path)
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
            if outside_repo(path, target):
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
    pinned = bool(EXACT_BARE.match(spec)) and "*" not in spec
    return Dep("pypi", key, lineno, snippet, spec=spec, pinned=pinned)


# ---- setup.cfg


_CFG_DEP_KEYS = ("install_requires", "setup_requires", "tests_require")


def read_setup_cfg(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
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
                dep = py_requirement(value, ln.number, snippet, strict=False, path=path)
                if dep:
                    yield dep
            continue
        if key == "":
            continue
        strict = key == _UNKNOWN or section == _UNKNOWN
        dep = py_requirement(strip_comment(text), ln.number, snippet, strict=strict, path=path)
        if dep:
            yield dep
