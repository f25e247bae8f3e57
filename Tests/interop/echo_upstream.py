#!/usr/bin/env python3
"""A plain (non-mux) upstream for Callgate's pipe mode (docs/backend-protocol.md, "Pipe mode"),
for the interop tests. Python `websockets` 13 or later (asyncio API).

Each connection:
- selects the first subprotocol offered, if any (the gateway offers the one it negotiated with
  the browser);
- echoes every message, text as text and binary as binary;
- on the text message {"cmd":"close","code":N,"reason":"…"} closes with that code (no echo);
- on {"cmd":"flood","count":N,"size":S,"random":false} sends N binary messages of S bytes (at
  least 4), message i being i as a 4-byte big-endian number followed by the byte i & 0xFF
  repeated (with "random": true, by random bytes, which permessage-deflate cannot shrink), as
  fast as the connection takes them, then records {"conn":1,"event":"flooded","count":N} (no echo);
- on {"cmd":"stall","seconds":T} stops reading for T seconds (a slow upstream: TCP backpressure
  towards the gateway), records {"conn":1,"event":"stalled"} before and {"conn":1,"event":"resumed"}
  after (no echo).

Recorded in `EchoUpstream.recorded` (and, with --record FILE, one JSON object per line):
    {"conn":1,"event":"connect","path":"/rec?lang=cs","subprotocol":null,
     "headers":{"X-Callgate-User":"alice",...}}
    {"conn":1,"kind":"text","text":"hi"}  /  {"conn":1,"kind":"binary","hex":"00ff"}
    {"conn":1,"event":"disconnect","code":1000,"reason":""}

    python3 echo_upstream.py --port 9002 [--host 127.0.0.1] [--record FILE]
"""
import argparse
import asyncio
import contextlib
import json
import os

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


def first_offered(connection, subprotocols):
    return subprotocols[0] if subprotocols else None


class EchoUpstream:
    def __init__(self, record_path=None):
        self.recorded = []
        self.port = None
        self._record_file = open(record_path, "a", encoding="utf-8") if record_path else None
        self._connections = 0

    def record(self, entry: dict):
        self.recorded.append(entry)
        if self._record_file:
            self._record_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._record_file.flush()

    def connects(self):
        return [e for e in self.recorded if e.get("event") == "connect"]

    def messages(self, conn=None):
        return [e for e in self.recorded if "kind" in e and (conn is None or e["conn"] == conn)]

    @contextlib.asynccontextmanager
    async def serve(self, host="127.0.0.1", port=0):
        async with serve(self.handler, host, port, select_subprotocol=first_offered, max_size=2**24) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            yield server

    async def handler(self, ws):
        self._connections += 1
        conn = self._connections
        self.record({"conn": conn, "event": "connect", "path": ws.request.path,
                     "subprotocol": ws.subprotocol, "headers": dict(ws.request.headers.raw_items())})
        try:
            async for message in ws:
                if isinstance(message, str):
                    self.record({"conn": conn, "kind": "text", "text": message})
                    command = None
                    with contextlib.suppress(ValueError):
                        command = json.loads(message)
                    if isinstance(command, dict) and command.get("cmd") == "close":
                        await ws.close(int(command.get("code", 1000)), command.get("reason", ""))
                        break
                    if isinstance(command, dict) and command.get("cmd") == "flood":
                        count, size = int(command.get("count", 1)), max(4, int(command.get("size", 4)))
                        for i in range(count):
                            filler = os.urandom(size - 4) if command.get("random") else bytes([i & 0xFF]) * (size - 4)
                            await ws.send(i.to_bytes(4, "big") + filler)
                        self.record({"conn": conn, "event": "flooded", "count": count})
                        continue
                    if isinstance(command, dict) and command.get("cmd") == "stall":
                        self.record({"conn": conn, "event": "stalled"})
                        await asyncio.sleep(float(command.get("seconds", 1)))
                        self.record({"conn": conn, "event": "resumed"})
                        continue
                else:
                    self.record({"conn": conn, "kind": "binary", "hex": message.hex()})
                await ws.send(message)
        except ConnectionClosed:
            pass
        finally:
            self.record({"conn": conn, "event": "disconnect", "code": ws.close_code, "reason": ws.close_reason})


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--record", help="append every recorded entry to this file as JSON lines")
    args = parser.parse_args()
    upstream = EchoUpstream(args.record)
    async with upstream.serve(args.host, args.port):
        print(f"listening on {args.host}:{upstream.port}", flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
