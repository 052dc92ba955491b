"""core.check judged directly on built change sets (no git, no semgrep): what blocks, what
is suppressed, what is noted. Fast enough for the mutation check of core.py (issue 18)."""

from __future__ import annotations


from tokens import anthropic_key, groq_key

from tightrope import core
from tightrope.diff import AddedLine, AddedLines, FileChange
from tightrope.findings import Confidence, Finding, Severity
from tightrope.gitio import ChangeSet
from tightrope.policy import Policy, RuleOverride

RULE = "secret.anthropic-api-key"


def change(path: str, *lines: str, first: int = 1, **kw) -> FileChange:
    return FileChange(path=path, status="added",
                      added=AddedLines(AddedLine(first + i, t) for i, t in enumerate(lines)), **kw)


def run(*changes: FileChange, policy: Policy = Policy(), baseline: frozenset[str] = frozenset(), notes=()):
    return core.check(ChangeSet(list(changes), "patch", notes=list(notes)), policy, scanners=("secrets",),
                      baseline=baseline)


def key_line(seed: int, tail: str = "") -> str:
    return f'KEY = "{anthropic_key(seed)}"{tail}'


def finding(severity: Severity, blocking: bool = True, rule: str = "x.rule") -> Finding:
    return Finding(rule_id=rule, kind="pattern", severity=severity, confidence=Confidence.HIGH, path="a.py", line=1,
                   message="m", fingerprint="f", blocking=blocking)


# --- apply_policy: fail_on and the per-rule overrides ---------------------------------------

def test_a_finding_blocks_at_and_above_fail_on_only():
    for fail_on in Severity:
        for sev in Severity:
            got = core.apply_policy(finding(sev), Policy(fail_on=fail_on))
            assert got.blocking is (sev >= fail_on) and got.severity == sev


def test_a_rule_that_does_not_block_never_blocks():
    assert core.apply_policy(finding(Severity.CRITICAL, blocking=False), Policy(fail_on=Severity.INFO)).blocking is False


def test_per_rule_overrides():
    rules = {"x.rule": RuleOverride(severity=Severity.LOW)}
    got = core.apply_policy(finding(Severity.CRITICAL), Policy(rules=rules))
    assert got.severity == Severity.LOW and got.blocking is False
    rules = {"x.rule": RuleOverride(blocking=False)}
    got = core.apply_policy(finding(Severity.CRITICAL), Policy(rules=rules))
    assert got.severity == Severity.CRITICAL and got.blocking is False
    rules = {"x.rule": RuleOverride(blocking=True, severity=Severity.HIGH)}
    assert core.apply_policy(finding(Severity.LOW, blocking=False), Policy(rules=rules)).blocking is True
    rules = {"other.rule": RuleOverride(blocking=False)}
    assert core.apply_policy(finding(Severity.HIGH), Policy(rules=rules)).blocking is True


# --- check ----------------------------------------------------------------------------------

def test_a_secret_is_found_counted_and_blocks():
    report = run(change("a.py", "x = 1", key_line(1)), change("b.py", "y = 2"))
    assert [(f.rule_id, f.path, f.line, f.blocking) for f in report.findings] == [(RULE, "a.py", 2, True)]
    assert (report.scanned_files, report.scanned_lines, report.suppressed) == (2, 3, 0)


def test_findings_are_sorted_by_path_and_line():
    report = run(change("b.py", key_line(2)), change("a.py", "x", key_line(3), key_line(4)))
    assert [(f.path, f.line) for f in report.findings] == [("a.py", 2), ("a.py", 3), ("b.py", 1)]


def test_skipped_deleted_and_undecodable_files_are_noted_not_scanned():
    report = run(change("logo.png", key_line(5), skipped="binary file"),
                 FileChange(path="gone.py", status="deleted"),
                 change("latin.py", "x = 1", undecodable_lines=2),
                 notes=["from the change set"])
    assert report.notes == ["from the change set", "logo.png: skipped (binary file)",
                            "gone.py: skipped (deleted file: nothing added)",
                            "latin.py: 2 added line(s) are not UTF-8; scanned with replacement characters"]
    assert report.findings == [] and (report.scanned_files, report.scanned_lines) == (1, 1)


def test_exclude_globs_match_a_directory_and_its_contents():
    assert run(change("fixtures/k.py", key_line(6)), policy=Policy(exclude=("fixtures",))).findings == []
    assert run(change("fixtures/k.py", key_line(6)), policy=Policy(exclude=("fixtures/",))).findings == []
    assert run(change("fixtures/k.py", key_line(6)), policy=Policy(exclude=("*.py",))).scanned_files == 0
    assert len(run(change("fixtures2/k.py", key_line(6)), policy=Policy(exclude=("fixtures",))).findings) == 1


