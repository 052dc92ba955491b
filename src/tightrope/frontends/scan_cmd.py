"""`tightrope scan`: pick what to look at, run the core, render, set the exit code."""

from __future__ import annotations

import argparse
import os
import sys

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, GitError, UsageError
from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

DEFAULT_SCANNERS = "secrets,patterns,dependencies"


def add_scan_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by `scan` and `baseline`: what to look at and which policy."""
    what = p.add_mutually_exclusive_group()
    what.add_argument("--staged", action="store_true", help="the index against HEAD (default in a pre-commit hook)")
    what.add_argument("--range", metavar="BASE..HEAD", help="a commit range (what CI uses)")
    what.add_argument("--patch", metavar="FILE", help="a unified diff from FILE, or - for stdin")
    what.add_argument("--all", action="store_true", help="every tracked file as if newly added")
    what.add_argument("--history", nargs="?", const="HEAD", metavar="REV-RANGE",
                      help="secrets in every commit's added lines (default: all HEAD reaches; or A..B), "
                           "each finding with its commit, author, date and whether it is still at HEAD")
    what.add_argument("--all-refs", action="store_true", help="--history over every branch and tag")
    p.add_argument("-C", dest="repo", default=".", metavar="DIR", help="the repository (default: .)")
    p.add_argument("--policy", metavar="FILE", help="policy file, or - for stdin (default: .tightrope.toml or "
                   "pyproject's [tool.tightrope], read from the range's base commit for --range and pre-push)")
    p.add_argument("--scanners", default=DEFAULT_SCANNERS,
                   help=f"comma-separated subset of {DEFAULT_SCANNERS} (default: all)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="scan the lines a change adds",
                       description="Scan only the lines a change adds. With no flag: staged changes if any, "
                                   "else the last commit. Exit 0 clean, 1 blocking findings, 2 usage error.")
    add_scan_arguments(p)
    from tightrope.report import FORMATS

    p.add_argument("--format", action="append", choices=FORMATS,
                   help="output format; repeat with --output for several reports (default: text)")
    p.add_argument("--output", action="append", metavar="FILE", help="write the matching --format here")
    p.add_argument("--no-baseline", action="store_true", help="report baselined findings too")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="limit a staged scan to these paths; a path with nothing staged is scanned whole "
                        "(what `pre-commit run --all-files` passes)")
    p.add_argument("--branch", help="with --range: the branch the range lands on (default: GITHUB_BASE_REF, "
                                    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME, the pushed branch, or BASE's name)")
    p.set_defaults(func=run)


def select_changes(args: argparse.Namespace):
    """The ChangeSet the flags (or, in a hook, pre-commit's environment) point at."""
    from tightrope import gitio

    if args.patch:
        data = sys.stdin.buffer.read() if args.patch == "-" else _read_patch(args.patch)
        try:
            root = gitio.repo_root(args.repo)
        except GitError:
            root = None  # a patch needs no repository
        return gitio.patch(data, root)
    root = gitio.repo_root(args.repo)
    if args.history or args.all_refs:
        return gitio.history(root, "--all" if args.all_refs else args.history)
    if args.range:
        return gitio.commit_range(root, args.range)
    if args.all:
        return gitio.tracked_files(root)
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if not args.staged and from_ref and to_ref:  # pre-push (or manual stage with refs)
        return _only(root, gitio.commit_range(root, f"{from_ref}..{to_ref}"), args)
    if not args.staged and os.environ.get("PRE_COMMIT_REMOTE_NAME"):  # first push: no refs
        return _only(root, gitio.unpushed(root, os.environ["PRE_COMMIT_REMOTE_NAME"]), args)
    staged = gitio.staged(root)
    if getattr(args, "files", None):
        return _staged_or_whole(root, staged, args.files)
    if staged.changes or args.staged or os.environ.get("PRE_COMMIT"):
        return staged
    return gitio.last_commit(root)  # nothing staged: the last commit


def _only(root: StrPath, changeset, args: argparse.Namespace):
    """A pushed range limited to the files pre-commit passed: it splits long file lists over
    several runs of the hook, and each run must scan only its share."""
    from tightrope import gitio

    if getattr(args, "files", None):
        wanted = {gitio.relative_path(root, f) for f in args.files}
        changeset.changes = [c for c in changeset.changes if c.path in wanted or c.old_path in wanted]
    return changeset


def _staged_or_whole(root: StrPath, staged, files: list[str]):
    """The staged changes of `files`, and the files with nothing staged as if newly added.

    pre-commit passes the staged files at commit time, and every tracked file under
    `--all-files` (pre-commit.ci), where nothing is staged: those are scanned whole.
    """
    from tightrope import gitio

    wanted = {gitio.relative_path(root, f) for f in files}
    staged.changes = [c for c in staged.changes if c.path in wanted]
    rest = wanted - {c.path for c in staged.changes}
    if rest:
        whole = gitio.tracked_files(root, only=rest)
        staged.changes += whole.changes
        missing = rest - {c.path for c in whole.changes}
        staged.notes += [f"{p}: not tracked by git: not scanned" for p in sorted(missing)]
    return staged


def _read_patch(name: str) -> bytes:
    try:
        with open(name, "rb") as f:
            return f.read()
    except OSError as e:
        raise UsageError(f"cannot read patch {name}: {e.strerror}", "give a readable file, or - for stdin")


def parse_scanners(text: str, *, history: bool = False) -> tuple[str, ...]:
    from tightrope.core import SCANNERS

    names = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [n for n in names if n not in SCANNERS]
    if unknown or not names:
        raise UsageError(f"unknown scanner(s): {', '.join(unknown) or '(none given)'}",
                         f"choose from {', '.join(SCANNERS)}")
    if history:  # what history holds that matters is secrets: code and dependencies are judged at HEAD
        if text != DEFAULT_SCANNERS and names != ("secrets",):
            raise UsageError("--history scans secrets only", "drop --scanners, or use --scanners secrets")
        return ("secrets",)
    return names


def history_progress():
    """A progress line on a terminal (stderr), nothing in CI logs or pipes."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1 or done == total:
            last[0] = now
            sys.stderr.write(f"\rtightrope: scanning history {done}/{total} commits" + ("\n" if done == total else ""))
            sys.stderr.flush()

    return show


def output_pairs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    formats = args.format or ["text"]
    outputs = args.output or []
    if len(outputs) > len(formats):
        raise UsageError("more --output than --format", "pair each --output with a --format before it")
    pairs = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one format can go to the terminal", "give an --output FILE for the others")
    return pairs


def emit(report, pairs: list[tuple[str, str | None]]) -> None:
    from tightrope.redaction import redact
    from tightrope.report import render

    redact(report)  # whichever front end built it: nothing unmasked reaches a renderer
    for fmt, out in pairs:
        if out is None:
            color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            sys.stdout.write(render(report, fmt, color=color))
            sys.stdout.flush()
        else:
            try:
                with open(out, "w", encoding="utf-8") as f:
                    f.write(render(report, fmt))
            except OSError as e:
                raise UsageError(f"cannot write {out}: {e.strerror}", "check the --output path")


def landing_branch(args: argparse.Namespace, root: StrPath) -> str:
    """The branch a range scan lands on: pre-commit's remote branch on pre-push, else CI's."""
    from tightrope.trust import landing_branch as resolve

    remote = os.environ.get("PRE_COMMIT_REMOTE_BRANCH", "").removeprefix("refs/heads/")
    base_name = args.range.split("..", 1)[0] if args.range else ""
    return resolve(root, base_name, getattr(args, "branch", None) or remote)


def check(changeset, args: argparse.Namespace, scanners: tuple[str, ...], *, use_baseline: bool = True,
          progress=None, ci: bool = False):
    """The core's report on a change set, judged with the trust material of its base, plus
    `policy.changed` when a range edits that material."""
    from tightrope import core
    from tightrope.trust import load_trust, policy_changes

    trust = load_trust(changeset.root, base=changeset.base, explicit=args.policy, use_baseline=use_baseline)
    report = core.check(changeset, trust.policy, scanners=scanners, baseline=trust.baseline, progress=progress, ci=ci)
    report.notes += trust.notes
    if changeset.base and changeset.root is not None:
        report.findings += policy_changes(trust, changeset.rev, landing_branch(args, changeset.root))
        report.notes.append(f"policy and baseline read from the {trust.source}")
    return report


def run(args: argparse.Namespace) -> int:
    pairs = output_pairs(args)
    scanners = parse_scanners(args.scanners, history=bool(args.history or args.all_refs))
    # an explicit --range is what CI runs (pre-push hooks reach ranges through pre-commit's env)
    report = check(select_changes(args), args, scanners, use_baseline=not args.no_baseline,
                   progress=history_progress(), ci=bool(args.range))
    emit(report, pairs)
    return EXIT_BLOCKING if report.blocking else EXIT_OK
