"""History scan: `tightrope scan --history` against the peers on one repository's full history.

    python bench/bench_history.py --repo PATH [--rounds 3] [--betterleaks BIN] [--gitleaks BIN]

Runs, alternating round by round (paired, so machine load hits every tool alike):
- `tightrope scan --history` (everything HEAD reaches) and `--all-refs`;
- `gitleaks git` and `betterleaks git` (their default: every ref), if installed;
- `detect-secrets scan` of the HEAD tree as a reference only: it has no history mode.

Prints wall time (min and median), CPU time (user+sys, the process and the children it
waited for, e.g. git), peak RSS (the largest single process: os.wait4's ru_maxrss) and
the number of findings; writes the table to bench/results/history.md. Ratios are the
peer's time over tightrope's on the same scope (all refs). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers

RESULTS = Path(__file__).resolve().parent / "results" / "history.md"


def run(cmd: list[str], cwd: Path, out: Path | None) -> tuple[float, float, int]:
    """(wall s, cpu s, peak RSS KiB) of one run; stdout to `out` or /dev/null."""
    env = {**os.environ, "NO_COLOR": "1", "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    with open(out or os.devnull, "wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=sink, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with exit {proc.returncode}: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def count(tool: str, path: Path) -> int:
    data = json.loads(path.read_text() or "null")
    if tool.startswith("tightrope"):
        return len(data["findings"])
    if tool == "detect-secrets":
        return sum(len(v) for v in data["results"].values())
    return len(data or [])


def tools(args: argparse.Namespace, tmp: Path) -> dict[str, tuple[list[str], Path]]:
    py = [sys.executable, "-m", "tightrope", "scan", "--format", "json", "--output"]
    out = {
        "tightrope --history": ([*py, str(tmp / "t-head.json"), "--history"], tmp / "t-head.json"),
        "tightrope --all-refs": ([*py, str(tmp / "t-all.json"), "--all-refs"], tmp / "t-all.json"),
    }
    if gitleaks := args.gitleaks or peers.gitleaks():
        out["gitleaks git"] = ([gitleaks, "git", "--no-banner", "--report-format", "json", "--report-path",
                                str(tmp / "gl.json"), "."], tmp / "gl.json")
    if betterleaks := args.betterleaks or peers.betterleaks():
        out["betterleaks git"] = ([betterleaks, "git", "--no-banner", "-o", str(tmp / "bl.json"), "."], tmp / "bl.json")
    ds = shutil.which("detect-secrets") or str(Path(sys.executable).parent / "detect-secrets")
    if Path(ds).exists():
        out["detect-secrets (HEAD tree only)"] = ([ds, "scan"], tmp / "ds.json")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repo", type=Path, required=True, help="a clone with its full history")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--betterleaks", help="betterleaks binary (default: bench/peers.py finds it)")
    p.add_argument("--gitleaks", help="gitleaks binary (default: bench/peers.py finds it)")
    args = p.parse_args()
    repo = args.repo.resolve()
    commits = {spec: subprocess.run(["git", "rev-list", "--count", *spec.split()], cwd=repo, capture_output=True,
                                    text=True).stdout.strip() for spec in ("HEAD", "--all")}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        chosen = tools(args, tmp)
        times: dict[str, list[tuple[float, float, int]]] = {name: [] for name in chosen}
        for _ in range(args.rounds):
            for name, (cmd, out) in chosen.items():
                times[name].append(run(cmd, repo, out if name.startswith("detect-secrets") else None))
        found = {name: count(name, out) for name, (_, out) in chosen.items()}
    base = min(w for w, _, _ in times["tightrope --all-refs"])
    rows = ["| tool | scope | wall min (s) | wall median (s) | CPU min (s) | peak RSS (MiB) | findings | wall vs tightrope --all-refs |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, samples in times.items():
        walls = [w for w, _, _ in samples]
        scope = (f"{commits['HEAD']} commits (HEAD)" if name == "tightrope --history"
                 else "HEAD tree" if name.startswith("detect-secrets") else f"{commits['--all']} commits (all refs)")
        rows.append(f"| {name} | {scope} | {min(walls):.2f} | {statistics.median(walls):.2f} | "
                    f"{min(c for _, c, _ in samples):.2f} | {max(r for _, _, r in samples) / 1024:.0f} | {found[name]} | "
                    f"{min(walls) / base:.2f}× |")
    missing = [n for n in ("gitleaks git", "betterleaks git") if n not in times]
    head = (f"History scan of `{repo.name}` ({commits['--all']} commits on all refs), {args.rounds} paired rounds, "
            f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores.")
    if missing:
        head += f" Not installed here: {', '.join(missing)}."
    table = head + "\n\n" + "\n".join(rows) + "\n"
    print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
