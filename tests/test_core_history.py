"""core.check over real git history: each commit's own added lines, a blob once, binary
content that could not be scanned, files moved out of an excluded path, what is counted.
Secrets only (no semgrep): fast enough for the mutation check of core.py (issue 18)."""

from __future__ import annotations

from tokens import anthropic_key

from tightrope import core, gitio
from tightrope.policy import Policy, TimeBudget

RULE = "secret.anthropic-api-key"
BINARY = bytes(range(256)) * 4


def key_line(seed: int) -> str:
    return f'KEY = "{anthropic_key(seed)}"\n'


def scan(cs: gitio.ChangeSet, policy: Policy = Policy(), **kw):
    return core.check(cs, policy, scanners=("secrets",), **kw)


def found(report) -> list[tuple]:
    return [(f.rule_id, f.path, f.line, f.commit, f.present_at_head) for f in report.findings]


def test_a_token_added_and_removed_in_the_range_names_its_commit(repo):
    base = repo.commit({"README.md": "x\n"})
    added = repo.commit({"a.py": key_line(31) + "x = 1\n"})
    repo.commit({"a.py": "x = 1\n"})
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert found(report) == [(RULE, "a.py", 1, added, False)]
    assert report.findings[0].author == "Test Human" and report.findings[0].date
    assert (report.scanned_files, report.scanned_lines) == (1, 1)  # the net diff's, not the commits'
    assert anthropic_key(31) not in repr(report)


def test_a_token_still_there_is_reported_once_where_it_is_naming_the_commit_that_added_it(repo):
    base = repo.commit({"README.md": "x\n"})
    added = repo.commit({"b.py": "y = 2\n" + key_line(32)})
    repo.commit({"c.py": "z = 3\n"})
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert found(report) == [(RULE, "b.py", 2, added, True)]
    assert report.findings[0].author == "Test Human"


def test_a_staged_scan_never_reads_history(repo):
    repo.commit({"a.py": key_line(33)})
    repo.commit({"a.py": "x = 1\n"})
    repo.stage({"b.py": "y = 2\n"})
    report = scan(gitio.staged(repo.path))
    assert report.findings == [] and (report.scanned_files, report.scanned_lines) == (1, 1)


def test_a_blob_is_scanned_once_at_the_commit_that_first_added_it(repo):
    base = repo.commit({"README.md": "x\n"})
    first = repo.commit({"a.py": key_line(34)})
    repo.commit({"a.py": "x = 1\n"})
    again = repo.commit({"a.py": key_line(34), "b.py": key_line(44)})  # a.py: the same blob again
    repo.commit({"a.py": "x = 2\n", "b.py": "y = 2\n"})
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert found(report) == [(RULE, "a.py", 1, first, False), (RULE, "b.py", 1, again, False)]


def test_binary_content_is_a_not_scanned_finding_once(repo):
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"logo.bin": BINARY, "a.py": "x = 1\n"})
    gone = repo.commit({"tmp.bin": BINARY[::-1]})
    repo.git("rm", "-q", "tmp.bin")
    repo.commit()
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert [(f.rule_id, f.path, f.line, f.commit) for f in report.findings] == [
        (core.UNSCANNED_RULE, "logo.bin", 0, ""), (core.UNSCANNED_RULE, "tmp.bin", 0, gone)]  # a file, no line
    assert report.findings[1].message == (f"tmp.bin in commit {gone[:12]} is binary content (binary file) "
                                          "that was not scanned for secrets")
    assert report.notes == ["logo.bin: skipped (binary file)"]
    assert scan(gitio.commit_range(repo.path, f"{base}..HEAD"), Policy(exclude=("*.bin",))).findings == []


