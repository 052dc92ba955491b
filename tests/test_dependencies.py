"""Offline dependency checks: manifests, install commands, typosquats, unknown and URL deps."""

from __future__ import annotations


import pytest

from tightrope.diff import AddedLine, FileChange
from tightrope.findings import Confidence, Severity, fingerprint
from tightrope.policy import DependencyPolicy, Policy
from tightrope.scan import dependencies as deps

DEFAULT = Policy()
PINS = Policy(dependencies=DependencyPolicy(require_pins=True))


def added(text: str, start: int = 1) -> list[AddedLine]:
    return [AddedLine(start + i, line) for i, line in enumerate(text.splitlines())]


def scan(path: str, text: str, policy: Policy = DEFAULT, start: int = 1):
    return deps.scan_lines(path, added(text, start), policy)


def rules(path: str, text: str, policy: Policy = DEFAULT, start: int = 1) -> list[tuple[str, int, str]]:
    """(rule, line, the name in backticks the message starts with)."""
    out = []
    for f in scan(path, text, policy, start):
        name = f.message.split("`")[1] if f.message.startswith("`") else ""
        out.append((f.rule_id, f.line, name))
    return out


# --------------------------------------------------------------------------- finding shape


def test_typosquat_finding_fields():
    [f] = scan("requirements.txt", "reqeusts==2.31.0\n")
    assert f.rule_id == "dep.typosquat" and f.kind == "dependency"
    assert f.severity == Severity.HIGH and f.confidence == Confidence.HIGH and f.blocking
    assert f.message == ("`reqeusts` is one edit from the popular PyPI package `requests` "
                         "and is not itself a known package")
    assert "`requests`" in f.help and "dependencies.allow" in f.help
    assert f.cwe == ("CWE-1357",) and f.title and f.snippet == "reqeusts==2.31.0" and f.line == 1
    assert f.fingerprint == fingerprint("dep.typosquat", "requirements.txt", "reqeusts")


def test_fingerprint_uses_normalised_name_and_ignores_line():
    a = scan("requirements.txt", "Reqeusts==1.0\n")[0]
    b = scan("requirements.txt", "reqeusts>=2\n", start=40)[0]
    assert a.fingerprint == b.fingerprint and a.line != b.line


def test_unknown_package_is_medium_nonblocking_and_names_the_list_size():
    [f] = scan("requirements.txt", "tightrope-hallucinated-helper==1.0\n")
    assert f.rule_id == "dep.unknown-package"
    assert (f.severity, f.confidence, f.blocking) == (Severity.MEDIUM, Confidence.MEDIUM, False)
    assert "15,000" in f.message and "tightrope-hallucinated-helper" in f.message
    assert "dependencies.allow" in f.help and "15,000" in f.help


def test_url_dependency_fields():
    [f] = scan("requirements.txt", "git+https://github.com/someone/thing.git#egg=thing\n")
    assert f.rule_id == "dep.url-dependency" and f.cwe == ("CWE-829",)
    assert f.severity == Severity.MEDIUM and "`thing`" in f.message


def test_url_pinned_to_a_commit_is_low():
    sha = "0123456789abcdef0123456789abcdef01234567"
    [f] = scan("requirements.txt", f"thing @ git+https://github.com/someone/thing@{sha}\n")
    assert f.rule_id == "dep.url-dependency" and f.severity == Severity.LOW


# --------------------------------------------------------------------------- requirements.txt


def test_requirements_options_and_comments_are_not_packages():
    text = """\
# reqeusts in a comment
-r other.txt
--requirement=base.txt
-c constraints.txt
-e .
--editable ./libs/x
-i https://pypi.org/simple
--extra-index-url https://example.com/simple
--find-links ./wheels
--trusted-host example.com
--pre
./local/pkg
/abs/dist/pkg-1.0-py3-none-any.whl
requests==2.31.0 \\
    --hash=sha256:0123456789abcdef \\
    --hash=sha256:fedcba9876543210
    # via flask
flask==3.0.0  # comment after
${PRIVATE_PKG}
"""
    assert rules("requirements.txt", text) == []
    assert rules("requirements.txt", text, PINS) == []


