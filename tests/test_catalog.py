"""Every entry of the format catalogue: a valid token built at run time is reported under
the entry's rule; look-alikes (one character short, a broken checksum, a placeholder body,
the value under an unrelated name) are not. Nothing key-shaped is written in this file:
tokens come from the entries' shapes."""

from __future__ import annotations

import pytest

from tightrope.diff import whole_file_as_added
from tightrope.findings import Confidence
from tightrope.redact import SHORT
from tightrope.scan import secrets
from tightrope.scan.detectors import ALL, Verdict
from tightrope.scan.detectors.catalog import FORMATS
from tightrope.scan.detectors.token_table import Format

from catalog_tokens import broken, build, line_for, needs_context, shortable

IDS = [f"{f.rule}:{f.shape[:24]}" for f in FORMATS]


def found(line: str, path: str = "config/settings.py") -> list:
    return secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)


def rules_in(line: str) -> set[str]:
    return {f.rule_id for f in found(line)}


# ------------------------------------------------------------------ the table itself

def test_catalogue_is_registered_and_well_formed():
    assert {("secret." + f.rule, f.title) for f in FORMATS} <= {(d.rule_id, d.title) for d in ALL}
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


@pytest.mark.parametrize("fmt", [f for f in FORMATS if shortable(f)], ids=[i for i, f in zip(IDS, FORMATS) if shortable(f)])
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


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.names], ids=[i for i, f in zip(IDS, FORMATS) if f.names])
def test_a_name_ending_in_id_holds_an_identifier(fmt: Format):
    """FOURSQUARE_CLIENT_ID, anypointOrgId: the same value under the vendor's `…_ID` name is not its secret."""
    token = build(fmt)
    base = fmt.names[0].upper()
    assert "secret." + fmt.rule in rules_in(line_for(fmt, token, name=base + "_SECRET"))
    for name in (base + "_CLIENT_ID", base + "_PROJECT_ID", fmt.names[0].lower() + "OrgId"):
        assert "secret." + fmt.rule not in rules_in(line_for(fmt, token, name=name)), name


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.names], ids=[i for i, f in zip(IDS, FORMATS) if f.names])
def test_the_vendor_name_starts_a_word(fmt: Format):
    """AUDD_API_KEY is no Datadog `dd_api`; myDatadogApiKey (camelCase) is Datadog's."""
    token = build(fmt)
    camel = "my" + "".join(w.capitalize() for w in fmt.names[0].split("_"))
    assert "secret." + fmt.rule in rules_in(line_for(fmt, token, name=camel)), camel
    assert "secret." + fmt.rule not in rules_in(line_for(fmt, token, name="ZQ" + fmt.names[0].upper()))


SHORT_FORMATS = [f for f in FORMATS if f.max_len < SHORT]


@pytest.mark.parametrize("fmt", SHORT_FORMATS, ids=[f"{f.rule}:{f.shape[:24]}" for f in SHORT_FORMATS])
def test_a_value_too_short_to_mask_in_a_run_is_reported_only_whole(fmt: Format):
    """The masker hides a value shorter than redact.SHORT only where it stands whole; a
    finding on `…"<value>.c2ln"` would show it in the snippet."""
    token = build(fmt)
    assert "secret." + fmt.rule in rules_in(line_for(fmt, token))
    assert "secret." + fmt.rule not in rules_in(line_for(fmt, token + ".c2lnbmF0dXJl"))

# ------------------------------------------------------------------ checks against the vendors' own vectors

def test_grafana_checksum_is_grafanas_little_endian_crc32():
    """The test vector of Grafana's pkg/components/satokengen/tokengen_test.go (assembled
    here): a real token must not be dropped as a wrong checksum."""
    vector = "gl" + "sa_" + "iNValIdinValiDinvalidinvalidinva" + "_" + "5b582697"
    (grafana,) = [f for f in FORMATS if f.rule == "grafana-service-account-token"]
    assert grafana.check(vector) is Verdict.VALID
    assert "secret.grafana-service-account-token" in rules_in(f'GRAFANA_TOKEN = "{vector}"')
    big_endian = vector[:-8] + "9726585b"  # the same CRC32 written most significant byte first
    assert grafana.check(big_endian) is Verdict.INVALID


def test_supabase_cli_local_default_secret_key_is_not_reported():
    """`supabase start` prints the same local-stack secret key everywhere (assembled here)."""
    local = "sb_" + "secret_" + "N7UND0UgjKTVK-Uodkm0Hg" + "_xSvEMPvz"
    assert "secret.supabase-secret-key" not in rules_in(f"SUPABASE_SECRET_KEY={local}")
    assert "secret.supabase-secret-key" in rules_in(f"SUPABASE_SECRET_KEY={local[:-1]}Z")


def test_prefix_read_without_parsing_is_the_parsed_leading_literal():
    for f in FORMATS:
        first = f.parts[0]
        assert f.prefix == (first if isinstance(first, str) else ""), f.rule
