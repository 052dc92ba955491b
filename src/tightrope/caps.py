"""Safe-output caps: the facts of a pull/merge request + the policy -> findings.

Pure: the forges (forges/github.py, forges/gitlab.py) or a safe-outputs request supply the
facts, the policy comes from the base commit, the time is the time of the check. Nothing
here reads the network, git or the clock.

Which PRs are agent PRs: the author is a known agent bot (identity/agents.toml) or listed in
`caps.agents`, the head branch starts with an agent prefix, or a commit carries agent
trailers. Each only *adds* agent status; only the base policy's `caps.humans` removes it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from tightrope.diff import AddedLine, parse_diff
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.policy import POLICY_FILE, CapsPolicy, Policy


@dataclass(frozen=True)
class ChangedFile:
    path: str
    additions: int = 0
    deletions: int = 0
    previous_path: str = ""  # a rename's old path: moving a protected file is touching it
    patch_bytes: int | None = None  # None: the forge did not send the patch (binary, too large)
    added: tuple[AddedLine, ...] | None = None  # the lines it adds, when the forge sent its hunks


def added_lines(hunks: str | None) -> tuple[AddedLine, ...] | None:
    """The added lines of one file's hunks as the forges send them (`@@ … @@` blocks, no headers)."""
    if hunks is None:
        return None
    files = parse_diff(b"--- a/f\n+++ b/f\n" + hunks.encode("utf-8", "surrogateescape"))
    return tuple(files[0].added) if files else ()


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    message: str
    author_name: str = ""
    author_email: str = ""


@dataclass(frozen=True)
class PullSummary:
    """Another PR/MR of the same repository, as a listing returns it."""

    number: int
    author: str
    head_branch: str
    created_at: datetime
    delegated_by: str = ""  # the Delegated-by address its commits name, when they were read


@dataclass(frozen=True)
class PullFacts:
    forge: str  # github | gitlab
    repo: str  # OWNER/REPO or GROUP/PROJECT
    number: int
    author: str = ""  # "" when unknown
    head_branch: str = ""
    base_branch: str = ""
    base_sha: str = ""
    head_sha: str = ""
    title: str = ""
    body: str = ""
    labels: tuple[str, ...] = ()
    draft: bool = False
    host: str = ""  # the forge's web host: links to it are always allowed
    created_at: datetime | None = None
    files: tuple[ChangedFile, ...] | None = None  # None: could not be read
    commits: tuple[CommitFacts, ...] | None = None
    additions: int | None = None
    deletions: int | None = None
    commit_count: int | None = None
    patch_bytes: int | None = None  # the whole patch, when known; else the files' sum
    unknown: tuple[str, ...] = ()  # what could not be read, and why

    @property
    def ref(self) -> str:
        return f"{self.repo}!{self.number}" if self.forge == "gitlab" else f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class AgentPulls:
    """The agent's other PRs, read from the forge at check time (None: could not be read)."""

    open: tuple[PullSummary, ...] | None
    recent: tuple[PullSummary, ...] | None  # created in the last 24 h, any state
    delegated: tuple[PullSummary, ...] | None = None  # created in the last 24 h by anyone, delegated_by read


@dataclass(frozen=True)
class AgentMatch:
    agent: str  # the login, branch prefix or trailer agent that made it an agent PR
    reason: str
    by_author: bool  # the author account is the agent: all its PRs count toward its caps


# --- which PRs are agent PRs ---------------------------------------------------------------

def agent_match(facts: PullFacts, caps: CapsPolicy) -> AgentMatch | None:
    from tightrope.identity import agents, trailers

    author = facts.author.lower()
    if author and author in {h.lower() for h in caps.humans}:
        return None
    if author and author in {a.lower() for a in caps.agents}:
        return AgentMatch(facts.author, f"author {facts.author} is listed in caps.agents", True)
    if author:
        agent, _login = agents.table().by_login(facts.author, "")
        if agent:
            return AgentMatch(facts.author, f"author {facts.author} is the {agent.name} bot", True)
    prefix = _agent_prefix(facts.head_branch, caps)
    if prefix:
        return AgentMatch(prefix, f"head branch starts with {prefix!r}", False)
    if caps.agent_trailers:
        for c in facts.commits or ():
            ident = trailers.read(c.message, (c.author_name, c.author_email))
            if ident.is_agent:
                return AgentMatch(ident.agent or ident.principal,
                                  f"commit {c.sha[:12]} names agent {ident.agent or ident.principal}", False)
    return None


