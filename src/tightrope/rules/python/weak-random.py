import random
import secrets
import string


def reset_code():
    # ruleid: py.weak-random
    return "".join(random.choice(string.digits) for _ in range(6))


def session_id():
    # ruleid: py.weak-random
    return "%032x" % random.getrandbits(128)


def token():
    # ok: py.weak-random
    return secrets.token_urlsafe(32)


def pick(items):
    # ok: py.weak-random
    return secrets.choice(items)
