import sqlite3

from flask import Flask, request
from sqlalchemy import text

app = Flask(__name__)
db = sqlite3.connect("app.db")


def where_name(name):
    return "SELECT * FROM users WHERE name = '" + name + "'"


@app.route("/user")
def user():
    query = where_name(request.args["name"])
    cur = db.cursor()
    # ruleid: py.tainted-sql-injection
    cur.execute(query)
    return str(cur.fetchall())


@app.route("/orders/<status>")
def orders(status):
    sql = "SELECT id FROM orders WHERE status = '%s'" % status
    # ruleid: py.tainted-sql-injection
    rows = db.execute(text(sql)).fetchall()
    return str(rows)


@app.route("/page")
def page():
    limit = int(request.args.get("limit", 10))
    cur = db.cursor()
    # ok: py.tainted-sql-injection
    cur.execute(f"SELECT id FROM items LIMIT {limit}")
    name = request.args.get("name")
    # ok: py.tainted-sql-injection
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return str(cur.fetchall())
