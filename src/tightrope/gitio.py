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
from collections.abc import Callable, Iterator

from tightrope.diff import FileChange, added_between, decode_text, parse_diff, whole_file_as_added
from tightrope.errors import GitError, UsageError
from tightrope.lazy_regex import lazy
from tightrope.records import Record, RecordTuple, TYPE_CHECKING

if TYPE_CHECKING:
    import git

    StrPath = str | os.PathLike[str]  # a repository root: a str from repo_root(), or a Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
INDEX = ":"  # ChangeSet.rev for content read from the index
_DIFF_FLAGS = [
    "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-M", "--submodule=short",
    "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none", "--full-index",
]


def run_git(root: StrPath | None, *args: str, input: bytes | None = None, check: bool = True,
            env: dict[str, str] | None = None) -> bytes:
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", **(env or {})}
    cmd = ["git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false", *args]
    try:
        proc = subprocess.run(cmd, cwd=root, input=input, capture_output=True, env=env)
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH", "install git and try again")
    if check and proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def repo_root(cwd: StrPath = ".") -> str:
    """The top of the work tree holding `cwd`, as a string: the secrets hook's path does
    without `pathlib` (importing it, with `urllib.parse` and `ipaddress`, was ~8 % of the
    hook's instructions); callers that join paths wrap it in `Path`."""
    where = os.fspath(cwd) or None
    if where is None or not os.path.isdir(where) or not os.access(where, os.R_OK | os.X_OK):
        problem = ("is empty" if where is None else "does not exist" if not os.path.exists(where)
                   else "is not a directory" if not os.path.isdir(where) else "cannot be read")
        raise GitError(f"the repository path {os.fspath(cwd)!r} {problem}", "give -C a directory inside a git repository")
    if _holds_own_git_dir(where):
        return os.path.realpath(where)
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True)
    if proc.returncode != 0:
        raise GitError(
            f"{os.path.abspath(cwd)} is not inside a git repository",
            "run tightrope inside a repository, or scan a patch with `tightrope scan --patch FILE`",
        )
    return os.fsdecode(proc.stdout.strip())


def _holds_own_git_dir(where: str) -> bool:
    """Is `where` the top of its own work tree, as git's discovery would find it first?
    True when it holds a repository (`.git/HEAD`) or a linked work tree's `.git` file and
    no GIT_DIR / GIT_WORK_TREE / GIT_COMMON_DIR points elsewhere. The hook runs at the top
    of the work tree, so this saves it a `git rev-parse` process; anything else asks git."""
    if any(name in os.environ for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR")):
        return False
    dot_git = os.path.join(where, ".git")
    if os.path.isfile(os.path.join(dot_git, "HEAD")):
        return True
    try:
        with open(dot_git, "rb") as f:
            return f.read(8) == b"gitdir: "
    except OSError:
        return False


class ChangeSet(Record):
    """What a scan looks at: the files a change touches and their added lines.

    `rev` says where the post-change content lives: INDEX for staged changes, a commit
    SHA for ranges, "" when there is no repository (a patch from stdin). `base` is the
    commit a range is judged against (its merge base): the policy, baseline and signers
    come from there; None for local runs (index / work tree). `history`: the `git log`
    revision arguments of the commits whose own added lines are scanned one by one (a
    range, a push, history), so that nothing added and removed again slips past.
    """

    __slots__ = ("changes", "source", "root", "rev", "notes", "base", "history")

    def __init__(self, changes: list[FileChange], source: str, root: StrPath | None = None, rev: str = "",
                 notes: list[str] | None = None, base: str | None = None, history: tuple[str, ...] = ()) -> None:
        self.changes = changes
        self.source = source  # staged | range | patch | all | commit | history
        self.root = root
        self.rev = rev
        self.notes: list[str] = [] if notes is None else notes
        self.base = base
        self.history = history

    def read_files(self, paths: list[str]) -> dict[str, bytes]:
        """Post-change content of `paths` from the index or the head commit (never the work tree)."""
        if self.root is None or not self.rev or not paths:
            return {}
        return read_blobs(self.root, [f"{self.rev}{p}" if self.rev == INDEX else f"{self.rev}:{p}" for p in paths], paths)


def read_blobs(root: StrPath, specs: list[str], names: list[str]) -> dict[str, bytes]:
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


def _is_shallow(root: StrPath) -> bool:
    return run_git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def resolve(root: StrPath, rev: str) -> str:
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


def merge_base(root: StrPath, a: str, b: str) -> str:
    """The merge base of two commits, or `a` itself when they share no history."""
    return run_git(root, "merge-base", a, b, check=False).strip().decode() or a


def show(root: StrPath, rev: str, path: str) -> bytes | None:
    """A file's bytes in a commit's tree; None when it is not there."""
    return read_blobs(root, [f"{rev}:{path}"], [path]).get(path)


def changed_paths(root: StrPath, a: str, b: str, paths: list[str]) -> list[str]:
    """Which of `paths` differ between two commits."""
    out = run_git(root, "diff", "--name-only", "-z", "--no-renames", a, b, "--", *[f":(literal){p}" for p in paths])
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def commit_exists(root: StrPath, sha: str) -> bool:
    return bool(run_git(root, "rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", check=False).strip())


def _has_head(root: StrPath) -> bool:
    return bool(run_git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def staged(root: StrPath) -> ChangeSet:
    # no base named: git compares the index with HEAD, or with the empty tree before the
    # first commit (one git process fewer on every hook run than asking whether HEAD exists)
    data = run_git(root, "diff", "--cached", *_DIFF_FLAGS, "--")
    return ChangeSet(_judged(root, parse_diff(data)), "staged", root, INDEX)


def commit_range(root: StrPath, spec: str) -> ChangeSet:
    """`BASE..HEAD` or `BASE...HEAD`: what HEAD adds since it forked from BASE."""
    sep = "..." if "..." in spec else ".."
    if sep not in spec:
        raise UsageError(f"--range wants BASE..HEAD, got {spec!r}", "for example: --range origin/main..HEAD")
    base_name, head_name = spec.split(sep, 1)
    head = resolve(root, head_name or "HEAD")
    base = resolve(root, base_name or "HEAD")
    merge_base = run_git(root, "merge-base", base, head, check=False).strip().decode()
    trusted = merge_base or base  # unrelated histories: judged on the target's policy
    if not merge_base:
        if _is_shallow(root):
            raise GitError(
                f"{base_name} and {head_name or 'HEAD'} share no history in this shallow clone",
                "fetch more history: `git fetch --unshallow` (or `fetch-depth: 0` in CI)",
            )
        merge_base = EMPTY_TREE  # unrelated histories: everything in HEAD is new
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, merge_base, head, "--")))
    cs = ChangeSet(changes, "range", root, head, base=trusted, history=(head, f"^{base}"))
    if merge_base == head:
        cs.notes.append(f"empty range {spec}: nothing to scan")
    return cs


