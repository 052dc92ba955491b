"""Command line: argparse + dispatch to front ends. No logic lives here.

Each front-end module exposes `add_parser(subparsers)`, which registers its sub-command
with `set_defaults(func=run)`; `run(args) -> int` returns the exit code. Front-end
modules import their heavy dependencies inside `run`, so `--help` and the hook stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tightrope import __version__
from tightrope.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, TightropeError

FRONTENDS = (
    "tightrope.frontends.scan_cmd",
    "tightrope.frontends.baseline_cmd",
    "tightrope.frontends.install_hooks",
    "tightrope.frontends.hook",
    "tightrope.frontends.demo",
    "tightrope.frontends.identity_cmds",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a hint, as argparse does, but ours
        raise TightropeError(message, f"see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tightrope", description="Scan what AI agents add; tag who wrote it; cap what they open.")
    parser.add_argument("--version", action="version", version=f"tightrope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in FRONTENDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # a front end not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args))
    except TightropeError as e:
        print(f"tightrope: error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"tightrope: hint: {e.hint}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("tightrope: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as e:  # an internal error: say so, name the type, never echo data
        print(f"tightrope: internal error ({type(e).__name__}); please report it with "
              "`tightrope --version` and the command you ran", file=sys.stderr)
        import os
        if os.environ.get("TIGHTROPE_DEBUG"):
            raise
        return EXIT_INTERNAL
