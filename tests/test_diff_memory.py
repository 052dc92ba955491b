"""Large diffs: added lines are stored compactly and built on demand; parsing keeps no list
of every line. Memory is measured (tracemalloc), never time."""

from __future__ import annotations

import tracemalloc

import pytest

import tokens as t
from tightrope.diff import AddedLine, AddedLines, parse_diff
from tightrope.scan import secrets


@pytest.mark.parametrize("tail", [b"", b"\\ No newline at end of file\n", b"--- a/next\n+++ b/next\n@@ -0,0 +1 @@\n+z\n",
                                  b"commit 0123\nAuthor: a\n\n    msg\n\n", b"+++ b/x\n"])
@pytest.mark.parametrize("last_newline", [True, False])
def test_a_hunk_ends_where_its_counts_say_whatever_follows(tail, last_newline):
    """A hunk's end is found with byte counts, not by reading its lines: what follows it
    (a note, a plain diff's next file, a `git log` header, lines beyond its counts) is never
    an added line of it."""
    hunk = b"@@ -1,3 +1,4 @@\n one\n-two\n+TWO\n+--- a/looks-like-a-header\n three\n"
    data = b"--- a/f\n+++ b/f\n" + hunk + tail
    if not last_newline and not tail:
        data = data[:-1]
    f = parse_diff(data)[0]
    assert [(a.number, a.text) for a in f.added] == [(2, "TWO"), (3, "--- a/looks-like-a-header")]
    assert len(f.added) == 2


def test_added_lines_behave_like_the_list_they_replace():
    plain = [AddedLine(n, f"line {n}") for n in (3, 4, 9)] + [AddedLine(10, "")]
    compact = AddedLines()
    for i, line in enumerate(plain):
        compact.append(line)
        if i == 1:
            assert compact[-1] == line  # reading in the middle, then appending more
    assert compact == plain and len(compact) == 4 and compact[1:3] == plain[1:3]
    assert compact.text == "line 3\nline 4\nline 9\n" and compact[-1] == AddedLine(10, "")
    assert compact.pop() == AddedLine(10, "") and compact == plain[:3] and compact.text == "line 3\nline 4\nline 9"
    compact.add(11, "after pop")
    assert list(compact)[-1] == AddedLine(11, "after pop") and compact.text.endswith("line 9\nafter pop")
    with pytest.raises(IndexError):
        compact[4]
    assert AddedLines() == [] and not AddedLines()


def _big_diff(files: int, lines: int) -> bytes:
    out = []
    for f in range(files):
        out += [f"diff --git a/pkg/m{f}.py b/pkg/m{f}.py", f"--- a/pkg/m{f}.py", f"+++ b/pkg/m{f}.py",
                f"@@ -1,{lines} +1,{2 * lines} @@"]
        for n in range(lines):
            out += [f" context line {n} of file {f} = compute(x, y, z)", f"+    value_{n} = transform(value_{n - 1}, {n})"]
    return ("\n".join(out) + "\n").encode()


def test_parsed_diff_costs_about_its_own_size_in_memory():
    data = _big_diff(40, 2500)  # ~8 MB, 100k added lines
    tracemalloc.start()
    try:
        files = parse_diff(data)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(len(f.added) for f in files) == 100_000
    text = sum(len(f.added.text) for f in files)  # ~4 MB of added text
    # one AddedLine object per line would retain ~190 bytes a line more (~19 MB), and a list
    # of every line of the diff would add ~12 MB at the peak
    assert retained < 1.6 * text, (retained, text)
    assert peak < len(data) + 2 * text, (peak, len(data), text)


def test_secrets_found_in_a_large_diff_name_the_right_line():
    data = bytearray(_big_diff(3, 2000))
    token = t.github_classic(seed=77)
    data += (f"diff --git a/late.env b/late.env\n--- /dev/null\n+++ b/late.env\n@@ -0,0 +1,2 @@\n"
             f"+OK=1\n+GITHUB_TOKEN={token}\n").encode()
    files = parse_diff(bytes(data))
    found = [f for c in files for f in secrets.scan_lines(c.path, c.added)]
    assert [(f.path, f.line, f.rule_id) for f in found] == [("late.env", 2, "secret.github-classic-token")]
