import ssl

import httpx
import requests


def fetch(url):
    # ruleid: py.tls-verify-disabled
    return requests.get(url, verify=False, timeout=10)


def client():
    # ruleid: py.tls-verify-disabled
    return httpx.Client(base_url="https://internal.example.com", verify=False)


def context():
    ctx = ssl.create_default_context()
    # ruleid: py.tls-verify-disabled
    ctx.check_hostname = False
    # ruleid: py.tls-verify-disabled
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def legacy():
    # ruleid: py.tls-verify-disabled
    return ssl._create_unverified_context()


def fetch_private_ca(url):
    # ok: py.tls-verify-disabled
    return requests.get(url, verify="/etc/ssl/certs/private-ca.pem", timeout=10)


def strict():
    ctx = ssl.create_default_context(cafile="/etc/ssl/certs/private-ca.pem")
    # ok: py.tls-verify-disabled
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain("server.pem")
    # ok: py.tls-verify-disabled
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def optional(url, insecure=False):
    if insecure:
        # ok: py.tls-verify-disabled
        return requests.get(url, verify=False, timeout=10)
    return requests.get(url, timeout=10)
