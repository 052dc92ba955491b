"""Fingerprints: the same on every clone, and no fast way to test a guess against one
(issue #18: a plain SHA-256 of the value passed every test before)."""

from __future__ import annotations

import hashlib

from tightrope.findings import fingerprint

VALUE = "hunter2-" + "correct-horse"  # a weak password a word list would hold


def test_a_fingerprint_is_scrypt_salted_with_rule_and_path():
    expected = hashlib.scrypt(VALUE.encode(), salt=b"tightrope/v2\0secret.keyword\0app/settings.py",
                              n=2 ** 12, r=8, p=1, dklen=16, maxmem=64 * 2 ** 20).hex()
    assert fingerprint("secret.keyword", "app/settings.py", VALUE) == expected


def test_a_fingerprint_is_not_a_fast_hash_of_the_value():
    fp = fingerprint("secret.keyword", "app/settings.py", VALUE)
    fast = {hashlib.new(name, VALUE.encode()).hexdigest() for name in ("sha256", "sha1", "md5", "blake2b")}
    assert not any(fp in h or h.startswith(fp) for h in fast)


def test_the_same_value_under_another_rule_or_path_is_unrelated():
    base = fingerprint("secret.keyword", "app/settings.py", VALUE)
    assert fingerprint("secret.keyword", "app/other.py", VALUE) != base
    assert fingerprint("secret.openai-api-key", "app/settings.py", VALUE) != base
    assert fingerprint("secret.keyword", "app/settings.py", VALUE) == base  # stable


def test_only_findings_named_by_public_git_ids_get_the_fast_fingerprint():
    """A binary blob that could not be scanned is named by its blob id, which git publishes:
    a fast hash hides nothing there. A secret's value always gets scrypt."""
    from tightrope import core
    from tightrope.diff import FileChange
    from tightrope.findings import public_fingerprint

    blob = "ab" * 20
    unscanned = core._unscanned(FileChange(path="logo.png", status="added", skipped="binary file", blob=blob), "c" * 40)
    assert unscanned.fingerprint == public_fingerprint(core.UNSCANNED_RULE, "logo.png", blob)
    assert unscanned.fingerprint != fingerprint(core.UNSCANNED_RULE, "logo.png", blob)
    assert public_fingerprint(core.UNSCANNED_RULE, "logo.png", blob) != public_fingerprint(core.UNSCANNED_RULE, "x.png", blob)
