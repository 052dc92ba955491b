"""Identity commands: `tag` (prepare-commit-msg), `check-trailers` (commit-msg),
`delegate` (sign a delegation), `verify` (CI: judge a range), `log` (who wrote what).

Where the allowed signers come from: `verify` reads the policy's allowed-signers file from
the range's BASE commit (the target branch), never from the commits being judged or the
work tree (which, in CI, is the pull request's head): an agent must not be able to make
its own forged delegation verify by adding a key in the same change. `--allowed-signers
FILE` overrides (e.g. a file kept outside the repository). `check-trailers` and `log` read
the work tree's copy (HEAD's state, the committer's own machine): they inform, CI decides.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, UsageError
from tightrope.report import FORMATS

_MERGE_SOURCES = ("merge",)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tag", help="prepare-commit-msg hook: add Assisted-by/Agent/Delegated-by trailers",
                       description="Add the identity trailers to a commit message when a coding agent is "
                                   "committing. Does nothing when no agent is detected. Idempotent.")
    p.add_argument("message_file", help="the commit message file git passes to prepare-commit-msg")
    p.add_argument("source", nargs="?", default="", help="message, template, merge, squash or commit")
    p.add_argument("sha", nargs="?", default="", help="the commit amended or reused (source = commit)")
    p.set_defaults(func=run_tag)

    p = sub.add_parser("check-trailers", help="commit-msg hook: check identity trailers and the policy",
                       description="Exit 1 on a malformed identity trailer or a policy violation "
                                   "(e.g. an agent commit without Delegated-by when the policy requires a named human).")
    p.add_argument("message_file")
    p.set_defaults(func=run_check_trailers)

    p = sub.add_parser("delegate", help="sign a scoped, expiring delegation for an agent",
                       description="Print a one-line token the agent's environment carries as TIGHTROPE_DELEGATION. "
                                   "Signed with `ssh-keygen -Y sign` (git's SSH signing format).")
    p.add_argument("--agent", required=True, metavar="ID",
                   help="the agent's principal as its Agent trailer will name it: agent id (claude-code, codex, …), "
                        "bot login, or TIGHTROPE_AGENT_ID")
    p.add_argument("--scope", action="append", required=True, metavar="SCOPE",
                   help="branch:GLOB and/or path:GLOB (repeat or comma-separate); `all` for no restriction")
    p.add_argument("--expires", default="7d", help="30m, 12h, 7d, 2w or an ISO date (default 7d)")
    p.add_argument("--key", help="SSH private key, or .pub with the key in ssh-agent (default: git's user.signingkey)")
    p.add_argument("--human", help="`Name <email>` (default: git's user.name/user.email)")
    p.add_argument("--repository", help="the repository's identity (default: origin's URL, normalised)")
    p.add_argument("-C", dest="repo", default=".", metavar="DIR")
    p.set_defaults(func=run_delegate)

    for name, helptext in (("verify", "check every commit of a range: trailers, delegation, signatures"),
                           ("log", "per commit: agent, model, human, delegation status")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("spec", nargs="?", metavar="BASE..HEAD")
        p.add_argument("--range", dest="range_", metavar="BASE..HEAD")
        p.add_argument("-C", dest="repo", default=".", metavar="DIR")
        p.add_argument("--policy", type=Path)
        p.add_argument("--allowed-signers", type=Path, metavar="FILE",
                       help="allowed signers file (default: the policy's path, read from BASE)")
        p.add_argument("--branch", help="the branch the range lands on (default: from CI variables or HEAD)")
        p.add_argument("--repository", help="the repository's identity (default: origin's URL, normalised)")
        if name == "verify":
            p.add_argument("--format", action="append", choices=FORMATS)
            p.add_argument("--output", action="append", metavar="FILE")
            p.set_defaults(func=run_verify)
        else:
            p.set_defaults(func=run_log)


# --- small helpers ------------------------------------------------------------------------

def _read_message(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8", "replace")
    except OSError as e:
        raise UsageError(f"cannot read the commit message file {path}: {e.strerror}",
                         "git passes the message file as the first argument of the hook")


def _ident(root: Path, var: str) -> tuple[str, str]:
    """`git var GIT_AUTHOR_IDENT` -> (name, email); ("", "") when git has none."""
    from tightrope.gitio import run_git

    out = run_git(root, "var", var, check=False).decode("utf-8", "replace").strip()
    if "<" not in out:
        return "", ""
    name, _, rest = out.partition("<")
    return name.strip(), rest.partition(">")[0].strip()


def _config(root: Path, key: str) -> str:
    from tightrope.gitio import run_git

    return run_git(root, "config", "--get", key, check=False).decode("utf-8", "replace").strip()


def _current_branch(root: Path) -> str:
    from tightrope.gitio import run_git

    return run_git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).decode().strip()


def _git_human(root: Path) -> str:
    """git's user.name/user.email, unless that identity is itself a bot or an agent."""
    from tightrope.identity import agents

    name, email = _config(root, "user.name"), _config(root, "user.email")
    if not name or not email:
        return ""
    agent, login = agents.table().by_login(name, email)
    if agent or login or any(name.endswith(s) for a in agents.table().agents for s in a.ident_suffixes):
        return ""
    return f"{name} <{email}>"


