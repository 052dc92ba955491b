"""A stateful stand-in for the slice of the GitLab REST API (v4) that `publish --gitlab-mr`
calls, answering with the documented JSON shapes on a pytest-httpserver."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from werkzeug import Request, Response

ME = {"id": 99, "username": "project_7_bot_1a2b", "name": "tightrope"}
REFS = {"base_sha": "b" * 40, "start_sha": "s" * 40, "head_sha": "h" * 40}


@dataclass
class FakeGitLab:
    diffs: list[dict]
    notes: dict[int, dict] = field(default_factory=dict)
    discussions: list[dict] = field(default_factory=list)
    requests: list[tuple[str, str, dict | None]] = field(default_factory=list)
    _next: int = 500

    def note(self, body: str, author: dict = ME) -> int:
        self._next += 1
        self.notes[self._next] = {"id": self._next, "body": body, "author": author, "system": False,
                                  "noteable_type": "MergeRequest", "noteable_iid": 3}
        return self._next

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.requests if m != "GET"]

    def handle(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"null")
        path, method = request.path, request.method
        self.requests.append((method, path, body))
        mr = "/api/v4/projects/7/merge_requests/3"
        if path == "/api/v4/user":
            return _json(ME)
        if path == mr:
            return _json({"id": 1003, "iid": 3, "project_id": 7, "title": "MR", "state": "opened",
                          "diff_refs": REFS, "sha": REFS["head_sha"]})
        if path == mr + "/diffs":
            return _json(self.diffs)
        if path == mr + "/discussions":
            if method == "POST":
                self._next += 1
                d = {"id": f"d{self._next}", "individual_note": False,
                     "notes": [{"id": self._next, "body": body["body"], "author": ME, "position": body["position"]}]}
                self.discussions.append(d)
                return _json(d, 201)
            return _json(self.discussions)
        if path == mr + "/notes":
            if method == "POST":
                return _json(self.notes[self.note(body["body"])], 201)
            return _json(sorted(self.notes.values(), key=lambda n: n["id"]))
        if m := re.fullmatch(mr + r"/notes/(\d+)", path):
            nid = int(m.group(1))
            if method == "DELETE":
                del self.notes[nid]
                return Response(status=204)
            self.notes[nid]["body"] = body["body"]
            return _json(self.notes[nid])
        return _json({"message": "404 Not Found"}, 404)


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def serve(httpserver, diffs: list[dict]) -> FakeGitLab:
    fake = FakeGitLab(diffs=diffs)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake
