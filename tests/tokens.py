"""Fake credentials, BUILT at test run time (seeded, reproducible).

Nothing key-shaped is written literally in this file or in any test: prefixes are
assembled from pieces ("gh" + "p_"), so the repository stays clean under its own
scanner and under the forges' push protection. Checksummed formats can be built with a
valid or a deliberately wrong checksum.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B36 = string.digits + string.ascii_lowercase
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


def _rng(seed: object) -> random.Random:
    return random.Random(f"tightrope-tokens/{seed}")


def rand(n: int, alphabet: str = ALNUM, seed: object = 0) -> str:
    r = _rng((n, alphabet, seed))
    return "".join(r.choice(alphabet) for _ in range(n))


def _enc(n: int, alphabet: str, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, len(alphabet))
        out = alphabet[r] + out
    return out.rjust(width, "0")


def _crc(text: str) -> int:
    return zlib.crc32(text.encode()) & 0xFFFFFFFF


def _break(check: str, alphabet: str) -> str:
    """The same checksum with its last character changed."""
    last = check[-1]
    return check[:-1] + alphabet[(alphabet.index(last) + 1) % len(alphabet)]


# ------------------------------------------------------------------ forges

def github_classic(valid: bool = True, kind: str = "p", seed: object = 0, body: str | None = None) -> str:
    body = body if body is not None else rand(30, ALNUM, ("gh", kind, seed))
    check = _enc(_crc(body), B62, 6)
    if not valid:
        check = _break(check, B62)
    return "gh" + kind + "_" + body + check


def github_fine_grained(seed: object = 0) -> str:
    return "github" + "_pat_" + rand(22, ALNUM, ("ghf1", seed)) + "_" + rand(59, ALNUM, ("ghf2", seed))


def npm_token(valid: bool = True, seed: object = 0) -> str:
    body = rand(30, ALNUM, ("npm", seed))
    check = _enc(_crc(body), B62, 6)
    if not valid:
        check = _break(check, B62)
    return "np" + "m_" + body + check


def gitlab_legacy(prefix: str = "glpat-", seed: object = 0) -> str:
    return prefix + rand(20, B64URL, ("gl", prefix, seed)).replace("-", "x").replace("_", "y")


def gitlab_routable(valid: bool = True, prefix: str = "gl" + "pat-", seed: object = 0) -> str:
    r = _rng(("glr", prefix, seed))
    payload = b"o:" + _enc(r.randrange(10**6), B36, 1).encode() + b"\nu:" + _enc(r.randrange(10**6), B36, 1).encode()
    raw = bytes(r.randrange(256) for _ in range(16)) + payload + bytes([len(payload)])
    b64 = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    encoded = f"{prefix}{b64}.01.{_enc(len(b64), B36, 2)}"
    crc = _enc(_crc(encoded), B36, 7)
    if not valid:
        crc = _break(crc, B36)
    return encoded + crc


def pypi_token(seed: object = 0) -> str:
    r = _rng(("pypi", seed))
    ident = bytes(r.randrange(256) for _ in range(32))
    sig = bytes(r.randrange(256) for _ in range(32))
    raw = (b"\x02" + b"\x01\x08" + b"pypi" + b".org" + b"\x02\x20" + ident + b"\x00"
           + b"\x02\x10" + bytes(r.randrange(256) for _ in range(16)) + b"\x00" + b"\x00" + b"\x06\x20" + sig)
    return "py" + "pi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ------------------------------------------------------------------ AI vendors

def openai_project_key(seed: object = 0, kind: str = "proj") -> str:
    return ("s" + "k-" + kind + "-" + rand(74, B64URL, ("oai1", kind, seed)) + "T3Blbk" + "FJ"
            + rand(74, B64URL, ("oai2", kind, seed)))


def openai_legacy_key(seed: object = 0) -> str:
    return "s" + "k-" + rand(20, ALNUM, ("oail1", seed)) + "T3Blbk" + "FJ" + rand(20, ALNUM, ("oail2", seed))


def anthropic_key(seed: object = 0, admin: bool = False) -> str:
    kind = "admin01" if admin else "api03"
    return "s" + "k-ant-" + kind + "-" + rand(93, B64URL, ("ant", kind, seed)) + "AA"


def huggingface_token(seed: object = 0) -> str:
    return "h" + "f_" + rand(34, string.ascii_letters, ("hf", seed))


def google_api_key(seed: object = 0) -> str:
    return "AI" + "za" + rand(35, B64URL, ("goog", seed))


def google_oauth_access_token(seed: object = 0) -> str:
    return "ya" + "29." + rand(120, B64URL, ("ya29", seed))


def groq_key(seed: object = 0) -> str:
    return "gs" + "k_" + rand(52, ALNUM, ("groq", seed))


def replicate_token(seed: object = 0) -> str:
    return "r" + "8_" + rand(37, ALNUM, ("r8", seed))


def xai_key(seed: object = 0) -> str:
    return "xa" + "i-" + rand(80, ALNUM, ("xai", seed))


def openrouter_key(seed: object = 0) -> str:
    return "s" + "k-or-v1-" + rand(64, HEX, ("or", seed))


def langsmith_key(seed: object = 0, kind: str = "pt") -> str:
    return "ls" + "v2_" + kind + "_" + rand(32, HEX, ("ls1", seed)) + "_" + rand(10, HEX, ("ls2", seed))


def perplexity_key(seed: object = 0) -> str:
    return "pp" + "lx-" + rand(48, ALNUM, ("pplx", seed))


def pinecone_key(seed: object = 0) -> str:
    return "pc" + "sk_" + rand(6, ALNUM, ("pc1", seed)) + "_" + rand(63, ALNUM, ("pc2", seed))


def mistral_key(seed: object = 0) -> str:
    return rand(32, ALNUM, ("mistral", seed))


def cohere_key(seed: object = 0) -> str:
    return rand(40, ALNUM, ("cohere", seed))


# ------------------------------------------------------------------ SaaS

def slack_bot_token(seed: object = 0) -> str:
    return ("xo" + "xb-" + rand(11, string.digits, ("sl1", seed)) + "-" + rand(13, string.digits, ("sl2", seed))
            + "-" + rand(24, ALNUM, ("sl3", seed)))


def slack_webhook(seed: object = 0) -> str:
    return ("https://hooks.slack" + ".com/services/T" + rand(10, string.ascii_uppercase + string.digits, ("wh1", seed))
            + "/B" + rand(10, string.ascii_uppercase + string.digits, ("wh2", seed)) + "/" + rand(24, ALNUM, ("wh3", seed)))


def stripe_live_key(seed: object = 0, kind: str = "s") -> str:
    return kind + "k_" + "live_" + rand(99, ALNUM, ("stripe", kind, seed))


def stripe_documented_test_key() -> str:
    return "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"


def twilio_api_key(seed: object = 0) -> str:
    return "S" + "K" + rand(32, HEX, ("tw", seed))


def sendgrid_key(seed: object = 0) -> str:
    return "S" + "G." + rand(22, B64URL, ("sg1", seed)) + "." + rand(43, B64URL, ("sg2", seed))


def shopify_token(seed: object = 0, kind: str = "at") -> str:
    return "sh" + "p" + kind + "_" + rand(32, HEX, ("shp", kind, seed))


def digitalocean_token(seed: object = 0, kind: str = "p") -> str:
    return "do" + kind + "_v1_" + rand(64, HEX, ("do", kind, seed))


def databricks_token(seed: object = 0) -> str:
    return "da" + "pi" + rand(32, HEX, ("dapi", seed))


def vault_token(seed: object = 0) -> str:
    return "hv" + "s." + rand(94, B64URL, ("hvs", seed))


def terraform_token(seed: object = 0) -> str:
    return rand(14, ALNUM, ("tf1", seed)) + ".atlas" + "v1." + rand(67, ALNUM, ("tf2", seed))


def doppler_token(seed: object = 0) -> str:
    return "dp" + ".pt." + rand(43, ALNUM, ("dp", seed))


def atlassian_token(valid: bool = True, seed: object = 0) -> str:
    head = "ATA" + "TT3" + "xFfGF0" + rand(171, B64URL, ("atl", seed)) + "="
    check = f"{_crc(head):08X}"
    if not valid:
        check = _break(check, "0123456789ABCDEF")
    return head + check


# ------------------------------------------------------------------ detect-secrets' formats

def aws_access_key_id(seed: object = 0) -> str:
    return "AK" + "IA" + rand(16, string.ascii_uppercase + "234567", ("akia", seed))


def aws_secret_access_key(seed: object = 0) -> str:
    return rand(40, B64, ("awss", seed))


def aws_documented_examples() -> tuple[str, str]:
    return "AK" + "IAIOSFODNN7" + "EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"


def azure_storage_key(seed: object = 0) -> str:
    return rand(86, B64, ("az", seed)) + "=="


def jwt(seed: object = 0) -> str:
    def seg(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return seg({"alg": "HS256", "typ": "JWT"}) + "." + seg({"sub": rand(8, seed=("jwt", seed)), "iat": 1700000000}) \
        + "." + rand(43, B64URL, ("jwts", seed))


def telegram_bot_token(seed: object = 0) -> str:
    return rand(10, string.digits, ("tg1", seed)) + ":" + "AA" + rand(33, B64URL, ("tg2", seed))


def discord_bot_token(seed: object = 0) -> str:
    """A bot token as Discord builds it: base64(user snowflake) . base64(timestamp) . HMAC."""
    r = _rng(("dcs", seed))
    snowflake = str(r.randrange(10 ** 17, 10 ** 19))
    head = base64.b64encode(snowflake.encode()).decode().rstrip("=")
    return head + "." + rand(6, B64URL, ("dcs2", seed)) + "." + rand(38, B64URL, ("dcs3", seed))


def mailchimp_key(seed: object = 0) -> str:
    return rand(32, HEX, ("mc", seed)) + "-us" + "12"


def square_oauth_secret(seed: object = 0) -> str:
    return "sq0" + "csp-" + rand(43, B64URL, ("sq", seed))


def password(seed: object = 0) -> str:
    return rand(20, ALNUM + "!#%&*", ("pw", seed))


# ------------------------------------------------------------------ keys

def private_key_header(kind: str = "RSA ") -> str:
    return "-----BEGIN " + kind + "PRIVATE" + " KEY-----"


def private_key_body_line(seed: object = 0) -> str:
    return "MII" + rand(61, B64, ("pem", seed))


def pkcs12_der(seed: object = 0, version: int = 3, size: int = 1500) -> bytes:
    """RFC 7292's PFX shape, `SEQUENCE { INTEGER version, SEQUENCE ... }`, around random bytes."""
    body = _rng(("p12", seed)).randbytes(size)
    inner = bytes([0x02, 0x01, version, 0x30, 0x82]) + len(body).to_bytes(2, "big") + body
    return bytes([0x30, 0x82]) + len(inner).to_bytes(2, "big") + inner


