"""Secrets scanning speed: tightrope against its peers, same inputs, one run.

(a) the pre-commit hook on a staged change of ~100 added lines of real code, clean and with
    two ordinary lines that hold a trigger word (`password = getpass.getpass(...)`):
    `tightrope scan --staged --scanners secrets`  vs  `detect-secrets-hook FILES`
    and, when installed, `betterleaks git --staged` and `gitleaks git --staged` (bench/peers.py).
(b) a large diff (a real repository's history as a patch, several MB), one core:
    `tightrope scan --patch FILE --scanners secrets`  vs  detect-secrets' `scan_diff` and
    `betterleaks stdin` and `gitleaks stdin` (when installed): MB/s and each process's peak memory.
(c) the keyword prefilter as the format catalogue grows: today's keywords and synthetic
    tables of 2,000 and 4,000 vendor-like words, the Aho-Corasick automaton tightrope uses
    against the regex it replaced (one alternation of the same words, prefixes factored
    out), in-process.

Every process runs under the same `nice` level, interleaved run by run, so a shared,
drifting machine hits every tool alike. Prints medians and ratios; targets (issue 11 §4):
(a) >= 4x detect-secrets-hook with and without a keyword line, (b) >= 10 MB/s and ahead
of betterleaks, peak memory <= 2x the diff.
Usage: python bench/bench_secrets.py [--repo PATH_TO_A_REAL_REPO] [--runs N] [--nice N]
Needs `pip install -e '.[bench]'` (detect-secrets' diff mode needs unidiff).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from peers import betterleaks, gitleaks

BIN = Path(sys.executable).parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com", "NO_COLOR": "1"}


NICE = ["nice", "-n", "10"]  # every tool alike (--nice)


def run_once(cmd: list[str], cwd: Path, stdin: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak resident memory (MiB) and CPU seconds (user + sys, children
    included) of one whole process. On a shared machine, CPU time is the figure to quote."""
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as fin:
        proc = subprocess.Popen(NICE + cmd, cwd=cwd, env=ENV, stdin=fin, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, runs: int, stdin: Path | None = None) -> list[float]:
    run_once(cmd, cwd, stdin)  # warm-up
    return [run_once(cmd, cwd, stdin)[0] for _ in range(runs)]


def git(cwd: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=ENV).stdout


