import os

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/download")
def download():
    name = request.args.get("file")
    # ruleid: py.path-traversal
    return send_file(os.path.join(UPLOAD_DIR, name))


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["document"]
    # ruleid: py.path-traversal
    f.save(os.path.join(UPLOAD_DIR, f.filename))
    return "ok"


@app.route("/read")
def read():
    path = UPLOAD_DIR + "/" + request.args["name"]
    # ruleid: py.path-traversal
    with open(path) as fh:
        return fh.read()


@app.route("/download-safe")
def download_safe():
    # ok: py.path-traversal
    return send_from_directory(UPLOAD_DIR, request.args.get("file"))


@app.route("/upload-safe", methods=["POST"])
def upload_safe():
    f = request.files["document"]
    # ok: py.path-traversal
    f.save(os.path.join(UPLOAD_DIR, secure_filename(f.filename)))
    return "ok"


@app.route("/read-basename")
def read_basename():
    # ok: py.path-traversal
    with open(os.path.join(UPLOAD_DIR, os.path.basename(request.args["name"]))) as fh:
        return fh.read()
