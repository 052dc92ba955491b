"""The wheel is what users install. Build the sdist and the wheel with `python -m build` (the
wheel from the sdist, in isolated build environments), check both with `twine check`,
install the wheel (not the editable checkout) in a fresh venv and scan from it, so the
rule pack, the package lists, the agents table, the schema and the licence files are
proven to ship.

The fresh venv gets the wheel and its core dependencies, resolved by pip from the wheel's
metadata. The `[patterns]` extra (semgrep) is not installed into it, because that adds
about a minute: the wheel's own rule pack is run by this test environment's semgrep
1.180.0 (`TIGHTROPE_SEMGREP`), and the extra's pin is checked in the wheel's metadata.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, ROOT, GitRepo
from tokens import anthropic_key

import tightrope

VENV_BIN = Path(sys.executable).parent


def _run(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist + wheel built from a copy of the files git would commit (the checkout's build
    artefacts, venv and caches stay out, and the checkout is not written to)."""
    src = tmp_path_factory.mktemp("src")
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).stdout
    for rel in filter(None, listed.split("\0")):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, src)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel and what its metadata requires; no pip of its own
    (this environment's pip installs into it, with its warm cache)."""
    path = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", path)
    [wheel] = dist.glob("tightrope-*.whl")
    _run(sys.executable, "-m", "pip", "--python", path / "bin" / "python", "install", "-q", wheel)
    return path


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "TIGHTROPE_"))}
    return {**env, **GIT_ENV, "PATH": "/usr/bin:/bin", "NO_COLOR": "1", **extra}


def test_sdist_and_wheel_pass_twine_check(dist):
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"tightrope-{tightrope.__version__}-py3-none-any.whl", f"tightrope-{tightrope.__version__}.tar.gz"]
    proc = _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_installed_wheel_ships_its_data_and_licences(venv):
    code = (
        "import importlib.metadata as m, importlib.resources as r, json, tightrope; "
        "md = m.metadata('tightrope'); pkg = r.files('tightrope'); "
        "print(json.dumps({'file': tightrope.__file__, 'licence': md['License-Expression'], "
        "'licence_files': sorted(md.get_all('License-File')), 'requires': md.get_all('Requires-Dist'), "
        "'shipped': [pkg.joinpath(p).is_file() for p in ('identity/agents.toml', 'report/tightrope-report.schema.json', "
        "'data/pypi-top.txt', 'data/npm-top.txt', 'data/README.md')], "
        "'dist_info': sorted(str(f) for f in m.files('tightrope') if '/licenses/' in str(f))}))"
    )
    got = json.loads(_run(venv / "bin" / "python", "-c", code, cwd=venv, env=_env()).stdout)
    assert got["file"].startswith(str(venv)), got["file"]  # the wheel, not the checkout
    assert got["licence"] == "Apache-2.0"
    assert got["licence_files"] == ["LICENSE", "NOTICE", "src/tightrope/data/npm-high-impact.LICENSE"]
    assert any(f.endswith("/licenses/LICENSE") for f in got["dist_info"]), got["dist_info"]
    assert all(got["shipped"]), got["shipped"]
    assert 'semgrep==1.180.0; extra == "patterns"' in got["requires"]


def test_version_of_the_installed_wheel_matches_the_checkout(venv):
    """Same version and the same rule-pack hash: every rule file shipped, unchanged."""
    installed = _run(venv / "bin" / "tightrope", "--version", env=_env()).stdout
    checkout = _run(sys.executable, "-m", "tightrope", "--version").stdout
    assert installed == checkout
    assert installed.startswith(f"tightrope {tightrope.__version__} (rule pack: ")


def test_scan_from_the_installed_wheel(venv, tmp_path):
    """A staged secret blocks without appearing; the wheel's rule pack and package lists
    report on the same change; the agents table tags an agent's commit message."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "hello\n"})
    key = anthropic_key(19)
    repo.stage({
        "app/settings.py": f'ANTHROPIC_API_KEY = "{key}"\n',
        "app/server.py": 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="0.0.0.0", debug=True)\n',
        "requirements.txt": "reqeusts==2.31.0\n",
    })
    env = _env(TIGHTROPE_SEMGREP=str(VENV_BIN / "semgrep"), SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    report = tmp_path / "report.json"
    proc = subprocess.run([venv / "bin" / "tightrope", "scan", "--staged", "--format", "json", "--output", report,
                           "--format", "text"], cwd=repo.path, env=env, capture_output=True, text=True)
    text = proc.stdout + proc.stderr + report.read_text()
    assert proc.returncode == 1, text
    assert key not in text and key[10:40] not in text
    found = {(f["rule_id"], f["path"], f["blocking"]) for f in json.loads(report.read_text())["findings"]}
    assert ("secret.anthropic-api-key", "app/settings.py", True) in found, found
    assert ("py.flask-debug", "app/server.py", False) in found, found  # medium: reported, below fail_on
    assert ("dep.typosquat", "requirements.txt", True) in found, found

    message = repo.write("MSG", "Add the server\n")
    _run(venv / "bin" / "tightrope", "tag", message, cwd=repo.path, env=_env(CLAUDECODE="1"))
    assert "Assisted-by: claude-code" in message.read_text()
