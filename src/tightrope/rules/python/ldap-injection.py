import ldap
from flask import Flask, request
from ldap.filter import escape_filter_chars

app = Flask(__name__)
conn = ldap.initialize("ldap://ldap.example.org")


@app.route("/user")
def user():
    uid = request.args.get("uid")
    flt = "(&(objectClass=person)(uid=" + uid + "))"
    # ruleid: py.ldap-injection
    res = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, flt)
    return str(res)


@app.route("/mail")
def mail(ldap_conn=conn):
    # ruleid: py.ldap-injection
    res = ldap_conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(mail={request.args['mail']})")
    return str(res)


@app.route("/user-safe")
def user_safe():
    uid = escape_filter_chars(request.args.get("uid"))
    # ok: py.ldap-injection
    res = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=" + uid + ")")
    # ok: py.ldap-injection
    res2 = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, "(objectClass=person)")
    return str((res, res2))
