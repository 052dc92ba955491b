"""GitLab merge requests through python-gitlab: the same facts, counts and enforcement as
forges/github.py. Network I/O only; nothing here judges.

Facts come from the pipeline's `CI_MERGE_REQUEST_*` variables where they exist, the API for
the rest. The job token cannot read merge requests, so without TIGHTROPE_GITLAB_TOKEN /
GITLAB_TOKEN only the variables are used (no author: the job token cannot read merge
requests; files and commits left None for the front end to read from the clone).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator, Mapping
from urllib.parse import urlsplit

from tightrope.caps import AgentPulls, ChangedFile, CommitFacts, PullFacts, PullSummary, added_lines
from tightrope.errors import EXIT_INTERNAL, ForgeError, UsageError
from tightrope.forges import sticky
from tightrope.forges.clients import GITLAB_TOKEN_VARS, ForgeAccess, gitlab_client, parse_time

CAPS_MARKER = "<!-- tightrope:caps-note -->"  # the caps' "request changes" note
_SCOPES = "a project access token with read_api (api for enforcement) in " + " or ".join(GITLAB_TOKEN_VARS)


@contextmanager
def api_errors(doing: str) -> Iterator[None]:
    """python-gitlab's and requests' exceptions -> ForgeError with a hint; never the token."""
    import gitlab
    import requests

    try:
        yield
    except gitlab.GitlabAuthenticationError:
        raise ForgeError(f"GitLab rejected the token (401) while {doing}", f"the job needs {_SCOPES}") from None
    except gitlab.GitlabError as e:
        code = e.response_code or 0
        if code == 429:
            raise ForgeError(f"GitLab's API rate limit was reached while {doing}",
                             "try again in a minute, or ask the instance admin about the API rate limits") from None
        if code == 404:
            raise ForgeError(f"GitLab answered 404 (not found) while {doing}",
                             f"check GROUP/PROJECT!N; a private project needs {_SCOPES}") from None
        if code >= 500 or not code:
            raise ForgeError(f"GitLab failed ({code or 'no answer'}) while {doing}", "run the job again",
                             exit_code=EXIT_INTERNAL) from None
        raise ForgeError(f"GitLab refused ({code}) while {doing}", f"the job needs {_SCOPES}") from None
    except requests.RequestException as e:
        raise ForgeError(f"could not reach GitLab's API while {doing} ({type(e).__name__})",
                         "check the network and CI_SERVER_URL, then run again", exit_code=EXIT_INTERNAL) from None


def web_host(access: ForgeAccess) -> str:
    return urlsplit(access.api_url).hostname or ""


def pipeline_merge_request(env: Mapping[str, str]) -> tuple[str, int, dict] | None:
    """(GROUP/PROJECT, iid, MR-shaped dict from CI_MERGE_REQUEST_*) in a merge request pipeline."""
    if not env.get("CI_MERGE_REQUEST_IID"):
        return None
    try:
        iid = int(env["CI_MERGE_REQUEST_IID"])
    except ValueError:
        raise UsageError("CI_MERGE_REQUEST_IID is not a number", "run in a merge request pipeline") from None
    labels = [x for x in env.get("CI_MERGE_REQUEST_LABELS", "").split(",") if x]
    title = env.get("CI_MERGE_REQUEST_TITLE", "")
    data = {
        "iid": iid, "source_branch": env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", ""),
        "target_branch": env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", ""),
        "diff_refs": {"base_sha": env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
                      "head_sha": env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or env.get("CI_COMMIT_SHA", "")},
        "title": title, "description": env.get("CI_MERGE_REQUEST_DESCRIPTION", ""), "labels": labels,
        "draft": env.get("CI_MERGE_REQUEST_DRAFT", "").lower() == "true" or title.lower().startswith(("draft:", "[draft]")),
        "description_truncated": env.get("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "").lower() == "true",
    }
    project = env.get("CI_MERGE_REQUEST_PROJECT_PATH") or env.get("CI_PROJECT_PATH", "")
    return project, iid, data


def _line_counts(diff: str) -> tuple[int, int]:
    """GitLab's `diff` holds hunks only (no file headers): every +/- line is a change."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            removed += 1
    return added, removed