# --- tag ----------------------------------------------------------------------------------

def run_tag(args: argparse.Namespace) -> int:
    from tightrope import gitio, policy
    from tightrope.identity import agents, delegation, trailers

    source = args.source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    root = gitio.repo_root(".")
    pol = policy.load(root).identity
    if pol.require_for(_current_branch(root)) == "off":
        return EXIT_OK
    if source in _MERGE_SOURCES and not pol.tag_merges:
        return EXIT_OK
    author, committer = _ident(root, "GIT_AUTHOR_IDENT"), _ident(root, "GIT_COMMITTER_IDENT")
    evidence = agents.detect_process(os.environ, author[0], committer[0], author[1], committer[1])
    if not evidence:
        return EXIT_OK
    message = _read_message(args.message_file)
    existing = trailers.read(message)
    # the message may say more about the same agents (aider's "aider (model)" co-author line)
    models = {e.agent: e.model for e in existing.evidence if e.model}
    evidence = [agents.Evidence(e.agent, e.source, e.detail, e.model or models.get(e.agent, "")) for e in evidence]

    token = os.environ.get("TIGHTROPE_DELEGATION", "").strip()
    if token:
        try:
            parsed = delegation.parse_token(token)
        except delegation.TokenError as e:
            raise UsageError(f"TIGHTROPE_DELEGATION is not a delegation token: {e}",
                             "ask the human for a fresh one: `tightrope delegate --agent ID --scope ...`")
    principal = os.environ.get("TIGHTROPE_AGENT_ID", "").strip()
    if principal and not trailers._PRINCIPAL.match(principal):
        raise UsageError(f"TIGHTROPE_AGENT_ID={principal!r} must be one token",
                         "a bot login, service account or key fingerprint, without spaces")
    if not principal:
        for name, email in (author, committer):
            _agent, login = agents.table().by_login(name, email)
            if login:
                principal = login
                break
    if not principal:
        principal = evidence[0].agent
    human = trailers.env_person(os.environ, "TIGHTROPE_DELEGATED_BY") or _git_human(root)
    if token and human and parse_person_email(human) != parsed.statement.email.lower():
        print(f"tightrope: warning: Delegated-by {human} is not the human in TIGHTROPE_DELEGATION "
              f"({parsed.statement.human}); verify will reject this commit", file=sys.stderr)
    new = trailers.stamps(evidence, existing, principal=principal, delegated_by=human, delegation=token)
    trailers.write(root, Path(args.message_file), new)
    return EXIT_OK


