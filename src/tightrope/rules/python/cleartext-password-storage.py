import sqlite3

from flask import Flask, make_response, request
from werkzeug.security import generate_password_hash

app = Flask(__name__)
db = sqlite3.connect("app.db")


@app.route("/register", methods=["POST"])
def register():
    name = request.form["name"]
    password = request.form["password"]
    # ruleid: py.cleartext-password-storage
    db.execute("INSERT INTO users (name, password) VALUES (?, ?)", (name, password))
    return "ok"


def remember(resp, password):
    # ruleid: py.cleartext-password-storage
    resp.set_cookie("pw", password)


def save(user, new_password):
    # ruleid: py.cleartext-password-storage
    user.password = new_password
    user.save()


@app.route("/register-safe", methods=["POST"])
def register_safe():
    name = request.form["name"]
    password = request.form["password"]
    # ok: py.cleartext-password-storage
    db.execute("INSERT INTO users (name, pw_hash) VALUES (?, ?)", (name, generate_password_hash(password)))
    resp = make_response("ok")
    # ok: py.cleartext-password-storage
    resp.set_cookie("name", name)
    return resp
