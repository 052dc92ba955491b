"""No secret reaches any output, through any kind of finding.

Every detector's format (the built tokens of `test_secrets.samples`) is planted in a real
repository, in its own realistic line and again, padded with context on both sides
(quotes, `Bearer `, `=`, a trailing `.signature`), on lines that also raise a pattern
finding (`verify=False`), a dependency finding (a `git+https://oauth2:…@` requirement) and
an MCP config. The real CLI then writes text, JSON, SARIF and a baseline; no 8-character
window of any value's secret part (everything after its public prefix) may appear in any
of them, nor in stdout/stderr.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalog_tokens import build, line_for
from conftest import run_cli
from test_secrets import samples
from tightrope.redact import preview
from tightrope.scan.detectors import ALL
from tightrope.scan.detectors.catalog import FORMATS
from tightrope.scan.detectors.token_table import parse_shape

_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")
_RUN = re.compile(r"(?:https:)?[A-Za-z0-9_\-.+/!#%&*=]{16,}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}=(?=.{16})")
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")


def _value(text: str) -> str:
    """The planted value in a sample line: a URL's password, else the longest token run."""
    m = _URL_PASSWORD.search(text)
    return m.group(1) if m else _NAME.sub("", max(_RUN.findall(text), key=len).lstrip("/"))


_OWN_VALUE = ("secret.private-key", "secret.azure-logic-apps-trigger-url")  # the sample names the secret part
SAMPLES = [(rule, path, text, value if rule in _OWN_VALUE else _value(text))
           for rule, path, text, value in (p.values for p in samples())]
_CATALOGUE = [(f, build(f)) for f in FORMATS]
SAMPLES += [("secret." + f.rule, "config/settings.py", line_for(f, token), token) for f, token in _CATALOGUE]
PUBLIC_PREFIX = {token: f.prefix or "" for f, token in _CATALOGUE}  # a catalogue format's fixed prefix is public
# and so is the fixed text inside its shape (`.webhook.office.com/webhookb2/`, `/IncomingWebhook/`)
LITERALS = {token: [p for p in parse_shape(f.shape) if isinstance(p, str)] for f, token in _CATALOGUE}


def secret_part(value: str) -> str:
    """The value without the public prefix its preview is allowed to show."""
    return value[len(PUBLIC_PREFIX.get(value) or preview(value).split("…")[0]):]


def windows(value: str, n: int = 8) -> set[str]:
    pieces = [secret_part(value)]
    for literal in LITERALS.get(value, ()):
        pieces = [q for piece in pieces for q in piece.split(literal)]
    return {part[i:i + n] for part in pieces for i in range(len(part) - n + 1)}


def test_every_detector_is_planted():
    assert {d.rule_id for d in ALL} <= {s[0] for s in SAMPLES}


def _plant(repo) -> list[str]:
    files: dict[str, str] = {}
    py, reqs, mcp = [], [], []
    for i, (_rule, path, text, value) in enumerate(SAMPLES):
        padded = [text, text.replace(value, f'"{value}"'), text.replace(value, f"Bearer {value}"),
                  text.replace(value, f"={value}"), text.replace(value, f"{value}.c2lnbmF0dXJl")]
        files[f"s{i}/{path}"] = "\n".join(padded) + "\n"
        quoted = json.dumps(value)[1:-1]
        py.append(f'r{i} = requests.get(URL, headers={{"Authorization": "Bearer {quoted}"}}, verify=False)'
                  f'  # {text.replace(chr(10), " ")}')
        if _URL_SAFE.fullmatch(value):
            reqs.append(f"pkg{i} @ git+https://oauth2:{value}@gitlab.com/org/pkg{i}.git")
            reqs.append(f"--extra-index-url https://__token__:{value}@pypi.example.com/simple")
            mcp.append(f'"s{i}": {{"command": "npx", "args": ["-y", "server-{i}"], "env": {{"API_KEY": "{quoted}"}}}}')
    files["app.py"] = "import requests\nURL = 'https://api.example.com'\n" + "\n".join(py) + "\n"
    files["requirements.txt"] = "\n".join(reqs) + "\n"
    files[".mcp.json"] = '{"mcpServers": {' + ", ".join(mcp) + "}}\n"
    repo.stage(files)
    return [s[3] for s in SAMPLES]


