"""One trailer schema, read from every vendor variant and written with `git interpret-trailers`.

The schema (keys are matched case-insensitively, written as shown):

    Assisted-by: AGENT[:MODEL] [TOOL...]   any AI involvement (Linux kernel / Fedora form).
                                           AGENT is the agents.toml id (or TIGHTROPE_AGENT),
                                           MODEL the exact model id; `:MODEL` is left out when
                                           the model is unknown (never guessed). One line per agent.
    Agent: PRINCIPAL                       the acting agent principal, when an agent made the
                                           commit: a bot login, a service account, the agent's
                                           key fingerprint, or the agent id. One token.
    Delegated-by: Name <email>             the human on whose behalf the agent acted.
    Delegation: TOKEN                      a signed delegation (see delegation.py).

Read as the same thing: `Assisted-By`, `Generated-by`, `AI-assisted-by`… with an agent's
display name ("Claude Code", "GitHub Copilot (gpt-4.1)"), vendor Co-authored-by lines with
an address the vendor uses, agent-specific trailers (Amp-Thread-ID), bot authors, aider's
" (aider)" names, and vendor marker lines in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from tightrope.identity import agents as agents_mod
from tightrope.identity import delegation, trailer_block
from tightrope.identity.agents import Evidence
from tightrope.identity.person import PRINCIPAL, parse_person
from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

ASSISTED_BY = "Assisted-by"
AGENT = "Agent"
DELEGATED_BY = "Delegated-by"
DELEGATION = "Delegation"
CANONICAL = {k.lower(): k for k in (ASSISTED_BY, AGENT, DELEGATED_BY, DELEGATION)}
# vendor and hand-written spellings of Assisted-by
ASSISTED_VARIANTS = ("assisted-by", "generated-by", "ai-assisted-by", "assisted-with", "generated-with",
                     "ai-generated-by", "co-generated-by")
MAX_MESSAGE = 64 * 1024  # characters of a commit message read for identity
MAX_TRAILER = 4096  # characters of one trailer (a Delegation token is well under 2,000)
_STRICT_ASSISTED = re.compile(r"^(?P<agent>[A-Za-z0-9][A-Za-z0-9._-]*)(?::(?P<model>\S+))?(?:\s+(?P<tools>.+))?$")
_KNOWN_KEYS = set(CANONICAL) | set(ASSISTED_VARIANTS) | {"signed-off-by", "co-authored-by", "co-developed-by",
                                                          "reviewed-by", "acked-by", "tested-by", "fixes",
                                                          "change-id", "reported-by", "cc", "link", "closes"}


@dataclass(frozen=True)
class Trailer:
    key: str
    value: str
    line: int  # 1-based line number in the message


@dataclass(frozen=True)
class Problem:
    rule: str  # rule id suffix, e.g. "malformed-trailer"
    message: str
    hint: str = ""


@dataclass
class CommitIdentity:
    """Everything a commit says about who wrote it, normalised."""

    evidence: list[Evidence] = field(default_factory=list)
    assisted: list[tuple[str, str]] = field(default_factory=list)  # (agent, model) from Assisted-by & variants
    principal: str = ""  # Agent: trailer, else a bot login
    delegated_by: str = ""
    delegated_email: str = ""
    delegation: str = ""
    problems: list[Problem] = field(default_factory=list)
    recorded_in_message: bool = False  # the message names the agent (any variant)
    trailers: list[Trailer] = field(default_factory=list)

    @property
    def is_agent(self) -> bool:
        return bool(self.evidence or self.principal or self.assisted)

    @property
    def agent(self) -> str:
        """The primary agent: the most trusted evidence first."""
        if self.evidence:
            return self.evidence[0].agent
        return self.assisted[0][0] if self.assisted else ""

    @property
    def model(self) -> str:
        """The primary agent's model, where something recorded it."""
        agent = self.agent
        for a, model in self.assisted:
            if a == agent and model:
                return model
        return next((e.model for e in self.evidence if e.agent == agent and e.model), "")

    def has(self, key: str) -> bool:
        return any(t.key.lower() == key.lower() for t in self.trailers)


# --- reading ------------------------------------------------------------------------------

def parse(message: str) -> tuple[list[Trailer], list[str]]:
    """(trailers of the trailer block, its non-trailer lines), exactly as
    `git interpret-trailers --parse` finds them (see trailer_block.py)."""
    entries = trailer_block.block(message)
    trailers = [Trailer(e.key, e.value, e.line) for e in entries if e.separator >= 1]
    return trailers, [e.text for e in entries if e.separator < 1]


