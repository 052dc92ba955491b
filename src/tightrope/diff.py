"""Unified diff -> files -> added lines. Pure: bytes in, data out.

Reads `git diff` output (with `diff --git` headers) and plain `diff -u` output.
Only what a change *adds* is kept; renames carry no added lines unless edited.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence

from tightrope.lazy_regex import lazy
from tightrope.records import Record, RecordTuple, TYPE_CHECKING

_HUNK = re.compile(rb"^@@ -\d+(?:,(?P<old>\d+))? \+(?P<new>\d+)(?:,(?P<count>\d+))? @@")
_SUBMODULE_MODE = b"160000"
_PLUS, _MINUS, _NOTE = 43, 45, 92  # "+", "-", "\" (a hunk's "\ No newline at end of file")
if TYPE_CHECKING:  # pragma: no cover
    from typing import TypeVar, overload

    T = TypeVar("T")
else:
    def overload(func):  # typing.overload's runtime part (none) without importing typing
        return func


class AddedLine(RecordTuple):  # a tuple: one per line a scanner reads, no __dict__
    number: int  # 1-based line number in the new file
    text: str


def _decode(raw: bytes) -> str:
    raw = raw.rstrip(b"\r")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _numbered(buf: bytes | bytearray, a: int, b: int) -> int:
    """How many lines starting in buf[a:b] (a at a line start) take a new-file number:
    all but removed lines and notes."""
    if a >= b:
        return 0
    return (buf.count(b"\n", a, b) - buf.count(b"\n-", a, b) - buf.count(b"\n\\", a, b)
            - (buf[a] in (_MINUS, _NOTE)))


class AddedLines(Sequence[AddedLine]):
    """A file's added lines as the diff holds them: the raw bytes of its hunks (lines that
    start with `+`, `-`, ` ` or `\\`; shared with the diff, not copied) and the new-file
    number each hunk starts at. Nothing is decoded until read, and a scanner reads only
    the lines its prefilter hits (`hits`, then `line`, `text`, `after`, `before` on a
    line's handle), so a large diff costs its own size in memory and no work per line.
    Built from lines (`add`), it keeps the same form in a buffer of its own."""

    __slots__ = ("_buf", "_hunks", "_count", "_index", "_cursor", "_next")

    def __init__(self, lines: Iterable[AddedLine] = ()) -> None:
        self._buf: bytes | bytearray = bytearray()
        self._hunks: list[tuple[int, int, int]] = []  # (start, end, new-file number of its first line)
        self._count = 0
        self._index: array | None = None  # each added line's handle, for reads by index
        self._cursor = (-1, 0, 0)  # (hunk, line start, its number): where numbering resumes
        self._next = 0  # the number after the last line `add` appended
        for line in lines:
            self.append(line)

    @classmethod
    def of_hunks(cls, buf: bytes, hunks: list[tuple[int, int, int]]) -> "AddedLines":
        """The added lines of `hunks` (start, end, new-file number at start) of a diff `buf`."""
        new = cls()
        new._buf, new._hunks = buf, hunks
        new._count = sum((buf[s] == _PLUS) + buf.count(b"\n+", s, e) for s, e, _ in hunks if s < e)
        return new

    def append(self, line: AddedLine) -> None:
        self.add(line.number, line.text)

    def add(self, number: int, text: str) -> None:
        buf = self._own()
        start = len(buf)
        follows = bool(self._hunks) and self._hunks[-1][1] == start and number == self._next
        buf += b"+" + text.encode("utf-8", "surrogateescape") + b"\n"
        if follows:
            self._hunks[-1] = (self._hunks[-1][0], len(buf), self._hunks[-1][2])
        else:
            self._hunks.append((start, len(buf), number))
        self._count += 1
        self._index, self._next = None, number + 1

    def pop(self) -> AddedLine:
        last = self[-1]
        buf = self._own()
        at = self._handles()[-1]
        del buf[at:]
        begin, _, first = self._hunks[-1]
        if begin == at:
            self._hunks.pop()
        else:
            self._hunks[-1] = (begin, at, first)
        self._count -= 1
        self._index, self._cursor, self._next = None, (-1, 0, 0), last.number
        return last

    def _own(self) -> bytearray:
        """A buffer of this object's own that holds only added lines (for `add` and `pop`)."""
        if not isinstance(self._buf, bytearray):
            lines = list(self)
            self._buf, self._hunks, self._count, self._index, self._cursor = bytearray(), [], 0, None, (-1, 0, 0)
            for line in lines:
                self.append(line)
        return self._buf  # type: ignore[return-value]

    # ------------------------------------------------------------ reads by handle

    def hits(self, find: Callable[[bytes], Iterable[tuple[int, T]]]) -> dict[int, list[T]]:
        """Run `find` once over the raw bytes that hold this file's hunks (removed and context
        lines too) and keep what it reports at a position inside an added line:
        {line handle: [what `find` reported on that line]}, in line order."""
        if not self._hunks:
            return {}
        buf, first = self._buf, self._hunks[0][0]
        out: dict[int, list[T]] = {}
        for pos, tag in find(bytes(buf[first:self._hunks[-1][1]])):
            start = buf.rfind(b"\n", first, first + pos) + 1 or first
            if start in out:
                out[start].append(tag)
            elif buf[start] == _PLUS and start < self._hunk(start)[1]:
                out[start] = [tag]
        return dict(sorted(out.items()))

    def _hunk(self, handle: int) -> tuple[int, int, int]:
        return self._hunks[bisect_right(self._hunks, handle, key=lambda h: h[0]) - 1]

    def text_at(self, handle: int) -> str:
        end = self._buf.find(b"\n", handle)
        return _decode(bytes(self._buf[handle + 1:end if end >= 0 else len(self._buf)]))

    def line(self, handle: int) -> AddedLine:
        """The added line at `handle`. Its number is counted on from the last line read in
        the same hunk, so reading hits in order costs one pass over a hunk."""
        h, at, number = self._cursor
        if h < 0 or not (at <= handle < self._hunks[h][1]):
            h = bisect_right(self._hunks, handle, key=lambda x: x[0]) - 1
            at, _, number = self._hunks[h]
        number += _numbered(self._buf, at, handle)
        self._cursor = (h, handle, number)
        return AddedLine(number, self.text_at(handle))

    def after(self, handle: int) -> int | None:
        """The handle of the added line numbered right after this one in the same hunk (git
        never writes two hunks whose lines meet), or None."""
        buf, end = self._buf, self._hunk(handle)[1]
        at = buf.find(b"\n", handle) + 1
        while 0 < at < end:
            if buf[at] == _PLUS:
                return at
            if buf[at] not in (_MINUS, _NOTE):
                return None
            at = buf.find(b"\n", at) + 1
        return None

    def before(self, handle: int) -> Iterator[int]:
        """Handles of the added lines numbered right before this one, nearest first."""
        buf, start = self._buf, self._hunk(handle)[0]
        at = handle
        while at > start:
            at = buf.rfind(b"\n", start, at - 1) + 1 or start
            if buf[at] == _PLUS:
                yield at
            elif buf[at] not in (_MINUS, _NOTE):
                return

    def undecodable(self) -> int:
        """How many added lines are not UTF-8 (read with U+FFFD)."""
        buf, bad = self._buf, 0
        if not self._hunks or bytes(buf[self._hunks[0][0]:self._hunks[-1][1]]).isascii():
            return 0
        for start, end, _ in self._hunks:
            chunk = bytes(buf[start:end])
            try:
                chunk.decode("utf-8")
                continue
            except UnicodeDecodeError:
                pass
            for raw in chunk.split(b"\n"):
                if raw[:1] == b"+":
                    try:
                        raw[1:].rstrip(b"\r").decode("utf-8")
                    except UnicodeDecodeError:
                        bad += 1
        return bad

    def _handles(self) -> array:
        if self._index is None:
            index = array("Q")
            buf = self._buf
            for start, end, _ in self._hunks:
                at = start
                while at < end:
                    if buf[at] == _PLUS:
                        index.append(at)
                    nl = buf.find(b"\n", at, end)
                    at = end if nl < 0 else nl + 1
            self._index = index
        return self._index

    # ------------------------------------------------------------ the sequence

    @property
    def text(self) -> str:
        """Every added line, joined with newlines."""
        return "\n".join(a.text for a in self)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> AddedLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[AddedLine]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("added line index out of range")
        return self.line(self._handles()[i])

    def __iter__(self) -> Iterator[AddedLine]:
        buf = self._buf
        for start, end, number in self._hunks:
            chunk = bytes(buf[start:end])
            raw_lines = chunk.split(b"\n")
            if chunk.endswith(b"\n"):
                raw_lines.pop()
            for raw in raw_lines:
                tag = raw[:1]
                if tag == b"+":
                    yield AddedLine(number, _decode(raw[1:]))
                    number += 1
                elif tag not in (b"-", b"\\"):
                    number += 1

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (AddedLines, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"AddedLines({list(self)!r})"


class FileChange(Record):
    """One file of a change; the diff parser fills it in as it reads the file's headers."""

    __slots__ = ("path", "status", "old_path", "added", "skipped", "undecodable_lines", "old_blob", "blob")

    def __init__(self, path: str, status: str = "modified", old_path: str = "", added: AddedLines | None = None,
                 skipped: str = "", undecodable_lines: int = 0, old_blob: str = "", blob: str = "") -> None:
        self.path = path  # new path ("" never; for deletions, the old path)
        self.status = status  # added | modified | deleted | renamed | copied
        self.old_path = old_path
        self.added: AddedLines = AddedLines() if added is None else added
        self.skipped = skipped  # why this file's content was not scanned ("binary file", …)
        self.undecodable_lines = undecodable_lines  # lines that were not UTF-8 (decoded with U+FFFD)
        self.old_blob = old_blob  # blob ids from the `index` line (`git diff --full-index`)
        self.blob = blob

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
    line that reads `--- x` is never mistaken for a file header. A hunk's lines are not
    read one by one: its end is found with byte counts (`_hunk_end`), and its bytes become
    the file's `AddedLines` as they are."""
    files: list[FileChange] = []
    current: FileChange | None = None
    hunks: list[tuple[int, int, int]] = []
    in_git_header = False  # between `diff --git` and its first hunk
    minus: bytes | None = None  # a `--- ` line outside a hunk: a file header if `+++ ` follows
    pos, size = 0, len(data)
    next_file = -1  # where the next `diff ` line starts (found once per file, not per hunk)

    def close() -> None:
        if current is not None and hunks:
            current.added = AddedLines.of_hunks(data, hunks)
            current.undecodable_lines = current.added.undecodable()

    while pos < size:
        nl = data.find(b"\n", pos)
        end = size if nl < 0 else nl
        line, pos = data[pos:end], end + 1
        if minus is not None and line.startswith(b"+++ "):
            old, new, minus = _path_from_marker(minus), _path_from_marker(line), None
            if not in_git_header:
                # a plain `diff -u` section without a `diff --git` header
                close()
                current, hunks = FileChange(path=new or old or "", old_path=old or ""), []
                files.append(current)
            assert current is not None
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
            close()
            current, hunks = FileChange(path=new, old_path=old), []
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
                old_count = int(m["old"]) if m["old"] is not None else 1
                new_count = int(m["count"]) if m["count"] is not None else 1
                start = pos = min(pos, size)
                if next_file < pos:
                    next_file = data.find(b"\ndiff ", pos - 1) + 1 or size
                pos = _hunk_end(data, start, next_file, old_count, new_count)
                if start < pos:
                    hunks.append((start, pos, int(m["new"])))
        else:
            _header_line(current, line.rstrip(b"\r"))
    close()
    return files


def _hunk_end(data: bytes, start: int, next_file: int, old: int, new: int) -> int:
    """Where the hunk whose lines start at `start` ends. git's own output ends a hunk at
    the next hunk or file header (no hunk line starts with `@@` or `diff `), so the lines
    up to there are counted in bytes; trailing lines that are not the hunk's (a plain
    diff's next `--- `/`+++ ` header, `git log`'s commit header) are dropped from the
    end while the counts are over. Only a hunk shorter than its header says is walked
    line by line, the way a line-by-line reader would."""
    end = min(data.find(b"\n@@", start - 1, next_file) + 1 or next_file, next_file)
    minus_ctx, plus_ctx = _counts(data, start, end)
    while (minus_ctx > old or plus_ctx > new) and end > start:  # drop lines from the end
        last = data.rfind(b"\n", start, end - 1) + 1 or start
        tag = data[last]
        minus_ctx -= tag != _PLUS and tag != _NOTE
        plus_ctx -= tag != _MINUS and tag != _NOTE
        end = last
    if minus_ctx == old and plus_ctx == new:
        return end
    at, old_left, new_left = start, old, new  # malformed counts: read as far as they say
    while at < len(data) and (old_left > 0 or new_left > 0):
        tag = data[at]
        old_left -= tag != _PLUS and tag != _NOTE
        new_left -= tag != _MINUS and tag != _NOTE
        nl = data.find(b"\n", at)
        at = len(data) if nl < 0 else nl + 1
    return at


def _counts(data: bytes, start: int, end: int) -> tuple[int, int]:
    """(lines an old file has, lines a new file has) among the hunk lines data[start:end]."""
    if start >= end:
        return 0, 0
    lines = data.count(b"\n", start, end) + (not data.endswith(b"\n", start, end))
    plus = data.count(b"\n+", start, end) + (data[start] == _PLUS)
    minus = data.count(b"\n-", start, end) + (data[start] == _MINUS)
    notes = data.count(b"\n\\", start, end) + (data[start] == _NOTE)
    return lines - plus - notes, lines - minus - notes


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
_CONTROL = lazy(r"[\x00-\x08\x0e-\x1f\x7f]")


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
            change.added = AddedLines(added_between("", text))
        return change
    body = content[:-1] if content.endswith(b"\n") else content
    change.added = AddedLines.of_hunks(b"+" + body.replace(b"\n", b"\n+") + b"\n", [(0, len(body) + body.count(b"\n") + 2, 1)])
    change.undecodable_lines = change.added.undecodable()
    return change
