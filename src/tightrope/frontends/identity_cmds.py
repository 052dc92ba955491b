"""Identity commands: `tag` (prepare-commit-msg), `check-trailers` (commit-msg),
`delegate` (sign a delegation), `verify` (CI: judge a range), `log` (who wrote what).

The commands parse arguments and print; the engine that walks a range and resolves its
landing branch, repository and trust material is `identity/walk.py`. `verify` and `log`
judge with the policy and allowed signers of the range's BASE commit (`trust.py`), never
the commits being judged or the work tree (which, in CI, is the pull request's head).
`--allowed-signers FILE` and `--policy FILE|-` override. `tag` and `check-trailers` run on
the committer's machine and read the work tree's policy: they inform, CI decides.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, UsageError
from tightrope.records import TYPE_CHECKING
from tightrope.report import FORMATS

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

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
    p.add_argument("--agent-key", metavar="PUB", help="the agent's commit-signing public key: the token is bound "
                                                      "to it and the agent's commits must be signed with it")
    p.add_argument("--human", help="`Name <email>` (default: git's user.name/user.email)")
    p.add_argument("--repository", help="the repository's identity (default: identity.repository, "
                                        "else origin's URL, normalised)")
    p.add_argument("-C", dest="repo", default=".", metavar="DIR")
    p.set_defaults(func=run_delegate)

    for name, helptext in (("verify", "check every commit of a range: trailers, delegation, signatures"),
                           ("log", "per commit: agent, model, human, delegation status")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("spec", nargs="?", metavar="BASE..HEAD")
        p.add_argument("--range", dest="range_", metavar="BASE..HEAD")
        p.add_argument("-C", dest="repo", default=".", metavar="DIR")
        p.add_argument("--policy", metavar="FILE",
                       help="policy file, or - for stdin (default: the policy in the range's base commit)")
        p.add_argument("--allowed-signers", type=Path, metavar="FILE",
                       help="allowed signers file (default: the policy's path, read from BASE)")
        p.add_argument("--branch", help="the branch the range lands on (default: GITHUB_BASE_REF, "
                                        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME, the pushed branch, or BASE's name)")
        p.add_argument("--repository", help="the repository's identity (default: identity.repository from the "
                                            "base's policy, else origin's URL, normalised; required without either)")
        p.add_argument("--audit", action="store_true",
                       help="history already on the branch: judge each delegation at when its commit landed "
                            "(default: the time of the check, for commits being admitted)")
        p.add_argument("--at", metavar="TIME", help="judge at this time (ISO date or epoch seconds; e.g. the "
                                                    "PR event time) instead of now")
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


def _ident(root: StrPath, var: str) -> tuple[str, str]:
    """`git var GIT_AUTHOR_IDENT` -> (name, email); ("", "") when git has none."""
    from tightrope.gitio import run_git

    out = run_git(root, "var", var, check=False).decode("utf-8", "replace").strip()
    if "<" not in out:
        return "", ""
    name, _, rest = out.partition("<")
    return name.strip(), rest.partition(">")[0].strip()


def _config(root: StrPath, key: str) -> str:
    from tightrope.gitio import run_git

    return run_git(root, "config", "--get", key, check=False).decode("utf-8", "replace").strip()


def _git_human(root: StrPath) -> str:
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
    from tightrope import gitio
    from tightrope.identity import agents, delegation, trailers
    from tightrope.identity.person import PRINCIPAL, person_email
    from tightrope.identity.trailer_block import is_empty
    from tightrope.identity.walk import current_branch
    from tightrope.trust import load_trust

    source = args.source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    root = gitio.repo_root(".")
    pol = load_trust(root, base=None, use_baseline=False).policy.identity
    if pol.require_for(current_branch(root)) == "off":
        return EXIT_OK
    if source in _MERGE_SOURCES and not pol.tag_merges:
        return EXIT_OK
    author, committer = _ident(root, "GIT_AUTHOR_IDENT"), _ident(root, "GIT_COMMITTER_IDENT")
    evidence = agents.detect_process(os.environ, author[0], committer[0], author[1], committer[1])
    if not evidence:
        return EXIT_OK
    message = _read_message(args.message_file)
    if is_empty(message):  # stamped, an empty message would become a commit of trailers only
        return EXIT_OK
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
    if principal and not PRINCIPAL.match(principal):
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
    if token and human and person_email(human) != parsed.statement.email.lower():
        print(f"tightrope: warning: Delegated-by {human} is not the human in TIGHTROPE_DELEGATION "
              f"({parsed.statement.human}); verify will reject this commit", file=sys.stderr)
    new = trailers.stamps(evidence, existing, principal=principal, delegated_by=human, delegation=token)
    trailers.write(root, Path(args.message_file), new)
    return EXIT_OK


# --- check-trailers -----------------------------------------------------------------------

def run_check_trailers(args: argparse.Namespace) -> int:
    from tightrope import gitio
    from tightrope.identity import agents, trailers, verify
    from tightrope.identity.trailer_block import is_empty
    from tightrope.identity.walk import current_branch
    from tightrope.trust import load_trust

    root = gitio.repo_root(".")
    pol = load_trust(root, base=None, use_baseline=False).policy.identity
    branch = current_branch(root)
    level = pol.require_for(branch)
    if level == "off":
        return EXIT_OK
    message = _read_message(args.message_file)
    author, committer = _ident(root, "GIT_AUTHOR_IDENT"), _ident(root, "GIT_COMMITTER_IDENT")
    ident = trailers.read(message, author, committer)
    ident.evidence = agents.dedupe(ident.evidence + agents.detect_process(
        os.environ, author[0], committer[0], author[1], committer[1]))
    if is_empty(message) and ident.is_agent:
        print("tightrope: error: the commit message is empty", file=sys.stderr)
        print("tightrope: hint: write a message (-m TEXT); the prepare-commit-msg hook adds the trailers to it",
              file=sys.stderr)
        return EXIT_BLOCKING
    git_dir = Path(root) / ".git"
    is_merge = (git_dir / "MERGE_HEAD").exists() if git_dir.is_dir() else False
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
    from tightrope.identity import delegation
    from tightrope.identity.person import PRINCIPAL, parse_person

    root = gitio.repo_root(args.repo)
    branches, paths = parse_scope(args.scope)
    agent = args.agent.strip()
    if not PRINCIPAL.match(agent):
        raise UsageError(f"--agent {agent!r} must be one token", "e.g. --agent claude-code or --agent copilot-swe-agent[bot]")
    if args.human:
        if parse_person(args.human) is None:
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
    from tightrope.trust import load_trust

    pol = load_trust(root, base=None, use_baseline=False).policy.identity
    repo_id = delegation.repository_id(root, args.repository or pol.repository)
    agent_key = delegation.key_fingerprint(args.agent_key) if args.agent_key else ""
    token = delegation.make(human, agent, repo_id, branches, paths, args.expires, key, agent_key=agent_key)
    st = delegation.parse_token(token).statement
    from tightrope.identity.verify import _iso

    if st.exp - st.iat > pol.max_lifetime:
        print(f"tightrope: warning: this delegation lives longer than identity.max_lifetime "
              f"({pol.max_lifetime // 86400} days): verify will reject it unless the policy allows more",
              file=sys.stderr)
    print(f"tightrope: delegated {agent} on {repo_id} by {human} until {_iso(st.exp)}; "
          f"branches: {', '.join(branches) or 'any'}; paths: {', '.join(paths) or 'any'}", file=sys.stderr)
    print("tightrope: give the agent this token as TIGHTROPE_DELEGATION", file=sys.stderr)
    print(token)
    return EXIT_OK


# --- verify / log -------------------------------------------------------------------------

def _spec(args: argparse.Namespace) -> str:
    spec = args.range_ or args.spec
    if not spec:
        raise UsageError("which commits? give a range",
                         f"for example: tightrope {args.command} origin/main..HEAD (what a branch adds), "
                         f"or tightrope {args.command} HEAD~5..HEAD")
    if args.range_ and args.spec and args.range_ != args.spec:
        raise UsageError("two ranges given", "give the range once")
    return spec


def _walk(args: argparse.Namespace):
    from tightrope import gitio
    from tightrope.identity.walk import Walk

    return Walk(gitio.repo_root(args.repo), _spec(args), policy=args.policy, branch=args.branch or "",
                repository=args.repository or "", allowed_signers=args.allowed_signers, audit=args.audit,
                at=_at(args.at) if args.at else None)


def _at(text: str) -> int:
    from datetime import datetime, timezone

    hint = "give an ISO date/time (2030-01-31T12:00:00Z) or epoch seconds"
    if text.isdigit():
        if int(text) >= _YEAR_10000:
            raise UsageError(f"--at {text} is after the year 9999", hint)
        return int(text)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--at {text!r} is not a time", hint)
    return int((when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp())


_YEAR_10000 = 253402300800  # epoch seconds of 10000-01-01: the end of what dates can print


def run_verify(args: argparse.Namespace) -> int:
    from tightrope.core import apply_policy
    from tightrope.findings import Report
    from tightrope.frontends.scan_cmd import emit, output_pairs
    from tightrope.identity import verify

    pairs = output_pairs(args)
    walk = _walk(args)
    ctx = walk.context()
    report = Report(findings=walk.policy_changes(), notes=list(walk.trust.notes))
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
        report.notes.append(f"delegations judged at {walk.clock}; policy from the {walk.trust.source}")
    report.checked = (f"verified {n} commit{'' if n == 1 else 's'} in {walk.spec} "
                      f"on branch {walk.branch or '(unknown)'} at level {walk.level}")
    emit(report, pairs)
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def run_log(args: argparse.Namespace) -> int:
    from tightrope.identity import verify

    walk = _walk(args)
    ctx = walk.context()
    ctx.level = "signed"  # judge every delegation present, whatever the policy requires
    rows = [("commit", "subject", "agent", "model", "human", "delegation")]
    for facts, ident in walk.commits():
        deleg = verify.judge_delegation(ident, facts, ctx) if ident.delegation else verify.Delegation("none")
        status = deleg.status if deleg.status in ("none", "valid") else f"{deleg.status}: {deleg.detail}"
        if deleg.status == "valid" and args.audit:
            status = "valid when it landed"
        # a human is verified only when a valid delegation signed by them says so
        if deleg.status == "valid" and deleg.token:
            human = f"{deleg.token.statement.human} (verified)"
        else:
            human = f"{ident.delegated_by} (claimed)" if ident.delegated_by else "-"
        rows.append((facts.sha[:12], _clip(facts.subject, 50), ident.agent or ("-" if not ident.is_agent else "?"),
                     ident.model or "-", human, status))
    if len(rows) == 1:
        print(f"tightrope: no commits in {walk.spec}", file=sys.stderr)
        return EXIT_OK
    print(f"tightrope: delegations judged at {walk.clock}; policy and signers from the {walk.trust.source}",
          file=sys.stderr)
    from tightrope.report.escape import terminal

    widths = [max(len(terminal(r[i])) for r in rows) for i in range(5)]
    for r in rows:
        cells = [terminal(r[i]).ljust(widths[i]) for i in range(5)] + [terminal(r[5])]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")
    return EXIT_OK


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