def changed_files(mr) -> tuple[tuple[ChangedFile, ...], tuple[str, ...]]:
    """The MR's files from its per-file diffs (pages followed), and what GitLab did not send.
    The one reading of an MR's diff: the caps judge it, publish places line discussions by it."""
    files, unknown = [], []
    for d in mr.manager.gitlab.http_list(f"{mr.manager.path}/{mr.iid}/diffs", iterator=True):
        added, removed = _line_counts(d.get("diff") or "")
        too_large = bool(d.get("too_large"))
        if too_large:
            unknown.append(f"line counts of {d['new_path']} (GitLab did not send its diff: too large)")
        files.append(ChangedFile(d["new_path"], added, removed,
                                 d["old_path"] if d.get("renamed_file") else "",
                                 None if too_large else len((d.get("diff") or "").encode()),
                                 None if too_large else added_lines(d.get("diff") or "")))
    return tuple(files), tuple(unknown)


def sticky_note(mr, me: str, body: str | None, marker: str, when_clean: str = "resolve") -> str:
    """Create, update, resolve or delete the one note on `mr` that starts with `marker` and is
    written by `me` (a note someone else wrote with the marker is never touched); `body=None`
    means clean. Returns what was done (see `sticky.plan`)."""
    mine = [n for n in mr.notes.list(iterator=True, sort="asc")
            if (n.body or "").startswith(marker) and (n.author or {}).get("username") == me]
    existing = mine[0] if mine else None
    action, text = sticky.plan(existing.body if existing else None, body, marker, when_clean)
    if action == "created":
        mr.notes.create({"body": text})
    elif action == "deleted":
        existing.delete()
    elif action == "updated":
        existing.body = text
        existing.save()
    return action


