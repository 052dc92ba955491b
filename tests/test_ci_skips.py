"""In CI a skipped test is a failure (conftest.py): a missing tool must not pass quietly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_tool.py").write_text("import pytest\n\ndef test_needs_a_tool():\n"
                                          "    pytest.skip('the tool is not installed')\n")
    env = {"PATH": "/usr/bin:/bin", **({"CI": ci} if ci else {})}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tool.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=env)


def test_a_skip_fails_in_ci(tmp_path):
    proc = _run(tmp_path, "true")
    assert proc.returncode == 1 and "1 failed" in proc.stdout and "skipped in CI" in proc.stdout, proc.stdout


def test_a_skip_is_a_skip_on_a_developer_machine(tmp_path):
    proc = _run(tmp_path, None)
    assert proc.returncode == 0 and "1 skipped" in proc.stdout, proc.stdout
