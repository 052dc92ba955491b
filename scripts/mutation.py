"""Mutation check of the modules where a silent bug costs most (cosmic-ray).

    .venv/bin/pip install cosmic-ray
    .venv/bin/python scripts/mutation.py                  # every target
    .venv/bin/python scripts/mutation.py redact suppress  # some of them
    .venv/bin/python scripts/mutation.py --recheck OLD.json  # only an earlier run's survivors

Each target module is mutated one small change at a time (cosmic-ray's operators: a
comparison flipped, a constant changed, a branch removed...) in a throwaway copy of the
committed tree, and the tests that cover it are run against each mutant, in a fork of one
process that has pytest loaded (cosmic-ray makes and records the mutants; its own `exec`
starts an interpreter per mutant, ten times slower). A mutant the tests do not notice
"survives". The end-to-end tests run `python -m tightrope` in a subprocess; the mutant is on
disk and PYTHONPATH points those at the copy too, so they count.

Not part of .ci/run: a full run takes tens of minutes on a loaded two-core machine. The table it prints
goes into the README's measured section; each survivor either gets a test or a line in
bench/results/mutation.md saying why it is equivalent.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import py_compile
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (module, the tests that are meant to hold it)
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    # fast, focused tests first: a mutant they kill costs seconds (pytest -x stops there)
    "redact": ("src/tightrope/redact.py", ("tests/test_redact.py",)),
    "suppress": ("src/tightrope/suppress.py", ("tests/test_suppress.py", "tests/test_core_rules.py", "tests/test_core.py")),
    "policy": ("src/tightrope/policy.py", ("tests/test_policy_values.py", "tests/test_policy.py")),
    "core": ("src/tightrope/core.py", ("tests/test_core_rules.py", "tests/test_core_history.py", "tests/test_caps.py")),
    "checksums": ("src/tightrope/scan/detectors/base.py", ("tests/test_detector_base.py", "tests/test_detectors.py")),
    # the rules judged directly (seconds); test_identity.py runs them end to end (minutes)
    "verify": ("src/tightrope/identity/verify.py", ("tests/test_verify_rules.py",)),
}


def committed_copy(dest: Path) -> None:
    """The committed tree (not the work tree): what the result describes is reproducible."""
    data = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def _tests_in_fork(work: Path, dotted: str, tests: tuple[str, ...], timeout: float) -> bool:
    """Run `tests` in a fork of this process (pytest already imported): True if they fail.
    The module is imported first, so a mutant that breaks its import fails at once."""
    import pytest

    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.setpgrp()
            os.chdir(work)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            sys.path.insert(0, str(work / "src"))
            importlib.import_module(dotted)
            # plain asserts: the same pass or fail, without rewriting every test module again
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--assert=plain", *tests]))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) != 0
        if time.monotonic() > deadline:  # a mutant that loops: killed, with what it started
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return True
        time.sleep(0.02)


def _exec(work: Path, module: str, dotted: str, tests: tuple[str, ...], session: Path, timeout: float) -> None:
    """cosmic-ray's `exec`, each mutant's tests in a fork of one warm process instead of a new
    interpreter: about ten times faster on a loaded two-core machine. The mutant is on disk
    while its tests run (no bytecode is written), so `python -m tightrope` subprocesses see it."""
    from cosmic_ray import plugins
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    import compileall
    import importlib.metadata

    # bytecode checked against each source's hash: only the mutated module is compiled per
    # mutant, and none is written; the pytest plugins are imported once, here
    for folder in ("src", "tests"):
        compileall.compile_dir(work / folder, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sys.dont_write_bytecode = True
    for plugin in importlib.metadata.entry_points(group="pytest11"):
        plugin.load()
    path = work / module
    original = path.read_text(encoding="utf-8")
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            spec = item.mutations[0]
            operator = plugins.get_operator(spec.operator_name)(**(spec.operator_args or {}))
            mutated = mutate_code(original, operator, spec.occurrence)
            if mutated is None:
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.NO_TEST))
                continue
            path.write_text(mutated, encoding="utf-8")
            try:
                failed = _tests_in_fork(work, dotted, tests, timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            diff = "\n".join(["--- mutation diff ---", *difflib.unified_diff(
                original.split("\n"), mutated.split("\n"), f"a/{module}", f"b/{module}", lineterm="")])
            db.set_result(item.job_id, WorkResult(
                worker_outcome=WorkerOutcome.NORMAL, diff=diff,
                test_outcome=TestOutcome.KILLED if failed else TestOutcome.SURVIVED))


def run_target(name: str, work: Path, timeout: float | None) -> dict:
    module, tests = TARGETS[name]
    missing = [t for t in tests if not (work / t).exists()]
    if missing:
        raise SystemExit(f"mutation: {name}: test files not found: {', '.join(missing)}")
    config = work / f"cr-{name}.toml"
    session = work / f"cr-{name}.sqlite"
    config.write_text(  # `cosmic-ray init` reads it; the tests are run by _exec
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        "timeout = 600\n"
        "excluded-modules = []\n"
        f'test-command = "python -m pytest -x -q {" ".join(tests)}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n', encoding="utf-8")
    os.environ.update({"PYTHONPATH": str(work / "src"), "SEMGREP_ENABLE_VERSION_CHECK": "0"})
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=work, check=True)
    dotted = module.removeprefix("src/").removesuffix(".py").replace("/", ".")
    started = time.monotonic()
    if _tests_in_fork(work, dotted, tests, 3600):
        raise SystemExit(f"mutation: {name}: the tests fail without any mutation: "
                         f"run `python -m pytest -x {' '.join(tests)}`")
    # a mutant that loops forever is killed by the timeout: ten times the unmutated run
    _exec(work, module, dotted, tests, session, timeout or max(30.0, 10 * (time.monotonic() - started)))
    dump = subprocess.run([*cosmic, "dump", str(session)], cwd=work, check=True,
                          capture_output=True, text=True).stdout
    total, survivors = 0, []
    for line in dump.splitlines():
        job, result = json.loads(line)
        if not result:
            continue
        total += 1
        if result.get("test_outcome") == "survived":
            m = job["mutations"][0]
            survivors.append({"line": m["start_pos"][0], "operator": m["operator_name"].split("/")[-1],
                              "diff": result.get("diff", "")})
    return {"module": module, "mutants": total, "survived": survivors}


def recheck(previous: Path, timeout: float) -> int:
    """Run each survivor of an earlier --json result against the targets' tests as they are
    now (one `git apply` of its diff to a fresh committed copy each): which are killed now."""
    def fails(tests: tuple[str, ...], diff: str) -> bool:
        with tempfile.TemporaryDirectory(prefix="tightrope-recheck-") as tmp:
            work = Path(tmp)
            committed_copy(work)
            if diff:
                patch = diff.split("--- mutation diff ---\n", 1)[-1].rstrip("\n") + "\n"
                if subprocess.run(["git", "apply", "--recount", "-"], cwd=work, input=patch, text=True).returncode:
                    subprocess.run(["patch", "-s", "-p1"], cwd=work, input=patch, text=True, check=True)
            env = {**os.environ, "PYTHONPATH": str(work / "src"), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
            try:
                return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                                      cwd=work, env=env, capture_output=True, timeout=timeout).returncode != 0
            except subprocess.TimeoutExpired:
                return True

    left = 0
    for r in json.loads(previous.read_text(encoding="utf-8")):
        name = next(n for n, (module, _) in TARGETS.items() if module == r["module"])
        tests = TARGETS[name][1]
        if fails(tests, ""):
            raise SystemExit(f"mutation: {name}: the tests fail without any mutation")
        for s in r["survived"]:
            killed = fails(tests, s["diff"])
            left += not killed
            print(f"{'killed' if killed else 'SURVIVES'}: {r['module']}:{s['line']} {s['operator']}")
    print(f"{left} still survive")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("targets", nargs="*", metavar="TARGET", help=f"any of {', '.join(TARGETS)} (default: all)")
    ap.add_argument("--timeout", type=float, help="seconds per mutant's test run (default: 10 × the unmutated run, "
                    "at least 30; --recheck: 120)")
    ap.add_argument("--json", type=Path, help="also write the full result (with diffs) here")
    ap.add_argument("--recheck", type=Path, metavar="JSON",
                    help="only run the survivors of an earlier --json result against the tests as they are now")
    args = ap.parse_args(argv)
    if args.recheck:
        return recheck(args.recheck, args.timeout or 120.0)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        ap.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    if shutil.which("cosmic-ray", path=str(Path(sys.executable).parent)) is None:
        print("mutation: cosmic-ray is not installed; run `.venv/bin/pip install cosmic-ray`", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="tightrope-mutation-") as tmp:
        work = Path(tmp)
        committed_copy(work)
        for name in args.targets or list(TARGETS):
            results.append(run_target(name, work, args.timeout))
    print("| module | mutants | survived |\n|---|---|---|")
    for r in results:
        print(f"| `{r['module']}` | {r['mutants']} | {len(r['survived'])} |")
    for r in results:
        for s in r["survived"]:
            print(f"survived: {r['module']}:{s['line']} {s['operator']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
