from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = FastAPI()
# ruleid: py.cors-wildcard-credentials
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])

flask_app = Flask(__name__)
# ruleid: py.cors-wildcard-credentials
CORS(flask_app, supports_credentials=True)

other = Flask("other")
# ruleid: py.cors-wildcard-credentials
CORS(other, origins="*", supports_credentials=True)

api = FastAPI()
# ok: py.cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)

public = FastAPI()
# ok: py.cors-wildcard-credentials
public.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])

strict = Flask("strict")
# ok: py.cors-wildcard-credentials
CORS(strict, origins=["https://app.example.com"], supports_credentials=True)

# Django settings in the same module, for the fixture's sake
CORS_ALLOW_CREDENTIALS = True
# ruleid: py.cors-wildcard-credentials
CORS_ALLOW_ALL_ORIGINS = True