def history(root: StrPath, spec: str) -> ChangeSet:
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


def count_commits(root: StrPath, revs: tuple[str, ...]) -> int:
    return int(run_git(root, "rev-list", "--count", *revs, "--").strip() or 0)


def unpushed(root: StrPath, remote: str, local: str = "HEAD") -> ChangeSet:
    """A first push (no remote ref): what `local` has that no ref of `remote` has."""
    head = resolve(root, local)
    shas = run_git(root, "rev-list", "--topo-order", "--reverse", head, "--not", f"--remotes={remote}").split()
    if not shas:
        return ChangeSet([], "range", root, head, ["nothing to push: nothing to scan"])
    parents = run_git(root, "rev-list", "--parents", "-n", "1", shas[0].decode()).split()[1:]
    base = parents[0].decode() if parents else EMPTY_TREE
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, base, head, "--")))
    return ChangeSet(changes, "range", root, head, base=None if base == EMPTY_TREE else base,
                     history=(head, "--not", f"--remotes={remote}"))


def last_commit(root: StrPath) -> ChangeSet:
    if not _has_head(root):
        return ChangeSet([], "commit", root, "", ["no commits and nothing staged: nothing to scan"])
    head = resolve(root, "HEAD")
    parents = run_git(root, "rev-list", "--parents", "-n", "1", head).split()[1:]
    parent = parents[0].decode() if parents else EMPTY_TREE
    changes = _judged(root, parse_diff(run_git(root, "diff", *_DIFF_FLAGS, parent, head, "--")))
    cs = ChangeSet(changes, "commit", root, head)
    if not parents and run_git(root, "rev-parse", "--is-shallow-repository").strip() == b"true":
        cs.notes.append(f"{head[:12]} has no parent in this shallow clone, so its whole tree was scanned as added; "
                        "`git fetch --deepen=1` brings the parent and limits the scan to what the commit adds")
    if len(parents) > 1:
        cs.notes.append(f"{head[:12]} is a merge commit: scanned what it brings in over its first parent")
    return cs


def relative_path(root: StrPath, name: str) -> str:
    """`name` (relative to the current directory, or absolute) as a path from the repository root."""
    head, tail = os.path.split(os.path.join(os.getcwd(), name).rstrip(os.sep))
    # the directories resolved, the last part not: a symlinked file is named as itself
    real = os.path.join(os.path.realpath(head or os.sep), tail)
    return os.path.relpath(real, os.path.realpath(root)).replace(os.sep, "/")


