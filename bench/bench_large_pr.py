"""A large PR in CI: one commit adding a whole installed package, scanned for insecure patterns.

    tightrope scan --range BASE..HEAD --scanners patterns     (CI range mode, its time budget)
    vs  semgrep scan --experimental --config PACK FILES       (semgrep's OCaml CLI, the same pack,
                                                               the same files, all cores)
Prints each side's median wall time, the ratio (target: tightrope >= 2x faster), and the
blocking findings per 100k added lines on that (well-known, clean) code, with what blocked.
The package comes from the running interpreter's site-packages (`pip install django`).
Usage: python bench/bench_large_pr.py [--package django] [--runs N]
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_secrets import BIN, ENV, git  # noqa: E402

from tightrope.scan import patterns  # noqa: E402


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall and CPU (user + sys of the process tree) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def package_repo(where: Path, package: str) -> tuple[Path, list[str]]:
    """A repository whose last commit adds the installed `package` (no caches); the paths
    of the files the pattern scanner reads, by extension."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{package} is not installed here: pip install {package}")
    src = Path(list(spec.submodule_search_locations)[0])
    repo = where / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("bench\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    shutil.copytree(src, repo / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"add {package}")
    files = sorted(p.relative_to(repo).as_posix() for p in (repo / package).rglob("*")
                   if p.is_file() and patterns.language_of(p.name) is not None)
    (repo / ".semgrepignore").write_text("")  # untracked: semgrep's default ignores off, as in tightrope
    return repo, files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default="django")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = {**ENV, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    os.environ.update(env)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as tmp:
        repo, files = package_repo(Path(tmp), args.package)
        raw_rules, _ = patterns._load_raw(patterns.RULES_DIR)
        pack = Path(tmp) / "pack.json"
        pack.write_text(json.dumps({"rules": raw_rules}))
        size = sum((repo / f).stat().st_size for f in files)
        ours_cmd = [str(BIN / "tightrope"), "scan", "--range", "HEAD~1..HEAD", "--scanners", "patterns",
                    "--format", "json", "--no-baseline"]
        peer_cmd = [str(BIN / "semgrep"), "scan", "--experimental", "--config", str(pack), "--json", "--quiet",
                    "--disable-version-check", "--metrics=off", "-j", str(cores), *files]
        ours, peer, ours_cpu, peer_cpu = [], [], [], []
        for i in range(args.runs):  # alternate, so drift on a shared machine hits both sides
            for side, cmd, walls, cpus in (("tightrope", ours_cmd, ours, ours_cpu), ("semgrep", peer_cmd, peer, peer_cpu)):
                wall, cpu = timed(cmd, repo, env)
                walls.append(wall)
                cpus.append(cpu)
                print(f"run {i + 1} {side}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr, flush=True)
        report = json.loads(subprocess.run(ours_cmd, cwd=repo, capture_output=True, env=env).stdout)
        lines = sum(len((repo / f).read_bytes().splitlines()) for f in files)  # the code the pack reads
        blocking = [f for f in report["findings"] if f.get("blocking")]
        by_rule = collections.Counter(f["rule_id"] for f in blocking)
        incomplete = sum(1 for f in report["findings"] if f["rule_id"] == patterns.INCOMPLETE_RULE)
        o, p = statistics.median(ours), statistics.median(peer)
        print(f"{args.package} added in one commit: {len(files)} files the pack reads, {size / 1e6:.1f} MB, {lines} lines; "
              f"{cores} cores, {args.runs} runs each")
        print(f"tightrope scan --range (patterns): median {o:.1f} s (min {min(ours):.1f}, max {max(ours):.1f}), "
              f"CPU {statistics.median(ours_cpu):.1f} s")
        print(f"semgrep scan --experimental, same pack and files: median {p:.1f} s "
              f"(min {min(peer):.1f}, max {max(peer):.1f}), CPU {statistics.median(peer_cpu):.1f} s")
        print(f"ratio: tightrope {p / o:.1f}x faster in wall time (target >= 2x), "
              f"{statistics.median(peer_cpu) / statistics.median(ours_cpu):.1f}x less CPU")
        print(f"blocking findings: {len(blocking)} = {len(blocking) * 100_000 / max(1, lines):.1f} per 100k lines "
              f"({', '.join(f'{r} {n}' for r, n in by_rule.most_common()) or 'none'}); "
              f"scan.incomplete: {incomplete}; findings in all: {len(report['findings'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