def test_disable_by_id_and_by_glob():
    assert run(change("a.py", key_line(7)), policy=Policy(disable=(RULE,))).findings == []
    assert run(change("a.py", key_line(7)), policy=Policy(disable=("secret.anthropic-*",))).findings == []
    assert len(run(change("a.py", key_line(7)), policy=Policy(disable=("secret.openai-*",))).findings) == 1


def test_the_baseline_suppresses_and_counts():
    first = run(change("a.py", key_line(8), key_line(9)))
    known = frozenset({first.findings[0].fingerprint})
    report = run(change("a.py", key_line(8), key_line(9)), baseline=known)
    assert [f.line for f in report.findings] == [2] and report.suppressed == 1


def test_an_inline_allow_needs_a_reason():
    report = run(change("a.py", key_line(10, f"  # tightrope: allow {RULE} test fixture, revoked")))
    assert report.findings == [] and report.suppressed == 1
    report = run(change("a.py", key_line(11, f"  # tightrope: allow {RULE}")))
    assert [f.rule_id for f in report.findings] == [RULE] and report.suppressed == 0
    assert report.notes == [f"a.py:1: `tightrope: allow {RULE}` needs a reason; not applied"]


def test_patterns_false_runs_no_pattern_scanner():
    # `patterns` is asked for and the policy turns it off: nothing runs, nothing is noted
    report = core.check(ChangeSet([change("a.py", "requests.get(u, verify=False)")], "patch"),
                        Policy(patterns=False), scanners=("patterns",))
    assert report.findings == [] and report.notes == []


def test_the_exclude_note_counts_the_files_left_out():
    report = run(change("fixtures/k.py", key_line(12)), change("a.py", "x = 1"), policy=Policy(exclude=("fixtures",)))
    assert report.notes == ["the policy's `exclude` left out 1 file"]
    report = run(change("fixtures/k.py", key_line(12)), change("fixtures/j.py", "y = 1"), change("a.py", "x = 1"),
                 policy=Policy(exclude=("fixtures",)))
    assert report.notes == ["the policy's `exclude` left out 2 files"]


def test_a_credential_pattern_is_dropped_only_on_a_line_with_a_secret():
    cred = finding(Severity.MEDIUM, rule="py.hardcoded-credential")._replace(cwe=("CWE-798",))
    other = cred._replace(rule_id="py.sql-injection", cwe=("CWE-89",))
    secret = finding(Severity.HIGH, rule=RULE)._replace(kind="secret")
    assert core._secrets_own_credentials([cred, other]) == [cred, other]
    assert core._secrets_own_credentials([cred, other, secret]) == [other, secret]
    assert core._secrets_own_credentials([cred, secret._replace(line=2)]) == [
        cred, secret._replace(line=2)]


def test_the_dependency_scanner_runs_when_asked_and_only_then():
    deps = change("requirements.txt", "reqeusts==2.31.0")
    report = core.check(ChangeSet([deps], "patch"), Policy(), scanners=("dependencies",))
    assert [(f.rule_id, f.path, f.line) for f in report.findings] == [("dep.typosquat", "requirements.txt", 1)]
    assert run(deps).findings == []


def test_an_allow_comment_on_the_next_line_does_not_apply():
    report = run(change("a.py", "x = 1", key_line(14), f"# tightrope: allow {RULE} test fixture, revoked"))
    assert [f.line for f in report.findings] == [2] and report.suppressed == 0


def test_findings_after_a_disabled_or_allowed_one_are_still_reported():
    other = change("b.py", f'GROQ = "{groq_key()}"')
    report = run(change("a.py", key_line(15)), other, policy=Policy(disable=(RULE,)))
    assert [f.path for f in report.findings] == ["b.py"]
    report = run(change("a.py", key_line(16, f"  # tightrope: allow {RULE} test fixture, revoked")), other)
    assert [f.path for f in report.findings] == ["b.py"] and report.suppressed == 1


def test_no_exclude_note_when_nothing_is_excluded_even_for_many_files():
    many = [change(f"m{i}.py", "x = 1") for i in range(300)]  # past CPython's small-int cache
    report = run(*many)
    assert report.notes == [] and report.scanned_files == 300


def test_only_a_deleted_file_is_noted_as_deleted():
    for status in ("modified", "renamed", "copied"):
        report = run(FileChange(path="m.py", status=status, old_path="o.py" if status != "modified" else ""))
        assert report.notes == [], status
