"""Trust material (policy, baseline) read from where a change cannot alter it.

Minimal stand-in with the shared interface of the trust-boundary work: `base` is a commit
whose tree the policy and every file it names are read from; base=None means the work tree
(local use). The full loader replaces this module; this one does not read the baseline
(`use_baseline` is accepted for the interface; the caps need none).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tightrope import policy as policy_mod
from tightrope.errors import PolicyError
from tightrope.policy import Policy


@dataclass(frozen=True)
class TrustMaterial:
    policy: Policy
    baseline: frozenset[str]
    source: str  # "base commit 1a2b3c4", "work tree", "--policy FILE"
    root: Path | None = None
    base: str | None = None

    def read(self, relpath: str) -> bytes | None:
        """Another file the policy names, from the same place as the policy."""
        if self.root is None:
            return None
        if self.base is None:
            path = self.root / relpath
            return path.read_bytes() if path.is_file() else None
        from tightrope.gitio import read_blobs

        return read_blobs(self.root, [f"{self.base}:{relpath}"], [relpath]).get(relpath)


def _parse(text: bytes, name: str, pyproject: bool) -> Policy | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{name}: not valid TOML: {e}", "fix the syntax at the line named above")
    except UnicodeDecodeError:
        raise PolicyError(f"{name}: not UTF-8 text", "save the file as UTF-8")
    if pyproject:
        table = data.get("tool", {}).get("tightrope")
        return None if table is None else policy_mod.parse(policy_mod._table("tool.tightrope", table),
                                                             f"{name} [tool.tightrope]")
    return policy_mod.parse(data, name)


def load_trust(root: Path | None, *, base: str | None, explicit: Path | str | None = None,
               use_baseline: bool = True) -> TrustMaterial:
    if explicit is not None:
        pol = policy_mod.load(root, Path(explicit))
        material = TrustMaterial(pol, frozenset(), f"--policy {explicit}", root, None)
    elif base is None or root is None:
        material = TrustMaterial(policy_mod.load(root), frozenset(), "work tree", root, None)
    else:
        from tightrope.gitio import resolve

        sha = resolve(root, base)
        material = TrustMaterial(Policy(), frozenset(), f"base commit {sha[:7]}", root, sha)
        for name, pyproject in ((policy_mod.POLICY_FILE, False), ("pyproject.toml", True)):
            data = material.read(name)
            pol = None if data is None else _parse(data, f"{name} at {sha[:7]}", pyproject)
            if pol is not None:
                material = TrustMaterial(pol, frozenset(), material.source, root, sha)
                break
    return material