def delegator(commits: tuple[CommitFacts, ...]) -> str:
    """The human the commits say delegated the work (Delegated-by), lower-cased; "" if none.
    Written by the PR's author: it can only narrow who is counted, never lift an agent's caps."""
    from tightrope.identity import trailers

    for c in commits:
        email = trailers.read(c.message, (c.author_name, c.author_email)).delegated_email
        if email:
            return email.lower()
    return ""


def _agent_prefix(branch: str, caps: CapsPolicy) -> str:
    b = branch.lower()
    return next((p for p in caps.agent_branch_prefixes if p and b.startswith(p.lower())), "")


def _same_agent(match: AgentMatch, facts: PullFacts, other: PullSummary, caps: CapsPolicy) -> bool:
    if other.author.lower() != facts.author.lower():
        return False
    return match.by_author or bool(_agent_prefix(other.head_branch, caps))


# --- paths ---------------------------------------------------------------------------------

@lru_cache(maxsize=512)
def _glob(pattern: str) -> re.Pattern:
    """gitignore-like: no "/" matches a name at any depth; `**` crosses directories."""
    g = pattern.strip().lstrip("/").lower()
    if "/" not in g.rstrip("/"):
        g = "**/" + g
    out, i = [], 0
    while i < len(g):
        if g.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif g.startswith("**", i):
            out.append(".*")
            i += 2
        elif g[i] == "*":
            out.append("[^/]*")
            i += 1
        elif g[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(g[i]))
            i += 1
    body = "".join(out)
    return re.compile(body + ("" if body.endswith(".*") else "(?:/.*)?") + r"\Z", re.S)


def path_matches(path: str, patterns: tuple[str, ...]) -> str:
    """The first pattern `path` matches (case-insensitive: only ever tightens), or ""."""
    p = path.lower()
    return next((g for g in patterns if _glob(g).match(p)), "")


def _trust_paths(policy: Policy) -> tuple[str, ...]:
    """The policy file the check was judged by, and the files it names."""
    own = "pyproject.toml" if policy.source.startswith("pyproject.toml") else POLICY_FILE
    return (own, POLICY_FILE, policy.baseline, policy.identity.allowed_signers)


# --- PR text ---------------------------------------------------------------------------------

# zero-width, joiners, bidi controls and marks, soft hyphen, variation selectors, fillers
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # IDNA treats these as dots
_URL = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|(?<=[(\"'=\s])//(?=[^\s/]))[^\s<>()\[\]\"'`]+")
_MENTION = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})(?:/[A-Za-z0-9_.-]+)?)")
_CODE = re.compile(r"(?ms)^[ \t]*(```|~~~).*?(?:^[ \t]*\1[ \t]*$|\Z)|`[^`\n]+`")  # fenced blocks, inline code
_CLOSING = re.compile(r"(?i)\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?|implement(?:s|ed|ing)?)\s*:?\s+"
                      r"((?:[\w.-]+/[\w./-]+)?#\d+|https?://\S+/(?:issues|pull|merge_requests)/\d+)")


def normalise(text: str) -> str:
    """What a reader (or a browser) sees: HTML entities decoded, NFKC, invisibles removed."""
    text = _INVISIBLE.sub("", html.unescape(text))
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_DOTS)


def link_hosts(text: str) -> list[str]:
    hosts: list[str] = []
    for m in _URL.finditer(normalise(text)):
        url = m.group(0).rstrip(".,;:!?*_~")
        if url.lower().startswith("www."):
            url = "http://" + url
        elif url.startswith("//"):
            url = "http:" + url
        try:
            host = (urlsplit(url).hostname or "").rstrip(".")
        except ValueError:  # a malformed authority is still a link someone may click
            host = url.split("//", 1)[-1].split("/", 1)[0].lower()
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    for d in allowed:
        d = d.lower().lstrip("*").lstrip(".")
        if d == "" or host == d or host.endswith("." + d):
            return True
    return False


