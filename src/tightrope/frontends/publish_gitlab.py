"""`tightrope publish --gitlab-mr IID`: the MR side of publish (python-gitlab)."""

from __future__ import annotations

import argparse
import os
import sys

from tightrope.errors import UsageError

NOTE_LIMIT = 65_000  # GitLab notes: 1,000,000 characters, but reviewers read the top


def publish_mr(args: argparse.Namespace, report) -> None:
    from tightrope.errors import ForgeError
    from tightrope.forges import gitlab_review
    from tightrope.forges.gitlab import api_errors
    from tightrope.forges.clients import gitlab_access, gitlab_client
    from tightrope.report import markdown
    from tightrope.report.codequality import unique_fingerprints
    from tightrope.report.escape import markdown as md, markdown_code

    access = gitlab_access()
    if access.token_kind == "job":
        raise UsageError("CI_JOB_TOKEN cannot post merge request notes or discussions",
                         "set TIGHTROPE_GITLAB_TOKEN to a project access token with api scope "
                         "(a masked CI/CD variable), or drop --gitlab-mr")
    project = args.repository or os.environ.get("CI_PROJECT_ID", "")
    if not project:
        raise UsageError("which project?", "pass --repository GROUP/PROJECT (GitLab CI sets $CI_PROJECT_ID)")
    findings = sorted(report.findings, key=lambda f: f.sort_key())
    items = [(f, fid, f"**{f.severity}** {markdown_code(f.rule_id)}: {md(f.message or f.title)}"
                      + (f"<br>{markdown_code(f.snippet)}" if f.snippet else "")
                      + (f"<br>fix: {md(f.help)}" if f.help else ""))
             for f, fid in zip(findings, unique_fingerprints(findings))]
    try:
        with api_errors(f"posting to {project}!{args.gitlab_mr}"):
            review = gitlab_review.MergeRequestReview(gitlab_client(access), project, args.gitlab_mr)
            posted, off = review.line_discussions(items)
            body = markdown.render(report, max_chars=NOTE_LIMIT, more_where="the job's reports") if report.findings else None
            done = review.summary_note(body, when_clean=args.when_clean)
        print(f"tightrope: merge request: {posted} new line discussion(s), {off} finding(s) not on an added line "
              f"(in the summary); summary note {done}", file=sys.stderr)
    except ForgeError as e:
        print(f"tightrope: warning: {e.message} ({e.hint}): the job's reports list every finding", file=sys.stderr)
