"""GitHub's REST API (the slice PyGithub calls for caps, safe outputs and publish) on a
pytest-httpserver, answering the documented JSON shapes. See tests/fake_forge.py."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from werkzeug import Request, Response

from fake_forge import NOW, Fake, hunk, iso, json_response, page

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}


class FakeGitHub(Fake):
    forge, sep, repo = "github", "#", "o/r"

    def __init__(self, server, token: str) -> None:
        super().__init__(server, token)
        self.comments: dict[int, dict] = {}
        self.check_runs: dict[int, dict] = {}
        self.reviews: dict[int, dict] = {}

    def route(self, suffix: str) -> re.Pattern:
        return re.compile(re.escape(f"/repos/{self.repo}{suffix}") + "$")

    def env(self) -> dict:
        return {"TIGHTROPE_GITHUB_TOKEN": self.token, "GITHUB_API_URL": self.url,
                "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": self.repo}

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
        """Files are (path, added, removed[, added texts | raw hunk]); commits (message, name, email[, sha])."""
        data = self.pull_json(number, author, branch, files=files, commits=commits, **kw)
        file_items = [{"sha": "1" * 40, "filename": p, "status": "modified", "additions": a, "deletions": d,
                       "changes": a + d, "patch": hunk(a, d, rest)} for p, a, d, *rest in files]
        commit_items = [{"sha": sha, "url": f"{self.url}/repos/{self.repo}/commits/{sha}",
                         "commit": {"message": m, "author": {"name": n, "email": e, "date": iso(NOW)},
                                    "committer": {"name": n, "email": e, "date": iso(NOW)}}}
                        for i, (m, n, e, *given) in enumerate(commits) for sha in [given[0] if given else f"{i:040x}"]]
        return self._serve(f"/pulls/{number}", data, {"files": file_items, "commits": commit_items})

    def listing(self, others: list[tuple]) -> None:
        """Other PRs (number, author, branch, created[, commit message]), all open; newest first for state=all."""
        items = self.pulls + [self.pull_json(n, a, b, created=c) for n, a, b, c, *_ in others]
        items.sort(key=lambda p: p["created_at"], reverse=True)
        self.server.expect_request(self.route("/pulls"), method="GET").respond_with_handler(
            lambda q: page(q, items, self.url))
        for n, *_, message in (o for o in others if len(o) > 4):
            self.server.expect_request(self.route(f"/pulls/{n}/commits")).respond_with_json([
                {"sha": f"{n:040x}", "commit": {"message": message, "author": {"name": "a", "email": "a@x.test"},
                                                "committer": {"name": "a", "email": "a@x.test"}}}])

    def enforcement_endpoints(self, number: int = 4) -> None:
        self.server.expect_request(self.route(f"/issues/{number}/labels"), method="POST").respond_with_json(
            [{"id": 1, "name": "tightrope:caps-exceeded"}])
        self.server.expect_request("/graphql", method="POST").respond_with_json(
            {"data": {"convertPullRequestToDraft": {"clientMutationId": None, "pullRequest": {"isDraft": True}}}})
        self.server.expect_request(re.compile(re.escape(f"/repos/{self.repo}/pulls/{number}/reviews") + r"(/\d+/dismissals)?$")
                                   ).respond_with_handler(lambda q: self._pull_review(q, number))

    def _pull_review(self, request: Request, number: int) -> Response:
        """Reviews kept as state: list (GET), create (POST), dismiss (PUT .../dismissals)."""
        if request.method == "GET":
            return page(request, sorted(self.reviews.values(), key=lambda r: r["id"]), self.url)
        body = json.loads(request.get_data() or b"null")
        if request.method == "PUT":
            review = self.reviews[int(request.path.split("/")[-2])]
            review["state"] = "DISMISSED"
            return json_response(review)
        state = {"REQUEST_CHANGES": "CHANGES_REQUESTED"}.get(body["event"], body["event"])
        return json_response(self.reviews[self.review(number, body["body"], state)])

    def review(self, number: int, body: str, state: str, user: dict = BOT) -> int:
        """A review on the PR (ours, or a human's)."""
        rid = self.new_id()
        self.reviews[rid] = {"id": rid, "state": state, "body": body, "user": user, "commit_id": "f" * 40,
                             "pull_request_url": f"{self.url}/repos/{self.repo}/pulls/{number}"}
        return rid

    def safe_output_endpoints(self, number: int = 21, create_status: int = 201) -> None:
        r = re.escape(f"/repos/{self.repo}")
        created = self.pull_json(number, "safe-bot", "agent/x")
        self.server.expect_request(self.route("/pulls"), method="POST").respond_with_json(
            created if create_status < 300 else {"message": "Validation Failed"}, status=create_status)
        self.server.expect_request(self.route(f"/pulls/{number}"), method="PATCH").respond_with_json(
            {**created, "state": "closed"})
        self.server.expect_request(re.compile(rf"{r}/issues/\d+/labels$"), method="POST").respond_with_json([])
        self.server.expect_request(re.compile(rf"{r}/issues/\d+/comments$"), method="POST").respond_with_json(
            {"id": 1, "body": "x", "user": {"login": "safe-bot"}})

    # --- what `publish` writes: issue comments and check runs, kept as state ---------------------

    def comment(self, body: str, user: dict = BOT) -> int:
        """A comment already on the PR (ours, or someone else's)."""
        cid = self.new_id()
        self.comments[cid] = {"id": cid, "body": body, "user": user,
                              "url": f"{self.url}/repos/{self.repo}/issues/comments/{cid}",
                              "html_url": f"https://github.invalid/{self.repo}/pull/5#c{cid}",
                              "created_at": iso(NOW), "updated_at": iso(NOW)}
        return cid

    def review_endpoints(self) -> None:
        r = re.escape(f"/repos/{self.repo}")
        self.server.expect_request(re.compile(rf"{r}/(issues/\d+(/comments)?|issues/comments/\d+|check-runs(/\d+)?)$")
                                   ).respond_with_handler(self._review)

    def _review(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"null")
        path, method = request.path.removeprefix(f"/repos/{self.repo}"), request.method
        if method != "GET" and self.deny_writes:
            return json_response({"message": "Resource not accessible by integration"}, 403)
        if m := re.fullmatch(r"/issues/(\d+)", path):
            n = int(m.group(1))
            return json_response({"id": 9000 + n, "number": n, "title": "PR", "state": "open",
                                  "url": f"{self.url}/repos/{self.repo}/issues/{n}", "comments": len(self.comments),
                                  "pull_request": {"url": f"{self.url}/repos/{self.repo}/pulls/{n}"}})
        if re.fullmatch(r"/issues/\d+/comments", path):
            if method == "POST":
                return json_response(self.comments[self.comment(body["body"])], 201)
            return json_response(sorted(self.comments.values(), key=lambda c: c["id"]))
        if m := re.fullmatch(r"/issues/comments/(\d+)", path):
            cid = int(m.group(1))
            if method == "DELETE":
                del self.comments[cid]
                return Response(status=204)
            self.comments[cid]["body"] = body["body"]
            return json_response(self.comments[cid])
        if path == "/check-runs" and method == "POST":
            rid = self.new_id()
            run = {**body, "id": rid, "url": f"{self.url}/repos/{self.repo}/check-runs/{rid}",
                   "annotations": list(body.get("output", {}).get("annotations", []))}
            self.check_runs[rid] = run
            return json_response(run, 201)
        if m := re.fullmatch(r"/check-runs/(\d+)", path):
            run = self.check_runs[int(m.group(1))]
            run["annotations"] += body.get("output", {}).get("annotations", [])
            return json_response(run)
        return json_response({"message": "Not Found"}, 404)

    def ci_env(self, tmp_path: Path, number: int = 4, token: bool = True) -> dict:
        """A pull_request workflow's environment: the event payload GitHub writes, and the token."""
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"action": "opened", "number": number,
                                     "pull_request": next(p for p in self.pulls if p["number"] == number)}))
        env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
               "GITHUB_REPOSITORY": self.repo, "GITHUB_API_URL": self.url, "GITHUB_SERVER_URL": "https://github.com"}
        if token:
            env["GITHUB_TOKEN"] = self.token
        return env