def test_history_counts_each_commits_added_lines_and_knows_what_is_still_at_head(repo):
    repo.commit({"a.py": key_line(35) + "x = 1\n"})
    repo.commit({"a.py": key_line(35) + "x = 1\ny = 2\n", "c.txt": "1\n2\n3 tokens\n"})
    repo.commit({"d.py": key_line(36)})
    repo.commit({"d.py": "gone = 1\n"})
    repo.commit({"c.txt": "1\n2\n"})  # removes a line, adds none: nothing to count
    calls: list[tuple[int, int]] = []
    report = scan(gitio.history(repo.path, "--all"), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert sorted((f.path, f.present_at_head) for f in report.findings) == [("a.py", True), ("d.py", False)]
    # only files whose patch holds a keyword are read: a.py's 2 lines, then its 1 (y = 2, next
    # to the key) and c.txt's 3, d.py's 1; not d.py's `gone = 1`, nor c.txt's removal
    assert (report.scanned_files, report.scanned_lines) == (4, 7)
    assert type(report.scanned_files) is int and type(report.scanned_lines) is int


def test_a_file_moved_out_of_an_excluded_path_brings_its_content_in(repo):
    repo.commit({"fixtures/k.py": key_line(37)})
    (repo.path / "app").mkdir()
    repo.git("mv", "fixtures/k.py", "app/k.py")
    policy = Policy(exclude=("fixtures/**",))
    report = scan(gitio.staged(repo.path), policy)
    assert [(f.rule_id, f.path, f.line) for f in report.findings] == [(RULE, "app/k.py", 1)]
    repo.git("commit", "-q", "-m", "move")
    repo.git("mv", "app/k.py", "app/k2.py")  # a move between scanned paths adds nothing
    assert scan(gitio.staged(repo.path), policy).findings == []


def test_an_unfinished_pattern_scan_blocks_in_ci_only(repo):
    repo.stage({"a.py": "import os\nos.system(cmd)\n"})
    spent = Policy(time_budget=TimeBudget(hook_seconds=0, ci_seconds=0))  # semgrep never starts
    for kw, blocking in (({}, False), ({"ci": True}, True)):
        report = core.check(gitio.staged(repo.path), spent, scanners=("patterns",), **kw)
        assert [(f.rule_id, f.path, f.blocking) for f in report.findings] == [("scan.incomplete", "a.py", blocking)]


def test_every_file_of_a_commit_is_read_past_a_deleted_or_unscannable_one(repo):
    base = repo.commit({"a.py": key_line(41)})  # a keyword in the deleted patch: git log keeps it
    repo.git("rm", "-q", "a.py")
    deleted = repo.commit({"b.py": key_line(38)})  # after a.py's deletion in the same commit
    binary = repo.commit({"c.bin": BINARY, "d.py": key_line(39)})  # after c.bin
    repo.commit({"b.py": "y = 1\n", "d.py": "z = 1\n"})
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert [(f.rule_id, f.path, f.commit) for f in report.findings] == [
        (RULE, "b.py", deleted), (core.UNSCANNED_RULE, "c.bin", ""), (RULE, "d.py", binary)]


def test_an_allow_comment_holds_in_a_commit_the_range_undoes(repo):
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"a.py": key_line(40).rstrip("\n") + f"  # tightrope: allow {RULE} revoked test key\n"})
    repo.commit({"a.py": "x = 1\n"})
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert report.findings == [] and report.suppressed == 1


def test_a_submodule_is_noted_not_a_binary_finding(repo):
    base = repo.commit({"README.md": "x\n"})
    sub = "vendor/secret-store"  # a keyword in its path: the commit's patch for it is read
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{base},{sub}")
    repo.commit()
    report = scan(gitio.commit_range(repo.path, f"{base}..HEAD"))
    assert report.findings == [] and report.notes == [f"{sub}: skipped (submodule)"]


def test_over_a_whole_history_a_moved_and_edited_file_is_a_new_blob(repo):
    repo.commit({"a.py": key_line(42)})
    repo.git("mv", "a.py", "b.py")
    repo.commit({"b.py": key_line(42) + "x = 1\n"})  # no rename detection: b.py is scanned whole
    report = scan(gitio.history(repo.path, "--all"))
    assert sorted((f.path, f.line) for f in report.findings) == [("a.py", 1), ("b.py", 1)]


def test_in_a_range_a_moved_and_edited_file_brings_only_its_edit(repo):
    base = repo.commit({"a.py": key_line(43)})  # known before the range
    repo.git("mv", "a.py", "b.py")
    repo.commit({"b.py": key_line(43) + "x = 1\n"})
    assert scan(gitio.commit_range(repo.path, f"{base}..HEAD")).findings == []
