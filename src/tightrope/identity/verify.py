"""Judge one commit's identity against the policy: facts in, findings out.

The caller (a front end) gathers the facts with gitio: message, identities, date, files,
whether the commit signature verifies. Nothing here walks history.

Levels (policy `identity.require`, per branch): `off` checks nothing; `trailers` checks
trailer syntax, invented vendor identities, and that an agent commit names its agent in
the message (Assisted-by or any vendor variant: a bot author alone is not enough);
`named-human` also wants Delegated-by; `signed` also wants a Delegation token that
verifies against the allowed signers, names the same human, the same agent and this
repository, is within the policy's maximum lifetime, is not revoked, was valid at the time
the commit is judged at, and covers the branch and every changed path; when it names the
agent's signing key, the commit must be signed by that key.

Time: a token is judged at `facts.at`, a time the committer does not set: the time of the
check for commits being admitted (a PR's or a push's new commits), or, in an audit of
history, when the commit landed on the protected branch. The committer date must also lie
inside the token's validity (a back-dated or post-dated commit is rejected). Both allow
CLOCK_SKEW seconds for clocks that disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.identity import delegation
from tightrope.identity.trailers import CommitIdentity

LEVELS = ("off", "trailers", "named-human", "signed")
CLOCK_SKEW = 300  # seconds two clocks (the signer's, the committer's, the checker's) may disagree


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    subject: str
    date: int  # committer date, epoch seconds
    files: tuple[str, ...] = ()
    is_merge: bool = False
    signature: str = ""  # "" not checked | "good:<principal> <key fingerprint>" | "bad:<reason>"
    at: int = 0  # the time to judge the delegation at (see the module doc); 0: the commit date


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
    clock: str = "the commit's date"  # what facts.at is, for messages
    max_lifetime: int = 30 * 86400
    revoked: frozenset[str] = frozenset()  # token ids (nonces) from the base's revocation list
    require_agent_key: bool = False


@dataclass
class Delegation:
    status: str  # none | malformed | valid | invalid | unverified
    detail: str = ""
    token: delegation.Token | None = None
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (rule, message, hint, path)


_TITLES = {
    "malformed-trailer": "malformed identity trailer",
    "input-too-large": "commit message or trailer too large to read",
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
    "delegation-expired": "delegation not valid at the time judged",
    "delegation-too-long": "delegation lives longer than the policy allows",
    "delegation-revoked": "delegation revoked",
    "delegation-key-mismatch": "commit not signed by the agent key the delegation names",
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
        check = delegation.verify_signature(token, ctx.allowed_signers, facts.at or facts.date)
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
    if not ctx.repository:
        out.findings.append(("delegation-repository-mismatch",
                             f"the delegation is for repository {st.repo!r} and this repository's identity is unknown",
                             "pass --repository, or set identity.repository in the policy or an origin remote", ""))
    elif st.repo != ctx.repository:
        out.findings.append(("delegation-repository-mismatch",
                             f"the delegation is for repository {st.repo!r}, not {ctx.repository!r}",
                             "delegate in this repository (or set TIGHTROPE_REPOSITORY when the remote differs)", ""))
    out.findings += _time_findings(st, facts, ctx)
    if st.nonce in ctx.revoked:
        out.findings.append(("delegation-revoked", f"the delegation {st.nonce} is on the revocation list",
                             "ask the human for a fresh token: `tightrope delegate`", ""))
    if st.agent_key and _signer_key(facts) != st.agent_key:
        out.findings.append(("delegation-key-mismatch",
                             f"the delegation is bound to the agent key {st.agent_key}; this commit is "
                             f"{_signature_state(facts)}",
                             "the agent signs its commits with the key named at `tightrope delegate --agent-key`", ""))
    elif not st.agent_key and ctx.require_agent_key:
        out.findings.append(("delegation-key-mismatch",
                             "the delegation names no agent signing key and the policy requires one",
                             "delegate with `tightrope delegate --agent-key AGENT_KEY.pub`", ""))
    if st.branches and not ctx.branch:
        out.findings.append(("delegation-out-of-scope",
                             f"the delegation is limited to branches {', '.join(st.branches)} and the branch "
                             "this range lands on is unknown",
                             "pass --branch TARGET (in CI: GITHUB_BASE_REF or CI_MERGE_REQUEST_TARGET_BRANCH_NAME)", ""))
    elif ctx.branch and not st.branch_ok(ctx.branch):
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


def _time_findings(st: delegation.Statement, facts: CommitFacts, ctx: Context) -> list[tuple[str, str, str, str]]:
    """Lifetime, validity at the judged time, and a committer date inside the validity."""
    out = []
    if st.exp - st.iat > ctx.max_lifetime:
        out.append(("delegation-too-long",
                    f"the delegation is valid for {(st.exp - st.iat) // 86400} days; the policy allows "
                    f"{ctx.max_lifetime // 86400} (identity.max_lifetime)",
                    "ask the human for a shorter one: `tightrope delegate --expires 7d`", ""))
    at = facts.at or facts.date
    if at > st.exp + CLOCK_SKEW:
        out.append(("delegation-expired", f"the delegation expired at {_iso(st.exp)}; {ctx.clock} is {_iso(at)}",
                    "ask the human for a fresh token: `tightrope delegate --expires 7d`", ""))
    elif at + CLOCK_SKEW < st.iat:
        out.append(("delegation-expired", f"the delegation is issued at {_iso(st.iat)}, after {ctx.clock} ({_iso(at)})",
                    "check the signer's clock", ""))
    elif facts.date + CLOCK_SKEW < st.iat:
        out.append(("delegation-expired",
                    f"the commit's date {_iso(facts.date)} is before the delegation was issued ({_iso(st.iat)})",
                    "a delegation covers only commits made after it was granted", ""))
    elif facts.date > st.exp + CLOCK_SKEW:
        out.append(("delegation-expired",
                    f"the delegation expired at {_iso(st.exp)}, before the commit's date {_iso(facts.date)}",
                    "ask the human for a fresh token: `tightrope delegate --expires 7d`", ""))
    return out


def _signer_key(facts: CommitFacts) -> str:
    return facts.signature.split(" ")[-1] if facts.signature.startswith("good:") else ""


def _signature_state(facts: CommitFacts) -> str:
    if facts.signature.startswith("good:"):
        return f"signed by {_signer_key(facts)}"
    return facts.signature.partition(":")[2] or "not signed"


def check(ident: CommitIdentity, facts: CommitFacts, ctx: Context) -> tuple[list[Finding], Delegation]:
    """Findings for one commit under the context's level."""
    level = LEVELS.index(ctx.level)
    found: list[Finding] = []
    if level == 0:
        return found, Delegation("none")
    ident = _signed_by_an_agent(ident, facts, ctx)
    for p in ident.problems:
        invented = p.rule == "invented-vendor-identity"
        found.append(finding(facts, p.rule, p.message, p.hint,
                             confidence=Confidence.MEDIUM if invented else Confidence.HIGH))
    # a clean merge (no changes of its own) is not judged unless the policy tags merges; a
    # merge with its own changes (a conflict resolution, an "evil merge") is judged like any commit
    if not ident.is_agent or (facts.is_merge and not ctx.tag_merges and not facts.files):
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
            signer = facts.signature[len("good:"):].split(" ")[0].lower()
            # who the agent is comes from the verified delegation, never from the commit's own
            # Agent: trailer; without one, the signer must be an agent principal the commit names
            names = {deleg.token.statement.agent.lower()} if deleg.token else agent_names(ident) & _agent_principals(ctx)
            if signer not in names:
                found.append(finding(facts, "unsigned-commit",
                                     f"the commit is signed by {signer!r}, not by the agent ({', '.join(sorted(names))})",
                                     "sign the agent's commits with the agent's own key, listed under its "
                                     "principal in the allowed signers file"))
    return found, deleg


