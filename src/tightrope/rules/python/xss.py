import flask
from django.http import HttpResponse
from django.utils.safestring import mark_safe
from flask import Flask, make_response, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: py.xss
    return f"<h1>Hello {name}</h1>"


@app.route("/search")
def search():
    q = request.args["q"]
    # ruleid: py.xss
    return make_response("<p>No results for " + q + "</p>")


def greet(request):
    who = request.GET.get("who")
    # ruleid: py.xss
    return HttpResponse("<b>%s</b>" % who)


def banner(request):
    # ruleid: py.xss
    return HttpResponse(mark_safe(request.GET["msg"]))


@app.route("/note")
def note():
    # ruleid: py.xss
    return Markup("<i>" + request.args["note"] + "</i>")


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "")
    # ok: py.xss
    return f"<h1>Hello {escape(name)}</h1>"


@app.route("/api")
def api():
    q = request.args["q"]
    # ok: py.xss
    return make_response(flask.jsonify(query=q))


def plain(request):
    # ok: py.xss
    return HttpResponse(request.GET["q"], content_type="text/plain")


@app.route("/view/<sid>")
def view(sid):
    # ok: py.xss
    return flask.render_template("view.html", sid=sid, title="%s" % sid)
