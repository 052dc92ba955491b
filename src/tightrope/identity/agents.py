"""Who is committing: the agent table (agents.toml) and the evidence that names an agent.

Evidence, most trusted first:

1. `env`     the agent's own markers in the committing process (CLAUDECODE=1, CODEX_*, …)
2. `ident`   a name suffix the agent puts on the process's git identity (" (aider)")
3. `bot`     a bot author/committer (copilot-swe-agent[bot], claude[bot], …)
4. `coauthor` a vendor Co-authored-by line with an address the vendor really uses
5. `trailer` / `body` an Assisted-by (or vendor variant) trailer, a vendor marker line
6. `explicit` TIGHTROPE_AGENT for anything the table does not know

The model is read only where the agent exposes it (a model variable, aider's co-author
name) or from TIGHTROPE_MODEL; it is never guessed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tightrope.errors import UsageError

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/@:+-]*$")
_GITHUB_NOREPLY = re.compile(r"^(?:[0-9]+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.I)

# the order of trust, for picking the primary agent when several are named
TRUST = ("signature", "explicit", "env", "ident", "bot", "coauthor", "trailer", "body")


@dataclass(frozen=True)
class CoAuthorRule:
    name: re.Pattern
    emails: tuple[str, ...]
    email_patterns: tuple[re.Pattern, ...]

    def address_ok(self, email: str) -> bool:
        e = email.strip().lower()
        return e in self.emails or any(p.fullmatch(e) for p in self.email_patterns)


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    vendor: str = ""
    aliases: tuple[str, ...] = ()
    env: tuple[dict, ...] = ()
    ident_suffixes: tuple[str, ...] = ()
    model_env: tuple[str, ...] = ()
    bots: tuple[str, ...] = ()
    coauthors: tuple[CoAuthorRule, ...] = ()
    trailers: tuple[str, ...] = ()
    body_markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    agent: str  # agent id (a table slug, or the TIGHTROPE_AGENT value)
    source: str  # one of TRUST
    detail: str  # what was seen, e.g. "CLAUDECODE=1"
    model: str = ""


@dataclass(frozen=True)
class Table:
    agents: tuple[Agent, ...]
    automation: tuple[str, ...]

    def get(self, agent_id: str) -> Agent | None:
        return next((a for a in self.agents if a.id == agent_id), None)

    def by_name(self, text: str) -> Agent | None:
        """An agent from a display name, alias or id (case-insensitive)."""
        t = " ".join(text.strip().lower().split())
        for a in self.agents:
            if t == a.id or t == a.name.lower() or t in a.aliases:
                return a
        return None

    def by_login(self, name: str, email: str) -> tuple[Agent | None, str]:
        """(agent, login) when name/email is a known bot; (None, login) for automation accounts."""
        candidates = {name.strip().lower()}
        m = _GITHUB_NOREPLY.match(email.strip())
        if m:
            candidates.add(m.group("login").lower())
        for a in self.agents:
            for login in a.bots:
                if login.lower() in candidates:
                    return a, login
        for login in self.automation:
            if login.lower() in candidates:
                return None, login
        return None, ""


def _load(text: str) -> Table:
    data = tomllib.loads(text)
    agents = []
    for raw in data.get("agent", []):
        agents.append(Agent(
            id=raw["id"], name=raw["name"], vendor=raw.get("vendor", ""),
            aliases=tuple(a.lower() for a in raw.get("aliases", ())),
            env=tuple(raw.get("env", ())),
            ident_suffixes=tuple(s["suffix"] for s in raw.get("ident_suffix", ())),
            model_env=tuple(m["var"] for m in raw.get("model_env", ())),
            bots=tuple(b["login"] for b in raw.get("bots", ())),
            coauthors=tuple(
                CoAuthorRule(re.compile(c["name"], re.I), tuple(e.lower() for e in c.get("emails", ())),
                             tuple(re.compile(p, re.I) for p in c.get("email_patterns", ())))
                for c in raw.get("coauthors", ())
            ),
            trailers=tuple(t["key"].lower() for t in raw.get("trailers", ())),
            body_markers=tuple(b["text"] for b in raw.get("body_markers", ())),
        ))
    automation = tuple(a["login"] for a in data.get("automation", ()))
    return Table(tuple(agents), automation)


@lru_cache(maxsize=1)
def table() -> Table:
    text = resources.files("tightrope.identity").joinpath("agents.toml").read_text(encoding="utf-8")
    return _load(text)


# --- the committing process ---------------------------------------------------------------

def _env_marker_hit(marker: dict, environ: Mapping[str, str]) -> str:
    if "prefix" in marker:
        excluded = set(marker.get("except", ()))
        for key in sorted(environ):
            if key.startswith(marker["prefix"]) and key not in excluded and environ[key]:
                return f"{key} is set"
        return ""
    value = environ.get(marker["var"], "")
    if not value:
        return ""
    if "equals" in marker:
        return f"{marker['var']}={value}" if value == marker["equals"] else ""
    return f"{marker['var']} is set"


def explicit_agent(environ: Mapping[str, str]) -> str:
    raw = environ.get("TIGHTROPE_AGENT", "").strip()
    if not raw:
        return ""
    known = table().by_name(raw)
    if known:
        return known.id
    slug = raw.lower()
    if not SLUG.match(slug):
        raise UsageError(f"TIGHTROPE_AGENT={raw!r} is not a valid agent name",
                         "use letters, digits, '.', '_' or '-' (e.g. TIGHTROPE_AGENT=my-agent)")
    return slug


def explicit_model(environ: Mapping[str, str]) -> str:
    raw = environ.get("TIGHTROPE_MODEL", "").strip()
    if raw and not MODEL.match(raw):
        raise UsageError(f"TIGHTROPE_MODEL={raw!r} is not a valid model name",
                         "use the model id without spaces, e.g. TIGHTROPE_MODEL=claude-opus-4-1")
    return raw


def model_for(agent: Agent | None, environ: Mapping[str, str]) -> str:
    """The model the agent exposes in the environment, or ""; TIGHTROPE_MODEL wins."""
    explicit = explicit_model(environ)
    if explicit:
        return explicit
    for var in (agent.model_env if agent else ()):
        value = environ.get(var, "").strip()
        if value and MODEL.match(value):
            return value
    return ""


def detect_process(environ: Mapping[str, str], author_name: str = "", committer_name: str = "",
                   author_email: str = "", committer_email: str = "") -> list[Evidence]:
    """Agents evidenced by the committing process: TIGHTROPE_AGENT, env markers, identity."""
    found: list[Evidence] = []
    tab = table()
    explicit = explicit_agent(environ)
    if explicit:
        found.append(Evidence(explicit, "explicit", "TIGHTROPE_AGENT", model_for(tab.get(explicit), environ)))
    for agent in tab.agents:
        for marker in agent.env:
            hit = _env_marker_hit(marker, environ)
            if hit:
                found.append(Evidence(agent.id, "env", hit, model_for(agent, environ)))
                break
        for suffix in agent.ident_suffixes:
            for who in (author_name, committer_name):
                if who.endswith(suffix):
                    found.append(Evidence(agent.id, "ident", f"git identity {who!r}", model_for(agent, environ)))
                    break
            else:
                continue
            break
    for name, email in ((author_name, author_email), (committer_name, committer_email)):
        agent, _login = tab.by_login(name, email)
        if agent:
            found.append(Evidence(agent.id, "bot", f"bot identity {name} <{email}>", model_for(agent, environ)))
    return dedupe(found)


def dedupe(evidence: list[Evidence]) -> list[Evidence]:
    """One Evidence per agent: the most trusted, with the first model any source gave."""
    best: dict[str, Evidence] = {}
    for e in sorted(evidence, key=lambda e: TRUST.index(e.source)):
        if e.agent not in best:
            best[e.agent] = e
        elif not best[e.agent].model and e.model:
            b = best[e.agent]
            best[e.agent] = Evidence(b.agent, b.source, b.detail, e.model)
    return list(best.values())