# --- the check -------------------------------------------------------------------------------

def _policy_hint(key: str) -> str:
    return (f"change `{key}` under [caps] in the policy on the base branch "
            "(a change to the policy takes effect once it is merged)")


_UNCHECKED_HINT = ("give the job a token that can read pull requests (see the README's caps section), "
                   "or fetch the PR's commits into the clone")


class _Out:
    def __init__(self, facts: PullFacts) -> None:
        self.facts = facts
        self.findings: list[Finding] = []

    def add(self, rule: str, message: str, help: str, *, path: str = "", severity: Severity = Severity.HIGH,
            blocking: bool = True, value: str = "", title: str = "") -> None:
        self.findings.append(Finding(
            rule_id=f"caps.{rule}", kind="caps", severity=severity, confidence=Confidence.HIGH, path=path,
            line=0, message=message, help=help, title=title or rule.replace("-", " "), blocking=blocking,
            fingerprint=fingerprint(f"caps.{rule}", path, f"{self.facts.ref}\0{value}")))


def check(facts: PullFacts, pulls: AgentPulls | None, policy: Policy, now: datetime) -> tuple[list[Finding], list[str]]:
    """Findings for every cap the PR breaks (one per violation) and notes for what was not checked."""
    caps = policy.caps
    if not caps.enabled:
        return [], ["caps are turned off by the policy (caps.enabled = false)"]
    out = _Out(facts)
    match = agent_match(facts, caps)
    if match is None and not caps.apply_to_humans:
        if not facts.author or facts.commits is None:
            missing = "its author" if not facts.author else "its commits' trailers"
            out.add("unchecked", f"could not tell whether {facts.ref} is an agent PR: {missing} could not be read",
                    _UNCHECKED_HINT, severity=Severity.MEDIUM, value="agent")
            return out.findings, list(facts.unknown)
        who = facts.author or "unknown author"
        return [], [f"{facts.ref} is not an agent PR (author {who}, branch {facts.head_branch}): caps do not apply"]
    why = match.reason if match else "caps.apply_to_humans = true"
    notes = [f"{facts.ref} is held to the agent caps: {why}"]
    _size(out, facts, caps, notes)
    _counts(out, facts, pulls, match, caps, now)
    _per_human(out, facts, pulls, caps, now)
    _paths(out, facts, policy)
    _manifests(out, facts, policy)
    _text(out, facts, caps)
    missing = list(facts.unknown)
    if facts.files is None:
        missing.insert(0, "changed files (protected paths, allowed paths, file and patch-size caps)")
    if facts.commits is None and facts.commit_count is None and caps.max_commits is not None:
        missing.append("the number of commits (max_commits)")
    for what in missing:
        out.add("unchecked", f"not checked: {what}", _UNCHECKED_HINT, severity=Severity.MEDIUM, value=what)
    return out.findings, notes


def _cap(out: _Out, key: str, limit: int | None, value: int | None, what: str) -> None:
    if limit is not None and value is not None and value > limit:
        out.add(key.replace("_", "-"), f"agent PR {what}: {value}, over the cap of {limit} (caps.{key})",
                f"split the change, or {_policy_hint(key)}; `{key} = false` turns the cap off", value=key)


def _size(out: _Out, facts: PullFacts, caps: CapsPolicy, notes: list[str]) -> None:
    files = facts.files
    additions = facts.additions if facts.additions is not None else (
        sum(f.additions for f in files) if files is not None else None)
    deletions = facts.deletions if facts.deletions is not None else (
        sum(f.deletions for f in files) if files is not None else None)
    commits = facts.commit_count if facts.commit_count is not None else (
        len(facts.commits) if facts.commits is not None else None)
    _cap(out, "max_files", caps.max_files, len(files) if files is not None else None, "changes files")
    _cap(out, "max_lines_added", caps.max_lines_added, additions, "adds lines")
    _cap(out, "max_lines_removed", caps.max_lines_removed, deletions, "removes lines")
    _cap(out, "max_commits", caps.max_commits, commits, "has commits")
    if facts.patch_bytes is not None:
        _cap(out, "max_patch_bytes", caps.max_patch_bytes, facts.patch_bytes, "has a patch of bytes")
    elif files is not None and caps.max_patch_bytes is not None:
        known = [f.patch_bytes for f in files if f.patch_bytes is not None]
        _cap(out, "max_patch_bytes", caps.max_patch_bytes, sum(known), "has a patch of bytes")
        if len(known) < len(files):
            notes.append(f"patch size of {len(files) - len(known)} file(s) not known (binary, too large, or read "
                         "from the clone); max_patch_bytes counted the rest")