def pkcs12_b64(seed: object = 0) -> str:
    return base64.b64encode(pkcs12_der(seed)).decode()


def logic_apps_trigger_url(seed: object = 0, sig: str | None = None) -> str:
    """A Logic Apps / Power Automate manual-trigger URL (the Teams Workflows webhook)."""
    sig = rand(43, B64URL, ("lasig", seed)) if sig is None else sig
    return ("https://prod-12.westeurope.logic.azure.com:443/workflows/" + rand(32, HEX, ("lawf", seed))
            + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + sig)


# ------------------------------------------------------------------ everyday formats (issue 11 §2)

def heroku_key(seed: object = 0) -> str:
    """Heroku's current API key format: `HRKU-AA` + 58 characters."""
    return "HR" + "KU-AA" + rand(58, B64URL, ("hrku", seed))


def uuid4(seed: object = 0) -> str:
    h = rand(32, HEX, ("uuid", seed))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def hex_secret(n: int = 64, seed: object = 0) -> str:
    """What `secrets.token_hex(n // 2)` returns (Flask's documented SECRET_KEY recipe)."""
    return rand(n, HEX, ("hexsecret", n, seed))


def mailgun_key(seed: object = 0) -> str:
    """Mailgun's private API key format since 2022: 32 hex, then two groups of 8 hex."""
    return rand(32, HEX, ("mg1", seed)) + "-" + rand(8, HEX, ("mg2", seed)) + "-" + rand(8, HEX, ("mg3", seed))


def basic_auth_b64(user: str = "deploy", seed: object = 0) -> str:
    return base64.b64encode(f"{user}:{password(seed)}".encode()).decode()


def unsigned_jwt(seed: object = 0) -> str:
    def seg(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return seg({"alg": "none", "typ": "JWT"}) + "." + seg({"sub": rand(8, seed=("jwtn", seed))}) + "."
