"""Interoperability of the routes (docs/backend-protocol.md): the release `callgate` binary in
front of independent upstreams written with Python `websockets`, each a real process on loopback
(route_support.py), relaying in pipe and in mux mode, a browser vanishing or closing without a
code, 1,000 sessions on one mux connection, and upstreams killed, going away or breaking the mux
protocol. Slow peers: test_routes_flow.py; origins, the authentication gate and wss:
test_routes_gate.py."""
import asyncio
import json
import os
import resource
import socket
import struct
import time

from websockets.asyncio.client import connect

from conftest import wait_metric
from route_support import client, closed_with, gateway_config, lower, raw_browser, recv, recv_json, refused_status, run, session_token, upstreams, url  # noqa: F401 (upstreams: a fixture)


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
