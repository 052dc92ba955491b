"""caps.py: PR facts + policy -> one finding per violation; humans' PRs are not capped."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tightrope import caps, policy
from tightrope.caps import AgentPulls, ChangedFile, CommitFacts, PullFacts, PullSummary
from tightrope.core import check_caps

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def facts(**kw) -> PullFacts:
    base = dict(forge="github", repo="o/r", number=4, author="copilot-swe-agent[bot]", head_branch="fix-typo",
                title="Fix typo", body="Small fix.", created_at=NOW - timedelta(hours=1),
                files=(ChangedFile("src/app.py", 3, 1, patch_bytes=120),), commits=(CommitFacts("a" * 40, "fix"),))
    base.update(kw)
    return PullFacts(**base)


def pol(text: str = "") -> policy.Policy:
    import tomllib

    return policy.parse(tomllib.loads(text), ".tightrope.toml")


def rules(report) -> list[str]:
    return sorted(f.rule_id for f in report.findings)


@pytest.mark.parametrize("kw, reason", [
    ({"author": "copilot-swe-agent[bot]"}, "Copilot"),
    ({"author": "dana", "head_branch": "claude/fix-login"}, "claude/"),
    ({"author": "dana", "commits": (CommitFacts("b" * 40, "fix\n\nAssisted-by: codex:gpt-5\n"),)}, "codex"),
    ({"author": "my-bot"}, "caps.agents"),
])
def test_agent_prs_are_recognised(kw, reason):
    match = caps.agent_match(facts(**kw), pol('[caps]\nagents = ["my-bot"]').caps)
    assert match is not None and reason in match.reason


def test_a_human_pr_with_the_same_diff_passes_and_humans_list_removes_agents():
    diff = dict(files=(ChangedFile(".github/workflows/ci.yml", 5, 0),), body="see https://evil.example/x")
    assert check_caps(facts(author="dana", **diff), None, pol(), NOW).findings == []
    assert rules(check_caps(facts(**diff), AgentPulls((), ()), pol(), NOW)) == ["caps.link-domain",
                                                                                 "caps.protected-path"]
    removed = pol('[caps]\nhumans = ["copilot-swe-agent[bot]"]')
    assert check_caps(facts(**diff), None, removed, NOW).findings == []


def test_one_finding_per_violation_naming_the_cap_and_how_to_change_it():
    open_prs = tuple(PullSummary(n, "copilot-swe-agent[bot]", f"copilot/{n}", NOW - timedelta(days=3)) for n in (1, 2, 3))
    report = check_caps(facts(files=(ChangedFile(".github/workflows/ci.yml", 5, 0),), body="https://evil.example"),
                        AgentPulls(open_prs, ()), pol("[caps]\nmax_open_prs = 3"), NOW)
    by_rule = {f.rule_id: f for f in report.findings}
    assert sorted(by_rule) == ["caps.link-domain", "caps.max-open-prs", "caps.protected-path"]
    assert all(f.blocking for f in report.findings)
    assert "4 open PRs" in by_rule["caps.max-open-prs"].message and "caps.max_open_prs" in by_rule["caps.max-open-prs"].message
    assert "max_open_prs" in by_rule["caps.max-open-prs"].help and "base branch" in by_rule["caps.max-open-prs"].help
    assert by_rule["caps.protected-path"].path == ".github/workflows/ci.yml"
    assert "evil.example" in by_rule["caps.link-domain"].message


def test_size_caps_and_turning_a_cap_off():
    big = facts(files=tuple(ChangedFile(f"f{i}.py", 30, 40, patch_bytes=100) for i in range(60)),
                commits=tuple(CommitFacts(f"{i:040d}", "x") for i in range(25)))
    assert rules(check_caps(big, AgentPulls((), ()), pol(), NOW)) == [
        "caps.max-commits", "caps.max-files", "caps.max-lines-added", "caps.max-lines-removed"]
    off = pol("[caps]\nmax_files = false\nmax_commits = false\nmax_lines_added = false\nmax_lines_removed = false")
    assert check_caps(big, AgentPulls((), ()), off, NOW).findings == []


def test_counts_only_the_same_agent_and_the_last_24_hours():
    mine = [PullSummary(n, "copilot-swe-agent[bot]", "x", NOW - timedelta(hours=n)) for n in range(10, 40)]
    others = [PullSummary(n, "dana", "feature", NOW) for n in range(100, 150)]
    pulls = AgentPulls(tuple(mine + others), tuple(mine + others))
    report = check_caps(facts(), pulls, pol("[caps]\nmax_open_prs = false\nmax_prs_per_day = 15"), NOW)
    (f,) = report.findings
    assert f.rule_id == "caps.max-prs-per-day" and " 16 PRs created" in f.message  # hours 10..23 + this one


def test_a_human_using_an_agent_branch_counts_only_agent_branches():
    match_branch = facts(author="dana", head_branch="claude/a")
    pulls = AgentPulls((PullSummary(1, "dana", "claude/b", NOW), PullSummary(2, "dana", "feature", NOW)), ())
    report = check_caps(match_branch, pulls, pol("[caps]\nmax_open_prs = 1"), NOW)
    assert [f.rule_id for f in report.findings] == ["caps.max-open-prs"] and "has 2 open" in report.findings[0].message


@pytest.mark.parametrize("path", [
    ".github/workflows/ci.yml", ".gitlab-ci.yml", "docs/CODEOWNERS", ".pre-commit-config.yaml", ".tightrope.toml",
    "AGENTS.md", "sub/claude.md", ".cursor/rules/x.mdc", ".husky/pre-commit", ".GitHub/Workflows/x.yml",
    ".tightrope/allowed_signers",
])
def test_protected_paths(path):
    assert caps.path_matches(path, policy.Policy().caps.protected_paths + caps._trust_paths(policy.Policy()))


def test_renaming_a_protected_file_away_is_touching_it_and_policy_in_pyproject_is_protected():
    moved = facts(files=(ChangedFile("old-ci.yml", 0, 0, previous_path=".github/workflows/ci.yml"),))
    assert rules(check_caps(moved, AgentPulls((), ()), pol(), NOW)) == ["caps.protected-path"]
    in_pyproject = policy.parse({"caps": {}}, "pyproject.toml [tool.tightrope]")
    touched = facts(files=(ChangedFile("pyproject.toml", 1, 1),))
    assert rules(check_caps(touched, AgentPulls((), ()), in_pyproject, NOW)) == ["caps.protected-path"]


def test_allowed_paths_are_exclusive():
    report = check_caps(facts(files=(ChangedFile("src/a.py"), ChangedFile("setup.py"))), AgentPulls((), ()),
                        pol('[caps]\nallowed_paths = ["src/**"]'), NOW)
    assert [(f.rule_id, f.path) for f in report.findings] == [("caps.path-not-allowed", "setup.py")]


@pytest.mark.parametrize("text, host", [
    ("see https://evil.example/a", "evil.example"),
    ("see https://github.com@evil.example/a", "evil.example"),
    ("see https://github.com.evil.example/", "github.com.evil.example"),
    ("see ｈｔｔｐｓ://ｅｖｉｌ．example/", "evil.example"),  # fullwidth look-alikes
    ("see https://ev\u200bil.example/", "evil.example"),  # zero-width space
    ("see https://\u202eelpmaxe.live/", "elpmaxe.live"),  # bidi override
    ("see h&#116;tps://evil.example/", "evil.example"),  # HTML entity
    ("see www.evil.example", "www.evil.example"),
    ('<a href="//evil.example/x">x</a>', "evil.example"),
    ("see https://g\u0456thub.com/x", "g\u0456thub.com"),  # Cyrillic i: not github.com
])
def test_links_to_unapproved_domains_survive_evasions(text, host):
    assert host in caps.link_hosts(text)
    assert not caps.domain_allowed(host, policy.Policy().caps.allowed_domains)


def test_allowed_domains_subdomains_the_forge_host_and_star():
    assert caps.domain_allowed("docs.github.com", ("github.com",))
    allowed = check_caps(facts(body="https://gitlab.example.org/x https://docs.github.com", host="gitlab.example.org"),
                         AgentPulls((), ()), pol(), NOW)
    assert allowed.findings == []
    assert check_caps(facts(body="https://evil.example"), AgentPulls((), ()), pol('[caps]\nallowed_domains = ["*"]'),
                      NOW).findings == []


def test_mentions_and_closing_keywords_are_reported_without_blocking():
    report = check_caps(facts(body="cc @octocat and @org/team, mail a@b.com. Fixes #12, closes o/r#3"),
                        AgentPulls((), ()), pol(), NOW)
    got = sorted((f.rule_id, f.message) for f in report.findings)
    assert [r for r, _ in got] == ["caps.closing-keyword"] * 2 + ["caps.mention"] * 2
    assert not any(f.blocking for f in report.findings)
    assert not any("b.com" in m for _, m in got)


def test_mentions_and_keywords_inside_code_are_not_reported_but_links_are():
    body = "Use it:\n```python\n@property\ndef x(): ...  # fixes #3\n```\nand `@dataclass`; see https://evil.example\n"
    report = check_caps(facts(body=body), AgentPulls((), ()), pol(), NOW)
    assert rules(report) == ["caps.link-domain"]
    inside = check_caps(facts(body="```\nhttps://evil.example\n```"), AgentPulls((), ()), pol(), NOW)
    assert rules(inside) == ["caps.link-domain"]


def test_text_labels_prefix_and_draft():
    strict = pol('[caps]\nrequired_labels = ["agent"]\ntitle_prefix = "[bot] "\nrequire_draft = true\n'
                 "max_title_chars = 10\nmax_body_chars = 20")
    report = check_caps(facts(title="A rather long title", body="x" * 21), AgentPulls((), ()), strict, NOW)
    assert rules(report) == ["caps.draft-required", "caps.max-body-chars", "caps.max-title-chars",
                             "caps.required-label", "caps.title-prefix"]
    ok = check_caps(facts(title="[bot] ok", body="fine", labels=("Agent",), draft=True), AgentPulls((), ()), strict, NOW)
    assert ok.findings == []


def test_what_could_not_be_read_is_a_finding_never_silence():
    degraded = facts(author="", head_branch="feature", commits=None, files=None)
    (f,) = check_caps(degraded, None, pol(), NOW).findings
    assert f.rule_id == "caps.unchecked" and "agent PR" in f.message
    agent = facts(files=None, commits=None, unknown=("the end of the description (truncated)",))
    report = check_caps(agent, None, pol(), NOW)
    messages = sorted(f.message for f in report.findings if f.rule_id == "caps.unchecked")
    assert len(messages) == len(report.findings) == 4, messages
    for words in ("changed files", "open and recent", "number of commits", "end of the description"):
        assert any(words in m for m in messages), words


def test_policy_overrides_apply_and_caps_can_be_turned_off():
    bad = facts(files=(ChangedFile(".github/workflows/ci.yml"),))
    report = check_caps(bad, AgentPulls((), ()), pol('disable = ["caps.protected-path"]'), NOW)
    assert report.findings == []
    report = check_caps(bad, AgentPulls((), ()), pol("[caps]\nenabled = false"), NOW)
    assert report.findings == [] and "turned off" in report.notes[0]


def test_the_readme_documents_every_caps_key():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Caps on agents' pull and merge requests", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in policy.CapsPolicy._fields if f"\n{name} = " not in section]
    assert not missing, f"README's caps section does not document {missing}"


def test_dependency_manifests_only_with_dependencies_that_pass_the_checks():
    from tightrope.caps import added_lines

    strict = pol("[caps]\nprotect_dependency_manifests = true")
    good = ChangedFile("requirements.txt", 1, 0, added=added_lines("@@ -0,0 +1 @@\n+requests==2.31.0\n"))
    bad = ChangedFile("requirements.txt", 1, 0, added=added_lines("@@ -0,0 +1 @@\n+reqeusts==2.31.0\n"))
    unknown = ChangedFile("package.json", 1, 0)
    assert check_caps(facts(files=(good,)), AgentPulls((), ()), strict, NOW).findings == []
    assert rules(check_caps(facts(files=(bad,)), AgentPulls((), ()), strict, NOW)) == ["caps.dependency-manifest"]
    assert rules(check_caps(facts(files=(unknown,)), AgentPulls((), ()), strict, NOW)) == ["caps.unchecked"]
    assert check_caps(facts(files=(bad,)), AgentPulls((), ()), pol(), NOW).findings == []  # off by default


def test_per_human_cap_needs_the_delegations_or_says_it_could_not_count():
    commits = (CommitFacts("c" * 40, "x\n\nDelegated-by: Dana <dana@example.com>\n"),)
    pr = facts(commits=commits)
    (f,) = check_caps(pr, AgentPulls((), ()), pol(), NOW).findings
    assert f.rule_id == "caps.unchecked" and "dana@example.com" in f.message
    others = tuple(PullSummary(n, "claude[bot]", "b", NOW - timedelta(hours=1), "dana@example.com") for n in range(100, 120))
    (f,) = check_caps(pr, AgentPulls((), (), others), pol(), NOW).findings
    assert f.rule_id == "caps.max-prs-per-day-per-human" and "21 PRs" in f.message
    assert check_caps(pr, AgentPulls((), (), others), pol("[caps]\nmax_prs_per_day_per_human = false"), NOW).findings == []