def _counts(out: _Out, facts: PullFacts, pulls: AgentPulls | None, match: AgentMatch | None,
            caps: CapsPolicy, now: datetime) -> None:
    if caps.max_open_prs is None and caps.max_prs_per_day is None:
        return
    match = match or AgentMatch(facts.author, "caps.apply_to_humans", True)
    if pulls is None or not facts.author or (pulls.open is None and pulls.recent is None):
        out.add("unchecked", "not checked: the agent's open and recent PRs (the forge could not be asked)",
                "give the job a token that can list pull requests", severity=Severity.MEDIUM, value="counts")
        return
    since = now - timedelta(days=1)
    for key, limit, listing, what in (
        ("max_open_prs", caps.max_open_prs, pulls.open, "open PRs"),
        ("max_prs_per_day", caps.max_prs_per_day, pulls.recent, "PRs created in the last 24 h"),
    ):
        if limit is None:
            continue
        if listing is None:
            out.add("unchecked", f"not checked: the agent's {what}", "give the job a token that can list pull requests",
                    severity=Severity.MEDIUM, value=key)
            continue
        numbers = {p.number for p in listing if _same_agent(match, facts, p, caps)
                   and (key == "max_open_prs" or p.created_at >= since)}
        if key == "max_open_prs" or (facts.created_at is not None and facts.created_at >= since):
            numbers.add(facts.number)
        if len(numbers) > limit:
            out.add(key.replace("_", "-"),
                    f"{match.agent} has {len(numbers)} {what} on {facts.repo} counting this one, over the cap of "
                    f"{limit} (caps.{key})",
                    f"close or merge some first, or {_policy_hint(key)}; `{key} = false` turns the cap off",
                    value=key)


def _per_human(out: _Out, facts: PullFacts, pulls: AgentPulls | None, caps: CapsPolicy, now: datetime) -> None:
    """PRs any agent opened in the last 24 h on behalf of the human this PR's commits name."""
    limit, human = caps.max_prs_per_day_per_human, delegator(facts.commits or ())
    if limit is None or not human:
        return
    if pulls is None or pulls.delegated is None:
        out.add("unchecked", f"not checked: the PRs delegated by {human} in the last 24 h", _UNCHECKED_HINT,
                severity=Severity.MEDIUM, value="per-human")
        return
    since = now - timedelta(days=1)
    numbers = {p.number for p in pulls.delegated if p.delegated_by == human and p.created_at >= since}
    numbers.add(facts.number)
    if len(numbers) > limit:
        key = "max_prs_per_day_per_human"
        out.add("max-prs-per-day-per-human",
                f"agents opened {len(numbers)} PRs on {facts.repo} in the last 24 h on behalf of {human}, counting "
                f"this one, over the cap of {limit} (caps.{key})",
                f"wait, or {_policy_hint(key)}; `{key} = false` turns the cap off", value=key)


def _paths(out: _Out, facts: PullFacts, policy: Policy) -> None:
    caps = policy.caps
    protected = caps.protected_paths + caps.extra_protected_paths + (_trust_paths(policy) if caps.protected_paths else ())
    for f in facts.files or ():
        for path in dict.fromkeys(p for p in (f.path, f.previous_path) if p):
            hit = path_matches(path, protected)
            if hit:
                out.add("protected-path", f"agent PR touches protected path {path} (matches {hit!r} in "
                        "caps.protected_paths)", f"a human makes this change, or {_policy_hint('protected_paths')}",
                        path=path, value=path)
            elif caps.allowed_paths and not path_matches(path, caps.allowed_paths):
                out.add("path-not-allowed", f"agent PR touches {path}, outside caps.allowed_paths",
                        f"keep the change inside the allowed paths, or {_policy_hint('allowed_paths')}",
                        path=path, value=path)


