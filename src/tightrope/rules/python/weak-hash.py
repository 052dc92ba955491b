import hashlib


def fingerprint(cert_der):
    # ruleid: py.weak-hash
    return hashlib.md5(cert_der).hexdigest()


def sign(payload, key):
    # ruleid: py.weak-hash
    return hashlib.sha1(key + payload).hexdigest()


def etag(body):
    # ok: py.weak-hash
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def digest(body):
    # ok: py.weak-hash
    return hashlib.sha256(body).hexdigest()
