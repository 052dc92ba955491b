"""Install commands (`pip install`, `uv add`, `poetry add`, `npm install`, `npx`, …) in shell
scripts, Dockerfiles, Makefiles, CI YAML, notebooks and docs."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Iterator, Sequence

from tightrope.diff import AddedLine
from tightrope.scan.dependencies.dep import URL_SCHEME, Dep
from tightrope.scan.dependencies.npm import npm_word
from tightrope.scan.dependencies.pypi import EXACT_BARE, REQ_OPTS_WITH_VALUE, py_requirement

_CMD = re.compile(
    r"""(?<![\w./-])(?:
        (?P<pip>(?:python(?:3(?:\.\d+)?)?\s+-m\s+pip|pip(?:3(?:\.\d+)?)?|uv\s+pip|pipx|uv\s+tool)\s+install
               |(?:uv|pdm|rye)\s+add)
      | (?P<poetry>poetry\s+add)
      | (?P<npm>npm\s+(?:install|i|add|isntall)|yarn\s+(?:global\s+)?add|pnpm\s+(?:add|install|i)
               |bun\s+(?:add|install|i|a))
      | (?P<npx>npx|pnpx|bunx|pnpm\s+dlx|yarn\s+dlx|npm\s+exec)
    )(?=\s|$)""",
    re.X,
)
_PIP_OPTS_WITH_VALUE = REQ_OPTS_WITH_VALUE | {
    "-t", "--target", "--prefix", "--root", "--python", "-p", "--platform", "--python-version",
    "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir",
    "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
    "--report", "--root-user-action", "--index", "--default-index", "--group", "--optional",
    "--extra", "--package", "--directory", "--project", "--with", "--source", "-G",
    "--constraints", "--overrides", "--index-strategy", "--keyring-provider", "--resolution",
    "--suffix", "--pip-args", "--python-preference",
}
_NPM_OPTS_WITH_VALUE = frozenset({
    "--registry", "--prefix", "-w", "--workspace", "--tag", "--cache", "--userconfig", "--omit",
    "--include", "-C", "--dir", "--filter", "-F", "--cwd", "--node-options", "--install-strategy",
    "--lockfile-version", "--loglevel", "--network-concurrency", "--modules-folder", "--mutex",
})
_PROMPT = re.compile(r"^\s*(?:[$%>#]\s+|!|%|RUN\s+|-\s+|>>>\s*!?)?")


def _cut_shell(text: str) -> tuple[str, bool]:
    """The words of one command: up to an unquoted `;`, `&`, `|`, `)`, backtick, redirect or
    comment. Returns (text, continues) where continues = a trailing backslash."""
    out, quote, prev = [], "", " "
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            if text.find(ch, i + 1) < 0:  # closes a string the command sat in (`echo "pip install x"`)
                return "".join(out), False
            quote = ch
        elif ch in ";&|)`<>\n" or (ch == "#" and prev.isspace()):
            return "".join(out), False
        out.append(ch)
        prev = ch
    joined = "".join(out).rstrip()
    if joined.endswith("\\"):
        return joined[:-1], True
    return joined, False


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return [w.strip("\"'") for w in text.split()]


@dataclass
class _Command:
    mode: str  # pip | poetry | npm | npx
    skip_next: bool = False
    positional: int = 0


def _command_words(cmd: _Command, words: list[str], lineno: int, snippet: str, path: str) -> Iterator[Dep]:
    for w in words:
        if cmd.skip_next:
            cmd.skip_next = False
            if cmd.mode == "npx" and cmd.positional == -1:  # value of -p/--package
                cmd.positional = 0
                dep = npm_word(w, lineno, snippet, path, npx=True)
                if dep:
                    yield dep
            elif cmd.mode in ("pip", "poetry") and cmd.positional == -2:  # value of -e
                cmd.positional = 0
                if URL_SCHEME.match(w):
                    dep = py_requirement(w, lineno, snippet, strict=False, path=path)
                    if dep:
                        yield dep
            continue
        if not w or "$" in w or "{{" in w:
            continue
        if w.startswith("-"):
            opt, eq, val = w.partition("=")
            if cmd.mode == "npx":
                if opt in ("-p", "--package"):
                    if eq:
                        dep = npm_word(val, lineno, snippet, path, npx=True)
                        if dep:
                            yield dep
                    else:
                        cmd.skip_next, cmd.positional = True, -1
                elif opt in ("-c", "--call") and not eq:
                    cmd.skip_next = True
                continue
            if cmd.mode == "npm":
                if opt in _NPM_OPTS_WITH_VALUE and not eq:
                    cmd.skip_next = True
                continue
            if opt in ("-e", "--editable") and not eq:
                cmd.skip_next, cmd.positional = True, -2
            elif opt in _PIP_OPTS_WITH_VALUE and not eq:
                cmd.skip_next = True
            continue
        if cmd.mode == "npm":
            dep = npm_word(w, lineno, snippet, path)
        elif cmd.mode == "npx":
            if cmd.positional > 0:
                continue  # arguments of the command npx runs
            cmd.positional += 1
            dep = npm_word(w, lineno, snippet, path, npx=True)
        elif cmd.mode == "poetry" and "@" in w and not URL_SCHEME.match(w) and " @ " not in w:
            name, _, spec = w.partition("@")
            dep = py_requirement(name, lineno, snippet, strict=False, path=path)
            if dep and spec:
                pinned = bool(EXACT_BARE.match(spec)) and "*" not in spec
                dep = Dep("pypi", dep.name, lineno, snippet, spec=spec, pinned=pinned)
        else:
            dep = py_requirement(w, lineno, snippet, strict=False, path=path)
        if dep:
            yield dep


def _ipynb_text(text: str) -> str:
    s = text.strip().rstrip(",")
    if s.startswith('"') and s.endswith('"'):
        try:
            return json.loads(s)
        except ValueError:
            return text
    return text


def _doc_segments(text: str) -> list[str]:
    """In docs only code counts: inline `code` spans, and lines that start with a command."""
    segs = re.findall(r"`+([^`]+)`+", text)
    stripped = _PROMPT.sub("", text, count=1)
    if _CMD.match(stripped):
        segs.append(stripped)
    return segs


def read_scripts(path: str, lines: Sequence[AddedLine], *, doc: bool, notebook: bool) -> Iterator[Dep]:
    pending: _Command | None = None
    prev = None
    for ln in lines:
        if prev is not None and ln.number != prev + 1:
            pending = None
        prev = ln.number
        text = _ipynb_text(ln.text) if notebook else ln.text
        snippet = ln.text.strip()
        if pending is not None:
            body, cont = _cut_shell(text)
            yield from _command_words(pending, _words(body), ln.number, snippet, path)
            pending = pending if cont else None
            if cont:
                continue
        if not _CMD.search(text):
            continue
        segments = _doc_segments(text) if doc else [text]
        for seg in segments:
            for m in _CMD.finditer(seg):
                mode = next(k for k in ("pip", "poetry", "npm", "npx") if m.group(k))
                cmd = _Command(mode)
                body, cont = _cut_shell(seg[m.end():])
                yield from _command_words(cmd, _words(body), ln.number, snippet, path)
                if cont and not doc:
                    pending = cmd
