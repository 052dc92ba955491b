#!/usr/bin/env python3
"""Recall and precision of BLOCKING secret findings (what fails the hook at fail_on = "high").

Sources, every line of an item added to an empty file (the way a new file reaches the hook):
* CyberSecEval instruct (/work/shared/corpora/cyberseceval): positives are the snippets
  labelled CWE-798/259/321 (hard-coded credentials); a positive is caught when a blocking
  finding sits on the labelled line. Its labels come from Meta's regex/semgrep detector and
  include empty and dictionary-word passwords (`password = ""`, `password = "password"`) that
  a user does NOT want blocked: read recall on it as an upper-bounded robustness number.
  A blocking finding anywhere else in the 1,916 snippets counts against precision.
* SafeCoder (/work/shared/corpora/safecoder): vulnerable and fixed functions of real fix
  commits, none labelled as credentials: every blocking finding there counts against
  precision (the script prints them, redacted, so each can be checked by eye).
* the Python standard library (every .py file, every line added): real code with no
  credentials to leak (its test vectors aside); every blocking finding counts against
  precision and is printed with --show.
* tests/blocking_cases.py: labelled fixtures built at run time (BLOCKS must block, PASSES
  must not), the everyday formats and false-positive twins of issue 11 §2, and the encodings
  and connection strings of issue 17.
* the format catalogue (tests/catalog_tokens.py): per entry, a valid token built at run
  time must block; its look-alikes (one character short, a broken checksum or payload, a
  placeholder body, a prefix-less value under an unrelated name) must not.

Precision = caught / (caught + blocking findings that are not on a labelled positive).
Usage: python bench/score_secrets.py [--corpora DIR] [--out bench/results/secrets_blocking.md]
"""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
import time
from pathlib import Path

from tightrope.diff import AddedLine, whole_file_as_added
from tightrope.findings import Finding
from tightrope.scan import secrets

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
import blocking_cases  # noqa: E402  (tests/, imported for its labelled fixtures)
import catalog_tokens  # noqa: E402

CREDENTIAL_CWES = {"CWE-798", "CWE-259", "CWE-321"}
EXT = {"c": "c", "cpp": "cpp", "csharp": "cs", "java": "java", "javascript": "js", "php": "php",
       "python": "py", "rust": "rs"}
SAFECODER_FILES = ("train-sec-new-desc.jsonl", "val-sec-desc.jsonl", "val-sec-new-desc.jsonl")


def blocking(path: str, text: str) -> list[Finding]:
    lines = [AddedLine(i, x) for i, x in enumerate(text.split("\n"), start=1)]
    return [f for f in secrets.scan_lines(path, lines) if f.blocking]


class Score:
    def __init__(self, name: str) -> None:
        self.name, self.positives, self.caught, self.false = name, 0, 0, []

    def row(self) -> str:
        recall = f"{100 * self.caught / self.positives:.0f}% ({self.caught}/{self.positives})" if self.positives else "–"
        flagged = self.caught + len(self.false)
        precision = f"{100 * self.caught / flagged:.0f}% ({self.caught}/{flagged})" if flagged else "–"
        return f"| {self.name} | {recall} | {precision} | {len(self.false)} |"


def score_cyberseceval(root: Path) -> Score:
    s = Score("CyberSecEval instruct (1,916 snippets)")
    for i, raw in enumerate((root / "instruct.jsonl").read_text(encoding="utf-8").splitlines()):
        row = json.loads(raw)
        text, want = row["origin_code"], row["line_text"].strip()
        label = 0
        if row["cwe_identifier"] in CREDENTIAL_CWES:
            hits = [n for n, ln in enumerate(text.split("\n"), 1) if want and ln.strip() == want]
            if hits:
                s.positives += 1
                label = hits[0]
        found = blocking(f"cse{i}/snippet.{EXT.get(row['language'], 'txt')}", text)
        if label and any(f.line == label for f in found):
            s.caught += 1
        s.false += [f for f in found if f.line != label]
    return s


def score_safecoder(root: Path) -> Score:
    s = Score("SafeCoder functions (no credential labels)")
    seen: set[str] = set()
    for name in SAFECODER_FILES:
        for i, raw in enumerate((root / name).read_text(encoding="utf-8").splitlines()):
            row = json.loads(raw)
            for side in ("func_src_before", "func_src_after"):
                if row[side] in seen:
                    continue
                seen.add(row[side])
                s.false += blocking(f"sc{i}/{Path(row['file_name']).name}", row[side])
    return s


def score_stdlib() -> Score:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    s = Score(f"Python {sys.version_info.major}.{sys.version_info.minor} standard library ({len(files):,} files)")
    for path in files:
        change = whole_file_as_added(str(path.relative_to(root)), path.read_bytes())
        s.false += [f for f in secrets.scan_lines(change.path, change.added) if f.blocking]
    return s


def score_fixtures() -> Score:
    s = Score("fixtures (tests/blocking_cases.py)")
    for _, path, lines in blocking_cases.BLOCKS:
        s.positives += 1
        s.caught += bool(blocking(path, "\n".join(lines)))
    for _, path, lines in blocking_cases.PASSES:
        s.false += blocking(path, "\n".join(lines))
    return s


def score_catalogue() -> Score:
    from tightrope.scan.detectors.catalog import FORMATS

    s = Score(f"format catalogue ({len(FORMATS)} entries, tokens built at run time)")
    for fmt in FORMATS:
        s.positives += 1
        s.caught += bool(blocking("config/settings.py", catalog_tokens.line_for(fmt, catalog_tokens.build(fmt))))
        twins = [catalog_tokens.build(fmt, fill="x")]
        if catalog_tokens.shortable(fmt):
            twins.append(catalog_tokens.build(fmt, short=True))
        if fmt.check:
            twins.append(catalog_tokens.broken(fmt, catalog_tokens.build(fmt)))
        lines = [catalog_tokens.line_for(fmt, twin) for twin in twins]
        if fmt.names:
            lines.append(catalog_tokens.line_for(fmt, catalog_tokens.build(fmt), name="CACHE_BUSTER"))
        for line in lines:  # the twin under a secret-sounding name may still be the keyword ladder's to block
            s.false += [f for f in blocking("config/settings.py", line) if f.rule_id == "secret." + fmt.rule]
    return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    ap.add_argument("--out", type=Path, default=HERE / "results" / "secrets_blocking.md")
    ap.add_argument("--show", action="store_true", help="list the blocking findings counted as false (redacted)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    scores = [score_cyberseceval(args.corpora / "cyberseceval"), score_safecoder(args.corpora / "safecoder"),
              score_stdlib(), score_fixtures(), score_catalogue()]
    total = Score("all sources")
    for s in scores:
        total.positives += s.positives
        total.caught += s.caught
        total.false += s.false
    lines = ["| source | blocking recall | blocking precision | false blocks |", "|---|---:|---:|---:|",
             *(s.row() for s in scores), total.row(), "",
             f"({time.perf_counter() - t0:.1f} s, {time.strftime('%Y-%m-%d')})"]
    report = "\n".join(lines)
    print(report)
    if args.show:
        for s in scores:
            for f in s.false:
                print(f"  {s.name[:12]}: {f.path}:{f.line} {f.rule_id} {f.snippet}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
