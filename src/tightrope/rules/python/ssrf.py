from urllib.parse import quote
from urllib.request import urlopen

import httpx
import requests
from fastapi import FastAPI, Query
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()


@app.route("/preview")
def preview():
    url = request.args.get("url")
    # ruleid: py.ssrf
    r = requests.get(url, timeout=5)
    return r.text


@app.route("/webhook-test", methods=["POST"])
def webhook_test():
    target = request.get_json()["callback"]
    # ruleid: py.ssrf
    return urlopen(target).read()


@api.get("/fetch")
async def fetch(src: str = Query(...)):
    async with httpx.AsyncClient() as client:
        # ruleid: py.ssrf
        resp = await client.get(src)
    return resp.text


@app.route("/user")
def user():
    uid = request.args.get("id")
    # ok: py.ssrf
    return requests.get(f"https://api.example.com/users/{quote(uid)}", timeout=5).json()


@app.route("/repo")
def repo():
    name = request.args.get("name")
    # ok: py.ssrf
    return requests.get("https://api.github.com/repos/" + name, timeout=5).json()


@app.route("/status")
def status():
    # ok: py.ssrf
    return requests.get("https://status.example.com/api", timeout=5).text
