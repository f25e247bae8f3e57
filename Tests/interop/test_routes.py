"""Interoperability of the routes (docs/backend-protocol.md): the release `callgate` binary in
front of independent upstreams written with Python `websockets`, each a real process on loopback
(Tests/interop/echo_upstream.py for pipe mode, Tests/interop/mux_backend.py for mux mode), so
that the kill tests kill a real process with SIGKILL. Browsers are `websockets` asyncio clients.
Credentials are minted here with hmac/hashlib/base64, independently of the gateway."""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import resource
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conftest import WebSocket, eventually, metric, wait_metric

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


# ---------------------------------------------------------------- 1. pipe relay


def test_pipe_relays_both_ways_with_identity_close_codes_and_query(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/up?fixed=1", "mode": "pipe", "auth": "required"}}))
    token = session_token("alice", "CRM")

    async def scenario():
        async with client(url(gw, f"/report?lang=cs&access_token={token}&x=1")) as ws:
            await ws.send("héllo")
            assert await recv(ws) == "héllo"
            blob = os.urandom(100 * 1024)
            await ws.send(blob)
            assert await recv(ws) == blob
            for i in range(200):
                await ws.send(f"m{i}")
            assert [await recv(ws) for _ in range(200)] == [f"m{i}" for i in range(200)]
            await ws.close(4100, "browser bye")
        disconnect = up.wait_for(lambda r: [e for e in r if e.get("event") == "disconnect"], what="disconnect")[0]
        assert (disconnect["code"], disconnect["reason"]) == (4100, "browser bye")

        async with client(url(gw, f"/report?access_token={token}")) as ws:
            await ws.send(json.dumps({"cmd": "close", "code": 4321, "reason": "upstream bye"}))
            assert await closed_with(ws) == (4321, "upstream bye", [])

    run(scenario())
    first, second = up.connects()
    headers = lower(first["headers"])
    assert headers["x-callgate-user"] == "alice"
    assert headers["x-callgate-provider"] == "CRM"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-callgate-channel"] == "report"
    assert first["path"] == "/up?fixed=1&lang=cs&x=1"
    assert "access_token" not in second["path"] and token not in json.dumps(up.records())
    assert "cookie" not in headers and "authorization" not in headers
    texts = [e["text"] for e in up.records() if e.get("conn") == 1 and e.get("kind") == "text"]
    assert texts == ["héllo"] + [f"m{i}" for i in range(200)]
    binaries = [e for e in up.records() if e.get("conn") == 1 and e.get("kind") == "binary"]
    assert len(binaries) == 1 and len(binaries[0]["hex"]) == 2 * 100 * 1024


# ---------------------------------------------------------------- 2. mux relay


def test_mux_relays_both_ways_and_announces_sessions(start_gateway, upstreams):
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "required"}}))
    token = session_token("alice", "CRM", scope="recording")

    async def scenario():
        async with client(url(gw, f"/recording?access_token={token}&lang=cs")) as ws:
            await ws.send("héllo")
            assert await recv(ws) == "héllo"
            blob = os.urandom(50_000)
            await ws.send(blob)
            assert await recv(ws) == blob
            await ws.send('{"id":"r-1","q":[1,2]}')
            assert await recv_json(ws) == {"id": "r-1", "result": {"id": "r-1", "q": [1, 2]}}
            for i in range(100):
                await ws.send(f"n{i}")
            assert [await recv(ws) for _ in range(100)] == [f"n{i}" for i in range(100)]
            await ws.close(4100, "browser bye")
        closes = backend.wait_for(lambda r: [e["control"] for e in r if e.get("control", {}).get("type") == "close"],
                                  what="close control")
        opened = backend.controls("open")
        assert len(opened) == 1
        assert closes == [{"type": "close", "session": opened[0]["session"], "code": 4100, "reason": "browser bye"}]

        async with client(url(gw, f"/recording?access_token={token}")) as ws:
            await ws.send(json.dumps({"cmd": "close", "code": 4321, "reason": "backend bye"}))
            assert await closed_with(ws) == (4321, "backend bye", [])

    run(scenario())
    connect_event = [e for e in backend.records() if e.get("event") == "connect"]
    assert len(connect_event) == 1, "both sessions share one upstream connection"
    headers = lower(connect_event[0]["headers"])
    assert headers["sec-websocket-protocol"] == "callgate.mux.v1"
    assert headers["x-callgate-channel"] == "recording"
    assert connect_event[0]["path"] == "/mux"
    hello = backend.controls("hello")
    assert len(hello) == 1 and hello[0]["version"] == 1 and hello[0]["channel"] == "recording"
    assert backend.controls()[0]["type"] == "hello"
    first = backend.controls("open")[0]
    session = first["session"]
    assert 1 <= session <= 0xFFFFFFFF
    assert first == {"type": "open", "session": session, "channel": "recording", "user": "alice", "provider": "CRM",
                     "address": "127.0.0.1", "path": "/recording", "query": "lang=cs", "subprotocol": None,
                     "origin": None, "resumed": False}
    assert token not in json.dumps(backend.records())
    data = backend.data(session)
    assert [e.get("text") for e in data if e["kind"] == "text"] == \
        ["héllo", '{"id":"r-1","q":[1,2]}'] + [f"n{i}" for i in range(100)]
    assert [len(e["hex"]) for e in data if e["kind"] == "binary"] == [100_000]


def raw_browser(gw, path):
    sock = socket.create_connection(("127.0.0.1", gw.http_port), timeout=5)
    return sock, WebSocket(sock, host=f"127.0.0.1:{gw.http_port}", path=path)


def close_without_code(gw, path):
    sock, ws = raw_browser(gw, path)
    with sock:
        ws.echo(b"x", opcode=1)
        ws.send(0x8, b"")  # a close frame without a code
        assert ws.receive() == (0x8, b"")  # answered without a code too


def vanish(gw, path):
    sock, ws = raw_browser(gw, path)
    ws.echo(b"y", opcode=1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # TCP reset, no close frame


def test_browser_vanishing_or_closing_without_code_reaches_the_back_ends(start_gateway, upstreams):
    """Pipe: a vanished browser gives the upstream 1001. Mux: `close` 1005 (no code) and 1006 (vanished)."""
    up = upstreams("echo_upstream.py", "echo")
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"},
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/", "mode": "mux", "auth": "none"}}))
    vanish(gw, "/report")
    (disconnect,) = up.wait_for(lambda r: [e for e in r if e.get("event") == "disconnect"], what="disconnect")
    assert disconnect["code"] == 1001
    close_without_code(gw, "/recording")
    vanish(gw, "/recording")
    closes = backend.wait_for(lambda r: (lambda c: c if len(c) == 2 else None)(
        [e["control"] for e in r if e.get("control", {}).get("type") == "close"]), what="two close controls")
    opens = backend.controls("open")
    assert [(c["session"], c["code"]) for c in closes] == [(opens[0]["session"], 1005), (opens[1]["session"], 1006)]


def test_pipe_browser_close_without_code_gives_upstream_close_without_code(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}))
    close_without_code(gw, "/report")
    (disconnect,) = up.wait_for(lambda r: [e for e in r if e.get("event") == "disconnect"], what="disconnect")
    assert disconnect["code"] == 1005  # how websockets reports a close frame without a code


# ---------------------------------------------------------------- 3. 1,000 sessions on one mux connection


def test_thousand_sessions_share_one_mux_connection_in_order(start_gateway, upstreams):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20_000), hard))
    sessions, per_session = 1000, 20
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config(
        {"report": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "none", "poolSize": 1}},
        limits={"maxConnectionsPerAddress": 0}))

    async def scenario():
        gate = asyncio.Semaphore(100)
        opened = []

        async def open_one(i):
            async with gate:
                ws = await connect(url(gw, f"/report?c={i}"), compression=None, open_timeout=20,
                                   close_timeout=5, ping_interval=None)
                opened.append(ws)
                return ws

        clients = await asyncio.gather(*(open_one(i) for i in range(sessions)))

        async def talk(i, ws):
            for k in range(per_session):
                await ws.send(f"c{i}-{k}")
            return [await recv(ws, 20) for _ in range(per_session)]

        try:
            results = await asyncio.gather(*(talk(i, ws) for i, ws in enumerate(clients)))
            for i, got in enumerate(results):
                assert got == [f"c{i}-{k}" for k in range(per_session)], f"session {i}"
        finally:
            await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)

    run(scenario(), timeout=30)
    records = backend.records()
    assert len([e for e in records if e.get("event") == "connect"]) == 1
    opens = [e["control"] for e in records if e.get("control", {}).get("type") == "open"]
    assert len(opens) == sessions
    assert len({o["session"] for o in opens}) == sessions
    by_session = {}
    for entry in records:
        if entry.get("kind") == "text":
            by_session.setdefault(entry["session"], []).append(entry["text"])
    assert len(by_session) == sessions
    for session, texts in by_session.items():
        i = texts[0].split("-")[0][1:]
        assert texts == [f"c{i}-{k}" for k in range(per_session)], f"back end order of session {session}"
    assert sorted(int(t[0].split("-")[0][1:]) for t in by_session.values()) == list(range(sessions))
    queries = {o["session"]: o["query"] for o in opens}
    for session, texts in by_session.items():
        assert queries[session] == "c=" + texts[0].split("-")[0][1:]


# ---------------------------------------------------------------- 4. upstream killed


def test_pipe_upstream_killed_gives_1014_promptly(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}))

    async def scenario():
        async with client(url(gw, "/report")) as ws:
            await ws.send("before")
            assert await recv(ws) == "before"
            started = time.monotonic()
            up.kill()
            code, _, _ = await closed_with(ws, timeout=5)
            assert code == 1014
            assert time.monotonic() - started < 2.0
        # Unreachable from the start (nothing listens on the port any more): 503 before any 101
        # (tests in test_upstream_first.py).
        status, _ = await refused_status(url(gw, "/report"))
        assert status == 503

    run(scenario())


def test_pipe_upstream_going_away_gives_1012(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}))

    async def scenario():
        for upstream_code in (1001, 1012):
            async with client(url(gw, "/report")) as ws:
                await ws.send(json.dumps({"cmd": "close", "code": upstream_code}))
                code, _, _ = await closed_with(ws)
                assert code == 1012, f"upstream closed with {upstream_code}"

    run(scenario())


def test_mux_upstream_killed_then_restored(start_gateway, upstreams):
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config(
        {"recording": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "none"}}))
    lost = {"event": "upstreamLost", "data": {"channel": "recording"}}
    restored = {"event": "upstreamRestored", "data": {"channel": "recording"}}

    async def scenario():
        async with client(url(gw, "/recording")) as ws:
            await ws.send("before")
            assert await recv(ws) == "before"
            session = backend.controls("open")[0]["session"]
            await ws.send('{"cmd":"ignore","id":1}')
            await ws.send('{"cmd":"ignore","id":"two"}')
            backend.wait_for(lambda r: len([e for e in r if e.get("kind") == "text"]) == 3, what="the two requests")
            backend.kill()
            assert await recv_json(ws) == lost
            replies = [await recv_json(ws), await recv_json(ws)]
            # The protocol does not order the error replies of pending requests among themselves.
            assert sorted([r["id"] for r in replies], key=str) == [1, "two"]
            assert all(r["error"]["code"] == "upstreamUnavailable" for r in replies)
            # During the outage: answered at once, dropped.
            await ws.send('{"id":3,"x":1}')
            reply = await recv_json(ws, 2)
            assert reply["id"] == 3 and reply["error"]["code"] == "upstreamUnavailable"
            await ws.send("no id")
            reply = await recv_json(ws, 2)
            assert "id" not in reply and reply["error"]["code"] == "upstreamUnavailable"
            await asyncio.sleep(0.3)
            backend.start()  # same port, same record file
            assert await recv_json(ws, 10) == restored
            await ws.send("after")
            assert await recv(ws) == "after"
            return session

    session = asyncio.run(asyncio.wait_for(scenario(), 40))
    opens = backend.controls("open")
    assert [(o["session"], o["resumed"]) for o in opens] == [(session, False), (session, True)]
    texts = [e["text"] for e in backend.data(session) if e["kind"] == "text"]
    assert '{"id":3,"x":1}' not in texts and "no id" not in texts, "outage messages must be dropped"
    assert texts[-1] == "after"


