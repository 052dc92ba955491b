"""One escaper per sink, for text that came from the change under review.

Paths, messages and snippets are untrusted: a file name can hold ESC sequences, CR, bidi
overrides or undecodable bytes (git paths are decoded with surrogateescape).
"""

from __future__ import annotations

import json
import re

# C0 controls, DEL, C1 controls, the Unicode bidi controls (Trojan Source), line/paragraph
# separators, and lone surrogates (bytes that were not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

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
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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
    return _JSON_UNSAFE.sub(_json_char, json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
