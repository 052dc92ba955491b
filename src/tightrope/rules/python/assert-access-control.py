from flask import Flask, request
from flask_login import current_user

app = Flask(__name__)


@app.route("/admin")
def admin():
    # ruleid: py.assert-access-control
    assert current_user.is_admin, "admins only"
    return "secret"


def delete(request, doc):
    # ruleid: py.assert-access-control
    assert doc.owner_id == request.user.id
    doc.delete()


def total(items):
    # ok: py.assert-access-control
    assert isinstance(items, list)
    # ok: py.assert-access-control
    assert len(items) < 1000
    return sum(items)


def test_admin_page(client, current_user):
    # ok: py.assert-access-control
    assert current_user.is_admin


def unmask(request_csrf_token, secret):
    # ok: py.assert-access-control
    assert len(request_csrf_token) == 32
    # ruleid: py.assert-access-control
    assert request_csrf_token == secret, "CSRF token mismatch"


def next_token(token_start, content):
    # ok: py.assert-access-control
    assert token_start == COMMENT_TAG_START
    return content
