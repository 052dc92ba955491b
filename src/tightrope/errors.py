"""Errors a user can act on, and the exit codes every front end shares."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BLOCKING = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class TightropeError(Exception):
    """A problem the user can fix: printed as `message` + `hint`, never as a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(TightropeError):
    """Bad arguments or an input that cannot be read."""


class PolicyError(TightropeError):
    """The policy file is broken: the message names the key and the problem."""


class GitError(TightropeError):
    """git refused: an unknown revision, not a repository, a shallow clone…"""


class ForgeError(TightropeError):
    """GitHub or GitLab refused or failed: what was being done, the status, what to do.

    `exit_code` is 2 when the user can fix it (token, scopes, name, rate limit) and 3 when
    the forge itself failed (5xx, unreachable)."""

    def __init__(self, message: str, hint: str = "", *, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message, hint)
        self.exit_code = exit_code


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised in the main thread so that every `finally` and
    TemporaryDirectory runs (no post-change copy of a file is left behind)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
