"""The verify engine: the commits of a range with their facts, the branch the range is
judged on, the repository's identity and where the allowed signers come from.

Front ends (`verify`, `log`) parse arguments and print; everything they judge with is
resolved here. Reads git through gitio only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterator

from tightrope.errors import GitError, UsageError
from tightrope.identity import delegation, trailers, verify
from tightrope.records import TYPE_CHECKING
from tightrope.trust import TrustMaterial, landing_branch, load_trust, policy_changes

if TYPE_CHECKING:
    from tightrope.gitio import StrPath


def current_branch(root: StrPath) -> str:
    from tightrope.gitio import run_git

    return run_git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).decode().strip()


def split_range(spec: str) -> tuple[str, str, str]:
    """`BASE..HEAD` / `BASE...HEAD` -> (base name, separator, head name)."""
    if ".." not in spec:
        raise UsageError(f"a range is BASE..HEAD, got {spec!r}", "for example: origin/main..HEAD")
    sep = "..." if "..." in spec else ".."
    base_name, head_name = spec.split(sep, 1)
    return base_name, sep, head_name


class Walk:
    """The commits of a range with their facts, judged with the trust material of the
    range's base (its merge base): policy, allowed signers; the landing branch."""

    def __init__(self, root: StrPath, spec: str, *, policy: str | Path | None = None, branch: str = "",
                 repository: str = "", allowed_signers: Path | None = None, audit: bool = False,
                 at: int | None = None) -> None:
        import time

        from tightrope import gitio

        self.root = root
        self.spec = spec
        base_name, sep, head_name = split_range(spec)
        self.base = gitio.resolve(root, base_name or "HEAD")
        self.head = gitio.resolve(root, head_name or "HEAD")
        self.range = f"{self.base}{sep}{self.head}"
        self.trust: TrustMaterial = load_trust(root, base=gitio.merge_base(root, self.base, self.head),
                                               explicit=policy, use_baseline=False)
        self.policy = self.trust.policy
        self.branch = landing_branch(root, base_name, branch)
        if not self.branch and self.policy.identity.branches:
            raise UsageError(f"cannot tell which branch {spec} lands on, and the policy has branch rules",
                             "pass --branch TARGET (in CI: GITHUB_BASE_REF or CI_MERGE_REQUEST_TARGET_BRANCH_NAME)")
        self.level = self.policy.identity.require_for(self.branch)
        try:
            self.repository = delegation.repository_id(root, repository or self.policy.identity.repository)
        except UsageError:
            if self.level == "signed":
                raise
            self.repository = ""  # only a delegation needs it: judged as unknown there
        self._tmp = tempfile.TemporaryDirectory(prefix="tightrope-")
        self.signers, self.signers_name = self._signers(allowed_signers)
        self.now = int(time.time()) if at is None else at
        self.landed = gitio.landings(root, self.base, self.head) if audit else None
        self.clock = ("when it landed (the committer date of the first-parent commit that brought it onto the "
                      "branch)" if audit else ("the time of the check" if at is None else "the given time (--at)"))

    def _signers(self, explicit: Path | None) -> tuple[Path | None, str]:
        if explicit is not None:
            if not explicit.is_file():
                raise UsageError(f"allowed signers file {explicit} not found",
                                 "give a readable file in git's allowed_signers format")
            return explicit, str(explicit)
        rel = self.policy.identity.allowed_signers
        name = self.trust.where(rel)
        data = self.trust.read(rel)
        if not data:
            return None, name + " (not in the base commit)"
        path = Path(self._tmp.name) / "allowed_signers"
        path.write_bytes(data)
        return path, name

    def policy_changes(self):
        """`policy.changed` findings: the range edits the material it is judged with."""
        return policy_changes(self.trust, self.head, self.branch)

    def commits(self) -> Iterator[tuple[verify.CommitFacts, trailers.CommitIdentity]]:
        """(facts, identity) per commit, oldest first."""
        from tightrope import gitio

        try:
            items = list(gitio.commits(self.root, self.range))
        except Exception as e:  # GitPython's errors: name them, no traceback
            if isinstance(e, GitError):
                raise
            raise GitError(f"cannot walk {self.spec}: {type(e).__name__}",
                           "check the range; in a shallow clone fetch more history (`git fetch --unshallow`)")
        for c in items:
            message = c.message if isinstance(c.message, str) else c.message.decode("utf-8", "replace")
            subject = message.split("\n", 1)[0].strip()
            author = (c.author.name or "", c.author.email or "")
            committer = (c.committer.name or "", c.committer.email or "")
            date = int(c.committed_date)
            at = self.landed.get(c.hexsha, (date, ""))[0] if self.landed is not None else self.now
            facts = verify.CommitFacts(sha=c.hexsha, subject=subject, date=date,
                                       files=self._files(c.hexsha, [p.hexsha for p in c.parents]),
                                       is_merge=len(c.parents) > 1, signature=self._signature(c), at=at)
            yield facts, trailers.read(message, author, committer)

    def _files(self, sha: str, parents: list[str]) -> tuple[str, ...]:
        from tightrope.gitio import commit_files

        return commit_files(self.root, sha, parents)

    def _signature(self, c) -> str:
        from tightrope.gitio import verify_commit_signature

        if not getattr(c, "gpgsig", None):
            return "bad:not signed"
        if self.signers is None:
            return f"bad:no allowed signers ({self.signers_name})"
        ok, principal, key = verify_commit_signature(self.root, c.hexsha, self.signers)
        return f"good:{principal} {key}" if ok else "bad:the signature does not verify against the allowed signers"

    def context(self) -> verify.Context:
        pol = self.policy.identity
        return verify.Context(level=self.level, branch=self.branch, repository=self.repository,
                              allowed_signers=self.signers, allowed_signers_name=self.signers_name,
                              allowed_agents=pol.allowed_agents,
                              require_commit_signature=pol.require_commit_signature, tag_merges=pol.tag_merges,
                              clock=self.clock, max_lifetime=pol.max_lifetime, revoked=self._revoked(),
                              require_agent_key=pol.require_agent_key)

    def _revoked(self) -> frozenset[str]:
        """Token ids (nonces) from the base's revocation list: one a line, `#` comments."""
        data = self.trust.read(self.policy.identity.revoked) or b""
        lines = (l.split("#", 1)[0].strip() for l in data.decode("utf-8", "replace").splitlines())
        return frozenset(l for l in lines if l)
