import sys

from flask import Flask, request

app = Flask(__name__)


def build(expr):
    return "result = " + expr


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "")
    code = build(expr)
    scope = {}
    # ruleid: py.tainted-code-injection
    exec(code, scope)
    return str(scope["result"])


@app.route("/eval/<formula>")
def evaluate(formula):
    text = f"({formula}) * 2"
    # ruleid: py.tainted-code-injection
    return str(eval(text))


def main():
    # ruleid: py.tainted-code-injection
    print(eval(sys.argv[1]))


@app.route("/count")
def count():
    n = int(request.args.get("n", "1"))
    # ok: py.tainted-code-injection
    return str(eval(f"{n} + 1"))


def constant():
    # ok: py.tainted-code-injection
    return eval("1 + 2")
