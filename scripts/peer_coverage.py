"""The secret-format coverage table: every rule of the peers' public rule sets, and the
tightrope detector that covers it (or why none does).

    python scripts/peer_coverage.py            # regenerate docs/secret-coverage.md
    python scripts/peer_coverage.py --check    # exit 1 if a peer rule is unmapped or the doc is stale
    python scripts/peer_coverage.py --extract gitleaks=/path/to/gitleaks.git ...   # refresh the rule lists

Inputs (committed): `tests/data/peer_rules/<peer>.tsv` — each peer rule's id and short
description at a pinned commit (ids and descriptions only: no regexes, no code) — and
`tests/data/peer_rules/mapping.txt`, kept by hand:

    <peer rule id> = secret.some-rule[, secret.other-rule]
    <peer rule id> = <category>: <one-line reason>

Categories: `not a secret` (identifiers, public keys, URLs), `deprecated`, `needs network`
(only a live call can tell), `generic` (a catch-all rule; tightrope's keyword ladder is its
counterpart), `gap` (a live credential tightrope does not detect yet — the backlog).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "peer_rules"
MAPPING = DATA / "mapping.txt"
DOC = ROOT / "docs" / "secret-coverage.md"
CATEGORIES = ("not a secret", "deprecated", "needs network", "generic", "gap")


@dataclass(frozen=True)
class Peer:
    name: str
    repo: str  # github owner/name
    path: str  # the rule file or directory read at the pinned commit


PEERS = (
    Peer("gitleaks", "gitleaks/gitleaks", "config/gitleaks.toml"),
    Peer("betterleaks", "betterleaks/betterleaks", "config/betterleaks.toml"),
    Peer("kingfisher", "mongodb/kingfisher", "data/rules"),
)


@dataclass(frozen=True)
class PeerRule:
    peer: str
    rule_id: str
    description: str


@dataclass(frozen=True)
class Mapped:
    rules: tuple[str, ...] = ()  # tightrope rule ids
    category: str = ""
    reason: str = ""


# ------------------------------------------------------------------ extraction (maintainers)

def _git_show(git_dir: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def _extract(peer: Peer, git_dir: Path) -> tuple[str, list[tuple[str, str]]]:
    import tomllib

    import yaml

    commit = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    rows: list[tuple[str, str]] = []
    if peer.path.endswith(".toml"):
        for rule in tomllib.loads(_git_show(git_dir, commit, peer.path))["rules"]:
            rows.append((rule["id"], rule.get("description", "")))
    else:
        names = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", commit,
                                peer.path + "/"], check=True, capture_output=True, text=True).stdout.split()
        for name in sorted(n for n in names if n.endswith((".yml", ".yaml"))):
            for rule in (yaml.safe_load(_git_show(git_dir, commit, name)) or {}).get("rules", []):
                rows.append((rule["id"], rule.get("name", "")))
    return commit, rows


def extract(sources: dict[str, Path]) -> None:
    for peer in PEERS:
        if peer.name not in sources:
            continue
        commit, rows = _extract(peer, sources[peer.name])
        lines = [f"# {peer.repo} {peer.path} @ {commit}", "# id<TAB>description (ids and descriptions only)"]
        lines += [f"{rid}\t{' '.join(desc.split())}" for rid, desc in rows]
        (DATA / f"{peer.name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ reading

def pinned(peer: Peer) -> str:
    head = (DATA / f"{peer.name}.tsv").read_text(encoding="utf-8").splitlines()[0]
    return head.rsplit("@", 1)[1].strip()


def peer_rules() -> list[PeerRule]:
    out = []
    for peer in PEERS:
        for line in (DATA / f"{peer.name}.tsv").read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                rid, _, desc = line.partition("\t")
                out.append(PeerRule(peer.name, rid, desc))
    return out


def mapping(text: str | None = None) -> dict[str, Mapped]:
    """Parse mapping.txt; a malformed line raises ValueError naming it."""
    text = MAPPING.read_text(encoding="utf-8") if text is None else text
    out: dict[str, Mapped] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = (part.strip() for part in line.partition(" = "))
        if not sep or not key or not value:
            raise ValueError(f"mapping.txt:{n}: expected '<peer rule id> = <rule id or reason>'")
        if key in out:
            raise ValueError(f"mapping.txt:{n}: {key} is mapped twice")
        if value.startswith("secret."):
            out[key] = Mapped(rules=tuple(v.strip() for v in value.split(",")))
        else:
            category, _, reason = value.partition(":")
            if category not in CATEGORIES or not reason.strip():
                raise ValueError(f"mapping.txt:{n}: a reason is '<{'|'.join(CATEGORIES)}>: <why>'")
            out[key] = Mapped(category=category, reason=reason.strip())
    return out


def tightrope_rules() -> dict[str, str]:
    """Every secret rule id tightrope reports, with a title."""
    sys.path.insert(0, str(ROOT / "src"))
    from tightrope.scan.detectors import ALL, ds_plugins, keywords

    titles = {r.rule_id: r.title for r in ds_plugins.RULES}
    titles[keywords.RULE_ID] = keywords.TITLE
    for d in reversed(ALL):
        titles[d.rule_id] = d.title
    return titles


# ------------------------------------------------------------------ checking and rendering

def problems(rules: list[PeerRule], mapped: dict[str, Mapped], known: dict[str, str]) -> list[str]:
    out = []
    ids = {r.rule_id for r in rules}
    for r in rules:
        m = mapped.get(r.rule_id)
        if m is None:
            out.append(f"{r.peer} rule {r.rule_id} ({r.description}) has neither a detector nor a reason in "
                       f"{MAPPING.relative_to(ROOT)}")
        else:
            out += [f"{r.rule_id} maps to unknown tightrope rule {x}" for x in m.rules if x not in known]
    out += [f"{k} is mapped but no peer has that rule (remove it)" for k in mapped if k not in ids]
    return out


def render(rules: list[PeerRule], mapped: dict[str, Mapped], known: dict[str, str]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["# Secret-format coverage against gitleaks, betterleaks and kingfisher", "",
             "Generated by `scripts/peer_coverage.py` from the peers' rule lists at pinned commits and the "
             "hand-kept `tests/data/peer_rules/mapping.txt`; `tests/test_peer_coverage.py` fails when a peer "
             "rule has neither a tightrope rule nor a reason, or when this file is stale. Do not edit by hand.",
             "", "| Peer | Pinned commit | Rules | Covered | Not a secret | Deprecated | Needs network | "
             "Generic | Gap |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for peer in PEERS:
        mine = [mapped[r.rule_id] for r in rules if r.peer == peer.name]
        cats = Counter(m.category or "covered" for m in mine)
        lines.append(f"| {peer.name} | [`{pinned(peer)[:12]}`](https://github.com/{peer.repo}/tree/{pinned(peer)}"
                     f"/{peer.path}) | {len(mine)} | {cats['covered']} | {cats['not a secret']} | "
                     f"{cats['deprecated']} | {cats['needs network']} | {cats['generic']} | {cats['gap']} |")
    lines += ["", "*Covered* means a tightrope rule reports the same credential format; *gap* is a live "
              "credential tightrope does not detect yet (the backlog, stated rather than hidden).", ""]
    for peer in PEERS:
        lines += [f"## {peer.name}", "", "| Peer rule | Description | tightrope |", "|---|---|---|"]
        for r in (r for r in rules if r.peer == peer.name):
            m = mapped[r.rule_id]
            ours = ", ".join(f"`{x}`" for x in m.rules) if m.rules else f"*{m.category}*: {cell(m.reason)}"
            lines.append(f"| `{r.rule_id}` | {cell(r.description)} | {ours} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a rule is unmapped or the doc is stale")
    ap.add_argument("--extract", nargs="+", metavar="PEER=GIT_DIR", help="refresh the peers' rule lists")
    args = ap.parse_args(argv)
    if args.extract:
        extract({k: Path(v) for k, _, v in (s.partition("=") for s in args.extract)})
    rules, mapped, known = peer_rules(), mapping(), tightrope_rules()
    bad = problems(rules, mapped, known)
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        return 1
    text = render(rules, mapped, known)
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.name} is stale: run python scripts/peer_coverage.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
