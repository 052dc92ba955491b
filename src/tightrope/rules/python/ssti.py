import jinja2
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "guest")
    template = "<h1>Hello " + name + "</h1>"
    # ruleid: py.ssti
    return render_template_string(template)


@app.route("/card/<title>")
def card(title):
    # ruleid: py.ssti
    return jinja2.Template(f"<div>{title}</div>").render()


@app.route("/greet-safe")
def greet_safe():
    name = request.args.get("name", "guest")
    # ok: py.ssti
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)


def render_static():
    # ok: py.ssti
    return render_template_string("<p>static</p>")
