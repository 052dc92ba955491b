"""identity/verify.py judged directly: facts in, findings out, every boundary of every rule.

Real tokens signed by real `ssh-keygen`; no git, so the mutation check (scripts/mutation.py)
can run these in seconds. The same rules end to end are in test_identity.py and test_replay.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_identity import keys, pub  # noqa: F401 (a fixture)

from tightrope.findings import Confidence, Severity
from tightrope.identity import delegation, trailers, verify
from tightrope.identity.verify import CLOCK_SKEW, CommitFacts, Context

ADA = "Ada Lovelace <ada@example.com>"
REPO = "example.com/acme/app"
T0 = 1_900_000_000  # a fixed issue time: every boundary below is exact
DAY = 86400
SHA = "0123456789abcdef0123456789abcdef01234567"
TAGGED = "Assisted-by: claude-code:claude-opus-4-1\nAgent: claude-code\n"


@pytest.fixture(scope="module")
def vkeys(keys, tmp_path_factory) -> dict[str, Path]:
    """test_identity's keys, and an allowed-signers file: Ada, Eve, and the agent's key."""
    signers = tmp_path_factory.mktemp("vsigners") / "allowed_signers"
    signers.write_text(f"ada@example.com {pub(keys['ada'])}\neve@example.com {pub(keys['eve'])}\n"
                       f"claude-code {pub(keys['agent'])}\n")
    return {**keys, "signers": signers}


@pytest.fixture(scope="module")
def token(vkeys) -> str:
    """Ada's 7-day delegation to claude-code on agent/* and src/*, issued at T0."""
    return delegation.make(ADA, "claude-code", REPO, ("agent/*",), ("src/*",), "7d", str(vkeys["ada"]), now=T0)


def ctx(vkeys, level: str = "signed", **kw) -> Context:
    base = dict(level=level, branch="agent/x", repository=REPO, allowed_signers=vkeys["signers"],
                allowed_signers_name=".tightrope/allowed_signers")
    return Context(**{**base, **kw})


def facts(date: int = T0 + DAY, **kw) -> CommitFacts:
    return CommitFacts(**{"sha": SHA, "subject": "agent change", "date": date, "files": ("src/a.py",), **kw})


def ident(message: str, author: tuple[str, str] = ("Ada Lovelace", "ada@example.com")) -> trailers.CommitIdentity:
    return trailers.read(message, author, author)


def signed_msg(token: str, human: str = ADA, extra: str = TAGGED) -> str:
    return f"agent change\n\n{extra}Delegated-by: {human}\nDelegation: {token}\n"


def judge(vkeys, message: str, f: CommitFacts | None = None, **ckw):
    found, deleg = verify.check(ident(message), f or facts(), ctx(vkeys, **ckw))
    return [x.rule_id.removeprefix("identity.") for x in found], found, deleg


# --- levels ---------------------------------------------------------------------------------

def test_a_valid_delegation_passes_and_says_so(vkeys, token):
    rules, _, deleg = judge(vkeys, signed_msg(token))
    assert rules == [] and deleg.status == "valid" and deleg.detail == f"signed by {ADA} for claude-code"


def test_level_off_checks_nothing(vkeys):
    rules, _, deleg = judge(vkeys, "x\n\nCo-authored-by: Claude <claude@anthropic-ai.example>\n", level="off")
    assert rules == [] and deleg.status == "none"


