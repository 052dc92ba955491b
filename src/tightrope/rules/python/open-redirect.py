from urllib.parse import urlparse

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/login")
def login():
    target = request.args.get("next", "/")
    # ruleid: py.open-redirect
    return redirect(target)


def logout(request):
    # ruleid: py.open-redirect
    return HttpResponseRedirect(request.GET.get("next"))


@app.route("/go")
def go():
    target = request.args.get("next", "/")
    if urlparse(target).netloc not in ("", "example.org"):
        return redirect(url_for("index"))
    # ok: py.open-redirect
    return redirect(target)


def done(request):
    nxt = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        # ok: py.open-redirect
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect("/")
