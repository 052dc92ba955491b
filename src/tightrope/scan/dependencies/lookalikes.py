"""The look-alike index: the bundled popularity lists, the deletion index over the most popular
names and the edit distance that verifies its candidates."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tightrope.scan.dependencies.dep import normalize, split_scope

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
LIST_FILES = {"pypi": "pypi-top.txt", "npm": "npm-top.txt"}

POPULAR_N = 5000  # typosquat targets: the N most popular names of each list
MIN_TARGET_LEN = 5  # shorter popular names (six, rsa, jwt, ms, qs…) are never targets
TWO_EDIT_MIN_LEN = 10  # a second edit is allowed only against names this long or longer


@dataclass(frozen=True)
class _Lists:
    names: tuple[str, ...]  # most popular first
    rank: dict[str, int]


@functools.cache
def _lists(eco: str) -> _Lists:
    """One compact text file per ecosystem: `#` header lines, then one name a line."""
    text = (DATA_DIR / LIST_FILES[eco]).read_text(encoding="utf-8")
    names = tuple(line for line in text.split("\n") if line and not line.startswith("#"))
    return _Lists(names, {n: i for i, n in enumerate(names)})


def known_count(eco: str) -> int:
    return len(_lists(eco).names)


def is_known(eco: str, name: str) -> bool:
    return normalize(eco, name) in _lists(eco).rank


def has_scope(eco: str, scope: str) -> bool:
    """Whether any known name of `eco` lives under the npm scope `scope` (`@babel`)."""
    return scope in _index(eco).all_scopes


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment); returns limit+1 when above limit."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ai = a[i - 1]
        best = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[lb], limit + 1)


def allowed_edits(target: str) -> int:
    """How many edits from a popular name (or name part) count as a look-alike."""
    if len(target) < MIN_TARGET_LEN:
        return 0
    return 2 if len(target) >= TWO_EDIT_MIN_LEN else 1


@dataclass(frozen=True)
class _Index:
    """Candidate index over the popular names (scope-aware for npm), verified by `osa_distance`.

    - Names shorter than TWO_EDIT_MIN_LEN (one edit allowed): a symmetric one-deletion
      index, key ("W", scope, deletion): every pair within one edit shares a key.
    - Longer names (two edits allowed): split into halves A|B. Two edits leave one half
      with at most one, so A is within one edit of a prefix of the query (length |A|±1)
      or B of a suffix: keys ("P" | "S", scope, len(name), one-deletion of the half).
    About 12 keys per name (~63k for 5,000 names, ~0.15 s to build), built only when an
    unknown name has to be checked; a look-up then takes well under a millisecond.
    """

    keys: dict[tuple, tuple[int, ...]]
    scopes: tuple[str, ...]  # popular npm scopes, for scope look-alikes
    all_scopes: frozenset[str]  # every scope on the list


@functools.cache
def _index(eco: str, top: int = POPULAR_N) -> _Index:
    names = _lists(eco).names[:top]
    keys: dict[tuple, list[int]] = {}
    scopes: dict[str, None] = {}
    for rank, full in enumerate(names):
        scope, part = split_scope(full)
        if scope:
            scopes.setdefault(scope, None)
        edits = allowed_edits(part)
        if edits == 1:
            for d in _deletes(part, 1):
                keys.setdefault(("W", scope, d), []).append(rank)
        elif edits == 2:
            h, n = len(part) // 2, len(part)
            for d in _deletes(part[:h], 1):
                keys.setdefault(("P", scope, n, d), []).append(rank)
            for d in _deletes(part[h:], 1):
                keys.setdefault(("S", scope, n, d), []).append(rank)
    all_scopes = frozenset(split_scope(n)[0] for n in _lists(eco).names if n.startswith("@"))
    return _Index({k: tuple(v) for k, v in keys.items()}, tuple(scopes), all_scopes)


def _candidates(idx: _Index, scope: str, part: str) -> set[int]:
    out: set[int] = set()
    q = len(part)
    if q <= TWO_EDIT_MIN_LEN:  # within one edit of a name shorter than TWO_EDIT_MIN_LEN
        for d in _deletes(part, 1):
            out.update(idx.keys.get(("W", scope, d), ()))
    for n in range(max(TWO_EDIT_MIN_LEN, q - 2), q + 3):
        h = n // 2
        for x in (h - 1, h, h + 1):
            if 0 < x <= q:
                for d in _deletes(part[:x], 1):
                    out.update(idx.keys.get(("P", scope, n, d), ()))
        for y in (n - h - 1, n - h, n - h + 1):
            if 0 < y <= q:
                for d in _deletes(part[q - y:], 1):
                    out.update(idx.keys.get(("S", scope, n, d), ()))
    return out


@dataclass(frozen=True)
class Lookalike:
    target: str  # the popular (or known) name it resembles
    distance: int  # edits; 0 for the punctuation / affix rules
    how: str  # how it resembles the target, for the message


_AFFIXES = {
    # (prefixes, suffixes) that squatters bolt onto a popular name
    "npm": (("node-", "node"), (".js", "-js", "js", "-node", "-npm")),
    "pypi": (("python3-", "python-", "py-"), ("-python", "-py", "-python3")),
}


def _squash(name: str) -> str:
    scope, part = split_scope(name)
    return scope + "/" + re.sub(r"[-_.]", "", part) if scope else re.sub(r"[-_.]", "", part)


@functools.cache
def _squashed(eco: str) -> dict[str, str]:
    """Known names without punctuation -> the most popular known name that squashes so."""
    out: dict[str, str] = {}
    for n in _lists(eco).names:
        out.setdefault(_squash(n), n)
    return out


def lookalike(eco: str, name: str, top: int = POPULAR_N) -> Lookalike | None:
    """What popular package `name` (normalised) imitates, or None. Three rules, in order:

    1. within `allowed_edits` (1, or 2 for long names) of one of the `top` most popular;
    2. the same as any known name once `-`, `_`, `.` are removed (`crossenv`, `babelcli`);
    3. one of the `top` most popular with a decoration added (`node-`, `.js`, `python-`…).
    Does not check whether `name` itself is known: callers do that first.
    """
    name = normalize(eco, name)
    names = _lists(eco).names
    idx = _index(eco, top)
    scope, part = split_scope(name)
    best: tuple[int, int, str] | None = None  # (distance, rank, name)
    if len(part) >= MIN_TARGET_LEN - 1:
        for rank in _candidates(idx, scope, part):
            target = names[rank]
            tpart = split_scope(target)[1]
            limit = allowed_edits(tpart)
            dist = osa_distance(part, tpart, limit)
            if 0 < dist <= limit and (best is None or (dist, rank) < best[:2]):
                best = (dist, rank, target)
    if best is not None:
        return Lookalike(best[2], best[0], "is one edit from" if best[0] == 1 else "is two edits from")
    same = _squashed(eco).get(_squash(name))
    if same is not None and same != name:
        return Lookalike(same, 0, "differs only in punctuation from")
    rank_of = _lists(eco).rank
    prefixes, suffixes = _AFFIXES[eco]
    for affix, base in [(p, part[len(p):]) for p in prefixes if part.startswith(p)] + \
                       [(x, part[: -len(x)]) for x in suffixes if part.endswith(x)]:
        target = f"{scope}/{base}" if scope else base
        if len(base) >= 2 and rank_of.get(target, top) < top:
            return Lookalike(target, 0, f"adds `{affix}` to")
    if scope and eco == "npm" and scope not in idx.all_scopes:
        # a look-alike of a popular scope (`@babeI/core`, `@typescript_eslint/parser`)
        for pop_scope in idx.scopes:
            limit = allowed_edits(pop_scope[1:])
            dist = osa_distance(scope, pop_scope, limit) if limit else limit + 1
            if dist <= limit:
                candidate = f"{pop_scope}/{part}"
                rank = rank_of.get(candidate, len(names))
                shown = candidate if candidate in rank_of else f"{pop_scope}/*"
                if best is None or (dist, rank) < best[:2]:
                    best = (dist, rank, shown)
        if best is not None:
            return Lookalike(best[2], best[0], "has a scope one edit from" if best[0] == 1 else "has a scope two edits from")
    return None
