"""npm manifests: package.json (line-wise) and `name@spec` words on an install command line."""

from __future__ import annotations

import re
from typing import Iterator, Sequence

from tightrope.diff import AddedLine
from tightrope.scan.dependencies.dep import ARCHIVE, Dep, outside_repo, split_scope

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


def npm_value(key: str, value: str, lineno: int, snippet: str, path: str, *, loose: bool,
               check_unknown: bool = True, check_pins: bool = True) -> Dep | None:
    """A dependency name and its version spec (package.json value or `name@spec` on a CLI)."""
    value = value.strip()
    if _NPM_URLISH.match(value):
        return Dep("npm", key, lineno, snippet, url=value, check_unknown=check_unknown)
    if value.startswith(("file:", "link:")):
        target = value.split(":", 1)[1]
        if outside_repo(path, target):
            return Dep("npm", key, lineno, snippet, url=value, check_unknown=check_unknown)
        return None
    if value.startswith(("workspace:", "portal:", "patch:", "catalog:")):
        return None
    if value.startswith("npm:"):  # an alias: the real package is after npm:
        target = value[4:]
        scope, rest = split_scope(target)
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


def read_package_json(path: str, lines: Sequence[AddedLine]) -> Iterator[Dep]:
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
            dep = npm_value(key, m["val"], ln.number, snippet, path, loose=loose)
            if dep:
                yield dep


def npm_word(word: str, lineno: int, snippet: str, path: str, *, npx: bool = False) -> Dep | None:
    """`name`, `name@1.2.3`, `@scope/name@^1`, `github:u/r`, `u/r`, URLs, local paths."""
    if _NPM_URLISH.match(word) or word.startswith(("file:", "link:")):
        return npm_value("", word, lineno, snippet, path, loose=False, check_unknown=not npx)
    if word.startswith((".", "/", "~")) or ARCHIVE.search(word):
        return None
    scope, rest = split_scope(word)
    if not scope and "/" in word:
        return Dep("npm", "", lineno, snippet, url=word, check_unknown=False)  # github shorthand
    name, at, spec = rest.partition("@")
    full = f"{scope}/{name}" if scope else name
    if not _NPM_NAME.match(full):
        return None
    if at and (spec.startswith("npm:") or _NPM_URLISH.match(spec) or spec.startswith(("file:", "link:"))):
        dep = npm_value(full, spec, lineno, snippet, path, loose=False, check_unknown=not npx)
        return dep
    return Dep("npm", full, lineno, snippet, spec=spec, pinned=bool(_NPM_EXACT.match(spec)),
               check_unknown=not npx, check_pins=not npx)