class GitLabPulls:
    """One merge request and its project."""

    forge = "gitlab"

    def __init__(self, access: ForgeAccess, project: str, iid: int, *, pipeline: dict | None = None,
                 host: str = "gitlab.com") -> None:
        self.access, self.project_path, self.number, self.pipeline, self.host = access, project, iid, pipeline, host
        self.repo_name = project
        self._project = None
        self._mr = None

    @property
    def can_call_api(self) -> bool:
        return bool(self.access.token) and self.access.token_kind != "job"

    def _proj(self):
        if self._project is None:
            self._project = gitlab_client(self.access).projects.get(self.project_path, lazy=True)
        return self._project

    def _merge_request(self):
        if self._mr is None:
            with api_errors(f"reading {self.project_path}!{self.number}"):
                self._mr = self._proj().mergerequests.get(self.number)
        return self._mr

    def facts(self) -> PullFacts:
        if not self.can_call_api:
            if self.pipeline is None:
                raise UsageError("no GitLab token to read the merge request",
                                 f"set one of {', '.join(GITLAB_TOKEN_VARS)} (a token with read_api)")
            truncated = self.pipeline.get("description_truncated")
            return self._facts(self.pipeline, None, None, (
                ("the end of the description (CI_MERGE_REQUEST_DESCRIPTION is truncated)",) if truncated else ()))
        mr = self._merge_request()
        with api_errors(f"listing the changes and commits of {self.project_path}!{self.number}"):
            files, unknown = changed_files(mr)
            commits = tuple(_commit(c) for c in mr.commits())
        return self._facts(mr.attributes, files, commits, unknown)

    def _facts(self, d: dict, files, commits, unknown: tuple[str, ...]) -> PullFacts:
        try:
            refs = d.get("diff_refs") or {}
            return PullFacts(
                forge="gitlab", repo=self.project_path, number=int(d["iid"]),
                author=(d.get("author") or {}).get("username", ""), head_branch=d["source_branch"],
                base_branch=d["target_branch"], base_sha=refs.get("base_sha") or "",
                head_sha=refs.get("head_sha") or d.get("sha") or "", title=d.get("title") or "",
                body=d.get("description") or "", labels=tuple(d.get("labels") or ()),
                draft=bool(d.get("draft") or d.get("work_in_progress")), host=self.host,
                created_at=parse_time(d.get("created_at")), files=files, commits=commits, unknown=unknown)
        except (KeyError, TypeError, ValueError) as e:
            raise UsageError(f"the merge request data has an unexpected shape ({type(e).__name__}: {e})",
                             "is this a merge request pipeline?") from None

    def agent_pulls(self, author: str, since: datetime) -> AgentPulls:
        """The author's open MRs and MRs created since `since` (filtered by GitLab, pages followed)."""
        if not self.can_call_api:
            return AgentPulls(None, None)
        with api_errors(f"listing the merge requests of {self.project_path}"):
            mrs = self._proj().mergerequests
            open_ = tuple(_summary(m) for m in mrs.list(state="opened", author_username=author, iterator=True))
            recent = tuple(_summary(m) for m in mrs.list(author_username=author, created_after=since.isoformat(),
                                                         iterator=True))
        return AgentPulls(open_, recent)

    def recent_pulls_with_commits(self, since: datetime) -> tuple[tuple[PullSummary, tuple[CommitFacts, ...]], ...]:
        """Every MR created since `since` (any author) with its commits: who delegated what."""
        with api_errors(f"reading the recent merge requests of {self.project_path}"):
            return tuple((_summary(m), tuple(_commit(c) for c in m.commits()))
                         for m in self._proj().mergerequests.list(created_after=since.isoformat(), iterator=True))

    # --- enforcement ------------------------------------------------------------------------

    def add_label(self, name: str) -> None:
        self.label(self.number, (name,))

    def convert_to_draft(self) -> None:
        """GitLab marks a draft by the title's `Draft:` prefix."""
        mr = self._merge_request()
        if not (mr.attributes.get("draft") or mr.title.lower().startswith(("draft:", "[draft]"))):
            with api_errors(f"converting {self.project_path}!{self.number} to draft"):
                self._proj().mergerequests.update(self.number, {"title": f"Draft: {mr.title}"})

    def request_changes(self, body: str) -> None:
        """GitLab's REST API has no request-changes review: the reasons go in one note of ours,
        updated in place on each run."""
        mr = self._merge_request()
        with api_errors(f"requesting changes on {self.project_path}!{self.number}"):
            gl = mr.manager.gitlab
            gl.auth()
            sticky_note(mr, gl.user.username if gl.user else "", body, CAPS_MARKER)

    # --- safe outputs: project-level writes -----------------------------------------------------

    def open_pull(self, base: str, branch: str, title: str, body: str, draft: bool) -> int:
        with api_errors(f"opening a merge request from {branch}"):
            return self._proj().mergerequests.create({
                "source_branch": branch, "target_branch": base, "description": body,
                "title": f"Draft: {title}" if draft else title}).iid

    def close_pull(self, number: int) -> None:
        with api_errors(f"closing {self.project_path}!{number}"):
            self._proj().mergerequests.update(number, {"state_event": "close"})

    def comment(self, number: int, body: str) -> None:
        with api_errors(f"commenting on {self.project_path}!{number}"):
            self._proj().mergerequests.get(number, lazy=True).notes.create({"body": body})

    def label(self, number: int, labels: tuple[str, ...]) -> None:
        with api_errors(f"labelling {self.project_path}!{number}"):
            self._proj().mergerequests.update(number, {"add_labels": ",".join(labels)})


def _commit(c) -> CommitFacts:
    return CommitFacts(c.id, c.message, c.author_name or "", c.author_email or "")


def _summary(m) -> PullSummary:
    return PullSummary(m.iid, (m.author or {}).get("username", ""), m.source_branch, parse_time(m.created_at))