def test_mux_protocol_errors_and_losses_are_survived(start_gateway, upstreams):
    """docs/backend-protocol.md §7 and §8, end to end: each malformed frame from the back end makes
    the gateway close that upstream connection with 1002; a close frame or a TCP reset from the back
    end is a loss too. Each time the browser hears `upstreamLost`, then `upstreamRestored` after the
    reconnect, and its session goes on."""
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config(
        {"recording": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "none"}}))
    lost = {"event": "upstreamLost", "data": {"channel": "recording"}}
    restored = {"event": "upstreamRestored", "data": {"channel": "recording"}}
    malformed = ["short", "zero", "kind", "utf8", "json"]
    losses = [{"cmd": "malformed", "what": what} for what in malformed] + [{"cmd": "drop", "code": 1011}, {"cmd": "abort"}]

    async def scenario():
        async with client(url(gw, "/recording")) as ws:
            await ws.send("hello")
            assert await recv(ws) == "hello"
            for number, command in enumerate(losses, start=1):
                await ws.send(json.dumps(command))
                assert await recv_json(ws, 10) == lost, command
                assert await recv_json(ws, 10) == restored, command
                await ws.send(f"after {number}")
                assert await recv(ws, 10) == f"after {number}", command

    run(scenario(), timeout=120)
    disconnects = [e for e in backend.records() if e.get("event") == "disconnect"]
    assert [d["code"] for d in disconnects[:len(malformed)]] == [1002] * len(malformed), disconnects
    assert disconnects[len(malformed)]["code"] == 1011  # the back end's own close
    opens = backend.controls("open")
    assert len(opens) == len(losses) + 1 and all(o["resumed"] for o in opens[1:])
    assert len({o["session"] for o in opens}) == 1, "the same session id on every new connection"
    wait_metric(gw, 'callgate_route_events_total{channel="recording",event="upstream_lost"}', len(losses))
    assert gw.log.count("mux_protocol_error") == len(malformed)


# ---------------------------------------------------------------- 5. slow browser


async def slow_browser_reads_a_flood(gw, up, count, size, random):
    async with client(url(gw, "/report"), max_queue=4) as ws:
        pauses_before = metric(gw, "callgate_backpressure_pauses_total")
        await ws.send(json.dumps({"cmd": "flood", "count": count, "size": size, "random": random}))
        await asyncio.sleep(3)  # not reading
        if random:  # compressed, the whole flood fits in the TCP buffers of the upstream hop
            assert not up.events("flooded"), "the upstream could write everything: nobody held it back"
        for i in range(count):
            message = await recv(ws, 10)
            assert len(message) == size and int.from_bytes(message[:4], "big") == i, f"message {i}"
        await ws.send("still open")
        assert await recv(ws) == "still open"
        up.wait_for(lambda r: [e for e in r if e.get("event") == "flooded"], what="flood end")
        eventually(lambda: metric(gw, "callgate_backpressure_pauses_total"), lambda pauses: pauses > pauses_before,
                   what="backpressure pauses")


SLOW_BROWSER_LIMITS = {"outboundHighWaterBytes": 262144, "outboundQueueBytes": 1048576}