def parse_person_email(value: str) -> str:
    from tightrope.identity.trailers import parse_person

    person = parse_person(value)
    return person[1].lower() if person else ""


# --- check-trailers -----------------------------------------------------------------------

def run_check_trailers(args: argparse.Namespace) -> int:
    from tightrope import gitio, policy
    from tightrope.identity import agents, trailers, verify

    root = gitio.repo_root(".")
    pol = policy.load(root).identity
    branch = _current_branch(root)
    level = pol.require_for(branch)
    if level == "off":
        return EXIT_OK
    message = _read_message(args.message_file)
    author, committer = _ident(root, "GIT_AUTHOR_IDENT"), _ident(root, "GIT_COMMITTER_IDENT")
    ident = trailers.read(message, author, committer)
    ident.evidence = agents.dedupe(ident.evidence + agents.detect_process(
        os.environ, author[0], committer[0], author[1], committer[1]))
    is_merge = (root / ".git" / "MERGE_HEAD").exists() if (root / ".git").is_dir() else False
    subject = next((l for l in message.splitlines() if l.strip() and not l.startswith("#")), "")
    facts = verify.CommitFacts(sha="", subject=subject.strip(), date=_now(), is_merge=is_merge)
    ctx = verify.Context(level="named-human" if level == "signed" else level, branch=branch,
                         allowed_agents=pol.allowed_agents, tag_merges=pol.tag_merges)
    findings, _ = verify.check(ident, facts, ctx)
    if level == "signed" and ident.is_agent and not ident.delegation and not (is_merge and not pol.tag_merges):
        findings.append(verify.finding(facts, "missing-delegation",
                                       "agent commit has no Delegation trailer and the policy requires a signed delegation",
                                       "set TIGHTROPE_DELEGATION in the agent's environment (`tightrope delegate`)"))
    from tightrope.report.escape import terminal

    blocking = [f for f in findings if f.blocking]
    for f in findings:
        text = f.message.split(": ", 1)[-1]
        print(f"tightrope: {'error' if f.blocking else 'warning'}: {terminal(text)}", file=sys.stderr)
        if f.help:
            print(f"tightrope: hint: {terminal(f.help)}", file=sys.stderr)
    return EXIT_BLOCKING if blocking else EXIT_OK


def _now() -> int:
    import time

    return int(time.time())


# --- delegate -----------------------------------------------------------------------------

