import base64
import pickle

import flask
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore():
    # ruleid: py.tainted-deserialization
    state = pickle.loads(request.data)
    return str(state)


@app.route("/session")
def session_blob():
    raw = base64.b64decode(request.cookies.get("blob"))
    # ruleid: py.tainted-deserialization
    obj = pickle.loads(raw)
    return str(obj)


@app.route("/config", methods=["POST"])
def config():
    body = request.get_data()
    # ruleid: py.tainted-deserialization
    cfg = yaml.load(body, Loader=yaml.Loader)
    return str(cfg)


def load_cache(path):
    with open(path, "rb") as fh:
        # ok: py.tainted-deserialization
        return pickle.load(fh)


@app.route("/settings", methods=["POST"])
def settings():
    # ok: py.tainted-deserialization
    cfg = yaml.load(request.get_data(), Loader=yaml.SafeLoader)
    # ok: py.tainted-deserialization
    other = yaml.safe_load(request.get_data())
    return str((cfg, other))
