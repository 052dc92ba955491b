from tightrope.diff import parse_diff, unquote_path, whole_file_as_added


def test_added_lines_and_numbers_from_git_diff():
    data = (b"diff --git a/app.py b/app.py\nindex 1..2 100644\n--- a/app.py\n+++ b/app.py\n"
            b"@@ -3,0 +4,2 @@ def f():\n+    x = 1\n+    y = 2\n@@ -10 +12 @@\n-old\n+new\n")
    [f] = parse_diff(data)
    assert f.path == "app.py" and f.status == "modified"
    assert [(a.number, a.text) for a in f.added] == [(4, "    x = 1"), (5, "    y = 2"), (12, "new")]


def test_removed_line_that_looks_like_a_header_is_not_a_new_file():
    data = (b"diff --git a/notes.md b/notes.md\n--- a/notes.md\n+++ b/notes.md\n"
            b"@@ -1,2 +1,1 @@\n--- a/x\n-++ b/y\n+kept\n")
    [f] = parse_diff(data)
    assert [a.text for a in f.added] == ["kept"]


def test_context_lines_advance_the_new_line_number():
    data = b"--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n one\n+two\n three\n+four\n"
    [f] = parse_diff(data)
    assert [(a.number, a.text) for a in f.added] == [(2, "two"), (4, "four")]


def test_plain_diff_u_with_several_files_and_new_and_deleted():
    data = (b"--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hello\n"
            b"--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n")
    new, gone = parse_diff(data)
    assert (new.path, new.status, [a.text for a in new.added]) == ("new.txt", "added", ["hello"])
    assert (gone.path, gone.status, gone.added) == ("gone.txt", "deleted", [])


def test_quoted_paths_with_spaces_tabs_and_utf8():
    assert unquote_path(b'"a/caf\\303\\251 \\tx"') == "a/café \tx"
    data = (b'diff --git "a/caf\\303\\251 1.py" "b/caf\\303\\251 1.py"\nnew file mode 100644\n'
            b'--- /dev/null\n+++ "b/caf\\303\\251 1.py"\n@@ -0,0 +1 @@\n+x\n')
    [f] = parse_diff(data)
    assert f.path == "café 1.py"


def test_binary_rename_and_submodule_headers():
    data = (b"diff --git a/logo.png b/logo.png\nnew file mode 100644\nBinary files /dev/null and b/logo.png differ\n"
            b"diff --git a/old name.py b/new name.py\nsimilarity index 100%\nrename from old name.py\nrename to new name.py\n"
            b"diff --git a/vendor/lib b/vendor/lib\nnew file mode 160000\nindex 0000000..abc\n--- /dev/null\n+++ b/vendor/lib\n"
            b"@@ -0,0 +1 @@\n+Subproject commit 0123456789abcdef0123456789abcdef01234567\n")
    png, moved, sub = parse_diff(data)
    assert png.skipped == "binary file" and not png.is_scannable
    assert (moved.status, moved.old_path, moved.path, moved.added) == ("renamed", "old name.py", "new name.py", [])
    assert sub.skipped == "submodule"


def test_non_utf8_lines_are_decoded_with_replacement_and_counted():
    data = b"--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+caf\xe9\n+ok\n"
    [f] = parse_diff(data)
    assert f.undecodable_lines == 1 and f.added[0].text == "caf\ufffd" and f.added[1].text == "ok"


def test_whole_file_as_added():
    f = whole_file_as_added("a.txt", b"one\ntwo\n")
    assert [(a.number, a.text) for a in f.added] == [(1, "one"), (2, "two")]
    assert whole_file_as_added("b.bin", b"\x00\x01").skipped == "binary file"
