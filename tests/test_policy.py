import pytest

from tightrope import policy
from tightrope.errors import PolicyError
from tightrope.findings import Severity


def test_missing_file_means_safe_defaults(tmp_path):
    p = policy.load(tmp_path)
    assert p.fail_on == Severity.HIGH and p.source == "defaults" and p.identity.require == "trailers"


def test_tightrope_toml_and_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tightrope]\nfail_on = "medium"\n')
    assert policy.load(tmp_path).fail_on == Severity.MEDIUM
    (tmp_path / ".tightrope.toml").write_text(
        'fail_on = "critical"\nexclude = ["tests/**"]\n[rules."py.flask-debug"]\nblocking = false\n'
        '[identity]\nrequire = "named-human"\n[identity.branches]\n"release/*" = "signed"\n')
    p = policy.load(tmp_path)
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
        policy.load(tmp_path)
    for w in words:
        assert w in err.value.message
