"""Every entry of the format catalogue: a valid token built at run time is reported under
the entry's rule; look-alikes (one character short, a broken checksum, a placeholder body,
the value under an unrelated name) are not. Nothing key-shaped is written in this file:
tokens come from the entries' shapes."""

from __future__ import annotations

import base64
import json
import random

import pytest

from tightrope.diff import whole_file_as_added
from tightrope.findings import Confidence
from tightrope.scan import secrets
from tightrope.scan.detectors import ALL, Verdict
from tightrope.scan.detectors.catalog import FORMATS
from tightrope.scan.detectors.token_table import (ALPHABETS, B64Text, Bech32, Crc32Hex, Format, JsonPayload, Run,
                                                  bech32_polymod, parse_shape)

IDS = [f"{f.rule}:{f.shape[:24]}" for f in FORMATS]


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
        out[runs[-1]] = f"{secrets_crc(''.join(out[:runs[-1] - 1])):08x}"
    if short:
        out[runs[-1]] = out[runs[-1]][:-1]
    return "".join(out)


def secrets_crc(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode()) & 0xFFFFFFFF


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


def found(line: str, path: str = "config/settings.py") -> list:
    return secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)


def rules_in(line: str) -> set[str]:
    return {f.rule_id for f in found(line)}


# ------------------------------------------------------------------ the table itself

def test_catalogue_is_registered_and_well_formed():
    ours = {id(d) for d in ALL}
    from tightrope.scan.detectors import catalog

    assert all(id(d) in ours for d in catalog.DETECTORS)
    assert len(FORMATS) >= 150
    for f in FORMATS:
        assert f.revoke and f.title and (f.prefix or f.names or f.keywords), f.rule
        for k in f.detector().keywords:
            assert k == k.lower() and (len(k) >= 3 or not k.isalnum()), (f.rule, k)


def test_keywords_reach_the_prefilter():
    rx = secrets.prefilter()
    for f in FORMATS:
        for k in f.detector().keywords:
            assert rx.search("zz " + k + " zz"), k


# ------------------------------------------------------------------ every entry

@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_valid_token_is_reported(fmt: Format):
    token = build(fmt)
    det = fmt.detector()
    assert det.pattern.fullmatch(token) or det.pattern.search(line_for(fmt, token)), token[:8]
    if fmt.check is not None:
        assert fmt.check(token) is Verdict.VALID
    hits = [f for f in found(line_for(fmt, token)) if f.rule_id == "secret." + fmt.rule]
    assert hits, f"{fmt.rule} not reported"
    assert hits[0].blocking and token not in hits[0].snippet and token not in hits[0].message
    expected = Confidence.HIGH if (fmt.check or not fmt.names) else Confidence.MEDIUM
    assert hits[0].confidence is expected


def _payload_is_last(fmt: Format) -> bool:
    runs = [p for p in parse_shape(fmt.shape) if isinstance(p, Run)]
    return isinstance(fmt.check, (JsonPayload, B64Text)) and len(runs) == 1


# an encoded payload has no fixed length: its look-alike is the broken-structure test
SHORTABLE = [f for f in FORMATS if not _payload_is_last(f)]


@pytest.mark.parametrize("fmt", SHORTABLE, ids=[i for i, f in zip(IDS, FORMATS) if not _payload_is_last(f)])
def test_one_character_short_is_not_reported(fmt: Format):
    assert "secret." + fmt.rule not in rules_in(line_for(fmt, build(fmt, short=True)))


@pytest.mark.parametrize("fmt", FORMATS, ids=IDS)
def test_placeholder_body_is_not_reported(fmt: Format):
    for fill in ("x", "0"):
        token = build(fmt, fill=fill)
        if not fmt.detector().pattern.search(line_for(fmt, token)):
            continue  # the filler is not in the alphabet: the regex alone rejects it
        assert "secret." + fmt.rule not in rules_in(line_for(fmt, token)), fill


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.check], ids=[i for i, f in zip(IDS, FORMATS) if f.check])
def test_wrong_checksum_or_structure_is_rejected(fmt: Format):
    for seed in range(5):
        bad = broken(fmt, build(fmt, seed=seed))
        assert fmt.check(bad) is Verdict.INVALID
        assert "secret." + fmt.rule not in rules_in(line_for(fmt, bad))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.names], ids=[i for i, f in zip(IDS, FORMATS) if f.names])
def test_prefixless_value_needs_its_name(fmt: Format):
    token = build(fmt)
    assert "secret." + fmt.rule not in rules_in(line_for(fmt, token, name="CACHE_BUSTER"))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if needs_context(f)],
                         ids=[i for i, f in zip(IDS, FORMATS) if needs_context(f)])
def test_context_keyword_is_required(fmt: Format):
    assert "secret." + fmt.rule not in rules_in(line_for(fmt, build(fmt), name="CACHE_BUSTER"))
