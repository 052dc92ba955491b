"""The pieces of per-commit scanning: the git log splitter, content judging, added lines."""

from __future__ import annotations

import io

import pytest

from tightrope.diff import added_between, decode_text
from tightrope.gitio import _COMMIT_MARK, _split_commits


def _log(n: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    expected = [(f"sha{i}\x1fAuthor {i}\x1f2024-01-0{i + 1}".encode(),
                 f"\ndiff --git a/f{i} b/f{i}\n+line {i}\n".encode() * (i + 1)) for i in range(n)]
    return b"".join(_COMMIT_MARK + h + b"\n" + p for h, p in expected), expected


@pytest.mark.parametrize("block", [1, 2, 7, len(_COMMIT_MARK), 64, 1 << 20])
def test_split_commits_at_any_block_boundary(block):
    data, expected = _log(4)
    assert list(_split_commits(io.BytesIO(data), block)) == expected


def test_split_commits_of_nothing():
    assert list(_split_commits(io.BytesIO(b""), 8)) == []


@pytest.mark.parametrize("raw,text", [
    ("\ufeffkey = 1\n".encode("utf-16-le"), "key = 1\n"),
    ("\ufeffkey = 1\n".encode("utf-16-be"), "key = 1\n"),
    ("\ufeffkey = 1\n".encode("utf-32-le"), "key = 1\n"),
    ("\ufeffkey = 1\n".encode("utf-32-be"), "key = 1\n"),
    (b"\xef\xbb\xbfkey = 1\n", "key = 1\n"),
    (b"# \x00\n" + b"key = 1\n" * 3, "# \x00\n" + "key = 1\n" * 3),  # one NUL does not make text binary
])
def test_decode_text_judges_by_content(raw, text):
    assert decode_text(raw) == text


@pytest.mark.parametrize("raw", [bytes(range(256)) * 4, b"\x00" * 64, b"\xff\xfe\x00"])
def test_binary_stays_binary(raw):
    assert decode_text(raw) is None


def test_added_between_counts_repeated_lines_and_numbers_them_in_the_new_text():
    old = "a\nb\nb\n"
    new = "a\nb\nx\nb\nb\n"
    assert [(a.number, a.text) for a in added_between(old, new)] == [(3, "x"), (5, "b")]
    assert [a.text for a in added_between("", "k\r\nv\r\n")] == ["k", "v"]