def test_requirements_extras_and_markers():
    line = 'requests[socks]>=2; python_version>"3.8"\n'
    assert rules("requirements.txt", line) == []
    assert rules("requirements.txt", line, PINS) == [("dep.unpinned", 1, "requests")]
    assert rules("requirements.txt", 'reqeusts[socks]==2.0 ; python_version > "3.8"\n') == [
        ("dep.typosquat", 1, "reqeusts")]


def test_requirements_url_forms():
    text = """\
-e git+https://github.com/a/editable.git#egg=editable
pkg @ git+https://github.com/a/pkg.git
https://example.com/dist/archive-1.0.tar.gz
git://example.com/repo.git#egg=repo
"""
    assert [r[0] for r in rules("requirements.txt", text)] == ["dep.url-dependency"] * 4
    assert [r[1] for r in rules("requirements.txt", text)] == [1, 2, 3, 4]


def test_file_url_inside_repo_is_not_reported_outside_is():
    assert rules("requirements.txt", "lib @ file:./vendor/lib\n") == []
    assert rules("requirements.txt", "lib @ file:///opt/lib\n")[0][0] == "dep.url-dependency"


@pytest.mark.parametrize("path", [
    "requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "requirements/base.in",
    "requirements.in", "constraints.txt", "sub/dir/requirements_test.txt", "requirements/prod.txt",
])
def test_requirement_file_names(path):
    assert rules(path, "reqeusts\n") == [("dep.typosquat", 1, "reqeusts")]


@pytest.mark.parametrize("path", ["MANIFEST.in", "notes.txt", "src/app.py", "setup.py", "docs/conf.py",
                                  "package-lock.json", "poetry.lock", "data/requirements.csv"])
def test_other_files_return_nothing(path):
    assert deps.scan_lines(path, added("reqeusts==1.0\npip install reqeusts\n"), DEFAULT) == []


class _UnreadableLines(list):
    """Added lines that fail the test if anything iterates or indexes them."""

    def __iter__(self):
        raise AssertionError("a non-manifest path must not read its lines")

    def __getitem__(self, i):
        raise AssertionError("a non-manifest path must not read its lines")


def test_non_manifest_path_reads_no_line_and_loads_nothing():
    """Cost is O(1) per non-manifest file: decided by the path alone (an algorithmic check,
    not a wall-clock one; bench/ times the hook)."""
    deps._lists.cache_clear()
    lines = _UnreadableLines(added("pip install reqeusts\n" * 50))
    for path in ("src/tightrope/core.py", "notes.txt", "data/requirements.csv", "package-lock.json"):
        assert deps.scan_lines(path, lines, DEFAULT) == []
    assert deps._lists.cache_info().currsize == 0


# --------------------------------------------------------------------------- pyproject.toml


PYPROJECT = """\
[build-system]
requires = ["setuptools>=69", "wheel"]

[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
keywords = ["ai", "agents"]
classifiers = [
  "Programming Language :: Python :: 3",
  "Operating System :: OS Independent",
]
dependencies = [
  "colourama>=0.4",  # a comment
  "httpx",
  'requests[socks]>=2; python_version > "3.8"',
]

[project.optional-dependencies]
dev = ["pytest>=8", "jeIlyfish"]

[dependency-groups]
test = ["pytest", {include-group = "dev"}]

[tool.poetry.dependencies]
python = "^3.10"
python3-dateutil = "^2.8"
numpy = "1.26.0"
mylib = { git = "https://github.com/me/mylib.git" }
pandas = { version = "^2.0", extras = ["excel"] }
local = { path = "./local" }

[tool.poetry.group.dev.dependencies]
mypy = "==1.10.0"

[tool.ruff]
select = ["E", "F", "E501"]
line-length = 100
target-version = "py311"
"""


def test_pyproject_whole_file():
    assert rules("pyproject.toml", PYPROJECT) == [
        ("dep.typosquat", 14, "colourama"),
        ("dep.typosquat", 20, "jeIlyfish"),
        ("dep.typosquat", 27, "python3-dateutil"),
        ("dep.url-dependency", 29, "mylib"),
    ]


