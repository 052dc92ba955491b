"""A credential is still a credential when a config format encodes it.

    gates(text) -> Gates            (cheap: which encodings a file's added text can hold)
    views(texts, gates) -> dict[int, View]

For each added line whose value a config format encodes, the text(s) the secrets scanner
reads in its place: base64 values of a Kubernetes `Secret`'s `data:` (the decoded value
under its key's name), base64 of a JWT or of a PEM block anywhere (runs that start with
the base64 of `eyJ` or of `-----BEGIN `: nothing else is decoded), percent-encoded URLs,
JSON string escapes (`\\/`, `\\u002f`), and a YAML block scalar's single line (`token: |`
then the value, read as `token: <value>`).
Findings stay on the encoded line. One layer only (a view is never decoded again), values
over MAX_VALUE characters are not decoded, and a view's text is never printed: the
scanner reports decoded findings without a preview and redacts `View.encoded`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from tightrope.lazy_regex import lazy
from tightrope.records import RecordTuple

MAX_VALUE = 8192  # characters of an encoded value that are decoded
MAX_LINES = 50  # lines of one decoded value that are scanned


class View(RecordTuple):
    texts: tuple[str, ...]  # what to scan instead of the line (never printed)
    encoded: tuple[str, ...]  # the encoded parts of the original line, to redact
    how: str  # for the message: "base64", "percent-encoding", "JSON escapes", "YAML block scalar"


_DOC_SEP = lazy(r"^---\s*$")
_KIND_SECRET = lazy(r"^kind:\s*[\"']?Secret[\"']?\s*$")
_DATA = lazy(r"^(\s*)data:\s*$")
_DATA_ENTRY = lazy(r"^(\s+)(?P<key>[\w.-]+):\s*[\"']?(?P<value>[A-Za-z0-9+/]{8,}={0,2})[\"']?\s*$")
_PERCENT = lazy(r"%[0-9A-Fa-f]{2}")
_URL = lazy(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_JSON_STRING = lazy(r'"((?:[^"\\]|\\.)*\\(?:/|u[0-9a-fA-F]{4})(?:[^"\\]|\\.)*)"')
_JSON_ESCAPE = lazy(r"\\(?:u([0-9a-fA-F]{4})|(/))")
_BLOCK = lazy(r"^(\s*)(?:-\s+)?(?P<key>[\w.-]+):\s*[|>][-+0-9]*\s*$")
# base64 of `eyJ` (a JWT) and of `-----BEGIN ` (a PEM block), standard or URL-safe alphabet
_B64_MARKERS = ("ZXlK", "LS0tLS1CRUdJTi")
_B64_BLOB = lazy(r"(?<![A-Za-z0-9+/_-])(?:ZXlK|LS0tLS1CRUdJTi)[A-Za-z0-9+/_-]{16,}={0,2}")


Gates = tuple[bool, ...]  # (Kubernetes Secret data, YAML block scalars, percent-encoding, JSON escapes,
#                           base64 JWT/PEM), or () for none


def gates(text: str | bytes) -> Gates:
    """A cheap look at a file's added text (or the raw bytes of its hunks): which encodings
    could a line hold? (Substring searches only, the rarest literal first: no regex to compile.)"""
    kind = type(text)
    has = (lambda lit: lit.encode() in text) if kind is bytes else (lambda lit: lit in text)
    found = ((has("data:") and has("Secret") and has("kind")), (has(": |") or has(": >")),
             (has("://") and has("%")), (has("\\/") or has("\\u")), any(map(has, _B64_MARKERS)))
    return found if any(found) else ()


def views(texts: Sequence[str], gates: Gates) -> dict[int, View]:
    """`texts`: the added lines; `gates`: `gates()` of the same lines joined by newlines."""
    out: dict[int, View] = {}
    if not gates:
        return out
    k8s, blocks, percent, json_escapes, b64_blobs = gates
    if k8s:
        _kubernetes_secret_data(texts, out)
    if blocks:
        _yaml_block_scalars(texts, out)
    if percent or json_escapes or b64_blobs:
        for i, line in enumerate(texts):
            view = None if i in out else line_view(line, gates)
            if view:
                out[i] = view
    return out


def line_view(line: str, gates: Gates) -> View | None:
    """The view of one line that needs no other line (percent-encoding, JSON escapes, base64
    of a JWT or PEM block)."""
    if len(line) > MAX_VALUE:
        return None
    _, _, percent, json_escapes, b64_blobs = gates
    return (_percent_encoded(line) if percent and "%" in line and "://" in line else None) or \
        (_json_escaped(line) if json_escapes and "\\" in line else None) or \
        (_base64_blobs(line) if b64_blobs and any(m in line for m in _B64_MARKERS) else None)


# literals one of which a line that `line_view` decodes contains, lower-cased (the secrets
# prefilter reads lower-cased text; `line_view` checks the base64 markers' case itself)
LINE_MARKERS = ("://", "\\/", "\\u", *(m.lower() for m in _B64_MARKERS))


def _kubernetes_secret_data(texts: Sequence[str], out: dict[int, View]) -> None:
    """`data:` entries of YAML documents whose `kind:` is `Secret`."""
    start = 0
    for end in [i for i, t in enumerate(texts) if _DOC_SEP.match(t)] + [len(texts)]:
        doc = range(start, end)
        start = end + 1
        if not any(_KIND_SECRET.match(texts[i]) for i in doc):
            continue
        data_indent = None
        for i in doc:
            text = texts[i]
            header = _DATA.match(text)
            if header:
                data_indent = len(header.group(1))
                continue
            if data_indent is None:
                continue
            entry = _DATA_ENTRY.match(text)
            if not entry or len(entry.group(1)) <= data_indent:
                if text.strip() and len(text) - len(text.lstrip()) <= data_indent:
                    data_indent = None  # the data: mapping ended
                continue
            decoded = _b64_text(entry["value"])
            if decoded:
                lines = decoded.splitlines()[:MAX_LINES]
                first = f"{entry['key']}: {lines[0]}" if lines else ""
                out[i] = View((first, *lines[1:]), (entry["value"],), "base64")


def _b64_text(value: str) -> str | None:
    """The decoded text of a base64 value, or None if it is not base64 of printable text."""
    if len(value) > MAX_VALUE:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not text.strip() or any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None
    return text


def _base64_blobs(line: str) -> View | None:
    """Base64 runs that decode to a JWT or a PEM block (a token or key in an env file, a
    Helm value, a CI variable): the decoded text, line by line."""
    found = []
    for blob in _B64_BLOB.findall(line):
        std = blob.rstrip("=").replace("-", "+").replace("_", "/")
        decoded = _b64_text(std + "=" * (-len(std) % 4))
        if decoded:
            found.append((blob, decoded))
    if not found:
        return None
    lines = [text for _, decoded in found for text in decoded.splitlines()][:MAX_LINES]
    return View(tuple(lines), tuple(blob for blob, _ in found), "base64")


def _yaml_block_scalars(texts: Sequence[str], out: dict[int, View]) -> None:
    """`key: |` with exactly one value line: read that line as `key: <value>`."""
    for i, text in enumerate(texts):
        m = _BLOCK.match(text) if (": |" in text or ": >" in text) else None
        if not m:
            continue
        indent = len(m.group(1))
        body = []
        j = i + 1
        while j < len(texts) and (not texts[j].strip() or len(texts[j]) - len(texts[j].lstrip()) > indent):
            if texts[j].strip():
                body.append(j)
            j += 1
        if len(body) == 1 and body[0] not in out and len(texts[body[0]]) <= MAX_VALUE:
            value = texts[body[0]].strip()
            out[body[0]] = View((f"{m['key']}: {value}",), (value,), "YAML block scalar")


def _percent_encoded(text: str) -> View | None:
    urls = [u for u in _URL.findall(text) if _PERCENT.search(u)]
    if not urls:
        return None
    from urllib.parse import unquote  # only for a line with a percent-encoded URL
    decoded = unquote(text)
    return View((decoded,), tuple(urls), "percent-encoding") if decoded != text else None


def _json_escaped(text: str) -> View | None:
    strings = _JSON_STRING.findall(text)
    if not strings:
        return None

    def unescape(m: re.Match) -> str:
        return "/" if m.group(2) else chr(int(m.group(1), 16))

    decoded = _JSON_ESCAPE.sub(unescape, text)
    return View((decoded,), tuple(strings), "JSON escapes") if decoded != text else None
