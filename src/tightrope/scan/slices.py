"""Cut a large or minified file down to the regions around its added lines, for semgrep.

A file over `LARGE_BYTES`, over `LARGE_LINES` lines or with a line over `LONG_LINE_CHARS`
characters (generated, vendored or minified code) is not given to semgrep whole: matching
costs grow with a scope's length (a flat 50,000-line module is one scope), and a rule
timing out there judges nothing. Instead each added line is taken with `CONTEXT` lines
either side, widened to top-level statement boundaries so the region parses on its own,
and the regions are packed into slices of at most `SLICE_LINES` lines. A slice is the
file with every line outside its regions emptied, so line numbers stay those of the file.

Only added lines that a rule could match are region seeds: those with a keyword of one of
the file's candidate rules within `CONTEXT` lines (`seeds`), so a generated table of
constants costs its keyword-bearing lines, not its length. What a slice cannot see is
data flow from farther away than its region (a taint source hundreds of lines above the
sink); the caller says so in a note. JSON and YAML are never sliced: their rules read
the document's structure.
"""

from __future__ import annotations

from dataclasses import dataclass

LARGE_BYTES = 256_000
LARGE_LINES = 5_000
LONG_LINE_CHARS = 5_000
CONTEXT = 30  # lines either side of an added line
WIDEN = 200  # at most this many more lines either side, looking for a statement boundary
SLICE_LINES = 400  # a scope's matching cost can grow with the square of its length
UNSLICED_LANGUAGES = {"json", "yaml"}
_CONTINUATION = (")", "]", "}", ".", "else", "elif", "except", "finally", "catch", "case ")


@dataclass(frozen=True)
class Slice:
    content: bytes
    lines: int  # lines kept


def why_large(content: bytes, text: str) -> str | None:
    """Why the file gets sliced (for the note), or None when it is scanned whole."""
    if len(content) > LARGE_BYTES:
        return f"{len(content) / 1e6:.1f} MB"
    lines = text.split("\n")
    if len(lines) > LARGE_LINES:
        return f"{len(lines)} lines"
    longest = max((len(line) for line in lines), default=0)
    if longest > LONG_LINE_CHARS:
        return f"a line of {longest} characters: minified or generated code"
    return None


def seeds(text: str, added: list[int], keywords: set[str] | None) -> list[int]:
    """The added line numbers with one of `keywords` within CONTEXT lines (None: all of them)."""
    if keywords is None:
        return added
    import bisect
    import re

    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    hits = sorted({bisect.bisect_right(starts, m.start()) for m in
                   re.finditer("|".join(map(re.escape, sorted(keywords, key=len, reverse=True))), text)})
    return [n for n in added if (i := bisect.bisect_left(hits, n - CONTEXT)) < len(hits) and hits[i] <= n + CONTEXT]


def _boundary(lines: list[str], i: int) -> bool:
    """Whether a top-level statement may start at line i (0-based): flush left, not a
    continuation of the statement above (closing bracket, else/except, decorated def)."""
    if i <= 0 or i >= len(lines):
        return True
    line = lines[i]
    if not line.strip() or line[0] in " \t" or line.startswith(_CONTINUATION):
        return False
    prev = next((lines[j] for j in range(i - 1, max(-1, i - 20), -1) if lines[j].strip()), "")
    return not prev.startswith("@") and not prev.rstrip().endswith(("\\", ",", "(", "[", "{"))


def _widen(lines: list[str], a: int, b: int) -> tuple[int, int]:
    """[a, b) grown to statement boundaries, each side by at most WIDEN lines."""
    lo = a
    while lo > max(0, a - WIDEN) and not _boundary(lines, lo):
        lo -= 1
    hi = b
    while hi < min(len(lines), b + WIDEN) and not _boundary(lines, hi):
        hi += 1
    return lo, hi


def regions(lines: list[str], added: list[int]) -> list[tuple[int, int]]:
    """Merged [start, end) line ranges (0-based) around the added line numbers (1-based)."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(added)):
        if not 1 <= n <= len(lines):
            continue
        a, b = _widen(lines, max(0, n - 1 - CONTEXT), min(len(lines), n + CONTEXT))
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _split(lines: list[str], a: int, b: int) -> list[tuple[int, int]]:
    """A region longer than SLICE_LINES cut at statement boundaries (or hard, if none)."""
    parts = []
    while b - a > SLICE_LINES:
        cut = next((i for i in range(a + SLICE_LINES, a + SLICE_LINES // 2, -1) if _boundary(lines, i)),
                   a + SLICE_LINES)
        parts.append((a, cut))
        a = cut
    parts.append((a, b))
    return parts


def slices(text: str, added: list[int]) -> list[Slice]:
    """The file as slices around its added lines; every added line is in exactly one slice."""
    lines = text.split("\n")
    parts = [p for a, b in regions(lines, added) for p in _split(lines, a, b)]
    groups: list[list[tuple[int, int]]] = []
    size = 0
    for a, b in parts:
        if groups and size + (b - a) <= SLICE_LINES:
            groups[-1].append((a, b))
            size += b - a
        else:
            groups.append([(a, b)])
            size = b - a
    out = []
    for group in groups:
        kept = [""] * group[-1][1]
        for a, b in group:
            kept[a:b] = lines[a:b]
        out.append(Slice(("\n".join(kept) + "\n").encode("utf-8", "surrogateescape"),
                         sum(b - a for a, b in group)))
    return out
