import re

from flask import Flask, request

app = Flask(__name__)
WORDS = ["alpha", "beta"]


@app.route("/filter")
def filter_words():
    pattern = request.args.get("p", "")
    # ruleid: py.regex-injection
    rx = re.compile(pattern)
    return ",".join(w for w in WORDS if rx.search(w))


@app.route("/find")
def find():
    term = request.args.get("term", "")
    # ruleid: py.regex-injection
    hits = [w for w in WORDS if re.search("^" + term, w)]
    # ok: py.regex-injection
    safe = [w for w in WORDS if re.search("^" + re.escape(term), w)]
    # ok: py.regex-injection
    fixed = re.findall(r"\d+", term)
    return str((hits, safe, fixed))
