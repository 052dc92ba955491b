"""Large diffs: added lines are stored compactly and built on demand; parsing keeps no list
of every line. Memory is measured (tracemalloc), never time."""

from __future__ import annotations

import random
import re
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


def _reference(data: bytes) -> list[list[tuple[int, str]]]:
    """Added lines per file, read line by line the plain way: hunk counts say where a hunk
    ends; a file starts at `diff --git`, or at `--- ` + `+++ ` outside a git header."""
    files: list[list[tuple[int, str]]] = []
    old_left = new_left = number = 0
    minus = git_header = False
    for line in data.split(b"\n"):
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == b"+":
                files[-1].append((number, line[1:].decode()))
            old_left -= tag not in (b"+", b"\\")
            new_left -= tag not in (b"-", b"\\")
            number += tag not in (b"-", b"\\")
            continue
        if minus and line.startswith(b"+++ "):
            files += [] if git_header else [[]]
            minus = False
            continue
        minus = line.startswith(b"--- ")
        hunk = re.match(rb"@@ -\d+,(\d+) \+(\d+),(\d+) @@", line)
        if line.startswith(b"diff --git "):
            files.append([])
            git_header = True
        elif hunk and files:
            old_left, number, new_left = (int(g) for g in hunk.groups())
            git_header = False
    return files


@pytest.mark.parametrize("seed", range(4))
def test_random_diffs_read_as_a_line_by_line_reader_reads_them(seed):
    """Hunks whose header counts are off, lines that look like headers, `\\` notes, a
    `git log` commit header between files: the byte-count reader keeps exactly the lines
    the line-by-line reader keeps, numbers them the same, and reads them by handle too."""
    rnd = random.Random(seed)
    texts = ["x", "", "--- a/y", "++ b/z", "@@ no", "diff x", "key = 1", " sp", "-", "+"]
    for _ in range(300):
        out = []
        for f in range(rnd.randint(1, 3)):
            out += [f"diff --git a/f{f} b/f{f}"] if rnd.random() < 0.7 else []
            out += [f"--- a/f{f}", f"+++ b/f{f}"]
            start = 1
            for _ in range(rnd.randint(0, 3)):
                body = [rnd.choice("+- ") + rnd.choice(texts) for _ in range(rnd.randint(0, 8))]
                old = sum(b[0] != "+" for b in body) + (rnd.randint(-1, 1) if rnd.random() < 0.15 else 0)
                new = sum(b[0] != "-" for b in body) + (rnd.randint(-1, 1) if rnd.random() < 0.15 else 0)
                out += [f"@@ -{start},{max(old, 0)} +{start},{max(new, 0)} @@"] + body
                out += ["\\ No newline at end of file"] if rnd.random() < 0.1 else []
                start += len(body) + rnd.randint(1, 3)
            out += ["commit 0123", "Author: a", "", "    msg", ""] if rnd.random() < 0.2 else []
        data = ("\n".join(out) + "\n").encode()
        files = parse_diff(data)
        got = [[(a.number, a.text) for a in f.added] for f in files]
        assert got == _reference(data), data
        for f in files:
            handles = list(f.added.hits(lambda raw: [(i, None) for i in range(len(raw))]))
            assert [f.added.line(h) for h in handles] == list(f.added)
            for h, nxt in zip(handles, handles[1:]):
                follows = f.added.line(nxt).number == f.added.line(h).number + 1
                # the next (previous) line of the same hunk, numbered right after (before) it
                assert f.added.after(h) in ((nxt, None) if follows else (None,))
                assert next(f.added.before(nxt), None) in ((h, None) if follows else (None,))
