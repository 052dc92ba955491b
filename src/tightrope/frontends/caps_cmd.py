"""`tightrope caps`: hold a PR/MR opened by an agent to the policy's safe-output caps.

In GitHub Actions (a pull_request event) and GitLab CI (a merge request pipeline) the PR
comes from the environment and the policy's enforcement actions run; locally
`--github OWNER/REPO#N` / `--gitlab GROUP/PROJECT!N` is a dry run that never writes.
The policy is read from the PR's base commit, never from the PR itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, ForgeError, GitError, UsageError
from tightrope.frontends.scan_cmd import emit, output_pairs
from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:
    from tightrope.gitio import StrPath

_REF = {"#": re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)#(?P<n>[0-9]+)$"),
        "!": re.compile(r"^(?P<repo>[\w.-]+(?:/[\w.-]+)+)!(?P<n>[0-9]+)$")}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("caps", help="hold a pull/merge request opened by an agent to the policy's caps",
                       description="Check a PR/MR against the [caps] of the policy on its base branch. In GitHub "
                                   "Actions / GitLab CI the PR comes from the environment; --github / --gitlab is a "
                                   "dry run. Exit 0 within the caps, 1 over a blocking cap, 2 usage or access error, "
                                   "3 the forge failed.")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--github", metavar="OWNER/REPO#N", help="dry run on a GitHub pull request")
    target.add_argument("--gitlab", metavar="GROUP/PROJECT!N", help="dry run on a GitLab merge request")
    p.add_argument("-C", dest="repo", default=".", metavar="DIR", help="a clone holding the base commit (default: .)")
    p.add_argument("--base", metavar="REV", help="read the policy from REV (default: the PR's base commit)")
    p.add_argument("--policy", type=Path, help="judge by this policy file instead (local experiments)")
    p.add_argument("--format", action="append", choices=("text", "json", "sarif"),
                   help="output format; repeat with --output for several reports (default: text)")
    p.add_argument("--output", action="append", metavar="FILE", help="write the matching --format here")
    p.add_argument("--no-enforce", action="store_true", help="never label, draft or request changes, even in CI")
    p.set_defaults(func=run)


def parse_ref(text: str, sep: str, flag: str) -> tuple[str, int]:
    m = _REF[sep].match(text.strip())
    if not m:
        example = "octo/app#12" if sep == "#" else "group/sub/project!12"
        raise UsageError(f"{flag} {text!r} is not {'OWNER/REPO#N' if sep == '#' else 'GROUP/PROJECT!N'}",
                         f"for example {flag} {example}")
    return m.group("repo"), int(m.group("n"))


def select_forge(args: argparse.Namespace, env: Mapping[str, str]):
    """(forge, dry_run): the PR named on the command line, else the one the CI runs for."""
    from tightrope.forges import github, gitlab
    from tightrope.forges.clients import github_access, gitlab_access

    if args.github:
        repo, n = parse_ref(args.github, "#", "--github")
        access = github_access(env)
        return github.GitHubPulls(access, repo, n, host=github.web_host(env, access)), True
    if args.gitlab:
        project, n = parse_ref(args.gitlab, "!", "--gitlab")
        access = gitlab_access(env)
        return gitlab.GitLabPulls(access, project, n, host=gitlab.web_host(access)), True
    event = github.event_pull(env)
    if event:
        access = github_access(env)
        return github.GitHubPulls(access, event[0], event[1], event=event[2], host=github.web_host(env, access)), False
    pipeline = gitlab.pipeline_merge_request(env)
    if pipeline:
        access = gitlab_access(env)
        return gitlab.GitLabPulls(access, pipeline[0], pipeline[1], pipeline=pipeline[2],
                                  host=gitlab.web_host(access)), False
    raise UsageError("no pull or merge request to check",
                     "run in a pull_request workflow or a merge request pipeline, or dry-run one with "
                     "--github OWNER/REPO#N / --gitlab GROUP/PROJECT!N")


def load_policy(args: argparse.Namespace, base_sha: str, base_branch: str):
    """(trust material, clone root): the policy from the PR's base commit, or --policy."""
    from tightrope import gitio, trust

    try:
        root = gitio.repo_root(args.repo)
    except GitError:
        root = None
    if args.policy:
        return trust.load_trust(root, base=None, explicit=args.policy, use_baseline=False), root
    if root is None:
        raise UsageError("caps read the policy from the PR's base commit, and this is not a git clone",
                         "run in a checkout of the repository, or pass -C CLONE (or --policy FILE to experiment)")
    base = args.base or base_sha
    if not args.base and (not base or not gitio.commit_exists(root, base)):
        fallback = f"origin/{base_branch}" if base_branch else ""
        if not fallback or not gitio.commit_exists(root, fallback):
            raise UsageError(f"the PR's base commit {base[:12] or '(unknown)'} is not in this clone",
                             f"fetch it (git fetch origin {base_branch or 'BASE_BRANCH'}; actions/checkout with "
                             "fetch-depth: 0; GitLab GIT_DEPTH: 0), or pass --base REV")
        base = fallback
    return trust.load_trust(root, base=base, use_baseline=False), root