def test_pipe_slow_browser_pauses_the_upstream_and_loses_nothing(start_gateway, upstreams):
    """3,000 × 16 KB of random bytes (48 MB, more than the TCP buffers of both hops hold) while
    the browser reads nothing for 3 s, with a 1 MB outbound queue: only pausing the upstream
    keeps them all."""
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config(
        {"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}, limits=SLOW_BROWSER_LIMITS))
    run(slow_browser_reads_a_flood(gw, up, 3000, 16384, random=True))


def test_pipe_slow_browser_with_a_compressible_flood_loses_nothing(start_gateway, upstreams):
    """The same with compressible messages: the upstream hop negotiates permessage-deflate, and
    a 16 KB message travels as about 40 bytes."""
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config(
        {"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}, limits=SLOW_BROWSER_LIMITS))
    run(slow_browser_reads_a_flood(gw, up, 3000, 16384, random=False))


def test_no_data_frame_follows_the_gateways_close_frame(start_gateway, upstreams):
    """A 32 KB outbound queue and 40 KB messages: the first message overflows it and the browser
    is closed with 1008; the rest of the upstream's read must not follow that close frame."""
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config(
        {"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}},
        limits={"outboundHighWaterBytes": 16384, "outboundQueueBytes": 32768}))
    sock, ws = raw_browser(gw, "/report")
    with sock:
        ws.send(0x1, json.dumps({"cmd": "flood", "count": 50, "size": 40000, "random": True}).encode())
        time.sleep(2)  # not reading
        sock.settimeout(1)  # frames come at once; then the gateway waits for our close
        frames = []
        with pytest.raises((AssertionError, OSError)):  # until the stream goes quiet or ends
            while len(frames) < 4000:
                frames.append(ws.receive())
    opcodes = [opcode for opcode, _ in frames]
    assert 0x8 in opcodes, f"no close frame among {len(frames)} frames"
    close = frames[opcodes.index(0x8)][1]
    assert struct.unpack("!H", close[:2])[0] == 1008, close
    after = len(frames) - opcodes.index(0x8) - 1
    assert after == 0, f"{after} data frames after the close frame"


def test_mux_slow_session_is_closed_4008_while_others_continue(start_gateway, upstreams):
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config(
        {"recording": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "none",
                       "sessionQueueBytes": 262144}},
        limits={"outboundHighWaterBytes": 65536, "outboundQueueBytes": 1048576}))

    async def scenario():
        async with client(url(gw, "/recording"), max_queue=1) as slow, client(url(gw, "/recording")) as fast:
            await slow.send("hi")
            assert await recv(slow) == "hi"
            await fast.send("hi")
            assert await recv(fast) == "hi"
            slow_session = next(o["session"] for o in backend.controls("open")
                                if any(e.get("text") == "hi" for e in backend.data(o["session"])))

            async def worst_echo(label, count):
                worst = 0.0
                for i in range(count):
                    started = time.monotonic()
                    await fast.send(f"{label}{i}")
                    assert await recv(fast, 5) == f"{label}{i}"
                    worst = max(worst, time.monotonic() - started)
                    await asyncio.sleep(0.03)
                return worst

            # The machine's own latency first (CI runs Autobahn beside this), then during the flood.
            quiet = await worst_echo("q", 20)
            await slow.send(json.dumps({"cmd": "flood", "count": 2000, "size": 16384}))
            worst = await worst_echo("f", 60)
            # A stall would last until the 32 MB flood was through: seconds, not a few round trips.
            assert worst < max(1.5, 10 * quiet), f"the fast session waited {worst:.2f} s for an echo ({quiet:.3f} s quiet)"
            closes = backend.wait_for(
                lambda r: [e["control"] for e in r if e.get("control", {}).get("type") == "close"
                           and e["dir"] == "in" and e["control"]["session"] == slow_session], what="close 4008")
            assert closes[0] == {"type": "close", "session": slow_session, "code": 4008, "reason": "session queue overflow"}
            # The rest of the flood, in flight when the gateway closed the session, is dropped
            # without an answer per frame.
            assert closes[1:] == []
            code, reason, received = await closed_with(slow, timeout=15)
            assert code == 4008
            assert len(received) < 2000
            for i, message in enumerate(received):
                assert message == bytes([i & 0xFF]) * 16384, f"flood message {i} out of order"
            await fast.send("after")
            assert await recv(fast) == "after"

    run(scenario())


def test_draining_closes_mux_sessions_then_their_upstream_without_a_loss(start_gateway, upstreams):
    """SIGTERM: each browser gets 1001 and no upstreamLost; the back end gets `close` 1001 for
    every session, then the upstream connection's own close 1001."""
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config(
        {"recording": {"backend": f"ws://127.0.0.1:{backend.port}/mux", "mode": "mux", "auth": "none"}}))

    async def scenario():
        async with client(url(gw, "/recording")) as first, client(url(gw, "/recording")) as second:
            for ws in (first, second):
                await ws.send("hi")
                assert await recv(ws) == "hi"
            gw.signal(signal.SIGTERM)
            for ws in (first, second):
                assert await closed_with(ws) == (1001, "server shutting down", [])

    run(scenario())
    sessions = {o["session"] for o in backend.controls("open")}
    assert len(sessions) == 2
    disconnect = backend.wait_for(lambda r: [e for e in r if e.get("event") == "disconnect"], what="disconnect")
    records = backend.records()
    closes = [e["control"] for e in records if e.get("control", {}).get("type") == "close" and e["dir"] == "in"]
    assert {c["session"] for c in closes} == sessions and {c["code"] for c in closes} == {1001}
    assert disconnect[0]["code"] == 1001
    assert records.index(disconnect[0]) > max(i for i, e in enumerate(records) if e.get("control", {}).get("type") == "close")


# ---------------------------------------------------------------- 6. slow upstream


def test_pipe_slow_upstream_backpressures_the_browser_and_loses_nothing(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}}))
    count, size = 1000, 16384

    async def scenario():
        async with client(url(gw, "/report")) as ws:
            pauses_before = metric(gw, "callgate_backpressure_pauses_total")
            rss_before = rss_kib(gw)
            await ws.send(json.dumps({"cmd": "stall", "seconds": 3}))
            up.wait_for(lambda r: [e for e in r if e.get("event") == "stalled"], what="stall")

            async def send_all():
                for i in range(count):  # random: permessage-deflate on the upstream hop cannot shrink it
                    await ws.send(i.to_bytes(4, "big") + os.urandom(size - 4))

            sender = asyncio.create_task(send_all())
            await asyncio.sleep(2)
            assert not up.events("resumed")
            rss_stalled = rss_kib(gw)
            received = []
            for _ in range(count):
                received.append(await recv(ws, 10))
            await sender
            for i, message in enumerate(received):
                assert len(message) == size and int.from_bytes(message[:4], "big") == i, f"message {i}"
            eventually(lambda: metric(gw, "callgate_backpressure_pauses_total"), lambda pauses: pauses > pauses_before,
                       what="backpressure pauses")
            # 16 MB were pushed while the upstream read nothing: the gateway held at most a few MB.
            assert rss_stalled - rss_before < 8 * 1024, f"gateway RSS grew by {rss_stalled - rss_before} KiB"

    run(scenario())
    assert len([e for e in up.records() if e.get("kind") == "binary"]) == count


