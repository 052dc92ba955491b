"""Every commit that leaves the machine is scanned, not only the net diff; content git
would not diff as text is judged by content; a file moved out of an excluded path is new."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, run_cli
from tokens import anthropic_key, github_classic, groq_key

VENV_BIN = Path(sys.executable).parent


def _scan_json(repo, *args: str) -> tuple[int, dict]:
    res = run_cli("scan", *args, "--scanners", "secrets", "--format", "json", cwd=repo.path)
    assert res.returncode in (0, 1), res.stderr.decode()
    return res.returncode, json.loads(res.stdout)


def _added_then_removed(repo) -> tuple[str, str]:
    base = repo.commit({"README.md": "hello\n"}, message="base")
    token = github_classic(seed="addrm")
    added = repo.commit({"app.py": f'TOKEN = "{token}"\n'}, message="add a token")
    repo.commit({"app.py": 'TOKEN = os.environ["TOKEN"]\n'}, message="remove it again")
    return base, added


def test_range_scans_each_commit_and_names_the_one_that_added_a_removed_token(repo):
    base, added = _added_then_removed(repo)
    rc, report = _scan_json(repo, "--range", f"{base}..HEAD")
    assert rc == 1
    [f] = report["findings"]
    assert (f["rule_id"], f["path"], f["line"], f["commit"]) == ("secret.github-classic-token", "app.py", 1, added)
    assert f["present_at_head"] is False and f["author"] == "Test Human" and f["date"].startswith("20")
    text = run_cli("scan", "--range", f"{base}..HEAD", "--scanners", "secrets", cwd=repo.path).stdout.decode()
    assert f"added in commit {added[:12]}" in text and "no longer in HEAD" in text


def test_a_secret_still_present_is_reported_once_at_its_head_line_with_its_commit(repo):
    base = repo.commit({"README.md": "hello\n"})
    key = groq_key(seed="still")
    added = repo.commit({"app.py": f'GROQ_API_KEY = "{key}"\n'})
    repo.commit({"app.py": f'import os\n\nGROQ_API_KEY = "{key}"\n'})  # same value, moved down
    _, report = _scan_json(repo, "--range", f"{base}..HEAD")
    [f] = report["findings"]
    assert (f["line"], f["commit"], f["present_at_head"]) == (3, added, True)


def test_a_blob_is_scanned_once(repo):
    base = repo.commit({"README.md": "hello\n"})
    content = f'GROQ_API_KEY = "{groq_key(seed="once")}"\n'
    first = repo.commit({"a.py": content})
    repo.git("rm", "-q", "a.py")
    repo.commit()
    repo.commit({"a.py": content})  # the very same blob again
    _, report = _scan_json(repo, "--range", f"{base}..HEAD")
    assert [f["commit"] for f in report["findings"]] == [first]


def test_plain_git_pre_push_blocks_a_token_added_and_removed_before_the_push(repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    assert run_cli("install-hooks", cwd=repo.path).returncode == 0
    repo.commit({"README.md": "hello\n"})
    assert subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, env=env).returncode == 0
    key = anthropic_key(seed="prepush")
    added = repo.commit({"leak.py": f'KEY = "{key}"\n'})
    repo.commit({"leak.py": "KEY = None\n"})
    pushed = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo.path, capture_output=True, env=env)
    out = (pushed.stdout + pushed.stderr).decode()
    assert pushed.returncode != 0 and "leak.py" in out and added[:12] in out
    assert key[20:28] not in out


# ------------------------------------------------------------------ evasions

def _evasions() -> list:
    def tok(seed: str) -> str:
        return f'GROQ_API_KEY = "{groq_key(seed=seed)}"\n'

    return [
        pytest.param({".gitattributes": "*.py -diff\n", "a.py": tok("attr-diff")}, "a.py", id="gitattributes-diff"),
        pytest.param({".gitattributes": "*.cfg binary\n", "a.cfg": tok("attr-bin")}, "a.cfg", id="gitattributes-binary"),
        pytest.param({"a.py": "# \0\n" + tok("nul")}, "a.py", id="nul-byte"),
        pytest.param({"a.py": ("\ufeff" + tok("utf16")).encode("utf-16-le")}, "a.py", id="utf-16-bom"),
        pytest.param({"a.py": ("\ufeff" + tok("utf32")).encode("utf-32-be")}, "a.py", id="utf-32-bom"),
    ]


@pytest.mark.parametrize("mode", ["staged", "range", "all"])
@pytest.mark.parametrize("files,path", _evasions())
def test_content_git_calls_binary_is_judged_by_content(repo, files, path, mode):
    base = repo.commit({"README.md": "hello\n"})
    repo.stage(files)
    if mode == "staged":
        rc, report = _scan_json(repo, "--staged")
    elif mode == "range":
        repo.commit()
        rc, report = _scan_json(repo, "--range", f"{base}..HEAD")
    else:
        rc, report = _scan_json(repo, "--all")
    assert rc == 1 and [(f["rule_id"], f["path"]) for f in report["findings"]] == [("secret.groq-api-key", path)]


def test_a_file_moved_out_of_an_excluded_path_is_scanned(repo):
    repo.commit({".tightrope.toml": 'exclude = ["fixtures/**"]\n',
                 "fixtures/k.py": f'GROQ_API_KEY = "{groq_key(seed="moved")}"\n'})
    base = repo.git("rev-parse", "HEAD")
    assert _scan_json(repo, "--all")[0] == 0  # excluded where it is
    repo.git("mv", "fixtures/k.py", "src_k.py")
    rc, report = _scan_json(repo, "--staged")
    assert rc == 1 and report["findings"][0]["path"] == "src_k.py"
    moved = repo.commit(message="move")
    rc, report = _scan_json(repo, "--range", f"{base}..HEAD")
    assert rc == 1 and [(f["path"], f["commit"]) for f in report["findings"]] == [("src_k.py", moved)]


def test_binary_content_that_cannot_be_scanned_is_a_finding_in_ci_and_a_note_locally(repo):
    base = repo.commit({"README.md": "hello\n"})
    blob = bytes(range(256)) * 8  # not text in any encoding
    repo.stage({"blob.bin": blob})
    _, staged = _scan_json(repo, "--staged")
    assert staged["findings"] == [] and any("blob.bin" in n for n in staged["notes"])
    added = repo.commit()
    rc, report = _scan_json(repo, "--range", f"{base}..HEAD")
    [f] = report["findings"]
    assert (f["rule_id"], f["path"], f["blocking"]) == ("secret.not-scanned", "blob.bin", False)
    assert f["commit"] in ("", added)


# ------------------------------------------------------------------ history

def _history_repo(repo) -> dict[str, str]:
    """A secret added, then three commits later removed; another still present; one on a
    side branch HEAD never reaches."""
    shas = {"base": repo.commit({"README.md": "hello\n"}, message="base")}
    shas["added"] = repo.commit({"conf.py": f'TOKEN = "{github_classic(seed="hist")}"\n'},
                                message="add", env={"GIT_AUTHOR_NAME": "Ada Agent", "GIT_AUTHOR_DATE": "2024-03-04T05:06:07+00:00"})
    repo.commit({"x.py": "x = 1\n"})
    repo.commit({"y.py": "y = 2\n"})
    repo.commit({"conf.py": 'TOKEN = os.environ["TOKEN"]\n'}, message="remove")
    shas["kept"] = repo.commit({"keep.py": f'GROQ_API_KEY = "{groq_key(seed="kept")}"\n'})
    repo.git("checkout", "-q", "-b", "side")
    shas["side"] = repo.commit({"side.py": f'KEY = "{anthropic_key(seed="side")}"\n'})
    repo.git("checkout", "-q", "main")
    return shas


def test_history_names_the_commit_that_added_a_secret_removed_three_commits_later(repo, tmp_path):
    shas = _history_repo(repo)
    sarif = tmp_path / "h.sarif"
    res = run_cli("scan", "--history", "--format", "sarif", "--format", "json", "--output", str(sarif), cwd=repo.path)
    assert res.returncode == 1 and res.stderr == b"", res.stderr  # no progress bar when not a terminal
    found = {f["path"]: f for f in json.loads(res.stdout)["findings"]}
    assert set(found) == {"conf.py", "keep.py"}  # the side branch is not reachable from HEAD
    gone = found["conf.py"]
    assert (gone["commit"], gone["author"], gone["date"], gone["present_at_head"]) == \
        (shas["added"], "Ada Agent", "2024-03-04T05:06:07+00:00", False)
    assert (found["keep.py"]["commit"], found["keep.py"]["present_at_head"]) == (shas["kept"], True)
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert {r["properties"]["commit"] for r in results} == {shas["added"], shas["kept"]}
    text = run_cli("scan", "--history", cwd=repo.path).stdout.decode()
    assert f"added in commit {shas['added'][:12]} by Ada Agent, 2024-03-04" in text


def test_history_of_a_range_and_of_all_refs(repo):
    shas = _history_repo(repo)
    _, report = _scan_json(repo, "--history", f"{shas['added']}..HEAD")
    assert [f["path"] for f in report["findings"]] == ["keep.py"]
    _, report = _scan_json(repo, "--all-refs")
    assert {f["path"]: f["commit"] for f in report["findings"]}["side.py"] == shas["side"]


def test_baseline_history_accepts_what_history_holds(repo):
    _history_repo(repo)
    assert run_cli("baseline", "--history", cwd=repo.path).returncode == 0
    rc, report = _scan_json(repo, "--history")
    assert rc == 0 and report["findings"] == [] and report["summary"]["suppressed"] == 2
    repo.commit({"new.py": f'KEY = "{anthropic_key(seed="new")}"\n'})
    rc, report = _scan_json(repo, "--history")
    assert rc == 1 and [f["path"] for f in report["findings"]] == ["new.py"]


def test_history_scans_secrets_only(repo):
    repo.commit({"README.md": "hello\n"})
    res = run_cli("scan", "--history", "--scanners", "patterns", cwd=repo.path)
    assert res.returncode == 2 and b"secrets only" in res.stderr


def test_history_progress_only_on_a_terminal(repo):
    import pty

    _history_repo(repo)
    master, slave = pty.openpty()
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "tightrope", "scan", "--history"], cwd=repo.path, env=env,
                          stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = os.read(master, 65536).decode()
    os.close(master)
    assert proc.returncode == 1 and "scanning history 6/6 commits" in shown


def test_history_scans_a_file_moved_out_of_an_excluded_path_but_not_a_plain_move(repo):
    repo.commit({".tightrope.toml": 'exclude = ["fixtures/**"]\n',
                 "fixtures/k.py": f'GROQ_API_KEY = "{groq_key(seed="hmove")}"\n',
                 "src/a.py": f'GROQ_API_KEY = "{groq_key(seed="hplain")}"\n'})
    first = repo.git("rev-parse", "HEAD")
    repo.git("mv", "fixtures/k.py", "k.py")
    repo.git("mv", "src/a.py", "b.py")
    moved = repo.commit(message="move")
    _, report = _scan_json(repo, "--history")
    assert sorted((f["path"], f["commit"]) for f in report["findings"]) == [("k.py", moved), ("src/a.py", first)]


def test_a_range_that_moves_a_baselined_secret_stays_clean(repo):
    repo.commit({"src/a.py": f'GROQ_API_KEY = "{groq_key(seed="based")}"\n'})
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    base = repo.commit(message="baseline")
    repo.git("mv", "src/a.py", "src/b.py")
    repo.commit(message="move")
    rc, report = _scan_json(repo, "--range", f"{base}..HEAD")
    assert rc == 0 and report["findings"] == []
