"""Upstream first on pipe routes (docs/config.md): the release `callgate` binary completes its
upstream's opening handshake before it answers the browser's, forwards the subprotocols the
browser offered and answers 101 with the one the upstream selected; a refusing upstream gives
502, an absent one 503 with Retry-After, a slow one 504, all before any 101. Upstreams are Python
`websockets` servers (and, for "slow", a TCP server that never answers) started in the test's
own event loop; browsers are `websockets` clients, raw sockets, and headless Chromium."""
import asyncio
import json
import socket
import time
from http import HTTPStatus

import pytest
from websockets.asyncio.server import serve

from conftest import free_port, metric
from devtools import CHROMIUM, Chromium
from route_support import client, closed_with, events, gateway_config, recv, refused_status, run, session_token, url


class Upstream:
    """A `websockets` upstream in this process: records each handshake it gets (path, offered
    subprotocols, identity headers), selects `select` if offered, may delay or refuse its
    answer, and echoes messages."""

    def __init__(self, select=None, refuse=None, delay=0.0):
        self.select, self.refuse, self.delay = select, refuse, delay
        self.handshakes = []
        self.port = None
        self._server = None

    async def __aenter__(self):
        async def process_request(connection, request):
            self.handshakes.append({"at": time.monotonic(), "path": request.path,
                                    "offered": request.headers.get_all("Sec-WebSocket-Protocol"),
                                    "user": request.headers.get("X-Callgate-User")})
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.refuse:
                return connection.respond(self.refuse, "not you\n")
            return None

        def select_subprotocol(connection, offered):
            return self.select if self.select in offered else None

        async def echo(ws):
            async for message in ws:
                await ws.send(message)

        self._server = await serve(echo, "127.0.0.1", 0, process_request=process_request,
                                   select_subprotocol=select_subprotocol, compression=None)
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self._server.close()
        await self._server.wait_closed()

    def offered(self, index=-1):
        """The subprotocols the gateway offered in handshake `index`, as one list."""
        values = self.handshakes[index]["offered"]
        return [p.strip() for value in values for p in value.split(",") if p.strip()]