def _assert_no_leak(outputs: dict[str, str], values: list[str]) -> None:
    """Every window of every value, looked for in each output in one pass (an Aho-Corasick
    automaton: ~10^5 windows against megabytes of SARIF, where `in` took minutes)."""
    import ahocorasick_rs

    owners: dict[str, str] = {}
    for value in values:
        for w in windows(value):
            owners.setdefault(w, value)
    patterns = list(owners)
    automaton = ahocorasick_rs.AhoCorasick(patterns)
    for where, out in outputs.items():
        hits = [(patterns[i], start) for i, start, _ in automaton.find_matches_as_indexes(out, overlapping=True)]
        if hits:
            window, at = hits[0]
            value = owners[window]
            context = out[max(0, at - 120):at].replace(value[:len(value) // 2], "<masked>")
            raise AssertionError(f"{where} leaks {preview(value)} (windows {[w for w, _ in hits[:3]]}) after: {context!r}")


@pytest.mark.parametrize("mode", ["all", "range", "history"])
def test_no_secret_reaches_any_output(repo, tmp_path, mode):
    repo.commit({"README.md": "x\n"})
    values = _plant(repo)
    args = ["--all"]
    if mode != "all":
        repo.commit(message="add")
        repo.git("rm", "-q", "-r", "s0")  # removed again: history still holds it
        repo.commit(message="remove one")
        args = ["--range", "HEAD~2..HEAD"] if mode == "range" else ["--history"]
    outs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif")}
    res = run_cli("scan", *args, "--format", "json", "--format", "sarif", "--format", "text",
                  "--output", str(outs["json"]), "--output", str(outs["sarif"]), cwd=repo.path)
    assert res.returncode == 1, res.stderr.decode()
    report = json.loads(outs["json"].read_text())
    kinds = {f["kind"] for f in report["findings"]}
    if mode == "history":  # secrets only, each with its commit
        assert kinds == {"secret"} and all(f["commit"] for f in report["findings"])
    else:
        assert {"secret", "pattern", "dependency"} <= kinds, kinds
        # the lines that carry other findings really are the planted ones
        assert sum(1 for f in report["findings"] if f["rule_id"] == "dep.url-dependency") >= 3
    base = run_cli("baseline", *args, cwd=repo.path)
    assert base.returncode == 0, base.stderr.decode()
    outputs = {
        "text": res.stdout.decode(), "stderr": res.stderr.decode() + base.stderr.decode() + base.stdout.decode(),
        "json": outs["json"].read_text(), "sarif": outs["sarif"].read_text(),
        "baseline": (repo.path / ".tightrope" / "baseline.json").read_text(),
    }
    # Fingerprints are slow salted hashes (hex): an 8-character window of a hex secret can
    # turn up in one by chance, so they are taken out before the windows are compared.
    fingerprints = re.compile("|".join(map(re.escape, {f["fingerprint"] for f in report["findings"]})))
    outputs = {where: fingerprints.sub("<fingerprint>", out) for where, out in outputs.items()}
    _assert_no_leak(outputs, values)


def test_the_check_itself_catches_a_leak():
    value, other = SAMPLES[0][3], SAMPLES[1][3]
    _assert_no_leak({"text": f"x {preview(value)} y", "json": "{}"}, [value, other])
    with pytest.raises(AssertionError, match="json leaks"):
        _assert_no_leak({"text": "clean", "json": "z" * 100_000 + f"x {value[:-3]} y"}, [other, value])


def test_a_url_password_cut_off_by_a_truncated_snippet_is_masked(repo):
    """A long token as a URL password: the dependency finding's snippet is cut before the
    closing `@`, so only the whole source line shows it is a URL credential."""
    token = "v1.0-" + "0453ef28e0608675756bb275" + "-" + "1f6dfbd30d4d11f9a7f98b6e61e43b31" * 5
    repo.commit({"README.md": "hello\n"})
    repo.stage({"requirements.txt": f"pkg1 @ git+https://oauth2:{token}@gitlab.com/org/pkg1.git\n"})
    proc = run_cli("scan", "--staged", "--format", "json", cwd=repo.path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert any(f["rule_id"] == "dep.url-dependency" for f in json.loads(proc.stdout)["findings"])
    leaked = [w for w in windows(token) if w in proc.stdout.decode() + proc.stderr.decode()]
    assert not leaked, leaked[:3]
