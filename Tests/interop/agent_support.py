"""The agent-session harness the interop tests share: a gateway with the sample directory
(`agent_gateway`), the admin API (`admin`, `inbound_call`), the status page's data (`status`),
and a browser tab speaking the agent protocol over a real WebSocket (`Tab`, `ready_tab`,
`answered_call`). Used by test_agent.py, test_agent_accounts.py, test_action_urls.py,
test_call_identity.py, test_click_to_call.py and the last-callers tests."""
import asyncio
import json
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from route_support import SESSION_SECRET, client

SSO_SECRET = "agent-bar-sso-secret"
ADMIN_KEY = "interop-admin-key-0123456789"
CALLER = "+420602123456"


# ---------------------------------------------------------------- the gateway


def directory(gateway_binary, **settings):
    """The shipped sample directory (passwords = user names) with test-friendly settings, and
    carol's phone also known by the client address 127.0.0.9."""
    text = subprocess.run([gateway_binary, "--sample-directory"], check=True, capture_output=True, text=True).stdout
    sample = json.loads(text)
    sample["settings"].update({"ringSeconds": 30, "acwSeconds": 0, **settings})
    next(d for d in sample["devices"] if d["id"] == "carol-phone")["identifiers"].append("127.0.0.9")
    return sample


@pytest.fixture
def agent_gateway(start_gateway, tmp_path):
    """Starts callgate with a test directory; keyword arguments go into `agents` and the
    directory's `settings` (`settings={...}`), `routes` into the routes, `limits` into the
    limits, `extra` into the top level (e.g. `actionURLs`)."""
    from conftest import CALLGATE

    def start(settings=None, routes=None, limits=None, extra=None, **agents):
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE), **(settings or {}))))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}}}
        if routes:
            config["routes"] = routes
        if limits:
            config["limits"] = limits
        config.update(extra or {})
        return start_gateway(config=config)

    return start


def admin(gw, method, path, key=ADMIN_KEY):
    """(status, JSON body) of an admin API request."""
    request = urllib.request.Request(f"http://127.0.0.1:{gw.http_port}{path}", method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def status(gw):
    """The gateway's /status.json."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/status.json", timeout=5) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


def agent_state(gw, user):
    """The user's state as the back end has it (`GET /admin/agents`): CREDENTIALS when signed out."""
    return next(a for a in admin(gw, "GET", "/admin/agents")[1]["agents"] if a["username"] == user)["state"]


def inbound_call(gw, target="queue=100", caller=CALLER):
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(caller)}&{target}")
    assert status == 201, body
    return body["uniqueid"]


# ---------------------------------------------------------------- a tab


class Tab:
    """One agent-bar tab: requests with ids, events buffered in arrival order, and a check that
    the per-user `seq` never skips (a repeat of a seen seq is a ringing resend)."""

    def __init__(self, ws, auto_ack=True):
        self.ws = ws
        self.next_id = 0
        self.buffer = []
        self.seqs = []
        self.auto_ack = auto_ack

    @classmethod
    async def open(cls, gw, query="", source=None, auto_ack=True, cookie=None, port=None):
        """`port`: connect there instead of the gateway's (a relay in front of it)."""
        port = port or gw.http_port
        kwargs = {"additional_headers": {"Cookie": cookie}} if cookie else {}
        if source:
            sock = socket.socket()
            sock.bind((source, 0))
            sock.connect(("127.0.0.1", port))
            kwargs["sock"] = sock
        ws = await client(f"ws://127.0.0.1:{port}/ws{query}", **kwargs)
        tab = cls(ws, auto_ack)
        assert (await tab.event("connect")) == {"version": "4.0.0", "protocol": 1}
        await tab.event("credentials")
        return tab

    def observe(self, message):
        """Sees each message first (a subclass keeps what it needs)."""

    async def _next(self, timeout):
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.observe(message)
        if "seq" in message:
            seq = message["seq"]
            if self.seqs and seq <= self.seqs[-1]:
                assert message["event"] == "callRinging", f"seq {seq} again after {self.seqs[-1]}: {message}"
            else:
                assert not self.seqs or seq == self.seqs[-1] + 1, f"seq {seq} after {self.seqs[-1]}"
                self.seqs.append(seq)
            if message["event"] == "callRinging" and self.auto_ack:
                self.next_id += 1
                await self.ws.send(json.dumps({"id": f"ack{self.next_id}", "method": "ack", "params": {"seq": seq}}))
        return message

    async def call(self, method, timeout=5, **params):
        self.next_id += 1
        request_id = self.next_id
        await self.ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
        while True:
            message = await self._next(timeout)
            if message.get("id") == request_id:
                return message
            if "event" in message:
                self.buffer.append(message)

    async def ok(self, method, **params):
        reply = await self.call(method, **params)
        assert "result" in reply, (method, reply)
        return reply["result"]

    async def refused(self, method, **params):
        reply = await self.call(method, **params)
        assert "error" in reply, (method, reply)
        return reply["error"]

    async def message(self, name, timeout=5):
        """The next event called `name` (whole message); earlier other events stay buffered."""
        for index, message in enumerate(self.buffer):
            if message["event"] == name:
                return self.buffer.pop(index)
        while True:
            message = await self._next(timeout)
            if message.get("event") == name:
                return message
            if "event" in message:
                self.buffer.append(message)

    async def event(self, name, timeout=5):
        return (await self.message(name, timeout))["data"]

    async def quiet(self, seconds=0.3):
        """Reads for a while; returns the event names that came."""
        names = []
        try:
            while True:
                message = await self._next(seconds)
                if "event" in message:
                    names.append(message["event"])
        except asyncio.TimeoutError:
            return names

    async def close(self):
        await self.ws.close()


async def ready_tab(gw, user="alice", tab_id=None, **open_kwargs):
    """A tab logged in as `user` (password = user name, with the browser tab id `tab_id` if
    given), paired with web-<user>, READY."""
    tab = await Tab.open(gw, **open_kwargs)
    result = await tab.ok("login", username=user, password=user, **({"tab": tab_id} if tab_id else {}))
    assert result["user"] == user and result["token"].startswith("v1.")
    assert (await tab.event("user"))["user"]["firstname"]
    await tab.event("identify")
    await tab.ok("selectIdentifier", identifier=f"web-{user}")
    await tab.event("device")
    await tab.ok("provision")
    state = (await tab.event("ready"))["state"]
    assert state["status"] == "READY", state
    tab.token = result["token"]
    tab.buffer.clear()  # the login's stateChange and primary events
    return tab


async def answered_call(gw, tab, target):
    """An external caller rings `target`; `tab` answers. The call's uniqueid."""
    uniqueid = inbound_call(gw, target)
    await tab.event("callRinging")
    await tab.ok("answer")
    await tab.event("callConnect")
    return uniqueid


def openssl_sso_token(username, timestamp, secret=SSO_SECRET):
    """docs/compatibility.md §1.10: base64(sha1_raw(secret + username + timestamp) + username + timestamp), made with
    the openssl command, independently of the gateway's code."""
    digest = subprocess.run(["openssl", "dgst", "-sha1", "-binary"], input=(secret + username + str(timestamp)).encode(),
                            check=True, capture_output=True).stdout
    encoded = subprocess.run(["openssl", "base64", "-A"], input=digest + f"{username}{timestamp}".encode(),
                             check=True, capture_output=True).stdout
    return encoded.decode()
