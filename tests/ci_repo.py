"""A repository shaped like an agent's pull request: a human base commit, then an agent commit
by the Claude GitHub app that adds a secret and insecure code and carries no Assisted-by trailer."""

from __future__ import annotations

from pathlib import Path

import tokens
from conftest import GitRepo

SECRET = tokens.openai_project_key(seed="ci-template")
AGENT_MESSAGE = "Add an assistant\n"
AGENT_ENV = {"GIT_AUTHOR_NAME": "claude[bot]", "GIT_AUTHOR_EMAIL": "209825114+claude[bot]@users.noreply.github.com"}


def agent_pr_repo(path: Path) -> tuple[GitRepo, str, str]:
    """(repo, base sha, head sha) with `main` at the base and `agent/feature` at the head."""
    repo = GitRepo(path)
    base = repo.commit({"app/__init__.py": "", "README.md": "# app\n"}, "Start")
    repo.git("checkout", "-q", "-b", "agent/feature")
    head = repo.commit({
        "app/settings.py": f'OPENAI_API_KEY = "{SECRET}"\n',
        "app/assistant.py": ("def run(client, prompt):\n"
                             "    response = client.chat.completions.create(messages=[prompt])\n"
                             "    return eval(response.choices[0].message.content)\n"),
    }, AGENT_MESSAGE, env=AGENT_ENV)
    return repo, base, head
