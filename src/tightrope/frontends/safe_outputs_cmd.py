"""`tightrope safe-outputs apply REQUESTS.jsonl`: do what an agent without write access asked,
only within the policy's caps.

The agent's job writes requests (open a PR/MR from a patch, comment, add labels) as JSON
lines; this command, in a separate job that holds the write token, checks each against the
JSON Schema shipped in the package (`data/safe-outputs.schema.json`) and the same caps and
PR-text rules as `tightrope caps`, and only then performs it through PyGithub /
python-gitlab. Each request stands alone: a malformed or over-the-cap one is refused and
reported, the others still run; a request is never half-applied (a pushed branch or an
opened PR is rolled back when a later step of the same request fails). The agent's patch is
applied in a throwaway index and committed with `git commit-tree`: no work tree, no hooks,
nothing from the agent is executed.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tightrope.errors import EXIT_BLOCKING, EXIT_OK, ForgeError, GitError, UsageError
from tightrope.findings import Confidence, Finding, Report, Severity, fingerprint
from tightrope.frontends.scan_cmd import emit, output_pairs


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("safe-outputs", help="perform an agent's requested PRs, comments and labels within the caps",
                       description="apply REQUESTS.jsonl: validate each request (schema, caps, PR-text rules) and "
                                   "perform the valid ones. Exit 0 all applied, 1 some refused, 2 usage error.")
    p.add_argument("action", choices=("apply",))
    p.add_argument("requests", metavar="REQUESTS.jsonl", help="one JSON request per line (- for stdin)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--github", metavar="OWNER/REPO", help="default: GITHUB_REPOSITORY")
    target.add_argument("--gitlab", metavar="GROUP/PROJECT", help="default: CI_PROJECT_PATH")
    p.add_argument("--agent", required=True, metavar="LOGIN",
                   help="the account the write token opens PRs as; its open and recent PRs count toward the caps")
    p.add_argument("--base", default="main", metavar="BRANCH", help="default base branch of new PRs (default: main)")
    p.add_argument("--remote", default="origin", help="the remote to push new branches to (default: origin)")
    p.add_argument("-C", dest="repo", default=".", metavar="DIR", help="a clone of the repository (default: .)")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--format", action="append", choices=("text", "json", "sarif"),
                   help="output format; repeat with --output for several reports (default: text)")
    p.add_argument("--output", action="append", metavar="FILE", help="write the matching --format here")
    p.set_defaults(func=run)


@lru_cache(maxsize=1)
def _schemas() -> dict[str, dict]:
    """The schema's branches by request type: validating against the one the `type` names
    gives errors that point at the field instead of "not valid under any of oneOf"."""
    text = resources.files("tightrope.data").joinpath("safe-outputs.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    return {branch["properties"]["type"]["const"]: {**branch, "$schema": schema["$schema"]} for branch in schema["oneOf"]}


def validate(request: Any) -> str:
    """"" when `request` matches the schema, else where and which rule it breaks (never its value)."""
    import jsonschema  # ~0.4 s: only this command pays for it, beside the forge library's ~0.7 s

    if not isinstance(request, dict):
        return "a request is a JSON object"
    schema = _schemas().get(request.get("type"))  # type: ignore[arg-type]
    if schema is None:
        return f"$.type must be one of {', '.join(sorted(_schemas()))}"
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(request))
    if error is None:
        return ""
    if error.validator == "additionalProperties":
        extra = sorted(set(request) - set(schema["properties"]))
        return f"unknown field(s) {', '.join(extra)}"
    if error.validator == "required":
        missing = sorted(set(schema["required"]) - set(request))
        return f"missing field(s) {', '.join(missing)}"
    return f"{error.json_path} breaks the schema's {error.validator!r} rule"


class _Run:
    def __init__(self, args: argparse.Namespace) -> None:
        from tightrope import gitio
        from tightrope.forges import github, gitlab
        from tightrope.forges.clients import github_access, gitlab_access

        self.args, self.now = args, datetime.now(timezone.utc)
        self.name = "stdin" if args.requests == "-" else args.requests
        self.root = gitio.repo_root(args.repo)
        env = os.environ
        if args.gitlab or (not args.github and env.get("CI_PROJECT_PATH") and not env.get("GITHUB_REPOSITORY")):
            access = gitlab_access(env)
            self.forge = gitlab.GitLabPulls(access, args.gitlab or env["CI_PROJECT_PATH"], 0, host=gitlab.web_host(access))
        elif args.github or env.get("GITHUB_REPOSITORY"):
            access = github_access(env)
            self.forge = github.GitHubPulls(access, args.github or env["GITHUB_REPOSITORY"], 0,
                                            host=github.web_host(env, access))
        else:
            raise UsageError("which repository?", "pass --github OWNER/REPO or --gitlab GROUP/PROJECT")
        if not self.forge.can_call_api:
            raise UsageError("safe-outputs needs a token that can write to the repository",
                             "see the README's caps section for the scopes")
        self.report = Report()
        self.opened: list = []  # PRs this run opened: they count toward the caps of the next request
        self._pulls = None
        self._policies: dict[str, tuple] = {}

    # --- shared -----------------------------------------------------------------------------

    def refuse(self, line: int, rule: str, message: str, help: str) -> None:
        self.report.findings.append(Finding(
            rule_id=f"caps.{rule}", kind="caps", severity=Severity.HIGH, confidence=Confidence.HIGH, path=self.name,
            line=line, message=message, help=help, blocking=True,
            fingerprint=fingerprint(f"caps.{rule}", self.name, f"{line}\0{message}")))

    def judged(self, line: int, findings: list[Finding], policy) -> bool:
        """Record a request's findings at its line; True when none blocks."""
        from fnmatch import fnmatchcase

        from tightrope.core import apply_policy

        kept = [apply_policy(f, policy)._replace(path=self.name, line=line, end_line=line)
                for f in findings if not any(fnmatchcase(f.rule_id, d) for d in policy.disable)]
        self.report.findings += kept
        return not any(f.blocking for f in kept)

    def policy(self, base: str):
        """The policy of the base branch the request targets, as the remote has it."""
        from tightrope import gitio, trust

        if base in self._policies:
            return self._policies[base]
        ref = f"{self.args.remote}/{base}"
        ref = ref if gitio.commit_exists(self.root, ref) else base
        pol = trust.load_trust(self.root, base=ref, use_baseline=False).policy
        caps = pol.caps  # whatever the policy says about humans, this account is acting for an agent
        caps = caps._replace(agents=caps.agents + (self.args.agent,),
                                   humans=tuple(h for h in caps.humans if h.lower() != self.args.agent.lower()))
        self._policies[base] = pol._replace(caps=caps), ref
        return self._policies[base]

    def agent_pulls(self):
        from tightrope.caps import AgentPulls

        if self._pulls is None:
            self._pulls = self.forge.agent_pulls(self.args.agent, self.now - timedelta(days=1))
        return AgentPulls(self._pulls.open + tuple(self.opened), self._pulls.recent + tuple(self.opened))

    # --- requests ---------------------------------------------------------------------------

    def create_pull_request(self, line: int, req: dict) -> None:
        from tightrope import caps, core, gitio

        base, branch = req.get("base", self.args.base), req["branch"]
        if not gitio.valid_branch_name(self.root, branch):
            return self.refuse(line, "request-refused", f"{branch!r} is not a valid branch name", "fix the branch name")
        if gitio.remote_branch_exists(self.root, self.args.remote, branch):
            return self.refuse(line, "request-refused", f"branch {branch} already exists on {self.args.remote}",
                               "a safe output only creates new branches: pick another name")
        pol, base_ref = self.policy(base)
        message = f"{req['title']}\n\nAgent: {self.args.agent}\n"
        patch = req["patch"].encode("utf-8")
        try:
            sha = gitio.commit_patch(self.root, gitio.resolve(self.root, base_ref), patch, message)
        except GitError:
            return self.refuse(line, "request-refused", f"the patch does not apply to {base}",
                               "regenerate the patch against the current base branch")
        files = tuple(caps.ChangedFile(p, a, d, old) for p, old, a, d in gitio.numstat(self.root, base_ref, sha))
        facts = caps.PullFacts(
            forge=self.forge.forge, repo=self.forge.repo_name, number=0, author=self.args.agent, head_branch=branch,
            base_branch=base, title=req["title"], body=req.get("body", ""), labels=tuple(req.get("labels", ())),
            draft=bool(req.get("draft")), host=self.forge.host, created_at=self.now, files=files,
            commits=(caps.CommitFacts(sha, message),), patch_bytes=len(patch))
        report = core.check_caps(facts, self.agent_pulls(), pol, self.now)
        if not self.judged(line, report.findings, pol) or self.args.dry_run:
            return None
        number = 0
        try:
            gitio.push_new_branch(self.root, self.args.remote, sha, branch)
        except GitError as e:
            return self.refuse(line, "request-failed", f"could not push {branch}: {e.message}",
                               "check the job's push access")
        try:
            number = self.forge.open_pull(base, branch, req["title"], req.get("body", ""), bool(req.get("draft")))
            if req.get("labels"):
                self.forge.label(number, tuple(req["labels"]))
        except ForgeError as e:  # roll back: nothing of this request stays
            if number:
                try:
                    self.forge.close_pull(number)
                except ForgeError:
                    self.report.notes.append(f"line {line}: could not close #{number} while rolling back")
            gitio.delete_remote_branch(self.root, self.args.remote, branch, sha)
            return self.refuse(line, "request-failed", f"{e.message}; rolled back", e.hint)
        self.opened.append(caps.PullSummary(number, self.args.agent, branch, self.now))
        self.report.notes.append(f"line {line}: opened {self.forge.forge} PR {number} from {branch}")
        return None

    def add_comment(self, line: int, req: dict) -> None:
        from tightrope import caps

        pol, _ = self.policy(self.args.base)
        facts = caps.PullFacts(forge=self.forge.forge, repo=self.forge.repo_name, number=req["number"], host=self.forge.host)
        if self.judged(line, caps.check_comment(facts, req["body"], pol), pol) and not self.args.dry_run:
            try:
                self.forge.comment(req["number"], req["body"])
                self.report.notes.append(f"line {line}: commented on {req['number']}")
            except ForgeError as e:
                self.refuse(line, "request-failed", e.message, e.hint)

    def add_labels(self, line: int, req: dict) -> None:
        if not self.args.dry_run:
            try:
                self.forge.label(req["number"], tuple(req["labels"]))
                self.report.notes.append(f"line {line}: labelled {req['number']}")
            except ForgeError as e:
                self.refuse(line, "request-failed", e.message, e.hint)


def _lines(name: str) -> list[str]:
    import sys

    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {name}: {getattr(e, 'strerror', None) or type(e).__name__}",
                         "give a UTF-8 JSON-lines file, one request per line")
    return text.splitlines()


def run(args: argparse.Namespace) -> int:
    pairs = output_pairs(args)
    lines = _lines(args.requests)
    state = _Run(args)
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            request = json.loads(text)
        except ValueError as e:
            state.refuse(number, "malformed-request", f"not JSON ({type(e).__name__} at column {getattr(e, 'colno', '?')})",
                         "write one JSON object per line")
            continue
        problem = validate(request)
        if problem:
            kind = request["type"] if isinstance(request, dict) and request.get("type") in _schemas() else "request"  # never echo agent text
            state.refuse(number, "malformed-request", f"{kind}: {problem}",
                         "see the schema: tightrope/data/safe-outputs.schema.json")
            continue
        getattr(state, request["type"])(number, request)
    if args.dry_run:
        state.report.notes.append("dry run: nothing was written")
    state.report.scanned_lines = len(lines)
    emit(state.report, pairs)
    return EXIT_BLOCKING if state.report.blocking else EXIT_OK
