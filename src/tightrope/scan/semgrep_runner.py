"""Run semgrep over prepared targets, as fast as the installed semgrep allows, within a budget.

Three ways in, fastest first (measured on this machine, the whole 57-rule pack over its
57 fixture files; see bench/README.md):

1. ``semgrep-core`` directly (``-rules R.json -targets T.json -json``), ~0.17 s. The wheel
   ships it as ``semgrep/bin/semgrep-core``. Its target list is semgrep's own ATD
   ``Targets`` JSON; it honours the rules' ``paths:`` against each target's project path.
2. ``semgrep scan --experimental`` (the OCaml CLI), ~0.2 s for one rule, ~1.1 s for the pack.
3. ``semgrep scan`` (the Python CLI), ~2.5-3.7 s.

On the fast path the work comes as batches, each a set of targets and the rules that
can match them (`Batch`, built by the caller); the batches run as parallel semgrep-core
processes, one per core, largest first, so a big PR uses every core and one slow file
holds up only its own batch. Every rule has a per-file timeout, and the whole run one deadline: a batch
still running at the deadline is killed and one never started is not started. What was
not judged, and by which rules, comes back in `RunResult.unjudged`, for the caller to
report (never a silent skip). The CLI fallbacks run everything in one process with the
union of the rules and the same deadline.

When a way is missing or fails (a non-zero exit without JSON, JSON without ``results``:
e.g. semgrep-core's command line or output format changed), the next one is tried, and
the caller gets a note saying which way ran. Every way is told to stay off the network
(``--disable-version-check``, ``--metrics=off``, SEMGREP_ENABLE_VERSION_CHECK=0,
SEMGREP_SEND_METRICS=off; semgrep-core never calls out). No login, no registry configs:
the only config is the rules files written here.

Environment knobs (for tests and for odd installs; no monkeypatching needed):
  TIGHTROPE_SEMGREP         path of the ``semgrep`` CLI (a nonexistent path = semgrep missing)
  TIGHTROPE_SEMGREP_CORE    path of ``semgrep-core``
  TIGHTROPE_SEMGREP_ENGINE  start at this way: semgrep-core | semgrep-experimental | semgrep
  TIGHTROPE_JOBS            how many semgrep-core processes run at once (default: the cores)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ENGINES = ("semgrep-core", "semgrep-experimental", "semgrep")
ENGINE_LABEL = {
    "semgrep-core": "semgrep-core",
    "semgrep-experimental": "`semgrep scan --experimental`",
    "semgrep": "`semgrep scan`",
}
RULE_TIMEOUT_S = 5.0  # per rule and file, at most (a short budget lowers it: `rule_timeout`)
MIN_RULE_TIMEOUT_S = 0.5
RUN_TIMEOUT_S = 600.0  # the whole run, when the caller gives no deadline
POLL_S = 0.01
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
    path: str  # posix path of the file relative to the targets root
    language: str  # semgrep analyzer name: python, javascript, typescript, json, yaml, …
    project_path: str = ""  # the repository-relative path the rules' `paths:` see (default: path)


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


@dataclass(frozen=True)
class Batch:
    """Targets that share one rule set: one semgrep-core process runs exactly these rules on them."""

    rule_ids: tuple[str, ...]
    targets: tuple[Target, ...]


@dataclass
class RunResult:
    engine: str
    matches: list[Match] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unjudged: dict[str, set[str]] = field(default_factory=dict)  # path -> ids of rules that never ran on it
    runs: int = 0  # semgrep processes started

    def not_judged(self, batch: Batch) -> None:
        for t in batch.targets:
            self.unjudged.setdefault(t.path, set()).update(batch.rule_ids)


def rule_timeout(budget_s: float) -> float:
    """Per rule and file: a fraction of the run's budget, so one slow rule cannot use it all."""
    return max(MIN_RULE_TIMEOUT_S, min(RULE_TIMEOUT_S, budget_s / 4))


def jobs() -> int:
    try:
        return max(1, int(os.environ.get("TIGHTROPE_JOBS", "")))
    except ValueError:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


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


def _core_cmd(core: str, rules: Path, targets_json: Path, timeout: float, cores: int) -> list[str]:
    # -timeout_threshold 0: every rule gets its own timeout on a file, and says so
    return [core, "-rules", str(rules), "-targets", str(targets_json), "-json", "-j", str(cores),
            "-timeout", f"{timeout:g}", "-timeout_threshold", "0", "-fast"]


def _cli_cmd(cli: str, rules: Path, experimental: bool, timeout: float, cores: int) -> list[str]:
    cmd = [cli, "scan"]
    if experimental:
        cmd.append("--experimental")
    return cmd + [*NET_FLAGS, "--json", "--quiet", "--config", str(rules), "-j", str(cores),
                  "--timeout", f"{max(1, round(timeout))}", "--timeout-threshold", "0",
                  "--max-target-bytes", "0", "."]  # 0: no size cap; tightrope sizes what it writes


