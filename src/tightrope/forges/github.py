"""GitHub pull requests through PyGithub: the facts the caps judge, the author's other PRs,
and the enforcement actions a policy may ask for. Network I/O only; nothing here judges.

Facts come from the workflow's event payload where it has them (`GITHUB_EVENT_PATH`) and
from the API for the rest (changed files, commit messages). Without a token (a fork's PR in
some setups) only the payload is used: files and commits are left None for the front end to
read from the clone, or for the caps to report as not checked.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import urlsplit

from tightrope.caps import AgentPulls, ChangedFile, CommitFacts, PullFacts, PullSummary, added_lines
from tightrope.errors import EXIT_INTERNAL, ForgeError, UsageError
from tightrope.forges.clients import GITHUB_TOKEN_VARS, ForgeAccess, github_client, parse_time

_SCOPES = "a token with `pull-requests: read` (and `pull-requests: write` / `issues: write` for enforcement)"
CAPS_MARKER = "<!-- tightrope:caps-review -->"  # ends the body of the caps' "request changes" review
_MAX_COMMITS, _MAX_FILES = 250, 3000  # what GitHub's PR commits/files endpoints return at most


@contextmanager
def api_errors(doing: str) -> Iterator[None]:
    """PyGithub's and requests' exceptions -> ForgeError with a hint; never the token, never a traceback."""
    import github
    import requests

    try:
        yield
    except github.GithubException as e:
        headers = {k.lower(): v for k, v in (e.headers or {}).items()}
        if isinstance(e, github.RateLimitExceededException) or e.status == 429 or (
                e.status == 403 and headers.get("x-ratelimit-remaining") == "0"):
            reset = headers.get("x-ratelimit-reset", "")
            when = datetime.fromtimestamp(int(reset), timezone.utc).strftime("%H:%M UTC") if reset.isdigit() else "later"
            raise ForgeError(f"GitHub's API rate limit was reached while {doing}",
                             f"try again after {when}, or give the job a token ({', '.join(GITHUB_TOKEN_VARS)})") from None
        if e.status == 401:
            raise ForgeError(f"GitHub rejected the token (401) while {doing}",
                             f"set {' or '.join(GITHUB_TOKEN_VARS)} to a valid token") from None
        if e.status == 404:
            raise ForgeError(f"GitHub answered 404 (not found) while {doing}",
                             f"check OWNER/REPO#N; a private repository needs {_SCOPES}") from None
        if e.status >= 500:
            raise ForgeError(f"GitHub failed ({e.status}) while {doing}", "GitHub had an error: run the job again",
                             exit_code=EXIT_INTERNAL) from None
        raise ForgeError(f"GitHub refused ({e.status}) while {doing}", f"the job needs {_SCOPES}") from None
    except requests.RequestException as e:
        raise ForgeError(f"could not reach GitHub's API while {doing} ({type(e).__name__})",
                         "check the network and GITHUB_API_URL, then run again", exit_code=EXIT_INTERNAL) from None


def web_host(env: Mapping[str, str], access: ForgeAccess) -> str:
    """github.com, or the Enterprise host: links to it are the forge's own."""
    if env.get("GITHUB_SERVER_URL"):
        return urlsplit(env["GITHUB_SERVER_URL"]).hostname or ""
    host = urlsplit(access.api_url).hostname or ""
    return host.removeprefix("api.")


def event_pull(env: Mapping[str, str]) -> tuple[str, int, dict] | None:
    """(OWNER/REPO, number, pull_request payload) in a pull_request workflow, else None."""
    if env.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target") or not env.get("GITHUB_EVENT_PATH"):
        return None
    try:
        pull = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))["pull_request"]
        return env.get("GITHUB_REPOSITORY") or pull["base"]["repo"]["full_name"], int(pull["number"]), pull
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"cannot read the pull_request event at GITHUB_EVENT_PATH ({type(e).__name__})",
                         "run `tightrope caps` in a pull_request workflow, or pass --github OWNER/REPO#N") from None


