import jwt
from jose import jwt as jose_jwt

SECRET = "loaded-from-env"


def current_user(token):
    # ruleid: py.jwt-no-verify
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]


def legacy_user(token):
    # ruleid: py.jwt-no-verify
    return jwt.decode(token, SECRET, verify=False)


def jose_user(token):
    # ruleid: py.jwt-no-verify
    return jose_jwt.get_unverified_claims(token)


def lenient(token):
    opts = {"verify_signature": False, "verify_aud": False}
    # ruleid: py.jwt-no-verify
    return jwt.decode(token, SECRET, algorithms=["HS256"], options=opts)


def current_user_safe(token):
    # ok: py.jwt-no-verify
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="api")
    return claims["sub"]


def header_only(token):
    # ok: py.jwt-no-verify
    return jwt.get_unverified_header(token)["kid"]
