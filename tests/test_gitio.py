"""The diff model against real repositories: what counts as added, and bad input."""

import subprocess

import pytest

from tightrope import gitio
from tightrope.errors import GitError, UsageError


def added(cs):
    return {c.path: [a.text for a in c.added] for c in cs.changes if c.added}


def test_staged_reads_the_index_not_the_work_tree(repo):
    repo.commit({"app.py": "a = 1\n"})
    repo.stage({"app.py": "a = 1\nb = 2\n"})
    repo.write("app.py", "a = 1\nb = 2\nunstaged = 3\n")  # partial add: not in the index
    cs = gitio.staged(repo.path)
    assert added(cs) == {"app.py": ["b = 2"]}
    assert cs.read_files(["app.py"]) == {"app.py": b"a = 1\nb = 2\n"}


def test_staged_file_deleted_from_disk_is_still_read(repo):
    repo.commit({"keep.txt": "x\n"})
    repo.stage({"config.py": "token = 1\n"})
    (repo.path / "config.py").unlink()
    cs = gitio.staged(repo.path)
    assert added(cs) == {"config.py": ["token = 1"]}
    assert cs.read_files(["config.py"])["config.py"] == b"token = 1\n"


def test_staged_on_an_unborn_branch(repo):
    repo.stage({"first.txt": "hello\n"})
    assert added(gitio.staged(repo.path)) == {"first.txt": ["hello"]}


def test_rename_is_not_re_reported_but_edits_in_it_are(repo):
    body = "".join(f"line {i}\n" for i in range(30))
    repo.commit({"old.py": body, "other.py": body.replace("line", "row")})
    repo.git("mv", "old.py", "new.py")
    repo.git("mv", "other.py", "moved.py")
    repo.write("moved.py", body.replace("line", "row") + "appended\n")
    repo.git("add", "moved.py")
    cs = gitio.staged(repo.path)
    by_path = {c.path: c for c in cs.changes}
    assert by_path["new.py"].status == "renamed" and by_path["new.py"].added == []
    assert [a.text for a in by_path["moved.py"].added] == ["appended"]


def test_deletion_binary_and_non_utf8(repo):
    repo.commit({"gone.txt": "bye\n"})
    repo.git("rm", "-q", "gone.txt")
    repo.stage({"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary", "latin1.txt": b"caf\xe9 = 1\n"})
    cs = gitio.staged(repo.path)
    by_path = {c.path: c for c in cs.changes}
    assert by_path["gone.txt"].status == "deleted" and not by_path["gone.txt"].is_scannable
    assert by_path["logo.png"].skipped == "binary file"
    assert by_path["latin1.txt"].undecodable_lines == 1


def test_submodule_is_skipped(repo, tmp_path):
    from conftest import GitRepo

    sub = GitRepo(tmp_path / "sub")
    sub.commit({"lib.py": "x = 1\n"})
    repo.commit({"a.txt": "a\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/sub")
    cs = gitio.staged(repo.path)
    skipped = {c.path: c.skipped for c in cs.changes}
    assert skipped["vendor/sub"] == "submodule"


def test_range_uses_the_merge_base_and_handles_merge_commits(repo):
    repo.commit({"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"feature.txt": "feature line\n"})
    repo.git("checkout", "-q", "main")
    repo.commit({"main.txt": "main line\n"})
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    cs = gitio.commit_range(repo.path, "main..feature")
    assert added(cs) == {"feature.txt": ["feature line"]}
    last = gitio.last_commit(repo.path)
    assert any("merge commit" in n for n in last.notes)
    assert added(last) == {"main.txt": ["main line"]}


def test_empty_range_is_a_note_not_an_error(repo):
    repo.commit({"a.txt": "a\n"})
    cs = gitio.commit_range(repo.path, "HEAD..HEAD")
    assert cs.changes == [] and any("empty range" in n for n in cs.notes)


def test_unknown_base_in_a_shallow_clone_says_fetch_more_history(repo, tmp_path):
    for i in range(3):
        repo.commit({f"f{i}.txt": f"{i}\n"})
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    with pytest.raises(GitError) as err:
        gitio.commit_range(clone, f"{first}..HEAD")
    assert "shallow" in err.value.message and "fetch more history" in err.value.hint


def test_unknown_revision_and_bad_range_syntax(repo):
    repo.commit({"a.txt": "a\n"})
    with pytest.raises(GitError, match="unknown revision"):
        gitio.commit_range(repo.path, "nope..HEAD")
    with pytest.raises(UsageError):
        gitio.commit_range(repo.path, "HEAD")


def test_not_a_repository(tmp_path):
    with pytest.raises(GitError, match="not inside a git repository"):
        gitio.repo_root(tmp_path)


def _git_toplevel(cwd, env=None) -> str:
    return subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_root_is_git_own_answer_at_the_top_below_it_and_through_a_symlink(repo, tmp_path):
    repo.commit({"pkg/mod.py": "x = 1\n"})
    link = tmp_path / "link"
    link.symlink_to(repo.path)
    for where in (repo.path, repo.path / "pkg", link, link / "pkg"):
        assert gitio.repo_root(where) == _git_toplevel(where)


def test_root_of_a_linked_work_tree_and_a_nested_repository(repo, tmp_path):
    repo.commit({"a.txt": "a\n"})
    subprocess.run(["git", "worktree", "add", "-q", str(tmp_path / "wt")], cwd=repo.path, check=True)
    nested = repo.path / "vendor" / "inner"
    nested.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    for where in (tmp_path / "wt", nested):
        assert gitio.repo_root(where) == _git_toplevel(where)


def test_root_follows_git_dir_and_work_tree_from_the_environment(repo, tmp_path, monkeypatch):
    """A `.git` in the current directory is not the answer when GIT_DIR says otherwise."""
    repo.commit({"a.txt": "a\n"})
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    monkeypatch.setenv("GIT_DIR", str(repo.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(repo.path))
    assert gitio.repo_root(other) == _git_toplevel(other) == str(repo.path.resolve())


def test_a_dot_git_that_is_no_repository_is_not_taken_for_the_root(repo):
    repo.commit({"a.txt": "a\n"})
    empty = repo.path / "docs"
    (empty / ".git").mkdir(parents=True)  # an empty directory: git looks further up
    assert gitio.repo_root(empty) == str(repo.path.resolve()) == _git_toplevel(empty)
    broken = repo.path / "notes"
    broken.mkdir()
    (broken / ".git").write_text("not a gitdir line\n")  # git stops here, with an error
    with pytest.raises(GitError, match="not inside a git repository"):
        gitio.repo_root(broken)


def test_all_tracked_files(repo):
    repo.commit({"a.txt": "one\ntwo\n", "b.bin": b"\x00\x01"})
    cs = gitio.tracked_files(repo.path)
    assert added(cs) == {"a.txt": ["one", "two"]}
    assert {c.path: c.skipped for c in cs.changes}["b.bin"] == "binary file"


def test_first_push_without_remote_refs_scans_everything_new(repo):
    repo.commit({"a.txt": "a\n"})
    repo.commit({"b.txt": "b\n"})
    cs = gitio.unpushed(repo.path, "origin")
    assert added(cs) == {"a.txt": ["a"], "b.txt": ["b"]}
