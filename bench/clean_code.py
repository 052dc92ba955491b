#!/usr/bin/env python3
"""Blocking findings per 100k lines of well-known clean code: tightrope's pack vs Bandit.

Every line of every file counts as added (a commit that adds the whole library), which is
the worst case for noise. The code: a few big, widely reviewed libraries installed in this
environment's site-packages, popular web frameworks and JavaScript packages at pinned
versions fetched from PyPI (`pip download`) and npm (`npm pack`) into bench/.cache, and this
repository's own source (minus the rule pack's deliberately insecure fixtures, as its
.tightrope.toml excludes them). Every file in a language the pack has rules for is scanned,
minified bundles included. A finding here is almost always a false alarm a reviewer would
have to dismiss. Bandit (Python only) runs on the same Python files.

Usage: python bench/clean_code.py [--packages requests django express ...] [--out bench/results/clean_code.md]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import zipfile
import time
from collections import Counter
from pathlib import Path

from bandit_peer import bandit_version, run_bandit
from tightrope.diff import AddedLine
from tightrope.scan import patterns

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache" / "clean_code"
INSTALLED = ("requests", "urllib3", "click", "git", "gitlab", "yaml")
# name -> (registry, pinned requirement): fetched once into CACHE
PINNED = {
    "django": ("pypi", "Django==5.1.4"),
    "flask": ("pypi", "Flask==3.1.0"),
    "starlette": ("pypi", "starlette==0.41.3"),
    "fastapi": ("pypi", "fastapi==0.115.6"),
    "express": ("npm", "express@4.21.2"),
    "lodash": ("npm", "lodash@4.17.21"),
    "axios": ("npm", "axios@1.7.9"),
}
DEFAULT_PACKAGES = INSTALLED + tuple(PINNED)


def package_dir(name: str) -> Path | None:
    for entry in sys.path:
        d = Path(entry) / name
        if d.is_dir() and (d / "__init__.py").exists():
            return d
    return None


def fetch(name: str) -> Path:
    """Unpack the pinned release of `name` under CACHE (once) and return its directory."""
    registry, spec = PINNED[name]
    dest = CACHE / spec
    if dest.is_dir():
        return dest
    dl = CACHE / "downloads" / spec
    dl.mkdir(parents=True, exist_ok=True)
    if registry == "pypi":
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "-d", str(dl), spec], check=True)
        with zipfile.ZipFile(next(dl.glob("*.whl"))) as z:
            z.extractall(dest)
    else:
        subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(dl), spec], check=True,
                       stdout=subprocess.DEVNULL)
        with tarfile.open(next(dl.glob("*.tgz"))) as t:
            t.extractall(dest, filter="data")
    return dest


def code_files(root: Path) -> list[Path]:
    """Files under `root` in a language the rule pack has rules for (by extension)."""
    langs = {lang for r in patterns.load_rules()[0] for lang in r.languages}
    return sorted(p for p in root.rglob("*") if p.is_file() and patterns.language_of(p.name) in langs)


def collect(packages: list[str]) -> dict[str, tuple[Path, list[Path]]]:
    """Corpus name -> (root, files)."""
    out: dict[str, tuple[Path, list[Path]]] = {}
    for name in packages:
        if name in PINNED:
            root = fetch(name)
            out[f"{name} ({PINNED[name][1]})"] = (root, code_files(root))
            continue
        d = package_dir(name)
        if d is None:
            print(f"note: package {name} is not installed, skipped", file=sys.stderr)
            continue
        out[name] = (d, sorted(d.rglob("*.py")))
    src = REPO / "src" / "tightrope"
    out["tightrope (this repository)"] = (src, sorted(p for p in src.rglob("*.py")
                                                      if "rules" not in p.relative_to(src).parts))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packages", nargs="*", default=list(DEFAULT_PACKAGES))
    ap.add_argument("--out", type=Path, default=HERE / "results" / "clean_code.md")
    ap.add_argument("--rules", type=Path, default=patterns.RULES_DIR,
                    help="rule pack to run (e.g. an older one, for before/after)")
    args = ap.parse_args(argv)

    corpora = collect(args.packages)
    rows = []
    by_rule: Counter[str] = Counter()
    other: Counter[str] = Counter()
    where: list[str] = []
    by_test: Counter[str] = Counter()
    for name, (root, files) in corpora.items():
        targets, contents = [], {}
        for f in files:
            data = f.read_bytes()
            rel = f.relative_to(root).as_posix()
            text = data.decode("utf-8", "replace")
            targets.append(patterns.Target(rel, data, [AddedLine(n + 1, ln) for n, ln in enumerate(text.split("\n"))]))
            if patterns.language_of(rel) == "python":
                contents[rel] = data
        lines = sum(len(t.added) for t in targets)
        py_lines = sum(len(t.added) for t in targets if t.path in contents)
        t0 = time.perf_counter()
        res = patterns.scan_targets(targets, rules_root=args.rules)
        took = time.perf_counter() - t0
        blocking = [f for f in res.findings if f.blocking]
        unjudged = [f for f in res.findings if f.rule_id == patterns.INCOMPLETE_RULE]
        by_rule.update(f.rule_id for f in blocking)
        other.update(f.rule_id for f in res.findings if not f.blocking and f not in unjudged)
        where += [f"{name.split()[0]}/{f.path} not judged" for f in unjudged]
        where += [f"{name.split()[0]}/{f.path}:{f.line} {f.rule_id}" for f in blocking]
        hits, _errors = run_bandit(contents) if contents else ({}, 0)
        b_all = [h for hs in hits.values() for h in hs]
        b_med = [h for h in b_all if h.severity in ("MEDIUM", "HIGH")]
        b_high = [h for h in b_all if h.severity == "HIGH"]
        by_test.update(h.test_id for h in b_med)
        per = lambda n, of=lines: f"{100_000 * n / of:.1f}" if of else "–"  # noqa: E731
        rows.append((name, len(files), lines, py_lines, len(res.findings), len(blocking), per(len(blocking)),
                     len(b_all) if contents else "–", per(len(b_all), py_lines), per(len(b_med), py_lines),
                     per(len(b_high), py_lines), took, len(unjudged), len(res.notes)))

    out = ["# Blocking findings on clean code (every line added)\n",
           f"Generated by `bench/clean_code.py`; peer: {bandit_version()} (all tests, default profile), on the "
           "Python files only, so its rates are per 100k Python lines. "
           "Bandit has no blocking notion (it exits 1 on any finding), so its rate is shown for all "
           "findings and for severity ≥ medium (`-ll`) and high (`-lll`). Scanned as the local hook does "
           "(`scan.incomplete` is informational there; the CI range run would block on it). Pinned packages are the "
           "published wheel (PyPI) or tarball (npm), every file the rule pack has a language for, "
           "bundled and minified JavaScript included.\n",
           "| code | files | lines | Python lines | tightrope findings | tightrope blocking | blocking / 100k lines | "
           "Bandit findings | Bandit / 100k | Bandit ≥ medium / 100k | Bandit high / 100k | tightrope time | "
           "files not judged | notes |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tl = tp = tb = ba = 0
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r[:11]) + f" | {r[11]:.1f} s | {r[12]} | {r[13]} |")
        tl, tp, tb = tl + r[2], tp + r[3], tb + r[5]
        ba += r[7] if isinstance(r[7], int) else 0
    if tl:
        out.append(f"| **all** | | {tl} | {tp} | | {tb} | {100_000 * tb / tl:.1f} | {ba} | "
                   f"{100_000 * ba / tp if tp else 0:.1f} | | | | | |")
    out.append("\nBlocking tightrope findings by rule: " +
               (", ".join(f"{k} ({v})" for k, v in by_rule.most_common()) or "none") + ".")
    if where:
        out.append("\nWhere (blocking findings, and files some rule did not judge in time: a `scan.incomplete` "
                   "finding, blocking only in CI range runs): " + "; ".join(f"`{w}`" for w in where) + ".")
    out.append("\nNon-blocking tightrope findings by rule: " +
               (", ".join(f"{k} ({v})" for k, v in other.most_common()) or "none") + ".")
    out.append("\nBandit findings of severity ≥ medium by test: " +
               (", ".join(f"{k} ({v})" for k, v in by_test.most_common()) or "none") + ".")
    text = "\n".join(out) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
