"""The last-callers gateway (`lc_gateway`), its widget over HTTP (`widget`, `widget_token`) and calls out (`call_out`)."""
import base64
import hashlib
import http.client
import json
import os
import urllib.parse

import pytest

from agent_support import ADMIN_KEY, CALLER, admin, directory
from route_support import SESSION_SECRET, run, session_token

WIDGET_SECRET = "interop-widget-secret-0123456789abcdefgh"
NOBODY_CALLED = "+420777000111"
DAY = 86_400


@pytest.fixture
def lc_gateway(start_gateway, tmp_path):
    """callgate with the sample directory (passwords = user names), dana disabled, carol's
    display name hostile HTML, a known widget key; `last_callers` goes into `lastCallers`,
    `static` is the static folder, keyword arguments go into `agents`."""
    from conftest import CALLGATE

    def start(last_callers=None, static=None, **agents):
        sample = directory(str(CALLGATE))
        sample["users"].append({"username": UTF8_USER, "id": 99, "password": pbkdf2(UTF8_PASSWORD),
                                "firstname": "Jiří", "lastname": "Ňuňka", "group_id": 1, "queues": []})
        for user in sample["users"]:
            if user["username"] == "dana":
                user["enabled"] = False
            if user["username"] == "carol":
                user["displayname"] = CAROL
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(sample))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET},
                  "lastCallers": {"tokenSecret": WIDGET_SECRET, **(last_callers or {})}}
        if static:
            config["static"] = {"folder": str(static)}
        return start_gateway(config=config)

    return start


CAROL = """Karolína <script>alert("x")</script> O'Neil & co"""
UTF8_USER = "jiří"
UTF8_PASSWORD = "heslo:žluťoučký kůň"


def pbkdf2(password, iterations=1000):
    """A directory password hash (docs/directory.md), made here with hashlib."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    b64 = lambda data: base64.b64encode(data).rstrip(b"=").decode()  # noqa: E731
    return f"$pbkdf2-sha256$i={iterations}${b64(salt)}${b64(digest)}"


class Reply:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def header(self, name):
        return self.headers.get(name)

    def headers_named(self, name):
        return self.headers.get_all(name) or []

    @property
    def json(self):
        assert self.header("Content-Type") == "application/json", self.header("Content-Type")
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode()


def get(gw, target, headers=None, method="GET", source="127.0.0.1"):
    connection = http.client.HTTPConnection("127.0.0.1", gw.http_port, timeout=10, source_address=(source, 0))
    try:
        connection.request(method, target, headers=headers or {})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def widget(gw, number, token, format=None, headers=None, raw_number=False):
    query = "vcallerid=" + (number if raw_number else urllib.parse.quote(number, safe="")) + "&token=" + token
    if format:
        query += "&format=" + format
    return get(gw, "/lastcaller/?" + query, headers)


def widget_token(user="bob", scope="lastcaller", provider="tokengen", issued=None, expires=None, key=WIDGET_SECRET):
    """A widget token made here, in Python, with the configured widget key."""
    return session_token(user=user, provider=provider, scope=scope, issued=issued, expires=expires, key=key)


async def call_out(gw, tab, number=CALLER):
    """`tab`'s agent dials `number`; the remote answers (admin API), the agent hangs up."""
    uniqueid = (await tab.ok("dial", number=number))["uniqueid"]
    new = (await tab.event("callNew"))["call"]
    assert new["direction"] == "OUTGOING" and new["called_number_norm"] == CALLER
    await tab.event("callRinging")
    status, body = admin(gw, "POST", f"/admin/calls/{uniqueid}/answer")
    assert status == 200, body
    await tab.event("callConnect")
    await tab.ok("hangup")
    await tab.event("callHangup")
    tab.buffer.clear()
    return uniqueid


def asyncio_run(coroutine):
    """`run` that hands back the coroutine's value."""
    box = {}

    async def keep():
        box["value"] = await coroutine

    run(keep())
    return box.get("value")
