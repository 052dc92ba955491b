"""What reviewers see on a GitLab merge request: a discussion on each finding's diff line and
one summary note, updated in place, via python-gitlab.

Posting needs a project (or personal) access token with `api` scope: `CI_JOB_TOKEN` cannot
create notes or discussions. Our notes are found again by a hidden marker **and** their
author (the token's user), never by the marker alone. A finding is placed on a line only
when that line is an added line of the MR's own diff (read from the API): GitLab refuses,
or misplaces, positions anywhere else, so the rest stay in the summary note. A line that
already has our discussion for the same finding is not posted again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tightrope.findings import Finding
from tightrope.forges.gitlab import changed_files, sticky_note

if TYPE_CHECKING:
    import gitlab

MARKER = "<!-- tightrope:summary-note -->"
FINDING_MARKER = "<!-- tightrope:finding:{} -->"


class MergeRequestReview:
    def __init__(self, gl: "gitlab.Gitlab", project: str | int, iid: int) -> None:
        gl.auth()
        self.me = gl.user.username if gl.user else ""
        self.project = gl.projects.get(project, lazy=True)
        self.mr = self.project.mergerequests.get(iid)

    def _mine(self, note: dict | object) -> bool:
        author = note["author"] if isinstance(note, dict) else note.author
        return author.get("username") == self.me

    def summary_note(self, body: str | None, *, when_clean: str = "resolve") -> str:
        """Create, update, resolve or delete the one summary note; `body=None` means clean."""
        return sticky_note(self.mr, self.me, body, MARKER, when_clean)

    def line_discussions(self, findings: list[tuple[Finding, str, str]]) -> tuple[int, int]:
        """Post (finding, id, body) on its line when it is an added line; returns (posted, kept off)."""
        files, _ = changed_files(self.mr)
        on_diff = {(f.path, line.number) for f in files for line in f.added or ()}
        posted_ids = {fid for d in self.mr.discussions.list(get_all=True) for n in d.attributes["notes"][:1]
                      if self._mine(n) for fid in [_finding_id(n.get("body", ""))] if fid}
        refs = self.mr.diff_refs
        posted = off = 0
        for f, fid, body in findings:
            if (f.path, f.line) not in on_diff:
                off += 1
                continue
            if fid in posted_ids:
                continue
            self.mr.discussions.create({"body": f"{FINDING_MARKER.format(fid)}\n{body}", "position": {
                "position_type": "text", "base_sha": refs["base_sha"], "start_sha": refs["start_sha"],
                "head_sha": refs["head_sha"], "new_path": f.path, "new_line": f.line}})
            posted += 1
        return posted, off


def _finding_id(body: str) -> str:
    prefix, _, rest = FINDING_MARKER.partition("{}")
    if not body.startswith(prefix):
        return ""
    return body[len(prefix):].split(rest, 1)[0]
