#!/usr/bin/env python3
"""Checks bench/sip_websocket.py, the SIP benchmarks' WebSocket client, against an independent
server, the `websockets` package (pip install websockets): the opening handshake, the
subprotocol, Chromium's permessage-deflate offer (context takeover both ways, over several
messages), lengths at the 7/16/64-bit boundaries, fragmented messages, pings answered while the
phone waits, a close; the blocking and the asyncio client. Exit status 0 when every check passed.

    python3 bench/check_sip_client.py"""
import asyncio
import sys
import threading

from websockets.asyncio.server import serve

from sip_websocket import CHROMIUM_DEFLATE, AsyncWebSocket, BlockingWebSocket, WebSocketClosed

SIZES = [1, 125, 126, 127, 65535, 65536, 100_000]
checks = []


def check(condition, what):
    checks.append((bool(condition), what))
    print(("ok   " if condition else "FAIL ") + what)


async def handler(ws):
    """Echoes text; "fragments" gets a message in three frames; "ping" gets a ping, and then
    whether its pong came back; "close" gets a close 1000."""
    async for message in ws:
        if message == "fragments":
            await ws.send(["one ", "two ", "three"])
        elif message == "ping":
            waiter = await ws.ping(b"are you there")
            try:
                await asyncio.wait_for(waiter, 2)
                await ws.send("pong seen")
            except asyncio.TimeoutError:
                await ws.send("no pong")
        elif message == "close":
            await ws.close(1000, "bye")
        else:
            await ws.send(message)


def start_server():
    """The server on its own thread and loop, so that the blocking client can run on this one."""
    ready = threading.Event()
    state = {}

    def run():
        async def main():
            async with serve(handler, "127.0.0.1", 0, subprotocols=["sip"], compression="deflate",
                             max_size=None, ping_interval=None) as server:
                state["port"] = server.sockets[0].getsockname()[1]
                state["stop"] = asyncio.get_running_loop().create_future()
                ready.set()
                await state["stop"]
        state["loop"] = asyncio.new_event_loop()
        state["loop"].run_until_complete(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    return state


def check_blocking(port, deflate):
    label = f"blocking, {'deflate' if deflate else 'plain'}"
    ws = BlockingWebSocket.connect("127.0.0.1", port, "/", deflate=deflate)
    check(ws.protocol == "sip", f"{label}: subprotocol sip selected")
    check((ws.deflate is not None) == bool(deflate), f"{label}: deflate negotiated: {ws.deflate and ws.deflate.answer}")
    for size in SIZES:
        text = ("REGISTER sip:callgate.test SIP/2.0\r\n" * (size // 36 + 1))[:size]
        ws.send_text(text)
        check(ws.receive_text() == text, f"{label}: {size} bytes echoed")
    ws.send_text("fragments")
    check(ws.receive_text() == "one two three", f"{label}: a fragmented message reassembled")
    ws.send_text("ping")
    check(ws.receive_text() == "pong seen", f"{label}: the server's ping answered")
    ws.send_text("close")
    try:
        ws.receive_text()
        check(False, f"{label}: the close seen")
    except WebSocketClosed as closed:
        check("03e8" in str(closed), f"{label}: the close seen ({closed})")
    ws.close()


async def check_async(port, deflate):
    label = f"asyncio, {'deflate' if deflate else 'plain'}"
    ws = await AsyncWebSocket.connect("127.0.0.1", port, "/", deflate=deflate)
    check(ws.protocol == "sip" and (ws.deflate is not None) == bool(deflate), f"{label}: sip, deflate {bool(deflate)}")
    for size in SIZES:
        text = ("INVITE sip:u0002@callgate.test SIP/2.0\r\n" * (size // 40 + 1))[:size]
        ws.send_text(text)
        check((await ws.receive_text())[1] == text, f"{label}: {size} bytes echoed")
    ws.send_text("fragments")
    check((await ws.receive_text())[1] == "one two three", f"{label}: a fragmented message reassembled")
    ws.send_text("ping")  # the reader task answers while nobody waits on receive_text
    await asyncio.sleep(0.2)
    check((await ws.receive_text())[1] == "pong seen", f"{label}: the server's ping answered by the reader task")
    ws.send_text("close")
    try:
        await ws.receive_text()
        check(False, f"{label}: the close seen")
    except WebSocketClosed as closed:
        check("03e8" in str(closed), f"{label}: the close seen ({closed})")
    await ws.close()


def main():
    state = start_server()
    port = state["port"]
    for deflate in (None, CHROMIUM_DEFLATE):
        check_blocking(port, deflate)
        asyncio.run(check_async(port, deflate))
    state["loop"].call_soon_threadsafe(state["stop"].set_result, None)
    failed = [what for ok, what in checks if not ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
