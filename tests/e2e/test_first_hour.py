"""A new user's first hour (issue #15): each odd input either works or is exit 2 with a hint."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import GIT_ENV, ROOT, run_cli


@pytest.mark.parametrize("where, words", [
    ("/no/such/dir", "does not exist"),
    ("", "is empty"),
    ("FILE", "is not a directory"),
])
def test_a_bad_repository_path_is_exit_2(repo, where, words):
    repo.commit({"README.md": "hello\n"})
    target = str(repo.path / "README.md") if where == "FILE" else where
    proc = run_cli("scan", "-C", target, cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and words in err and "hint:" in err and "Traceback" not in err


@pytest.mark.parametrize("data", [b"just some prose, no diff here\n", bytes(range(256)) * 4])
def test_patch_input_without_a_diff_is_exit_2(tmp_path, data):
    proc = run_cli("scan", "--patch", "-", cwd=tmp_path, input=data)
    assert proc.returncode == 2 and b"holds no unified diff" in proc.stderr


def test_an_empty_patch_is_an_empty_diff_and_says_so(tmp_path):
    proc = run_cli("scan", "--patch", "-", cwd=tmp_path, input=b"")
    assert proc.returncode == 0 and b"empty diff" in proc.stdout


def test_a_shallow_clone_says_the_root_was_scanned_whole(repo, tmp_path):
    repo.commit({"README.md": "hello\n"})
    repo.commit({"app.py": "x = 1\n"})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    proc = run_cli("scan", "--scanners", "secrets", cwd=clone)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"shallow clone" in proc.stdout and b"git fetch --deepen=1" in proc.stdout


def test_install_hooks_installs_all_four_by_default(repo):
    proc = run_cli("install-hooks", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr.decode()
    hooks = repo.path / ".git" / "hooks"
    for name, command in (("pre-commit", "scan --staged"), ("pre-push", "pre-push"),
                          ("prepare-commit-msg", "tag"), ("commit-msg", "check-trailers")):
        assert f"-m tightrope {command} " in (hooks / name).read_text(), name


def test_the_demo_prints_only_commands_that_work():
    proc = run_cli("demo")
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, err
    assert " -C " not in out  # the repository is gone: no command points into it
    assert "demo --keep" in err


# --- messages that lead somewhere ------------------------------------------------------------

def test_a_blocked_commit_ends_with_the_ways_out_and_each_works(repo):
    repo.commit({"README.md": "hello\n"})
    line = "    return requests.get(url, verify=False)"
    repo.stage({"net.py": f"import requests\n\n\ndef fetch(url):\n{line}\n"})
    proc = run_cli("scan", "--staged", cwd=repo.path)
    last = proc.stdout.decode().splitlines()[-2:]
    assert proc.returncode == 1
    assert "`# tightrope: allow py.tls-verify-disabled <reason>`" in last[0] and "`tightrope baseline`" in last[0]
    assert '`disable = ["py.tls-verify-disabled"]`' in last[1]
    # the policy key it names turns the rule off (and is not rejected as an unknown rule)
    repo.write(".tightrope.toml", 'disable = ["py.tls-verify-disabled"]\n')
    assert run_cli("scan", "--staged", cwd=repo.path).returncode == 0
    (repo.path / ".tightrope.toml").unlink()
    # the inline allow, as printed
    repo.stage({"net.py": f"import requests\n\n\ndef fetch(url):\n{line}  # tightrope: allow py.tls-verify-disabled "
                          "test server, self-signed\n"})
    assert run_cli("scan", "--staged", cwd=repo.path).returncode == 0


def _two_commits(repo) -> None:
    repo.commit({"README.md": "hello\n"})
    repo.commit({"app.py": "x = 1\n"})


def test_verify_says_what_it_verified(repo):
    _two_commits(repo)
    proc = run_cli("verify", "HEAD~1..HEAD", "--branch", "main", cwd=repo.path)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.splitlines()[-1] == "verified 1 commit in HEAD~1..HEAD on branch main at level trailers: 0 findings (0 blocking)"
    assert "lines scanned" not in out


@pytest.mark.parametrize("command", ["log", "verify"])
def test_log_and_verify_without_a_range_show_their_own_usage(repo, command):
    _two_commits(repo)
    proc = run_cli(command, cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and f"tightrope {command} origin/main..HEAD" in err


def test_an_empty_agent_commit_message_is_said_to_be_empty_and_never_stamped(repo):
    repo.commit({"README.md": "hello\n"})
    assert run_cli("install-hooks", cwd=repo.path).returncode == 0
    repo.stage({"app.py": "x = 1\n"})
    env = {**os.environ, "CLAUDECODE": "1", "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["git", "commit", "--allow-empty-message", "-m", ""], cwd=repo.path, capture_output=True,
                          env={**env, **GIT_ENV})
    err = proc.stderr.decode()
    assert proc.returncode != 0 and "the commit message is empty" in err and "install" not in err
    assert repo.git("rev-list", "--count", "HEAD") == "1"  # no commit of trailers only


@pytest.mark.parametrize("expires", ["99999999999d", "100000w", "9999-12-31"])
def test_an_absurd_delegation_lifetime_is_exit_2(repo, tmp_path, expires):
    repo.commit({"README.md": "hello\n"})
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    proc = run_cli("delegate", "--agent", "claude-code", "--scope", "all", "--expires", expires, "--key", str(key),
                   "--repository", "example.com/o/r", cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "days away" in err and "hint:" in err, err


@pytest.mark.parametrize("argv", [
    ["verify", "HEAD~1..HEAD", "--at", "99999999999999999"],
    ["verify", "HEAD~1..HEAD", "--at", "2999-99-99"],
    ["verify", "nosuch..HEAD"],
    ["log", "HEAD~1..HEAD", "-C", "/no/such/dir"],
    ["verify", "HEAD~1..HEAD", "--allowed-signers", "/no/such/file"],
    ["delegate", "--agent", "two words", "--scope", "all"],
    ["delegate", "--agent", "claude-code", "--scope", "everything"],
    ["tag", "/no/such/message"],
])
def test_identity_usage_errors_are_exit_2_never_3(repo, argv):
    _two_commits(repo)
    proc = run_cli(*argv, cwd=repo.path, env={"CLAUDECODE": "1"})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "hint:" in err and "internal error" not in err, err


# --- silent configuration surprises ----------------------------------------------------------

@pytest.mark.parametrize("policy, words", [
    ('[rules."py.flask-debg"]\nblocking = false\n', 'rules."py.flask-debg": no rule has this id'),
    ('disable = ["secret.kewyord"]\n', "did you mean secret.keyword?"),
    ('[rules."py.*"]\nblocking = false\n', "globs work in `disable`"),
])
def test_a_rule_id_that_names_no_rule_is_exit_2(repo, policy, words):
    repo.commit({"README.md": "hello\n", ".tightrope.toml": policy})
    proc = run_cli("scan", cwd=repo.path)
    assert proc.returncode == 2 and words in proc.stderr.decode()


def test_known_rule_ids_and_globs_are_accepted(repo):
    policy = ('disable = ["py.*", "caps.max-files", "identity.missing-delegation"]\n'
              '[rules."secret.keyword"]\nblocking = false\n[rules."policy.changed"]\nblocking = false\n')
    repo.commit({"README.md": "hello\n", ".tightrope.toml": policy})
    assert run_cli("scan", cwd=repo.path).returncode == 0


def test_the_rule_id_list_is_current():
    """data/rule-ids.txt is what scripts/list_rule_ids.py computes from the code and the pack."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "list_rule_ids.py"), "--check"], capture_output=True)
    assert proc.returncode == 0, "run `python scripts/list_rule_ids.py` and commit src/tightrope/data/rule-ids.txt"


