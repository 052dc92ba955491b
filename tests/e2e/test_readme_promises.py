"""Promises the README makes that no other test holds, each checked on a real repository
through the real console entry point, so a silent bug in one of them fails here."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time

import pytest
from conftest import GIT_ENV, run_cli
from tokens import anthropic_key

from tightrope.report import FORMATS

INSECURE = "import requests\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"


def scan_json(repo, *args: str) -> tuple[int, dict]:
    proc = run_cli("scan", "--staged", "--format", "json", *args, cwd=repo.path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.returncode, json.loads(proc.stdout)


def test_fail_on_decides_what_blocks(repo):
    """The same high finding blocks at fail_on = high and not at critical; blocking flags agree."""
    repo.commit({"README.md": "hello\n"})
    repo.stage({"net.py": INSECURE})
    code, data = scan_json(repo)
    [finding] = data["findings"]
    assert (code, finding["severity"], finding["blocking"]) == (1, "high", True)
    repo.stage({".tightrope.toml": 'fail_on = "critical"\n'})
    code, data = scan_json(repo)
    assert (code, data["findings"][0]["blocking"], data["summary"]["blocking"]) == (0, False, 0)
    repo.stage({".tightrope.toml": 'fail_on = "low"\n'})
    assert scan_json(repo)[0] == 1


def test_a_per_rule_severity_override_is_applied_and_judged_against_fail_on(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"net.py": INSECURE, ".tightrope.toml": '[rules."py.tls-verify-disabled"]\nseverity = "low"\n'})
    code, data = scan_json(repo)
    [finding] = data["findings"]
    assert (code, finding["severity"], finding["blocking"]) == (0, "low", False)


def test_patterns_false_turns_the_rule_pack_off_and_nothing_else(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"net.py": INSECURE + f'KEY = "{anthropic_key(40)}"\n', ".tightrope.toml": "patterns = false\n"})
    code, data = scan_json(repo)
    assert code == 1
    assert {f["kind"] for f in data["findings"]} == {"secret"}


def test_a_custom_baseline_path_is_written_and_read(repo):
    repo.commit({"README.md": "hello\n", ".tightrope.toml": 'baseline = "security/accepted.json"\n'})
    repo.commit({"old.py": f'KEY = "{anthropic_key(41)}"\n'})
    proc = run_cli("baseline", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (repo.path / "security/accepted.json").is_file()
    assert not (repo.path / ".tightrope/baseline.json").exists()
    assert run_cli("scan", cwd=repo.path).returncode == 0  # the last commit, now accepted
    assert run_cli("scan", "--no-baseline", cwd=repo.path).returncode == 1


def test_deleted_files_are_noted_in_every_format(repo, tmp_path):
    repo.commit({"README.md": "hello\n", "gone.py": "x = 1\n"})
    repo.git("rm", "-q", "gone.py")
    outs = {fmt: tmp_path / f"o.{fmt}" for fmt in ("json", "sarif")}
    proc = run_cli("scan", "--staged", "--format", "json", "--output", str(outs["json"]), "--format", "sarif",
                   "--output", str(outs["sarif"]), "--format", "text", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert any("gone.py" in n and "deleted" in n for n in json.loads(outs["json"].read_text())["notes"])
    sarif = json.loads(outs["sarif"].read_text())
    notes = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert any("gone.py" in n for n in notes)
    assert "gone.py" in proc.stdout.decode()


@pytest.fixture
def skipped_parts(repo, tmp_path):
    """A staged change with a new submodule and a deleted file: both skipped, both noted."""
    sub = tmp_path / "sub"
    sub.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=sub, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "s"], cwd=sub, check=True,
                   env={**os.environ, **GIT_ENV})
    repo.commit({"README.md": "hello\n", "gone.py": "x = 1\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    repo.git("rm", "-q", "gone.py")
    return repo


@pytest.mark.parametrize("fmt", FORMATS)
def test_submodule_and_deleted_file_notes_in_every_format(skipped_parts, fmt):
    proc = run_cli("scan", "--staged", "--format", fmt, cwd=skipped_parts.path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode().replace("\\", "")  # markdown escapes `.` and `:`
    assert "vendor/sub" in out and "submodule" in out
    assert "gone.py" in out and "deleted" in out


def test_pre_push_scans_only_the_pushed_range(repo):
    """A secret already on the remote is not the push's business; one in the pushed range is."""
    repo.commit({"README.md": "hello\n"})
    old = repo.commit({"old.py": f'KEY = "{anthropic_key(42)}"\n'})
    clean = repo.commit({"new.py": "x = 1\n"})
    env = {"PRE_COMMIT_FROM_REF": old, "PRE_COMMIT_TO_REF": clean}
    assert run_cli("scan", cwd=repo.path, env=env).returncode == 0
    leak = repo.commit({"later.py": f'KEY = "{anthropic_key(43)}"\n'})
    proc = run_cli("scan", cwd=repo.path, env={"PRE_COMMIT_FROM_REF": clean, "PRE_COMMIT_TO_REF": leak})
    assert proc.returncode == 1 and b"later.py" in proc.stdout and b"old.py" not in proc.stdout