class GitHubPulls:
    """One pull request and its repository."""

    forge = "github"

    def __init__(self, access: ForgeAccess, repo: str, number: int, *, event: dict | None = None,
                 host: str = "github.com") -> None:
        self.access, self.repo_name, self.number, self.event, self.host = access, repo, number, event, host
        self._repo = None
        self._pull = None

    @property
    def can_call_api(self) -> bool:
        """Without a token the payload is all we use (a dry run on a public repository still asks)."""
        return bool(self.access.token) or self.event is None

    def _repository(self):
        if self._repo is None:
            self._repo = github_client(self.access).get_repo(self.repo_name, lazy=True)
        return self._repo

    def _pr(self):
        if self._pull is None:
            with api_errors(f"reading {self.repo_name}#{self.number}"):
                self._pull = self._repository().get_pull(self.number)
        return self._pull

    def facts(self) -> PullFacts:
        if not self.can_call_api:
            return self._facts(self.event, None, None, ())
        pr = self._pr()
        unknown: list[str] = []
        with api_errors(f"reading {self.repo_name}#{self.number}, its files and commits"):
            data = self.event or pr.raw_data
            files = tuple(ChangedFile(f.filename, f.additions, f.deletions, f.previous_filename or "",
                                      len(f.patch.encode()) if f.patch is not None else None, added_lines(f.patch))
                          for f in pr.get_files())
            commits = tuple(_commit(c) for c in pr.get_commits())
        if (data.get("commits") or 0) > len(commits):
            unknown.append(f"trailers of commits after the first {_MAX_COMMITS} (GitHub lists no more)")
        if (data.get("changed_files") or 0) > len(files):
            unknown.append(f"paths of files after the first {_MAX_FILES} (GitHub lists no more)")
        return self._facts(data, files, commits, tuple(unknown))

    def _facts(self, d: dict, files, commits, unknown: tuple[str, ...]) -> PullFacts:
        try:
            return PullFacts(
                forge="github", repo=self.repo_name, number=int(d["number"]),
                author=(d.get("user") or {}).get("login", ""), head_branch=d["head"]["ref"],
                base_branch=d["base"]["ref"], base_sha=d["base"]["sha"], head_sha=d["head"]["sha"],
                title=d.get("title") or "", body=d.get("body") or "",
                labels=tuple(label["name"] for label in d.get("labels") or ()), draft=bool(d.get("draft")),
                host=self.host, created_at=parse_time(d.get("created_at")), files=files, commits=commits,
                additions=d.get("additions"), deletions=d.get("deletions"), commit_count=d.get("commits"),
                unknown=unknown)
        except (KeyError, TypeError, ValueError) as e:
            raise UsageError(f"the pull request data has an unexpected shape ({type(e).__name__}: {e})",
                             "is this a pull_request event?") from None

    def agent_pulls(self, author: str, since: datetime) -> AgentPulls:
        """The author's open PRs and PRs created since `since` (pages followed to the end)."""
        if not self.can_call_api:
            return AgentPulls(None, None)
        with api_errors(f"listing the pull requests of {self.repo_name}"):
            who = author.lower()
            open_ = tuple(_summary(p) for p in self._repository().get_pulls(state="open") if _login(p) == who)
            recent = []
            for p in self._repository().get_pulls(state="all", sort="created", direction="desc"):
                if p.created_at < since:
                    break
                if _login(p) == who:
                    recent.append(_summary(p))
        return AgentPulls(open_, tuple(recent))

    def recent_pulls_with_commits(self, since: datetime) -> tuple[tuple[PullSummary, tuple[CommitFacts, ...]], ...]:
        """Every PR created since `since` (any author) with its commits: who delegated what."""
        out = []
        with api_errors(f"reading the recent pull requests of {self.repo_name}"):
            for p in self._repository().get_pulls(state="all", sort="created", direction="desc"):
                if p.created_at < since:
                    break
                out.append((_summary(p), tuple(_commit(c) for c in p.get_commits())))
        return tuple(out)

    # --- enforcement: each needs write access the check alone does not --------------------

    def add_label(self, name: str) -> None:
        self.label(self.number, (name,))

    def convert_to_draft(self) -> None:
        with api_errors(f"converting {self.repo_name}#{self.number} to draft"):
            self._pr().convert_to_draft()

    def request_changes(self, body: str) -> None:
        """One standing review, not one per push: a run that would say the same again posts
        nothing; a run with a new verdict posts it and dismisses the ones it supersedes."""
        text = f"{body}\n\n{CAPS_MARKER}"
        with api_errors(f"requesting changes on {self.repo_name}#{self.number}"):
            pr = self._pr()
            standing = [r for r in pr.get_reviews() if r.state == "CHANGES_REQUESTED" and CAPS_MARKER in (r.body or "")]
            if any(r.body == text for r in standing):
                return
            pr.create_review(body=text, event="REQUEST_CHANGES")
            for old in standing:
                old.dismiss("tightrope: superseded by the caps' verdict on the latest push")


    # --- safe outputs: repository-level writes ------------------------------------------------

    def open_pull(self, base: str, branch: str, title: str, body: str, draft: bool) -> int:
        with api_errors(f"opening a pull request from {branch}"):
            return self._repository().create_pull(base=base, head=branch, title=title, body=body, draft=draft).number

    def close_pull(self, number: int) -> None:
        with api_errors(f"closing {self.repo_name}#{number}"):
            self._repository().get_pull(number).edit(state="closed")

    def comment(self, number: int, body: str) -> None:
        with api_errors(f"commenting on {self.repo_name}#{number}"):
            self._repository().get_issue(number).create_comment(body)

    def label(self, number: int, labels: tuple[str, ...]) -> None:
        with api_errors(f"labelling {self.repo_name}#{number}"):
            self._repository().get_issue(number).add_to_labels(*labels)


def _commit(c) -> CommitFacts:
    return CommitFacts(c.sha, c.commit.message, c.commit.author.name or "", c.commit.author.email or "")


def _login(p) -> str:
    return (p.user.login if p.user else "").lower()


def _summary(p) -> PullSummary:
    return PullSummary(p.number, p.user.login if p.user else "", p.head.ref, p.created_at)
