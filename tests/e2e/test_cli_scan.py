"""The real console entry point on real repositories: exit codes, formats, no leaks."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from tokens import anthropic_key


def all_outputs(repo, *args) -> tuple[int, str]:
    """Run a scan in every format at once; return the exit code and everything it wrote."""
    out = {fmt: repo.path.parent / f"out.{fmt}" for fmt in ("json", "sarif")}
    proc = run_cli("scan", *args, "--format", "json", "--output", str(out["json"]), "--format", "sarif",
                   "--output", str(out["sarif"]), "--format", "text", cwd=repo.path)
    text = proc.stdout.decode() + proc.stderr.decode() + "".join(p.read_text() for p in out.values())
    return proc.returncode, text


def test_planted_secret_blocks_and_appears_in_no_output(repo):
    key = anthropic_key()
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app/settings.py": f'ANTHROPIC_API_KEY = "{key}"\n'})
    code, text = all_outputs(repo, "--staged")
    assert code == 1
    assert "secret." in text and "app/settings.py" in text
    assert key not in text and key[10:40] not in text  # never the value, nor a long slice of it
    data = json.loads((repo.path.parent / "out.json").read_text())
    [finding] = [f for f in data["findings"] if f["kind"] == "secret"]
    assert finding["line"] == 1 and finding["cwe"] == ["CWE-798"] and finding["blocking"] is True


def test_clean_change_exits_zero(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"app.py": "def add(a, b):\n    return a + b\n"})
    proc = run_cli("scan", "--staged", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr


def test_default_is_staged_then_last_commit(repo):
    repo.commit({"README.md": "hello\n"})
    repo.commit({"conf.py": f'KEY = "{anthropic_key(1)}"\n'})
    assert run_cli("scan", cwd=repo.path).returncode == 1  # nothing staged: the last commit
    repo.stage({"ok.py": "x = 1\n"})
    assert run_cli("scan", cwd=repo.path).returncode == 0  # staged changes win


def test_patch_from_stdin_without_a_repository(tmp_path):
    patch = f'--- /dev/null\n+++ b/x.env\n@@ -0,0 +1 @@\n+ANTHROPIC_API_KEY={anthropic_key(2)}\n'.encode()
    proc = run_cli("scan", "--patch", "-", "--format", "json", cwd=tmp_path, input=patch)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["findings"][0]["path"] == "x.env"


def test_inline_allow_needs_a_reason_and_then_suppresses(repo):
    repo.commit({"README.md": "hello\n"})
    line = f'KEY = "{anthropic_key(3)}"'
    repo.stage({"a.py": line + "  # tightrope: allow secret.*\n"})
    proc = run_cli("scan", "--staged", cwd=repo.path)
    assert proc.returncode == 1 and b"needs a reason" in proc.stdout
    repo.stage({"a.py": line + "  # tightrope: allow secret.* revoked test key\n"})
    proc = run_cli("scan", "--staged", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["summary"]["suppressed"] == 1
    repo.stage({"a.py": line + "  # pragma: allowlist secret\n"})
    assert run_cli("scan", "--staged", cwd=repo.path).returncode == 0


def test_baseline_accepts_old_findings_but_not_a_changed_secret(repo):
    repo.commit({"a.py": f'KEY = "{anthropic_key(4)}"\n'})
    proc = run_cli("baseline", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    baseline = (repo.path / ".tightrope/baseline.json").read_text()
    assert anthropic_key(4) not in baseline and '"line"' not in baseline
    assert run_cli("scan", "--all", cwd=repo.path).returncode == 0
    repo.stage({"a.py": f'# moved down\nKEY = "{anthropic_key(4)}"\n'})
    assert run_cli("scan", "--all", cwd=repo.path).returncode == 0  # same secret, shifted line
    repo.stage({"a.py": f'KEY = "{anthropic_key(5)}"\n'})
    assert run_cli("scan", "--staged", cwd=repo.path).returncode == 1


def test_binary_submodule_and_non_utf8_are_noted_in_every_format(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"logo.png": b"\x89PNG\x00\x00data", "latin.txt": b"caf\xe9\n"})
    code, text = all_outputs(repo, "--staged")
    assert code == 0
    data = json.loads((repo.path.parent / "out.json").read_text())
    assert any("logo.png" in n and "binary" in n for n in data["notes"])
    assert any("latin.txt" in n and "UTF-8" in n for n in data["notes"])
    assert text.count("logo.png") >= 3  # json, sarif and text all say it


@pytest.mark.parametrize("args, words", [
    (["scan", "--range", "nope..HEAD"], ["unknown revision"]),
    (["scan", "--range", "HEAD"], ["BASE..HEAD"]),
    (["scan", "--format", "xml"], ["invalid choice"]),
    (["scan", "--scanners", "magic"], ["unknown scanner"]),
    (["scan", "--patch", "/no/such/file"], ["cannot read patch"]),
    (["scan", "--format", "json", "--format", "sarif"], ["only one format"]),
])
def test_user_mistakes_exit_2_with_a_hint_and_no_traceback(repo, args, words):
    repo.commit({"README.md": "hello\n"})
    proc = run_cli(*args, cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "hint:" in err
    for w in words:
        assert w in err


def test_broken_policy_exits_2_naming_the_key(repo):
    repo.commit({"README.md": "hello\n", ".tightrope.toml": 'fail_on = "severe"\n'})
    proc = run_cli("scan", cwd=repo.path)
    assert proc.returncode == 2 and b"fail_on" in proc.stderr and b"Traceback" not in proc.stderr


def test_outside_a_repository(tmp_path):
    proc = run_cli("scan", cwd=tmp_path)
    assert proc.returncode == 2 and b"not inside a git repository" in proc.stderr


def test_rule_override_turns_blocking_off(repo):
    repo.commit({"README.md": "hello\n"})
    repo.stage({"a.py": f'KEY = "{anthropic_key(6)}"\n'})
    proc = run_cli("scan", "--staged", "--format", "json", cwd=repo.path)
    [finding] = json.loads(proc.stdout)["findings"]
    assert proc.returncode == 1
    repo.stage({".tightrope.toml": f'[rules."{finding["rule_id"]}"]\nblocking = false\n'})
    proc = run_cli("scan", "--staged", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"][0]["blocking"] is False


def test_a_huge_diff_is_scanned_whole(tmp_path):
    """~6 MB of added lines with one secret near the end: found, on the right line."""
    body = "".join(f"+value_{i} = compute({i}, 'ordinary text of a line')\n" for i in range(100_000))
    patch = (f"--- /dev/null\n+++ b/big.py\n@@ -0,0 +1,100001 @@\n{body}"
             f'+ANTHROPIC_API_KEY = "{anthropic_key(30)}"\n').encode()
    assert len(patch) > 5_000_000
    proc = run_cli("scan", "--patch", "-", "--scanners", "secrets", "--format", "json", cwd=tmp_path, input=patch)
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["line"] == 100_001


def test_shipped_hook_shims_match_install_hooks():
    """hooks/ holds one shim per hook install-hooks knows, each running the same command."""
    from conftest import ROOT
    from tightrope.frontends.install_hooks import HOOKS

    for name, command in HOOKS.items():
        shim = (ROOT / "hooks" / name).read_text()
        assert f"exec tightrope {command} " in shim, name