def test_pyproject_pins():
    got = {(r, n) for r, _, n in rules("pyproject.toml", PYPROJECT, PINS) if r == "dep.unpinned"}
    assert ("dep.unpinned", "httpx") in got and ("dep.unpinned", "pandas") in got
    assert ("dep.unpinned", "setuptools") in got and ("dep.unpinned", "wheel") in got
    assert not {n for _, n in got} & {"numpy", "mypy", "mylib", "local", "python", "ai", "e501"}


def test_pyproject_lines_added_without_their_section_go_by_shape():
    # a hunk in the middle of an existing array / table: only unmistakable shapes count
    text = """\
  "httpx>=0.27",
  "E501",
  "ruff",
  "Programming Language :: Python :: 3.13",
"""
    assert rules("pyproject.toml", text, PINS, start=40) == [("dep.unpinned", 40, "httpx")]
    assert rules("pyproject.toml", '  "reqeusts>=2",\n', start=40) == [("dep.typosquat", 40, "reqeusts")]
    assert rules("pyproject.toml", 'pandsa = "^2.0"\nminversion = "6.0"\nversion = "0.2.0"\n', start=7) == [
        ("dep.typosquat", 7, "pandsa")]


def test_pyproject_gap_resets_the_section():
    lines = [AddedLine(1, "[tool.poetry.dependencies]"), AddedLine(30, 'colourama = "^1.0"'),
             AddedLine(50, '"colourama"')]
    # line 30 is not known to sit under line 1's table, but its shape is a poetry dependency
    assert [(f.rule_id, f.line) for f in deps.scan_lines("pyproject.toml", lines, DEFAULT)] == [
        ("dep.typosquat", 30)]


# --------------------------------------------------------------------------- setup.cfg, Pipfile


def test_setup_cfg():
    text = """\
[metadata]
name = demo
classifiers =
    Programming Language :: Python
[options]
packages = find:
install_requires =
    requests>=2
    colourama
    tomli; python_version < "3.11"
[options.extras_require]
dev = pytest
    pytset
[flake8]
ignore = E501
per-file-ignores =
    tests/*: S101
"""
    assert rules("setup.cfg", text) == [("dep.typosquat", 9, "colourama"), ("dep.typosquat", 13, "pytset")]
    pins = [n for r, _, n in rules("setup.cfg", text, PINS) if r == "dep.unpinned"]
    assert pins == ["requests", "colourama", "tomli", "pytest", "pytset"]


def test_pipfile():
    text = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
djanga = "==1.0"
flask = {version = "==3.0.0", extras = ["async"]}
thing = {git = "https://github.com/x/thing.git", ref = "main"}

[dev-packages]
pytest = ">=8"

[requires]
python_version = "3.11"
"""
    assert rules("Pipfile", text) == [("dep.typosquat", 8, "djanga"), ("dep.url-dependency", 10, "thing")]
    pins = [n for r, _, n in rules("Pipfile", text, PINS) if r == "dep.unpinned"]
    assert pins == ["requests", "pytest"]


# --------------------------------------------------------------------------- package.json


PACKAGE_JSON = """\
{
  "name": "app",
  "version": "1.0.0",
  "main": "dist/index.js",
  "scripts": {"build": "tsc", "x": "1.0.0"},
  "bin": {"app": "bin/app"},
  "engines": {"node": ">=18"},
  "exports": {"./feature": "./dist/feature.js"},
  "dependencies": {
    "lodash": "^4.17.21",
    "crossenv": "7.0.0",
    "@babel/core": "7.24.0",
    "@babeI/core": "7.0.0",
    "foo": "github:user/foo",
    "bar": "user/bar#v1",
    "baz": "file:../../outside",
    "qux": "file:./packages/qux",
    "ws": "workspace:*",
    "alias": "npm:expresss@4.0.0"
  },
  "devDependencies": {
    "typescript": "5.4.5"
  }
}
"""


def test_package_json_whole_file():
    assert rules("package.json", PACKAGE_JSON) == [
        ("dep.typosquat", 11, "crossenv"),
        ("dep.typosquat", 13, "@babeI/core"),
        ("dep.url-dependency", 14, "foo"),
        ("dep.url-dependency", 15, "bar"),
        ("dep.url-dependency", 16, "baz"),
        ("dep.typosquat", 19, "expresss"),
    ]
    f = scan("package.json", PACKAGE_JSON)[1]
    assert "`@babel/core`" in f.message


def test_package_json_pins():
    pins = [n for r, _, n in rules("packages/web/package.json", PACKAGE_JSON, PINS) if r == "dep.unpinned"]
    assert pins == ["lodash"]


def test_package_json_lines_added_without_their_section():
    text = """\
    "expresss": "^4.0.0",
    "test": "jest --watch",
    "node": ">=18",
    "types": "lib/index.d.ts",
    "@typescript-eslint/parser": "^7.0.0",
