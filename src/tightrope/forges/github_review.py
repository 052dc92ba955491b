"""What reviewers see on GitHub beyond the workflow log: one sticky PR comment and a check run.

The comment is found again by a hidden marker at the start of its body **and** its author
(the token's identity, `github-actions[bot]` for the workflow token): a comment someone
else wrote with the marker is never edited or trusted. One comment per PR, edited in place;
when everything is clean it is marked resolved (or deleted), and none is created.

A check run carries at most 50 annotations per request (GitHub's limit): the first batch
goes with the creation, the rest with updates of the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tightrope.findings import Finding, Severity
from tightrope.forges import sticky
from tightrope.report.common import plain_lines
from tightrope.report.escape import terminal

if TYPE_CHECKING:
    import github

MARKER = "<!-- tightrope:sticky-comment -->"
DEFAULT_AUTHOR = "github-actions[bot]"
ANNOTATIONS_PER_REQUEST = 50


@dataclass(frozen=True)
class PullRequest:
    repository: str  # OWNER/NAME
    number: int


def sticky_comment(gh: "github.Github", pr: PullRequest, body: str | None, *,
                   author: str = DEFAULT_AUTHOR, when_clean: str = "resolve") -> str:
    """Create, update, resolve or delete the one tightrope comment; `body=None` means clean.

    Returns what was done (see `sticky.plan`).
    """
    issue = gh.get_repo(pr.repository, lazy=True).get_issue(pr.number)
    mine = [c for c in issue.get_comments()
            if (c.body or "").startswith(MARKER) and c.user is not None and c.user.login == author]
    for extra in mine[1:]:  # left by a concurrent run: keep one
        extra.delete()
    existing = mine[0] if mine else None
    action, text = sticky.plan(existing.body if existing else None, body, MARKER, when_clean)
    if action == "created":
        issue.create_comment(text)
    elif action == "deleted":
        existing.delete()
    elif action == "updated":
        existing.edit(text)
    return action


_LEVEL = {Severity.CRITICAL: "failure", Severity.HIGH: "failure", Severity.MEDIUM: "warning",
          Severity.LOW: "notice", Severity.INFO: "notice"}


def annotation(f: Finding) -> dict:
    """A check-run annotation (plain text: GitHub does not render Markdown in them)."""
    return {"path": terminal(f.path), "start_line": f.line, "end_line": max(f.end_line, f.line),
            "annotation_level": _LEVEL[f.severity],
            "title": terminal(f.rule_id + (" (blocking)" if f.blocking else "")),
            "message": "\n".join(terminal(line) for line in plain_lines(f))}


def check_run(gh: "github.Github", repository: str, head_sha: str, findings: list[Finding], *,
              summary: str, failed: bool, name: str = "tightrope") -> int:
    """One completed check run with an annotation per finding on a line; returns requests made."""
    on_lines = sorted((f for f in findings if f.path and f.line > 0), key=lambda f: (-f.severity, f.sort_key()))
    notes = [annotation(f) for f in on_lines]
    batches = [notes[i:i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(notes), ANNOTATIONS_PER_REQUEST)] or [[]]
    title = f"{len(findings)} finding(s)" if findings else "no findings"
    repo = gh.get_repo(repository, lazy=True)
    run = repo.create_check_run(name=name, head_sha=head_sha, status="completed",
                                conclusion="failure" if failed else ("neutral" if findings else "success"),
                                output={"title": title, "summary": summary, "annotations": batches[0]})
    for batch in batches[1:]:
        run.edit(output={"title": title, "summary": summary, "annotations": batch})
    return len(batches)