def from_clone(facts, root: StrPath | None):
    """Files and commits the forge could not give (no token), from the clone when it holds
    the PR's base and head commits: git's own objects, which the PR author cannot forge
    into something other than what the forge will merge."""
    from tightrope import caps, gitio

    if root is None or not facts.base_sha or not facts.head_sha or not all(
            gitio.commit_exists(root, sha) for sha in (facts.base_sha, facts.head_sha)):
        return facts
    files = tuple(caps.ChangedFile(p, a, d, old) for p, old, a, d in gitio.numstat(root, facts.base_sha, facts.head_sha))
    commits = tuple(caps.CommitFacts(*c) for c in gitio.commit_log(root, f"{facts.base_sha}..{facts.head_sha}"))
    return dataclasses.replace(facts, files=facts.files if facts.files is not None else files,
                               commits=facts.commits if facts.commits is not None else commits)


def run(args: argparse.Namespace) -> int:
    from tightrope import caps, core

    pairs = output_pairs(args)
    env = os.environ
    forge, dry_run = select_forge(args, env)
    facts = forge.facts()
    material, root = load_policy(args, facts.base_sha, facts.base_branch)
    if facts.files is None or facts.commits is None:
        facts = from_clone(facts, root)
    pol = material.policy
    now = datetime.now(timezone.utc)
    counted = any(cap is not None for cap in (pol.caps.max_open_prs, pol.caps.max_prs_per_day,
                                              pol.caps.max_prs_per_day_per_human))
    wanted = pol.caps.enabled and (pol.caps.apply_to_humans or caps.agent_match(facts, pol.caps) is not None)
    pulls = forge.agent_pulls(facts.author, now - timedelta(days=1)) if facts.author and counted and wanted else None
    if pulls is not None and pol.caps.max_prs_per_day_per_human is not None and caps.delegator(facts.commits or ()):
        pulls = dataclasses.replace(pulls, delegated=tuple(
            dataclasses.replace(summary, delegated_by=caps.delegator(commits))
            for summary, commits in forge.recent_pulls_with_commits(now - timedelta(days=1))
            if summary.number != facts.number))
    report = core.check_caps(facts, pulls, pol, now)
    report.notes.insert(0, f"policy: {pol.source} ({material.source})")
    if report.blocking and pol.caps.on_violation:
        report.notes += enforce(forge, pol.caps, report, dry_run or args.no_enforce)
    emit(report, pairs)
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def enforce(forge, caps_policy, report, dry_run: bool) -> list[str]:
    """The actions the policy asks for on a violation. The body names only our own rule ids,
    so no text from the PR is ever echoed back into it."""
    counts: dict[str, int] = {}
    for f in report.blocking:
        counts[f.rule_id] = counts.get(f.rule_id, 0) + 1
    body = ("tightrope: this agent PR is over the repository's safe-output caps: "
            + ", ".join(f"{rule} ({n})" for rule, n in sorted(counts.items()))
            + ". The check's report names each cap and how to change it.")
    steps = {"label": (lambda: forge.add_label(caps_policy.violation_label),
                       f"labelled the PR {caps_policy.violation_label!r}"),
             "draft": (forge.convert_to_draft, "converted the PR to a draft"),
             "request-changes": (lambda: forge.request_changes(body), "requested changes on the PR")}
    done = []
    for action in caps_policy.on_violation:
        act, what = steps[action]
        if dry_run:
            done.append(f"dry run: would have {what}")
            continue
        try:
            act()
            done.append(what)
        except ForgeError as e:  # the findings still go out; the failed action is said beside them
            done.append(f"could not {action}: {e.message} ({e.hint})")
    return done
