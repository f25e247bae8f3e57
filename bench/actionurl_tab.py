"""One agent tab for bench/actionurl.sh: logs alice in on the embedded Switchboard, pairs
web-alice, then counts the call events it receives until SIGTERM, and prints the count (so the
benchmark shows that every accepted Action URL reached a tab). Needs `pip install websockets`."""
import asyncio
import json
import signal
import sys

import websockets


async def main(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws", max_queue=None) as ws:
        async def call(method, **params):
            await ws.send(json.dumps({"id": method, "method": method, "params": params}))
        await call("login", username="alice", password="alice")
        await call("selectIdentifier", identifier="web-alice")
        await call("provision")
        events, stop = 0, asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)

        async def count():
            nonlocal events
            async for text in ws:
                if '"event":"call' in text:
                    events += 1
        reader = asyncio.create_task(count())
        await stop.wait()
        await asyncio.sleep(0.5)  # the last events in flight
        reader.cancel()
        print(f"events {events}", flush=True)


asyncio.run(main(int(sys.argv[1])))
