"""Judge one commit's identity against the policy: facts in, findings out.

The caller (a front end) gathers the facts with gitio: message, identities, date, files,
whether the commit signature verifies. Nothing here walks history.

Levels (policy `identity.require`, per branch): `off` checks nothing; `trailers` checks
trailer syntax, invented vendor identities, and that an agent commit names its agent in
the message (Assisted-by or any vendor variant: a bot author alone is not enough);
`named-human` also wants Delegated-by; `signed` also wants a Delegation token that
verifies against the allowed signers, names the same human, the same agent and this
repository, was valid at the commit's date, and covers the branch and every changed path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.identity import delegation
from tightrope.identity.trailers import CommitIdentity

LEVELS = ("off", "trailers", "named-human", "signed")
CLOCK_SKEW = 300  # seconds a commit may predate its token's issue time


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    subject: str
    date: int  # committer date, epoch seconds
    files: tuple[str, ...] = ()
    is_merge: bool = False
    signature: str = ""  # "" not checked | "good:<principal>" | "bad:<reason>"


@dataclass
class Context:
    level: str
    branch: str = ""
    repository: str = ""
    allowed_signers: Path | None = None  # a readable file, or None when there is none
    allowed_signers_name: str = ""  # where it came from, for messages
    allowed_agents: tuple[str, ...] = ()
    require_commit_signature: bool = False
    tag_merges: bool = False


@dataclass
class Delegation:
    status: str  # none | malformed | valid | invalid | unverified
    detail: str = ""
    token: delegation.Token | None = None
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (rule, message, hint, path)


_TITLES = {
    "malformed-trailer": "malformed identity trailer",
    "invented-vendor-identity": "invented vendor identity",
    "missing-assisted-by": "agent commit does not name its agent",
    "agent-not-allowed": "agent not allowed by policy",
    "missing-delegated-by": "agent commit without Delegated-by",
    "missing-delegation": "agent commit without a signed Delegation",
    "no-allowed-signers": "no allowed signers to verify delegations",
    "delegation-bad-signature": "delegation signature does not verify",
    "delegation-unknown-signer": "delegation signed by a key not in allowed signers",
    "delegation-wrong-signer": "delegation signed by another human's key",
    "delegation-human-mismatch": "Delegated-by is not the delegating human",
    "delegation-agent-mismatch": "delegation is for another agent",
    "delegation-repository-mismatch": "delegation is for another repository",
    "delegation-expired": "delegation not valid at the commit's date",
    "delegation-out-of-scope": "commit outside the delegation's scope",
    "unsigned-commit": "agent commit not signed by an allowed key",
}


def finding(facts: CommitFacts, rule: str, message: str, hint: str = "", *, path: str = "",
            severity: Severity = Severity.HIGH, confidence: Confidence = Confidence.HIGH,
            blocking: bool = True) -> Finding:
    rule_id = f"identity.{rule}"
    short = facts.sha[:12] if facts.sha else "(new commit)"
    return Finding(rule_id=rule_id, kind="identity", severity=severity, confidence=confidence, path=path, line=0,
                   message=f"{short} {facts.subject}: {message}", fingerprint=fingerprint(rule_id, path, facts.sha + message),
                   title=_TITLES.get(rule, rule), help=hint, commit=facts.sha, blocking=blocking)


def agent_names(ident: CommitIdentity) -> set[str]:
    """Every name the commit gives its agent: principal, agent ids, bot logins."""
    names = {ident.principal} if ident.principal else set()
    names |= {a for a, _ in ident.assisted} | {e.agent for e in ident.evidence}
    return {n.lower() for n in names}


def judge_delegation(ident: CommitIdentity, facts: CommitFacts, ctx: Context) -> Delegation:
    """Verify the commit's Delegation trailer: every check, every failure a finding."""
    if not ident.delegation:
        return Delegation("none")
    try:
        token = delegation.parse_token(ident.delegation)
    except delegation.TokenError as e:
        return Delegation("malformed", str(e))  # already a malformed-trailer problem
    st = token.statement
    out = Delegation("valid", f"signed by {st.human} for {st.agent}", token)
    if ctx.allowed_signers is None:
        out.status, out.detail = "unverified", f"no allowed signers ({ctx.allowed_signers_name or 'none'})"
        out.findings.append(("no-allowed-signers",
                             f"cannot verify the delegation: no allowed signers file {ctx.allowed_signers_name}",
                             "commit the allowed signers file (git's format) on the target branch, "
                             "or pass --allowed-signers FILE", ""))
    else:
        check = delegation.verify_signature(token, ctx.allowed_signers, facts.date)
        if not check.ok:
            hint = {"delegation-unknown-signer": f"add the human's public key to {ctx.allowed_signers_name} "
                                                 "on the target branch, or ask an allowed signer to delegate",
                    "delegation-wrong-signer": "the token must be signed by the human it names"}.get(
                check.rule, "ask the human for a fresh token: `tightrope delegate`")
            out.findings.append((check.rule, check.message, hint, ""))
    if ident.delegated_email and ident.delegated_email.lower() != st.email.lower():
        out.findings.append(("delegation-human-mismatch",
                             f"Delegated-by names {ident.delegated_by} but the delegation was granted by {st.human}",
                             "Delegated-by must name the human who signed the Delegation", ""))
    names = agent_names(ident)
    if names and st.agent.lower() not in names:
        out.findings.append(("delegation-agent-mismatch",
                             f"the delegation is for agent {st.agent!r}, this commit was made by "
                             f"{ident.principal or ident.agent!r}",
                             "each agent needs its own delegation (`tightrope delegate --agent ID`)", ""))
    if ctx.repository and st.repo != ctx.repository:
        out.findings.append(("delegation-repository-mismatch",
                             f"the delegation is for repository {st.repo!r}, not {ctx.repository!r}",
                             "delegate in this repository (or set TIGHTROPE_REPOSITORY when the remote differs)", ""))
    if facts.date > st.exp:
        out.findings.append(("delegation-expired",
                             f"the delegation expired at {_iso(st.exp)}, before the commit's date {_iso(facts.date)}",
                             "ask the human for a fresh token: `tightrope delegate --expires 7d`", ""))
    elif facts.date + CLOCK_SKEW < st.iat:
        out.findings.append(("delegation-expired",
                             f"the commit's date {_iso(facts.date)} is before the delegation was issued ({_iso(st.iat)})",
                             "a delegation covers only commits made after it was granted", ""))
    if ctx.branch and not st.branch_ok(ctx.branch):
        out.findings.append(("delegation-out-of-scope",
                             f"branch {ctx.branch!r} is outside the delegation's branches {', '.join(st.branches)}",
                             "commit on a delegated branch, or ask for a delegation that covers it", ""))
    outside = [p for p in facts.files if not st.path_ok(p)]
    if outside:
        more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
        out.findings.append(("delegation-out-of-scope",
                             f"{outside[0]}{more} is outside the delegation's paths {', '.join(st.paths)}",
                             "keep the agent's change inside its delegated paths, or ask for a wider scope",
                             outside[0]))
    if out.findings and out.status == "valid":
        out.status = "invalid"
        out.detail = out.findings[0][1]
    return out


