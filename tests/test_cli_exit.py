"""The `tightrope` process ends without the interpreter's teardown (cli._exit_now), yet
loses nothing that a normal exit would keep: buffered output, the exit code, atexit
callbacks, a temporary directory left to its finalizer, a thread still at work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PREAMBLE = "import atexit, sys, tempfile, threading, time\nfrom tightrope.cli import _exit_now\n"
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output waits for the flush


def run(body: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PREAMBLE + body], capture_output=True, timeout=60, env=BUFFERED, **kwargs)


def test_buffered_output_reaches_the_reader_whole_with_the_exit_code():
    proc = run("sys.stdout.write('x' * 200_000 + 'end')\nsys.stderr.write('no newline')\n_exit_now(3)")
    assert proc.returncode == 3
    assert proc.stdout == b"x" * 200_000 + b"end" and proc.stderr == b"no newline"


def test_atexit_callbacks_and_finalizers_run(tmp_path):
    proc = run(f"atexit.register(print, 'callback ran')\n"
               f"keep = tempfile.TemporaryDirectory(dir={str(tmp_path)!r})\n"
               f"print(keep.name)\n_exit_now(0)")
    assert proc.returncode == 0, proc.stderr
    left, said = proc.stdout.decode().splitlines()
    assert said == "callback ran"
    assert not Path(left).exists() and list(tmp_path.iterdir()) == []


def test_a_thread_still_at_work_is_waited_for():
    proc = run("def late():\n    time.sleep(0.3)\n    print('thread done', flush=True)\n"
               "threading.Thread(target=late).start()\n_exit_now(4)")
    assert proc.returncode == 4 and proc.stdout == b"thread done\n", proc.stderr


def test_a_reader_that_went_away_is_not_an_error():
    """`tightrope ... | head -1`: the pipe is closed before the output is flushed."""
    code = PREAMBLE + "sys.stdin.read()\nprint('late output')\n_exit_now(0)"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=BUFFERED)
    proc.stdout.close()  # the reader goes before the writer flushes
    proc.stdin.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_a_profiler_gets_to_write_its_report(tmp_path):
    """`python -m cProfile -o FILE -m tightrope ...`: the profiler writes after the program returns."""
    out = tmp_path / "run.prof"
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "tightrope", "scan", "--bogus"],
                          capture_output=True, timeout=60, env=BUFFERED)
    assert out.stat().st_size > 0, proc.stderr  # (cProfile itself turns any exit into 0)
