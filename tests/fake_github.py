"""A stateful stand-in for the slice of the GitHub REST API that `publish` calls, answering
with the documented JSON shapes (issues, issue comments, check runs) on a pytest-httpserver."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from werkzeug import Request, Response

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}


@dataclass
class FakeGitHub:
    base: str
    repo: str = "o/r"
    comments: dict[int, dict] = field(default_factory=dict)
    check_runs: dict[int, dict] = field(default_factory=dict)
    requests: list[tuple[str, str, dict | None]] = field(default_factory=list)
    deny_writes: bool = False
    _next: int = 100

    def comment(self, body: str, user: dict = BOT) -> int:
        self._next += 1
        self.comments[self._next] = {"id": self._next, "body": body, "user": user,
                                     "url": f"{self.base}/repos/{self.repo}/issues/comments/{self._next}",
                                     "html_url": f"https://github.invalid/{self.repo}/pull/5#c{self._next}",
                                     "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        return self._next

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.requests if m != "GET"]

    def handle(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"null")
        path, method = request.path, request.method
        self.requests.append((method, path, body))
        prefix = f"/repos/{self.repo}"
        if method != "GET" and self.deny_writes:
            return _json({"message": "Resource not accessible by integration"}, 403)
        if m := re.fullmatch(prefix + r"/issues/(\d+)", path):
            n = int(m.group(1))
            return _json({"id": 9000 + n, "number": n, "title": "PR", "state": "open",
                          "url": f"{self.base}{prefix}/issues/{n}", "comments": len(self.comments),
                          "pull_request": {"url": f"{self.base}{prefix}/pulls/{n}"}})
        if re.fullmatch(prefix + r"/issues/\d+/comments", path):
            if method == "POST":
                return _json(self.comments[self.comment(body["body"])], 201)
            return _json(sorted(self.comments.values(), key=lambda c: c["id"]))
        if m := re.fullmatch(prefix + r"/issues/comments/(\d+)", path):
            cid = int(m.group(1))
            if method == "DELETE":
                del self.comments[cid]
                return Response(status=204)
            self.comments[cid]["body"] = body["body"]
            return _json(self.comments[cid])
        if path == prefix + "/check-runs" and method == "POST":
            self._next += 1
            run = {**body, "id": self._next, "url": f"{self.base}{prefix}/check-runs/{self._next}",
                   "annotations": list(body.get("output", {}).get("annotations", []))}
            self.check_runs[self._next] = run
            return _json(run, 201)
        if m := re.fullmatch(prefix + r"/check-runs/(\d+)", path):
            run = self.check_runs[int(m.group(1))]
            run["annotations"] += body.get("output", {}).get("annotations", [])
            return _json(run)
        return _json({"message": "Not Found"}, 404)


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def serve(httpserver) -> FakeGitHub:
    fake = FakeGitHub(base=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake
