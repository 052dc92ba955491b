import os
import smtplib

import psycopg2
import pymysql
from flask import Flask

app = Flask(__name__)
# ruleid: py.hardcoded-password
app.config["SECRET_KEY"] = "dev"

# ruleid: py.hardcoded-password
conn = pymysql.connect(host="db", user="app", password="s3cr3t", database="shop")

# ruleid: py.hardcoded-password
pg = psycopg2.connect("host=db dbname=shop user=app password=hunter22")


def check(password):
    # ruleid: py.hardcoded-password
    return password == "admin123"


def mail(msg):
    server = smtplib.SMTP("smtp.example.org")
    # ruleid: py.hardcoded-password
    server.login("bot@example.org", "mailpass1")
    server.send_message(msg)


# ruleid: py.hardcoded-password
db_password = "letmein"

# ok: py.hardcoded-password
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
# ok: py.hardcoded-password
password_reset_template = "auth/reset.html"
# ok: py.hardcoded-password
conn2 = pymysql.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
# ok: py.hardcoded-password
empty = pymysql.connect(host="db", user="app", password="")