"""
    assert rules("package.json", text, start=30) == [("dep.typosquat", 30, "expresss")]


def test_package_json_one_line_section():
    assert rules("package.json", '  "dependencies": { "lodahs": "^4.0.0", "react": "18.2.0" },\n', start=5) == [
        ("dep.typosquat", 5, "lodahs")]


def test_scoped_names():
    text = '{\n  "dependencies": {\n    "@types/node": "^20",\n    "@angular/core": "17.0.0",\n' \
           '    "@my-company-internal/ui-kit": "1.0.0"\n  }\n}\n'
    assert rules("package.json", text) == [("dep.unknown-package", 5, "@my-company-internal/ui-kit")]
    assert deps.lookalike("npm", "@types/nodee") is None  # `node` is too short to be a target
    assert deps.lookalike("npm", "@babel/preset-evn").target == "@babel/preset-env"  # same scope
    assert deps.lookalike("npm", "@bable/preset-env").target == "@babel/preset-env"  # look-alike scope
    assert deps.lookalike("npm", "preset-evn") is None  # unscoped names are compared with unscoped


# --------------------------------------------------------------------------- install commands


DOCKERFILE = """\
FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt && pip install reqeusts==2.0 "requests[socks]>=2; python_version>'3.8'"
RUN python3 -m pip install --upgrade pip \\
    numpy==1.26.0 \\
    pandsa
RUN pip install -e . && pip install --index-url https://example.com/simple internal-thing==1.0 || true
RUN npm install -g crossenv @angular/cli@17.0.0 && npx create-react-app my-app
ENV PIP_NO_CACHE_DIR=1
COPY requirements.txt .
"""


def test_dockerfile():
    policy = Policy(dependencies=DependencyPolicy(allow=("internal-thing",)))
    assert rules("Dockerfile", DOCKERFILE, policy) == [
        ("dep.typosquat", 2, "reqeusts"),
        ("dep.typosquat", 5, "pandsa"),
        ("dep.typosquat", 7, "crossenv"),
    ]
    pins = [(line, n) for r, line, n in rules("docker/Dockerfile.dev", DOCKERFILE, PINS) if r == "dep.unpinned"]
    assert pins == [(2, "requests"), (3, "pip"), (5, "pandsa"), (7, "crossenv")]


def test_shell_script():
    text = """\
#!/bin/sh
set -eu
uv add colourama
uv pip install "httpx==0.27.0"
poetry add requestss@^2.0
poetry add --group dev pytest@8.2.0
pipx install blakc
npx eslint .
npx --yes create-react-appp my-app
yarn add left-pad lodahs
pnpm add -D typescript
bun add github:user/repo
npm i --save-dev expresss@4
echo "then run: pip install"  # just text
"""
    assert rules("scripts/setup.sh", text) == [
        ("dep.typosquat", 3, "colourama"),
        ("dep.typosquat", 5, "requestss"),
        ("dep.typosquat", 7, "blakc"),
        ("dep.typosquat", 10, "lodahs"),
        ("dep.url-dependency", 12, ""),
        ("dep.typosquat", 13, "expresss"),
    ]


def test_npx_reports_typosquats_but_not_unknown_names():
    assert rules("run.sh", "npx some-local-bin-name --flag\n") == []
    assert rules("run.sh", "npx -p lodahs lodash-cli\n") == [("dep.typosquat", 1, "lodahs")]


def test_install_lines_in_ci_yaml_and_makefile():
    yaml = "jobs:\n  t:\n    steps:\n      - run: pip install colourama && pytest\n      - run: |\n          npm ci\n          npm install lodahs\n"
    assert rules(".github/workflows/ci.yml", yaml) == [("dep.typosquat", 4, "colourama"), ("dep.typosquat", 7, "lodahs")]
    assert rules("Makefile", "install:\n\tpip install colourama\n") == [("dep.typosquat", 2, "colourama")]


def test_docs_only_code_counts():
    text = """\
