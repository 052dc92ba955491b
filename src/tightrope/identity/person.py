"""People and principals as trailers name them: `Name <email>` and one-token principals.

Its own module so that `trailers` (which reads Delegation tokens) and `delegation` (whose
statements name a human) both depend on it and not on each other.
"""

from __future__ import annotations

import re

PRINCIPAL = re.compile(r"^\S+$")
_PERSON = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>$")


def parse_person(value: str) -> tuple[str, str] | None:
    """`Name <email>` -> (name, email); None when it is not that shape."""
    m = _PERSON.match(value.strip())
    if not m or not m.group("name").strip():
        return None
    return m.group("name").strip(), m.group("email")


def person_email(value: str) -> str:
    """The lower-cased email of `Name <email>`; "" when it is not that shape."""
    person = parse_person(value)
    return person[1].lower() if person else ""
