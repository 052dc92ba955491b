"""policy.py's values: the README's documented defaults are the real ones, and every
validator's boundary (issue 18: the mutation check of policy.py runs these)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from tightrope import policy
from tightrope.errors import PolicyError
from tightrope.findings import Severity
from tightrope.trust import load_trust


def load(root, explicit=None):
    """The policy a local run reads: the work tree's, or an explicit file."""
    return load_trust(root, base=None, explicit=explicit, use_baseline=False).policy


def readme_block(after: str) -> str:
    """The first ```toml block after the line `after` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```toml\n(.*?)```", text[text.index(after):], re.S).group(1)


def test_the_readme_policy_block_documents_the_defaults():
    p = policy.from_text(readme_block("## Policy"), "README")
    d = policy.Policy()
    assert (p.fail_on, p.baseline, p.patterns) == (d.fail_on, d.baseline, d.patterns) == (
        Severity.HIGH, ".tightrope/baseline.json", True)
    assert p.dependencies.require_pins is d.dependencies.require_pins is False
    # every identity key the README shows with its default value (not the examples)
    assert p.identity._replace(branches=()) == d.identity
    assert d.identity.max_lifetime == 30 * 86400
    assert p.identity.branches == (("release/*", "signed"),)
    assert p.rules["py.flask-debug"] == policy.RuleOverride(blocking=False, severity=Severity.MEDIUM)
    assert p.approved_mcp_servers == ("github",) and p.dependencies.allow == ("our-internal-package",)


def test_the_readme_caps_block_is_the_defaults():
    assert policy.from_text(readme_block("**The policy comes from the base commit.**"), "README").caps == policy.CapsPolicy()


@pytest.mark.parametrize("text, value", [("1m", 60), ("12h", 43200), ("30d", 2592000), ("2w", 1209600), ("07d", 604800)])
def test_durations(text, value):
    assert policy.from_text(f'[identity]\nmax_lifetime = "{text}"\n', "x").identity.max_lifetime == value


@pytest.mark.parametrize("body, key", [
    ('[identity]\nmax_lifetime = "0d"', "identity.max_lifetime"),
    ('[identity]\nmax_lifetime = "d"', "identity.max_lifetime"),
    ('[identity]\nmax_lifetime = "5y"', "identity.max_lifetime"),
    ('[identity]\nmax_lifetime = 30', "identity.max_lifetime"),
    ('[identity]\nmax_lifetime = "3xd"', "identity.max_lifetime"),
    ("[caps]\nmax_files = -1", "caps.max_files"),
    ("[caps]\nmax_files = 1.5", "caps.max_files"),
    ('baseline = ""', "baseline"),
    ('exclude = "tests/**"', "exclude"),
    ('exclude = ["a", 1]', "exclude"),
    ('patterns = "false"', "patterns"),
    ("caps = 1", "caps"),
    ('[caps]\ntitle_prefix = 1', "caps.title_prefix"),
    ('[caps]\non_violation = "label"', "caps.on_violation"),
    ('[identity.branches]\n"x" = "maybe"', "identity.branches.x"),
    ('[rules."r"]\nseverity = "severe"', "rules.r.severity"),
    ('[rules."r"]\nskip = true', "rules.r.skip"),
    ('[mcp]\napproved = ["x"]', "mcp.approved"),
    ('[dependencies]\nrequire_pins = 1', "dependencies.require_pins"),
])
def test_each_bad_value_names_its_key_and_the_file(body, key):
    with pytest.raises(PolicyError) as err:
        policy.from_text(body + "\n", "conf.toml")
    assert err.value.message.startswith("conf.toml: ") and key in err.value.message
    assert err.value.hint


def test_an_unknown_key_lists_the_known_ones():
    with pytest.raises(PolicyError) as err:
        policy.from_text("[dependencies]\npins = true\n", "conf.toml")
    assert err.value.hint == "known keys here: allow, require_pins"


def test_the_smallest_values_allowed():
    p = policy.from_text('[caps]\nmax_files = 1\ntitle_prefix = ""\n[identity]\nrepository = ""\n', "x")
    assert p.caps.max_files == 1 and p.caps.title_prefix == "" and p.identity.repository == ""


def test_branch_rules_first_match_wins():
    p = policy.from_text('[identity]\nrequire = "off"\n[identity.branches]\n"release/*" = "signed"\n'
                         '"*" = "named-human"\n', "x")
    assert [p.identity.require_for(b) for b in ("release/1", "main")] == ["signed", "named-human"]
    assert policy.from_text('[identity]\nrequire = "off"\n', "x").identity.require_for("main") == "off"


@pytest.mark.parametrize("spelling", ['[tool.tightrope]', '[tool."tightrope"]', "[tool.'tightrope']",
                                      '[tool."tight\\u0072ope"]', '[tool."TIGHT\\U00000072OPE".x]'])
def test_a_pyproject_table_is_found_however_its_key_is_spelt(spelling):
    """pyproject.toml is parsed only when it may hold the table: never skipped when it does."""
    text = f'[project]\nname = "x"\n{spelling}\nfail_on = "low"\n'
    import tomllib
    has_table = "tightrope" in tomllib.loads(text).get("tool", {})
    found = policy.from_text(text, "pyproject.toml", pyproject=True)
    assert (found is not None) == has_table
    if spelling.startswith("[tool.tightrope]") or "u0072" in spelling:
        assert found is not None and found.fail_on == Severity.LOW


def test_a_pyproject_without_the_table_is_not_parsed():
    """Not even for its syntax: pyproject.toml belongs to the project, not to tightrope."""
    assert policy.from_text('[project\nname = "x"', "pyproject.toml", pyproject=True) is None
    with pytest.raises(PolicyError, match="not valid TOML"):
        policy.from_text('[tool.tightrope\nfail_on = "low"', "pyproject.toml", pyproject=True)


def test_where_the_policy_is_read_from(tmp_path):
    assert load(None) == policy.Policy(source="defaults (defaults)")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load(tmp_path).source == "defaults (work tree)"  # a pyproject without the table
    (tmp_path / "pyproject.toml").write_text('[tool.tightrope]\nfail_on = "low"\n')
    assert load(tmp_path).source == "pyproject.toml (work tree) [tool.tightrope]"
    (tmp_path / ".tightrope.toml").write_text('fail_on = "medium"\n')
    p = load(tmp_path)
    assert p.source == ".tightrope.toml (work tree)" and p.fail_on == Severity.MEDIUM
    explicit = tmp_path / "other" / "pyproject.toml"
    explicit.parent.mkdir()
    explicit.write_text('[tool.tightrope]\nfail_on = "critical"\n')
    assert load(tmp_path, explicit).fail_on == Severity.CRITICAL
    with pytest.raises(PolicyError, match="not found"):
        load(tmp_path, tmp_path / "nope.toml")
    (tmp_path / ".tightrope.toml").write_bytes(b'fail_on = "\xff"\n')
    with pytest.raises(PolicyError, match="not UTF-8"):
        load(tmp_path)


def test_an_explicit_policy_file_of_any_name_is_read_as_a_policy(tmp_path):
    for name in ("custom.toml", "team-policy.toml", "z.toml"):  # sorting before and after "pyproject.toml"
        (tmp_path / name).write_text('fail_on = "critical"\n')
        assert load(None, tmp_path / name).fail_on == Severity.CRITICAL, name
