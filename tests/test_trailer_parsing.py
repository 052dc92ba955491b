"""Trailers are read exactly as `git interpret-trailers --parse` reads them, on tricky and
on generated messages; reading is linear in the message's length; oversized input is a
finding, not a hang."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from conftest import GIT_ENV
from test_identity import arepo, commit, keys, rules, run_verify  # noqa: F401

from tightrope.identity import trailer_block, trailers
from tightrope.identity.person import parse_person

SOB = "Signed-off-by: Ada Lovelace <ada@example.com>"
CUT = "# ------------------------ >8 ------------------------"
TRICKY = [
    "subject only\n",
    "Agent: in the subject is not a trailer\n",
    "subject\n\nAgent: claude-code\n",
    "subject\nAgent: claude-code\n",  # no blank line: the title paragraph
    "subject\n\nbody line\nAgent: claude-code\n",  # 1 of 2 lines, nothing git-generated
    f"subject\n\nbody line\nmore prose\nAgent: claude-code\n{SOB}\n",  # git-generated, 50%
    f"subject\n\np1\np2\np3\np4\np5\np6p7\nAgent: claude-code\n{SOB}\n",  # git-generated, under 25%
    "subject\n\nAgent: claude-code\n  continued value\n\tand more\n",
    "subject\n\n  leading blank\nAgent: x\n",
    "subject\n\nAgent: claude-code\n# a comment line\nDelegated-by: Ada <a@b.c>\n",
    "subject\n\nAgent: a\n\n# trailing comment\n\n",
    "subject\n\nAgent: a\n---\nDelegation: after the divider\n",
    "subject\n\nbody\n---\nAgent: after the divider\n",
    "subject\n\nAgent: a\n--- \n",
    "subject\n\nAgent: a\n----\n",
    f"subject\n\nAgent: a\n{CUT}\nDelegated-by: Eve <e@x.y>\n",
    "subject\n\nAgent: a\n\nConflicts:\n\tsrc/a.py\n\tsrc/b.py\n",
    "subject\n\nAgent  : spaced key\nKey x: not a trailer\n",
    "subject\n\n:no key\nAgent: a\n",
    "subject\n\nKлюч: non-ascii key\nAgent: a\n",
    "subject\n\nAgent:\nAssisted-by:claude-code\n",
    "subject\n\n(cherry picked from commit 0123abcd)\nprose\nprose\nprose\nAgent: a\n",
    "subject\n\nAgent: a\n\n\n",
    "# comment first\nsubject\n\nAgent: a\n",
    "subject\n\nAgent: a",  # no final newline
    "\n\nAgent: a\n",
    "subject\n\nAssisted-by: claude-code\n\nDelegated-by: Ada <a@b.c>\n",  # only the last paragraph
]
PIECES = ["Agent: claude-code", "Assisted-by: codex:gpt-5", SOB, "(cherry picked from commit 0123abc)",
          "  continuation", "\tcontinuation", "# comment", "prose here", "Key : spaced", "Key x: no", ":nokey",
          "", "", "", "   ", "---", "--- x", "----", "Conflicts:", "\tpath", "Delegated-by: A <a@b.c>",
          "Co-authored-by: Claude <noreply@anthropic.com>", "Key:", "Key:v:w", "x-y-z: v"]


def git_parse(message: str) -> list[str]:
    out = subprocess.run(["git", "interpret-trailers", "--parse"], input=message.encode(), capture_output=True,
                         cwd="/", env={**GIT_ENV, "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": "/usr/bin:/bin"},
                         check=True)
    return out.stdout.decode().splitlines()


def ours(message: str) -> list[str]:
    return [f"{t.key}: {t.value}" for t in trailers.parse(message)[0]]


@pytest.mark.parametrize("message", TRICKY)
def test_tricky_messages_read_as_git_reads_them(message):
    assert ours(message) == git_parse(message)


def test_generated_messages_read_as_git_reads_them():
    rng = random.Random(7)
    for _ in range(300):
        body = [rng.choice(PIECES) for _ in range(rng.randint(0, 9))]
        message = "subject\n" + ("\n" if rng.random() < 0.9 else "") + "\n".join(body) + rng.choice(["\n", ""])
        assert ours(message) == git_parse(message), message


def test_line_numbers_point_at_the_message():
    found, _ = trailers.parse("subject\n\nbody\n\nAgent: a\n  more\nDelegated-by: Ada <a@b.c>\n")
    assert [(t.key, t.line) for t in found] == [("Agent", 5), ("Delegated-by", 7)]


ADVERSARIAL = [
    "Co-authored-by: Claude" + " " * 100_000 + "x",  # the reported 100 KB line: 69 s before
    "Co-authored-by: " + "a " * 50_000 + "x",
    "Delegated-by: " + "A" + " " * 100_000 + "<",
    "Assisted-by: " + "claude-code:" * 10_000,
    "Agent: " + ":" * 100_000,
]


@pytest.mark.parametrize("line", ADVERSARIAL)
def test_adversarial_trailers_are_read_by_a_linear_algorithm(line):
    """A quadratic or backtracking reader needs hours on these; the subprocess has a minute."""
    code = ("import sys; from tightrope.identity import trailers; from tightrope.identity.person import parse_person; "
            "m = sys.stdin.read(); parse_person(m); ident = trailers.read(m); "
            "print(sorted({p.rule for p in ident.problems}))")
    message = "subject\n\n" + ("body line\n" * 90_000) + "\n" + line + "\n"  # about 1 MB
    assert len(message) > 1_000_000
    out = subprocess.run([sys.executable, "-c", code], input=message.encode(), capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "input-too-large" in out.stdout.decode()
    small = "subject\n\n" + line[:200] + "\n"
    trailers.read(small)  # and below the caps the readers run on the text itself
    assert parse_person(line[:5000]) is None


def test_a_1_mb_commit_message_is_a_finding_not_a_hang(arepo):
    message = "huge\n\n" + "x " * 500_000 + "\n\nAssisted-by: claude-code\n"
    arepo.git("-c", "core.hooksPath=/nonexistent", "commit", "-q", "--allow-empty", "-F", "-", input=message.encode())
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 1 and "identity.input-too-large" in rules(data)
    assert len(json.dumps(data)) < 10_000  # the message is not echoed


def test_an_oversized_trailer_is_a_finding(arepo):
    commit(arepo, "change\n\nAssisted-by: claude-code\nDelegated-by: " + "A" * 5000 + " <a@b.c>", hooks=False)
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 1 and "identity.input-too-large" in rules(data)
    assert [f["message"] for f in data["findings"] if "Delegated-by" in f["message"]]


def test_the_block_finder_is_one_pass():
    """Entry count is bounded by the lines: no line is examined into a second entry."""
    message = "subject\n\n" + "\n".join(f"K{i}: v" for i in range(20_000)) + "\n"
    assert len(trailer_block.block(message)) == 20_000


# --- path scopes: git's glob pathspec ---------------------------------------------------------

FILES = ["src/x.py", "src/a/y.py", "src/a/b/z.py", "docs/r.md", "top.py", "src.py", ".github/workflows/ci.yml",
         "srcx/q.py", "a[b]/c.txt", "weird name.txt"]
GLOBS = ["src", "src/", "src/*", "src/**", "**/*.py", "*.py", "src/**/z.py", "src/*/y.py", "src/a", "**", "s?c/x.py",
         "src/[xy].py", "src/[!x].py", "src/**/*.py", "**/b", ".github/**", "*", "src*", "src/a/**/", "**/a/**",
         "src/**/b/*.py", "weird*", "*/*.py", "*/*/*"]


def test_path_scopes_match_like_git_glob_pathspecs(tmp_path):
    from tightrope.wildmatch import match

    env = {**GIT_ENV, "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, env=env)
    for f in FILES:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x\n")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    for glob in GLOBS:
        git_says = subprocess.run(["git", "-c", "core.quotePath=false", "ls-files", "-z", "--", f":(glob){glob}"],
                                  cwd=tmp_path, capture_output=True, check=True, env=env).stdout.decode().split("\0")
        assert sorted(f for f in FILES if match(glob, f)) == sorted(p for p in git_says if p), glob


def test_a_star_scope_does_not_cross_directories(arepo, keys):
    from test_identity import agent_env, delegate, git

    set_policy = __import__("test_identity").set_policy
    set_policy(arepo, '[identity]\nrequire = "signed"\n')
    git(arepo, "checkout", "-q", "-b", "agent/work")
    token = delegate(arepo, keys["ada"], scope="path:src/*")
    commit(arepo, "agent change", {"src/deep/a.py": "a = 1\n"}, env=agent_env(token))
    code, data, _ = run_verify(arepo, "main..HEAD")
    assert code == 1 and rules(data) == {"identity.delegation-out-of-scope"}
    assert data["findings"][0]["path"] == "src/deep/a.py"
    token = delegate(arepo, keys["ada"], scope="path:src/**")
    commit(arepo, "agent change", {"src/deep/b.py": "b = 1\n"}, env=agent_env(token))
    code, data, _ = run_verify(arepo, "HEAD~1..HEAD")
    assert code == 0, data