def rss_kib(gateway):
    for line in Path(f"/proc/{gateway.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# ---------------------------------------------------------------- 7. origins


def test_origin_list_refuses_foreign_origins_with_403(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {
        "backend": f"ws://127.0.0.1:{up.port}/", "auth": "none", "origins": ["https://crm.example.com", "self"]}}))

    async def scenario():
        status, body = await refused_status(url(gw, "/report"), origin="https://evil.example.com")
        assert status == 403 and "report" in body
        status, _ = await refused_status(url(gw, "/report"), origin="https://crm.example.com.evil.example")
        assert status == 403
        for origin in ("https://crm.example.com", f"http://127.0.0.1:{gw.http_port}"):
            async with client(url(gw, "/report"), origin=origin) as ws:
                await ws.send(origin)
                assert await recv(ws) == origin

    run(scenario())
    assert len(up.connects()) == 2, "refused upgrades never reach the upstream"


# ---------------------------------------------------------------- 8. the authentication gate


def test_unauthenticated_bytes_never_reach_the_upstream(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/", "mode": "pipe", "auth": "required",
                   "authTimeoutMilliseconds": 500},
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/", "mode": "mux", "auth": "required",
                      "authTimeoutMilliseconds": 500}}))

    async def scenario():
        for path in ("/report", "/recording"):
            async with client(url(gw, path)) as ws:
                await ws.send("junk that is not a credential")
                code, _, got = await closed_with(ws)
                assert (code, got) == (4001, []), path
            async with client(url(gw, path)) as ws:
                await ws.send(b"\x00binary junk")
                code, _, _ = await closed_with(ws)
                assert code == 4001, path
            async with client(url(gw, path)) as ws:
                started = time.monotonic()
                code, _, _ = await closed_with(ws, timeout=3)
                assert code == 4002, path
                assert 0.4 < time.monotonic() - started < 2.0
            async with client(url(gw, path)) as ws:
                await ws.send(json.dumps({"type": "auth", "token": "v1.forged.token"}))
                code, _, _ = await closed_with(ws)
                assert code == 4001, path

    run(scenario())
    time.sleep(0.3)  # an absence is asserted: what was refused would have arrived by now
    assert up.connects() == [] and up.records() == []
    assert backend.controls("open") == [] and backend.data() == []


