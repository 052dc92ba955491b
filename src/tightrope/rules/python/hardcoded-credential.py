import os

import psycopg2

# ruleid: py.hardcoded-credential
STRIPE_API_KEY = "rk_live_51Habc93kdkd39dk2l"

# ruleid: py.hardcoded-credential
conn = psycopg2.connect(host="db.internal", user="app", password="Tr0ub4dor&3x")


class Settings:
    def __init__(self):
        # ruleid: py.hardcoded-credential
        self.client_secret = "q8Vn2LwZ7rT4pK1s"


# ok: py.hardcoded-credential
STRIPE_API_KEY_ENV = os.environ["STRIPE_API_KEY"]

# ok: py.hardcoded-credential
password = os.environ.get("DB_PASSWORD")

# ok: py.hardcoded-credential
api_key = "your-api-key-here"

# ok: py.hardcoded-credential
TOKEN_URL = "https://auth.example.com/oauth/token"