def parse_assisted(value: str) -> tuple[str, str] | None:
    """(agent id, model) from an Assisted-by value in any spelling; None when unreadable."""
    v = " ".join(value.split())
    if not v:
        return None
    tab = agents_mod.table()
    names = sorted(((n, a) for a in tab.agents for n in (a.id, a.name.lower(), *a.aliases)),
                   key=lambda na: -len(na[0]))
    low = v.lower()
    for name, agent in names:
        if low.startswith(name) and (len(low) == len(name) or low[len(name)] in ": ("):
            rest = v[len(name):].strip()
            m = re.match(r"^(?::(?P<model>\S+)|\((?P<paren>[^)]+)\))?", rest)
            model = (m.group("model") or m.group("paren") or "").strip() if m else ""
            if model and not agents_mod.MODEL.match(model):
                model = ""
            return agent.id, model
    m = _STRICT_ASSISTED.match(v)
    if not m:
        return None
    model = m.group("model") or ""
    if model and not agents_mod.MODEL.match(model):
        return None
    return m.group("agent").lower(), model


def read(message: str, author: tuple[str, str] = ("", ""), committer: tuple[str, str] = ("", "")) -> CommitIdentity:
    """Normalise a commit's message and identities into one CommitIdentity."""
    tab = agents_mod.table()
    ident = CommitIdentity()
    evidence: list[Evidence] = []
    if len(message) > MAX_MESSAGE:
        ident.problems.append(Problem(
            "input-too-large", f"the commit message is {len(message):,} characters; identity is read from at most "
                               f"{MAX_MESSAGE:,}", "keep commit messages short; put long text in the change itself"))
        message = ""
    trailers, other = parse(message)
    for t in [t for t in trailers if len(t.value) > MAX_TRAILER]:
        ident.problems.append(Problem(
            "input-too-large", f"the {t.key[:40]} trailer on line {t.line} is {len(t.value):,} characters "
                               f"(at most {MAX_TRAILER:,} are read)", "a trailer is one short line"))
    trailers = [t for t in trailers if len(t.value) <= MAX_TRAILER]
    ident.trailers = trailers

    for name, email in (author, committer):
        if not name and not email:
            continue
        agent, login = tab.by_login(name, email)
        if agent:
            evidence.append(Evidence(agent.id, "bot", f"bot identity {name} <{email}>"))
        if login and not ident.principal:
            ident.principal = login
        for a in tab.agents:
            if any(name.endswith(s) for s in a.ident_suffixes):
                evidence.append(Evidence(a.id, "ident", f"git identity {name!r}"))

    for t in trailers:
        key = t.key.lower()
        where = f"line {t.line}"
        if key in ASSISTED_VARIANTS:
            parsed = parse_assisted(t.value)
            if parsed is None:
                ident.problems.append(Problem(
                    "malformed-trailer", f"malformed {t.key} trailer {t.value!r} ({where})",
                    "write `Assisted-by: AGENT:MODEL` (or `Assisted-by: AGENT` when the model is unknown)"))
                continue
            if parsed not in ident.assisted:
                ident.assisted.append(parsed)
            evidence.append(Evidence(parsed[0], "trailer", f"{t.key}: {t.value}", parsed[1]))
            ident.recorded_in_message = True
        elif key == "agent":
            if not PRINCIPAL.match(t.value):
                ident.problems.append(Problem(
                    "malformed-trailer", f"malformed Agent trailer {t.value!r} ({where})",
                    "write one token: the agent's bot login, service account or key fingerprint"))
            else:
                ident.principal = t.value  # the trailer names the principal; it wins over a bot login
        elif key == "delegated-by":
            person = parse_person(t.value)
            if person is None:
                ident.problems.append(Problem(
                    "malformed-trailer", f"malformed Delegated-by trailer {t.value!r} ({where})",
                    "write `Delegated-by: Full Name <email@example.com>`"))
            elif ident.delegated_by and ident.delegated_email.lower() != person[1].lower():
                ident.problems.append(Problem(
                    "malformed-trailer", f"two different Delegated-by trailers ({where})",
                    "an agent commit names exactly one human"))
            else:
                ident.delegated_by, ident.delegated_email = t.value, person[1]
        elif key == "delegation":
            try:
                delegation.parse_token(t.value)
            except delegation.TokenError as e:
                ident.problems.append(Problem("malformed-trailer", f"malformed Delegation trailer ({where}): {e}",
                                              "ask the human for a fresh token: `tightrope delegate`"))
            if ident.delegation and ident.delegation != t.value:
                ident.problems.append(Problem("malformed-trailer", f"two different Delegation trailers ({where})",
                                              "keep one Delegation trailer per commit"))
            ident.delegation = ident.delegation or t.value
        elif key == "co-authored-by":
            _read_coauthor(t, ident, evidence)
        else:
            for a in tab.agents:
                if key in a.trailers:
                    evidence.append(Evidence(a.id, "trailer", f"{t.key} trailer"))
                    ident.recorded_in_message = True

    for line in other:  # a line in the trailer block that tries to be one of ours
        head = re.split(r"[\s:]", line.strip()[:200], maxsplit=1)[0].lower()
        if head in CANONICAL or head in ASSISTED_VARIANTS:
            ident.problems.append(Problem("malformed-trailer", f"malformed trailer line {line.strip()[:80]!r}",
                                          "a trailer is `Key: value` on one line"))

    for a in tab.agents:
        for marker in a.body_markers:
            if marker in message:
                evidence.append(Evidence(a.id, "body", f"{marker!r} in the message"))
                ident.recorded_in_message = True
    ident.evidence = agents_mod.dedupe(evidence)
    return ident


