"""Run semgrep once over prepared targets, as fast as the installed semgrep allows.

Three ways in, fastest first (measured on this machine, the whole 57-rule pack over its
57 fixture files; see bench/README.md):

1. ``semgrep-core`` directly (``-rules R.json -targets T.json -json``), ~0.17 s. The wheel
   ships it as ``semgrep/bin/semgrep-core``. Its target list is semgrep's own ATD
   ``Targets`` JSON; it honours the rules' ``paths:`` against each target's project path.
2. ``semgrep scan --experimental`` (the OCaml CLI), ~0.2 s for one rule, ~1.1 s for the pack.
3. ``semgrep scan`` (the Python CLI), ~2.5-3.7 s.

When a way is missing or fails (a non-zero exit without JSON, JSON without ``results``:
e.g. semgrep-core's command line or output format changed), the next one is tried, and
the caller gets a note saying which way ran. Every way is told to stay off the network
(``--disable-version-check``, ``--metrics=off``, SEMGREP_ENABLE_VERSION_CHECK=0,
SEMGREP_SEND_METRICS=off; semgrep-core never calls out). No login, no registry configs:
the only config is the rules file written here.

Environment knobs (for tests and for odd installs; no monkeypatching needed):
  TIGHTROPE_SEMGREP         path of the ``semgrep`` CLI (a nonexistent path = semgrep missing)
  TIGHTROPE_SEMGREP_CORE    path of ``semgrep-core``
  TIGHTROPE_SEMGREP_ENGINE  start at this way: semgrep-core | semgrep-experimental | semgrep
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ENGINES = ("semgrep-core", "semgrep-experimental", "semgrep")
ENGINE_LABEL = {
    "semgrep-core": "semgrep-core",
    "semgrep-experimental": "`semgrep scan --experimental`",
    "semgrep": "`semgrep scan`",
}
RULE_TIMEOUT_S = 5  # per rule and file
TIMEOUT_THRESHOLD = 3  # rules timing out on a file before semgrep gives up on that file
RUN_TIMEOUT_S = 600  # the whole run
SEMGREP_ENV = {
    "SEMGREP_ENABLE_VERSION_CHECK": "0",
    "SEMGREP_SEND_METRICS": "off",
    "SEMGREP_USER_AGENT_APPEND": "tightrope",
}
NET_FLAGS = ["--disable-version-check", "--metrics=off"]


class SemgrepMissing(Exception):
    pass


@dataclass(frozen=True)
class Target:
    path: str  # posix path relative to the targets root (= the repository-relative path)
    language: str  # semgrep analyzer name: python, javascript, typescript, json, yaml, …


@dataclass(frozen=True)
class Match:
    rule_id: str  # as semgrep printed it (the CLIs prefix the config path; the caller strips it)
    path: str  # relative to the targets root
    start_line: int
    end_line: int
    start_offset: int
    end_offset: int
    message: str


@dataclass(frozen=True)
class Problem:
    """One entry of semgrep's ``errors[]``, without its message (it may quote source text)."""

    kind: str  # PartialParsing, Syntax error, Timeout, Out of memory, Rule parse error, …
    path: str  # "" when not about a file
    rule_id: str
    level: str


@dataclass
class RunResult:
    engine: str
    matches: list[Match] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Installation:
    core: str | None
    cli: str | None

    @property
    def missing(self) -> bool:
        return not self.core and not self.cli


