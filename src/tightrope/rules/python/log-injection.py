import logging

from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    # ruleid: py.log-injection
    logger.warning("failed login for " + user)
    # ruleid: py.log-injection
    logging.info("login attempt: %s", user)
    # ok: py.log-injection
    logger.warning("failed login for %s", repr(user))
    # ok: py.log-injection
    logger.info("attempt by %s", user.replace("\n", "\\n").replace("\r", "\\r"))
    return "no"
