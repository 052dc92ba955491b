import os

from flask import Flask

app = Flask(__name__)
# ruleid: py.flask-debug
app.debug = True


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    # ruleid: py.flask-debug
    app.run(host="0.0.0.0", port=5000, debug=True)
    # ok: py.flask-debug
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: py.flask-debug
    app.run(port=8000, debug=False)