def test_install_hooks_force_replaces_a_foreign_hook(repo):
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    proc = run_cli("install-hooks", "--force", "pre-commit", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "tightrope" in hook.read_text() and "echo mine" not in hook.read_text()
    assert os.access(hook, os.X_OK)


def test_an_internal_error_exits_3_without_a_traceback_or_data(repo):
    """A bug (here: the core raising) is exit 3 with a one-line apology, never exit 1."""
    repo.commit({"README.md": "hello\n"})
    repo.stage({"a.py": f'KEY = "{anthropic_key(44)}"\n'})
    code = ("import sys, tightrope.core as core\n"
            "def boom(*a, **k):\n    raise ValueError('internal state ' + open('a.py').read())\n"
            "core.check = boom\nfrom tightrope.cli import main\nsys.exit(main(['scan', '--staged']))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo.path, capture_output=True,
                          env={**os.environ, **GIT_ENV})
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "internal error (ValueError)" in err and "Traceback" not in err
    assert anthropic_key(44)[:12] not in err + proc.stdout.decode()


_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(platform.machine(), "0")


def _wait_until_reading_stdin(pid: int, seconds: float = 60.0) -> None:
    """Until the process sits in read(0, …) (Linux /proc/PID/syscall), i.e. it has started
    and is waiting for its patch: the signal then lands where a user's Ctrl-C would."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fields = open(f"/proc/{pid}/syscall").read().split()
        except OSError:
            fields = []
        if fields[:2] == [_READ_SYSCALL, "0x0"]:  # read() on fd 0
            return
        time.sleep(0.05)
    raise AssertionError("the scan never started reading its patch from stdin")


def test_an_interrupt_exits_130(tmp_path):
    """Ctrl-C while the scan waits for its patch on stdin: exit 130, a short message."""
    proc = subprocess.Popen([sys.executable, "-m", "tightrope", "scan", "--patch", "-"], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **GIT_ENV})
    _wait_until_reading_stdin(proc.pid)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err


AUDIT = '''
import os, sys
_log = os.environ["TIGHTROPE_NET_LOG"]
with open(_log, "a") as f:
    f.write(f"start {os.getpid()}\\n")
def _hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
        with open(_log, "a") as f:
            f.write(f"net {event} {args!r:.200}\\n")
sys.addaudithook(_hook)
'''


def test_a_full_scan_makes_no_network_call(repo, tmp_path):
    """Every Python process of a full scan (tightrope and any semgrep CLI fallback) runs with an
    audit hook that records socket use: a scan of a secret, insecure code and a dependency
    records none."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(AUDIT)
    log = tmp_path / "net.log"
    repo.commit({"README.md": "hello\n"})
    repo.stage({"net.py": INSECURE + f'KEY = "{anthropic_key(45)}"\n', "requirements.txt": "reqeusts==2.0\n"})
    proc = run_cli("scan", "--staged", "--format", "json", cwd=repo.path,
                   env={"PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
                        "TIGHTROPE_NET_LOG": str(log)})
    kinds = {f["kind"] for f in json.loads(proc.stdout)["findings"]}
    assert proc.returncode == 1 and kinds == {"secret", "pattern", "dependency"}, proc.stderr.decode()
    lines = log.read_text().splitlines()
    assert any(line.startswith("start") for line in lines)  # the hook was really installed
    assert [line for line in lines if line.startswith("net")] == []
