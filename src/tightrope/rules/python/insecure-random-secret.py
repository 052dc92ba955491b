import random
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


def new_session(user):
    # ruleid: py.insecure-random-secret
    session_token = "".join(random.choice(ALPHABET) for _ in range(32))
    return session_token


def reset(user):
    # ruleid: py.insecure-random-secret
    user.reset_code = random.randint(100000, 999999)


def generate_api_key():
    # ruleid: py.insecure-random-secret
    return "%032x" % random.getrandbits(128)


def new_session_safe(user):
    # ok: py.insecure-random-secret
    session_token = secrets.token_urlsafe(32)
    return session_token


def sample_rows(rows):
    # ok: py.insecure-random-secret
    chosen = random.sample(rows, 10)
    return chosen


def pick_color():
    # ok: py.insecure-random-secret
    key = random.choice(list({"red": 1, "blue": 2}.keys()))
    return key
