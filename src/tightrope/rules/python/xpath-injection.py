from flask import Flask, request
from lxml import etree

app = Flask(__name__)
tree = etree.parse("users.xml")


@app.route("/user")
def user():
    name = request.args.get("name")
    query = "//user[@name='" + name + "']"
    # ruleid: py.xpath-injection
    return str(tree.xpath(query))


@app.route("/role")
def role():
    root = tree.getroot()
    # ruleid: py.xpath-injection
    return str(root.findall(f".//user[@role='{request.args['role']}']"))


@app.route("/user-safe")
def user_safe():
    name = request.args.get("name")
    # ok: py.xpath-injection
    hits = tree.xpath("//user[@name=$name]", name=name)
    # ok: py.xpath-injection
    pos = name.find("x")
    return str((hits, pos))