def _manifests(out: _Out, facts: PullFacts, policy: Policy) -> None:
    """With caps.protect_dependency_manifests: a manifest an agent PR changes must add only
    dependencies that pass the dependency checks (known, not look-alikes, not URLs)."""
    if not policy.caps.protect_dependency_manifests:
        return
    from tightrope.scan import dependencies

    for f in facts.files or ():
        if dependencies.file_kind(f.path) is None:
            continue
        if f.added is None:
            out.add("unchecked", f"not checked: the new dependencies in {f.path} (its diff was not available)",
                    _UNCHECKED_HINT, severity=Severity.MEDIUM, path=f.path, value=f.path)
            continue
        rules = sorted({d.rule_id for d in dependencies.scan_lines(f.path, list(f.added), policy)})
        if rules:
            out.add("dependency-manifest", f"agent PR adds dependencies to {f.path} that do not pass the dependency "
                    f"checks ({', '.join(rules)}; caps.protect_dependency_manifests)",
                    f"use known, exactly named packages, or {_policy_hint('protect_dependency_manifests')}",
                    path=f.path, value=f.path)


def _text(out: _Out, facts: PullFacts, caps: CapsPolicy) -> None:
    _links_and_references(out, f"{facts.title}\n{facts.body}", caps, facts.host)
    _cap(out, "max_title_chars", caps.max_title_chars, len(facts.title), "title length in characters")
    _cap(out, "max_body_chars", caps.max_body_chars, len(facts.body), "description length in characters")
    have = {label.lower() for label in facts.labels}
    for label in caps.required_labels:
        if label.lower() not in have:
            out.add("required-label", f"agent PR lacks the required label {label!r} (caps.required_labels)",
                    f"add the label, or {_policy_hint('required_labels')}", value=label)
    if caps.title_prefix and not facts.title.startswith(caps.title_prefix):
        out.add("title-prefix", f"agent PR title does not start with {caps.title_prefix!r} (caps.title_prefix)",
                f"rename the PR, or {_policy_hint('title_prefix')}", value="title")
    if caps.require_draft and not facts.draft:
        out.add("draft-required", "agent PR is not a draft (caps.require_draft)",
                f"mark it as draft, or {_policy_hint('require_draft')}", value="draft")


def _links_and_references(out: _Out, text: str, caps: CapsPolicy, host: str) -> None:
    if "*" not in caps.allowed_domains:
        allowed = caps.allowed_domains + ((host.lower(),) if host else ())
        for link_host in link_hosts(text):
            if not domain_allowed(link_host, allowed):
                out.add("link-domain", f"agent PR links to {link_host}, not an allowed domain (caps.allowed_domains)",
                        f"remove the link, or {_policy_hint('allowed_domains')}", value=link_host)
    plain = _CODE.sub(" ", normalise(text))  # the forges neither notify nor close from inside code
    if caps.report_mentions:
        for name in dict.fromkeys(_MENTION.findall(plain)):
            out.add("mention", f"agent PR mentions @{name}", "check the mention is wanted; "
                    + _policy_hint("report_mentions"), severity=Severity.LOW, blocking=False, value=name)
    if caps.report_closing_keywords:
        for verb, target in dict.fromkeys(_CLOSING.findall(plain)):
            out.add("closing-keyword", f"agent PR would close {target} on merge ({verb!r})",
                    "check the issue should close; " + _policy_hint("report_closing_keywords"),
                    severity=Severity.LOW, blocking=False, value=target)


def check_comment(facts: PullFacts, body: str, policy: Policy) -> list[Finding]:
    """A comment an agent asks to post on `facts`' PR: the PR-text rules (links, mentions,
    closing keywords, the body size cap)."""
    out = _Out(facts)
    if policy.caps.enabled:
        _links_and_references(out, body, policy.caps, facts.host)
        _cap(out, "max_body_chars", policy.caps.max_body_chars, len(body), "comment length in characters")
    return out.findings