def tracked_files(root: StrPath, only: set[str] | None = None) -> ChangeSet:
    """Every file in the index (or those of `only` that are), seen as newly added (a full sweep)."""
    entries = run_git(root, "ls-files", "-s", "-z").split(b"\0")
    paths: list[str] = []
    submodules: list[str] = []
    for entry in entries:
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        name = path.decode("utf-8", "surrogateescape")
        if only is not None and name not in only:
            continue
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

    def __init__(self, root: StrPath) -> None:
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


def _judged(root: StrPath, changes: list[FileChange]) -> list[FileChange]:
    binaries = [c for c in changes if c.skipped == "binary file" and c.blob]
    if binaries:
        with BlobReader(root) as reader:
            for c in binaries:
                judge_binary(reader, c)
    return changes


class Commit(RecordTuple):
    sha: str
    author: str
    date: str  # author date, ISO 8601
    changes: list[FileChange]


_COMMIT_MARK = b"\0tightrope-commit "


_MUST_PARSE = lazy(rb"^(?:Binary files |GIT binary patch|rename from |copy from )", re.MULTILINE)


def log_commits(root: StrPath, revs: tuple[str, ...] | list[str], reader: BlobReader | None = None,
                keywords: Callable[[bytes], bool] | None = None, renames: bool = True) -> Iterator[Commit]:
    """Each commit of `revs` (oldest first) with the lines it adds over its first parent,
    from ONE `git log -p` stream read commit by commit (memory: the largest commit).
    Merge commits bring nothing of their own here (their side's commits are listed).

    With `keywords` (a test of lower-cased bytes), only the files whose patch passes it
    (or that are binary or renamed, judged separately) are parsed.
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


def _file_diffs(data: bytes) -> Iterator[bytes]:
    """A commit's patch cut before each `diff --git ` line (a find, not a regex split)."""
    start, at = 0, data.find(b"\ndiff --git ") + 1
    while at:
        yield data[start:at]
        start, at = at, data.find(b"\ndiff --git ", at) + 1
    yield data[start:]


def _commit(header: bytes, data: bytes, reader: BlobReader | None,
            keywords: Callable[[bytes], bool] | None) -> Commit:
    sha, author, date = (header.split(b"\x1f") + [b"", b""])[:3]
    if keywords is not None:  # only the files whose patch holds a keyword are parsed
        data = b"".join(part for part in _file_diffs(data) if keywords(part.lower()) or _MUST_PARSE.search(part))
    changes = parse_diff(data) if data else []
    if reader is not None:
        for c in changes:
            if c.skipped == "binary file" and c.blob:
                judge_binary(reader, c)
    return Commit(sha.decode(), author.decode("utf-8", "replace"), date.decode(), changes)


_DIFF_HEADER = lazy(rb"^(?:diff --git |--- |\+\+\+ |@@ )", re.MULTILINE)


def patch(data: bytes, root: StrPath | None = None) -> ChangeSet:
    """A unified diff. Empty input is an empty diff (a `git diff` with no changes); input
    that holds no diff at all is an error, so a broken pipe in CI never passes as clean."""
    if not data.strip():
        return ChangeSet([], "patch", root, "", ["empty diff: nothing to scan"])
    changes = parse_diff(data)
    if not changes and not _DIFF_HEADER.search(data):
        raise UsageError("the --patch input holds no unified diff",
                         "pipe `git diff` (or `diff -u`) output into `tightrope scan --patch -`")
    return ChangeSet(changes, "patch", root, "")


def commit_files(root: StrPath, sha: str, parents: list[str]) -> tuple[str, ...]:
    """Paths a commit changes, renames as delete + add: against its parent, or, for a merge,
    its own changes (the resolution: paths that differ from every parent, `--cc`)."""
    if len(parents) > 1:
        out = run_git(root, "diff-tree", "-r", "--cc", "--name-only", "-z", "--no-commit-id", sha)
    else:
        out = run_git(root, "diff-tree", "-r", "--name-only", "-z", "--no-renames", parents[0] if parents else EMPTY_TREE, sha)
    return tuple(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)


def verify_commit_signature(root: StrPath, sha: str, allowed_signers: StrPath) -> tuple[bool, str, str]:
    """(ok, principal, key fingerprint) from `git verify-commit` with SSH signatures and this
    allowed-signers file."""
    import re

    proc = subprocess.run(["git", "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}",
                           "verify-commit", sha], cwd=root, capture_output=True, env={**os.environ, "LC_ALL": "C"})
    m = re.search(rb'Good "git" signature for (\S+) with \S+ key (SHA256:[A-Za-z0-9+/]+)', proc.stderr)
    if proc.returncode != 0 or m is None:
        return False, "", ""
    return True, m.group(1).decode("utf-8", "replace"), m.group(2).decode()


