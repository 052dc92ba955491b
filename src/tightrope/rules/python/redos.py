import re

# ruleid: py.redos
EMAIL = re.compile(r"^([a-zA-Z0-9]+)*@example\.org$")
# ruleid: py.redos
WORDS = re.compile(r"^(\w+\s?)+$")


def valid(s):
    # ruleid: py.redos
    return re.match(r"(a|aa)*(b+)+c", s)


# ok: py.redos
SAFE = re.compile(r"^[a-zA-Z0-9]+@example\.org$")
# ok: py.redos
DIGITS = re.compile(r"(\d{3})-(\d{4})")
# ok: py.redos
DOTTED = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")
