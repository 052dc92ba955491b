"""GitHub and GitLab as pytest-httpserver answering the documented REST JSON shapes.

One scenario API for both forges, so a test is written once and parametrised over them:
`pull(...)` serves the PR/MR under test with its files and commits, `listing(...)` serves the
repository's PR/MR list with real pagination (Link headers, per_page/page), and `writes()`
returns what the code tried to change. Nothing here patches PyGithub or python-gitlab.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from werkzeug import Request, Response

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(request: Request, items: list, base_url: str) -> Response:
    per_page = int(request.args.get("per_page", 20))
    page = int(request.args.get("page", 1))
    chunk = items[(page - 1) * per_page: page * per_page]
    headers = {"Content-Type": "application/json"}
    if page * per_page < len(items):
        args = {**request.args.to_dict(), "page": str(page + 1)}
        headers["Link"] = f'<{base_url}{request.path}?{urlencode(args)}>; rel="next"'
    return Response(json.dumps(chunk), headers=headers)


def _hunk(added: int, removed: int, lines: list) -> str:
    """A hunk adding `added` lines (the given texts, else "x") and removing `removed`."""
    texts = list(lines[0]) if lines else ["x"] * added
    return f"@@ -1,{removed} +1,{len(texts)} @@\n" + "".join(f"+{t}\n" for t in texts) + "-y\n" * removed


class Fake:
    forge = ""
    sep = ""

    def __init__(self, server, token: str) -> None:
        self.server, self.token = server, token
        self.url = server.url_for("").rstrip("/")
        self.pulls: list[dict] = []

    def ref(self, number: int = 4) -> str:
        return f"{self.repo}{self.sep}{number}"

    def flag(self, number: int = 4) -> list[str]:
        return [f"--{self.forge}", self.ref(number)]

    def requests(self):
        return [r for r, _ in self.server.log]

    def writes(self) -> list[tuple[str, str, str]]:
        return [(r.method, r.path, r.get_data(as_text=True)) for r in self.requests() if r.method != "GET"]

    def _serve(self, path: str, data: dict, lists: dict[str, list]) -> dict:
        """The PR/MR at `path` and its paginated sub-lists (files/diffs, commits)."""
        self.server.expect_request(path, method="GET").respond_with_json(data)
        for name, items in lists.items():
            self.server.expect_request(f"{path}/{name}").respond_with_handler(
                lambda q, items=items: _page(q, items, self.url))
        self.pulls.append(data)
        return data

    def error(self, status: int, headers: dict | None = None) -> None:
        self.server.expect_request(re.compile(".*")).respond_with_json({"message": "nope"}, status=status,
                                                                       headers=headers or {})


class FakeGitHub(Fake):
    forge, sep, repo = "github", "#", "o/r"

    def env(self) -> dict:
        return {"TIGHTROPE_GITHUB_TOKEN": self.token, "GITHUB_API_URL": self.url,
                "GITHUB_SERVER_URL": "https://github.com"}

    def pull_json(self, number: int, author: str, branch: str, *, title: str = "Fix", body: str = "",
                  labels=(), draft=False, created: datetime = NOW, base_sha: str = "0" * 40,
                  head_sha: str = "f" * 40, files=(), commits=()) -> dict:
        r = f"{self.url}/repos/{self.repo}"
        return {
            "url": f"{r}/pulls/{number}", "id": 1000 + number, "node_id": f"PR_node{number}", "number": number,
            "state": "open", "title": title, "body": body, "draft": draft,
            "html_url": f"https://github.com/{self.repo}/pull/{number}", "issue_url": f"{r}/issues/{number}",
            "user": {"login": author, "id": 7, "type": "Bot" if author.endswith("[bot]") else "User"},
            "labels": [{"id": i, "name": name} for i, name in enumerate(labels)],
            "created_at": iso(created), "updated_at": iso(created),
            "head": {"ref": branch, "sha": head_sha, "repo": {"full_name": self.repo}},
            "base": {"ref": "main", "sha": base_sha, "repo": {"full_name": self.repo}},
            "additions": sum(f[1] for f in files), "deletions": sum(f[2] for f in files),
            "changed_files": len(files), "commits": len(commits),
        }

    def pull(self, number: int, author: str, branch: str, *, files, commits=(("fix", "Dev", "dev@example.com"),),
             **kw) -> dict:
        data = self.pull_json(number, author, branch, files=files, commits=commits, **kw)
        r = f"/repos/{self.repo}/pulls/{number}"
        file_items = [{"sha": "1" * 40, "filename": p, "status": "modified", "additions": a, "deletions": d,
                       "changes": a + d, "patch": _hunk(a, d, rest)} for p, a, d, *rest in files]
        commit_items = [{"sha": f"{i:040x}", "url": f"{self.url}/repos/{self.repo}/commits/{i:040x}",
                         "commit": {"message": m, "author": {"name": n, "email": e, "date": iso(NOW)},
                                    "committer": {"name": n, "email": e, "date": iso(NOW)}}}
                        for i, (m, n, e) in enumerate(commits)]
        return self._serve(r, data, {"files": file_items, "commits": commit_items})

    def listing(self, others: list[tuple]) -> None:
        """Other PRs (number, author, branch, created[, commit message]), all open; newest first for state=all."""
        items = self.pulls + [self.pull_json(n, a, b, created=c) for n, a, b, c, *_ in others]
        items.sort(key=lambda p: p["created_at"], reverse=True)
        self.server.expect_request(f"/repos/{self.repo}/pulls", method="GET").respond_with_handler(
            lambda q: _page(q, items, self.url))
        for n, *_, message in (o for o in others if len(o) > 4):
            self.server.expect_request(f"/repos/{self.repo}/pulls/{n}/commits").respond_with_json([
                {"sha": f"{n:040x}", "commit": {"message": message, "author": {"name": "a", "email": "a@x.test"},
                                                "committer": {"name": "a", "email": "a@x.test"}}}])

    def enforcement_endpoints(self, number: int = 4) -> None:
        r = f"/repos/{self.repo}"
        self.server.expect_request(f"{r}/issues/{number}/labels", method="POST").respond_with_json(
            [{"id": 1, "name": "tightrope:caps-exceeded"}])
        self.server.expect_request("/graphql", method="POST").respond_with_json(
            {"data": {"convertPullRequestToDraft": {"clientMutationId": None, "pullRequest": {"isDraft": True}}}})
        self.server.expect_request(f"{r}/pulls/{number}/reviews", method="POST").respond_with_json(
            {"id": 9, "state": "CHANGES_REQUESTED", "body": "x", "user": {"login": "tightrope"}})

    def safe_output_endpoints(self, number: int = 21, create_status: int = 201) -> None:
        r = f"/repos/{self.repo}"
        created = self.pull_json(number, "safe-bot", "agent/x")
        self.server.expect_request(f"{r}/pulls", method="POST").respond_with_json(
            created if create_status < 300 else {"message": "Validation Failed"}, status=create_status)
        self.server.expect_request(f"{r}/pulls/{number}", method="PATCH").respond_with_json({**created, "state": "closed"})
        self.server.expect_request(re.compile(rf"{r}/issues/\d+/labels"), method="POST").respond_with_json([])
        self.server.expect_request(re.compile(rf"{r}/issues/\d+/comments"), method="POST").respond_with_json(
            {"id": 1, "body": "x", "user": {"login": "safe-bot"}})

    def ci_env(self, tmp_path, number: int = 4, token: bool = True) -> dict:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"action": "opened", "number": number,
                                     "pull_request": next(p for p in self.pulls if p["number"] == number)}))
        env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_REPOSITORY": self.repo, "GITHUB_API_URL": self.url, "GITHUB_SERVER_URL": "https://github.com"}
        if token:
            env["GITHUB_TOKEN"] = self.token
        return env


class FakeGitLab(Fake):
    forge, sep, repo = "gitlab", "!", "g/p"

    @property
    def api(self) -> str:
        return "/api/v4/projects/g/p"  # the client sends g%2Fp; the server sees the decoded path

    def env(self) -> dict:
        return {"TIGHTROPE_GITLAB_TOKEN": self.token, "CI_SERVER_URL": self.url}

    def pull_json(self, number: int, author: str, branch: str, *, title: str = "Fix", body: str = "",
                  labels=(), draft=False, created: datetime = NOW, base_sha: str = "0" * 40,
                  head_sha: str = "f" * 40, **_) -> dict:
        return {
            "id": 2000 + number, "iid": number, "project_id": 7, "title": title, "description": body,
            "state": "opened", "created_at": iso(created), "updated_at": iso(created),
            "target_branch": "main", "source_branch": branch, "source_project_id": 7, "target_project_id": 7,
            "author": {"id": 5, "username": author, "name": author, "state": "active"},
            "labels": list(labels), "draft": draft, "work_in_progress": draft, "sha": head_sha,
            "diff_refs": {"base_sha": base_sha, "head_sha": head_sha, "start_sha": base_sha},
            "web_url": f"https://gitlab.example/{self.repo}/-/merge_requests/{number}",
        }

    def pull(self, number: int, author: str, branch: str, *, files, commits=(("fix", "Dev", "dev@example.com"),),
             **kw) -> dict:
        data = self.pull_json(number, author, branch, **kw)
        r = f"{self.api}/merge_requests/{number}"
        diffs = [{"old_path": p, "new_path": p, "a_mode": "100644", "b_mode": "100644", "new_file": False,
                  "renamed_file": False, "deleted_file": False,
                  "diff": _hunk(a, d, rest)} for p, a, d, *rest in files]
        commit_items = [{"id": f"{i:040x}", "short_id": f"{i:08x}", "title": m.splitlines()[0], "message": m,
                         "author_name": n, "author_email": e, "created_at": iso(NOW)}
                        for i, (m, n, e) in enumerate(commits)]
        return self._serve(r, data, {"diffs": diffs, "commits": commit_items})

    def listing(self, others: list[tuple]) -> None:
        items = self.pulls + [self.pull_json(n, a, b, created=c) for n, a, b, c, *_ in others]
        for n, *_, message in (o for o in others if len(o) > 4):
            self.server.expect_request(f"{self.api}/merge_requests/{n}/commits").respond_with_json([
                {"id": f"{n:040x}", "message": message, "author_name": "a", "author_email": "a@x.test"}])
        items.sort(key=lambda p: p["created_at"], reverse=True)

        def handler(q: Request) -> Response:  # GitLab filters server-side: author, state, created_after
            chosen = [m for m in items if m["author"]["username"] == q.args.get("author_username", m["author"]["username"])
                      and q.args.get("state", "all") in ("opened", "all") and
                      m["created_at"] >= q.args.get("created_after", "").replace("+00:00", "Z")[:19]]
            return _page(q, chosen, self.url)

        self.server.expect_request(f"{self.api}/merge_requests", method="GET").respond_with_handler(handler)

    def enforcement_endpoints(self, number: int = 4) -> None:
        r = f"{self.api}/merge_requests/{number}"
        data = next(p for p in self.pulls if p["iid"] == number)
        self.server.expect_request(r, method="PUT").respond_with_json(data)
        self.server.expect_request(f"{r}/notes", method="POST").respond_with_json(
            {"id": 3, "body": "x", "author": {"username": "tightrope"}})

    def safe_output_endpoints(self, number: int = 21, create_status: int = 201) -> None:
        created = self.pull_json(number, "safe-bot", "agent/x")
        self.server.expect_request(f"{self.api}/merge_requests", method="POST").respond_with_json(
            created if create_status < 300 else {"message": "Validation Failed"}, status=create_status)
        self.server.expect_request(re.compile(rf"{self.api}/merge_requests/\d+"), method="PUT").respond_with_json(created)
        self.server.expect_request(re.compile(rf"{self.api}/merge_requests/\d+/notes"), method="POST").respond_with_json(
            {"id": 3, "body": "x", "author": {"username": "safe-bot"}})

    def ci_env(self, tmp_path, number: int = 4, token: bool = True) -> dict:
        mr = next(p for p in self.pulls if p["iid"] == number)
        env = {"GITLAB_CI": "true", "CI_SERVER_URL": self.url, "CI_PROJECT_PATH": self.repo,
               "CI_MERGE_REQUEST_IID": str(number), "CI_MERGE_REQUEST_PROJECT_PATH": self.repo,
               "CI_MERGE_REQUEST_TITLE": mr["title"], "CI_MERGE_REQUEST_DESCRIPTION": mr["description"],
               "CI_MERGE_REQUEST_LABELS": ",".join(mr["labels"]),
               "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": mr["source_branch"],
               "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
               "CI_MERGE_REQUEST_DIFF_BASE_SHA": mr["diff_refs"]["base_sha"], "CI_COMMIT_SHA": mr["sha"],
               "CI_JOB_TOKEN": "job-" + self.token[::-1]}
        if token:
            env["GITLAB_TOKEN"] = self.token
        return env


FORGES = {"github": FakeGitHub, "gitlab": FakeGitLab}
DAY = timedelta(days=1)