def landings(root: StrPath, base: str, head: str) -> dict[str, tuple[int, str]]:
    """sha -> (committer date, sha) of the first-parent commit of `head` that brought it in
    over `base`: when each commit landed on the branch whose history `head` is."""
    out: dict[str, tuple[int, str]] = {}
    chain = run_git(root, "log", "--first-parent", "--format=%H %ct %P", f"{base}..{head}").decode().splitlines()
    for line in chain:
        sha, date, *parents = line.split()
        excluded = [f"^{parents[0]}"] if parents else []
        for brought in run_git(root, "rev-list", sha, *excluded, f"^{base}").decode().split():
            out[brought] = (int(date), sha)
    return out


def commits(root: StrPath, spec: str) -> Iterator["git.Commit"]:
    """Commits of a range, oldest first (GitPython: metadata reads better than parsing)."""
    import git

    repo = git.Repo(root)
    yield from reversed(list(repo.iter_commits(spec)))


# --- safe outputs: build a commit from an agent's patch and push it, never running its code ---

def commit_patch(root: StrPath, base: str, patch_data: bytes, message: str) -> str:
    """Apply a patch to `base` in a throwaway index and commit it with `commit-tree`: the work
    tree is not touched and no hook runs. GitError when the patch does not apply."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tightrope-") as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        run_git(root, "read-tree", base, env=env)
        run_git(root, "apply", "--cached", "--whitespace=nowarn", "-", input=patch_data, env=env)
        tree = run_git(root, "write-tree", env=env).strip().decode()
    ident = {}
    if run_git(root, "var", "GIT_COMMITTER_IDENT", check=False).strip() == b"":
        ident = {"GIT_AUTHOR_NAME": "tightrope safe-outputs", "GIT_AUTHOR_EMAIL": "safe-outputs@tightrope.invalid",
                 "GIT_COMMITTER_NAME": "tightrope safe-outputs", "GIT_COMMITTER_EMAIL": "safe-outputs@tightrope.invalid"}
    return run_git(root, "commit-tree", tree, "-p", base, input=message.encode(), env=ident).strip().decode()


def numstat(root: StrPath, base: str, head: str) -> list[tuple[str, str, int, int]]:
    """(path, old path of a rename or "", added, removed) per file of `head` against its merge
    base with `base` (what a PR changes); binary files count 0."""
    out = run_git(root, "diff", "--numstat", "-z", "-M", f"{base}...{head}").split(b"\0")
    rows, i = [], 0
    while i < len(out) and out[i]:
        added, removed, path = out[i].split(b"\t", 2)
        old = b""
        if not path:  # a rename: the old and new paths follow
            old, path = out[i + 1], out[i + 2]
            i += 2
        i += 1
        rows.append((path.decode("utf-8", "surrogateescape"), old.decode("utf-8", "surrogateescape"),
                     int(added) if added.isdigit() else 0, int(removed) if removed.isdigit() else 0))
    return rows


def commit_log(root: StrPath, spec: str) -> list[tuple[str, str, str, str]]:
    """(sha, message, author name, author email) of each commit in `spec`, newest first."""
    out = run_git(root, "log", "-z", "--no-color", "--format=%H%x00%an%x00%ae%x00%B", spec).split(b"\0")
    fields = [f.decode("utf-8", "replace") for f in out]
    return [(fields[i], fields[i + 3], fields[i + 1], fields[i + 2]) for i in range(0, len(fields) - 3, 4)]


def valid_branch_name(root: StrPath, name: str) -> bool:
    return run_git(root, "check-ref-format", "--branch", name, check=False).strip() == name.encode()


def remote_branch_exists(root: StrPath, remote: str, branch: str) -> bool:
    return bool(run_git(root, "ls-remote", "--heads", remote, f"refs/heads/{branch}").strip())


def push_new_branch(root: StrPath, remote: str, sha: str, branch: str) -> None:
    """Create `branch` on `remote` at `sha`; refused if it already exists (never moves a branch)."""
    run_git(root, "push", "--no-verify", "--quiet", f"--force-with-lease=refs/heads/{branch}:", remote,
            f"{sha}:refs/heads/{branch}")


def delete_remote_branch(root: StrPath, remote: str, branch: str, sha: str) -> None:
    """Roll back a push: delete `branch` only while it still points at `sha`."""
    run_git(root, "push", "--no-verify", "--quiet", f"--force-with-lease=refs/heads/{branch}:{sha}", remote,
            f":refs/heads/{branch}", check=False)
