import socket

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # ruleid: py.bind-all-interfaces
    app.run(host="0.0.0.0", port=5000, debug=True)

srv = socket.socket()
# ruleid: py.bind-all-interfaces
srv.bind(("0.0.0.0", 8080))
# ok: py.bind-all-interfaces
srv.bind(("127.0.0.1", 8080))
# ok: py.bind-all-interfaces
app.run(host="127.0.0.1")
