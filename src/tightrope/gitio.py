"""The only module that talks to git.

The hook's hot path uses plain `git` subprocess calls (bytes, no colour, no external
diff, no pager): one `git diff` and, when patterns need whole files, one
`git cat-file --batch`. GitPython is used where walking commits reads better
(`commits()` for verify and log) and is imported only there.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from tightrope.diff import FileChange, added_between, decode_text, parse_diff, whole_file_as_added
from tightrope.errors import GitError, UsageError

if TYPE_CHECKING:
    import git

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
INDEX = ":"  # ChangeSet.rev for content read from the index
_DIFF_FLAGS = [
    "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-M", "--submodule=short",
    "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none", "--full-index",
]


def run_git(root: Path | str | None, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    cmd = ["git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false", *args]
    try:
        proc = subprocess.run(cmd, cwd=root, input=input, capture_output=True, env=env)
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH", "install git and try again")
    if check and proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def repo_root(cwd: Path | str = ".") -> Path:
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True)
    if proc.returncode != 0:
        raise GitError(
            f"{os.path.abspath(cwd)} is not inside a git repository",
            "run tightrope inside a repository, or scan a patch with `tightrope scan --patch FILE`",
        )
    return Path(os.fsdecode(proc.stdout.strip()))


@dataclass
class ChangeSet:
    """What a scan looks at: the files a change touches and their added lines.

    `rev` says where the post-change content lives: INDEX for staged changes, a commit
    SHA for ranges, "" when there is no repository (a patch from stdin).
    """

    changes: list[FileChange]
    source: str  # staged | range | patch | all | commit | history
    root: Path | None = None
    rev: str = ""
    notes: list[str] = field(default_factory=list)
    # `git log` revision arguments: the commits whose own added lines are scanned one by
    # one (a range, a push, history), so that nothing added and removed again slips past.
    history: tuple[str, ...] = ()

    def read_files(self, paths: list[str]) -> dict[str, bytes]:
        """Post-change content of `paths` from the index or the head commit (never the work tree)."""
        if self.root is None or not self.rev or not paths:
            return {}
        return read_blobs(self.root, [f"{self.rev}{p}" if self.rev == INDEX else f"{self.rev}:{p}" for p in paths], paths)


def read_blobs(root: Path, specs: list[str], names: list[str]) -> dict[str, bytes]:
    """Read many blobs in one `git cat-file --batch` call; missing ones are left out."""
    payload = "".join(s + "\n" for s in specs).encode("utf-8", "surrogateescape")
    out = run_git(root, "cat-file", "--batch", input=payload)
    result: dict[str, bytes] = {}
    pos = 0
    for name in names:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split(b" ")
        pos = nl + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            result[name] = out[pos:pos + size]
            pos += size + 1
    return result


def _is_shallow(root: Path) -> bool:
    return run_git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def resolve(root: Path, rev: str) -> str:
    out = run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False).strip()
    if out:
        return out.decode()
    if _is_shallow(root):
        raise GitError(
            f"unknown revision {rev!r}: this is a shallow clone and {rev!r} is not in it",
            "fetch more history: `git fetch --unshallow` (or `actions/checkout` with `fetch-depth: 0`, "
            "GitLab `GIT_DEPTH: 0`)",
        )
    raise GitError(f"unknown revision {rev!r}", "check the name with `git log --oneline`; fetch it if it is remote")


def commit_exists(root: Path, sha: str) -> bool:
    return bool(run_git(root, "rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", check=False).strip())


def _has_head(root: Path) -> bool:
    return bool(run_git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def staged(root: Path) -> ChangeSet:
    base = "HEAD" if _has_head(root) else EMPTY_TREE
    data = run_git(root, "diff", "--cached", *_DIFF_FLAGS, base, "--")
    return ChangeSet(_judged(root, parse_diff(data)), "staged", root, INDEX)


def commit_range(root: Path, spec: str) -> ChangeSet:
    """`BASE..HEAD` or `BASE...HEAD`: what HEAD adds since it forked from BASE."""
    sep = "..." if "..." in spec else ".."
    if sep not in spec:
        raise UsageError(f"--range wants BASE..HEAD, got {spec!r}", "for example: --range origin/main..HEAD")
    base_name, head_name = spec.split(sep, 1)
    head = resolve(root, head_name or "HEAD")
    base = resolve(root, base_name or "HEAD")
    merge_base = run_git(root, "merge-base", base, head, check=False).strip().decode()
    if not merge_base:
        if _is_shallow(root):
            raise GitError(
                f"{base_name} and {head_name or 'HEAD'} share no history in this shallow clone",
                "fetch more history: `git fetch --unshallow` (or `fetch-depth: 0` in CI)",
            )
        merge_base = EMPTY_TREE  # unrelated histories: everything in HEAD is new
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, merge_base, head, "--")))
    cs = ChangeSet(changes, "range", root, head, history=(head, f"^{base}"))
    if merge_base == head:
        cs.notes.append(f"empty range {spec}: nothing to scan")
    return cs


def history(root: Path, spec: str) -> ChangeSet:
    """Every commit `spec` names (`--all`, a revision, or `A..B`), scanned commit by commit."""
    if spec == "--all":
        revs: tuple[str, ...] = ("--all",)
    elif ".." in spec:
        sep = "..." if "..." in spec else ".."
        base, head = spec.split(sep, 1)
        revs = (resolve(root, head or "HEAD"), f"^{resolve(root, base or 'HEAD')}")
    else:
        revs = (resolve(root, spec),)
    head = resolve(root, "HEAD") if _has_head(root) else ""
    return ChangeSet([], "history", root, head, history=revs)


def count_commits(root: Path, revs: tuple[str, ...]) -> int:
    return int(run_git(root, "rev-list", "--count", *revs, "--").strip() or 0)


def unpushed(root: Path, remote: str, local: str = "HEAD") -> ChangeSet:
    """A first push (no remote ref): what `local` has that no ref of `remote` has."""
    head = resolve(root, local)
    shas = run_git(root, "rev-list", "--topo-order", "--reverse", head, "--not", f"--remotes={remote}").split()
    if not shas:
        return ChangeSet([], "range", root, head, ["nothing to push: nothing to scan"])
    parents = run_git(root, "rev-list", "--parents", "-n", "1", shas[0].decode()).split()[1:]
    base = parents[0].decode() if parents else EMPTY_TREE
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, base, head, "--")))
    return ChangeSet(changes, "range", root, head, history=(head, "--not", f"--remotes={remote}"))


def last_commit(root: Path) -> ChangeSet:
    if not _has_head(root):
        return ChangeSet([], "commit", root, "", ["no commits and nothing staged: nothing to scan"])
    head = resolve(root, "HEAD")
    parents = run_git(root, "rev-list", "--parents", "-n", "1", head).split()[1:]
    parent = parents[0].decode() if parents else EMPTY_TREE
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, parent, head, "--")))
    cs = ChangeSet(changes, "commit", root, head)
    if len(parents) > 1:
        cs.notes.append(f"{head[:12]} is a merge commit: scanned what it brings in over its first parent")
    return cs


def tracked_files(root: Path) -> ChangeSet:
    """Every file in the index, seen as newly added (a first full sweep)."""
    entries = run_git(root, "ls-files", "-s", "-z").split(b"\0")
    paths: list[str] = []
    submodules: list[str] = []
    for entry in entries:
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        name = path.decode("utf-8", "surrogateescape")
        if meta.startswith(b"160000"):
            submodules.append(name)
        elif meta.split(b" ")[2] == b"0":  # stage 0 only (skip conflict stages)
            paths.append(name)
    blobs = read_blobs(root, [f":{p}" for p in paths], paths)
    changes = [whole_file_as_added(p, blobs.get(p, b"")) for p in paths]
    changes += [FileChange(path=s, status="added", skipped="submodule") for s in submodules]
    return ChangeSet(changes, "all", root, INDEX)


class BlobReader:
    """One `git cat-file --batch` process for many reads (blob ids or `rev:path`)."""

    def __init__(self, root: Path) -> None:
        self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read(self, spec: str) -> bytes | None:
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split(b" ")
        if len(header) != 3:
            return None
        data = self._proc.stdout.read(int(header[2]) + 1)[:-1]
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            self._proc.wait()

    def __enter__(self) -> "BlobReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def judge_binary(reader: BlobReader, change: FileChange) -> None:
    """git called this change binary (a NUL byte, UTF-16, `.gitattributes` `-diff` or
    `binary`): decide by content. Text is scanned like any diff; what stays binary keeps
    `skipped` and is reported as not scanned."""
    new = reader.read(change.blob) if change.blob else None
    text = decode_text(new) if new is not None else None
    if text is None:
        return
    old = reader.read(change.old_blob) if change.old_blob else b""
    change.added = added_between(decode_text(old or b"") or "", text)
    change.skipped = ""


def _judged(root: Path, changes: list[FileChange]) -> list[FileChange]:
    binaries = [c for c in changes if c.skipped == "binary file" and c.blob]
    if binaries:
        with BlobReader(root) as reader:
            for c in binaries:
                judge_binary(reader, c)
    return changes


@dataclass
class Commit:
    sha: str
    author: str
    date: str  # author date, ISO 8601
    changes: list[FileChange]


_COMMIT_MARK = b"\0tightrope-commit "


_MUST_PARSE = re.compile(rb"^(?:Binary files |GIT binary patch|rename from |copy from )", re.MULTILINE)


def log_commits(root: Path, revs: tuple[str, ...] | list[str], reader: BlobReader | None = None,
                keywords: "re.Pattern[bytes] | None" = None, renames: bool = True) -> Iterator[Commit]:
    """Each commit of `revs` (oldest first) with the lines it adds over its first parent,
    from ONE `git log -p` stream read commit by commit (memory: the largest commit).
    Merge commits bring nothing of their own here (their side's commits are listed).

    With `keywords` (a pattern of lower-case bytes), only the files whose patch matches
    one of them (or that are binary or renamed, judged separately) are parsed.
    `renames=False` (a whole history): a moved file is a deleted and an added blob, and
    the added blob was already scanned at its old path unless that path was excluded."""
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    flags = _DIFF_FLAGS if renames else [f for f in _DIFF_FLAGS if f != "-M"] + ["--no-renames"]
    cmd = ["git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false", "log", "--reverse", "--topo-order",
           "-p", "--format=%x00tightrope-commit %H%x1f%an%x1f%aI", *flags, *revs, "--"]
    import tempfile

    errors = tempfile.TemporaryFile()  # git's messages (never content); a pipe could fill up
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=errors, env=env)
    assert proc.stdout is not None
    _widen_pipe(proc.stdout.fileno())
    try:
        for header, data in _split_commits(proc.stdout):
            yield _commit(header, data, reader, keywords)
        if proc.wait() != 0:
            errors.seek(0)
            raise GitError(f"git log failed: {errors.read().decode(errors='replace').strip()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errors.close()


def _widen_pipe(fd: int, size: int = 1 << 20) -> None:
    """Let git run ahead of the parser (Linux: the pipe holds 1 MiB instead of 64 KiB)."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (ImportError, OSError):
        pass  # another OS, or over /proc/sys/fs/pipe-max-size: the default pipe works too


def _split_commits(stream, block: int = 1 << 20) -> Iterator[tuple[bytes, bytes]]:
    """(header, patch) per commit from `git log` output read in large blocks; each byte is
    searched once, and only the commit being read is held."""
    buf, scan = bytearray(), 1
    while True:
        more = stream.read(block)
        buf += more
        start = 0
        at = buf.find(_COMMIT_MARK, scan)
        while at >= 0:
            yield _header_and_patch(buf, start, at)
            start = at
            at = buf.find(_COMMIT_MARK, at + 1)
        if not more:
            if len(buf) > start:
                yield _header_and_patch(buf, start, len(buf))
            return
        del buf[:start]
        scan = max(1, len(buf) - len(_COMMIT_MARK) + 1)


def _header_and_patch(buf: bytearray, start: int, end: int) -> tuple[bytes, bytes]:
    nl = buf.find(b"\n", start, end)
    nl = end if nl < 0 else nl
    return bytes(buf[start + len(_COMMIT_MARK):nl]), bytes(buf[nl + 1:end])


_FILE_DIFF = re.compile(rb"^(?=diff --git )", re.MULTILINE)


def _commit(header: bytes, data: bytes, reader: BlobReader | None,
            keywords: "re.Pattern[bytes] | None") -> Commit:
    sha, author, date = (header.split(b"\x1f") + [b"", b""])[:3]
    if keywords is not None:  # only the files whose patch holds a keyword are parsed
        data = b"".join(part for part in _FILE_DIFF.split(data)
                        if keywords.search(part.lower()) or _MUST_PARSE.search(part))
    changes = parse_diff(data) if data else []
    if reader is not None:
        for c in changes:
            if c.skipped == "binary file" and c.blob:
                judge_binary(reader, c)
    return Commit(sha.decode(), author.decode("utf-8", "replace"), date.decode(), changes)


def patch(data: bytes, root: Path | None = None) -> ChangeSet:
    return ChangeSet(parse_diff(data), "patch", root, "")


def commit_files(root: Path, sha: str, parent: str | None) -> tuple[str, ...]:
    """Paths a commit changes against its (first) parent, renames as delete + add."""
    out = run_git(root, "diff-tree", "-r", "--name-only", "-z", "--no-renames", parent or EMPTY_TREE, sha)
    return tuple(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)


def verify_commit_signature(root: Path, sha: str, allowed_signers: Path) -> tuple[bool, str]:
    """(ok, principal) from `git verify-commit` with SSH signatures and this allowed-signers file."""
    import re

    proc = subprocess.run(["git", "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}",
                           "verify-commit", sha], cwd=root, capture_output=True, env={**os.environ, "LC_ALL": "C"})
    m = re.search(rb'Good "git" signature for (\S+) with', proc.stderr)
    return proc.returncode == 0 and m is not None, (m.group(1).decode("utf-8", "replace") if m else "")


def commits(root: Path, spec: str) -> Iterator["git.Commit"]:
    """Commits of a range, oldest first (GitPython: metadata reads better than parsing)."""
    import git

    repo = git.Repo(root)
    yield from reversed(list(repo.iter_commits(spec)))
