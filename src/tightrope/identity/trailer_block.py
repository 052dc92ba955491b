"""Find a commit message's trailers exactly as `git interpret-trailers --parse` does.

A port of git's trailer.c (find_end_of_log_message, ignored_log_message_bytes,
find_trailer_block_start, trailer_info_get, parse_trailers, unfold_value) with git's
default configuration: separator `:`, comment character `#`, a `---` line as the patch
divider, the scissors line, a trailing `Conflicts:` block. The first paragraph (the
subject) never holds trailers; the last paragraph is the trailer block when every line is
a trailer (or a continuation), or when it has a git-generated trailer (`Signed-off-by: `,
`(cherry picked from commit `) and at least 25% of its lines are trailers.

Every step is one left-to-right or right-to-left pass over the lines, with no regular
expressions: linear in the message's length. tests/test_trailer_parsing.py checks it
against real git on tricky messages.
"""

from __future__ import annotations

from dataclasses import dataclass

_SPACE = " \t\n\v\f\r"  # C isspace() in the C locale
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_CUT = "\n# ------------------------ >8 ------------------------\n"
_COMMENT = "#"


@dataclass(frozen=True)
class Entry:
    """One line (with its continuation lines) of the trailer block."""

    text: str  # as written, continuation lines joined with "\n"
    line: int  # 1-based line number in the message
    separator: int  # index of ':' in text, -1 when the entry is not a trailer

    @property
    def key(self) -> str:
        return self.text[: self.separator].strip(_SPACE)

    @property
    def value(self) -> str:
        return _unfold(self.text[self.separator + 1:].strip(_SPACE))


def is_empty(message: str) -> bool:
    """True when the message says nothing once git's cleanup drops comment lines and
    everything below the scissors line: git would abort the commit as empty."""
    body = ("\n" + message).split(_CUT, 1)[0]
    return all(not line.strip(_SPACE) or line.startswith(_COMMENT) for line in body.splitlines())


def separator(line: str) -> int:
    """git's find_separator: `Key:` or `Key  :` (token chars, then optional blanks)."""
    blank = False
    for i, c in enumerate(line):
        if c == ":":
            return i
        if not blank and c in _KEY_CHARS:
            continue
        if i and c in " \t":
            blank = True
            continue
        break
    return -1


def _unfold(value: str) -> str:
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        i += 1
        if c == "\n":
            while i < n and value[i] in _SPACE:
                i += 1
            out.append(" ")
        else:
            out.append(c)
    return "".join(out).strip(_SPACE)


def _line_starts(buf: str, end: int) -> list[int]:
    starts = [0] if end else []
    pos = buf.find("\n", 0, end)
    while pos != -1 and pos + 1 < end:
        starts.append(pos + 1)
        pos = buf.find("\n", pos + 1, end)
    return starts


def _line(buf: str, start: int) -> str:
    nl = buf.find("\n", start)
    return buf[start:] if nl == -1 else buf[start:nl]


def _blank(text: str) -> bool:
    return not text.strip(_SPACE)


def _end_of_message(buf: str) -> int:
    """Up to the `---` divider, less the trailing comments, blank lines and Conflicts block."""
    end = len(buf)
    for s in _line_starts(buf, end):
        if buf.startswith("---", s) and s + 3 < len(buf) and buf[s + 3] in _SPACE:
            end = s
            break
    return end - _ignored_bytes(buf, end)


def _ignored_bytes(buf: str, length: int) -> int:
    """git's ignored_log_message_bytes (quirks included: a comment run at offset 0 is not one)."""
    if buf.startswith(_CUT[1:]):
        cutoff = 0
    else:
        at = buf.find(_CUT, 0, length + len(_CUT))
        cutoff = at + 1 if at != -1 and at < length else length
    boc = 0
    in_conflicts = False
    bol = 0
    while bol < cutoff:
        nl = buf.find("\n", bol, length)
        next_bol = length if nl == -1 else nl + 1
        if buf.startswith(_COMMENT, bol) or buf[bol] == "\n":
            boc = boc or bol
        elif buf.startswith("Conflicts:\n", bol):
            in_conflicts = True
            boc = boc or bol
        elif in_conflicts and buf[bol] == "\t":
            pass
        elif boc:
            boc = 0
            in_conflicts = False
        bol = next_bol
    return length - boc if boc else length - cutoff


def _block_start(buf: str, end: int) -> int:
    """git's find_trailer_block_start on buf[:end]; `end` when there is no trailer block."""
    starts = _line_starts(buf, end)
    end_of_title = end
    for s in starts:
        if buf.startswith(_COMMENT, s):
            continue
        if _blank(_line(buf, s)):
            end_of_title = s
            break
    only_spaces = True
    recognized = False
    trailer_lines = non_trailer_lines = possible_continuations = 0
    for s in reversed(starts):
        if s < end_of_title:
            break
        text = _line(buf, s)
        if text.startswith(_COMMENT):
            non_trailer_lines += possible_continuations
            possible_continuations = 0
            continue
        if _blank(text):
            if only_spaces:
                continue
            non_trailer_lines += possible_continuations
            after = buf.find("\n", s)
            start = end if after == -1 else after + 1
            if recognized and trailer_lines * 3 >= non_trailer_lines:
                return start
            if trailer_lines and not non_trailer_lines:
                return start
            return end
        only_spaces = False
        if text.startswith(_GIT_GENERATED):
            trailer_lines += 1
            possible_continuations = 0
            recognized = True
            continue
        if separator(text) >= 1 and text[0] not in _SPACE:
            trailer_lines += 1
            possible_continuations = 0
        elif text[:1] and text[0] in _SPACE:
            possible_continuations += 1
        else:
            non_trailer_lines += 1 + possible_continuations
            possible_continuations = 0
    return end


def block(message: str) -> list[Entry]:
    """The entries of the message's trailer block (comment lines left out), in order."""
    end = _end_of_message(message)
    start = _block_start(message, end)
    if start >= end:
        return []
    first_line = message.count("\n", 0, start) + 1
    entries: list[Entry] = []
    last_is_trailer = False
    lines = message[start:end].split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline that ends the last line
    for offset, text in enumerate(lines):
        if last_is_trailer and text[:1] and text[0] in _SPACE:
            prev = entries[-1]
            entries[-1] = Entry(prev.text + "\n" + text, prev.line, prev.separator)
            continue
        sep = separator(text)
        entries.append(Entry(text, first_line + offset, sep))
        last_is_trailer = sep >= 1
    return [e for e in entries if not e.text.startswith(_COMMENT)]