def test_two_policies_say_which_wins_and_exclude_says_how_many_it_left_out(repo):
    repo.commit({"README.md": "hello\n", ".tightrope.toml": 'exclude = ["vendor/**"]\n',
                 "pyproject.toml": '[tool.tightrope]\nfail_on = "low"\n'})
    repo.stage({"vendor/a.py": "a = 1\n", "vendor/b.py": "b = 1\n", "app.py": "c = 1\n"})
    out = run_cli("scan", "--staged", cwd=repo.path).stdout.decode()
    assert ".tightrope.toml is used and the [tool.tightrope] table is ignored" in out
    assert "the policy's `exclude` left out 2 files" in out and "in 1 file," in out


def test_a_directory_given_to_policy_is_exit_2(repo):
    repo.commit({"README.md": "hello\n"})
    proc = run_cli("scan", "--policy", str(repo.path), cwd=repo.path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "is a directory" in err and ".tightrope.toml" in err


def test_garbage_on_pre_push_stdin_is_exit_2_naming_the_line(repo):
    head = repo.commit({"README.md": "hello\n"})
    good = f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    proc = run_cli("pre-push", "origin", "url", cwd=repo.path, input=(good + "this is not a ref line\n").encode())
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "line 2" in err and "this is not a ref line" in err and "hint:" in err


def test_an_empty_pre_push_stdin_pushes_nothing(repo):
    repo.commit({"README.md": "hello\n"})
    assert run_cli("pre-push", "origin", "url", cwd=repo.path, input=b"").returncode == 0
