"""A regex compiled on first use.

The secrets scanner declares ~100 regexes; a hook run on a clean diff uses none of them
and a run with a keyword line uses a handful. Compiling them all at import cost ~30 ms
of a ~100 ms hook, so modules on the hook's path declare their regexes with `lazy(...)`
instead of `re.compile(...)`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from tightrope.records import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

_lock = threading.RLock()  # re-entrant: a pattern built on first use may use lazy regexes itself


class LazyRegex:
    """Same methods as `re.Pattern` (the ones the scanner uses); compiles once, on first call."""

    __slots__ = ("_source", "flags", "_compiled")

    def __init__(self, pattern: str | Callable[[], str], flags: int = 0) -> None:
        self._source, self.flags = pattern, flags  # a callable: even the text is built on first use
        self._compiled: re.Pattern | None = None

    @property
    def pattern(self) -> str:
        if callable(self._source):
            self._source = self._source()
        return self._source

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            with _lock:
                if self._compiled is None:
                    self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, *args: Any) -> re.Match | None:
        return self.compiled.search(*args)

    def match(self, *args: Any) -> re.Match | None:
        return self.compiled.match(*args)

    def fullmatch(self, *args: Any) -> re.Match | None:
        return self.compiled.fullmatch(*args)

    def finditer(self, *args: Any):
        return self.compiled.finditer(*args)

    def findall(self, *args: Any) -> list:
        return self.compiled.findall(*args)

    def sub(self, *args: Any) -> str:
        return self.compiled.sub(*args)

    @property
    def groupindex(self):
        return self.compiled.groupindex


def lazy(pattern: str | Callable[[], str], flags: int = 0) -> LazyRegex:
    return LazyRegex(pattern, flags)
