"""The full `tightrope` hook (secrets + patterns + dependencies) against the peers, one run.

A staged change touching 5 files with ~200 added lines of real Python:
    `tightrope scan --staged`   vs   `detect-secrets-hook FILES` + `semgrep scan --config RULES FILES`
(semgrep's own CLI with the same bundled rule pack, offline flags). Target: p50 <= 0.8 s, >= 3x.
Usage: python bench/bench_full_hook.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_secrets import BIN, staged_repo, timed  # noqa: E402

RULES = Path(__file__).resolve().parents[1] / "src" / "tightrope" / "rules"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tightrope-bench-") as tmp:
        repo, files = staged_repo(Path(tmp), 5, 40)
        ours = timed([str(BIN / "tightrope"), "scan", "--staged"], repo, args.runs)
        ds = timed([str(BIN / "detect-secrets-hook"), *files], repo, args.runs)
        sg = timed([str(BIN / "semgrep"), "scan", "--config", str(RULES), "--disable-version-check", "--metrics=off",
                    "--quiet", *files], repo, max(3, args.runs // 2))
        p50, peers = statistics.median(ours), statistics.median(ds) + statistics.median(sg)
        print(f"full hook, 5 files / 200 staged lines: tightrope p50 {p50:.3f} s; detect-secrets-hook "
              f"{statistics.median(ds):.3f} s + semgrep scan {statistics.median(sg):.3f} s = {peers:.3f} s "
              f"-> {peers / p50:.1f}x faster (targets: <= 0.800 s, >= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
