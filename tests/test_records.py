"""RecordTuple: the class syntax of typing.NamedTuple without importing typing (records.py)."""

import pickle
import typing

import pytest

from tightrope.records import RecordTuple


class Point(RecordTuple):
    """A point."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()

    @property
    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)

    def moved(self, dx: int) -> "Point":
        return self._replace(x=self.x + dx)


class TypingPoint(typing.NamedTuple):
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


def test_a_record_tuple_is_what_typing_namedtuple_makes():
    p = Point(3, -4)
    assert p == (3, -4, ()) and p.norm1 == 7 and p.moved(1) == Point(4, -4)
    assert Point._fields == TypingPoint._fields and Point._field_defaults == TypingPoint._field_defaults
    assert Point(x=1, tags=("a",)).tags == ("a",) and hash(Point(1)) == hash((1, 0, ()))
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())" and Point.__doc__ == "A point."
    assert Point.__module__ == __name__ and Point.__qualname__ == "Point"
    assert list(Point.__annotations__) == ["x", "y", "tags"] and isinstance(p, tuple)
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(AttributeError):
        p.x = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_a_field_without_a_default_after_one_with_a_default_is_refused():
    with pytest.raises(TypeError, match="without a default follows"):
        class Bad(RecordTuple):  # noqa: F841
            a: int = 0
            b: int


def test_subclasses_and_methods_that_override_the_tuple_keep_working():
    class Named(Point):
        __slots__ = ()

        def __new__(cls, x: int, y: int = 0, tags: tuple[str, ...] = ()):
            return super().__new__(cls, x * 2, y, tags)

    assert Named(2) == (4, 0, ()) and Named(2).norm1 == 4
