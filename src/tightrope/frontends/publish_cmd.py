"""`tightrope publish`: show the JSON reports of scan, verify and caps to reviewers.

One combined report goes to: any `--format`/`--output` (annotations on stdout, SARIF, Code
Quality, JUnit...), the job summary, the step outputs, the sticky PR comment, a check run,
merge-request notes. The exit code is the gate (`--fail-on`). A comment the token may not
write (a pull request from a fork) is a warning that points at the job summary, not a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, UsageError
from tightrope.report import FORMATS

FAIL_ON = ("policy", "never", "critical", "high", "medium", "low", "info")
COMMENT_LIMIT = 65_000  # GitHub: 65,536 characters per comment or check-run summary


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="show JSON reports to reviewers (annotations, summary, PR comment, MR notes)",
                       description="Combine JSON reports from scan/verify/caps and show them to reviewers. "
                                   "Exit 1 when --fail-on says so.")
    p.add_argument("reports", nargs="+", metavar="REPORT.json", help="reports written with --format json")
    p.add_argument("--format", action="append", choices=FORMATS, help="also render the combined report (repeatable)")
    p.add_argument("--output", action="append", metavar="FILE", help="write the matching --format here")
    p.add_argument("--summary", metavar="FILE", help="append the Markdown summary (GitHub: $GITHUB_STEP_SUMMARY)")
    p.add_argument("--github-output", metavar="FILE", help="write counts as step outputs ($GITHUB_OUTPUT)")
    p.add_argument("--github-comment", type=int, metavar="PR", help="keep one comment on this pull request")
    p.add_argument("--github-check-run", metavar="SHA", help="create a check run with annotations on this commit")
    p.add_argument("--gitlab-mr", type=int, metavar="IID", help="MR discussions on the lines and one summary note")
    p.add_argument("--repository", help="OWNER/NAME on GitHub (default $GITHUB_REPOSITORY), "
                                        "project id or path on GitLab (default $CI_PROJECT_ID)")
    p.add_argument("--when-clean", choices=("resolve", "delete"), default="resolve",
                   help="what happens to the comment once nothing is found (default: resolve)")
    p.add_argument("--fail-on", default="policy", choices=FAIL_ON,
                   help="policy: a blocking finding (default); a severity: any finding at or above it; never")
    p.set_defaults(func=run)


def failed(report, fail_on: str) -> bool:
    from tightrope.findings import Severity

    if fail_on == "never":
        return False
    if fail_on == "policy":
        return bool(report.blocking)
    return any(f.severity >= Severity.parse(fail_on) for f in report.findings)


def warn(message: str) -> None:
    print(f"tightrope: warning: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from tightrope.report import markdown, reload
    from tightrope.frontends.scan_cmd import emit, output_pairs

    report = reload.load(args.reports)
    if args.format:
        emit(report, output_pairs(args))
    elif args.output:
        raise UsageError("--output without --format", "give the format of each file, e.g. --format sarif --output x.sarif")
    is_failed = failed(report, args.fail_on)
    if args.summary:
        _append(args.summary, markdown.render(report, title="tightrope"))
    if args.github_output:
        _append(args.github_output, _outputs(report))
    if args.github_comment is not None or args.github_check_run:
        _github(args, report, is_failed)
    if args.gitlab_mr is not None:
        from tightrope.frontends.publish_gitlab import publish_mr
        publish_mr(args, report)
    return EXIT_BLOCKING if is_failed else EXIT_OK


def _append(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}", "check the path (GitHub sets $GITHUB_STEP_SUMMARY)")


def _outputs(report) -> str:
    s = report.summary()
    counts = {"findings": s["findings"], "blocking": s["blocking"]}
    from tightrope.findings import KINDS
    counts.update({kind: s["by_kind"].get(kind, 0) for kind in KINDS})
    return "".join(f"{k}={v}\n" for k, v in counts.items())


def _github(args: argparse.Namespace, report, is_failed: bool) -> None:
    from tightrope.errors import ForgeError
    from tightrope.forges import github_review
    from tightrope.forges.clients import github_access, github_client
    from tightrope.forges.github import api_errors
    from tightrope.report import markdown

    repository = args.repository or os.environ.get("GITHUB_REPOSITORY", "")
    if "/" not in repository:
        raise UsageError("which repository?", "pass --repository OWNER/NAME (GitHub sets $GITHUB_REPOSITORY)")
    gh = github_client(github_access())
    body = markdown.render(report, max_chars=COMMENT_LIMIT, more_where="the job summary")
    if args.github_comment is not None:
        author = os.environ.get("TIGHTROPE_COMMENT_AUTHOR") or github_review.DEFAULT_AUTHOR
        try:
            with api_errors(f"updating the comment on {repository}#{args.github_comment}"):
                done = github_review.sticky_comment(
                    gh, github_review.PullRequest(repository, args.github_comment),
                    body if report.findings else None, author=author, when_clean=args.when_clean)
            print(f"tightrope: pull request comment: {done}", file=sys.stderr)
        except ForgeError as e:
            warn(f"{e.message} ({e.hint}; a token from a fork's pull request cannot write): "
                 "the job summary lists every finding")
    if args.github_check_run:
        try:
            with api_errors(f"creating a check run on {args.github_check_run[:12]}"):
                github_review.check_run(gh, repository, args.github_check_run, report.findings,
                                        summary=body, failed=is_failed)
        except ForgeError as e:
            warn(f"{e.message} (a check run needs `checks: write`): the job summary lists every finding")
