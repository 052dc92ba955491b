"""The one place a secret's value becomes something printable.

`preview` names a value without revealing it; `Masker` replaces every copy of known secret
values (and every credential inside a URL) in a piece of text. The report's redactor
(`tightrope.redaction`) decides which values to mask; this module only knows how.
"""

from __future__ import annotations

from collections.abc import Iterable

from tightrope.charsets import ASCII_LETTERS, DIGITS
from tightrope.lazy_regex import lazy

# Public prefixes that identify a token's issuer (documented, identical in every token of
# that kind). A preview shows one of these, never a character of the random part.
_PUBLIC_PREFIXES = tuple(sorted((
    "gh" + "p_", "gh" + "o_", "gh" + "u_", "gh" + "s_", "gh" + "r_", "github" + "_pat_",
    "gl" + "pat-", "gl" + "dt-", "gl" + "rt-", "gl" + "ptt-", "gl" + "cbt-", "npm" + "_", "pypi" + "-",
    "sk" + "-proj-", "sk" + "-svcacct-", "sk" + "-admin-", "sk" + "-ant-api03-", "sk" + "-ant-admin01-",
    "sk" + "-or-v1-", "sk" + "-", "sk" + "_live_", "rk" + "_live_", "sk" + "_test_", "rk" + "_test_",
    "h" + "f_", "AK" + "IA", "AS" + "IA", "AI" + "za", "xox" + "b-", "xox" + "p-", "xox" + "a-", "xox" + "e-",
    "SG" + ".", "shp" + "at_", "shp" + "ss_", "shp" + "ca_", "dop" + "_v1_", "doo" + "_v1_", "dapi",
    "hv" + "s.", "gs" + "k_", "r8" + "_", "xa" + "i-", "lsv2" + "_pt_", "lsv2" + "_sk_", "ppl" + "x-",
    "pcs" + "k_", "HR" + "KU-", "sq0" + "csp-", "ey" + "J", "https://hooks.slack.com/services/",
), key=len, reverse=True))

TOKEN_CHARS = frozenset(ASCII_LETTERS + DIGITS + "_-")
BASE64_CHARS = TOKEN_CHARS | frozenset("+/")
_WORD_CHARS = frozenset(ASCII_LETTERS + DIGITS + "_")
SHORT = 16  # values shorter than this are masked only where they stand as a whole token
_EDGE_MIN = 4  # a cut-off copy at a snippet's edge is masked from this many characters on

# scheme://user:password@ — the password (or token) is masked, the user name is kept.
URL_CREDENTIAL = lazy(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"'`<>]*:(?P<password>[^\s/@\"'`<>]+)@")


def preview(secret: str) -> str:
    """A recognisable but useless name for a value: its public prefix if it has a known
    one (`ghp_`, `sk-proj-`), else nothing of it; always its length."""
    n = len(secret)
    for prefix in _PUBLIC_PREFIXES:
        if secret.startswith(prefix) and n - len(prefix) >= 8:
            return f"{prefix}… ({n} chars)"
    return f"… ({n} chars)"


def credential_run(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen text[start:end] to the whole credential-shaped run around it: the token
    alphabet (with `+` and `/` when the value is base64), a JWT's dots, `=` padding."""
    value = text[start:end]
    chars = BASE64_CHARS if any(c in "+/" for c in value) else TOKEN_CHARS
    dotted = "." in value or value.startswith("ey" + "J")
    n = len(text)
    while start > 0 and text[start - 1] in chars:
        start -= 1
    while end < n:
        c = text[end]
        if c in chars or (c == "." and dotted and end + 1 < n and text[end + 1] in chars):
            end += 1
        else:
            break
    pad = end
    while pad < n and pad - end < 2 and text[pad] == "=":
        pad += 1
    if pad > end and (pad == n or text[pad] not in _WORD_CHARS | {"="}):
        end = pad
    return start, end


def _whole_token(text: str, start: int, end: int) -> bool:
    """Not part of a longer word, dotted name or dashed name (`app.config`, `my-config`)."""
    joined = _WORD_CHARS | {".", "-"}
    return (start == 0 or text[start - 1] not in joined) and (end == len(text) or text[end] not in joined)


class Masker:
    """Masks every copy of the given values in a text, each widened to its credential run.

    A value shorter than SHORT is masked only where it stands as a whole token, so a
    6-letter password does not turn `app.config` into a mask. A copy cut off at the edge
    of a truncated snippet (with or without `…`) is masked too.
    """

    def __init__(self, values: Iterable[str]) -> None:
        self.values = sorted({v for v in values if v and v.strip()}, key=len, reverse=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for v in self.values:
            at = text.find(v)
            while at >= 0:
                end = at + len(v)
                if len(v) >= SHORT or _whole_token(text, at, end):
                    spans.append(credential_run(text, at, end))
                at = text.find(v, at + 1)
            if len(v) >= 2 * _EDGE_MIN:
                spans += _edge_spans(text, v)
        for m in URL_CREDENTIAL.finditer(text):
            spans.append(credential_run(text, *m.span("password")))
        return _merge(spans)

    def mask(self, text: str) -> str:
        if not text:
            return text
        out, pos = [], 0
        for start, end in self.spans(text):
            out += [text[pos:start], f"[{preview(text[start:end])}]"]
            pos = end
        return "".join(out) + text[pos:]


def _edge_spans(text: str, value: str) -> list[tuple[int, int]]:
    """In a snippet cut short: a prefix of `value` at its end, or a suffix of `value` at its
    start. After a `…` a short piece counts; without one, only a piece of 2 * _EDGE_MIN or
    more (a word like `pass` at the end of a text is not a cut password). The longest
    piece wins; only places where the piece's first character stands are tried."""
    spans = []
    cut_end, cut_start = text.endswith("…"), text.startswith("…")
    body = text[:-1] if cut_end else text
    least = _EDGE_MIN if cut_end else 2 * _EDGE_MIN
    at = body.find(value[0], max(0, len(body) - len(value) + 1))  # value[:k] would start here
    while at >= 0 and len(body) - at >= least:
        if value.startswith(body[at:]):
            spans.append(credential_run(body, at, len(body)))
            break
        at = body.find(value[0], at + 1)
    skip, least = (1, _EDGE_MIN) if cut_start else (0, 2 * _EDGE_MIN)
    if skip < len(text):
        cut = value.find(text[skip], max(1, len(value) - (len(text) - skip)))  # value[cut:] would be the piece
        while cut >= 0 and len(value) - cut >= least:
            if text.startswith(value[cut:], skip):
                spans.append(credential_run(text, skip, skip + len(value) - cut))
                break
            cut = value.find(text[skip], cut + 1)
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact_line(line: str, secret: str) -> str:
    """`line` with every copy of `secret` (widened to its credential run) masked."""
    return Masker([secret]).mask(line)
