import os
import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host")
    cmd = "ping -c 1 " + host
    # ruleid: py.tainted-command-injection
    return os.popen(cmd).read()


@app.route("/grep")
def grep():
    pattern = request.form["q"]
    # ruleid: py.tainted-command-injection
    out = subprocess.run(["bash", "-c", f"grep {pattern} /var/log/app.log"], capture_output=True)
    return out.stdout


@app.route("/archive/<name>")
def archive(name):
    line = "tar czf /tmp/out.tgz {}".format(name)
    # ruleid: py.tainted-command-injection
    subprocess.call(line, shell=True)
    return "ok"


@app.route("/safe-ping")
def safe_ping():
    host = request.args.get("host")
    # ok: py.tainted-command-injection
    subprocess.run(["ping", "-c", "1", host], check=True)
    # ok: py.tainted-command-injection
    os.system("ping -c 1 " + shlex.quote(host))
    return "ok"
