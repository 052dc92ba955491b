"""Unified diff -> files -> added lines. Pure: bytes in, data out.

Reads `git diff` output (with `diff --git` headers) and plain `diff -u` output.
Only what a change *adds* is kept; renames carry no added lines unless edited.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence, overload

_HUNK = re.compile(rb"^@@ -\d+(?:,(?P<old>\d+))? \+(?P<new>\d+)(?:,(?P<count>\d+))? @@")
_SUBMODULE_MODE = b"160000"


@dataclass(frozen=True, slots=True)  # slots: one per added line of a diff, ~100 bytes less each
class AddedLine:
    number: int  # 1-based line number in the new file
    text: str


class AddedLines(Sequence[AddedLine]):
    """A file's added lines, stored compactly: their text joined into one string, and two
    integer arrays (line numbers, end offsets). An `AddedLine` object is built only when a
    line is read, and a scanner reads only the lines its prefilter hits, so a large diff
    costs about its own size in memory, not ~200 bytes more per line. `text` is every
    added line joined with newlines, for prefilters that search a file in one pass."""

    __slots__ = ("_numbers", "_ends", "_parts", "_text")

    def __init__(self, lines: Iterable[AddedLine] = ()) -> None:
        self._numbers = array("I")  # 4 bytes a line; a file's added text stays under 4 GiB
        self._ends = array("I")
        self._parts: list[str] = []  # lines appended since the last read
        self._text = ""
        for line in lines:
            self.append(line)

    def append(self, line: AddedLine) -> None:
        self.add(line.number, line.text)

    def add(self, number: int, text: str) -> None:
        self._numbers.append(number)
        self._parts.append(text)
        if len(self._parts) >= 256 and 2 * len(self._parts) >= len(self._numbers):
            self._freeze()  # geometric: joining costs O(n) overall

    def pop(self) -> AddedLine:
        last = self[-1]
        self._text = self._text[:self._start(len(self) - 1) - (1 if len(self) > 1 else 0)]
        del self._numbers[-1], self._ends[-1]
        return last

    @property
    def text(self) -> str:
        self._freeze()
        return self._text

    def _freeze(self) -> None:
        if not self._parts:
            return
        offset = len(self._text) + (1 if self._ends else 0)
        for part in self._parts:
            offset += len(part)
            self._ends.append(offset)
            offset += 1
        joined = "\n".join(self._parts)
        self._text = self._text + "\n" + joined if len(self._ends) > len(self._parts) else joined
        self._parts = []

    def _start(self, i: int) -> int:
        return self._ends[i - 1] + 1 if i else 0

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, i: int) -> AddedLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[AddedLine]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        self._freeze()
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("added line index out of range")
        return AddedLine(self._numbers[i], self._text[self._start(i):self._ends[i]])

    def __iter__(self) -> Iterator[AddedLine]:
        self._freeze()
        for i in range(len(self)):
            yield AddedLine(self._numbers[i], self._text[self._start(i):self._ends[i]])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (AddedLines, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"AddedLines({list(self)!r})"


@dataclass
class FileChange:
    path: str  # new path ("" never; for deletions, the old path)
    status: str = "modified"  # added | modified | deleted | renamed | copied
    old_path: str = ""
    added: AddedLines = field(default_factory=AddedLines)
    skipped: str = ""  # why this file's content was not scanned ("binary file", …)
    undecodable_lines: int = 0  # lines that were not UTF-8 (decoded with U+FFFD)
    old_blob: str = ""  # blob ids from the `index` line (`git diff --full-index`)
    blob: str = ""

    @property
    def is_scannable(self) -> bool:
        return not self.skipped and self.status != "deleted"


def unquote_path(raw: bytes) -> str:
    """git's C-style quoted path ("a\\tb", octal bytes) -> str; unquoted passes through."""
    if not raw.startswith(b'"'):
        return raw.decode("utf-8", "surrogateescape")
    body = raw[1:-1] if raw.endswith(b'"') else raw[1:]
    out = bytearray()
    i = 0
    simple = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7,
              ord("b"): 8, ord("f"): 12, ord("r"): 13, ord("v"): 11}
    while i < len(body):
        c = body[i]
        if c == 92 and i + 1 < len(body):  # backslash
            nxt = body[i + 1]
            if 48 <= nxt <= 55 and i + 3 < len(body) + 1:
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _strip_prefix(path: str) -> str:
    return path[2:] if path[:2] in ("a/", "b/") else path


def _header_paths(rest: bytes) -> tuple[str, str]:
    """Paths from `diff --git <rest>`, where rest is `a/X b/Y` (maybe quoted)."""
    if rest.startswith(b'"'):
        end = rest.index(b'" ', 1) + 1
        return _strip_prefix(unquote_path(rest[:end])), _strip_prefix(unquote_path(rest[end + 1:]))
    if rest.endswith(b'"'):
        start = rest.rindex(b' "')
        return _strip_prefix(unquote_path(rest[:start])), _strip_prefix(unquote_path(rest[start + 1:]))
    # unquoted and (when not renamed) identical: "a/P b/P"
    half = (len(rest) - 1) // 2
    left, right = rest[:half], rest[half + 1:]
    if left[2:] == right[2:]:
        p = _strip_prefix(unquote_path(left))
        return p, p
    a, _, b = rest.partition(b" b/")
    return _strip_prefix(unquote_path(a)), unquote_path(b)


def _path_from_marker(line: bytes) -> str | None:
    raw = line[4:].rstrip(b"\r\n").split(b"\t")[0]
    if raw == b"/dev/null":
        return None
    return _strip_prefix(unquote_path(raw))