class SilentUpstream:
    """A TCP server that accepts and never answers: an upstream too slow to upgrade."""

    async def __aenter__(self):
        self.accepted = 0

        async def hold(reader, writer):
            self.accepted += 1
            await reader.read()  # until the gateway gives up and closes
            writer.close()

        self._server = await asyncio.start_server(hold, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self._server.close()
        await self._server.wait_closed()


def raw_upgrade(port, path, protocols=None, timeout=10.0):
    """Sends an upgrade on a plain socket; returns (status line, head text, seconds taken)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        extra = f"Sec-WebSocket-Protocol: {protocols}\r\n" if protocols else ""
        started = time.monotonic()
        sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
        text = head.decode(errors="replace")
        return text.split("\r\n", 1)[0], text, time.monotonic() - started


def start_with_routes(start_gateway, routes):
    return start_gateway(config=gateway_config(routes))


# ---------------------------------------------------------------- accepted


def test_the_101_waits_for_the_upstream_and_carries_its_subprotocol(start_gateway):
    async def scenario():
        async with Upstream(select="sip", delay=0.8) as up:
            gw = start_with_routes(start_gateway, {
                "phone": {"backend": f"ws://127.0.0.1:{up.port}/ws", "auth": "none", "origins": "*"},
                "listed": {"backend": f"ws://127.0.0.1:{up.port}/ws", "auth": "none", "subprotocols": ["sip"]},
                "report": {"backend": f"ws://127.0.0.1:{up.port}/ws", "auth": "required"}})
            # No `subprotocols` on the route: everything the browser offers is forwarded, and the
            # browser's 101 comes only after the upstream's (delayed 0.8 s) answer.
            started = time.monotonic()
            async with client(url(gw, "/phone"), subprotocols=["x-unknown", "sip"]) as ws:
                opened = time.monotonic() - started
                assert ws.subprotocol == "sip"
                await ws.send("REGISTER")
                assert await recv(ws) == "REGISTER"
            assert opened >= 0.75, f"the 101 came {opened:.2f} s after the request, before the upstream answered"
            assert up.offered() == ["x-unknown", "sip"]
            # A route listing subprotocols forwards only those of them the browser offered.
            async with client(url(gw, "/listed"), subprotocols=["chat", "sip"]) as ws:
                assert ws.subprotocol == "sip"
            assert up.offered() == ["sip"]
            # The upstream selects nothing: neither does the 101.
            async with client(url(gw, "/phone"), subprotocols=["chat"]) as ws:
                assert ws.subprotocol is None
            assert up.offered() == ["chat"]
            # A credential at the upgrade: upstream first too, with the identity.
            async with client(url(gw, f"/report?access_token={session_token('alice')}"), subprotocols=["sip"]) as ws:
                assert ws.subprotocol == "sip"
            assert up.handshakes[-1]["user"] == "alice" and up.handshakes[-1]["path"] == "/ws"
            assert events(gw, "phone", "upstream_opened", 2) == 2
            assert events(gw, "phone", "session_opened", 2) == 2

    run(scenario())


def test_a_first_message_credential_is_answered_101_first_and_keeps_1014(start_gateway):
    """The credential comes after the 101 and the upstream's request carries the identity: such
    a session connects its upstream after the 101, and an absent upstream is close 1014."""
    dead = free_port()
    gw = start_with_routes(start_gateway, {"report": {"backend": f"ws://127.0.0.1:{dead}/", "auth": "required"}})

    async def scenario():
        async with client(url(gw, "/report")) as ws:
            await ws.send(json.dumps({"type": "auth", "token": session_token("carol")}))
            code, _, messages = await closed_with(ws)
            assert code == 1014
            assert json.loads(messages[0])["event"] == "authenticated"

    run(scenario())
    assert events(gw, "report", "upstream_unreachable", 1) == 1


# ---------------------------------------------------------------- failures before any 101


def test_a_refusing_upstream_gives_502_before_any_101(start_gateway):
    async def scenario():
        async with Upstream(refuse=HTTPStatus.FORBIDDEN) as up:
            gw = start_with_routes(start_gateway, {"phone": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}})
            status, body = await refused_status(url(gw, "/phone"), subprotocols=["sip"])
            assert status == 502
            assert "403" in body, body
            assert len(up.handshakes) == 1 and up.offered() == ["sip"]
            line, head, _ = await asyncio.to_thread(raw_upgrade, gw.http_port, "/phone")
            assert line == "HTTP/1.1 502 Bad Gateway", head
            assert "retry-after" not in head.lower()
            assert events(gw, "phone", "upstream_refused", 2) == 2
            assert events(gw, "phone", "session_opened", 0) == 0
            assert "upstream_refused" in gw.log and "status=502" in gw.log

    run(scenario())


def test_an_absent_upstream_gives_503_with_retry_after(start_gateway):
    dead = free_port()
    gw = start_with_routes(start_gateway, {
        "phone": {"backend": f"ws://127.0.0.1:{dead}/", "auth": "none", "retryAfterSeconds": 7}})
    line, head, took = raw_upgrade(gw.http_port, "/phone", protocols="sip")
    assert line == "HTTP/1.1 503 Service Unavailable", head
    assert "Retry-After: 7\r\n" in head, head
    assert "101" not in head and took < 2.0
    assert events(gw, "phone", "upstream_unreachable", 1) == 1
    assert metric(gw, 'callgate_http_responses_total{status="503"}') >= 1
    assert "upstream_unreachable" in gw.log and "status=503" in gw.log


def test_a_slow_upstream_gives_504_after_the_connect_timeout(start_gateway):
    async def scenario():
        async with SilentUpstream() as up:
            gw = start_with_routes(start_gateway, {
                "phone": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none", "connectTimeoutMilliseconds": 600}})
            line, head, took = await asyncio.to_thread(raw_upgrade, gw.http_port, "/phone", "sip")
            assert line == "HTTP/1.1 504 Gateway Timeout", head
            assert 0.55 <= took < 3.0, took
            assert up.accepted == 1
            assert events(gw, "phone", "upstream_timeout", 1) == 1
            assert "upstream_timeout" in gw.log and "status=504" in gw.log

    run(scenario())


def test_draining_answers_a_waiting_upgrade_with_503(start_gateway):
    async def scenario():
        async with SilentUpstream() as up:
            gw = start_with_routes(start_gateway, {
                "phone": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none", "connectTimeoutMilliseconds": 20000}})
            waiting = asyncio.create_task(asyncio.to_thread(raw_upgrade, gw.http_port, "/phone"))
            deadline = time.monotonic() + 5
            while up.accepted == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert up.accepted == 1, "the gateway never connected its upstream"
            gw.signal(15)  # SIGTERM
            line, head, took = await waiting
            assert line == "HTTP/1.1 503 Service Unavailable", head
            assert "Retry-After: 1\r\n" in head and took < 5.0

    run(scenario())


# ---------------------------------------------------------------- Chromium


SIP_SOCKET_SCRIPT = """
new Promise((resolve, reject) => {
  const ws = new WebSocket("ws://127.0.0.1:%d/phone", "sip");
  const result = {};
  ws.onopen = () => { result.protocol = ws.protocol; ws.send("OPTIONS sip:probe@example.com SIP/2.0\\r\\n\\r\\n"); };
  ws.onmessage = (event) => { result.echo = event.data; ws.close(1000, "done"); };
  ws.onerror = () => { result.error = true; };
  ws.onclose = (event) => { result.closeCode = event.code; resolve(JSON.stringify(result)); };
  setTimeout(() => reject(new Error("timed out: " + JSON.stringify(result))), 15000);
})
"""


def test_chromium_opens_a_sip_websocket_through_a_pipe_route(start_gateway):
    assert CHROMIUM is not None, "chromium is required for this test: apt-get install chromium"

    async def scenario():
        async with Upstream(select="sip") as up:
            gw = start_with_routes(start_gateway, {
                "phone": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none", "origins": "*"}})
            browser = Chromium()
            try:
                page = browser.default_page()
                result = json.loads(await asyncio.to_thread(page.evaluate, SIP_SOCKET_SCRIPT % gw.http_port))
                page.check()
            finally:
                browser.close()
            assert result.get("error") is None, result
            assert result["protocol"] == "sip", result
            assert result["echo"].startswith("OPTIONS sip:probe@example.com"), result
            assert result["closeCode"] == 1000, result
            assert up.offered() == ["sip"]

    run(scenario(), timeout=90)
