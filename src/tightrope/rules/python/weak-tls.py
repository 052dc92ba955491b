import socket
import ssl


def connect(host):
    sock = socket.create_connection((host, 443))
    # ruleid: py.weak-tls
    return ssl.wrap_socket(sock)


def legacy_context():
    # ruleid: py.weak-tls
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1)


def good(host):
    # ok: py.weak-tls
    ctx = ssl.create_default_context()
    sock = socket.create_connection((host, 443))
    # ok: py.weak-tls
    return ctx.wrap_socket(sock, server_hostname=host)
