"""Helpers of bench/cluster.sh (needs `pip install websockets`).

`directory FILE USERS PASSWORD`: a Switchboard directory (docs/directory.md) with the user `bench`
and `bench1` ... `benchUSERS`, each with a phone `<user>-phone`, all with PASSWORD (Callgate's
PBKDF2 form, Sources/AuthSchemes/PasswordHash.swift), and the AUX reason `Porada`.

`rate --ports P1,P2,P3 --users U --password PW --seconds S --cpu-pids A,B,.. --redis-port R`:
events per second through Redis. Each user gets one tab on every instance (the first logs in and
pairs its phone; the others `attach` with its token), so each per-user event goes from the
instance that hears it from the back end through Redis to the user's tabs on all instances. One
tab of every user then toggles its status (`changeStatus` AUX / READY, one request in flight per
user): each toggle is one `stateChange`, numbered in Redis and delivered to every tab. After a
2 s warm-up, for S seconds: toggles answered, `stateChange` events received on all tabs, the CPU
seconds of each pid (/proc/PID/stat), and Redis's own count and time per command (INFO
commandstats). Prints one JSON line. A seq that skips on any tab is counted (`seq_skips`) and fails the run."""
import asyncio
import base64
import hashlib
import json
import os
import socket
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def password_hash(password, iterations=1000):
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    b64 = lambda data: base64.b64encode(data).decode().rstrip("=")  # noqa: E731
    return f"$pbkdf2-sha256$i={iterations}${b64(salt)}${b64(digest)}"


def directory(path, users, password):
    hashed = password_hash(password)
    names = ["bench"] + [f"bench{n}" for n in range(1, users + 1)]
    document = {
        "settings": {"acwSeconds": 0, "ringSeconds": 30},
        "auxReasons": ["Porada"],
        "queues": [],
        "users": [{"username": name, "id": index + 1, "password": hashed, "firstname": "Bench", "lastname": name,
                   "primary_extension": 2000 + index} for index, name in enumerate(names)],
        "devices": [{"id": f"{name}-phone", "name": f"{name} phone", "extension": 2000 + index,
                     "identifiers": [f"{name}-phone"], "owner": name} for index, name in enumerate(names)],
    }
    with open(path, "w") as file:
        json.dump(document, file)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def commandstats(port):
    """{command: (calls, usec)} from Redis's INFO commandstats."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"INFO commandstats\r\n")
        data = b""
        while True:
            data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n")
            if head.startswith(b"$") and len(body) >= int(head[1:]):
                break
    stats = {}
    for line in body.decode().splitlines():
        if line.startswith("cmdstat_"):
            name, _, values = line[len("cmdstat_"):].partition(":")
            fields = dict(item.split("=") for item in values.split(","))
            stats[name] = (int(fields["calls"]), int(fields["usec"]))
    return stats


class BenchTab:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.waiting = {}
        self.events = 0
        self.last_seq = None
        self.skips = 0
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        async for text in self.ws:
            message = json.loads(text)
            if "id" in message and message["id"] in self.waiting:
                self.waiting.pop(message["id"]).set_result(message)
            elif "seq" in message:
                seq = message["seq"]
                if self.last_seq is not None and seq != self.last_seq + 1 and message.get("event") != "callRinging":
                    self.skips += 1
                    print(f"cluster_rate: seq {seq} after {self.last_seq}: {text[:200]}", file=sys.stderr)
                self.last_seq = seq
                if message.get("event") == "stateChange":
                    self.events += 1

    async def call(self, method, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 20)
        if "result" not in reply:
            raise SystemExit(f"{method} refused: {reply}")
        return reply["result"]


async def open_tab(port):
    import websockets
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws", max_queue=None, compression=None, ping_interval=None,
                                  open_timeout=20)
    return BenchTab(ws)


async def user_tabs(ports, index, user, password):
    first = await open_tab(ports[index % len(ports)])
    token = (await first.call("login", username=user, password=password))["token"]
    await first.call("selectIdentifier", identifier=f"{user}-phone")
    await first.call("provision")
    tabs = [first]
    for k in range(1, len(ports)):
        tab = await open_tab(ports[(index + k) % len(ports)])
        await tab.call("attach", lastSeq=0, token=token)
        tabs.append(tab)
    return tabs


async def rate(ports, users, password, seconds, pids, redis_port):
    groups = []
    for start in range(0, users, 20):  # set up in batches
        groups += await asyncio.gather(*(user_tabs(ports, n, f"bench{n + 1}", password) for n in range(start, min(users, start + 20))))
    tabs = [tab for group in groups for tab in group]
    toggles = [0]
    stop = asyncio.Event()

    async def toggle(tab):
        status = 0
        while not stop.is_set():
            await tab.call("changeStatus", **({"status": "AUX", "reason": "Porada"} if status == 0 else {"status": "READY"}))
            status ^= 1
            toggles[0] += 1

    drivers = [asyncio.create_task(toggle(group[0])) for group in groups]
    await asyncio.sleep(2)  # warm-up
    start = (time.monotonic(), toggles[0], sum(t.events for t in tabs), {pid: cpu_seconds(pid) for pid in pids}, commandstats(redis_port))
    await asyncio.sleep(seconds)
    end = (time.monotonic(), toggles[0], sum(t.events for t in tabs), {pid: cpu_seconds(pid) for pid in pids}, commandstats(redis_port))
    stop.set()
    await asyncio.gather(*drivers, return_exceptions=True)
    elapsed = end[0] - start[0]
    redis_calls = {name: (calls - start[4].get(name, (0, 0))[0], usec - start[4].get(name, (0, 0))[1])
                   for name, (calls, usec) in end[4].items() if calls > start[4].get(name, (0, 0))[0]}
    for tab in tabs:
        await tab.ws.close()
    return {
        "users": users, "tabs": len(tabs), "instances": len(ports), "seconds": round(elapsed, 2),
        "events_per_s": round((end[1] - start[1]) / elapsed, 1),
        "deliveries_per_s": round((end[2] - start[2]) / elapsed, 1),
        "cpu_util_by_pid": {str(pid): round((end[3][pid] - start[3][pid]) / elapsed, 3) for pid in pids},
        "seq_skips": sum(tab.skips for tab in tabs),
        "redis_commands": {name: {"calls": calls, "usec_per_call": round(usec / calls, 2)} for name, (calls, usec) in sorted(redis_calls.items())},
    }


def main(argv):
    if argv[0] == "directory":
        directory(argv[1], int(argv[2]), argv[3])
        return
    options = dict(zip(argv[1::2], argv[2::2]))
    result = asyncio.run(rate([int(p) for p in options["--ports"].split(",")], int(options["--users"]), options["--password"],
                              float(options["--seconds"]), [int(p) for p in options["--cpu-pids"].split(",")],
                              int(options["--redis-port"])))
    print(json.dumps(result))
    sys.exit(1 if result["seq_skips"] else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
