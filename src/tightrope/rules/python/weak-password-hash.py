import hashlib

from argon2 import PasswordHasher

ph = PasswordHasher()


def store_user(db, username, password):
    # ruleid: py.weak-password-hash
    digest = hashlib.md5(password.encode()).hexdigest()
    db.save(username, digest)


def check(db, username, pwd):
    salt = db.salt(username)
    # ruleid: py.weak-password-hash
    return hashlib.sha256((salt + pwd).encode("utf-8")).hexdigest() == db.hash(username)


def legacy(user):
    h = hashlib.sha1()
    # ruleid: py.weak-password-hash
    h.update(user.password.encode())
    return h.hexdigest()


def store_user_safe(db, username, password):
    # ok: py.weak-password-hash
    db.save(username, ph.hash(password))


def file_digest(data):
    # ok: py.weak-password-hash
    return hashlib.sha256(data).hexdigest()


def reset_link(password_reset_token):
    # ok: py.weak-password-hash
    return hashlib.sha256(password_reset_token.encode()).hexdigest()
