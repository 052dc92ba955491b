"""Secrets scanning speed: tightrope against detect-secrets, same inputs, one run.

(a) the pre-commit hook on a staged change of ~100 added lines:
    `tightrope scan --staged --scanners secrets`  vs  `detect-secrets-hook FILES`
(b) a large diff (a real repository's history as a patch, several MB):
    `tightrope scan --patch FILE --scanners secrets`  vs  detect-secrets' `scan_diff`

Prints medians and ratios; targets: (a) p50 <= 0.3 s and >= 4x, (b) >= 1 MB/s and >= 10x.
Usage: python bench/bench_secrets.py [--repo PATH_TO_A_REAL_REPO] [--runs N]
Needs `pip install -e '.[bench]'` (detect-secrets' diff mode needs unidiff).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com", "NO_COLOR": "1"}


def timed(cmd: list[str], cwd: Path, runs: int, stdin: bytes | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, env=ENV, input=stdin)
        times.append(time.perf_counter() - start)
    return times


def git(cwd: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=ENV).stdout


def real_code_lines(n: int) -> list[str]:
    """n lines of ordinary, real Python (from the standard library)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines: list[str] = []
    for name in ("textwrap.py", "shlex.py", "fnmatch.py", "glob.py"):
        lines += (stdlib / name).read_text(encoding="utf-8").splitlines()
    return lines[:n]


def staged_repo(where: Path, n_files: int, lines_per_file: int) -> tuple[Path, list[str]]:
    """A repository with one commit and a staged change of real code spread over n files."""
    repo = where / f"staged-{n_files}x{lines_per_file}"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("bench\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "init")
    lines = real_code_lines(n_files * lines_per_file)
    files = []
    for i in range(n_files):
        p = repo / f"pkg/mod{i}.py"
        p.parent.mkdir(exist_ok=True)
        p.write_text("\n".join(lines[i * lines_per_file:(i + 1) * lines_per_file]) + "\n")
        files.append(str(p.relative_to(repo)))
    git(repo, "add", "-A")
    return repo, files


def hook_bench(work: Path, runs: int) -> dict:
    repo, files = staged_repo(work, 4, 25)
    ours = timed([str(BIN / "tightrope"), "scan", "--staged", "--scanners", "secrets"], repo, runs)
    theirs = timed([str(BIN / "detect-secrets-hook"), *files], repo, runs)
    return {"ours": statistics.median(ours), "theirs": statistics.median(theirs)}


def big_patch(work: Path, source_repo: Path | None, min_bytes: int) -> tuple[Path, Path]:
    """A real history as one patch: the given repository's, or a repository built from
    real installed source code, commit by commit."""
    if source_repo is None:
        source_repo = work / "history"
        source_repo.mkdir()
        git(source_repo, "init", "-q", "-b", "main")
        site = Path(sysconfig.get_paths()["purelib"])
        for pkg in ("pre_commit", "git", "github", "gitlab", "detect_secrets", "pygments/lexers", "rich"):
            src = site / pkg
            if not src.exists():
                continue
            shutil.copytree(src, source_repo / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
            git(source_repo, "add", "-A")
            git(source_repo, "commit", "-q", "-m", f"add {pkg}")
    data = git(source_repo, "log", "-p", "--no-color", "--no-ext-diff", "--format=", "-M")
    out = work / "history.patch"
    out.write_bytes(data if len(data) >= min_bytes else data * (min_bytes // max(len(data), 1) + 1))
    return out, source_repo


def diff_bench(work: Path, patch: Path, repo: Path, runs: int) -> dict:
    """detect-secrets runs inside the repository: its `is_invalid_file` filter silently
    drops every path that does not exist on disk, which would make it look fast."""
    size_mb = patch.stat().st_size / 1e6
    ours = timed([str(BIN / "tightrope"), "scan", "--patch", str(patch), "--scanners", "secrets", "--format", "json",
                  "--output", os.devnull], work, runs)
    ds = ("import sys; from detect_secrets.core.scan import scan_diff; "
          "from detect_secrets.settings import default_settings\n"
          "with default_settings():\n    n = sum(1 for _ in scan_diff(open(sys.argv[1]).read()))")
    theirs = timed([sys.executable, "-c", ds, str(patch)], repo, max(1, runs // 2))
    return {"mb": size_mb, "ours": statistics.median(ours), "theirs": statistics.median(theirs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, help="a real repository whose history becomes the large patch")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--min-mb", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as tmp:
        work = Path(tmp)
        hook = hook_bench(work, args.runs)
        print(f"(a) hook, ~100 staged lines: tightrope p50 {hook['ours']:.3f} s, detect-secrets-hook "
              f"p50 {hook['theirs']:.3f} s -> {hook['theirs'] / hook['ours']:.1f}x faster "
              f"(targets: <= 0.300 s, >= 4x)")
        patch, source = big_patch(work, args.repo, int(args.min_mb * 1e6))
        big = diff_bench(work, patch, source, max(3, args.runs // 5))
        print(f"(b) large diff, {big['mb']:.1f} MB: tightrope {big['ours']:.2f} s ({big['mb'] / big['ours']:.1f} MB/s), "
              f"detect-secrets scan_diff {big['theirs']:.2f} s ({big['mb'] / big['theirs']:.2f} MB/s) -> "
              f"{big['theirs'] / big['ours']:.1f}x faster (targets: >= 1 MB/s, >= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
