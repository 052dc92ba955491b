"""GitLab's REST API v4 (the slice python-gitlab calls for caps, safe outputs and publish) on a
pytest-httpserver, answering the documented JSON shapes. See tests/fake_forge.py.

The project answers both by its path (what caps and safe outputs name) and by its numeric id
(CI_PROJECT_ID, what publish uses in a pipeline), as GitLab does."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from werkzeug import Request, Response

from fake_forge import NOW, Fake, hunk, iso, json_response, page

ME = {"id": 99, "username": "project_7_bot_1a2b", "name": "tightrope"}
PROJECT_ID = 7


class FakeGitLab(Fake):
    forge, sep = "gitlab", "!"

    def __init__(self, server, token: str, repo: str = "g/p") -> None:
        super().__init__(server, token)
        self.repo = repo
        self.notes: dict[int, dict] = {}
        self.discussions: list[dict] = []

    @property
    def api(self) -> str:
        return f"/api/v4/projects/{self.repo}"  # the client sends g%2Fp; the server sees the decoded path

    def route(self, suffix: str) -> re.Pattern:
        return re.compile(rf"/api/v4/projects/(?:{PROJECT_ID}|{re.escape(self.repo)}){re.escape(suffix)}$")

    def env(self) -> dict:
        return {"TIGHTROPE_GITLAB_TOKEN": self.token, "CI_SERVER_URL": self.url}

    def pull_json(self, number: int, author: str, branch: str, *, title: str = "Fix", body: str = "",
                  labels=(), draft=False, created: datetime = NOW, base_sha: str = "0" * 40,
                  head_sha: str = "f" * 40, **_) -> dict:
        return {
            "id": 2000 + number, "iid": number, "project_id": PROJECT_ID, "title": title, "description": body,
            "state": "opened", "created_at": iso(created), "updated_at": iso(created),
            "target_branch": "main", "source_branch": branch, "source_project_id": PROJECT_ID,
            "target_project_id": PROJECT_ID,
            "author": {"id": 5, "username": author, "name": author, "state": "active"},
            "labels": list(labels), "draft": draft, "work_in_progress": draft, "sha": head_sha,
            "diff_refs": {"base_sha": base_sha, "head_sha": head_sha, "start_sha": base_sha},
            "web_url": f"https://gitlab.example/{self.repo}/-/merge_requests/{number}",
        }

    def pull(self, number: int, author: str, branch: str, *, files, commits=(("fix", "Dev", "dev@example.com"),),
             **kw) -> dict:
        """Files are (path, added, removed[, added texts | raw hunk]); commits (message, name, email[, sha])."""
        data = self.pull_json(number, author, branch, **kw)
        diffs = [{"old_path": p, "new_path": p, "a_mode": "100644", "b_mode": "100644", "new_file": False,
                  "renamed_file": False, "deleted_file": False, "diff": hunk(a, d, rest)} for p, a, d, *rest in files]
        commit_items = [{"id": sha, "short_id": sha[:8], "title": m.splitlines()[0], "message": m,
                         "author_name": n, "author_email": e, "created_at": iso(NOW)}
                        for i, (m, n, e, *given) in enumerate(commits) for sha in [given[0] if given else f"{i:040x}"]]
        return self._serve(f"/merge_requests/{number}", data, {"diffs": diffs, "commits": commit_items})

    def listing(self, others: list[tuple]) -> None:
        items = self.pulls + [self.pull_json(n, a, b, created=c) for n, a, b, c, *_ in others]
        for n, *_, message in (o for o in others if len(o) > 4):
            self.server.expect_request(self.route(f"/merge_requests/{n}/commits")).respond_with_json([
                {"id": f"{n:040x}", "message": message, "author_name": "a", "author_email": "a@x.test"}])
        items.sort(key=lambda p: p["created_at"], reverse=True)

        def handler(q: Request) -> Response:  # GitLab filters server-side: author, state, created_after
            chosen = [m for m in items if m["author"]["username"] == q.args.get("author_username", m["author"]["username"])
                      and q.args.get("state", "all") in ("opened", "all") and
                      m["created_at"] >= q.args.get("created_after", "").replace("+00:00", "Z")[:19]]
            return page(q, chosen, self.url)

        self.server.expect_request(self.route("/merge_requests"), method="GET").respond_with_handler(handler)

    def enforcement_endpoints(self, number: int = 4) -> None:
        data = next(p for p in self.pulls if p["iid"] == number)
        self.server.expect_request(self.route(f"/merge_requests/{number}"), method="PUT").respond_with_json(data)
        self.review_endpoints(number)  # "request changes" is a note of ours

    def safe_output_endpoints(self, number: int = 21, create_status: int = 201) -> None:
        created = self.pull_json(number, "safe-bot", "agent/x")
        mr = re.escape(self.api) + r"/merge_requests/\d+"
        self.server.expect_request(self.route("/merge_requests"), method="POST").respond_with_json(
            created if create_status < 300 else {"message": "Validation Failed"}, status=create_status)
        self.server.expect_request(re.compile(mr + "$"), method="PUT").respond_with_json(created)
        self.server.expect_request(re.compile(mr + "/notes$"), method="POST").respond_with_json(
            {"id": 3, "body": "x", "author": {"username": "safe-bot"}})

    # --- what `publish --gitlab-mr` writes: notes and line discussions, kept as state -----------

    def note(self, body: str, author: dict = ME, number: int = 3) -> int:
        """A note already on the MR (ours, or someone else's)."""
        nid = self.new_id()
        self.notes[nid] = {"id": nid, "body": body, "author": author, "system": False,
                           "noteable_type": "MergeRequest", "noteable_iid": number}
        return nid

    def review_endpoints(self, number: int) -> None:
        """The token's user, and the MR's notes and discussions (the MR itself comes from `pull`)."""
        self.server.expect_request("/api/v4/user").respond_with_json(ME)
        mr = rf"/api/v4/projects/(?:{PROJECT_ID}|{re.escape(self.repo)})/merge_requests/{number}"
        self.server.expect_request(re.compile(mr + r"/(discussions|notes|notes/\d+)$")).respond_with_handler(self._review)

    def _review(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"null")
        what, method = request.path.rsplit("/merge_requests/", 1)[1].split("/", 1)[1], request.method
        if method != "GET" and self.deny_writes:
            return json_response({"message": "403 Forbidden"}, 403)
        if what == "discussions":
            if method == "POST":
                nid = self.new_id()
                d = {"id": f"d{nid}", "individual_note": False,
                     "notes": [{"id": nid, "body": body["body"], "author": ME, "position": body["position"]}]}
                self.discussions.append(d)
                return json_response(d, 201)
            return json_response(self.discussions)
        if what == "notes":
            if method == "POST":
                return json_response(self.notes[self.note(body["body"])], 201)
            return json_response(sorted(self.notes.values(), key=lambda n: n["id"]))
        nid = int(what.removeprefix("notes/"))
        if method == "DELETE":
            del self.notes[nid]
            return Response(status=204)
        self.notes[nid]["body"] = body["body"]
        return json_response(self.notes[nid])

    def ci_env(self, tmp_path: Path, number: int = 4, token: bool = True) -> dict:
        """A merge request pipeline's predefined variables, and the token."""
        mr = next(p for p in self.pulls if p["iid"] == number)
        env = {"GITLAB_CI": "true", "CI_SERVER_URL": self.url, "CI_PROJECT_PATH": self.repo,
               "CI_PROJECT_ID": str(PROJECT_ID),
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
