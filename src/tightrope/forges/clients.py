"""Build PyGithub / python-gitlab clients from the CI environment.

The one place a forge token is read. Tokens never appear in a repr, a message or a log:
errors name the variable to set, not its value. The API base URL comes from the CI's own
variables (GitHub Enterprise, self-managed GitLab), so tests can point it at a local server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Mapping

from tightrope.errors import UsageError

if TYPE_CHECKING:
    import github
    import gitlab

GITHUB_TOKEN_VARS = ("TIGHTROPE_GITHUB_TOKEN", "GITHUB_TOKEN")
GITLAB_TOKEN_VARS = ("TIGHTROPE_GITLAB_TOKEN", "GITLAB_TOKEN")


@dataclass(frozen=True)
class ForgeAccess:
    """Where the API is and the credential for it (kept out of repr)."""

    api_url: str
    token: str = field(repr=False, default="")
    token_kind: str = "private"  # gitlab: private | job; github: always a bearer token


def parse_time(text: str | None) -> datetime | None:
    """A timestamp as both forges' APIs write it (ISO 8601, `Z` for UTC)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def github_access(env: Mapping[str, str] | None = None) -> ForgeAccess:
    env = os.environ if env is None else env
    token = next((env[v] for v in GITHUB_TOKEN_VARS if env.get(v)), "")
    return ForgeAccess(api_url=env.get("GITHUB_API_URL") or "https://api.github.com", token=token)


def gitlab_access(env: Mapping[str, str] | None = None) -> ForgeAccess:
    """A project/personal access token if one is set, else the job token (read-only for notes)."""
    env = os.environ if env is None else env
    server = env.get("CI_SERVER_URL") or "https://gitlab.com"
    token = next((env[v] for v in GITLAB_TOKEN_VARS if env.get(v)), "")
    if token:
        return ForgeAccess(api_url=server, token=token, token_kind="private")
    return ForgeAccess(api_url=server, token=env.get("CI_JOB_TOKEN", ""), token_kind="job")


def github_client(access: ForgeAccess) -> "github.Github":
    """A PyGithub client; without a token it can still read public data (fork PRs)."""
    import github

    auth = github.Auth.Token(access.token) if access.token else None
    # No client-side throttling or long retry sleeps: a CI step makes a handful of calls and a
    # rate-limit answer must surface as a clear error, not a silent hour-long wait.
    return github.Github(auth=auth, base_url=access.api_url, retry=None,
                         seconds_between_requests=None, seconds_between_writes=None, timeout=30,
                         per_page=100)


def gitlab_client(access: ForgeAccess) -> "gitlab.Gitlab":
    import gitlab

    if not access.token:
        raise UsageError("no GitLab token in the environment",
                         f"set one of {', '.join(GITLAB_TOKEN_VARS)} (a project access token with api scope) "
                         "or run inside a GitLab CI job")
    if access.token_kind == "job":
        return gitlab.Gitlab(access.api_url, job_token=access.token, timeout=30, per_page=100)
    return gitlab.Gitlab(access.api_url, private_token=access.token, timeout=30, per_page=100)