def parse_diff(data: bytes) -> list[FileChange]:
    """Parse a unified diff. Hunk line counts decide where a hunk ends, so a removed
    line that reads `--- x` is never mistaken for a file header."""
    files: list[FileChange] = []
    current: FileChange | None = None
    new_line = old_left = new_left = 0
    in_git_header = False  # between `diff --git` and its first hunk
    minus: bytes | None = None  # a `--- ` line outside a hunk: a file header if `+++ ` follows
    for line in _lines(data):
        if current is not None and (old_left > 0 or new_left > 0):
            tag = line[:1]
            if tag == b"+":
                _add_line(current, new_line, line[1:])
                new_line += 1
                new_left -= 1
            elif tag == b"-":
                old_left -= 1
            elif tag == b"\\":
                pass  # "\ No newline at end of file"
            else:  # context (" " or an empty line from a stripped trailing space)
                new_line += 1
                old_left -= 1
                new_left -= 1
            continue
        if minus is not None and line.startswith(b"+++ "):
            old, new, minus = _path_from_marker(minus), _path_from_marker(line), None
            if not in_git_header:
                # a plain `diff -u` section without a `diff --git` header
                if current is not None:
                    current.added._freeze()
                current = FileChange(path=new or old or "", old_path=old or "")
                files.append(current)
            if new is None:
                current.status = "deleted"
                current.path = old or current.path
            else:
                current.path = new
                if old is None:
                    current.status = "added"
            continue
        minus = None
        if line.startswith(b"diff --git "):
            old, new = _header_paths(line[len(b"diff --git "):].rstrip(b"\r"))
            if current is not None:
                current.added._freeze()  # one string per file, not one per line
            current = FileChange(path=new, old_path=old)
            files.append(current)
            in_git_header = True
        elif line.startswith(b"--- "):
            minus = line
        elif current is None:
            continue  # preamble (e.g. the mail header of `git format-patch`)
        elif line.startswith(b"@@"):
            m = _HUNK.match(line)
            if m:
                in_git_header = False
                old_left = int(m["old"]) if m["old"] is not None else 1
                new_line = int(m["new"])
                new_left = int(m["count"]) if m["count"] is not None else 1
        else:
            _header_line(current, line.rstrip(b"\r"))
    if current is not None:
        current.added._freeze()
    return files


def _lines(data: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The lines of `data` without their `\\n` (as `data.split(b"\\n")` minus a final empty
    one), split a megabyte at a time: no list of every line of a large diff."""
    start, size = 0, len(data)
    while start < size:
        end = data.find(b"\n", start + chunk) if start + chunk < size else -1
        if end < 0:
            yield from (data[start:-1] if data.endswith(b"\n") else data[start:]).split(b"\n")
            return
        yield from data[start:end].split(b"\n")
        start = end + 1


def _add_line(change: FileChange, number: int, raw: bytes) -> None:
    raw = raw.rstrip(b"\r")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        change.undecodable_lines += 1
    change.added.add(number, text)


def _header_line(change: FileChange, line: bytes) -> None:
    if line.startswith(b"new file mode"):
        change.status = "added"
        if line.endswith(_SUBMODULE_MODE):
            change.skipped = "submodule"
    elif line.startswith(b"deleted file mode"):
        change.status = "deleted"
    elif line.startswith(b"rename from "):
        change.status = "renamed"
        change.old_path = unquote_path(line[len(b"rename from "):])
    elif line.startswith(b"rename to "):
        change.path = unquote_path(line[len(b"rename to "):])
    elif line.startswith(b"copy from "):
        change.status = "copied"
        change.old_path = unquote_path(line[len(b"copy from "):])
    elif line.startswith(b"copy to "):
        change.path = unquote_path(line[len(b"copy to "):])
    elif line.startswith(b"index ") and line.endswith(_SUBMODULE_MODE):
        change.skipped = "submodule"
    elif line.startswith(b"index "):
        ids = line[6:].split(b" ")[0].split(b"..")
        if len(ids) == 2:
            change.old_blob, change.blob = (i.decode() if i.strip(b"0") else "" for i in ids)
    elif line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
        change.skipped = "binary file"


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(content: bytes) -> str | None:
    """Text judged by content, not by git's binary heuristic or .gitattributes: UTF-8/16/32
    with a BOM, or UTF-8 where control characters (a NUL or two) are rare. None: binary."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            try:
                return content[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(_CONTROL.findall(text)) * 20 <= len(text) else None


def text_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def added_between(old: str, new: str) -> list[AddedLine]:
    """Lines of `new` that `old` does not have (as many times as they are new), numbered
    in `new`: the added lines of a change git would not diff as text. Linear time."""
    counts: dict[str, int] = {}
    for line in text_lines(old):
        counts[line] = counts.get(line, 0) + 1
    added = []
    for number, line in enumerate(text_lines(new), start=1):
        if counts.get(line, 0):
            counts[line] -= 1
        else:
            added.append(AddedLine(number, line))
    return added


def whole_file_as_added(path: str, content: bytes) -> FileChange:
    """A file's content seen as one big addition (for `scan --all`), judged by content."""
    change = FileChange(path=path, status="added")
    if b"\0" in content[:8192] or content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = decode_text(content)
        if text is None:
            change.skipped = "binary file"
        else:
            change.added = added_between("", text)
        return change
    for number, raw in enumerate(content.split(b"\n"), start=1):
        _add_line(change, number, raw)
    if change.added and change.added[-1].text == "" and content.endswith(b"\n"):
        change.added.pop()
    return change
