"""The detector registry, checksum validators, filters and the prefilter, unit by unit."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import tokens as t
from tightrope.diff import whole_file_as_added
from tightrope.scan import secret_filters as sf
from tightrope.scan import secrets
from tightrope.scan.detectors import ALL, Detectors, Verdict, catalog, ds_plugins, forges, keywords, saas
from tightrope.scan.detectors.token_table import Format
from tightrope.scan.detectors.base import base62, crc32_base62_suffix

ROOT = Path(__file__).resolve().parents[1]


def test_registry_is_well_formed():
    assert len(ALL) >= 40
    for d in ALL:
        assert re.fullmatch(r"secret\.[a-z0-9]+(?:-[a-z0-9]+)*", d.rule_id), d.rule_id
        assert d.title and d.help
        assert d.keywords or d.refine, f"{d.rule_id}: without keywords, a structure check must confirm the match"
        assert all(k == k.lower() for k in d.keywords)
    for r in ds_plugins.RULES:
        assert re.fullmatch(r"secret\.[a-z0-9]+(?:-[a-z0-9]+)*", r.rule_id), r.rule_id


def test_one_title_per_rule_family_is_stable():
    ids = {d.rule_id for d in ALL} | {r.rule_id for r in ds_plugins.RULES} | {keywords.RULE_ID}
    for expected in ("secret.openai-api-key", "secret.github-classic-token", "secret.aws-access-key",
                     "secret.anthropic-api-key", "secret.npm-token", "secret.private-key", "secret.keyword"):
        assert expected in ids


class CountedFormat(Format):
    """A catalogue entry that counts how often it is turned into a detector."""

    __slots__ = ()
    built: list[str] = []

    def detector(self):
        CountedFormat.built.append(self.rule)
        return super().detector()


def test_a_catalogue_entry_becomes_a_detector_once_and_only_when_asked_for():
    CountedFormat.built.clear()
    entries = [CountedFormat(*f) for f in catalog.FORMATS[:3]]
    registry = Detectors([forges.DETECTORS[0], *entries])
    assert list(registry.keywords) == [forges.DETECTORS[0].keywords, *(f.trigger_keywords for f in entries)]
    assert CountedFormat.built == []  # the prefilter's keywords need no detector
    assert registry[0] is forges.DETECTORS[0] and CountedFormat.built == []
    second = registry[2]
    assert second.rule_id == entries[1].detector().rule_id and registry[2] is second
    assert CountedFormat.built == [entries[1].rule] * 2  # once by the registry, once above
    assert [d.rule_id for d in registry] == [forges.DETECTORS[0].rule_id, *("secret." + f.rule for f in entries)]
    assert len(CountedFormat.built) == 4 and len(registry) == 4


def test_every_detector_keeps_the_keywords_the_registry_announced():
    assert [d.keywords for d in ALL] == list(ALL.keywords)


# ------------------------------------------------------------------ checksums

@pytest.mark.parametrize("kind", list("pousr"))
def test_github_classic_checksum(kind):
    v = crc32_base62_suffix(4)
    assert v(t.github_classic(kind=kind)) is Verdict.VALID
    assert v(t.github_classic(valid=False, kind=kind)) is Verdict.INVALID


def test_npm_checksum():
    v = crc32_base62_suffix(4)
    for seed in range(20):
        assert v(t.npm_token(seed=seed)) is Verdict.VALID
        assert v(t.npm_token(valid=False, seed=seed)) is Verdict.INVALID


def test_base62_pads_to_width():
    assert base62(0, 6) == "000000" and base62(61, 6) == "00000z" and base62(62, 2) == "10"


def test_gitlab_routable_checksum_and_legacy_unknown():
    for prefix in ("gl" + "pat-", "gl" + "dt-", "gl" + "rt-"):
        assert forges.gitlab_verdict(t.gitlab_routable(prefix=prefix)) is Verdict.VALID
        assert forges.gitlab_verdict(t.gitlab_routable(valid=False, prefix=prefix)) is Verdict.INVALID
    assert forges.gitlab_verdict(t.gitlab_legacy()) is Verdict.UNKNOWN


def test_atlassian_checksum():
    for seed in range(10):
        token = t.atlassian_token(seed=seed)
        assert len(token) == 192
        assert saas.atlassian_verdict(token) is Verdict.VALID
        assert saas.atlassian_verdict(t.atlassian_token(valid=False, seed=seed)) is Verdict.INVALID


def test_pypi_macaroon_structure():
    assert forges.pypi_verdict(t.pypi_token()) is Verdict.VALID
    garbage = "py" + "pi-" + "AgEIcHlwaS5vcmc" + t.rand(80, t.B64URL, "junk")
    assert forges.pypi_verdict(garbage) is Verdict.UNKNOWN  # left to heuristics, not dropped


# ------------------------------------------------------------------ filters

@pytest.mark.parametrize("value", ["YOUR_API_KEY", "<token>", "${VAR}", "xxxxxxxxxxxx", "changeme", "{{ key }}",
                                   "insert-key-here", "0000000000000000", "abababababab", "password"])
def test_placeholders(value):
    assert sf.is_placeholder(value)


@pytest.mark.parametrize("value", [t.password(), t.groq_key(), t.huggingface_token()])
def test_real_looking_values_are_not_placeholders(value):
    assert not sf.is_placeholder(value)


def test_documented_examples_are_known():
    aws_id, aws_secret = t.aws_documented_examples()
    assert sf.is_placeholder(aws_id) and sf.is_placeholder(aws_secret)
    assert sf.is_known_example(t.stripe_documented_test_key())


def test_digests_and_uuids():
    assert sf.is_digest(t.rand(40, t.HEX, 1), "commit: ") and sf.is_digest(t.rand(64, t.HEX, 2), "sha256 = ")
    assert not sf.is_digest(t.rand(64, t.HEX, 2), "SECRET_KEY = ")  # secrets.token_hex(32)
    assert sf.is_digest(t.rand(12, t.HEX, 3), "commit = ") and not sf.is_digest(t.rand(12, t.HEX, 3), "key = ")
    assert sf.is_uuid("123e4567-e89b-12d3-a456-426614174000")


def test_masked_spans():
    line = 'x "integrity": "sha512-' + t.rand(86, t.B64, 9) + '=="'
    (span,) = sf.masked_spans(line)
    assert line[span[0]:].startswith("sha512-")
    assert sf.masked_spans("password: ENC[AES256_GCM,data:abc,type:str]")
    assert sf.masked_spans("$ANSIBLE_VAULT;1.1;AES256") == [(0, 25)]
    assert sf.masked_spans("plain = 'text'") == []


def test_lock_files():
    for p in ("package-lock.json", "a/b/yarn.lock", "uv.lock", "poetry.lock", "Cargo.lock", "pnpm-lock.yaml"):
        assert sf.is_lock_file(p)
    assert not sf.is_lock_file("src/lock.py")


def test_entropy():
    assert sf.entropy("aaaa") == 0 and sf.entropy("ab") == 1
    assert sf.low_entropy("aaaaaaaaaaaaaaaaaaaa", 3.0) and not sf.low_entropy(t.rand(40), 3.0)


# ------------------------------------------------------------------ prefilter

def test_prefilter_covers_every_keyword():
    rx = secrets.prefilter()
    for k in secrets.keywords():
        assert rx.search("zz " + k + " zz"), k


def test_prefilter_reports_every_keyword_on_a_line_and_markers_are_not_keywords():
    pf = secrets.Prefilter(["ab", "abc", "bcd", "ñu"], markers=["://"])
    assert sorted(pf.found("xabcdx")) == [0, 1, 2]  # overlapping words all count (each wakes its detectors)
    assert pf.found("ñu") == [3] and pf.search("XÑUX".encode().lower())  # bytes.lower() keeps "Ñ"
    assert pf.search(b"zz abc") and not pf.search(b"https://example.org") and not pf.search("a b")


def test_prefilter_finds_the_same_once_it_has_searched_enough_to_switch_to_a_dfa(monkeypatch):
    """Each automaton is rebuilt as a DFA after _DFA_AFTER bytes: same matches before and after."""
    text = "api_key = 1; PASSWORD: x; https://h; ghp_ and aws_secret_access_key ñu".lower().encode()
    monkeypatch.setattr(secrets, "_DFA_AFTER", len(text))  # the second search passes it
    pf = secrets.Prefilter(sorted(secrets.keywords()), markers=["://"])
    before = pf.matches(text)
    assert pf.search(text)
    first, first_any = pf._automaton._automaton, pf._any_keyword._automaton
    for _ in range(3):
        assert pf.matches(text) == before
        assert pf.search(text) and not pf.search(b"zz 0 zz")
    assert pf._automaton._automaton is not first and pf._any_keyword._automaton is not first_any  # both switched
    assert {pf.words[t] for _, t in before if t >= 0} >= {"api_key", "password", "ghp_"}


# ------------------------------------------------------------------ the repository itself

MINE = ["src/tightrope/scan/secrets.py", "src/tightrope/scan/secret_filters.py", "src/tightrope/scan/__init__.py",
        "tests/tokens.py", "tests/test_secrets.py", "tests/test_secrets_false_positives.py", "tests/test_detectors.py",
        *(str(p.relative_to(ROOT)) for p in (ROOT / "src/tightrope/scan/detectors").glob("*.py"))]


@pytest.mark.parametrize("path", MINE)
def test_scanner_sources_and_tests_are_clean_under_the_scanner(path):
    change = whole_file_as_added(path, (ROOT / path).read_bytes())
    found = secrets.scan_lines(path, change.added)
    assert not found, [(f.line, f.rule_id, f.snippet) for f in found]


def test_import_is_light():
    code = "import sys, tightrope.scan.secrets; print(sorted(m for m in ('detect_secrets', 'requests') if m in sys.modules))"
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "[]", out.stderr


# ------------------------------------------------------------------ detect-secrets plugin gates

def _plugin_lines(rng_seed: int) -> dict[str, list[str]]:
    """Lines each gated plugin reports, in the assignment and boundary forms its own regex
    accepts (built at run time)."""
    ibm_value = t.rand(44, t.ALNUM + "_-", seed=rng_seed)
    akc = "AKC" + t.rand(70, seed=rng_seed)
    ap = "AP" + "7" + t.rand(20, seed=rng_seed)
    ibm = [f'{name}{quote}{op}{quote2}{ibm_value}{quote2}'
           for name in ("ibm_cloud_iam_api_key", "IBM_PASSWORD", "ibm-iam-token", "ibmPwd", "ibm_pass")
           for quote, op, quote2 in (("", " = ", '"'), ('"', ": ", '"'), ("", ":=", "'"), ("", " => ", ""), ("", "  ", ""))]
    artifactory = [f"artifactory {v}" for v in (akc, ap)] + [f'ARTIFACTORY_TOKEN="{akc}"', f"artifactory_password:{ap}",
                                                           f"{akc} # artifactory"]
    return {"IbmCloudIamDetector": ibm, "ArtifactoryDetector": artifactory}


@pytest.mark.parametrize("plugin_name", ["IbmCloudIamDetector", "ArtifactoryDetector"])
def test_a_plugin_gate_lets_through_every_line_the_plugin_reports(plugin_name):
    """`shape` decides whether detect-secrets is imported at all: it must match every line
    the plugin itself would report, or a secret goes unseen."""
    rule = next(r for r in ds_plugins.RULES if r.plugin == plugin_name)
    plugin = ds_plugins.plugin(rule)
    for line in _plugin_lines(7)[plugin_name]:
        assert any(plugin.analyze_string(line)), f"the plugin itself does not report {line!r}"
        assert ds_plugins.matches(line, line.lower()), line


def test_random_base64_holding_a_vendor_word_does_not_import_detect_secrets():
    """A certificate's base64 holds `ibm` or starts with `AKC` by chance: no assignment, no
    boundary, so the plugins that cannot match are not imported (~0.2 s and ~20 MiB)."""
    lines = ["rMnUVN+HL8cisibMn1lUaJ/8viovxFUcdUBgF4UCVTmLfwUCAwEAAaNCMEAwDwYDVR0TAQH/BAUw",
             "AKChOBZmLqdWHyGcBvod7bkixTgm2E5P7KN/ed5GIaGHd48HCJqypMWvDzKYC3xm",
             "374jNUUeAlz+taibmSXaXvMiwzn15Cou08YfxGyqxRxqAQVKL9LFwag0Jl1mpdIC"]
    code = ("import sys; from tightrope.diff import AddedLine; from tightrope.scan import secrets;"
            f"r = secrets.scan_lines('ca.pem', [AddedLine(i, x) for i, x in enumerate({lines!r}, 1)]);"
            "print(len(r), 'detect_secrets' in sys.modules)")
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "0 False", out.stderr
