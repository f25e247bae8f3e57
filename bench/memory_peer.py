#!/usr/bin/env python3
"""The peer of bench/memory.sh: an echo server on Python's `websockets` (pip install websockets),
set up as its documentation's quick start does, so with its defaults: permessage-deflate on
(server and client windows 12 bits, memLevel 5, context takeover), pings every 20 s.

  memory_peer.py --port P [--no-compression] [--tls --cert FILE --key FILE]
"""
import argparse
import asyncio
import ssl

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-compression", action="store_true")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    options = {"compression": None} if args.no_compression else {}
    async with serve(echo, "127.0.0.1", args.port, ssl=context, **options) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
