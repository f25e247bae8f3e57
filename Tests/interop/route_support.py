"""The route harness the interop tests share: credentials minted here with hmac/hashlib/base64,
independently of the gateway (`session_token`, `sso_token`), upstream processes written with
Python `websockets` (`Upstream`, the `upstreams` fixture: echo_upstream.py for pipe mode,
mux_backend.py for mux mode, real processes so that a kill is a real SIGKILL), the gateway's
configuration and URLs, asyncio browser clients (`client`, `recv`, `closed_with`,
`refused_status`, `run`), and the route event counters (`events`)."""
import asyncio
import base64
import hashlib
import hmac
import json
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conftest import WebSocket, metric

HERE = Path(__file__).resolve().parent
SESSION_SECRET = "interop-session-secret-0123456789abcdef"
SSO_SECRET = "crm-preshared-secret"


# ---------------------------------------------------------------- credentials


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def session_token(user="alice", provider="CRM", scope="channels", issued=None, expires=None, key=SESSION_SECRET):
    issued = int(time.time()) - 5 if issued is None else issued
    expires = issued + 600 if expires is None else expires
    q = lambda s: urllib.parse.quote(s, safe="")
    payload = "\n".join([q(user), q(provider), q(scope), str(issued), str(expires)]).encode()
    signed = "v1." + b64u(payload)
    return signed + "." + b64u(hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest())


def sso_token(username, secret=SSO_SECRET, timestamp=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hashlib.sha1((secret + username + timestamp).encode()).digest()
    return base64.b64encode(digest + username.encode() + timestamp.encode()).decode()


# ---------------------------------------------------------------- upstream processes


class Upstream:
    """echo_upstream.py or mux_backend.py as a subprocess recording to a JSON-lines file."""

    def __init__(self, script, record: Path, port=0):
        self.script, self.record_path, self.port = script, record, port
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / self.script), "--port", str(self.port), "--record", str(self.record_path)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        assert ready, f"{self.script} did not start"
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), line
        self.port = int(line.rsplit(":", 1)[1])

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self):
        if self.process.poll() is None:
            self.kill()

    def records(self):
        if not self.record_path.exists():
            return []
        entries = []
        for line in self.record_path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                pass  # a line being written
        return entries

    # echo_upstream.py
    def connects(self):
        return [e for e in self.records() if e.get("event") == "connect"]

    def events(self, name):
        return [e for e in self.records() if e.get("event") == name]

    # mux_backend.py
    def controls(self, type_=None):
        return [e["control"] for e in self.records()
                if "control" in e and e["dir"] == "in" and (type_ is None or e["control"].get("type") == type_)]

    def data(self, session=None):
        return [e for e in self.records() if "kind" in e and (session is None or e.get("session") == session)]

    def wait_for(self, predicate, timeout=5.0, what="record"):
        deadline = time.time() + timeout
        while True:
            value = predicate(self.records())
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"{self.script}: no {what} within {timeout} s; recorded: {self.records()[-10:]}")
            time.sleep(0.02)


@pytest.fixture
def upstreams(tmp_path):
    started = []

    def start(script, name, port=0):
        upstream = Upstream(script, tmp_path / f"{name}.jsonl", port)
        started.append(upstream)
        return upstream

    yield start
    for upstream in started:
        upstream.stop()


def gateway_config(routes, limits=None):
    config = {"routes": routes,
              "auth": {"sessionSecret": SESSION_SECRET,
                       "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}}}
    if limits:
        config["limits"] = limits
    return config


def url(gateway, path):
    return f"ws://127.0.0.1:{gateway.http_port}{path}"


def client(uri, **kwargs):
    kwargs.setdefault("compression", None)
    kwargs.setdefault("open_timeout", 5)
    kwargs.setdefault("close_timeout", 2)
    kwargs.setdefault("max_size", None)
    kwargs.setdefault("ping_interval", None)
    return connect(uri, **kwargs)


async def recv(ws, timeout=5.0):
    return await asyncio.wait_for(ws.recv(), timeout)


async def recv_json(ws, timeout=5.0):
    message = await recv(ws, timeout)
    assert isinstance(message, str), message
    return json.loads(message)


async def closed_with(ws, timeout=5.0):
    """Reads until the gateway closes; returns (code, reason, messages read before)."""
    messages = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                messages.append(await ws.recv())
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, f"no close frame received ({closed})"
        return closed.rcvd.code, closed.rcvd.reason, messages


async def refused_status(uri, **kwargs):
    """The HTTP status (and body) of an upgrade the gateway refuses."""
    with pytest.raises(InvalidStatus) as refused:
        async with client(uri, **kwargs):
            pass
    return refused.value.response.status_code, refused.value.response.body.decode(errors="replace")


def run(coroutine, timeout=60):
    asyncio.run(asyncio.wait_for(coroutine, timeout))


def lower(headers: dict):
    return {k.lower(): v for k, v in headers.items()}


def raw_browser(gw, path):
    """A browser's WebSocket on a plain socket (conftest's `WebSocket`), to send what a library would not."""
    sock = socket.create_connection(("127.0.0.1", gw.http_port), timeout=5)
    return sock, WebSocket(sock, host=f"127.0.0.1:{gw.http_port}", path=path)


def events(gw, channel, event, expected):
    """The route event counter once it reaches `expected` (metrics are published every timer
    tick), or its value after 3 s."""
    name = f'callgate_route_events_total{{channel="{channel}",event="{event}"}}'
    deadline = time.monotonic() + 3
    while (value := metric(gw, name)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return value
