"""A scan stopped by SIGTERM or SIGHUP removes the post-change copies it wrote (they may
hold secrets) and exits 128+signal: a real scan, a real semgrep, a real signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import GIT_ENV
from tokens import openai_project_key


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signal_removes_the_temp_copies(repo, tmp_path, sig):
    key = openai_project_key(seed=sig)
    body = "".join(f'def f{i}(cmd):\n    subprocess.call(cmd, shell=True)\n' for i in range(50))
    repo.stage({"app.py": f'import subprocess\nKEY = "{key}"\n' + body})
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, **GIT_ENV, "TMPDIR": str(tmp), "NO_COLOR": "1",
           "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    proc = subprocess.Popen([sys.executable, "-m", "tightrope", "scan", "--staged"], cwd=repo.path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    copies: list = []
    while time.monotonic() < deadline and proc.poll() is None:
        copies = [p for p in tmp.glob("tightrope-*/src/app.py")]
        if copies:
            break
        time.sleep(0.02)
    assert copies and proc.poll() is None, "the scan never wrote its temp copy (or finished too soon)"
    assert key in copies[0].read_text()  # what is at stake: the copy holds the secret
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err.decode()
    assert list(tmp.iterdir()) == [], "temp copies left behind"
    assert key[8:16].encode() not in out + err
