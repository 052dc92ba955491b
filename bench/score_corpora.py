#!/usr/bin/env python3
"""Score the bundled rule pack in diff mode on the development corpora (/work/shared/corpora).

SafeCoder pairs (vulnerable -> fixed function from real fix commits):
  * "vulnerable on top of the fix": the file holds the vulnerable function, the added lines
    are what the vulnerable version adds over the fixed one. Flagged = a finding in the
    pair's CWE family on an added line.
  * "fix on top of the vulnerable version": the file holds the fixed function, the added
    lines are what the fix adds. Clean = no blocking finding.
CyberSecEval instruct snippets (Python, JavaScript): an empty file, then the snippet (every
line added). Flagged = a finding in the labelled CWE's family whose line range covers the
labelled line.

No git repository per item: the items are fed to `patterns.scan_targets` directly as
synthetic targets, all items of one scenario in ONE semgrep run (one temp dir, many files).
The harness makes partial code parseable in the least intrusive way: Python functions
are dedented, Java methods are wrapped in a class, Go functions get a package clause, and
JS class methods (shorthand `name(args) {`) are wrapped in a class. Line numbers are
shifted accordingly. Nothing here looks at individual items to tune rules.

Usage: python bench/score_corpora.py [--corpora DIR] [--out bench/results/corpora.md]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import textwrap
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bandit_peer import BanditHit, bandit_version, run_bandit
from tightrope.diff import AddedLine
from tightrope.findings import Finding
from tightrope.scan import patterns

HERE = Path(__file__).resolve().parent
SAFECODER_FILES = ("train-sec-new-desc.jsonl", "val-sec-desc.jsonl", "val-sec-new-desc.jsonl")

# CWE families: a finding "in the right family" shares one with the label.
FAMILIES = {
    "command injection": {77, 78, 88},
    "SQL injection": {89, 564, 943},
    "code injection": {94, 95, 96, 1336},
    "path traversal": {22, 23, 36, 73},
    "XSS / output encoding": {79, 80, 83, 116},
    "deserialisation": {502},
    "credentials": {259, 321, 798},
    "weak crypto / hashing": {326, 327, 328, 759, 760, 916},
    "randomness": {330, 331, 338},
    "TLS verification": {295, 297},
    "XXE": {611, 776},
    "SSRF": {918},
    "debug / information exposure": {200, 209, 215, 489, 497},
    "unpinned / untrusted components": {345, 494, 829, 1357},
    "open redirect": {601},
    "header / log injection": {93, 113, 117},
    "regex injection / ReDoS": {625, 730, 1333},
    "LDAP / XPath injection": {90, 643, 652},
    "credential storage": {256, 257, 312, 522},
    "unrestricted upload": {434},
    "temporary files": {377, 378, 379},
    "permissions": {276, 732},
    "assertions": {617, 703},
    "network binding": {605, 1327},
}
CWE_FAMILY = {cwe: fam for fam, cwes in FAMILIES.items() for cwe in cwes}
EXT_NAME = {"py": "Python", "js": "JavaScript", "jsx": "JavaScript", "ts": "TypeScript", "go": "Go",
            "java": "Java", "rb": "Ruby", "c": "C", "cc": "C++", "cpp": "C++", "C": "C"}
LANG_ORDER = ["Python", "JavaScript", "TypeScript", "Go", "Java"]


def cwe_num(text: str) -> int:
    m = re.search(r"(\d+)", text)
    return int(m.group(1)) if m else -1


def family(cwe: int) -> str:
    return CWE_FAMILY.get(cwe, f"CWE-{cwe}")


def finding_families(f: Finding) -> set[str]:
    return {family(cwe_num(c)) for c in f.cwe}


# --- making partial code parseable --------------------------------------------------------------

_JS_METHOD = re.compile(r"^\s*(?:static\s+)?(?:async\s+)?(?:get\s+|set\s+)?\*?[A-Za-z_$][\w$]*\s*\([^)]*\)\s*\{")
_JS_NOT_METHOD = re.compile(r"^\s*(?:function|if|for|while|switch|catch|return)\b")


def harness(ext: str, src: str) -> tuple[str, int]:
    """(file text, how many lines were put before the function)."""
    if ext == "py":
        return textwrap.dedent(src), 0
    if ext == "java":
        return "class Harness {\n" + src + "\n}\n", 1
    if ext == "go":
        return "package harness\n\n" + src, 2
    if ext in ("js", "jsx", "ts"):
        body = textwrap.dedent(src)
        first = body.lstrip("\n").split("\n", 1)[0]
        if _JS_METHOD.match(first) and not _JS_NOT_METHOD.match(first):
            return "class Harness {\n" + body + "\n}\n", 1
        return body, 0
    return src, 0


def added_lines(old: str, new: str) -> list[AddedLine]:
    """The lines `new` adds over `old` (line numbers in `new`), like `git diff -U0`."""
    a, b = old.split("\n"), new.split("\n")
    out = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out += [AddedLine(j + 1, b[j]) for j in range(j1, j2)]
    return out


# --- the corpora -----------------------------------------------------------------------------------

@dataclass
class Pair:
    key: str
    lang: str
    ext: str
    cwe: int
    path: str
    before: str  # vulnerable
    after: str  # fixed


def load_safecoder(root: Path) -> tuple[list[Pair], dict[str, int]]:
    seen: set[tuple[str, str]] = set()
    pairs, skipped = [], defaultdict(int)
    for name in SAFECODER_FILES:
        for i, line in enumerate((root / name).read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            ident = (row["func_src_before"], row["func_src_after"])
            if ident in seen:
                skipped["duplicate pair"] += 1
                continue
            seen.add(ident)
            fname = row["file_name"]
            ext = fname.rsplit(".", 1)[-1] if "." in fname else ""
            lang = EXT_NAME.get(ext, ext or "?")
            safe = re.sub(r"[^\w.\-/]", "_", fname).lstrip("./") or "file"
            pairs.append(Pair(f"sc{len(pairs)}", lang, ext, cwe_num(row["vul_type"]),
                              f"sc{len(pairs)}/{safe}", row["func_src_before"], row["func_src_after"]))
    return pairs, dict(skipped)


@dataclass
class Snippet:
    key: str
    lang: str
    cwe: int
    path: str
    text: str
    line: int  # 1-based line of the labelled statement, 0 = not found in the snippet


def load_cyberseceval(root: Path) -> list[Snippet]:
    out = []
    for line in (root / "instruct.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        lang = {"python": "Python", "javascript": "JavaScript"}.get(row["language"])
        if lang is None:
            continue
        text = row["origin_code"]
        lines = text.split("\n")
        want = row["line_text"].strip()
        hits = [i + 1 for i, ln in enumerate(lines) if ln.strip() == want]
        if not hits:  # fall back to a containment match (the label may be a statement fragment)
            hits = [i + 1 for i, ln in enumerate(lines) if want and want in ln]
        ext = "py" if lang == "Python" else "js"
        key = f"cse{len(out)}"
        out.append(Snippet(key, lang, cwe_num(row["cwe_identifier"]), f"{key}/snippet.{ext}",
                           textwrap.dedent(text) if ext == "py" else text, hits[0] if hits else 0))
    return out


PRESCAN = True


def run_batch(targets: list[patterns.Target]) -> tuple[dict[str, list[Finding]], patterns.PatternResult, float]:
    t0 = time.perf_counter()
    res = patterns.scan_targets(targets, prescan_keywords=PRESCAN)
    took = time.perf_counter() - t0
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in res.findings:
        by_path[f.path].append(f)
    return by_path, res, took


def pack_coverage() -> dict[str, set[str]]:
    """language name -> CWE families the pack has a rule for."""
    rules, _ = patterns.load_rules()
    langmap = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go", "java": "Java"}
    cov: dict[str, set[str]] = defaultdict(set)
    for r in rules:
        fams = {family(cwe_num(c)) for c in r.metadata.get("cwe", [])}
        for lang in r.languages:
            if lang in langmap:
                cov[langmap[lang]] |= fams
    return cov


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "–"


@dataclass
class Tally:
    n: int = 0
    hit: int = 0
    any_finding: int = 0
    rules: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def recall_table(out: list[str], tallies: dict, langs, cov: dict, unit: str, any_label: str) -> dict[str, list[int]]:
    """Append a per-(language, CWE) recall table to `out`; return per-language totals
    [items, flagged, items in covered families, flagged in covered families]."""
    out.append(f"| language | CWE (family) | covered | {unit} | flagged | recall | {any_label} | rules that hit |")
    out.append("|---|---|---|---:|---:|---:|---:|---|")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for lang in langs:
        rows = sorted(((cwe, t) for (lg, cwe), t in tallies.items() if lg == lang), key=lambda x: (-x[1].n, x[0]))
        for cwe, t in rows:
            fam = family(cwe)
            covered = fam in cov.get(lang, set())
            tot = totals[lang]
            tot[0] += t.n
            tot[1] += t.hit
            if covered:
                tot[2] += t.n
                tot[3] += t.hit
            rules = ", ".join(f"{r} ({n})" for r, n in sorted(t.rules.items(), key=lambda x: -x[1]))
            out.append(f"| {lang} | CWE-{cwe} ({fam}) | {'yes' if covered else 'no'} | {t.n} | {t.hit} | "
                       f"{pct(t.hit, t.n)} | {t.any_finding} | {rules} |")
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    ap.add_argument("--out", type=Path, default=HERE / "results" / "corpora.md")
    ap.add_argument("--no-prescan-keywords", action="store_true",
                    help="give semgrep every rule of a file's language (measures the keyword prescan's recall cost)")
    args = ap.parse_args(argv)
    global PRESCAN
    PRESCAN = not args.no_prescan_keywords

    cov = pack_coverage()
    pairs, skipped = load_safecoder(args.corpora / "safecoder")
    scannable = [p for p in pairs if patterns.language_of(p.path) is not None and p.lang in LANG_ORDER]
    others = defaultdict(int)
    for p in pairs:
        if p not in scannable:
            others[p.lang] += 1

    vuln_targets, fix_targets = [], []
    no_diff = defaultdict(int)
    for p in scannable:
        vuln_text, shift = harness(p.ext, p.before)
        fix_text, shift2 = harness(p.ext, p.after)
        va = added_lines(fix_text, vuln_text)
        fa = added_lines(vuln_text, fix_text)
        if va:
            vuln_targets.append(patterns.Target(p.path, vuln_text.encode(), va))
        else:
            no_diff["vulnerable adds no line"] += 1
        if fa:
            fix_targets.append(patterns.Target(p.path, fix_text.encode(), fa))
        else:
            no_diff["fix adds no line (pure deletion)"] += 1

    vuln_found, vuln_res, vuln_time = run_batch(vuln_targets)
    fix_found, fix_res, fix_time = run_batch(fix_targets)
    vuln_paths = {t.path for t in vuln_targets}
    fix_paths = {t.path for t in fix_targets}

    # --- SafeCoder tallies
    recall: dict[tuple[str, int], Tally] = defaultdict(Tally)
    clean: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # lang -> [n, clean, any finding]
    fix_rules: dict[str, int] = defaultdict(int)
    for p in scannable:
        fam = family(p.cwe)
        if p.path in vuln_paths:
            t = recall[(p.lang, p.cwe)]
            t.n += 1
            fs = vuln_found.get(p.path, [])
            t.any_finding += bool(fs)
            good = [f for f in fs if fam in finding_families(f)]
            if good:
                t.hit += 1
                for f in {f.rule_id for f in good}:
                    t.rules[f] += 1
        if p.path in fix_paths:
            c = clean[p.lang]
            fs = fix_found.get(p.path, [])
            blocking = [f for f in fs if f.blocking]
            c[0] += 1
            c[1] += not blocking
            c[2] += bool(fs)
            for f in {f.rule_id for f in blocking}:
                fix_rules[f] += 1

    # --- CyberSecEval
    snippets = load_cyberseceval(args.corpora / "cyberseceval")
    cse_targets = []
    for s in snippets:
        lines = s.text.split("\n")
        cse_targets.append(patterns.Target(s.path, s.text.encode(), [AddedLine(i + 1, ln) for i, ln in enumerate(lines)]))
    cse_found, cse_res, cse_time = run_batch(cse_targets)
    cse: dict[tuple[str, int], Tally] = defaultdict(Tally)
    cse_unlocated = 0
    for s in snippets:
        t = cse[(s.lang, s.cwe)]
        t.n += 1
        if not s.line:
            cse_unlocated += 1
            continue
        on_line = [f for f in cse_found.get(s.path, []) if f.line <= s.line <= f.end_line]
        t.any_finding += bool(on_line)
        good = [f for f in on_line if family(s.cwe) in finding_families(f)]
        if good:
            t.hit += 1
            for rid in {f.rule_id for f in good}:
                t.rules[rid] += 1

    # --- report
    out: list[str] = []
    out.append("# Rule pack on the development corpora (diff mode)\n")
    out.append(f"Generated by `bench/score_corpora.py` with {len(patterns.load_rules()[0])} rules"
               f"{'' if PRESCAN else ', keyword prescan OFF'}. "
               "Evaluation data only: never tune a rule to an item.\n")
    out.append("CWE families: " + "; ".join(f"{k} ({', '.join(str(c) for c in sorted(v))})" for k, v in FAMILIES.items())
               + ". \"covered\" = the pack has a rule in that family for that language.\n")

    out.append("## SafeCoder: vulnerable version committed on top of the fix\n")
    out.append("Flagged = a finding in the pair's CWE family on an added line; \"any\" = any finding on an added line.\n")
    lang_tot = recall_table(out, recall, LANG_ORDER, cov, "pairs", "any finding")
    out.append("")
    out.append("| language | pairs | flagged | recall (all) | pairs in covered families | recall (covered) |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for lang in LANG_ORDER:
        n, hit, nc, hc = lang_tot[lang]
        if n:
            out.append(f"| {lang} | {n} | {hit} | {pct(hit, n)} | {nc} | {pct(hc, nc)} |")
    out.append("")

    out.append("## SafeCoder: the fix committed on top of the vulnerable version\n")
    out.append("| language | fix diffs | no blocking finding | clean-fix rate | with any finding |")
    out.append("|---|---:|---:|---:|---:|")
    for lang in LANG_ORDER:
        n, ok, anyf = clean[lang]
        if n:
            out.append(f"| {lang} | {n} | {ok} | {pct(ok, n)} | {anyf} |")
    if fix_rules:
        out.append("\nBlocking findings on fix diffs, by rule: " +
                   ", ".join(f"{r} ({n})" for r, n in sorted(fix_rules.items(), key=lambda x: -x[1])) + ".")
    out.append("")
    out.append(f"Not scored: {sum(others.values())} pairs in languages without rules "
               f"({', '.join(f'{k} {v}' for k, v in sorted(others.items()))}); "
               + ", ".join(f"{k}: {v}" for k, v in {**skipped, **no_diff}.items()) + ".\n")

    out.append("## CyberSecEval instruct: snippet added to an empty file\n")
    out.append("Flagged = a finding in the labelled CWE's family whose line range covers the labelled line "
               "(line-level recall). \"any\" = any finding covering that line.\n")
    cse_tot = recall_table(out, cse, ("Python", "JavaScript"), cov, "snippets", "any finding on the line")
    out.append("")
    out.append("| language | snippets | flagged | recall (all) | in covered families | recall (covered) |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for lang in ("Python", "JavaScript"):
        n, hit, nc, hc = cse_tot[lang]
        out.append(f"| {lang} | {n} | {hit} | {pct(hit, n)} | {nc} | {pct(hc, nc)} |")
    out.append(f"\n{cse_unlocated} snippets whose labelled line could not be located in the snippet count as misses.\n")

    # --- Bandit, the peer row: same items, same diff-mode protocol, same family matching
    py = [t for t in vuln_targets + fix_targets + cse_targets if t.path.endswith(".py")]
    t0 = time.perf_counter()
    b_vuln, b_err_v = run_bandit({t.path: t.content for t in vuln_targets if t.path.endswith(".py")})
    b_fix, b_err_f = run_bandit({t.path: t.content for t in fix_targets if t.path.endswith(".py")})
    b_cse, b_err_c = run_bandit({t.path: t.content for t in cse_targets if t.path.endswith(".py")})
    bandit_time = time.perf_counter() - t0
    added = {t.path: {a.number for a in t.added} for t in vuln_targets + fix_targets}
    cse_line = {s.path: s.line for s in snippets}

    def on_added(h: BanditHit, path: str) -> bool:
        return any(h.line <= ln <= h.end_line for ln in added.get(path, ()))

    peer: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # sc n, tr, bandit; cse n, tr, bandit
    for p in scannable:
        if p.lang != "Python" or p.path not in vuln_paths:
            continue
        fam = family(p.cwe)
        row = peer[fam]
        row[0] += 1
        row[1] += any(fam in finding_families(f) for f in vuln_found.get(p.path, []))
        row[2] += any(family(h.cwe) == fam and on_added(h, p.path) for h in b_vuln.get(p.path, []))
    for s in snippets:
        if s.lang != "Python":
            continue
        fam = family(s.cwe)
        row = peer[fam]
        row[3] += 1
        if s.line:
            row[4] += any(f.line <= s.line <= f.end_line and fam in finding_families(f)
                          for f in cse_found.get(s.path, []))
            row[5] += any(h.line <= s.line <= h.end_line and family(h.cwe) == fam for h in b_cse.get(s.path, []))
    fix_py = [p for p in scannable if p.lang == "Python" and p.path in fix_paths]
    b_clean = sum(not any(on_added(h, p.path) for h in b_fix.get(p.path, [])) for p in fix_py)
    b_clean_med = sum(not any(on_added(h, p.path) and h.severity in ("MEDIUM", "HIGH") for h in b_fix.get(p.path, []))
                      for p in fix_py)
    t_clean = clean["Python"][1]

    out.append(f"## Peer: tightrope vs Bandit (Python, same items, same protocol)\n")
    out.append(f"{bandit_version()}, all tests, default profile, one run per scenario ({bandit_time:.1f} s for "
               f"{len(py)} files; it could not parse {b_err_v + b_err_f + b_err_c}). Flagged = a finding in the "
               "item's CWE family (Bandit: its `issue_cwe`) on an added line (SafeCoder) or covering the labelled "
               "line (CyberSecEval); tightrope counts every finding, blocking or not, and so does Bandit.\n")
    out.append("| CWE family | SafeCoder pairs | tightrope | Bandit | CyberSecEval snippets | tightrope | Bandit |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    tot = [0] * 6
    for fam, row in sorted(peer.items(), key=lambda x: -(x[1][0] + x[1][3])):
        tot = [a + b for a, b in zip(tot, row)]
        out.append(f"| {fam} | {row[0]} | {row[1]} ({pct(row[1], row[0])}) | {row[2]} ({pct(row[2], row[0])}) | "
                   f"{row[3]} | {row[4]} ({pct(row[4], row[3])}) | {row[5]} ({pct(row[5], row[3])}) |")
    out.append(f"| **all** | {tot[0]} | {tot[1]} ({pct(tot[1], tot[0])}) | {tot[2]} ({pct(tot[2], tot[0])}) | "
               f"{tot[3]} | {tot[4]} ({pct(tot[4], tot[3])}) | {tot[5]} ({pct(tot[5], tot[3])}) |")
    ratio = lambda a, b: f"{a / b:.2f}×" if b else "–"  # noqa: E731
    out.append(f"\nRecall ratio tightrope / Bandit: SafeCoder {ratio(tot[1], tot[2])}, "
               f"CyberSecEval {ratio(tot[4], tot[5])}, both {ratio(tot[1] + tot[4], tot[2] + tot[5])}.\n")
    out.append("| clean fixes (Python) | fix diffs | clean | clean-fix rate |")
    out.append("|---|---:|---:|---:|")
    out.append(f"| tightrope (no blocking finding) | {len(fix_py)} | {t_clean} | {pct(t_clean, len(fix_py))} |")
    out.append(f"| Bandit (no finding: it exits 1 on any) | {len(fix_py)} | {b_clean} | {pct(b_clean, len(fix_py))} |")
    out.append(f"| Bandit (no finding of severity ≥ medium, `-ll`) | {len(fix_py)} | {b_clean_med} | "
               f"{pct(b_clean_med, len(fix_py))} |")
    out.append("")

    out.append("## Runs\n")
    for name, res, took, n in (("SafeCoder vulnerable", vuln_res, vuln_time, len(vuln_targets)),
                               ("SafeCoder fix", fix_res, fix_time, len(fix_targets)),
                               ("CyberSecEval", cse_res, cse_time, len(cse_targets))):
        notes = [x for x in res.notes if "not the fast path" in x or "skipped" in x]
        out.append(f"- {name}: {n} files, {res.candidate_files} past the prescan, {res.semgrep_runs} semgrep run "
                   f"({res.engine or 'none'}), {took:.1f} s, {len(res.notes)} notes" + (f" ({notes[0]})" if notes else ""))
    text = "\n".join(out) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