def parse_scope(values: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    branches: list[str] = []
    paths: list[str] = []
    unrestricted = False
    for value in values:
        for item in (v.strip() for v in value.split(",")):
            if not item:
                continue
            kind, sep, glob = item.partition(":")
            if item == "all":
                unrestricted = True
            elif sep and kind in ("branch", "branches") and glob:
                branches.append(glob)
            elif sep and kind in ("path", "paths") and glob:
                paths.append(glob)
            else:
                raise UsageError(f"--scope {item!r} is not branch:GLOB, path:GLOB or all",
                                 "for example --scope branch:agent/* --scope path:src/**")
    if unrestricted and (branches or paths):
        raise UsageError("--scope all cannot be combined with branch: or path: scopes", "choose one")
    return tuple(branches), tuple(paths)


def run_delegate(args: argparse.Namespace) -> int:
    from tightrope import gitio
    from tightrope.identity import delegation, trailers

    root = gitio.repo_root(args.repo)
    branches, paths = parse_scope(args.scope)
    agent = args.agent.strip()
    if not trailers._PRINCIPAL.match(agent):
        raise UsageError(f"--agent {agent!r} must be one token", "e.g. --agent claude-code or --agent copilot-swe-agent[bot]")
    if args.human:
        if trailers.parse_person(args.human) is None:
            raise UsageError(f"--human {args.human!r} is not `Name <email>`", "e.g. --human 'Ada Lovelace <ada@example.com>'")
        human = args.human.strip()
    else:
        name, email = _config(root, "user.name"), _config(root, "user.email")
        if not name or not email:
            raise UsageError("git's user.name / user.email are not set", "set them, or pass --human 'Name <email>'")
        human = f"{name} <{email}>"
    key = args.key or _config(root, "user.signingkey")
    if not key:
        raise UsageError("no signing key", "pass --key ~/.ssh/id_ed25519 or `git config user.signingkey PATH`")
    repo_id = delegation.repository_id(root, args.repository or "")
    token = delegation.make(human, agent, repo_id, branches, paths, args.expires, key)
    st = delegation.parse_token(token).statement
    from tightrope.identity.verify import _iso

    print(f"tightrope: delegated {agent} on {repo_id} by {human} until {_iso(st.exp)}; "
          f"branches: {', '.join(branches) or 'any'}; paths: {', '.join(paths) or 'any'}", file=sys.stderr)
    print("tightrope: give the agent this token as TIGHTROPE_DELEGATION", file=sys.stderr)
    print(token)
    return EXIT_OK


# --- verify / log -------------------------------------------------------------------------

def _spec(args: argparse.Namespace) -> str:
    spec = args.range_ or args.spec
    if not spec:
        raise UsageError("which commits? give a range", "for example: tightrope verify --range origin/main..HEAD")
    if args.range_ and args.spec and args.range_ != args.spec:
        raise UsageError("two ranges given", "give the range once")
    if ".." not in spec:
        raise UsageError(f"a range is BASE..HEAD, got {spec!r}", "for example: origin/main..HEAD")
    return spec


def _ci_branch(root: Path, head_name: str) -> str:
    for var in ("TIGHTROPE_BRANCH", "GITHUB_HEAD_REF", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
        if os.environ.get(var):
            return os.environ[var]
    from tightrope.gitio import run_git

    if head_name and head_name != "HEAD":
        full = run_git(root, "rev-parse", "--symbolic-full-name", head_name, check=False).decode().strip()
        if full.startswith("refs/heads/"):
            return full[len("refs/heads/"):]
        if full.startswith("refs/remotes/"):
            return full.split("/", 3)[-1]
    return _current_branch(root)


class _Walk:
    """The commits of a range with their facts, plus where the allowed signers come from."""

    def __init__(self, args: argparse.Namespace, *, from_base: bool) -> None:
        import tempfile

        from tightrope import gitio, policy
        from tightrope.identity import delegation

        self.root = gitio.repo_root(args.repo)
        self.policy = policy.load(self.root, args.policy)
        self.spec = _spec(args)
        sep = "..." if "..." in self.spec else ".."
        base_name, head_name = self.spec.split(sep, 1)
        self.base = gitio.resolve(self.root, base_name or "HEAD")
        self.head = gitio.resolve(self.root, head_name or "HEAD")
        self.range = f"{self.base}{sep}{self.head}"
        self.branch = args.branch or _ci_branch(self.root, head_name)
        self.level = self.policy.identity.require_for(self.branch)
        self.repository = delegation.repository_id(self.root, args.repository or "")
        self._tmp = tempfile.TemporaryDirectory(prefix="tightrope-")
        self.signers, self.signers_name = self._signers(args, from_base)

    def _signers(self, args: argparse.Namespace, from_base: bool) -> tuple[Path | None, str]:
        from tightrope.gitio import run_git

        if args.allowed_signers is not None:
            if not args.allowed_signers.is_file():
                raise UsageError(f"allowed signers file {args.allowed_signers} not found",
                                 "give a readable file in git's allowed_signers format")
            return args.allowed_signers, str(args.allowed_signers)
        rel = self.policy.identity.allowed_signers
        if from_base:
            name = f"{self.base[:12]}:{rel}"
            data = run_git(self.root, "show", f"{self.base}:{rel}", check=False)
            if not data:
                return None, name + " (not in the base commit)"
            path = Path(self._tmp.name) / "allowed_signers"
            path.write_bytes(data)
            return path, name
        path = self.root / rel
        return (path, rel) if path.is_file() else (None, rel + " (not found)")

    def commits(self):
        """(facts, identity) per commit, oldest first."""
        from tightrope import gitio
        from tightrope.errors import GitError
        from tightrope.identity import trailers, verify

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
            facts = verify.CommitFacts(sha=c.hexsha, subject=subject, date=int(c.committed_date),
                                       files=self._files(c.hexsha, [p.hexsha for p in c.parents]),
                                       is_merge=len(c.parents) > 1,
                                       signature=self._signature(c) if self.policy.identity.require_commit_signature else "")
            yield facts, trailers.read(message, author, committer)

    def _files(self, sha: str, parents: list[str]) -> tuple[str, ...]:
        from tightrope.gitio import commit_files

        return commit_files(self.root, sha, parents[0] if parents else None)

    def _signature(self, c) -> str:
        from tightrope.gitio import verify_commit_signature

        if not getattr(c, "gpgsig", None):
            return "bad:not signed"
        if self.signers is None:
            return f"bad:no allowed signers ({self.signers_name})"
        ok, principal = verify_commit_signature(self.root, c.hexsha, self.signers)
        return f"good:{principal}" if ok else "bad:the signature does not verify against the allowed signers"

    def context(self):
        from tightrope.identity import verify

        pol = self.policy.identity
        return verify.Context(level=self.level, branch=self.branch, repository=self.repository,
                              allowed_signers=self.signers, allowed_signers_name=self.signers_name,
                              allowed_agents=pol.allowed_agents,
                              require_commit_signature=pol.require_commit_signature, tag_merges=pol.tag_merges)


def run_verify(args: argparse.Namespace) -> int:
    from tightrope.core import apply_policy
    from tightrope.findings import Report
    from tightrope.frontends.scan_cmd import emit, output_pairs
    from tightrope.identity import verify

    pairs = output_pairs(args)
    walk = _Walk(args, from_base=True)
    ctx = walk.context()
    report = Report()
    n = 0
    for facts, ident in walk.commits():
        n += 1
        found, _ = verify.check(ident, facts, ctx)
        report.findings += [apply_policy(f, walk.policy) for f in found
                            if f.rule_id not in walk.policy.disable]
    if n == 0:
        report.notes.append(f"empty range {walk.spec}: no commits to verify "
                            "(is BASE already at HEAD? in CI, fetch the base branch)")
    else:
        report.notes.append(f"verified {n} commit(s) in {walk.spec} on branch {walk.branch or '(detached)'} "
                            f"at level {walk.level}")
    emit(report, pairs)
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def run_log(args: argparse.Namespace) -> int:
    from tightrope.identity import verify

    walk = _Walk(args, from_base=True)
    ctx = walk.context()
    ctx.level = "signed"  # judge every delegation present, whatever the policy requires
    rows = [("commit", "subject", "agent", "model", "human", "delegation")]
    for facts, ident in walk.commits():
        deleg = verify.judge_delegation(ident, facts, ctx) if ident.delegation else verify.Delegation("none")
        status = deleg.status if deleg.status in ("none", "valid") else f"{deleg.status}: {deleg.detail}"
        rows.append((facts.sha[:12], _clip(facts.subject, 50), ident.agent or ("-" if not ident.is_agent else "?"),
                     ident.model or "-", ident.delegated_by or "-", status))
    if len(rows) == 1:
        print(f"tightrope: no commits in {walk.spec}", file=sys.stderr)
        return EXIT_OK
    from tightrope.report.escape import terminal

    widths = [max(len(terminal(r[i])) for r in rows) for i in range(5)]
    for r in rows:
        cells = [terminal(r[i]).ljust(widths[i]) for i in range(5)] + [terminal(r[5])]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")
    return EXIT_OK


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
