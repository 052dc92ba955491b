"""A repository shaped like an agent's pull request, and the PR as the forge describes it.

A human base commit, then on `agent/feature` an agent commit by the Claude GitHub app that
plants a secret, adds insecure code, edits CI (a protected path for agent PRs) and carries no
Assisted-by trailer. `fix-ci` holds the same diff committed by a human."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import tokens
from conftest import GitRepo

SECRET = tokens.openai_project_key(seed="ci-template")
AGENT_BRANCH, HUMAN_BRANCH = "agent/feature", "fix-ci"
AGENT_MESSAGE = "Add an assistant\n"
AGENT_ENV = {"GIT_AUTHOR_NAME": "claude[bot]", "GIT_AUTHOR_EMAIL": "209825114+claude[bot]@users.noreply.github.com"}
AGENT_LOGIN = "claude[bot]"
CHANGE = {
    "app/settings.py": f'OPENAI_API_KEY = "{SECRET}"\n',
    "app/assistant.py": ("def run(client, prompt):\n"
                         "    response = client.chat.completions.create(messages=[prompt])\n"
                         "    return eval(response.choices[0].message.content)\n"),
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs: {}\n",
}
# what each check reports about the agent PR: a planted secret, an insecure pattern, a commit
# without the required trailer, a cap violation
EXPECTED = ("secret.openai-api-key", "ai.llm-output-to-eval", "identity.missing-assisted-by", "caps.protected-path")


def leaks(text: str) -> bool:
    """Whether any 8-character window of the secret's random part (after the public
    `sk-proj-` prefix that previews may show) is in `text`."""
    part = SECRET[len("sk-" + "proj-"):]
    return any(part[i:i + 8] in text for i in range(len(part) - 7))


class AgentPR(NamedTuple):
    repo: GitRepo
    base: str
    head: str  # the agent's commit on AGENT_BRANCH
    human: str  # the same diff by a human on HUMAN_BRANCH


def agent_pr_repo(path: Path) -> AgentPR:
    """`main` at the base, AGENT_BRANCH checked out."""
    repo = GitRepo(path)
    base = repo.commit({"app/__init__.py": "", "README.md": "# app\n", ".github/workflows/ci.yml": "on: push\n"},
                       "Start")
    repo.git("checkout", "-q", "-b", HUMAN_BRANCH)
    human = repo.commit(CHANGE, "Add an assistant\n")
    repo.git("checkout", "-q", "-b", AGENT_BRANCH, base)
    head = repo.commit(CHANGE, AGENT_MESSAGE, env=AGENT_ENV)
    return AgentPR(repo, base, head, human)


def pr_files(repo: GitRepo, base: str, head: str) -> list[tuple[str, int, int, str]]:
    """(path, added, removed, hunk) of each changed file, as the forge's files/diffs API sends them."""
    out = []
    for row in repo.git("diff", "--numstat", base, head).splitlines():
        added, removed, path = row.split("\t")
        patch = repo.git("diff", "-U0", base, head, "--", path)
        out.append((path, int(added), int(removed), patch[patch.index("@@"):]))
    return out


def pr_commits(repo: GitRepo, base: str, head: str) -> list[tuple[str, str, str, str]]:
    """(message, author name, author email, sha) of the PR's commits, as the forge lists them."""
    log = repo.git("log", "--reverse", "--format=%H%x00%an%x00%ae%x00%B%x01", f"{base}..{head}")
    rows = [entry.strip("\n").split("\x00") for entry in log.split("\x01") if entry.strip()]
    return [(message, name, email, sha) for sha, name, email, message in rows]


LOOSEN_BRANCH = "agent/loosen"


def loosening_pr(path: Path, policy: str) -> tuple[AgentPR, str]:
    """(the PR, its head on LOOSEN_BRANCH): the base adds the policy file `policy` capping a PR at
    one file, and the agent's commit switches the caps off in that same file."""
    pr = agent_pr_repo(path)
    pr.repo.git("checkout", "-q", "main")
    base = pr.repo.commit({policy: "[caps]\nmax_files = 1\n"}, "policy")
    pr.repo.git("checkout", "-q", "-b", LOOSEN_BRANCH)
    head = pr.repo.commit({**CHANGE, policy: "[caps]\nenabled = false\n"}, "loosen", env=AGENT_ENV)
    return pr._replace(base=base), head
