#!/usr/bin/env python3
"""A reference mux back end for Callgate (docs/backend-protocol.md), for the interop tests and
as an example. Python `websockets` 13 or later (asyncio API).

Per session it:
- echoes every data frame back to the same session, same kind, same payload;
- answers a text message that is a JSON object with a top-level "id" with the reply
  {"id": <the id>, "result": <the whole message>} instead of an echo;
- obeys commands sent by a test as a text message that is a JSON object with "cmd"
  (no echo, no reply):
    {"cmd":"close","code":4321,"reason":"bye"}  send a `close` control for this session
    {"cmd":"flood","count":N,"size":S}          send N binary messages of S bytes to it, as fast
                                                as the connection takes them (slow consumers)
    {"cmd":"ignore"}                            nothing (a request that is never answered:
                                                add an "id" to it)
    {"cmd":"drop","code":1011}                  close the whole upstream connection (loss)
    {"cmd":"abort"}                             drop its TCP connection without a close frame
    {"cmd":"malformed","what":"short"|"zero"|"kind"|"utf8"|"json"}
                                                send a malformed frame (the gateway must close
                                                the upstream connection with 1002)

Everything that reaches it is recorded in `MuxBackend.recorded` (and, with --record FILE, one
JSON object per line):
    {"conn":1,"event":"connect","path":"/mux","subprotocol":"callgate.mux.v1","headers":{...}}
    {"conn":1,"dir":"in","control":{"type":"hello",...}}
    {"conn":1,"dir":"in","session":17,"kind":"text","text":"hi"}
    {"conn":1,"dir":"in","session":17,"kind":"binary","hex":"00ff"}
    {"conn":1,"dir":"out","control":{"type":"close",...}}      (controls it sent)
    {"conn":1,"event":"disconnect","code":1000,"reason":""}
    {"conn":1,"event":"protocolError","error":"..."}

    python3 mux_backend.py --port 9001 [--host 127.0.0.1] [--record FILE]

or, from a test:

    backend = MuxBackend()
    async with backend.serve("127.0.0.1", 0) as server:
        port = backend.port
"""
import asyncio
import contextlib
import json
import struct

from websockets.exceptions import ConnectionClosed

from recording_server import RecordingServer, run_main

SUBPROTOCOL = "callgate.mux.v1"
TEXT, BINARY = 0x01, 0x02


class MuxProtocolError(Exception):
    pass


def data_frame(kind: int, session: int, payload: bytes) -> bytes:
    """kind (1 byte), session id (4 bytes, big-endian), payload."""
    return struct.pack(">BI", kind, session) + payload


def parse_data_frame(frame: bytes):
    if len(frame) < 5:
        raise MuxProtocolError(f"binary frame of {len(frame)} bytes")
    kind, session = struct.unpack_from(">BI", frame)
    if kind not in (TEXT, BINARY):
        raise MuxProtocolError(f"kind {kind}")
    if session == 0:
        raise MuxProtocolError("session 0")
    payload = frame[5:]
    if kind == TEXT:
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError:
            raise MuxProtocolError(f"text payload of session {session} is not UTF-8") from None
    return kind, session, payload


def dumps(value) -> str:
    # ensure_ascii=False keeps a string id's characters as they were; see "Requests and replies".
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class MuxBackend(RecordingServer):
    serve_options = {"subprotocols": [SUBPROTOCOL]}

    def __init__(self, record_path=None):
        super().__init__(record_path)
        self._tasks = set()

    def controls(self, type_=None, direction="in"):
        """The recorded control messages, optionally of one type."""
        return [e["control"] for e in self.recorded
                if "control" in e and e["dir"] == direction and (type_ is None or e["control"].get("type") == type_)]

    def data(self, session=None):
        """The recorded inbound data frames, optionally of one session."""
        return [e for e in self.recorded if "kind" in e and (session is None or e["session"] == session)]

    async def handler(self, ws):
        conn = self.record_connect(ws)
        sessions = set()

        async def send_control(control: dict):
            self.record({"conn": conn, "dir": "out", "control": control})
            await ws.send(dumps(control))

        try:
            async for message in ws:
                try:
                    if isinstance(message, str):
                        await self.on_control(conn, message, sessions)
                    else:
                        await self.on_data(ws, conn, message, sessions, send_control)
                except MuxProtocolError as error:
                    self.record({"conn": conn, "event": "protocolError", "error": str(error)})
                    await ws.close(1002, "mux protocol error")
                    break
        except ConnectionClosed:
            pass
        finally:
            self.record({"conn": conn, "event": "disconnect", "code": ws.close_code, "reason": ws.close_reason})

    async def on_control(self, conn, text, sessions):
        try:
            control = json.loads(text)
        except ValueError:
            raise MuxProtocolError("text frame is not JSON") from None
        if not isinstance(control, dict):
            raise MuxProtocolError("text frame is not a JSON object")
        self.record({"conn": conn, "dir": "in", "control": control})
        if control.get("type") == "open":
            sessions.add(control["session"])
        elif control.get("type") == "close":
            sessions.discard(control["session"])
        # hello, and any unknown type, need nothing.

    async def on_data(self, ws, conn, frame, sessions, send_control):
        kind, session, payload = parse_data_frame(frame)
        if kind == TEXT:
            text = payload.decode("utf-8")
            self.record({"conn": conn, "dir": "in", "session": session, "kind": "text", "text": text})
        else:
            self.record({"conn": conn, "dir": "in", "session": session, "kind": "binary", "hex": payload.hex()})
        if session not in sessions:
            return  # the gateway sends nothing for a session before `open` or after `close`
        message = None
        if kind == TEXT:
            with contextlib.suppress(ValueError):
                message = json.loads(text)
        if isinstance(message, dict) and "cmd" in message:
            await self.command(ws, session, message, sessions, send_control)
        elif isinstance(message, dict) and "id" in message:
            await ws.send(data_frame(TEXT, session, dumps({"id": message["id"], "result": message}).encode()))
        else:
            await ws.send(data_frame(kind, session, payload))

    async def command(self, ws, session, message, sessions, send_control):
        cmd = message["cmd"]
        if cmd == "close":
            sessions.discard(session)
            await send_control({"type": "close", "session": session,
                                "code": message.get("code", 1000), "reason": message.get("reason", "")})
        elif cmd == "flood":
            count, size = int(message.get("count", 1)), int(message.get("size", 1))

            async def flood():
                with contextlib.suppress(ConnectionClosed):
                    for i in range(count):
                        await ws.send(data_frame(BINARY, session, bytes([i & 0xFF]) * size))

            task = asyncio.create_task(flood())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif cmd == "drop":
            await ws.close(message.get("code", 1011), message.get("reason", "dropped by test"))
        elif cmd == "abort":
            ws.transport.abort()
        elif cmd == "malformed":
            what = message.get("what", "short")
            frames = {
                "short": b"\x01\x00\x00",
                "zero": data_frame(TEXT, 0, b"x"),
                "kind": data_frame(3, session, b"x"),
                "utf8": data_frame(TEXT, session, b"\xc3"),
                "json": "[1,2]",
            }
            await ws.send(frames[what])
        # "ignore" and unknown commands: nothing.


if __name__ == "__main__":
    run_main(MuxBackend, __doc__.split("\n\n")[0])
