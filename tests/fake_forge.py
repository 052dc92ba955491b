"""What the fake GitHub (tests/fake_github.py) and fake GitLab (tests/fake_gitlab.py) share:
a pytest-httpserver answering the forges' documented REST JSON shapes, with real pagination
(Link headers, per_page/page), and the record of what the code sent.

One scenario API for both forges, so a test is written once and parametrised over them:
`pull(...)` serves the PR/MR under test with its files and commits, `listing(...)` the
repository's PR/MR list, `review_endpoints()` the sticky comment / note and review surfaces
`publish` writes to (stateful: what was posted is read back), and `calls()` / `writes()`
return what the code asked for. Nothing here patches PyGithub or python-gitlab.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from werkzeug import Request, Response

NOW = datetime.now(timezone.utc).replace(microsecond=0)
DAY = timedelta(days=1)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def page(request: Request, items: list, base_url: str) -> Response:
    per_page = int(request.args.get("per_page", 20))
    number = int(request.args.get("page", 1))
    chunk = items[(number - 1) * per_page: number * per_page]
    headers = {"Content-Type": "application/json"}
    if number * per_page < len(items):
        args = {**request.args.to_dict(), "page": str(number + 1)}
        headers["Link"] = f'<{base_url}{request.path}?{urlencode(args)}>; rel="next"'
    return Response(json.dumps(chunk), headers=headers)


def hunk(added: int, removed: int, rest: list) -> str:
    """The hunk of a file tuple (path, added, removed[, texts | raw hunk]): a raw hunk string as
    given, else one adding the given texts (or `added` lines "x") and removing `removed`."""
    if rest and isinstance(rest[0], str):
        return rest[0]
    texts = list(rest[0]) if rest else ["x"] * added
    return f"@@ -1,{removed} +1,{len(texts)} @@\n" + "".join(f"+{t}\n" for t in texts) + "-y\n" * removed


def _json_or_none(data: bytes):
    try:
        return json.loads(data or b"null")
    except ValueError:
        return None


def json_response(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


class Fake:
    """One forge on one pytest-httpserver."""

    forge = ""
    sep = ""
    repo = ""

    def __init__(self, server, token: str) -> None:
        self.server, self.token = server, token
        self.url = server.url_for("").rstrip("/")
        self.pulls: list[dict] = []
        self.deny_writes = False  # review endpoints answer 403 to writes (a fork's read-only token)
        self._next = 100

    def ref(self, number: int = 4) -> str:
        return f"{self.repo}{self.sep}{number}"

    def flag(self, number: int = 4) -> list[str]:
        return [f"--{self.forge}", self.ref(number)]

    def requests(self) -> list[Request]:
        return [r for r, _ in self.server.log]

    def calls(self) -> list[tuple[str, str, object]]:
        """(method, path, JSON body or None) of every request received."""
        return [(r.method, r.path, _json_or_none(r.get_data())) for r in self.requests()]

    def writes(self) -> list[tuple[str, str, str]]:
        return [(r.method, r.path, r.get_data(as_text=True)) for r in self.requests() if r.method != "GET"]

    def clear(self) -> None:
        self.server.clear_log()

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def route(self, suffix: str) -> re.Pattern:
        raise NotImplementedError

    def _serve(self, suffix: str, data: dict, lists: dict[str, list]) -> dict:
        """The PR/MR at `suffix` and its paginated sub-lists (files/diffs, commits)."""
        self.server.expect_request(self.route(suffix), method="GET").respond_with_json(data)
        for name, items in lists.items():
            self.server.expect_request(self.route(f"{suffix}/{name}")).respond_with_handler(
                lambda q, items=items: page(q, items, self.url))
        self.pulls.append(data)
        return data

    def error(self, status: int, headers: dict | None = None) -> None:
        self.server.expect_request(re.compile(".*")).respond_with_json({"message": "nope"}, status=status,
                                                                       headers=headers or {})


def forges() -> dict[str, type[Fake]]:
    """Both fakes by forge name, for tests parametrised over the forges."""
    from fake_github import FakeGitHub
    from fake_gitlab import FakeGitLab

    return {"github": FakeGitHub, "gitlab": FakeGitLab}
