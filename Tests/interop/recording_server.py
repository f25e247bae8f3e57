"""What the interop tests' upstreams (echo_upstream.py, mux_backend.py) share: a `websockets`
server that records everything that reaches it, in memory and optionally as JSON lines, and the
command line that runs one as a script."""
import argparse
import asyncio
import contextlib
import json

from websockets.asyncio.server import serve


class RecordingServer:
    """Subclasses define `handler(ws)` and may set `serve_options` (keyword arguments of
    `websockets.asyncio.server.serve`)."""

    serve_options: dict = {}

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

    def record_connect(self, ws) -> int:
        """Numbers a new connection and records its request; returns the number."""
        self._connections += 1
        self.record({"conn": self._connections, "event": "connect", "path": ws.request.path,
                     "subprotocol": ws.subprotocol, "headers": dict(ws.request.headers.raw_items())})
        return self._connections

    @contextlib.asynccontextmanager
    async def serve(self, host="127.0.0.1", port=0):
        async with serve(self.handler, host, port, max_size=2**24, **self.serve_options) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            yield server


def run_main(server_class, description):
    """`python3 SCRIPT --port N [--host H] [--record FILE]`: serves until interrupted."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--record", help="append every recorded entry to this file as JSON lines")
    args = parser.parse_args()

    async def main():
        server = server_class(args.record)
        async with server.serve(args.host, args.port):
            print(f"listening on {args.host}:{server.port}", flush=True)
            await asyncio.get_running_loop().create_future()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
