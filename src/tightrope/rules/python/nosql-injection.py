from flask import Flask, request
from pymongo import MongoClient

app = Flask(__name__)
db = MongoClient().shop


@app.route("/login", methods=["POST"])
def login():
    body = request.get_json()
    # ruleid: py.nosql-injection
    user = db.users.find_one({"name": body["name"], "password": body["password"]})
    return str(user)


@app.route("/search", methods=["POST"])
def search():
    # ruleid: py.nosql-injection
    docs = list(db.items.find(request.json))
    return str(docs)


@app.route("/login-safe", methods=["POST"])
def login_safe():
    body = request.get_json()
    # ok: py.nosql-injection
    user = db.users.find_one({"name": str(body["name"])})
    # ok: py.nosql-injection
    count = db.users.count_documents({"active": True})
    return str((user, count))
