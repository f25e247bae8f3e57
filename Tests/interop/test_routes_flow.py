"""Flow control through the routes, against the release `callgate` binary and real upstream
processes (route_support.py): a slow browser pauses the upstream and loses nothing (pipe, also
with a compressible flood), no data frame after the gateway's close, a slow mux session closed
4008 while the others continue, draining, and a slow upstream that backpressures the browser."""
import asyncio
import json
import os
import re
import signal
import struct
import time
from pathlib import Path

import pytest

from conftest import eventually, metric
from route_support import client, closed_with, gateway_config, raw_browser, recv, run, upstreams, url  # noqa: F401 (upstreams: a fixture)


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
    """SIGTERM: each browser (no call the gateway knows of) is told to reconnect, 1012 with a
    delay hint (docs/deploy.md §5), and gets no upstreamLost; the back end gets a `close` 1012
    for every session, then the upstream connection's own close 1001."""
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
                code, reason, rest = await closed_with(ws)
                assert code == 1012 and re.fullmatch(r"draining; reconnect in \d+ ms", reason) and rest == [], (code, reason, rest)

    run(scenario())
    sessions = {o["session"] for o in backend.controls("open")}
    assert len(sessions) == 2
    disconnect = backend.wait_for(lambda r: [e for e in r if e.get("event") == "disconnect"], what="disconnect")
    records = backend.records()
    closes = [e["control"] for e in records if e.get("control", {}).get("type") == "close" and e["dir"] == "in"]
    # Each session's close carries the browser's code: the back end learns why it ended.
    assert {c["session"] for c in closes} == sessions and {c["code"] for c in closes} == {1012}
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
