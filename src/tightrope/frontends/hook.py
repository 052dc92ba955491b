"""`tightrope hook pre-push`: the plain-git pre-push hook (pre-commit users get the same
through PRE_COMMIT_FROM_REF/TO_REF in `tightrope scan`)."""

from __future__ import annotations

import argparse
import sys

ZERO = "0" * 40


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
    for line in sys.stdin.read().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
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
