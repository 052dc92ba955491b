"""Never skip silently, never stall: large files, the time budget, scan.incomplete, batches.
Real git, real semgrep; behaviour, never wall time."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import run_cli

from tightrope import gitio
from tightrope.diff import AddedLine
from tightrope.errors import PolicyError
from tightrope.policy import Policy, TimeBudget, parse
from tightrope.scan import patterns, semgrep_runner, slices

pytestmark = pytest.mark.skipif(semgrep_runner.locate().missing, reason="semgrep is not installed")

SHELL_LINE = "os.system('tar czf /tmp/out.tgz ' + os.environ['DIR'])"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tightrope-cache"))
    for var in ("TIGHTROPE_SEMGREP", "TIGHTROPE_SEMGREP_CORE", "TIGHTROPE_SEMGREP_ENGINE", "TIGHTROPE_JOBS"):
        monkeypatch.delenv(var, raising=False)


def flat_module(n: int, last: str = SHELL_LINE) -> str:
    """A generated, flat module: n lines of constants and table entries, then `last`."""
    body = []
    for i in range(n):
        body.append((f"NAME_{i} = 'value-{i}'", f"TABLE[{i}] = (NAME_{i - 1}, {i * 7 % 1000})",
                     f"LIMIT_{i} = {i} * 3 + 1", f"ALIASES_{i} = [NAME_{i - 3}, 'alt-{i}']")[i % 4])
    return "import os\n\nTABLE = {}\n" + "\n".join(body) + f"\n{last}\n"


ROOMY = Policy(time_budget=TimeBudget(hook_seconds=600))


def staged(repo, policy: Policy = Policy(), **kw) -> patterns.PatternResult:
    cs = gitio.staged(repo.path)
    return patterns.run(cs, [c for c in cs.changes if c.is_scannable], policy, **kw)


def incomplete(result: patterns.PatternResult) -> list:
    return [f for f in result.findings if f.rule_id == patterns.INCOMPLETE_RULE]


# --- large and minified files are scanned where they change ------------------------------------

def test_flat_50000_line_file_is_judged_within_the_hook_budget(repo):
    text = flat_module(50_000)
    repo.stage({"gen/table.py": text})
    result = staged(repo)  # the default policy: the hook's budget
    assert incomplete(result) == []
    [f] = [f for f in result.findings if f.rule_id == "py.command-injection"]
    assert f.path == "gen/table.py" and f.line == text.count("\n")
    assert any(n.startswith("gen/table.py: large file (") for n in result.notes), result.notes


def test_insecure_line_added_in_the_middle_of_a_large_file(repo):
    lines = flat_module(20_000, last="").split("\n")
    repo.commit({"gen/table.py": "\n".join(lines)})
    lines.insert(10_000, SHELL_LINE)
    repo.stage({"gen/table.py": "\n".join(lines)})
    result = staged(repo)
    assert [(f.rule_id, f.line) for f in result.findings] == [("py.command-injection", 10_001)]


def test_minified_and_huge_files_are_scanned_not_skipped(repo):
    minified = "var a=1;" * 2000 + "eval(location.hash.slice(1));\n"  # one 16 kB line
    huge = "x = 1  # filler\n" * 150_000 + "import os\n" + SHELL_LINE + "\n"  # 2.4 MB
    repo.stage({"dist/app.min.js": minified, "gen/big.py": huge})
    result = staged(repo, ROOMY)  # about what is scanned; the 50,000-line test is about the budget
    found = {(f.rule_id, f.path) for f in result.findings}
    assert ("js.code-injection", "dist/app.min.js") in found
    assert ("py.command-injection", "gen/big.py") in found
    assert not any("not pattern-scanned" in n for n in result.notes)
    assert any(n.startswith("dist/app.min.js: large file (a line of") for n in result.notes)


def test_slices_keep_line_numbers_and_hold_each_added_line_once():
    text = flat_module(3_000)
    lines = text.split("\n")
    added = list(range(1, len(lines), 7))
    cut = slices.slices(text, added)
    assert len(cut) > 1 and all(sl.lines <= slices.SLICE_LINES for sl in cut)
    kept = [sl.content.decode().split("\n") for sl in cut]
    for n in added:
        if lines[n - 1]:
            assert sum(1 for k in kept if k[n - 1:n] == [lines[n - 1]]) == 1
    for k in kept:  # every kept line is where it was in the file
        assert all(line in ("", orig) for line, orig in zip(k, lines))


def test_regions_widen_to_the_enclosing_top_level_statement():
    consts = [f"C{i} = {i}" for i in range(100)]
    lines = consts + ["def build(arg):"] + [f"    x{i} = step({i})" for i in range(100)] + consts
    [(start, end)] = slices.regions(lines, [150])  # 1-based: inside the function, its middle
    assert (start, end) == (100, 201)  # from `def build` to the statement after the function


def test_seeds_are_added_lines_near_a_keyword():
    lines = ["x = 1"] * 200
    lines[100] = "os.system(cmd)"
    text = "\n".join(lines)
    assert slices.seeds(text, [1, 90, 101, 131, 132, 199], {"os.system"}) == [90, 101, 131]
    assert slices.seeds(text, [1, 90], None) == [1, 90]


# --- the time budget and scan.incomplete ----------------------------------------------------

SLOW_RULE = """
rules:
- id: test.slow
  languages: [python]
  severity: ERROR
  message: an assignment and any later call (quadratic on a flat module)
  metadata: {keywords: ["run"]}
  patterns:
    - pattern-inside: |
        $V = $X
        ...
    - pattern: run($V, ...)