def _signed_by_an_agent(ident: CommitIdentity, facts: CommitFacts, ctx: Context) -> CommitIdentity:
    """A commit signed with an agent's key (an agent principal in the base's allowed signers)
    is an agent commit, whatever its message says: an untagged agent commit is caught."""
    signer = facts.signature[len("good:"):].split(" ")[0].lower() if facts.signature.startswith("good:") else ""
    if not signer or signer not in _agent_principals(ctx) or signer in agent_names(ident):
        return ident
    from tightrope.identity.agents import Evidence

    seen = Evidence(signer, "signature", f"signed with the key of {signer} in the allowed signers")
    return dataclasses.replace(ident, evidence=[*ident.evidence, seen])


def _agent_principals(ctx: Context) -> set[str]:
    """Principals that are agents: the policy's allowed agents, else the agent table's ids and bots."""
    if ctx.allowed_agents:
        return {a.lower() for a in ctx.allowed_agents}
    from tightrope.identity import agents

    return {n.lower() for a in agents.table().agents for n in (a.id, *a.bots)}


def _evidence(ident: CommitIdentity) -> str:
    if ident.evidence:
        e = ident.evidence[0]
        return f"{e.agent}: {e.detail}"
    return f"Agent: {ident.principal}" if ident.principal else "agent"


def _iso(epoch: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