def test_valid_credentials_open_the_gate_and_bad_ones_are_refused(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/", "mode": "pipe", "auth": "required"},
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/", "mode": "mux", "auth": "required"}}))
    now = int(time.time())
    expired = session_token("alice", "CRM", issued=now - 7200, expires=now - 3600)
    bearer, cookie = session_token("erin"), session_token("fred")

    async def scenario():
        # A valid session token as the first message, on both modes.
        for path in ("/report", "/recording"):
            async with client(url(gw, path)) as ws:
                await ws.send(json.dumps({"type": "auth", "token": session_token("carol", "CRM")}))
                assert await recv_json(ws) == {"event": "authenticated", "data": {"user": "carol", "provider": "CRM"}}
                await ws.send("after auth")
                assert await recv(ws) == "after auth"
        # SSO at the upgrade; the same token again is a replay.
        token = sso_token("bob")
        sso = "/report?" + urllib.parse.urlencode({"sso_username": "bob", "sso_token": token, "sso_provider": "CRM", "k": "v"})
        async with client(url(gw, sso)) as ws:
            await ws.send("sso")
            assert await recv(ws) == "sso"
        status, _ = await refused_status(url(gw, sso))
        assert status == 401
        # SSO as the first message, on mux.
        async with client(url(gw, "/recording")) as ws:
            await ws.send(json.dumps({"type": "sso", "username": "dave", "token": sso_token("dave"), "provider": "CRM"}))
            assert await recv_json(ws) == {"event": "authenticated", "data": {"user": "dave", "provider": "CRM"}}
            await ws.send("sso mux")
            assert await recv(ws) == "sso mux"
        # Expired session token: 4003 as the first message, 401 at the upgrade (query and header).
        async with client(url(gw, "/report")) as ws:
            await ws.send(json.dumps({"type": "auth", "token": expired}))
            code, _, _ = await closed_with(ws)
            assert code == 4003
        status, _ = await refused_status(url(gw, f"/report?access_token={expired}"))
        assert status == 401
        status, _ = await refused_status(url(gw, "/report"), additional_headers={"Authorization": f"Bearer {expired}"})
        assert status == 401
        # Bearer header and cookie work.
        async with client(url(gw, "/report"), additional_headers={"Authorization": f"Bearer {bearer}"}) as ws:
            await ws.send("bearer")
            assert await recv(ws) == "bearer"
        async with client(url(gw, "/report"), additional_headers={"Cookie": f"callgate_session={cookie}; theme=dark"}) as ws:
            await ws.send("cookie")
            assert await recv(ws) == "cookie"
        # A token for another channel's scope, or signed with another key, is refused.
        status, _ = await refused_status(url(gw, f"/report?access_token={session_token(scope='recording')}"))
        assert status == 401
        status, _ = await refused_status(url(gw, f"/report?access_token={session_token(key='x' * 40)}"))
        assert status == 401

    run(scenario())
    users = [lower(c["headers"]).get("x-callgate-user") for c in up.connects()]
    assert users == ["carol", "bob", "erin", "fred"]
    # The credential of each connection stays at the gateway: no Authorization header, no
    # session cookie, no token anywhere in what reached the upstream (the Bearer and cookie
    # connections above are the third and fourth).
    for connection in up.connects():
        headers = lower(connection["headers"])
        assert "authorization" not in headers, connection
        assert "callgate_session" not in headers.get("cookie", ""), connection
    recorded = json.dumps(up.records())
    assert bearer not in recorded and cookie not in recorded
    assert lower(up.connects()[3]["headers"]).get("cookie") in (None, "theme=dark")
    assert all(lower(c["headers"]).get("x-callgate-provider") == "CRM" for c in up.connects()[:2])
    assert up.connects()[1]["path"] == "/?k=v"
    texts = [e["text"] for e in up.records() if e.get("kind") == "text"]
    assert texts == ["after auth", "sso", "bearer", "cookie"], "credentials never reach the upstream"
    opens = backend.controls("open")
    assert [(o["user"], o["provider"]) for o in opens] == [("carol", "CRM"), ("dave", "CRM")]
    assert [e["text"] for e in backend.data()] == ["after auth", "sso mux"]


# ---------------------------------------------------------------- 9. unknown and unconfigured


def test_unknown_path_404_and_unconfigured_channel_503(start_gateway):
    gw = start_gateway(config=gateway_config({}))

    async def scenario():
        status, _ = await refused_status(url(gw, "/nowhere"))
        assert status == 404
        for channel in ("email", "template", "recording"):
            status, body = await refused_status(url(gw, f"/{channel}"))
            assert status == 503 and channel in body, (channel, status, body)

    run(scenario())


# ---------------------------------------------------------------- 10. wss in front of a ws upstream


def test_wss_in_front_of_a_ws_upstream(start_gateway, upstreams, tmp_path):
    up = upstreams("echo_upstream.py", "echo")
    config = gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}})
    config["stateDirectory"] = str(tmp_path / "state")
    gw = start_gateway(config=config)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    async def scenario():
        async with client(f"wss://127.0.0.1:{gw.tls_port}/report?via=tls", ssl=context) as ws:
            await ws.send("over tls")
            assert await recv(ws) == "over tls"
            blob = os.urandom(70_000)
            await ws.send(blob)
            assert await recv(ws) == blob

    run(scenario())
    (connect_event,) = up.connects()
    assert connect_event["path"] == "/?via=tls"
    assert lower(connect_event["headers"])["x-forwarded-for"] == "127.0.0.1"