def test_level_trailers_wants_the_agent_named_and_nothing_more(vkeys):
    bot = trailers.read("no trailers", ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"))
    found, _ = verify.check(bot, facts(), ctx(vkeys, "trailers"))
    assert [f.rule_id for f in found] == ["identity.missing-assisted-by"]
    assert found[0].severity == Severity.HIGH and found[0].blocking is True
    assert judge(vkeys, "x\n\n" + TAGGED, level="trailers")[0] == []


def test_invented_vendor_identity_is_medium_confidence(vkeys):
    _, found, _ = judge(vkeys, "x\n\nCo-authored-by: Claude <claude@anthropic-ai.example>\n", level="trailers")
    assert [(f.rule_id, f.confidence) for f in found] == [("identity.invented-vendor-identity", Confidence.MEDIUM)]
    _, found, _ = judge(vkeys, "x\n\nAssisted-by: claude-code\nDelegated-by: Ada\n", level="trailers")
    assert [(f.rule_id, f.confidence) for f in found] == [("identity.malformed-trailer", Confidence.HIGH)]
    _, found, _ = judge(vkeys, "x" * (trailers.MAX_MESSAGE + 1), level="trailers")
    assert [(f.rule_id, f.confidence) for f in found] == [("identity.input-too-large", Confidence.HIGH)]


def test_named_human_wants_delegated_by_and_signed_wants_a_delegation(vkeys):
    assert judge(vkeys, "x\n\n" + TAGGED, level="named-human")[0] == ["missing-delegated-by"]
    assert judge(vkeys, f"x\n\n{TAGGED}Delegated-by: {ADA}\n", level="named-human")[0] == []
    assert judge(vkeys, f"x\n\n{TAGGED}Delegated-by: {ADA}\n", level="signed")[0] == ["missing-delegation"]


def test_the_message_names_the_agent_evidence(vkeys):
    _, found, _ = judge(vkeys, "x\n\nAgent: claude-code\n", level="named-human")
    assert [f.message for f in found] == [
        "0123456789ab agent change: agent commit (Agent: claude-code) has no Assisted-by trailer",
        "0123456789ab agent change: agent commit (Agent: claude-code) names no human: Delegated-by is missing"]


def test_a_human_commit_is_not_judged(vkeys):
    assert judge(vkeys, "human change\n")[0] == []


def test_allowed_agents_is_case_insensitive(vkeys, token):
    assert judge(vkeys, signed_msg(token), allowed_agents=("Claude-Code",))[0] == []
    rules, found, _ = judge(vkeys, signed_msg(token), allowed_agents=("codex",))
    assert rules == ["agent-not-allowed"]
    assert "agent 'claude-code' is not in identity.allowed_agents (codex)" in found[0].message
    _, found, _ = judge(vkeys, "x\n\nAssisted-by: codex\n", level="trailers", allowed_agents=("claude-code",))
    assert "agent 'codex' is not in identity.allowed_agents (claude-code)" in found[0].message  # no Agent: trailer


# --- merges ---------------------------------------------------------------------------------

def test_a_clean_merge_is_skipped_unless_merges_are_tagged(vkeys):
    clean = facts(is_merge=True, files=())
    assert judge(vkeys, "Merge\n\n" + TAGGED, clean)[0] == []
    assert judge(vkeys, "Merge\n\n" + TAGGED, clean, tag_merges=True)[0] == ["missing-delegated-by", "missing-delegation"]
    evil = facts(is_merge=True, files=("src/a.py",))
    assert judge(vkeys, "Merge\n\n" + TAGGED, evil)[0] == ["missing-delegated-by", "missing-delegation"]


def test_a_human_commit_carrying_a_bad_delegation_still_gets_it_judged(vkeys, token):
    _, _, deleg = judge(vkeys, f"human\n\nDelegation: {token}\n", repository="example.com/acme/other")
    assert deleg.status == "invalid" and "not 'example.com/acme/other'" in deleg.detail


# --- the token ------------------------------------------------------------------------------

def test_a_malformed_token_is_one_malformed_trailer(vkeys):
    rules, _, deleg = judge(vkeys, signed_msg("tr1.@@@.###"))
    assert deleg.status == "malformed" and rules == ["malformed-trailer"]


def test_no_allowed_signers_is_unverified(vkeys, token):
    rules, _, deleg = judge(vkeys, signed_msg(token), allowed_signers=None)
    assert rules == ["no-allowed-signers"] and deleg.status == "unverified"
    assert deleg.detail == "no allowed signers (.tightrope/allowed_signers)"


def test_signature_failures_and_their_severity(vkeys, token):
    eve_as_ada = delegation.make(ADA, "claude-code", REPO, ("agent/*",), ("src/*",), "7d", str(vkeys["eve"]), now=T0)
    _, found, deleg = judge(vkeys, signed_msg(eve_as_ada))
    assert [(f.rule_id, f.severity) for f in found] == [("identity.delegation-wrong-signer", Severity.CRITICAL)]
    assert found[0].help == "the token must be signed by the human it names" and deleg.status == "invalid"
    agent_key = delegation.make(ADA, "claude-code", REPO, ("agent/*",), ("src/*",), "7d", str(vkeys["agent"]), now=T0)
    vkeys["signers"].with_name("none").write_text("")
    _, found, _ = judge(vkeys, signed_msg(agent_key), allowed_signers=vkeys["signers"].with_name("none"))
    assert [(f.rule_id, f.severity) for f in found] == [("identity.delegation-unknown-signer", Severity.HIGH)]
    assert ".tightrope/allowed_signers" in found[0].help


def test_human_agent_and_repository_must_match(vkeys, token):
    assert judge(vkeys, signed_msg(token, human="Eve <eve@example.com>"))[0] == ["delegation-human-mismatch"]
    assert judge(vkeys, signed_msg(token, human="Aaron <aaron@example.com>"))[0] == ["delegation-human-mismatch"]
    assert judge(vkeys, signed_msg(token, human="Ada Lovelace <ADA@Example.com>"))[0] == []
    codex = f"x\n\nAssisted-by: codex\nDelegated-by: {ADA}\nDelegation: {token}\n"
    rules, found, _ = judge(vkeys, codex)
    assert rules == ["delegation-agent-mismatch"]
    assert "for agent 'claude-code', this commit was made by 'codex'" in found[0].message
    assert judge(vkeys, signed_msg(token), repository="")[0] == ["delegation-repository-mismatch"]
    assert judge(vkeys, signed_msg(token), repository="example.com/acme/ap")[0] == ["delegation-repository-mismatch"]


def test_revoked(vkeys, token):
    nonce = delegation.parse_token(token).statement.nonce
    assert judge(vkeys, signed_msg(token), revoked=frozenset({nonce}))[0] == ["delegation-revoked"]
    assert judge(vkeys, signed_msg(token), revoked=frozenset({"other"}))[0] == []


# --- time: every boundary ---------------------------------------------------------------------

EXP = T0 + 7 * DAY


def test_the_documented_clock_skew_is_300_seconds(vkeys, token):
    """README: clocks may disagree by 300 s, not one second more."""
    assert judge(vkeys, signed_msg(token), facts(date=T0 + DAY, at=EXP + 300))[0] == []
    assert judge(vkeys, signed_msg(token), facts(date=T0 + DAY, at=EXP + 301))[0] == ["delegation-expired"]


@pytest.mark.parametrize("date, at, expect", [
    (T0 + DAY, EXP + CLOCK_SKEW, None),                      # judged at the last second allowed
    (T0 + DAY, EXP + CLOCK_SKEW + 1, "expired at"),          # one second later
    (T0 + DAY, T0 - CLOCK_SKEW, None),
    (T0 + DAY, T0 - CLOCK_SKEW - 1, "is issued at"),         # judged before it was issued
    (T0 - CLOCK_SKEW, T0 + DAY, None),
    (T0 - CLOCK_SKEW - 1, T0 + DAY, "before the delegation was issued"),  # a back-dated commit
    (EXP + CLOCK_SKEW, T0 + DAY, None),
    (EXP + CLOCK_SKEW + 1, T0 + DAY, "before the commit's date"),         # a post-dated commit
    (T0 + DAY, 0, None),                                     # at=0: judged at the commit's date
    (EXP + CLOCK_SKEW + 1, 0, "expired at"),
])
def test_time_boundaries(vkeys, token, date, at, expect):
    rules, found, _ = judge(vkeys, signed_msg(token), facts(date=date, at=at))
    if expect is None:
        assert rules == []
    else:
        assert rules == ["delegation-expired"] and expect in found[0].message


def test_lifetime_boundary(vkeys, token):
    assert judge(vkeys, signed_msg(token), max_lifetime=7 * DAY)[0] == []
    rules, found, _ = judge(vkeys, signed_msg(token), max_lifetime=7 * DAY - 1)
    assert rules == ["delegation-too-long"]
    assert "valid for 7 days; the policy allows 6 (identity.max_lifetime)" in found[0].message
    # whole days, rounded down: 60 days less a minute is "59", a 6-day policy "6"
    long = delegation.make(ADA, "claude-code", REPO, ("agent/*",), ("src/*",), "86399m", str(vkeys["ada"]), now=T0)
    _, found, _ = judge(vkeys, signed_msg(long), max_lifetime=6 * DAY)
    assert "valid for 59 days; the policy allows 6 (identity.max_lifetime)" in found[0].message


# --- scope ----------------------------------------------------------------------------------

def test_branch_scope(vkeys, token):
    assert judge(vkeys, signed_msg(token), branch="")[0] == ["delegation-out-of-scope"]
    _, found, _ = judge(vkeys, signed_msg(token), branch="main")
    assert "branch 'main' is outside the delegation's branches agent/*" in found[0].message
    all_branches = delegation.make(ADA, "claude-code", REPO, (), (), "7d", str(vkeys["ada"]), now=T0)
    assert judge(vkeys, signed_msg(all_branches), branch="")[0] == []


def test_path_scope_names_the_first_path_outside_and_counts_the_rest(vkeys, token):
    _, found, _ = judge(vkeys, signed_msg(token), facts(files=("src/a.py", "docs/x.md")))
    assert found[0].path == "docs/x.md" and found[0].message.endswith("docs/x.md is outside the delegation's paths src/*")
    _, found, _ = judge(vkeys, signed_msg(token), facts(files=("docs/x.md", "src/a.py", "etc/y", "src/b/c.py")))
    assert "docs/x.md (and 2 more) is outside" in found[0].message and found[0].path == "docs/x.md"
    _, found, _ = judge(vkeys, signed_msg(token), facts(files=("docs/x.md", "etc/y")))
    assert "docs/x.md (and 1 more) is outside" in found[0].message


def test_an_invalid_delegation_s_detail_is_its_first_finding(vkeys, token):
    _, found, deleg = judge(vkeys, signed_msg(token, human="Eve <eve@example.com>"), repository="example.com/x/y")
    assert len(found) == 2 and deleg.status == "invalid" and found[0].message.endswith(deleg.detail)
    assert deleg.detail.startswith("Delegated-by names Eve")


# --- signatures on the commit ---------------------------------------------------------------------

AGENT_FP = "SHA256:" + "a" * 43


def test_a_token_bound_to_an_agent_key(vkeys):
    bound = delegation.make(ADA, "claude-code", REPO, (), (), "7d", str(vkeys["ada"]), now=T0, agent_key=AGENT_FP)
    assert judge(vkeys, signed_msg(bound), facts(signature=f"good:claude-code {AGENT_FP}"))[0] == []
    _, found, _ = judge(vkeys, signed_msg(bound), facts(signature="good:claude-code SHA256:other"))
    assert [f.rule_id for f in found] == ["identity.delegation-key-mismatch"] and "signed by SHA256:other" in found[0].message
    _, found, _ = judge(vkeys, signed_msg(bound), facts(signature="bad:no signature"))
    assert "this commit is no signature" in found[0].message
    _, found, _ = judge(vkeys, signed_msg(bound))
    assert "this commit is not signed" in found[0].message


def test_the_policy_can_require_an_agent_key(vkeys, token):
    assert judge(vkeys, signed_msg(token), require_agent_key=True)[0] == ["delegation-key-mismatch"]


def test_require_commit_signature(vkeys, token):
    on = dict(require_commit_signature=True)
    _, found, _ = judge(vkeys, signed_msg(token), **on)
    assert [f.rule_id for f in found] == ["identity.unsigned-commit"] and found[0].message.endswith(": not signed")
    _, found, _ = judge(vkeys, signed_msg(token), facts(signature="bad:expired key"), **on)
    assert found[0].message.endswith(": expired key")
    assert judge(vkeys, signed_msg(token), facts(signature=f"good:Claude-Code {AGENT_FP}"), **on)[0] == []
    _, found, _ = judge(vkeys, signed_msg(token), facts(signature=f"good:ada@example.com {AGENT_FP}"), **on)
    assert "signed by 'ada@example.com', not by the agent (claude-code)" in found[0].message
    # without a delegation, the signer must be an agent principal the commit itself names
    named = f"x\n\n{TAGGED}Delegated-by: {ADA}\n"
    assert judge(vkeys, named, facts(signature=f"good:claude-code {AGENT_FP}"), level="named-human", **on)[0] == []


def test_an_untagged_commit_signed_with_an_agent_s_key_is_an_agent_commit(vkeys):
    _, found, _ = judge(vkeys, "looks human\n", facts(signature=f"good:claude-code {AGENT_FP}"), level="trailers")
    assert [f.rule_id for f in found] == ["identity.missing-assisted-by"]
    assert "claude-code: signed with the key of claude-code in the allowed signers" in found[0].message
    assert judge(vkeys, "human\n", facts(signature=f"good:ada@example.com {AGENT_FP}"), level="trailers")[0] == []
    # a bot author signed with the agent's key: the message names the first evidence, the author
    bot = trailers.read("no trailers", ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"))
    found, _ = verify.check(bot, facts(signature=f"good:claude-code {AGENT_FP}"), ctx(vkeys, "trailers"))
    assert "signed with the key" not in found[0].message and "copilot" in found[0].message.lower()
    # the policy's allowed agents are the agent principals when it lists them
    assert judge(vkeys, "looks human\n", facts(signature=f"good:claude-code {AGENT_FP}"), level="trailers",
                 allowed_agents=("codex",))[0] == []
    assert judge(vkeys, "looks human\n", facts(signature=f"good:codex {AGENT_FP}"), level="trailers",
                 allowed_agents=("Codex",))[0] == ["missing-assisted-by"]


# --- the finding ------------------------------------------------------------------------------

def test_a_finding_names_the_commit(vkeys):
    f = verify.finding(facts(), "missing-delegation", "msg", "hint")
    assert f.message == "0123456789ab agent change: msg" and f.title == "agent commit without a signed Delegation"
    assert f.commit == SHA and f.kind == "identity" and f.line == 0 and f.help == "hint"
    assert verify.finding(facts(sha=""), "x", "m").message == "(new commit) agent change: m"
    assert verify.finding(facts(), "x", "m").fingerprint != verify.finding(facts(sha="f" * 40), "x", "m").fingerprint