def real_code_lines(n: int) -> list[str]:
    """n lines of ordinary, real Python (from the standard library)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines: list[str] = []
    for name in ("textwrap.py", "shlex.py", "fnmatch.py", "glob.py"):
        lines += (stdlib / name).read_text(encoding="utf-8").splitlines()
    return lines[:n]


KEYWORD_LINES = ['password = getpass.getpass("Password: ")', "api_key = settings.API_KEY"]


def staged_repo(where: Path, n_files: int, lines_per_file: int, keyword: bool = False) -> tuple[Path, list[str]]:
    """A repository with one commit and a staged change of real code spread over n files
    (with `keyword`, two of its lines are ordinary lines holding a trigger word)."""
    repo = where / f"staged-{n_files}x{lines_per_file}{'-kw' if keyword else ''}"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("bench\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "init")
    lines = real_code_lines(n_files * lines_per_file)
    if keyword:
        lines[10:12] = KEYWORD_LINES
    files = []
    for i in range(n_files):
        p = repo / f"pkg/mod{i}.py"
        p.parent.mkdir(exist_ok=True)
        p.write_text("\n".join(lines[i * lines_per_file:(i + 1) * lines_per_file]) + "\n")
        files.append(str(p.relative_to(repo)))
    git(repo, "add", "-A")
    return repo, files


def hook_bench(work: Path, runs: int, keyword: bool) -> dict[str, tuple[float, float]]:
    """(median wall, median CPU) seconds per tool; runs interleaved so a drifting machine
    hits all alike."""
    repo, files = staged_repo(work, 4, 25, keyword)
    cmds = {"tightrope": [str(BIN / "tightrope"), "scan", "--staged", "--scanners", "secrets"],
            "detect-secrets-hook": [str(BIN / "detect-secrets-hook"), *files]}
    if bl := betterleaks():
        cmds["betterleaks"] = [bl, "git", "--staged", "--no-banner", str(repo)]
    if gl := gitleaks():
        cmds["gitleaks"] = [gl, "git", "--staged", "--no-banner", str(repo)]
    for cmd in cmds.values():
        run_once(cmd, repo)  # warm-up
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(run_once(cmd, repo))
    return {name: (statistics.median(r[0] for r in t), statistics.median(r[2] for r in t)) for name, t in times.items()}


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
    # streamed to the file, never held here: a forked child's peak memory (ru_maxrss) starts
    # from this process's size, so a patch held in memory would inflate every tool's peak
    out = work / "history.patch"
    with open(out, "wb") as sink:
        subprocess.run(["git", "log", "-p", "--no-color", "--no-ext-diff", "--format=", "-M"], cwd=source_repo,
                       env=ENV, stdout=sink, check=True)
    once = out.stat().st_size
    with open(out, "rb") as source, open(out, "ab") as sink:  # repeated to min_bytes, 1 MiB at a time
        while once and out.stat().st_size < min_bytes:
            source.seek(0)
            left = once
            while left:
                block = source.read(min(left, 1 << 20))
                sink.write(block)
                left -= len(block)
            sink.flush()
    return out, source_repo


def diff_bench(work: Path, patch: Path, repo: Path, runs: int,
               with_detect_secrets: bool = True) -> dict[str, tuple[float, float, float]]:
    """(median wall seconds, max peak MiB, median CPU seconds) per tool. detect-secrets runs inside the repository:
    its `is_invalid_file` filter silently drops every path that does not exist on disk,
    which would make it look fast. betterleaks reads the patch on stdin."""
    ds = ("import sys; from detect_secrets.core.scan import scan_diff; "
          "from detect_secrets.settings import default_settings\n"
          "with default_settings():\n    n = sum(1 for _ in scan_diff(open(sys.argv[1]).read()))")
    cmds = {"tightrope": ([str(BIN / "tightrope"), "scan", "--patch", str(patch), "--scanners", "secrets",
                           "--format", "json", "--output", os.devnull], work, None, runs),
            "detect-secrets scan_diff": ([sys.executable, "-c", ds, str(patch)], repo, None, 1)}
    if not with_detect_secrets:
        del cmds["detect-secrets scan_diff"]
    if bl := betterleaks():
        cmds["betterleaks stdin"] = ([bl, "stdin", "--no-banner", "-j", "1"], work, patch, runs)
    if gl := gitleaks():
        cmds["gitleaks stdin"] = ([gl, "stdin", "--no-banner"], work, patch, runs)
    out = {}
    for name, (cmd, cwd, stdin, n) in cmds.items():
        results = [run_once(cmd, cwd, stdin) for _ in range(n)]
        out[name] = (statistics.median(r[0] for r in results), max(r[1] for r in results),
                     statistics.median(r[2] for r in results))
    return out


def synthetic_words(n: int, seed: int = 11) -> list[str]:
    """Today's keywords topped up to n with random vendor-like words (5-11 letters, some
    with a `_`/`-` suffix such as `_api_key`), the way prefix-less catalogue entries add
    their vendor names."""
    from tightrope.scan import secrets

    rnd, words = random.Random(seed), set(secrets.keywords())
    while len(words) < n:
        word = "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(5, 11)))
        words.add(word + rnd.choice(("", "", "_api_key", "-token", "_secret")))
    return sorted(words)


def trie_regex(words: list[str]) -> str:
    """The prefilter tightrope had before the automaton: one alternation with shared
    prefixes factored out (a word another word starts with makes the longer one redundant)."""
    trie: dict = {}
    for w in sorted(words, key=len):
        node = trie
        for ch in w:
            if "" in node:
                break
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}

    def emit(node: dict) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def _compile_uncached(pattern: bytes) -> re.Pattern:
    re.purge()  # else `re` returns the pattern it compiled in the previous round
    return re.compile(pattern)


def prefilter_bench(patch: Path, rounds: int = 3) -> list[tuple[int, float, float, float, float]]:
    """(words, automaton build ms, automaton MB/s, regex build ms, regex MB/s) per table
    size, over the large patch lower-cased (best of `rounds`, CPU time)."""
    from tightrope.scan import secrets

    low = patch.read_bytes().lower()
    rows = []
    for words in (sorted(secrets.keywords()), synthetic_words(2000), synthetic_words(4000)):
        def best(fn):
            times = []
            for _ in range(rounds):
                t = time.process_time()
                out = fn()
                times.append(time.process_time() - t)
            return min(times), out

        build_ac, ac = best(lambda: secrets.Prefilter(words))
        run_ac, _ = best(lambda: ac.matches(low))
        build_re, rx = best(lambda: _compile_uncached(trie_regex(words).encode()))
        run_re, _ = best(lambda: sum(1 for _ in rx.finditer(low)))
        mb = len(low) / 1e6
        rows.append((len(words), build_ac * 1e3, mb / run_ac, build_re * 1e3, mb / run_re))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, help="a real repository whose history becomes the large patch")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--min-mb", type=float, default=5.0)
    ap.add_argument("--skip-detect-secrets-diff", action="store_true",
                    help="leave out detect-secrets' scan_diff on the large diff (it takes minutes)")
    ap.add_argument("--nice", type=int, default=10, help="the nice level of every measured process")
    args = ap.parse_args()
    NICE[-1] = str(args.nice)
    # pip compiles an installed package's bytecode; an editable install is compiled on first
    # import, and never when PYTHONDONTWRITEBYTECODE is set: compile it as a user's install
    # is (in a child: importing here would grow this process, and a forked child's peak
    # memory starts from it)
    # (the rule pack's fixtures under rules/ are data, not modules: left alone)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-x", "/rules/",
                    str(Path(__file__).resolve().parents[1] / "src" / "tightrope")], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as tmp:
        work = Path(tmp)
        for keyword in (False, True):
            hook = hook_bench(work, args.runs, keyword)
            wall, cpu = hook["tightrope"]
            others = ", ".join(f"{name} {w:.3f} s wall ({w / wall:.1f}x), {c:.3f} s CPU ({c / cpu:.1f}x)"
                               for name, (w, c) in hook.items() if name != "tightrope")
            print(f"(a) hook, ~100 staged lines{' + 2 keyword lines' if keyword else ''}: tightrope p50 {wall:.3f} s "
                  f"wall, {cpu:.3f} s CPU; {others} (target: >= 4x detect-secrets-hook)")
        patch, source = big_patch(work, args.repo, int(args.min_mb * 1e6))
        mb = patch.stat().st_size / 1e6
        big = diff_bench(work, patch, source, max(3, args.runs // 5), not args.skip_detect_secrets_diff)
        print(f"(b) large diff, {mb:.1f} MB (target: tightrope >= 10 MB/s, ahead of betterleaks, "
              f"peak <= {2 * mb / 1.048576:.0f} MiB):")
        for name, (secs, peak, cpu) in big.items():
            print(f"    {name:26s} {secs:6.2f} s wall {cpu:6.2f} s CPU  {mb / cpu:6.1f} MB/s per core  "
                  f"peak {peak:6.0f} MiB")
        small = work / "small.patch"
        small.write_bytes(b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+x = 1\n")
        base = run_once([str(BIN / "tightrope"), "scan", "--patch", str(small), "--scanners", "secrets",
                         "--format", "json", "--output", os.devnull], work)[1]
        growth = big["tightrope"][1] - base
        print(f"    tightrope memory: {base:.0f} MiB on a one-line patch, +{growth:.0f} MiB for {mb:.1f} MB "
              f"({growth * 1.048576 / mb:.1f}x the diff's size)")
        print("(c) keyword prefilter over the large diff, in-process, best of 3 (CPU):")
        for n, b_ac, r_ac, b_re, r_re in prefilter_bench(patch):
            print(f"    {n:5d} words: Aho-Corasick build {b_ac:5.1f} ms, {r_ac:6.0f} MB/s | prefix-factored regex "
                  f"build {b_re:6.1f} ms, {r_re:5.0f} MB/s | {r_ac / r_re:4.1f}x faster, {b_re / b_ac:4.0f}x quicker to build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
