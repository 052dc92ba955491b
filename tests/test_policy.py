import pytest

from tightrope.errors import PolicyError
from tightrope.findings import Severity
from tightrope.trust import load_trust


def load(root):
    """The work tree's policy, as a local run (a hook) reads it."""
    return load_trust(root, base=None, use_baseline=False).policy


def test_missing_file_means_safe_defaults(tmp_path):
    p = load(tmp_path)
    assert p.fail_on == Severity.HIGH and p.source == "defaults (work tree)" and p.identity.require == "trailers"


def test_tightrope_toml_and_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tightrope]\nfail_on = "medium"\n')
    assert load(tmp_path).fail_on == Severity.MEDIUM
    (tmp_path / ".tightrope.toml").write_text(
        'fail_on = "critical"\nexclude = ["tests/**"]\n[rules."py.flask-debug"]\nblocking = false\n'
        '[identity]\nrequire = "named-human"\n[identity.branches]\n"release/*" = "signed"\n')
    p = load(tmp_path)
    assert p.fail_on == Severity.CRITICAL and p.exclude == ("tests/**",)
    assert p.rules["py.flask-debug"].blocking is False
    assert p.identity.require_for("release/1.0") == "signed" and p.identity.require_for("main") == "named-human"


@pytest.mark.parametrize("text, words", [
    ('fail_on = "severe"', ["fail_on", "severe"]),
    ('exlude = ["x"]', ["unknown key 'exlude'"]),
    ('[identity]\nrequire = "maybe"', ["identity.require", "maybe"]),
    ('[rules."x"]\nblocking = "no"', ["rules.x.blocking"]),
    ('patterns = true\nfail_on = = 2', ["not valid TOML", "line 2"]),
])
def test_broken_policy_names_the_key(tmp_path, text, words):
    (tmp_path / ".tightrope.toml").write_text(text)
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    for w in words:
        assert w in err.value.message


def test_caps_defaults_and_turning_caps_off(tmp_path):
    caps = load(tmp_path).caps
    assert caps.enabled and caps.max_open_prs == 5 and ".github/workflows/**" in caps.protected_paths
    (tmp_path / ".tightrope.toml").write_text(
        '[caps]\nmax_open_prs = 3\nmax_files = false\nallowed_domains = ["*"]\non_violation = ["label", "draft"]\n')
    caps = load(tmp_path).caps
    assert caps.max_open_prs == 3 and caps.max_files is None and caps.allowed_domains == ("*",)
    assert caps.on_violation == ("label", "draft")


@pytest.mark.parametrize("text, words", [
    ("[caps]\nmax_files = 0", ["caps.max_files", "false to turn it off"]),
    ("[caps]\nmax_open_prs = true", ["caps.max_open_prs"]),
    ('[caps]\non_violation = ["close"]', ["caps.on_violation", "close"]),
    ('[caps]\nprotected = ["x"]', ["unknown key 'caps.protected'"]),
])
def test_broken_caps_keys_are_named(tmp_path, text, words):
    (tmp_path / ".tightrope.toml").write_text(text)
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    for w in words:
        assert w in err.value.message + err.value.hint
