"""The base of the mutable records on the hook's path.

Why not dataclasses there: on Python 3.11 creating a dataclass costs 0.2-2 ms (its methods
are compiled with `exec`) and importing `dataclasses` imports `inspect`; the secrets hook
meets ~30 records, which cost ~25 ms of a ~70 ms start-up. So the hook's records are
`typing.NamedTuple`s (one `exec`, ~0.1 ms a class) and the few that a parser or the core
fills in step by step subclass `Record`: `__slots__` and an `__init__` of their own, with
the repr and equality a dataclass would give them. Modules off the hook's path use
dataclasses.
"""

from __future__ import annotations


class Record:
    """`__repr__` and `__eq__` over the fields named in `__slots__` (unhashable: mutable)."""

    __slots__: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)
