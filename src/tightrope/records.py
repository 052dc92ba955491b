"""The bases of the records on the hook's path, none of which imports `typing`.

Why not dataclasses there: on Python 3.11 creating a dataclass costs 0.2-2 ms (its methods
are compiled with `exec`) and importing `dataclasses` imports `inspect`; the secrets hook
meets ~30 records, which cost ~25 ms of a ~70 ms start-up. Why not `typing.NamedTuple`
either: importing `typing` costs ~2.5 ms, and a `typing.NamedTuple` class compiles each of
its (string) annotations to check it, ~0.3 ms a class.

So immutable records subclass `RecordTuple`, the class syntax of `typing.NamedTuple`
(fields with annotations and defaults, methods, properties, a docstring) built on
`collections.namedtuple`; type checkers see `typing.NamedTuple` itself. The few records a
parser or the core fills in step by step subclass `Record`: `__slots__` and an `__init__`
of their own, with the repr and equality a dataclass would give them. Modules off the
hook's path use dataclasses.
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers read it as theirs


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


if TYPE_CHECKING:
    from typing import NamedTuple as RecordTuple
else:
    _NOT_COPIED = frozenset({"__module__", "__qualname__", "__annotations__"})

    class _RecordTupleMeta(type):
        """`class P(RecordTuple): x: int; y: int = 0` makes P a `collections.namedtuple`
        with those fields and defaults, and the class body's other names as attributes:
        what `typing.NamedTuple` makes, without evaluating or compiling the annotations."""

        def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
            if not bases:  # RecordTuple itself
                return super().__new__(mcls, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = tuple(annotations)  # type: ignore[arg-type]
            with_default = [f for f in fields if f in namespace]
            if with_default and fields[len(fields) - len(with_default):] != tuple(with_default):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            cls = collections.namedtuple(name, fields, defaults=[namespace[f] for f in with_default],
                                         module=namespace["__module__"])  # type: ignore[arg-type]
            cls.__qualname__ = namespace["__qualname__"]  # type: ignore[assignment]
            cls.__annotations__ = dict(annotations)  # type: ignore[call-overload]
            for key, value in namespace.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(cls, key, value)
            return cls

    class RecordTuple(metaclass=_RecordTupleMeta):
        """Subclass it as `typing.NamedTuple`; the subclass is a namedtuple, not a RecordTuple."""
