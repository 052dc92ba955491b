"""scan/detectors/base.py's contract: the Detector defaults every detector relies on, the
checksum helper's length guard, the definition checks (issue 18: the mutation check)."""

from __future__ import annotations

import tokens as t

from tightrope.diff import AddedLine
from tightrope.findings import Confidence
from tightrope.scan import secrets
from tightrope.scan.detectors import ALL, Verdict
from tightrope.scan.detectors.base import crc32_base62_suffix


def found(path: str, line: str) -> list[tuple[str, Confidence]]:
    return [(f.rule_id, f.confidence) for f in secrets.scan_lines(path, [AddedLine(1, line)])]


def test_the_default_entropy_bar_is_3_bits_a_character():
    """Hugging Face tokens have no checksum: the default bar (3.0) decides. 34 letters with
    2.6 bits/char are a made-up value; with 3.6 bits/char, a token."""
    assert [d.min_entropy for d in ALL if d.rule_id == "secret.huggingface-token"] == [3.0]
    assert found("app.py", 'HF = "hf_' + "QzmXkw" * 5 + 'QzmX"') == []
    assert found("app.py", 'HF = "hf_' + "QzmXkwRtPvYn" * 2 + 'QzmXkwRtPv"') == [("secret.huggingface-token", Confidence.HIGH)]


def test_a_real_key_in_a_test_file_still_blocks_unless_its_detector_says_otherwise():
    anthropic = [d for d in ALL if d.rule_id == "secret.anthropic-api-key"]
    assert [d.illustrative_in_tests for d in anthropic] == [False]
    assert found("tests/test_app.py", f'KEY = "{t.anthropic_key(5)}"') == [("secret.anthropic-api-key", Confidence.HIGH)]


def test_the_crc_helper_says_unknown_for_a_token_of_the_wrong_length():
    validate = crc32_base62_suffix(4)
    good = t.github_classic(seed=3)
    assert validate(good) is Verdict.VALID
    assert validate(good[:-1]) is Verdict.UNKNOWN  # short checksum: not judged by the checksum
    assert validate(good + "A") is Verdict.UNKNOWN
    assert validate(good[:-1] + ("A" if good[-1] != "A" else "B")) is Verdict.INVALID


def test_every_detector_has_a_secret_rule_id_and_lower_case_keywords():
    """The scanner lower-cases a line before it looks for keywords: an upper-case or empty
    keyword would never match, or match everything."""
    bad = [d.rule_id for d in ALL if not d.rule_id.startswith("secret.") or any(k != k.lower() or not k for k in d.keywords)]
    assert bad == []


def test_a_refine_hook_decides_the_confidence():
    """OpenAI project keys carry a marker; a key-shaped value without it is less sure."""
    key = t.openai_project_key(seed=4)
    assert found("app.py", f'KEY = "{key}"') == [("secret.openai-api-key", Confidence.HIGH)]
    unmarked = key.replace("T3Blbk" + "FJ", "Q7xw" + "Rz2m")
    assert found("app.py", f'KEY = "{unmarked}"') == [("secret.openai-api-key", Confidence.MEDIUM)]


def test_the_default_filters_drop_placeholders_and_judge_the_whole_value():
    """Defaults every plain detector gets: the placeholder filter on (a sequential run is a
    made-up value) and entropy over the whole value (body_start 0)."""
    hf = [d for d in ALL if d.rule_id == "secret.huggingface-token"][0]
    assert hf.placeholder_filter is True
    assert found("app.py", 'HF = "hf_abcdefghijQzmXkwRtPvYnGbLdWsEuFoHc"') == []
    mistral = [d for d in ALL if d.rule_id == "secret.mistral-api-key"]
    assert {d.body_start for d in mistral} == {0}
    assert found("app.py", f'MISTRAL_API_KEY = "{t.mistral_key(3)}"') == [("secret.mistral-api-key", Confidence.MEDIUM)]


def test_a_finding_shows_a_redacted_preview_by_default():
    key = t.anthropic_key(5)
    [f] = secrets.scan_lines("app.py", [AddedLine(1, f'KEY = "{key}"')])
    assert f.message == f"Anthropic API key {key[:13]}… ({len(key)} chars) added"  # the public prefix only
