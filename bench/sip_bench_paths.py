"""What the parts of the SIP benchmarks (sip_bench.py) share: the phones' identities (the Callgate
directory and Kamailio's user table with the same users), Callgate session tokens, the paths a
phone takes to Kamailio (directly, Callgate's `sip` route, its `pipe` route), one REGISTER
transaction as a phone does it, and the driver's log line and percentiles."""
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.parse
from pathlib import Path

from sip_client import DOMAIN, parse
from sip_websocket import AsyncWebSocket, BlockingWebSocket

SESSION_SECRET = "sip-bench-session-secret-" + "0123456789abcdef" * 2


def say(*args):
    print("sip-bench:", *args, file=sys.stderr, flush=True)


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def user_name(i: int) -> str:
    return f"u{i:04d}"


def password(user: str) -> str:
    return "pw-" + user


def session_token(user, provider="bench", scope="channels", lifetime=7200):
    """A v1 Callgate session token (docs/config.md "auth"), as Tests/interop/test_routes.py signs it."""
    issued = int(time.time()) - 5
    q = lambda s: urllib.parse.quote(s, safe="")
    b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    payload = "\n".join([q(user), q(provider), q(scope), str(issued), str(issued + lifetime)]).encode()
    signed = "v1." + b64u(payload)
    return signed + "." + b64u(hmac.new(SESSION_SECRET.encode(), signed.encode(), hashlib.sha256).digest())


def write_users(folder: Path, n: int):
    """The directory (docs/directory.md: sipDomain, one user per phone) and Kamailio's user table
    (deploy/kamailio/db/users format) with the same identities."""
    users = [user_name(i) for i in range(1, n + 1)]
    directory = {"settings": {"sipDomain": DOMAIN}, "users": [{"username": u, "id": i + 1} for i, u in enumerate(users)]}
    (folder / "directory.json").write_text(json.dumps(directory))
    db = folder / "kamailio-db"
    db.mkdir(exist_ok=True)
    lines = ["id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)"]
    lines += [f"{i + 1}:{u}:0:0:{password(u)}:0" for i, u in enumerate(users)]
    (db / "users").write_text("\n".join(lines) + "\n")
    return users, folder / "directory.json", db


# ---------------------------------------------------------------- the paths to the SIP server


class Path_:
    """How a phone reaches Kamailio: directly, through the `sip` route, or through the `pipe`
    route; whether it answers digest challenges."""

    def __init__(self, name, port, path_for, digest):
        self.name, self.port, self.path_for, self.digest = name, port, path_for, digest

    def connect(self, user, deflate=None):
        return BlockingWebSocket.connect("127.0.0.1", self.port, self.path_for(user), deflate=deflate)

    async def connect_async(self, user, deflate=None):
        return await AsyncWebSocket.connect("127.0.0.1", self.port, self.path_for(user), deflate=deflate)


def paths(kamailio, callgate):
    found = {"direct": Path_("direct", kamailio.port, lambda user: "/", True)}
    if callgate:
        found["callgate"] = Path_("callgate", callgate.port, lambda user: f"/sip?access_token={session_token(user)}", False)
        found["pipe"] = Path_("pipe", callgate.port, lambda user: "/sippipe", True)
    return found


def receive_final(ws, timeout=10.0):
    """The next final response (provisional ones skipped)."""
    while True:
        message = parse(ws.receive_text(timeout))
        if message["status"] is not None and message["status"] >= 200:
            return message


def register_blocking(ws, phone, path, expires=600, use_cache=True):
    """One REGISTER transaction as a phone does it: with the cached credentials when it has them
    and `use_cache`, answering one 401. Returns (final response, challenged?)."""
    authorization = None
    if path.digest and use_cache and phone.register_credentials:
        authorization = phone.register_credentials.answer("REGISTER", f"sip:{DOMAIN}")
    ws.send_text(phone.register(expires, authorization))
    reply = receive_final(ws)
    if reply["status"] == 401 and path.digest:
        ws.send_text(phone.register(expires, phone.authorize_register(reply)))
        return receive_final(ws), True
    return reply, False
