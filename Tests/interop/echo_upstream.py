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
import asyncio
import contextlib
import json
import os

from websockets.exceptions import ConnectionClosed

from recording_server import RecordingServer, run_main


def first_offered(connection, subprotocols):
    return subprotocols[0] if subprotocols else None


class EchoUpstream(RecordingServer):
    serve_options = {"select_subprotocol": first_offered}

    def connects(self):
        return [e for e in self.recorded if e.get("event") == "connect"]

    def messages(self, conn=None):
        return [e for e in self.recorded if "kind" in e and (conn is None or e["conn"] == conn)]

    async def handler(self, ws):
        conn = self.record_connect(ws)
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


if __name__ == "__main__":
    run_main(EchoUpstream, __doc__.split("\n\n")[0])