"""


def slow_target(n: int = 4_000) -> patterns.Target:
    text = "\n".join(f"v{i} = {i}\nrun(v{i - 1})" for i in range(n // 2)) + "\n"
    return patterns.Target("flat.py", text.encode(), [AddedLine(i + 1, line) for i, line in enumerate(text.split("\n"))])


@pytest.mark.parametrize("ci", [True, False])
def test_a_rule_that_times_out_is_a_finding_blocking_only_in_ci(tmp_path, ci):
    (tmp_path / "slow.yaml").write_text(SLOW_RULE)
    result = patterns.scan_targets([slow_target()], rules_root=tmp_path, budget_s=1.0, ci=ci)
    [f] = incomplete(result)
    assert f.path == "flat.py" and f.line == 1 and f.kind == "pattern"
    assert "test.slow" in f.message
    assert f.blocking is ci and str(f.severity) == ("high" if ci else "low")
    assert not any("timed out" in n for n in result.notes)  # the finding says it, not a note alone


def test_budget_spent_before_semgrep_starts_judges_nothing_and_says_so(repo):
    repo.stage({"a.py": "import os\n" + SHELL_LINE + "\n", "b.js": "eval(location.hash);\n"})
    result = patterns.scan_targets(
        [patterns.Target(p, (repo.path / p).read_bytes(), [AddedLine(1, "x")]) for p in ("a.py", "b.js")],
        budget_s=0, ci=True)
    assert result.semgrep_runs == 0
    assert sorted(f.path for f in incomplete(result)) == ["a.py", "b.js"]
    assert [f for f in result.findings if f.rule_id != patterns.INCOMPLETE_RULE] == []


def test_incomplete_fingerprint_changes_with_the_content():
    a = patterns._incomplete({"f.py": {"r"}}, {"f.py": patterns.Target("f.py", b"x = 1\n", [AddedLine(1, "x = 1")])}, True)
    b = patterns._incomplete({"f.py": {"r"}}, {"f.py": patterns.Target("f.py", b"x = 2\n", [AddedLine(1, "x = 2")])}, True)
    assert a[0].fingerprint != b[0].fingerprint  # a baselined incomplete scan never covers new content


def test_ci_range_blocks_on_an_unfinished_scan_the_hook_does_not(repo):
    repo.commit({".tightrope.toml": "[time_budget]\nhook_seconds = 0.001\nci_seconds = 0.001\n"})
    repo.commit({"app/run.py": "import os\n" + SHELL_LINE + "\n"})
    ci = run_cli("scan", "--range", "HEAD~1..HEAD", "--scanners", "patterns", "--format", "json", cwd=repo.path)
    assert ci.returncode == 1, ci.stderr.decode()
    [f] = json.loads(ci.stdout)["findings"]
    assert f["rule_id"] == "scan.incomplete" and f["blocking"] is True
    repo.stage({"app/more.py": "import os\n" + SHELL_LINE + "\n"})
    hook = run_cli("scan", "--staged", "--scanners", "patterns", "--format", "json", cwd=repo.path)
    assert hook.returncode == 0, hook.stderr.decode()
    [f] = json.loads(hook.stdout)["findings"]
    assert f["rule_id"] == "scan.incomplete" and f["blocking"] is False


def test_time_budget_policy_key():
    p = parse({"time_budget": {"hook_seconds": 2, "ci_seconds": 90.5}}, "t")
    assert p.time_budget == TimeBudget(hook_seconds=2.0, ci_seconds=90.5)
    assert Policy().time_budget.hook_seconds <= 10
    for bad in ({"hook_seconds": 0}, {"ci_seconds": "60"}, {"hook_seconds": True}, {"ci_seconds": 99999},
                {"hook": 3}):
        with pytest.raises(PolicyError) as err:
            parse({"time_budget": bad}, "t")
        assert "time_budget." in err.value.message


# --- each file only its own rules, all cores -------------------------------------------------

def test_batches_hold_one_language_and_only_rules_their_files_can_match(tmp_path):
    rules, _ = patterns.load_rules()
    sources = {"db.py": "cur.execute(q % x)", "sh.py": "os.system(c + x)", "sh2.py": "os.system(d + x)",
               "web.js": "eval(location.hash)"}
    targets = [patterns.Target(p, (src + "\n").encode(), [AddedLine(1, src)]) for p, src in sources.items()]
    pairs = patterns.candidates(rules, targets)
    pieces, _ = patterns._pieces(targets, pairs)
    batches = patterns._batches(pieces, pairs, tmp_path)
    assert len(batches) == 2  # small files: one batch per language
    for b in batches:
        paths = {t.path for t in b.targets}
        assert len({patterns.language_of(p) for p in paths}) == 1
        assert set(b.rule_ids) == {r.id for p in paths for r in pairs[p]}
    js = next(b for b in batches if {t.path for t in b.targets} == {"web.js"})
    assert all(r.startswith("js.") for r in js.rule_ids)


def test_many_files_run_in_parallel_processes_with_the_same_findings(repo, monkeypatch):
    files = {f"pkg/m{i}.py": textwrap.dedent(f"""\
        import os


        def go{i}(d):
            {'os.system("ls " + d)' if i % 2 else 'os.popen("du " + d)'}
        """) for i in range(12)}
    repo.stage(files)
    monkeypatch.setattr(patterns, "BATCH_BYTES", 1)  # one file per batch
    many = staged(repo, ROOMY)  # this test is about the split, not time
    monkeypatch.setenv("TIGHTROPE_JOBS", "1")
    one = staged(repo, ROOMY)
    assert many.semgrep_runs == 12 and incomplete(many) == []
    assert sorted((f.rule_id, f.path, f.line) for f in many.findings) == \
        sorted((f.rule_id, f.path, f.line) for f in one.findings)
    assert len(many.findings) == 12
