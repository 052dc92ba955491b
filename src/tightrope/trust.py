"""The trust boundary: what a run judges with, and from where. A change never judges itself.

Range runs (`scan --range`, `verify`, pre-push, CI) read the policy, the baseline and every
file the policy names (allowed signers, the revocation list) from the BASE commit's tree:
the merge base of the range, i.e. what is already on the target branch. Nothing in the
work tree or in the commits being judged can loosen a check; a change that edits that
material is itself a finding (`policy.changed`) and takes effect once it is on the base.
Local runs (hooks on the committer's machine, base=None) read the work tree: advisory.
`--policy FILE|-` is an explicit override of the policy alone.

The branch a range is judged on is the branch it LANDS on (the PR/MR target), from
`--branch` or the CI's target-branch variables, never the source branch the author names.
"""

from __future__ import annotations

import os
import sys

from tightrope.errors import PolicyError, UsageError
from tightrope.findings import Confidence, Finding, Severity, public_fingerprint
from tightrope.policy import POLICY_FILE, Policy, decode, from_text
from tightrope.records import RecordTuple, TYPE_CHECKING

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

PYPROJECT = "pyproject.toml"
# the landing branch, most specific first: explicit, then the PR/MR target, then the pushed branch
_TARGET_VARS = ("TIGHTROPE_BRANCH", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")


class TrustMaterial(RecordTuple):
    policy: Policy
    baseline: frozenset[str]
    source: str  # for messages: "base commit 1a2b3c4", "work tree", "--policy FILE", "defaults"
    root: StrPath | None = None
    rev: str | None = None  # the base commit; None: the work tree
    notes: tuple[str, ...] = ()  # what the user should know about where the policy came from

    def read(self, relpath: str) -> bytes | None:
        """A file the policy names, from the same place as the policy; None when absent."""
        parts = relpath.split("/")
        if relpath.startswith("/") or ".." in parts:
            raise PolicyError(f"{relpath!r} must be a path inside the repository",
                              "policy paths are relative to the repository root, without `..`")
        rel = "/".join(p for p in parts if p not in ("", "."))  # `a//b/./c` is `a/b/c`, as git names it
        if self.root is None:
            return None
        if self.rev is not None:
            from tightrope.gitio import show

            return show(self.root, self.rev, rel)
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def where(self, relpath: str) -> str:
        """`relpath` named with its origin, for messages."""
        return f"{relpath} ({self.source})" if self.rev is None else f"{self.rev[:12]}:{relpath}"


def _explicit_policy(explicit: StrPath) -> tuple[Policy, str]:
    path = os.fspath(explicit)
    if path == "-":
        return from_text(decode(sys.stdin.buffer.read(), "--policy -"), "--policy -") or Policy(), "--policy -"
    if os.path.isdir(path):
        raise PolicyError(f"--policy {path} is a directory, not a policy file",
                          f"give the file: {os.path.join(path, POLICY_FILE)} or {os.path.join(path, PYPROJECT)}")
    if not os.path.isfile(path):
        raise PolicyError(f"policy file {path} not found", "check the --policy path, or give - to read it from stdin")
    name = os.path.basename(path)
    with open(path, "rb") as f:
        policy = from_text(decode(f.read(), name), name, pyproject=name == PYPROJECT)
    if policy is None:
        raise PolicyError(f"{path} has no [tool.tightrope] table", "add the table, or point --policy at a policy file")
    return policy, f"--policy {path}"


def _policy_from(material: TrustMaterial) -> tuple[Policy, tuple[str, ...]]:
    """The policy of `.tightrope.toml`, else of pyproject's [tool.tightrope]; a note when
    both exist (the first wins and the table is ignored)."""
    for name, pyproject in ((POLICY_FILE, False), (PYPROJECT, True)):
        data = material.read(name)
        if data is not None:
            policy = from_text(decode(data, name), material.where(name), pyproject=pyproject)
            if policy is not None:
                return policy, _shadowed(material) if name == POLICY_FILE else ()
    return Policy(source=f"defaults ({material.source})"), ()


def _shadowed(material: TrustMaterial) -> tuple[str, ...]:
    data = material.read(PYPROJECT)
    if data is None or b"tightrope" not in data or _tool_table(data) is None:
        return ()
    return (f"both {POLICY_FILE} and {PYPROJECT} [tool.tightrope] hold a policy: {POLICY_FILE} is used and "
            f"the [tool.tightrope] table is ignored (keep one of them)",)


def load_trust(root: StrPath | None, *, base: str | None, explicit: StrPath | None = None,
               use_baseline: bool = True) -> TrustMaterial:
    """Policy, baseline and named files from `base`'s tree (a commit), or the work tree when
    base is None; `explicit` replaces the policy only."""
    if base is not None and root is None:
        raise UsageError("a base commit needs a repository", "run inside the repository")
    source = f"base commit {base[:7]}" if base else ("work tree" if root is not None else "defaults")
    material = TrustMaterial(Policy(), frozenset(), source, root, base)
    notes: tuple[str, ...] = ()
    if explicit is not None:
        policy, source = _explicit_policy(explicit)
    else:
        policy, notes = _policy_from(material)
    baseline: frozenset[str] = frozenset()
    if use_baseline:
        data = material.read(policy.baseline)
        if data is not None:
            from tightrope.suppress import parse_baseline

            baseline = frozenset(parse_baseline(data, material.where(policy.baseline)))
    return TrustMaterial(policy, baseline, source, root, base, notes)


def trust_files(policy: Policy) -> list[str]:
    """The files a range run reads from the base: editing one in the change is `policy.changed`."""
    return sorted({POLICY_FILE, policy.baseline, policy.identity.allowed_signers, policy.identity.revoked})


def landing_branch(root: StrPath, base_name: str, explicit: str = "") -> str:
    """The branch the range lands on: --branch, the CI's target-branch variables, the pushed
    branch on a push pipeline, else the base side's branch name; "" when none is known."""
    if explicit:
        return explicit
    for var in _TARGET_VARS:
        if os.environ.get(var):
            return os.environ[var]
    if os.environ.get("GITHUB_EVENT_NAME") == "push" and os.environ.get("GITHUB_REF_NAME"):
        return os.environ["GITHUB_REF_NAME"]
    if os.environ.get("CI_PIPELINE_SOURCE") == "push" and os.environ.get("CI_COMMIT_BRANCH"):
        return os.environ["CI_COMMIT_BRANCH"]
    from tightrope.gitio import run_git

    if base_name:
        full = run_git(root, "rev-parse", "--symbolic-full-name", base_name, check=False).decode().strip()
        if full.startswith("refs/heads/"):
            return full[len("refs/heads/"):]
        if full.startswith("refs/remotes/"):
            return full.split("/", 3)[-1]
    return ""


def policy_changes(material: TrustMaterial, head: str, branch: str) -> list[Finding]:
    """`policy.changed` for each trust file the change edits (base..head). Blocking when the
    base's policy checks identity on the landing branch (level `trailers` and above)."""
    if material.root is None or material.rev is None:
        return []
    from tightrope.gitio import changed_paths, show

    pol = material.policy
    edited = [p for p in changed_paths(material.root, material.rev, head, trust_files(pol) + [PYPROJECT])
              if p != PYPROJECT or _tool_table(show(material.root, material.rev, p)) !=
              _tool_table(show(material.root, head, p))]
    from tightrope.core import apply_policy

    blocking = pol.identity.require_for(branch) != "off"
    where = branch or "the base branch"
    found = [Finding(rule_id="policy.changed", kind="identity", severity=Severity.HIGH, confidence=Confidence.HIGH,
                    path=p, line=0,
                    message=f"this change edits {p}{' [tool.tightrope]' if p == PYPROJECT else ''}, which the "
                            f"check reads from the base commit; it takes effect once it is on {where}",
                    fingerprint=public_fingerprint("policy.changed", p, head), title="trust material changed",
                    help="a reviewer with authority over the policy approves this change; until it lands, "
                         "the base's policy, signers and baseline apply",
                    commit=head, blocking=blocking)
             for p in edited]
    return [apply_policy(f, pol) for f in found if f.rule_id not in pol.disable]


def _tool_table(data: bytes | None) -> object:
    """pyproject's [tool.tightrope] table (or the text, when it is not valid TOML)."""
    if data is None:
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8", "replace")).get("tool", {}).get("tightrope")
    except tomllib.TOMLDecodeError:
        return data