def _core_targets(targets: list[Target]) -> str:
    items = [["CodeTarget", {"path": {"fpath": t.path, "ppath": "/" + (t.project_path or t.path)},
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


def _batch_bytes(root: Path, batch: Batch) -> int:
    return sum((root / t.path).stat().st_size for t in batch.targets)


def _run_core(core: str, rules: dict[str, dict], root: Path, batches: list[Batch], workdir: Path,
              deadline: float, timeout: float, cores: int) -> RunResult | str:
    """All batches as parallel semgrep-core processes; a string says why the fast path failed."""
    res = RunResult("semgrep-core")
    rule_files: dict[tuple[str, ...], Path] = {}
    pending = sorted(batches, key=lambda b: _batch_bytes(root, b))  # largest last: popped first
    running: list[tuple[subprocess.Popen, Batch, Path]] = []
    per_proc = max(1, cores // max(1, len(batches)))
    try:
        while pending or running:
            while pending and len(running) < cores and time.monotonic() < deadline:
                batch = pending.pop()
                rules_file = rule_files.get(batch.rule_ids)
                if rules_file is None:
                    rules_file = rule_files[batch.rule_ids] = workdir / f"rules-{len(rule_files)}.json"
                    rules_file.write_text(json.dumps({"rules": [rules[r] for r in batch.rule_ids]}), encoding="utf-8")
                n = res.runs
                targets_file = workdir / f"targets-{n}.json"
                targets_file.write_text(_core_targets(list(batch.targets)), encoding="utf-8")
                out = workdir / f"out-{n}.json"
                with open(out, "wb") as fh:
                    try:
                        proc = subprocess.Popen(_core_cmd(core, rules_file, targets_file, timeout, per_proc),
                                                cwd=root, stdout=fh, stderr=subprocess.DEVNULL,
                                                stdin=subprocess.DEVNULL, env=_env())
                    except OSError as e:
                        return f"semgrep-core could not start ({e.strerror or e})"
                res.runs += 1
                running.append((proc, batch, out))
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_S)
            still = []
            for proc, batch, out in running:
                if proc.poll() is None:
                    still.append((proc, batch, out))
                    continue
                data = _last_json(out.read_bytes())
                if data is None or not isinstance(data.get("results"), list):
                    return f"semgrep-core exited {proc.returncode} without a JSON report"
                part = _parse(data, root, res.engine)
                res.matches += part.matches
                res.problems += part.problems
                res.notes += part.notes
            running = still
    finally:
        for proc, batch, _ in running:  # past the deadline (or failed): stop what still runs
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            res.not_judged(batch)
    for batch in pending:
        res.not_judged(batch)
    return res


def run(rules: dict[str, dict], root: Path, batches: list[Batch], *, workdir: Path,
        engine: str | None = None, installation: Installation | None = None, budget_s: float = RUN_TIMEOUT_S) -> RunResult:
    """Run each batch's rules (ids into `rules`) over its targets (files under `root`, which
    holds nothing else), finishing within `budget_s` seconds.

    `engine` (or TIGHTROPE_SEMGREP_ENGINE) names the first way to try; later ways remain
    fallbacks. Raises SemgrepMissing when no way is installed.
    """
    deadline = time.monotonic() + budget_s
    inst = installation or locate()
    if inst.missing:
        raise SemgrepMissing()
    start = engine or os.environ.get("TIGHTROPE_SEMGREP_ENGINE") or ENGINES[0]
    if start not in ENGINES:
        raise ValueError(f"unknown semgrep engine {start!r}; one of {', '.join(ENGINES)}")
    order = ENGINES[ENGINES.index(start):]
    timeout = rule_timeout(budget_s)
    cores = jobs()
    # An empty .semgrepignore switches off the CLIs' default ignores (tests/, vendor/, *.min.js…):
    # tightrope decides what to scan, not semgrep.
    (root / ".semgrepignore").write_text("", encoding="utf-8")
    failures: list[str] = []
    for name in order:
        if name == "semgrep-core":
            if not inst.core:
                failures.append("semgrep-core not found")
                continue
            out = _run_core(inst.core, rules, root, batches, workdir, deadline, timeout, cores)
            if isinstance(out, str):
                failures.append(out)
                continue
            res = out
        else:
            if not inst.cli:
                failures.append(f"{ENGINE_LABEL[name]}: the semgrep CLI was not found")
                continue
            out = _run_cli(inst.cli, name, rules, root, batches, workdir, deadline, timeout, cores)
            if isinstance(out, str):
                failures.append(out)
                continue
            res = out
        if name != ENGINES[0] or failures:
            why = "; ".join(failures) if failures else f"asked for with {start}"
            res.notes.append(f"pattern scanning ran {ENGINE_LABEL[name]}, not the fast path ({why})")
        return res
    res = RunResult("none")
    res.notes.append("pattern scanning failed: " + "; ".join(failures))
    return res


def _run_cli(cli: str, name: str, rules: dict[str, dict], root: Path, batches: list[Batch], workdir: Path,
             deadline: float, timeout: float, cores: int) -> RunResult | str:
    """One CLI process over every target with the union of the batches' rules."""
    res = RunResult(name, runs=1)
    wanted = {r for b in batches for r in b.rule_ids}
    rules_file = workdir / "rules-all.json"
    rules_file.write_text(json.dumps({"rules": [rules[r] for r in rules if r in wanted]}), encoding="utf-8")
    cmd = _cli_cmd(cli, rules_file, name == "semgrep-experimental", timeout, cores)
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, env=_env(),
                              timeout=max(0.1, deadline - time.monotonic()), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        for b in batches:
            res.not_judged(b)
        return res
    except OSError as e:
        return f"{ENGINE_LABEL[name]} could not start ({e.strerror or e})"
    data = _last_json(proc.stdout)
    if data is None or not isinstance(data.get("results"), list):
        return f"{ENGINE_LABEL[name]} exited {proc.returncode} without a JSON report"
    part = _parse(data, root, name)
    res.matches, res.problems, res.notes = part.matches, part.problems, part.notes
    return res