Install it with `pip install tightrope-hallucinated-helper` and go.
To install the package using pip you run the usual pip install command on it.
$ npm i expresss
pip install colourama
"""
    assert rules("README.md", text) == [
        ("dep.unknown-package", 1, "tightrope-hallucinated-helper"),
        ("dep.typosquat", 3, "expresss"),
        ("dep.typosquat", 4, "colourama"),
    ]


def test_notebook_cell_lines():
    assert rules("analysis.ipynb", '    "!pip install reqeusts\\n",\n') == [("dep.typosquat", 1, "reqeusts")]
    assert rules("analysis.ipynb", '    "%pip install numpy==1.26.0\\n",\n') == []


# --------------------------------------------------------------------------- policy


def test_allow_list_is_normalised_and_takes_globs():
    policy = Policy(dependencies=DependencyPolicy(require_pins=True, allow=("Reqeusts", "@acme/*", "corp_*")))
    assert rules("requirements.txt", "reqeusts\ncorp-tools>=1\n", policy) == []
    assert rules("package.json", '{\n"dependencies": {"@acme/widgets": "github:acme/widgets"}\n}\n', policy) == []


def test_unpinned_only_with_require_pins():
    assert rules("requirements.txt", "flask>=3\nrequests\n") == []
    assert rules("requirements.txt", "flask>=3\nrequests\nnumpy==1.26.0\nattrs===23.1.0\nsix==1.*\n", PINS) == [
        ("dep.unpinned", 1, "flask"), ("dep.unpinned", 2, "requests"), ("dep.unpinned", 5, "six")]
    f = scan("requirements.txt", "flask>=3\n", PINS)[0]
    assert f.blocking and "flask==X.Y.Z" in f.help and "`>=3`" in f.message


def test_popular_names_are_never_reported():
    names = deps._lists("pypi").names[:300]
    assert deps.scan_lines("requirements.txt", added("\n".join(names)), DEFAULT) == []
    npm = deps._lists("npm").names[:300]
    body = ",\n".join(f'"{n}": "^1.0.0"' for n in npm)
    assert deps.scan_lines("package.json", added('{\n"dependencies": {\n' + body + "\n}\n}\n"), DEFAULT) == []


def test_short_popular_names_are_not_typosquat_targets():
    for name in ("sixx", "rsaa", "jwtt", "attr"):
        assert deps.lookalike("pypi", name) is None or len(deps.lookalike("pypi", name).target) >= 5


# --------------------------------------------------------------------------- through the core


def test_core_check_runs_the_dependency_scanner():
    from tightrope import core
    from tightrope.gitio import ChangeSet

    change = FileChange(path="requirements.txt", status="modified", added=added("reqeusts==1.0\nzzz-made-up-pkg-qq\n"))
    cs = ChangeSet(changes=[change], source="patch")
    report = core.check(cs, Policy(), scanners=("dependencies",))
    assert [(f.rule_id, f.blocking) for f in report.findings] == [
        ("dep.typosquat", True), ("dep.unknown-package", False)]


def test_project_self_reference_is_not_a_dependency():
    text = '[project]\nname = "My_Proj"\n[project.optional-dependencies]\nall = ["my-proj[a,b]"]\n'
    assert rules("pyproject.toml", text) == []


def test_unknown_name_in_a_known_npm_scope_has_low_confidence():
    [f] = scan("package.json", '{\n"devDependencies": {"@babel/not-a-real-plugin-zz": "^1.0.0"}\n}\n')
    assert f.rule_id == "dep.unknown-package" and f.confidence == Confidence.LOW
    [g] = scan("package.json", '{\n"devDependencies": {"@nobody-zz/thing": "^1.0.0"}\n}\n')
    assert g.confidence == Confidence.MEDIUM
