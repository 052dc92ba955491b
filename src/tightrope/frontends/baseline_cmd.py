"""`tightrope baseline`: accept today's findings so that only new ones fail."""

from __future__ import annotations

import argparse
from pathlib import Path

from tightrope.frontends.scan_cmd import add_scan_arguments, history_progress, parse_scanners, select_changes


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("baseline", help="write the baseline file (fingerprints only) from a scan",
                       description="Scan (by default every tracked file; with --history every commit's secrets) and "
                                   "write the findings' fingerprints to the policy's baseline path. "
                                   "No plaintext, no line numbers.")
    add_scan_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tightrope import core, suppress
    from tightrope.trust import load_trust

    history = bool(args.history or args.all_refs)
    if not (args.staged or args.range or args.patch or history):
        args.all = True
    changeset = select_changes(args)
    if changeset.root is None:
        from tightrope.errors import UsageError

        raise UsageError("a baseline belongs to a repository", "run `tightrope baseline` inside one")
    pol = load_trust(changeset.root, base=changeset.base, explicit=args.policy, use_baseline=False).policy
    report = core.check(changeset, pol, scanners=parse_scanners(args.scanners, history=history),
                        progress=history_progress())
    path = Path(changeset.root) / pol.baseline
    n = suppress.write_baseline(path, report.findings)
    print(f"tightrope: wrote {n} fingerprint(s) to {path.relative_to(changeset.root)}")
    return 0
