from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/download")
def download():
    name = request.args.get("name")
    resp = make_response("data")
    # ruleid: py.header-injection
    resp.headers["Content-Disposition"] = "attachment; filename=" + name
    return resp


@app.route("/lang")
def lang():
    resp = make_response("ok")
    # ruleid: py.header-injection
    resp.set_cookie("lang", request.args["lang"])
    return resp


@app.route("/safe")
def safe():
    name = request.args.get("name", "")
    resp = make_response("data")
    # ok: py.header-injection
    resp.headers["X-Name"] = name.replace("\r", "").replace("\n", "")
    # ok: py.header-injection
    resp.headers["X-Count"] = str(int(request.args.get("n", "0")))
    return resp
