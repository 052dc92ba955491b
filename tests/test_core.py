"""core.check on real diffs: the scanners together, policy and suppression."""

from tightrope import core, gitio
from tightrope.policy import Policy
from tokens import anthropic_key


def test_a_secret_is_reported_once_not_again_as_a_hard_coded_credential(repo):
    repo.commit({"README.md": "x\n"})
    repo.stage({"settings.py": f'ANTHROPIC_API_KEY = "{anthropic_key(21)}"\nadmin_password = "Zq8-not-a-known-format-7Yt"\n'})  # tightrope: allow secret.keyword made-up test value
    report = core.check(gitio.staged(repo.path), Policy())
    by_line = {}
    for f in report.findings:
        by_line.setdefault(f.line, []).append(f.rule_id)
    assert by_line[1] == ["secret.anthropic-api-key"]
    assert by_line[2] == ["secret.keyword"]  # detect-secrets' keyword plugin, again only once


def test_excluded_paths_and_disabled_rules(repo):
    repo.commit({"README.md": "x\n"})
    repo.stage({"fixtures/k.py": f'KEY = "{anthropic_key(22)}"\n', "app.py": f'KEY = "{anthropic_key(23)}"\n'})
    report = core.check(gitio.staged(repo.path), Policy(exclude=("fixtures/**",)))
    assert {f.path for f in report.findings} == {"app.py"}
    report = core.check(gitio.staged(repo.path), Policy(disable=("secret.*", "py.*")))
    assert report.findings == []
