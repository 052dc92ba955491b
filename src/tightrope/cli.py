"""Command line: argparse + dispatch to front ends. No logic lives here.

Each front-end module exposes `add_parser(subparsers)`, which registers its sub-command
with `set_defaults(func=run)`; `run(args) -> int` returns the exit code. Front-end
modules import their heavy dependencies inside `run`, so `--help` and the hook stay fast.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys

from tightrope import __version__
from tightrope.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, Terminated, TightropeError

# command -> the front-end module that registers it. Only the module of the command being
# run is imported (a hook's start-up pays for one front end, not all of them).
COMMANDS = {
    "scan": "tightrope.frontends.scan_cmd",
    "baseline": "tightrope.frontends.baseline_cmd",
    "install-hooks": "tightrope.frontends.install_hooks",
    "pre-push": "tightrope.frontends.hook",
    "demo": "tightrope.frontends.demo",
    "caps": "tightrope.frontends.caps_cmd",
    "safe-outputs": "tightrope.frontends.safe_outputs_cmd",
    "publish": "tightrope.frontends.publish_cmd",
    **dict.fromkeys(("tag", "check-trailers", "delegate", "verify", "log"), "tightrope.frontends.identity_cmds"),
}


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, sized as argparse sizes it, but without importing `shutil` (3 ms
    of the hook's start-up: argparse builds a formatter for every argument it adds) unless
    a terminal or $COLUMNS can make the width other than 80."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return argparse.HelpFormatter(prog)
    return argparse.HelpFormatter(prog, width=80 - 2)  # what argparse picks without a terminal


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _help_formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # exit 2 with a hint, as argparse does, but ours
        raise TightropeError(message, f"see `{self.prog} --help`")


class _Version(argparse.Action):
    """`--version`: the version and the rule pack's content hash, computed only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and the rule pack's content hash, then exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from tightrope.scan.patterns import pack_digest

        digest, files = pack_digest()
        print(f"tightrope {__version__} (rule pack: {files} files, sha256:{digest})")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for `command` alone when it is known, else for every command (--help)."""
    parser = _Parser(prog="tightrope", description="Scan what AI agents add; tag who wrote it; cap what they open.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).add_parser(sub)
    return parser


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _catch_stop_signals() -> None:
    """SIGTERM/SIGHUP (CI cancelling a job, a closed terminal) become an exception, so
    cleanup runs as it does for Ctrl-C instead of the process dying mid-scan."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), _raise_terminated)
            except ValueError:  # not the main thread (main() called from a thread): leave signals alone
                return


def main(argv: list[str] | None = None) -> int:
    _catch_stop_signals()
    try:
        argv = sys.argv[1:] if argv is None else argv
        parser = build_parser(argv[0] if argv else None)
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
    except Terminated as e:
        print(f"tightrope: stopped by signal {e.signum}; temporary files removed", file=sys.stderr)
        return 128 + e.signum
    except BrokenPipeError:
        return 0
    except Exception as e:  # an internal error: say so, name the type, never echo data
        print(f"tightrope: internal error ({type(e).__name__}); please report it with "
              "`tightrope --version` and the command you ran", file=sys.stderr)
        if os.environ.get("TIGHTROPE_DEBUG"):
            raise
        return EXIT_INTERNAL


def entry() -> None:
    """The `tightrope` command (console script, `python -m tightrope`): `main()` in a process
    of its own, which lives for a few tens of milliseconds in a hook.

    Two costs of that short life are not worth paying there (instruction counts of the
    secrets hook on a staged change: 241 -> 204 million, -15 %): the cyclic garbage
    collector's passes over the objects imports create (none is garbage; reference counting
    frees the scan's own), so it runs after 50,000 new container objects instead of 700;
    and tearing the interpreter down object by object at exit. `_exit_now` skips the
    teardown but runs what exit is for: atexit callbacks (temporary directories' finalizers
    among them) and flushing stdout/stderr."""
    gc.set_threshold(50_000)
    _exit_now(main())


def _exit_now(code: int) -> None:
    """Leave with `code` without the interpreter's teardown, when nothing depends on it;
    otherwise exit as Python does: when another thread is still running (exit joins it), a
    profiler, tracer or debugger is watching (`python -m cProfile -m tightrope` writes its
    report after the program returns), or a stream cannot be flushed (exit reports it)."""
    threading = sys.modules.get("threading")
    run_exit_callbacks = getattr(atexit, "_run_exitfuncs", None)  # CPython's own, which exit runs
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if (threading and threading.active_count() > 1) or watched or run_exit_callbacks is None:
        raise SystemExit(code)
    run_exit_callbacks()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # the reader has gone (`tightrope ... | head`): nothing is lost
            pass
        except (OSError, ValueError):
            raise SystemExit(code) from None
    os._exit(code)
