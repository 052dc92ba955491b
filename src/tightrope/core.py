"""check(changes, policy) -> Report. Knows no front end, no forge, no reporter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase

from tightrope.diff import FileChange, whole_file_as_added
from tightrope.findings import Confidence, Finding, Report, Severity, public_fingerprint
from tightrope.gitio import ChangeSet
from tightrope.policy import Policy
from tightrope.records import TYPE_CHECKING
from tightrope.redaction import redact
from tightrope.suppress import inline_allowed

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from tightrope import caps

SCANNERS = ("secrets", "patterns", "dependencies")


def _excluded(path: str, globs: Iterable[str]) -> bool:
    return any(fnmatchcase(path, g) or fnmatchcase(path, g.rstrip("/") + "/*") for g in globs)


def _skip_notes(changes: list[FileChange]) -> list[str]:
    notes = []
    for c in changes:
        if c.skipped:
            notes.append(f"{c.path}: skipped ({c.skipped})")
        elif c.status == "deleted":
            notes.append(f"{c.path}: skipped (deleted file: nothing added)")
        if c.undecodable_lines:
            notes.append(f"{c.path}: {c.undecodable_lines} added line(s) are not UTF-8; scanned with replacement characters")
    return notes


def _secrets_own_credentials(raw: list[Finding]) -> list[Finding]:
    """The secrets scanner owns secrets: a pattern rule's hard-coded-credential finding on a
    line where a secret was found says the same thing twice, so it is dropped."""
    secret_lines = {(f.path, f.line) for f in raw if f.kind == "secret"}
    return [f for f in raw if not (f.kind == "pattern" and "CWE-798" in f.cwe and (f.path, f.line) in secret_lines)]


UNSCANNED_RULE = "secret.not-scanned"
_CI_SOURCES = ("range", "commit", "history")  # what leaves the machine: not scanning is a finding


def _moved_in(change: FileChange, policy: Policy, read) -> FileChange:
    """A file renamed or copied out of an excluded path brings its whole content in: its
    lines were never scanned, so they count as added (else `git mv` hides a secret)."""
    if change.status in ("renamed", "copied") and change.old_path and _excluded(change.old_path, policy.exclude) \
            and not _excluded(change.path, policy.exclude):
        content = read(change.path)
        if content is not None:
            return whole_file_as_added(change.path, content)
    return change


def _unscanned(change: FileChange, commit: str = "") -> Finding:
    where = f"in commit {commit[:12]}" if commit else "in this change"
    return Finding(
        rule_id=UNSCANNED_RULE, kind="secret", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
        path=change.path, line=0, commit=commit, title="Content not scanned for secrets",
        message=f"{change.path} {where} is binary content ({change.skipped}) that was not scanned for secrets",
        fingerprint=public_fingerprint(UNSCANNED_RULE, change.path, change.blob or commit),
        help="Commit text as text (UTF-8, or UTF-16/32 with a BOM); keep secrets out of binary files; "
             "accept this file with the baseline or an allow comment once it has been reviewed.",
    )


_KEY_STORES = (".p12", ".pfx")  # PKCS#12: a certificate with its private key, binary


def _key_store(change: FileChange, commit: str = "") -> Finding | None:
    """A PKCS#12 file added or changed: it bundles a private key, so its name is the finding
    (its content is binary; a base64 key store in text is the secrets scanner's)."""
    if change.status == "deleted" or not change.path.lower().endswith(_KEY_STORES):
        return None
    from tightrope.scan import secret_filters
    from tightrope.scan.detectors.private_keys import PKCS12_HELP, PKCS12_RULE

    where = f"in commit {commit[:12]}" if commit else "in this change"
    fixture = secret_filters.is_test_path(change.path)  # a test suite's key store: shown, not blocking
    return Finding(
        rule_id=PKCS12_RULE, kind="secret", severity=Severity.CRITICAL, blocking=not fixture,
        confidence=Confidence.LOW if fixture else Confidence.MEDIUM,
        path=change.path, line=0, commit=commit, title="PKCS#12 key store file",
        message=f"{change.path} {where} is a PKCS#12 key store: it usually holds a private key",
        fingerprint=public_fingerprint(PKCS12_RULE, change.path, change.blob or commit), help=PKCS12_HELP,
    )


def _scan_commits(changeset: ChangeSet, policy: Policy, sources: dict,
                  progress: Callable[[int, int], None] | None = None) -> tuple[list[Finding], list[Finding], int, int]:
    """Secrets in each commit's own added lines, a blob once (oldest first, so a finding
    names the commit that added the value): what a net diff misses when a commit adds a
    token and a later one removes it. Returns (secret findings, not-scanned findings,
    files scanned, lines scanned)."""
    from tightrope import gitio
    from tightrope.scan import secrets

    found: list[Finding] = []
    unscanned: list[Finding] = []
    files = lines = 0
    seen: set[bytes] = set()  # blob ids, 20 bytes each: memory is bounded by the number of blobs
    assert changeset.root is not None
    total = gitio.count_commits(changeset.root, changeset.history) if progress else 0
    with gitio.BlobReader(changeset.root) as reader:
        commits = gitio.log_commits(changeset.root, changeset.history, reader, secrets.prefilter().search,
                                    renames=changeset.source != "history")
        for done, commit in enumerate(commits, start=1):
            if progress:
                progress(done, total)
            for change in commit.changes:
                change = _moved_in(change, policy, lambda p: reader.read(f"{commit.sha}:{p}"))
                if _excluded(change.path, policy.exclude) or change.status == "deleted":
                    continue
                blob = bytes.fromhex(change.blob) if change.blob else b""
                if blob and blob in seen:
                    continue
                seen.add(blob)
                store = _key_store(change, commit.sha)
                if store:
                    found.append(store._replace(author=commit.author, date=commit.date))
                elif change.skipped == "binary file":
                    unscanned.append(_unscanned(change, commit.sha))
                if not change.is_scannable or not change.added:
                    continue
                files, lines = files + 1, lines + len(change.added)
                hits = secrets.scan_lines(change.path, change.added)
                if hits:
                    sources[(commit.sha, change.path)] = {a.number: a.text for a in change.added}
                found += [f._replace(commit=commit.sha, author=commit.author, date=commit.date)
                          for f in hits]
        if changeset.source == "history" and found:
            at_head = _fingerprints_at(reader, changeset.rev, {f.path for f in found}) if changeset.rev else set()
            found = [f._replace(present_at_head=f.fingerprint in at_head) for f in found]
    return found, unscanned, files, lines


def _fingerprints_at(reader, rev: str, paths: set[str]) -> set[str]:
    """Fingerprints of the secrets in these files as they are at `rev` (HEAD)."""
    from tightrope.scan import secrets

    out: set[str] = set()
    for path in sorted(paths):
        content = reader.read(f"{rev}:{path}")
        if content is not None:
            change = whole_file_as_added(path, content)
            out |= {f.fingerprint for f in secrets.scan_lines(path, change.added)}
    return out


def apply_policy(finding: Finding, policy: Policy) -> Finding:
    override = policy.rules.get(finding.rule_id)
    blocking, severity = finding.blocking, finding.severity
    if override is not None:
        blocking = blocking if override.blocking is None else override.blocking
        severity = severity if override.severity is None else override.severity
    return finding._replace(severity=severity, blocking=blocking and severity >= policy.fail_on)


def check(
    changeset: ChangeSet,
    policy: Policy,
    *,
    scanners: Iterable[str] = SCANNERS,
    baseline: frozenset[str] | set[str] = frozenset(),
    progress: Callable[[int, int], None] | None = None,
    ci: bool = False,
) -> Report:
    """Scan `changeset` under `policy`. `progress(done, total)` is called per commit of a
    history scan (the front end draws it on a terminal). `ci`: a CI range run (stricter: a
    pattern scan that could not finish blocks)."""
    scanners = set(scanners)
    report = Report(notes=list(changeset.notes))
    changes = [_moved_in(c, policy, lambda p: changeset.read_files([p]).get(p)) for c in changeset.changes]
    report.notes += _skip_notes(changes)
    scannable = [c for c in changes if c.is_scannable and c.added]
    files = [c for c in scannable if not _excluded(c.path, policy.exclude)]
    if len(files) < len(scannable):
        left_out = len(scannable) - len(files)
        report.notes.append(f"the policy's `exclude` left out {left_out} file{'' if left_out == 1 else 's'}")
    report.scanned_files = len(files)
    report.scanned_lines = sum(len(c.added) for c in files)

    raw: list[Finding] = []
    sources: dict[tuple[str, str], dict[int, str]] = {}  # (commit, path) -> line table, for files with findings
    introduced: dict[str, Finding] = {}  # net secret fingerprint -> the commit finding that added it
    if "secrets" in scanners:
        from tightrope.scan import secrets

        for c in files:
            raw += secrets.scan_lines(c.path, c.added)
        raw += [f for c in changes if not _excluded(c.path, policy.exclude) and (f := _key_store(c))]
        if changeset.source in _CI_SOURCES:
            raw += [_unscanned(c) for c in changes if c.skipped == "binary file" and not _excluded(c.path, policy.exclude)
                    and not c.path.lower().endswith(_KEY_STORES)]
        if changeset.history and changeset.root is not None:
            by_commit, unscanned, n_files, n_lines = _scan_commits(changeset, policy, sources, progress)
            if changeset.source == "history":
                report.scanned_files, report.scanned_lines = n_files, n_lines
            net = {f.fingerprint for f in raw}
            for f in by_commit:
                if f.fingerprint in net:
                    introduced.setdefault(f.fingerprint, f)  # still there: report it once, where it is now
                else:
                    raw.append(f._replace(present_at_head=False) if changeset.source != "history" else f)
            raw += [f for f in unscanned if f.fingerprint not in net]
    if "dependencies" in scanners:
        from tightrope.scan import dependencies

        for c in files:
            raw += dependencies.scan_lines(c.path, c.added, policy)
    if "patterns" in scanners and policy.patterns:
        from tightrope.scan import patterns

        found, notes = patterns.scan(changeset, files, policy, ci=ci)
        raw += found
        report.notes += notes

    with_findings = {f.path for f in raw if not f.commit}  # a line table for those files only, not the whole diff
    sources.update({("", c.path): {a.number: a.text for a in c.added} for c in files if c.path in with_findings})
    for f in _secrets_own_credentials(raw):
        if f.rule_id in policy.disable or any(fnmatchcase(f.rule_id, d) for d in policy.disable):
            continue
        if f.fingerprint in baseline:
            report.suppressed += 1
            continue
        file_lines = sources.get((f.commit, f.path), {})
        verdicts = [inline_allowed(f, file_lines.get(n, "")) for n in range(f.line, f.end_line + 1)]
        if True in verdicts:
            report.suppressed += 1
            continue
        report.notes += [v for v in verdicts if isinstance(v, str)]
        report.findings.append(apply_policy(f, policy))
    report.findings.sort(key=Finding.sort_key)
    redact(report, sources)
    report.findings = [_named(f, introduced.get(f.fingerprint)) for f in report.findings]
    return report


def check_caps(facts: "caps.PullFacts", pulls: "caps.AgentPulls | None", policy: Policy,
               now: "datetime") -> Report:
    """The safe-output caps of one PR/MR, with the policy's rule overrides applied."""
    from tightrope import caps

    found, notes = caps.check(facts, pulls, policy, now)
    report = Report(notes=notes, scanned_files=len(facts.files or ()))
    report.findings = sorted((apply_policy(f, policy) for f in found
                              if not any(fnmatchcase(f.rule_id, d) for d in policy.disable)), key=Finding.sort_key)
    return report


def _named(f: Finding, by: Finding | None) -> Finding:
    """A secret still present in the net change names the commit that added it."""
    if by is None or f.commit:
        return f
    return f._replace(commit=by.commit, author=by.author, date=by.date, present_at_head=True)
