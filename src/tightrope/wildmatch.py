"""git's glob pathspec (`:(glob)`, wildmatch with WM_PATHNAME) for path scopes.

`*` and `?` and `[...]` never match `/`; `**/` matches zero or more directories, `/**` at
the end everything inside, `/**/` zero or more directories between; a pattern without
wildcards also matches everything below it as a directory (`src` covers `src/a/b.py`).
Patterns are anchored at the repository root. Checked against `git ls-files ':(glob)P'`
in tests/test_trailer_parsing.py. (The pathspec library implements gitignore's rules,
where `src/*` also ignores everything below a matched directory: the opposite of what a
scope that says `*` does not cross `/` needs.)
"""

from __future__ import annotations

import re
from functools import lru_cache

_WILD = frozenset("*?[\\")


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            stars = 1
            while i + stars < n and pattern[i + stars] == "*":
                stars += 1
            at_start = i == 0 or pattern[i - 1] == "/"
            after = i + stars
            if stars >= 2 and at_start and after < n and pattern[after] == "/":
                out.append("(?:[^/]*/)*")  # `**/`: zero or more directories
                i = after + 1
                continue
            if stars >= 2 and at_start and after == n:
                out.append(".*")  # trailing `**`: everything
                i = after
                continue
            out.append("[^/]*")
            i = after
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1:end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            klass = "".join("\\" + ch if ch in "\\^[]" else ch for ch in body)
            out.append(f"[^/{klass}]" if negate else f"(?!/)[{klass}]")
            i = end + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def match(pattern: str, path: str) -> bool:
    """Does `path` (relative to the repository root) fall under the glob pathspec `pattern`?"""
    if not _WILD & set(pattern):
        base = pattern.rstrip("/")
        return path == base or path.startswith(base + "/") or not base
    return _compile(pattern).fullmatch(path) is not None