def check(ident: CommitIdentity, facts: CommitFacts, ctx: Context) -> tuple[list[Finding], Delegation]:
    """Findings for one commit under the context's level."""
    level = LEVELS.index(ctx.level)
    found: list[Finding] = []
    if level == 0:
        return found, Delegation("none")
    for p in ident.problems:
        invented = p.rule == "invented-vendor-identity"
        found.append(finding(facts, p.rule, p.message, p.hint,
                             confidence=Confidence.MEDIUM if invented else Confidence.HIGH))
    if not ident.is_agent or (facts.is_merge and not ctx.tag_merges):
        deleg = judge_delegation(ident, facts, ctx) if ident.delegation else Delegation("none")
        return found, deleg
    if not ident.recorded_in_message:
        found.append(finding(facts, "missing-assisted-by",
                             f"agent commit ({_evidence(ident)}) has no Assisted-by trailer",
                             "install the prepare-commit-msg hook (`tightrope tag`) or add "
                             "`Assisted-by: AGENT:MODEL` to the message"))
    if ctx.allowed_agents and not (agent_names(ident) & {a.lower() for a in ctx.allowed_agents}):
        found.append(finding(facts, "agent-not-allowed",
                             f"agent {ident.agent or ident.principal!r} is not in identity.allowed_agents "
                             f"({', '.join(ctx.allowed_agents)})",
                             "use an allowed agent, or add it to identity.allowed_agents in the policy"))
    if level >= 2 and not ident.delegated_by:
        found.append(finding(facts, "missing-delegated-by",
                             f"agent commit ({_evidence(ident)}) names no human: Delegated-by is missing",
                             "add `Delegated-by: Name <email>` (the tag hook writes it from git's user.name/user.email "
                             "or TIGHTROPE_DELEGATED_BY)"))
    deleg = judge_delegation(ident, facts, ctx)
    if level >= 3:
        if deleg.status == "none":
            found.append(finding(facts, "missing-delegation",
                                 "agent commit has no Delegation trailer and the policy requires a signed delegation",
                                 "the human runs `tightrope delegate --agent ID --scope ...` and the agent's "
                                 "environment carries the token as TIGHTROPE_DELEGATION"))
        for rule, message, hint, path in deleg.findings:
            found.append(finding(facts, rule, message, hint, path=path,
                                 severity=Severity.CRITICAL if rule in ("delegation-bad-signature",
                                                                        "delegation-wrong-signer") else Severity.HIGH))
    if ctx.require_commit_signature:
        if not facts.signature.startswith("good:"):
            reason = facts.signature.partition(":")[2] or "not signed"
            found.append(finding(facts, "unsigned-commit",
                                 f"the policy requires agent commits to be SSH-signed by the agent's key: {reason}",
                                 "configure the agent's git with gpg.format=ssh, user.signingkey=AGENT_KEY and "
                                 "commit.gpgsign=true; list the key in the allowed signers file"))
        else:
            signer = facts.signature[len("good:"):].lower()
            names = agent_names(ident) | ({deleg.token.statement.agent.lower()} if deleg.token else set())
            if names and signer not in names:
                found.append(finding(facts, "unsigned-commit",
                                     f"the commit is signed by {signer!r}, not by the agent ({', '.join(sorted(names))})",
                                     "sign the agent's commits with the agent's own key, listed under its "
                                     "principal in the allowed signers file"))
    return found, deleg


def _evidence(ident: CommitIdentity) -> str:
    if ident.evidence:
        e = ident.evidence[0]
        return f"{e.agent}: {e.detail}"
    return f"Agent: {ident.principal}" if ident.principal else "agent"


def _iso(epoch: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
