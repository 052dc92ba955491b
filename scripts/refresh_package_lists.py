#!/usr/bin/env python3
"""Regenerate tightrope's bundled lists of popular packages (src/tightrope/data/).

    python scripts/refresh_package_lists.py --pypi-csv PATH_OR_URL [--pypi-source REPO@COMMIT]
                                            [--pypi-date YYYY-MM-DD] [--npm] [--npm-version X.Y.Z]

* PyPI: `pypi-top.txt` from hugovk/top-pypi-packages' `top-pypi-packages.csv`
  (`download_count,project`) or its JSON (`{"rows": [{"project":…, "download_count":…}]}`).
  A local file works offline (CI has no internet beyond the package registries); an
  http(s) URL is fetched with urllib.
* npm: `npm-top.txt` from the `npm-high-impact` package (MIT, by Titus Wormer), fetched
  with `npm pack` (the npm registry is all it needs) into a temporary directory.

Each output is one normalised name per line, most popular first, under a `#` header that
records the source, version/commit, date and licence. tightrope loads them lazily.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "tightrope" / "data"
NPM_LIMIT = 25_000  # keeps npm-top.txt at a few hundred KB
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def normalize_pypi(name: str) -> str:
    """PEP 503."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_text(source: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as resp:  # noqa: S310 - explicit user URL
            return resp.read().decode("utf-8")
    return Path(source).read_text(encoding="utf-8")


def pypi_names(text: str) -> list[str]:
    """Project names, most downloaded first, from the CSV or the JSON form."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        rows = [(int(r["download_count"]), r["project"]) for r in json.loads(stripped)["rows"]]
    else:
        reader = csv.DictReader(io.StringIO(text))
        rows = [(int(r["download_count"]), r["project"]) for r in reader]
    rows.sort(key=lambda r: -r[0])  # stable: ties keep the file's order
    out: list[str] = []
    seen: set[str] = set()
    for _, project in rows:
        name = normalize_pypi(project.strip())
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def npm_names(version: str | None = None) -> tuple[list[str], str, str]:
    """(names most popular first, version, publish date) from `npm pack npm-high-impact`."""
    spec = f"npm-high-impact@{version}" if version else "npm-high-impact"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["npm", "pack", spec, "--json", "--silent"], cwd=tmp,
                              capture_output=True, text=True, check=True)
        info = json.loads(proc.stdout)[0]
        with tarfile.open(Path(tmp) / info["filename"]) as tar:
            member = tar.extractfile("package/lib/top.js")
            if member is None:
                raise SystemExit("npm-high-impact: package/lib/top.js not found; has its layout changed?")
            source = member.read().decode("utf-8")
        got_version = info["version"]
        when = ""
        view = subprocess.run(["npm", "view", f"npm-high-impact@{got_version}", "time", "--json"],
                              capture_output=True, text=True)
        if view.returncode == 0:
            try:
                when = json.loads(view.stdout).get(got_version, "")[:10]
            except (ValueError, AttributeError):
                when = ""
    names: list[str] = []
    seen: set[str] = set()
    for m in _QUOTED.finditer(source):
        name = m.group(1).lower()
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names, got_version, when


def write_list(path: Path, header: list[str], names: list[str]) -> None:
    body = "".join(f"# {h}\n" if h else "#\n" for h in header) + "".join(f"{n}\n" for n in names)
    path.write_text(body, encoding="utf-8")
    print(f"wrote {path} ({len(names)} names, {path.stat().st_size // 1024} KB)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pypi-csv", help="top-pypi-packages CSV or JSON: a local path or an https URL")
    ap.add_argument("--pypi-source", default="hugovk/top-pypi-packages",
                    help="where the CSV came from, e.g. hugovk/top-pypi-packages@<commit>")
    ap.add_argument("--pypi-date", default="", help="date of the data (YYYY-MM-DD)")
    ap.add_argument("--npm", action="store_true", help="refresh npm-top.txt via `npm pack npm-high-impact`")
    ap.add_argument("--npm-version", default=None, help="a specific npm-high-impact version")
    ap.add_argument("--npm-limit", type=int, default=NPM_LIMIT)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    if not args.pypi_csv and not args.npm:
        ap.error("nothing to do: give --pypi-csv and/or --npm")
    args.out.mkdir(parents=True, exist_ok=True)
    today = _dt.date.today().isoformat()
    if args.pypi_csv:
        names = pypi_names(_read_text(args.pypi_csv))
        write_list(args.out / "pypi-top.txt", [
            "tightrope: the most-downloaded PyPI projects, most popular first, PEP 503-normalised.",
            f"source: {args.pypi_source}, top-pypi-packages.csv (download counts over 30 days,",
            "  from the public PyPI downloads dataset on BigQuery)",
            f"data date: {args.pypi_date or 'unknown'}; generated: {today}; {len(names)} names",
            "licence: the source repository ships no licence file; the counts are public PyPI statistics",
            "regenerate: python scripts/refresh_package_lists.py --pypi-csv top-pypi-packages.csv",
        ], names)
    if args.npm:
        names, version, when = npm_names(args.npm_version)
        total = len(names)
        names = names[: args.npm_limit]
        write_list(args.out / "npm-top.txt", [
            "tightrope: popular (\"high-impact\") npm packages, most popular first.",
            f"source: npm-high-impact@{version} (npm registry; github.com/wooorm/npm-high-impact),",
            "  lib/top.js: packages with >= 1M weekly downloads or >= 500 dependents",
            f"published: {when or 'unknown'}; generated: {today}; {len(names)} of {total} names",
            "licence: MIT (c) Titus Wormer",
            "regenerate: python scripts/refresh_package_lists.py --npm",
        ], names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
