"""Tokens for the format catalogue, BUILT at run time from each entry's shape (valid
checks included), and the look-alikes: one character short, a broken checksum or payload,
a placeholder body. Shared by tests/test_catalog.py and bench/score_secrets.py."""

from __future__ import annotations

import base64
import json
import random

from tightrope.scan.detectors.token_table import ALPHABETS, B64Text, Bech32, Crc32Hex, Format, JsonPayload, Run, \
    bech32_polymod, parse_shape


def _run(run: Run, rng: random.Random, length: int | None = None, fill: str = "") -> str:
    n = run.lo if length is None else length
    return (fill or "") * n if fill else "".join(rng.choice(ALPHABETS[run.alphabet]) for _ in range(n))


def _b64(raw: bytes, run: Run) -> str:
    alphabet = ALPHABETS[run.alphabet]
    text = base64.b64encode(raw).decode() if "+" in alphabet else base64.urlsafe_b64encode(raw).decode()
    return text if "=" in alphabet else text.rstrip("=")


def _bech32(hrp: str, rng: random.Random) -> str:
    data = [rng.randrange(32) for _ in range(52)]
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data + [0] * 6
    mod = bech32_polymod(values) ^ 1
    data += [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "".join(ALPHABETS["bech"][d] for d in data)


def build(fmt: Format, seed: object = 0, short: bool = False, fill: str = "") -> str:
    """A token of the entry's shape with a valid check (`short`: then one character of
    the last run removed; `fill`: every run made of that character)."""
    rng = random.Random(f"catalog/{fmt.rule}/{fmt.shape}/{seed}")
    parts = parse_shape(fmt.shape)
    runs = [i for i, p in enumerate(parts) if isinstance(p, Run)]
    out = []
    for i, p in enumerate(parts):
        if isinstance(p, str):
            out.append(p)
        elif i == runs[0] and not fill and isinstance(fmt.check, (JsonPayload, B64Text)):
            if isinstance(fmt.check, JsonPayload):
                obj = {k: f"{rng.randrange(10**9)}" for k in fmt.check.keys}
                obj["pad"] = "".join(rng.choice(ALPHABETS["an"]) for _ in range(p.lo * 3 // 4))
                raw = json.dumps(obj).encode()
            else:
                raw = (fmt.check.starts + f"{rng.randrange(10**12)}-at-{rng.randrange(10**12)}:").encode() \
                    + bytes(rng.randrange(256) for _ in range(60))
            out.append(_b64(raw, p))
        elif isinstance(fmt.check, Bech32) and not fill:
            body = _bech32(fmt.prefix.lower()[:-1], rng)
            out.append(body.upper() if p.alphabet == "BECH" else body)
        else:
            out.append(_run(p, rng, None, fill))
    if isinstance(fmt.check, Crc32Hex) and not fill:
        out[runs[-1]] = fmt.check.checksum("".join(out[:runs[-1] - 1]))
    if short:
        out[runs[-1]] = out[runs[-1]][:-1]
    return "".join(out)


def broken(fmt: Format, token: str) -> str:
    """The same token with its checked part changed: the encoded payload's first bytes, or
    one character near the end (checksums)."""
    if isinstance(fmt.check, (JsonPayload, B64Text)):
        i = len(fmt.prefix)
        return token[:i] + "AAAA" + token[i + 4:]
    i = len(token) - 2
    c = token[i]
    return token[:i] + ("2" if c != "2" else "3") + token[i + 1:]


def needs_context(fmt: Format) -> bool:
    """A prefixed format whose keywords are words the line must hold, not part of the token."""
    return not fmt.names and bool(fmt.keywords) and not any(k in build(fmt).lower() for k in fmt.keywords)


def line_for(fmt: Format, token: str, name: str = "") -> str:
    if not name and fmt.names:
        name = fmt.names[0].upper()
    elif not name and needs_context(fmt):
        name = fmt.keywords[0].upper().replace("-", "_") + "_TOKEN"
    name = name or "value"
    return f'{name} = "{token}"'


def shortable(fmt: Format) -> bool:
    """False when the last run is an encoded payload: it has no fixed length, and its
    look-alike is the broken payload."""
    runs = [p for p in parse_shape(fmt.shape) if isinstance(p, Run)]
    return not (isinstance(fmt.check, (JsonPayload, B64Text)) and len(runs) == 1)