def _read_coauthor(t: Trailer, ident: CommitIdentity, evidence: list[Evidence]) -> None:
    tab = agents_mod.table()
    person = parse_person(t.value)
    if person is None:
        return  # not ours to judge: a human's co-author line
    name, email = person
    agent, _login = tab.by_login(name, email)
    if agent and email.lower().endswith("@users.noreply.github.com"):
        evidence.append(Evidence(agent.id, "coauthor", f"Co-authored-by: {t.value}"))
        ident.recorded_in_message = True
        return
    for a in tab.agents:
        bot_names = {b.lower() for b in a.bots if b.endswith("[bot]")}
        if name.lower() in bot_names:
            ident.problems.append(_invented(a, t))
            return
        for rule in a.coauthors:
            m = rule.name.fullmatch(name.strip())
            if not m:
                continue
            if rule.address_ok(email):
                model = (m.groupdict().get("model") or "").strip()
                evidence.append(Evidence(a.id, "coauthor", f"Co-authored-by: {t.value}",
                                         model if agents_mod.MODEL.match(model or "-") and model else ""))
                ident.recorded_in_message = True
            else:
                ident.problems.append(_invented(a, t))
            return


def _invented(a: agents_mod.Agent, t: Trailer) -> Problem:
    return Problem("invented-vendor-identity",
                   f"Co-authored-by names {a.name} with an address {a.vendor} does not use: {t.value!r} (line {t.line})",
                   f"use {a.name}'s real attribution, or `Assisted-by: {a.id}:MODEL`")


# --- writing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stamp:
    key: str
    value: str
    if_exists: str  # git interpret-trailers --if-exists action


def stamps(evidence: list[Evidence], existing: CommitIdentity, *, principal: str = "",
           delegated_by: str = "", delegation: str = "") -> list[Stamp]:
    """The trailers to add to a message that already says `existing`; nothing twice."""
    out: list[Stamp] = []
    have = {agent for agent, _ in existing.assisted} | {
        a for a, _ in (parse_assisted(t.value) or ("", "") for t in existing.trailers if t.key.lower() == "assisted-by")}
    for e in evidence:
        if e.agent in have:
            continue
        have.add(e.agent)
        out.append(Stamp(ASSISTED_BY, f"{e.agent}:{e.model}" if e.model else e.agent, "addIfDifferent"))
    if principal:
        out.append(Stamp(AGENT, principal, "replace"))
    if delegated_by:
        out.append(Stamp(DELEGATED_BY, delegated_by, "replace"))
    if delegation:
        out.append(Stamp(DELEGATION, delegation, "replace"))
    return out


def write(root: StrPath | None, message_file: Path, new: list[Stamp]) -> None:
    """Add `new` to the message file in place with `git interpret-trailers`."""
    from tightrope.gitio import run_git

    if not new:
        return
    args = ["interpret-trailers", "--in-place", "--where", "end"]
    for s in new:
        args += ["--if-exists", s.if_exists, "--if-missing", "add", "--trailer", f"{s.key}: {s.value}"]
    run_git(root, *args, str(message_file))


def env_person(environ: Mapping[str, str], var: str) -> str:
    """A `Name <email>` from an environment variable, validated; "" when unset."""
    from tightrope.errors import UsageError

    raw = environ.get(var, "").strip()
    if not raw:
        return ""
    if parse_person(raw) is None:
        raise UsageError(f"{var}={raw!r} is not `Name <email>`", f"set {var}='Full Name <email@example.com>'")
    return raw
