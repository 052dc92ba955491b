"""`tightrope install-hooks`: plain git hooks for repositories without the pre-commit framework."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from tightrope.errors import UsageError

MARKER = "# installed by tightrope install-hooks"
# The hook bodies match the shims in the repository's hooks/ folder; the installed copy
# pins the interpreter that ran install-hooks, so it works outside the venv's PATH too.
HOOKS = {
    "pre-commit": "scan --staged",
    "pre-push": "pre-push",
    "prepare-commit-msg": "tag",
    "commit-msg": "check-trailers",
}
# All four by default: tagging agent commits is half of what tightrope is for, and the
# message hooks do nothing on a human's commit.
DEFAULT_HOOKS = tuple(HOOKS)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("install-hooks", help="install plain git hooks (no pre-commit framework needed)")
    p.add_argument("hooks", nargs="*", metavar="HOOK",
                   help=f"which hooks (default: all of {' '.join(DEFAULT_HOOKS)})")
    p.add_argument("-C", dest="repo", default=".")
    p.add_argument("--force", action="store_true", help="replace hooks that tightrope did not install")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tightrope import gitio

    unknown = [h for h in args.hooks if h not in HOOKS]
    if unknown:
        raise UsageError(f"unknown hook(s): {', '.join(unknown)}", f"choose from {', '.join(HOOKS)}")
    root = gitio.repo_root(args.repo)
    hooks_dir = Path(gitio.run_git(root, "rev-parse", "--git-path", "hooks").decode().strip())
    if not hooks_dir.is_absolute():
        hooks_dir = Path(root) / hooks_dir
    hooks_dir.mkdir(parents=True, exist_ok=True)
    for name in args.hooks or DEFAULT_HOOKS:
        target = hooks_dir / name
        if target.exists() and MARKER not in target.read_text(errors="replace") and not args.force:
            raise UsageError(f"{target} exists and was not installed by tightrope",
                             "merge it by hand, use the pre-commit framework, or pass --force to replace it")
        command = f"{shlex.quote(sys.executable)} -m tightrope {HOOKS[name]}"
        target.write_text(f'#!/bin/sh\n{MARKER}\nexec {command} "$@"\n', encoding="utf-8")
        target.chmod(0o755)
        print(f"tightrope: installed {name} hook")
    return 0
