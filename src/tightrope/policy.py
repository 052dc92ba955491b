"""The policy: `.tightrope.toml` or `[tool.tightrope]` in `pyproject.toml`.

A missing file means safe defaults; a broken one is a PolicyError that names the key
(and, for TOML syntax errors, the line). Unknown keys are errors too: a typo must never
silently fall back to a default.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from types import MappingProxyType

from tightrope.errors import PolicyError
from tightrope.findings import Severity
from tightrope.records import RecordTuple, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

POLICY_FILE = ".tightrope.toml"
REQUIRE_LEVELS = ("off", "trailers", "named-human", "signed")


class RuleOverride(RecordTuple):
    blocking: bool | None = None
    severity: Severity | None = None


class IdentityPolicy(RecordTuple):
    require: str = "trailers"
    allowed_agents: tuple[str, ...] = ()  # empty: any known agent
    allowed_signers: str = ".tightrope/allowed_signers"
    require_commit_signature: bool = False
    tag_merges: bool = False
    branches: tuple[tuple[str, str], ...] = ()  # (glob, require) overrides, first match wins
    max_lifetime: int = 30 * 86400  # seconds a delegation may be valid for (policy: "30d")
    revoked: str = ".tightrope/revoked"  # token ids (nonces) no longer honoured, one a line
    require_agent_key: bool = False  # delegations must name the agent's commit-signing key
    repository: str = ""  # this repository's identity when it has no origin remote

    def require_for(self, branch: str) -> str:
        from fnmatch import fnmatchcase

        for pattern, level in self.branches:
            if fnmatchcase(branch, pattern):
                return level
        return self.require


class DependencyPolicy(RecordTuple):
    require_pins: bool = False
    allow: tuple[str, ...] = ()  # internal names that are not on the public lists


# Paths an agent's PR may not touch by default: CI, ownership, hooks, the agents' own
# instructions and tightrope's trust material. A pattern without "/" matches a file name anywhere.
DEFAULT_PROTECTED_PATHS = (
    ".github/workflows/**", ".github/actions/**", ".gitlab-ci.yml", ".gitlab/ci/**", "CODEOWNERS",
    ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".tightrope.toml", ".tightrope/**",
    "AGENTS.md", "CLAUDE.md", "GEMINI.md", ".claude/**", ".cursorrules", ".cursor/rules/**",
    ".github/copilot-instructions.md", ".github/instructions/**", ".windsurfrules", ".clinerules",
    ".mcp.json", ".githooks/**", ".husky/**", ".git-hooks/**", "lefthook.yml",
)
DEFAULT_AGENT_BRANCH_PREFIXES = ("copilot/", "claude/", "codex/", "cursor/", "devin/", "jules/", "gemini/",
                                 "agent/", "agents/", "openhands/", "sweep/")
CAP_ACTIONS = ("label", "draft", "request-changes")


class CapsPolicy(RecordTuple):
    """`[caps]`: what a PR/MR opened by an agent may do. An int cap of None is off."""

    enabled: bool = True
    agents: tuple[str, ...] = ()  # extra author logins treated as agents
    humans: tuple[str, ...] = ()  # logins never treated as agents (e.g. a team's own automation)
    agent_branch_prefixes: tuple[str, ...] = DEFAULT_AGENT_BRANCH_PREFIXES
    agent_trailers: bool = True  # commits with Assisted-by / Agent trailers make it an agent PR
    apply_to_humans: bool = False
    max_files: int | None = 50
    max_lines_added: int | None = 1000
    max_lines_removed: int | None = 2000
    max_patch_bytes: int | None = 1_000_000
    max_commits: int | None = 20
    max_open_prs: int | None = 5
    max_prs_per_day: int | None = 10
    max_prs_per_day_per_human: int | None = 20  # by any agent for the human its commits' Delegated-by names
    protected_paths: tuple[str, ...] = DEFAULT_PROTECTED_PATHS
    extra_protected_paths: tuple[str, ...] = ()
    allowed_paths: tuple[str, ...] = ()  # non-empty: an agent PR may touch only these
    protect_dependency_manifests: bool = False  # manifests only with dependencies that pass the checks
    allowed_domains: tuple[str, ...] = ("github.com", "gitlab.com")  # plus the forge's own host; "*" = any
    report_mentions: bool = True
    report_closing_keywords: bool = True
    max_title_chars: int | None = 120
    max_body_chars: int | None = 20_000
    required_labels: tuple[str, ...] = ()
    title_prefix: str = ""
    require_draft: bool = False
    on_violation: tuple[str, ...] = ()  # besides failing the check: label | draft | request-changes
    violation_label: str = "tightrope:caps-exceeded"


class TimeBudget(RecordTuple):
    """Seconds the pattern scanner may take: in the local hook, and in CI range runs."""

    hook_seconds: float = 5.0
    ci_seconds: float = 300.0


class Policy(RecordTuple):
    fail_on: Severity = Severity.HIGH
    exclude: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    baseline: str = ".tightrope/baseline.json"
    patterns: bool = True
    rules: Mapping[str, RuleOverride] = MappingProxyType({})
    approved_mcp_servers: tuple[str, ...] = ()
    dependencies: DependencyPolicy = DependencyPolicy()
    identity: IdentityPolicy = IdentityPolicy()
    caps: CapsPolicy = CapsPolicy()
    time_budget: TimeBudget = TimeBudget()
    source: str = "defaults"


# --- validation helpers: each returns the value or raises PolicyError naming the key ---

def _bool(key: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise PolicyError(f"{key} must be true or false, got {v!r}")
    return v


def _str(key: str, v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise PolicyError(f"{key} must be a non-empty string, got {v!r}")
    return v


def _str_list(key: str, v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise PolicyError(f"{key} must be a list of strings, got {v!r}")
    return tuple(v)


def _severity(key: str, v: Any) -> Severity:
    try:
        return Severity.parse(v)
    except (KeyError, AttributeError):
        names = ", ".join(str(s) for s in Severity)
        raise PolicyError(f"{key} must be one of {names}, got {v!r}")


def _require(key: str, v: Any) -> str:
    if v not in REQUIRE_LEVELS:
        raise PolicyError(f"{key} must be one of {', '.join(REQUIRE_LEVELS)}, got {v!r}")
    return v


def _duration(key: str, v: Any) -> int:
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    if isinstance(v, str) and v[:-1].isdigit() and v[-1:] in units and int(v[:-1]) > 0:
        return int(v[:-1]) * units[v[-1]]
    raise PolicyError(f"{key} must be a duration such as \"30d\", \"12h\" or \"2w\", got {v!r}")


def _table(key: str, v: Any) -> dict:
    if not isinstance(v, dict):
        raise PolicyError(f"{key} must be a table, got {v!r}")
    return v


def _take(section: str, raw: dict, spec: dict[str, Callable[[str, Any], Any]]) -> dict[str, Any]:
    out = {}
    for key, value in raw.items():
        name = f"{section}.{key}" if section else key
        if key not in spec:
            known = ", ".join(sorted(spec))
            raise PolicyError(f"unknown key {name!r}", f"known keys here: {known}")
        out[key] = spec[key](name, value)
    return out


def _rules(key: str, v: Any) -> dict[str, RuleOverride]:
    result = {}
    for rule_id, body in _table(key, v).items():
        fields = _take(f"{key}.{rule_id}", _table(f"{key}.{rule_id}", body),
                       {"blocking": _bool, "severity": _severity})
        result[rule_id] = RuleOverride(**fields)
    return result


def _identity(key: str, v: Any) -> IdentityPolicy:
    fields = _take(key, _table(key, v), {
        "require": _require, "allowed_agents": _str_list, "allowed_signers": _str,
        "require_commit_signature": _bool, "tag_merges": _bool, "branches": _table,
        "max_lifetime": _duration, "revoked": _str, "require_agent_key": _bool, "repository": _any_str,
    })
    if "branches" in fields:
        fields["branches"] = tuple(
            (glob, _require(f"{key}.branches.{glob}", level)) for glob, level in fields["branches"].items()
        )
    return IdentityPolicy(**fields)


def _dependencies(key: str, v: Any) -> DependencyPolicy:
    return DependencyPolicy(**_take(key, _table(key, v), {"require_pins": _bool, "allow": _str_list}))


def _seconds(key: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 3600:
        raise PolicyError(f"{key} must be a number of seconds above 0 and at most 3600, got {v!r}")
    return float(v)


def _time_budget(key: str, v: Any) -> TimeBudget:
    return TimeBudget(**_take(key, _table(key, v), {"hook_seconds": _seconds, "ci_seconds": _seconds}))


def _mcp(key: str, v: Any) -> tuple[str, ...]:
    return _take(key, _table(key, v), {"approved_servers": _str_list}).get("approved_servers", ())


def _cap(key: str, v: Any) -> int | None:
    if v is False:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise PolicyError(f"{key} must be a positive integer, or false to turn it off, got {v!r}")
    return v


def _actions(key: str, v: Any) -> tuple[str, ...]:
    actions = _str_list(key, v)
    bad = [a for a in actions if a not in CAP_ACTIONS]
    if bad:
        raise PolicyError(f"{key} must list only {', '.join(CAP_ACTIONS)}, got {bad!r}")
    return actions


def _any_str(key: str, v: Any) -> str:
    if not isinstance(v, str):
        raise PolicyError(f"{key} must be a string, got {v!r}")
    return v


def _caps(key: str, v: Any) -> CapsPolicy:
    ints = ("max_files", "max_lines_added", "max_lines_removed", "max_patch_bytes", "max_commits",
            "max_open_prs", "max_prs_per_day", "max_prs_per_day_per_human", "max_title_chars", "max_body_chars")
    lists = ("agents", "humans", "agent_branch_prefixes", "protected_paths", "extra_protected_paths",
             "allowed_paths", "allowed_domains", "required_labels")
    bools = ("enabled", "agent_trailers", "apply_to_humans", "report_mentions", "report_closing_keywords",
             "require_draft", "protect_dependency_manifests")
    spec: dict[str, Callable[[str, Any], Any]] = {
        **dict.fromkeys(ints, _cap), **dict.fromkeys(lists, _str_list), **dict.fromkeys(bools, _bool),
        "title_prefix": _any_str, "on_violation": _actions, "violation_label": _str,
    }
    return CapsPolicy(**_take(key, _table(key, v), spec))


_TOP = {
    "fail_on": _severity, "exclude": _str_list, "disable": _str_list, "baseline": _str,
    "patterns": _bool, "rules": _rules, "identity": _identity, "dependencies": _dependencies,
    "mcp": _mcp, "caps": _caps, "time_budget": _time_budget,
}


def _known_rule_ids() -> frozenset[str]:
    """Every rule id tightrope reports (data/rule-ids.txt, generated by
    scripts/list_rule_ids.py): read only when a policy names rules."""
    with open(os.path.join(os.path.dirname(__file__), "data", "rule-ids.txt"), encoding="utf-8") as f:
        text = f.read()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _check_rule_ids(rules: dict[str, RuleOverride], disable: tuple[str, ...]) -> None:
    """A rule id that names no rule would silently do nothing: an error naming the key."""
    from fnmatch import fnmatchcase

    known = _known_rule_ids()
    names = [(f'rules."{r}"', r, False) for r in rules] + [(f"disable = [{d!r}]", d, True) for d in disable]
    for key, name, glob in names:
        if name in known or (glob and any(fnmatchcase(k, name) for k in known)):
            continue
        import difflib

        close = difflib.get_close_matches(name, sorted(known), n=1)
        wildcard = " ([rules] takes exact ids; globs work in `disable`)" if not glob and set("*?[") & set(name) else ""
        raise PolicyError(f"{key}: no rule has this id{wildcard}",
                          (f"did you mean {close[0]}? " if close else "")
                          + "the rule ids are listed in tightrope's data/rule-ids.txt")


def parse(raw: dict, source: str) -> Policy:
    try:
        fields = _take("", raw, _TOP)
        if fields.get("rules") or fields.get("disable"):
            _check_rule_ids(fields.get("rules", {}), fields.get("disable", ()))
    except PolicyError as e:
        raise PolicyError(f"{source}: {e.message}", e.hint or "fix the key or remove it; see the README's policy section")
    if "mcp" in fields:
        fields["approved_mcp_servers"] = fields.pop("mcp")
    return Policy(**fields, source=source)


def from_text(text: str, name: str, *, pyproject: bool = False) -> Policy | None:
    """Parse one policy file's text; None for a pyproject.toml without [tool.tightrope]."""
    if pyproject and not _may_name_tightrope(text):
        return None  # most pyproject.toml files: no TOML parser to import, nothing to parse
    if sys.version_info >= (3, 11):  # imported only when there is a file to read
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{name}: not valid TOML: {e}", "fix the syntax at the line named above")
    if pyproject:
        table = data.get("tool", {}).get("tightrope")
        if table is None:
            return None
        return parse(_table("tool.tightrope", table), f"{name} [tool.tightrope]")
    return parse(data, name)


def _may_name_tightrope(text: str) -> bool:
    """Can this TOML hold a `tightrope` key? Only spelt out, or behind a `\\u`/`\\U` escape
    in a quoted key (`[tool."tight\\u0072ope"]`)."""
    return "tightrope" in text or "\\u" in text or "\\U" in text


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{name}: not UTF-8 text", "save the file as UTF-8")
