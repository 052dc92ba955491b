"""`tightrope demo`: a throwaway repository where an agent's commit leaks credentials
and adds insecure code; tightrope scans that commit and prints what a reviewer sees.

The credentials are built at run time from random characters, so this file holds no
key-shaped literal (the repository stays clean under its own scanner).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
from pathlib import Path

_ALNUM = string.ascii_letters + string.digits


def _rand(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _fake_credentials() -> dict[str, str]:
    return {
        "openai": "sk-" + "proj-" + _rand(74) + "T3Blbk" + "FJ" + _rand(74),
        "anthropic": "sk-" + "ant-" + "api03-" + _rand(93, _ALNUM + "-_") + "AA",
        "db_password": _rand(20),
    }


ORDINARY_FILES = {
    "README.md": "# inventory\n\nA tiny inventory service.\n",
    "inventory/__init__.py": "",
    "inventory/store.py": (
        "import sqlite3\n\n\n"
        "def connect(path: str) -> sqlite3.Connection:\n"
        "    return sqlite3.connect(path)\n\n\n"
        "def find_item(conn: sqlite3.Connection, name: str):\n"
        "    return conn.execute(\"SELECT * FROM items WHERE name = ?\", (name,)).fetchone()\n"
    ),
}


def _agent_files(creds: dict[str, str]) -> dict[str, str]:
    return {
        "inventory/settings.py": (
            "import os\n\n"
            f"OPENAI_API_KEY = \"{creds['openai']}\"\n"
            f"ANTHROPIC_API_KEY = os.environ.get(\"ANTHROPIC_API_KEY\", \"{creds['anthropic']}\")\n"
            f"DATABASE_URL = \"postgresql://inventory:{creds['db_password']}@db.internal:5432/inventory\"\n"
            "DEBUG = True\n"
        ),
        "inventory/assistant.py": (
            "import subprocess\n\n"
            "import yaml\n"
            "from openai import OpenAI\n\n"
            "client = OpenAI()\n\n\n"
            "def run_suggested_command(task: str) -> str:\n"
            "    response = client.chat.completions.create(\n"
            "        model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": task}]\n"
            "    )\n"
            "    command = response.choices[0].message.content\n"
            "    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout\n\n\n"
            "def load_config(text: str):\n"
            "    return yaml.load(text, Loader=yaml.Loader)\n\n\n"
            "def search(conn, name: str):\n"
            "    return conn.execute(f\"SELECT * FROM items WHERE name = '{name}'\").fetchall()\n"
        ),
        "requirements.txt": "requests==2.32.3\nreqeusts==2.31.0\nopenai\n",
    }


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def _commit(repo: Path, files: dict[str, str], message: str, author: str, env_extra: dict[str, str] | None = None) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(repo, "add", "--", *files)
    name, email = author.rsplit(" <", 1)
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"),
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email.rstrip(">"), **(env_extra or {})}
    message_file = repo / ".git" / "DEMO_MSG"
    message_file.write_text(message, encoding="utf-8")
    # what the tightrope-tag prepare-commit-msg hook does: trailers when an agent commits
    subprocess.run([sys.executable, "-m", "tightrope", "tag", str(message_file), "message"], cwd=repo,
                   check=True, capture_output=True, env=env)
    _git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-F", str(message_file), env=env)


def build_demo_repo(where: Path) -> Path:
    """A repository with two human commits and one agent commit on top."""
    repo = where / "inventory"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    human = "Dana Developer <dana@example.com>"
    _commit(repo, ORDINARY_FILES, "Start the inventory service", human)
    _commit(repo, {"inventory/store.py": ORDINARY_FILES["inventory/store.py"] + "\n\ndef close(conn):\n    conn.close()\n"},
            "Add close()", human)
    agent_env = {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-sonnet-4-5",  # as Claude Code sets them
                 "TIGHTROPE_DELEGATED_BY": human}
    _commit(repo, _agent_files(_fake_credentials()), "Add an assistant that runs suggested commands\n", human, agent_env)
    return repo


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a throwaway repo with a leaky agent commit and scan it")
    p.add_argument("--keep", action="store_true", help="keep the demo repository and print its path")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tightrope.cli import main as cli_main

    where = Path(tempfile.mkdtemp(prefix="tightrope-demo-"))
    try:
        repo = build_demo_repo(where)
        # Commands are shown with -C only when the repository outlives the demo (--keep).
        where = f" -C {repo}" if args.keep else ""
        if args.format == "text":
            print(f"tightrope demo: an agent's commit in {repo if args.keep else 'a throwaway repository'}\n"
                  f"  scanning: tightrope scan{where} --range HEAD~1..HEAD\n", flush=True)
        code = cli_main(["scan", "-C", str(repo), "--range", "HEAD~1..HEAD", "--format", args.format])
        if args.format == "text":
            print(f"\n  who wrote it: tightrope log{where} HEAD~1..HEAD\n", flush=True)
            cli_main(["log", "-C", str(repo), "HEAD~1..HEAD"])
            verdict = "would have blocked this commit (exit 1)" if code == 1 else f"exited {code}"
            print(f"\ntightrope demo: tightrope {verdict}.", file=sys.stderr)
            if args.keep:
                print(f"tightrope demo: the repository is kept at {repo} (remove it with `rm -rf {repo.parent}`)",
                      file=sys.stderr)
            else:
                print("tightrope demo: the repository was removed; run `tightrope demo --keep` to keep it and "
                      "try the commands above in it", file=sys.stderr)
        return 0 if code in (0, 1) else code
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
