"""People and principals as trailers name them: `Name <email>` and one-token principals.

Its own module so that `trailers` (which reads Delegation tokens) and `delegation` (whose
statements name a human) both depend on it and not on each other.
"""

from __future__ import annotations

import re

PRINCIPAL = re.compile(r"^\S+$")


def parse_person(value: str) -> tuple[str, str] | None:
    """`Name <email>` -> (name, email); None when it is not that shape. One pass, no regex
    (a backtracking pattern here once took a minute on a 100 KB trailer)."""
    v = value.strip()
    if not v.endswith(">"):
        return None
    lt = v.rfind("<")
    name, email = v[:lt].strip(), v[lt + 1:-1]
    if lt < 0 or not name or "<" in name or ">" in name:
        return None
    if any(c in "<>" or c.isspace() for c in email) or "@" not in email[1:-1]:
        return None
    return name, email


def person_email(value: str) -> str:
    """The lower-cased email of `Name <email>`; "" when it is not that shape."""
    person = parse_person(value)
    return person[1].lower() if person else ""
