"""One escaper per sink, for text that came from the change under review.

Paths, messages and snippets are untrusted: a file name can hold ESC sequences, CR, bidi
overrides or undecodable bytes (git paths are decoded with surrogateescape).
"""

from __future__ import annotations

import re

from tightrope.lazy_regex import lazy

# C0 controls, DEL, C1 controls, the Unicode bidi controls (Trojan Source), line/paragraph
# separators, lone surrogates (bytes that were not UTF-8) and U+FFFE/U+FFFF (XML cannot hold them).
_UNSAFE = lazy("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: "re.Match[str]") -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that surrogateescape carried: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def terminal(text: str) -> str:
    """`text` safe to print on a terminal: every control character becomes a visible escape."""
    return _UNSAFE.sub(_visible, text)


# What json.dumps(ensure_ascii=False) leaves raw inside strings (it escapes C0 itself; the
# output's own newlines are structural and must stay).
_JSON_UNSAFE = lazy("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _json_char(match: "re.Match[str]") -> str:
    ch = match.group()
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # not encodable as UTF-8; JSON consumers cannot use it either
    return f"\\u{code:04x}"


def json_dumps(data: object) -> str:
    """json.dumps(indent=2, ensure_ascii=False) that also escapes what the encoder leaves raw.

    The encoder escapes C0 controls itself; DEL, C1 controls, bidi controls and U+2028/9 are
    escaped here (they can only occur inside strings, so `\\uXXXX` keeps the JSON valid),
    and lone surrogates become U+FFFD so the output always encodes as UTF-8.
    """
    import json  # here: the text report (the hook's) needs no JSON

    return _JSON_UNSAFE.sub(_json_char, json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


# A line the GitHub runner (or Azure's) would read as a command: `::name ...::` or
# `##[name]`, after any indentation.
_COMMAND_LINE = lazy(r"^(\s*)(::|##\[)", re.MULTILINE)


def no_commands(text: str) -> str:
    """`text` with no line that a CI runner reads as a workflow command when it is printed.

    The first character of such a line is shown as a visible escape (`\\x3a:`, `\\x23#[`).
    """
    return _COMMAND_LINE.sub(lambda m: m.group(1) + f"\\x{ord(m.group(2)[0]):02x}" + m.group(2)[1:], text)


def workflow_data(*lines: str) -> str:
    """The message part of a GitHub workflow command (`::error ...::DATA`): one physical line,
    no commands. Each argument is one line of the message (`%0A` between them); a newline
    inside an argument is untrusted text and stays a visible escape."""
    return "%0A".join(terminal(line).replace("%", "%25") for line in lines)


def workflow_property(text: str) -> str:
    """A property value of a workflow command (`file=...,title=...`): also `:` and `,`."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# Every ASCII punctuation character CommonMark lets a backslash escape, except `&`, `<`
# and `>`, which become entities (raw HTML is what GitHub and GitLab would render).
_MD_PUNCT = lazy(r"""([\\`*_{}\[\]()#+\-.!|~:"'$=^?;,%])""")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown(text: str) -> str:
    """Inline Markdown that renders as the literal `text`: no emphasis, links, HTML, tables,
    headings, task lists, `@mention`s, `#123` references or workflow commands."""
    out = _MD_PUNCT.sub(r"\\\1", terminal(text))
    out = re.sub("[&<>]", lambda m: _HTML[m.group()], out)
    # GitHub and GitLab find @mentions in the rendered text, where an entity is already
    # decoded: a zero-width space after the @ (as Dependabot writes it) keeps it from matching.
    return out.replace("@", "@&#8203;")


def markdown_code(text: str) -> str:
    """`text` as an inline code span: nothing inside is interpreted (no HTML, no mentions)."""
    text = terminal(text)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"
