"""`tightrope hook pre-push`: the plain-git pre-push hook (pre-commit users get the same
through PRE_COMMIT_FROM_REF/TO_REF in `tightrope scan`)."""

from __future__ import annotations

import argparse
import re
import sys

from tightrope.errors import UsageError

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256 object names


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pre-push", help="scan what `git push` sends (reads git's pre-push stdin)")
    p.add_argument("remote", nargs="?", default="origin")
    p.add_argument("url", nargs="?", default="")
    p.add_argument("--scanners", default=None)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tightrope import gitio
    from tightrope.frontends.scan_cmd import DEFAULT_SCANNERS, check, emit, parse_scanners

    root = gitio.repo_root(".")
    worst = 0
    for number, line in enumerate(sys.stdin.read().splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not all(_SHA.fullmatch(p) for p in (parts[1], parts[3])):
            raise UsageError(f"pre-push input line {number} is not `<local ref> <local sha> <remote ref> <remote sha>`: "
                             f"{line[:120]!r}", "run `tightrope pre-push` as git's pre-push hook, which feeds it these lines")
        _local_ref, local_sha, remote_ref, remote_sha = parts
        if set(local_sha) == {"0"}:
            continue  # deleting a remote branch: nothing to scan
        if set(remote_sha) != {"0"} and gitio.commit_exists(root, remote_sha):
            changeset = gitio.commit_range(root, f"{remote_sha}..{local_sha}")
        else:
            changeset = gitio.unpushed(root, args.remote, local_sha)
        judged = argparse.Namespace(policy=None, range=None, branch=remote_ref.removeprefix("refs/heads/"))
        report = check(changeset, judged, parse_scanners(args.scanners or DEFAULT_SCANNERS))
        emit(report, [("text", None)])
        worst = max(worst, 1 if report.blocking else 0)
    return worst
