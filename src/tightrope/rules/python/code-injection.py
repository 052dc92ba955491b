import ast

from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "")
    # ruleid: py.code-injection
    return str(eval(expr))


def apply_filter(field, value):
    # ruleid: py.code-injection
    return eval(f"record.{field} == {value!r}")


def run_hook(name):
    # ruleid: py.code-injection
    exec("import hooks\nhooks." + name + "()")


@app.route("/parse")
def parse():
    # ok: py.code-injection
    return str(ast.literal_eval(request.args.get("value", "0")))


HANDLERS = {"sum": sum, "max": max}


def dispatch(name, items):
    # ok: py.code-injection
    return HANDLERS[name](items)


def config():
    # ok: py.code-injection
    return eval("1 << 10")


def header_pattern(name):
    from re import compile
    # ok: py.code-injection
    return compile(r"^" + name + r"\s*:")
