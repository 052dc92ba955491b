import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOADS = "/srv/uploads"
ALLOWED = {".png", ".jpg"}


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    # ruleid: py.unrestricted-upload
    f.save(os.path.join(UPLOADS, f.filename))
    return "ok"


@app.route("/avatar", methods=["POST"])
def avatar():
    pic = request.files.get("avatar")
    dest = UPLOADS + "/" + pic.filename
    # ruleid: py.unrestricted-upload
    pic.save(dest)
    return "ok"


@app.route("/upload-safe", methods=["POST"])
def upload_safe():
    f = request.files["file"]
    # ok: py.unrestricted-upload
    f.save(os.path.join(UPLOADS, secure_filename(f.filename)))
    return "ok"


@app.route("/upload-checked", methods=["POST"])
def upload_checked():
    f = request.files["file"]
    if os.path.splitext(f.filename)[1].lower() not in ALLOWED:
        return "bad type", 400
    # ok: py.unrestricted-upload
    f.save(os.path.join(UPLOADS, f.filename))
    return "ok"