def _existing(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def locate() -> Installation:
    """Find semgrep-core and the semgrep CLI without importing semgrep (that costs ~1 s)."""
    forced_cli = os.environ.get("TIGHTROPE_SEMGREP")
    forced_core = os.environ.get("TIGHTROPE_SEMGREP_CORE")
    if forced_cli is not None:
        # An explicit CLI path decides: a missing one means "semgrep is not installed".
        cli = _existing(forced_cli)
        if cli is None:
            return Installation(None, None)
        core = _existing(forced_core) if forced_core is not None else _core_beside(cli)
        return Installation(core, cli)
    cli = _existing(str(Path(sys.executable).parent / "semgrep")) or shutil.which("semgrep")
    if forced_core is not None:
        return Installation(_existing(forced_core), cli)
    core = None
    try:
        spec = importlib.util.find_spec("semgrep")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            core = _existing(os.path.join(loc, "bin", "semgrep-core"))
            if core:
                break
    core = core or _existing(shutil.which("semgrep-core")) or (_core_beside(cli) if cli else None)
    return Installation(core, cli)


def _core_beside(cli: str) -> str | None:
    """semgrep-core for a given CLI: next to it, or inside the semgrep package of its venv."""
    here = Path(cli).resolve().parent
    cand = _existing(str(here / "semgrep-core"))
    if cand:
        return cand
    for lib in sorted(here.parent.glob("lib/python3*/site-packages/semgrep/bin/semgrep-core")):
        cand = _existing(str(lib))
        if cand:
            return cand
    return None


def _env() -> dict[str, str]:
    env = {**os.environ, **SEMGREP_ENV}
    # never pick up a login token or a registry config from the user's environment
    for key in ("SEMGREP_APP_TOKEN", "SEMGREP_RULES", "SEMGREP_REPO_URL"):
        env.pop(key, None)
    return env


def _last_json(stdout: bytes) -> dict | None:
    """semgrep-core prints progress dots before its JSON; the JSON is the last line."""
    text = stdout.decode("utf-8", "replace").strip()
    if not text:
        return None
    for candidate in (text, text.rsplit("\n", 1)[-1]):
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            return data
    return None


def _core_cmd(core: str, rules: Path, targets_json: Path) -> list[str]:
    return [core, "-rules", str(rules), "-targets", str(targets_json), "-json",
            "-timeout", str(RULE_TIMEOUT_S), "-timeout_threshold", str(TIMEOUT_THRESHOLD), "-fast"]


def _cli_cmd(cli: str, rules: Path, experimental: bool, max_target_bytes: int) -> list[str]:
    cmd = [cli, "scan"]
    if experimental:
        cmd.append("--experimental")
    return cmd + [*NET_FLAGS, "--json", "--quiet", "--config", str(rules),
                  "--timeout", str(RULE_TIMEOUT_S), "--timeout-threshold", str(TIMEOUT_THRESHOLD),
                  "--max-target-bytes", str(max_target_bytes), "."]


def _core_targets(targets: list[Target]) -> str:
    items = [["CodeTarget", {"path": {"fpath": t.path, "ppath": "/" + t.path},
                             "analyzer": t.language, "products": ["sast"]}] for t in targets]
    return json.dumps(["Targets", items])


def _error_kind(err: dict) -> str:
    kind = err.get("error_type", err.get("type", "error"))
    if isinstance(kind, list):
        kind = kind[0] if kind else "error"
    return str(kind)


def _norm_path(path: str, root: Path) -> str:
    if not path:
        return ""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except ValueError:
            return ""
    s = p.as_posix()
    while s.startswith("./"):
        s = s[2:]
    return s


def _parse(data: dict, root: Path, engine: str) -> RunResult:
    out = RunResult(engine)
    for r in data.get("results", []):
        try:
            extra = r.get("extra") or {}
            out.matches.append(Match(
                rule_id=str(r["check_id"]), path=_norm_path(r["path"], root),
                start_line=int(r["start"]["line"]), end_line=int(r["end"]["line"]),
                start_offset=int(r["start"].get("offset", -1)), end_offset=int(r["end"].get("offset", -1)),
                message=str(extra.get("message") or ""),
            ))
        except (KeyError, TypeError, ValueError):
            out.notes.append(f"pattern scanning: {ENGINE_LABEL[engine]} gave a result tightrope could not read; skipped it")
    for e in data.get("errors", []):
        if not isinstance(e, dict):
            continue
        loc = e.get("location") or {}
        spans = e.get("spans") or [{}]
        path = e.get("path") or loc.get("path") or (spans[0] or {}).get("file") or ""
        out.problems.append(Problem(kind=_error_kind(e), path=_norm_path(str(path), root),
                                    rule_id=str(e.get("rule_id") or ""), level=str(e.get("level") or e.get("severity") or "")))
    return out


def run(rules: list[dict], root: Path, targets: list[Target], *, workdir: Path,
        engine: str | None = None, max_target_bytes: int = 1_000_000,
        installation: Installation | None = None) -> RunResult:
    """One semgrep run of `rules` over `targets` (files under `root`, which holds nothing else).

    `engine` (or TIGHTROPE_SEMGREP_ENGINE) names the first way to try; later ways remain
    fallbacks. Raises SemgrepMissing when no way is installed.
    """
    inst = installation or locate()
    if inst.missing:
        raise SemgrepMissing()
    start = engine or os.environ.get("TIGHTROPE_SEMGREP_ENGINE") or ENGINES[0]
    if start not in ENGINES:
        raise ValueError(f"unknown semgrep engine {start!r}; one of {', '.join(ENGINES)}")
    order = ENGINES[ENGINES.index(start):]
    rules_file = workdir / "rules.json"
    rules_file.write_text(json.dumps({"rules": rules}), encoding="utf-8")
    # An empty .semgrepignore switches off the CLIs' default ignores (tests/, vendor/, *.min.js…):
    # tightrope decides what to scan, not semgrep.
    (root / ".semgrepignore").write_text("", encoding="utf-8")
    failures: list[str] = []
    for name in order:
        if name == "semgrep-core":
            if not inst.core:
                failures.append("semgrep-core not found")
                continue
            targets_file = workdir / "targets.json"
            targets_file.write_text(_core_targets(targets), encoding="utf-8")
            cmd = _core_cmd(inst.core, rules_file, targets_file)
        else:
            if not inst.cli:
                failures.append(f"{ENGINE_LABEL[name]}: the semgrep CLI was not found")
                continue
            cmd = _cli_cmd(inst.cli, rules_file, name == "semgrep-experimental", max_target_bytes)
        try:
            proc = subprocess.run(cmd, cwd=root, capture_output=True, env=_env(), timeout=RUN_TIMEOUT_S,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            res = RunResult(name)
            res.notes.append(f"pattern scanning stopped: {ENGINE_LABEL[name]} ran longer than {RUN_TIMEOUT_S} s")
            return res
        except OSError as e:
            failures.append(f"{ENGINE_LABEL[name]} could not start ({e.strerror or e})")
            continue
        data = _last_json(proc.stdout)
        if data is None or not isinstance(data.get("results"), list):
            failures.append(f"{ENGINE_LABEL[name]} exited {proc.returncode} without a JSON report")
            continue
        res = _parse(data, root, name)
        if name != ENGINES[0] or failures:
            why = "; ".join(failures) if failures else f"asked for with {start}"
            res.notes.append(f"pattern scanning ran {ENGINE_LABEL[name]}, not the fast path ({why})")
        return res
    res = RunResult("none")
    res.notes.append("pattern scanning failed: " + "; ".join(failures))
    return res
