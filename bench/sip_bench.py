#!/usr/bin/env python3
"""The SIP benchmarks of issue 15 (bench/sip.sh runs this; docs/benchmarks.md has the figures):
the same phones, the same Kamailio (deploy/kamailio/kamailio.cfg), reached directly and through
Callgate's `sip` route.

  register  REGISTER round trips, one in flight: the WebSocket open, the first REGISTER, refreshes,
            an OPTIONS; direct (digest), through the `sip` route (session token, no digest) and
            through a plain `pipe` route (digest: the relay hop alone)
  phones    1,000 phones registered and refreshing through Callgate, with permessage-deflate as
            Chromium offers it and without, and directly: the servers' memory per phone
  calls     INVITE → 180 → 200 → ACK between two registered phones, sequential and concurrent

Every server is started here, pinned with taskset, on free loopback ports, and stopped at the end.
The tables go to stdout, every sample's summary to --out/sip.jsonl."""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sip_client import (CHROMIUM_DEFLATE, DOMAIN, SDP_ANSWER, AsyncWebSocket, BlockingWebSocket, Call,
                        Credentials, HandshakeRefused, Phone, WebSocketClosed, cseq_number, first, parse,
                        respond, token)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KAMAILIO_CFG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
SESSION_SECRET = "sip-bench-session-secret-" + "0123456789abcdef" * 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def say(*args):
    print("sip-bench:", *args, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def user_name(i: int) -> str:
    return f"u{i:04d}"


def password(user: str) -> str:
    return "pw-" + user


def session_token(user, provider="bench", scope="channels", lifetime=7200):
    """A v1 Callgate session token (docs/config.md "auth"), as Tests/interop/test_routes.py signs it."""
    issued = int(time.time()) - 5
    q = lambda s: urllib.parse.quote(s, safe="")
    b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    payload = "\n".join([q(user), q(provider), q(scope), str(issued), str(issued + lifetime)]).encode()
    signed = "v1." + b64u(payload)
    return signed + "." + b64u(hmac.new(SESSION_SECRET.encode(), signed.encode(), hashlib.sha256).digest())


# ---------------------------------------------------------------- processes and their memory


def proc_stat(pid):
    """(utime + stime in seconds, ppid) from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[1])


def rss_bytes(pid) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def pss_bytes(pid) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


class Server:
    def __init__(self, name, command, folder: Path, cpu):
        self.name, self.folder = name, folder
        self.log_path = folder / f"{name}.log"
        if cpu:
            command = ["taskset", "-c", cpu] + command
        self.command = command
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True, cwd=folder)
        self.pid = self.process.pid

    def wait_ready(self, probe, seconds=20):
        deadline = time.monotonic() + seconds
        while True:
            try:
                probe()
                return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                self.stop()
                raise SystemExit(f"{self.name} did not start:\n{' '.join(self.command)}\n{tail}")
            time.sleep(0.1)

    def pids(self):
        """The process and its descendants (Kamailio forks its workers)."""
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    children.setdefault(proc_stat(entry)[1], []).append(int(entry))
                except (FileNotFoundError, ProcessLookupError, IndexError):
                    pass
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def cpu_seconds(self):
        total = 0.0
        for pid in self.pids():
            try:
                total += proc_stat(pid)[0]
            except FileNotFoundError:
                pass
        return total

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
                self.process.wait(timeout=10)


class Kamailio(Server):
    """deploy/kamailio/kamailio.cfg started as Tests/interop/kamailio.py starts it (foreground,
    runtime files in our folder, WITH_RPC), with GATEWAY_ADDR so it believes Callgate's
    X-Callgate-User from 127.0.0.1, the benchmark's user table, and more shared memory for 1,000
    connections (-m)."""

    def __init__(self, folder: Path, users_db: Path, cpu, shm_mb, min_expires):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        binary = shutil.which("kamailio") or "/usr/sbin/kamailio"
        defines = {"WS_ADDR": "127.0.0.1", "WS_PORT": str(self.port), "WITH_RPC": None,
                   "USERS_DB": f'"text://{users_db}"', "MIN_EXPIRES": str(min_expires),
                   "GATEWAY_ADDR": '"127.0.0.1"'}
        command = [binary, "-DD", "-E", "-f", str(KAMAILIO_CFG), "-Y", str(folder), "-P", str(folder / "kamailio.pid"),
                   "-w", str(folder), "-m", str(shm_mb), "-M", "8"]
        for name, value in defines.items():
            command += ["-A", name if value is None else f"{name}={value}"]
        super().__init__("kamailio", command, folder, cpu)
        self.wait_ready(lambda: self.rpc("core.version"))

    def rpc(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/RPC", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.load(response)
        if "error" in reply:
            raise RuntimeError(f"kamailio RPC {method}: {reply['error']}")
        return reply["result"]

    def memory(self):
        """PSS of all its processes (shared memory counted once) and its shared-memory pool in use."""
        shm = self.rpc("core.shmmem")
        return {"pss": sum(pss_bytes(pid) for pid in self.pids()), "shm_used": int(shm["real_used"])}

    def registered_contacts(self) -> int:
        stats = self.rpc("stats.get_statistics", "usrloc:")
        for line in stats if isinstance(stats, list) else []:
            name, _, value = line.partition(" = ")
            if name.strip() == "usrloc:location_contacts":
                return int(value)
        raise RuntimeError(f"no usrloc:location_contacts in {stats!r}")


class Callgate(Server):
    def __init__(self, binary, folder: Path, directory: Path, kamailio_port, cpu, connections, deflate_settings=None):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        backend = f"ws://127.0.0.1:{kamailio_port}/"
        config = {
            "listen": [f"127.0.0.1:{self.port}"], "threads": 1, "stateDirectory": str(folder / "state"),
            "limits": {"maxConnections": 2 * connections + 2000, "maxConnectionsPerAddress": 0},
            "auth": {"sessionSecret": SESSION_SECRET},
            "agents": {"directory": str(directory)},
            "routes": {"sip": {"backend": backend, "mode": "sip", "origins": "*"},
                       "sippipe": {"path": "/sippipe", "backend": backend, "mode": "pipe", "auth": "none",
                                   "origins": "*"}},
        }
        if deflate_settings:
            config["permessageDeflate"] = deflate_settings
        config_path = folder / "callgate.json"
        config_path.write_text(json.dumps(config, indent=1))
        super().__init__("callgate", [binary, "--config", str(config_path), "--log-level", "warn"], folder, cpu)
        self.wait_ready(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read())

    def memory(self):
        return {"rss": rss_bytes(self.pid)}

    def metric(self, name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0


# ---------------------------------------------------------------- the paths to the SIP server


class Path_:
    """How a phone reaches Kamailio: directly, through the `sip` route, or through the `pipe`
    route; whether it answers digest challenges."""

    def __init__(self, name, port, path_for, digest):
        self.name, self.port, self.path_for, self.digest = name, port, path_for, digest

    def connect(self, user, deflate=None):
        return BlockingWebSocket.connect("127.0.0.1", self.port, self.path_for(user), deflate=deflate)

    async def connect_async(self, user, deflate=None):
        return await AsyncWebSocket.connect("127.0.0.1", self.port, self.path_for(user), deflate=deflate)


def paths(kamailio, callgate):
    found = {"direct": Path_("direct", kamailio.port, lambda user: "/", True)}
    if callgate:
        found["callgate"] = Path_("callgate", callgate.port, lambda user: f"/sip?access_token={session_token(user)}", False)
        found["pipe"] = Path_("pipe", callgate.port, lambda user: "/sippipe", True)
    return found


def receive_final(ws, timeout=10.0):
    """The next final response (provisional ones skipped)."""
    while True:
        message = parse(ws.receive_text(timeout))
        if message["status"] is not None and message["status"] >= 200:
            return message


def register_blocking(ws, phone, path, expires=600, use_cache=True):
    """One REGISTER transaction as a phone does it: with the cached credentials when it has them
    and `use_cache`, answering one 401. Returns (final response, challenged?)."""
    authorization = None
    if path.digest and use_cache and phone.register_credentials:
        authorization = phone.register_credentials.answer("REGISTER", f"sip:{DOMAIN}")
    ws.send_text(phone.register(expires, authorization))
    reply = receive_final(ws)
    if reply["status"] == 401 and path.digest:
        ws.send_text(phone.register(expires, phone.authorize_register(reply)))
        return receive_final(ws), True
    return reply, False


def options(phone):
    lines = [f"OPTIONS sip:{DOMAIN} SIP/2.0", phone.via(), "Max-Forwards: 70", f"To: <sip:{DOMAIN}>",
             f"From: <{phone.aor}>;tag={token(10)}", f"Call-ID: {token(20)}", "CSeq: 1 OPTIONS",
             f"Contact: {phone.contact()}", "Accept: application/sdp", "Content-Length: 0", "", ""]
    return "\r\n".join(lines)


# ---------------------------------------------------------------- 1. REGISTER round trips


def cpu_per_round_trip(path, user, n, kamailio, callgate):
    """Server CPU (utime + stime, µs) per round trip over `n` back-to-back refreshes (cached
    credentials on a digest path) and then `n` OPTIONS of one phone."""
    phone = Phone(user, password(user))
    ws = path.connect(user)
    register_blocking(ws, phone, path)
    found = {}
    for what in ("refresh", "options"):
        before = {"callgate": callgate.cpu_seconds(), "kamailio": kamailio.cpu_seconds()}
        for _ in range(n):
            if what == "refresh":
                reply, challenged = register_blocking(ws, phone, path)
            else:
                ws.send_text(options(phone))
                reply = receive_final(ws)
            if reply["status"] != 200:
                raise SystemExit(f"{path.name} {what}: {reply['start']}")
        for server in ("callgate", "kamailio"):
            seconds = (callgate if server == "callgate" else kamailio).cpu_seconds() - before[server]
            found[f"{what}_{server}_cpu_us"] = seconds * 1e6 / n
    register_blocking(ws, phone, path, expires=0)
    ws.close()
    return found


def bench_register(kamailio, callgate, users, rounds, per_round, refreshes, record, cpu_round_trips=3000):
    """Round r takes users [r·per_round, (r+1)·per_round); each path in turn (the order rotates
    each round) opens a connection per user, registers each (timed), refreshes each `refreshes`
    times, sends OPTIONS, un-registers (not timed) and closes. The paths thus see the same
    identities and an empty location table each, interleaved in time."""
    found = paths(kamailio, callgate)
    names = list(found)
    samples = {name: {} for name in names}
    failures = {name: 0 for name in names}

    def sample(name, what, start):
        samples[name].setdefault(what, []).append((time.perf_counter_ns() - start) / 1000)

    for r in range(rounds):
        block = users[r * per_round:(r + 1) * per_round]
        for name in names[r % len(names):] + names[:r % len(names)]:
            path = found[name]
            phones = [Phone(user, password(user)) for user in block]
            sockets = []
            for phone in phones:
                start = time.perf_counter_ns()
                sockets.append(path.connect(phone.user))
                sample(name, "open", start)
            for ws, phone in zip(sockets, phones):
                start = time.perf_counter_ns()
                reply, _ = register_blocking(ws, phone, path)
                sample(name, "first", start)
                failures[name] += reply["status"] != 200
            for _ in range(refreshes):
                for ws, phone in zip(sockets, phones):
                    start = time.perf_counter_ns()
                    reply, challenged = register_blocking(ws, phone, path)
                    sample(name, "refresh", start)
                    failures[name] += reply["status"] != 200 or challenged
                    if path.digest:  # as public/phone refreshes: no cached credentials, a 401 each time
                        start = time.perf_counter_ns()
                        reply, challenged = register_blocking(ws, phone, path, use_cache=False)
                        sample(name, "refresh-challenged", start)
                        failures[name] += reply["status"] != 200 or not challenged
                    start = time.perf_counter_ns()
                    ws.send_text(options(phone))
                    reply = receive_final(ws)
                    sample(name, "options", start)
                    failures[name] += reply["status"] != 200
            for ws, phone in zip(sockets, phones):
                reply, _ = register_blocking(ws, phone, path, expires=0)
                failures[name] += reply["status"] != 200
                ws.close()
        left = kamailio.registered_contacts()
        if left:
            raise SystemExit(f"register: {left} bindings left after round {r}")
    cpu = {name: cpu_per_round_trip(found[name], users[0], cpu_round_trips, kamailio, callgate) for name in names}
    rows = []
    for name in names:
        row = {"bench": "register-cpu", "path": name, "n": cpu_round_trips, **cpu[name]}
        rows.append(row)
        record(row)
        for what, values in samples[name].items():
            row = {"bench": "register", "path": name, "what": what, "n": len(values),
                   "p50_us": percentile(values, 50), "p90_us": percentile(values, 90),
                   "p99_us": percentile(values, 99), "failures": failures[name]}
            rows.append(row)
            record(row)
    return rows


# ---------------------------------------------------------------- 2. 1,000 registered phones


async def hold_phones(path, users, deflate, expires, hold_seconds, concurrency, servers, record, label):
    """Opens a connection per user (`concurrency` at a time), registers each, keeps every phone
    registered with refreshes at 85 % of the granted lifetime (as public/phone does, with a 401
    each time on a digest path) for `hold_seconds`, sampling the servers' memory every 5 s.
    Memory is read before the first phone (after one warm-up phone came and went), once all
    are registered (+3 s), and at the end of the hold."""
    counts = {"connect_failed": 0, "register_failed": 0, "refresh_failed": 0, "closed": 0,
              "refreshes": 0, "challenges": 0}
    extensions = set()

    async def transaction(ws, phone, expires_):
        authorization = None
        ws.send_text(phone.register(expires_, authorization))
        while True:
            _, text = await ws.receive_text(15)
            reply = parse(text)
            if reply["status"] is None or cseq_number(reply) != phone.cseq or reply["status"] < 200:
                continue
            if reply["status"] == 401 and path.digest and authorization is None:
                counts["challenges"] += 1
                authorization = phone.authorize_register(reply, cache=False)
                ws.send_text(phone.register(expires_, authorization))
                continue
            return reply

    def granted(reply, asked):
        contact = first(reply, "contact") or ""
        found = re.search(r";expires=(\d+)", contact)
        return int(found.group(1)) if found else int(first(reply, "expires") or asked)

    # warm-up: one phone comes and goes, so that start-up allocations are in the baseline
    warm = Phone(users[0], password(users[0]))
    ws = await path.connect_async(warm.user, deflate)
    await transaction(ws, warm, expires)
    await transaction(ws, warm, 0)
    await ws.close()
    await asyncio.sleep(2)
    before = {name: server.memory() for name, server in servers.items()}
    cpu_before = {name: server.cpu_seconds() for name, server in servers.items()}

    phones = {}
    gate = asyncio.Semaphore(concurrency)
    stop = asyncio.Event()
    registered = asyncio.Event()
    ramp_start = time.monotonic()

    async def run_phone(user):
        phone = Phone(user, password(user))
        async with gate:
            try:
                ws = await path.connect_async(user, deflate)
            except (HandshakeRefused, OSError, asyncio.TimeoutError) as error:
                counts["connect_failed"] += 1
                say(f"{label}: {user} could not connect: {error}")
                return
            extensions.add(ws.deflate.answer if ws.deflate else "none")
            try:
                reply = await transaction(ws, phone, expires)
            except (WebSocketClosed, asyncio.TimeoutError) as error:
                counts["register_failed"] += 1
                say(f"{label}: {user} REGISTER: {error!r}")
                return
        if reply["status"] != 200:
            counts["register_failed"] += 1
            say(f"{label}: {user} REGISTER got {reply['start']}")
            return
        phones[user] = ws
        if len(phones) + counts["connect_failed"] + counts["register_failed"] == len(users):
            registered.set()
        lifetime = granted(reply, expires)
        try:
            while True:
                try:
                    await asyncio.wait_for(stop.wait(), lifetime * 0.85)
                    break
                except asyncio.TimeoutError:
                    pass
                reply = await transaction(ws, phone, expires)
                counts["refreshes"] += 1
                if reply["status"] != 200:
                    counts["refresh_failed"] += 1
                    say(f"{label}: {user} refresh got {reply['start']}")
                else:
                    lifetime = granted(reply, expires)
        except (WebSocketClosed, asyncio.TimeoutError) as error:
            counts["closed"] += 1
            say(f"{label}: {user} lost: {error!r} {ws.closed}")

    tasks = [asyncio.create_task(run_phone(user)) for user in users]
    try:
        await asyncio.wait_for(registered.wait(), 120)
    except asyncio.TimeoutError:
        say(f"{label}: not every phone registered within 120 s")
    ramp = time.monotonic() - ramp_start
    await asyncio.sleep(3)
    loop = asyncio.get_running_loop()
    at_registered = {name: await loop.run_in_executor(None, server.memory) for name, server in servers.items()}
    bindings_registered = await loop.run_in_executor(None, servers["kamailio"].registered_contacts)
    peak = {name: dict(values) for name, values in at_registered.items()}
    hold_start = time.monotonic()
    while time.monotonic() - hold_start < hold_seconds:
        await asyncio.sleep(min(5, hold_seconds - (time.monotonic() - hold_start)))
        for name, server in servers.items():
            now = await loop.run_in_executor(None, server.memory)
            for key, value in now.items():
                peak[name][key] = max(peak[name][key], value)
    end = {name: await loop.run_in_executor(None, server.memory) for name, server in servers.items()}
    bindings_end = await loop.run_in_executor(None, servers["kamailio"].registered_contacts)
    cpu = {name: server.cpu_seconds() - cpu_before[name] for name, server in servers.items()}
    open_at_end = sum(1 for ws in phones.values() if not ws.closed)
    stop.set()
    await asyncio.gather(*tasks)
    for ws in phones.values():
        await ws.close()
    n = len(users)
    row = {"bench": "phones", "path": label, "phones": n, "deflate": sorted(extensions), "expires": expires,
           "hold_s": hold_seconds, "ramp_s": round(ramp, 1), "open_at_end": open_at_end,
           "bindings_registered": bindings_registered, "bindings_end": bindings_end, **counts,
           "memory_before": before, "memory_registered": at_registered, "memory_end": end, "memory_peak": peak,
           "cpu_s": cpu}
    for name in servers:
        for key in before[name]:
            row[f"{name}_{key}_per_phone_registered"] = (at_registered[name][key] - before[name][key]) / n
            row[f"{name}_{key}_per_phone_end"] = (end[name][key] - before[name][key]) / n
            row[f"{name}_{key}_per_phone_peak"] = (peak[name][key] - before[name][key]) / n
    record(row)
    return row


# ---------------------------------------------------------------- 3. call set-up


def call_blocking(a_ws, a, b_ws, b, path, mode, cache):
    """One call a → b: INVITE (a 407 answered on a digest path, or cached credentials sent),
    b answers 180 and 200 at once, a ACKs; then BYE/200. Times in µs from the first INVITE:
    180 and 200 at a, the ACK at b."""
    call = Call(a, b.user)
    t0 = time.perf_counter_ns()
    if cache.get("credentials") and cache["credentials"].nc >= 255:
        # Kamailio's auth module keeps a nonce's count in one byte: nc 256 gets a 407 (stale), which
        # a phone answers with a new digest. Take the new challenge on this call instead.
        del cache["credentials"]
    authorization = cache.get("credentials").answer("INVITE", call.uri) if mode == "cached" and cache.get("credentials") else None
    a_ws.send_text(call.invite(authorization))
    challenged = False
    if path.digest and authorization is None:
        reply = receive_final(a_ws)
        if reply["status"] != 407:
            raise RuntimeError(f"expected 407, got {reply['start']}")
        a_ws.send_text(call.ack_failure(reply))
        credentials = Credentials(first(reply, "proxy-authenticate"), a.user, a.password)
        cache["credentials"] = credentials
        a_ws.send_text(call.invite(credentials.answer("INVITE", call.uri)))
        challenged = True
    try:
        invite = parse(b_ws.receive_text())
        while invite["method"] != "INVITE":
            invite = parse(b_ws.receive_text())
    except TimeoutError:
        raise RuntimeError(f"no INVITE at the callee within 10 s; the caller got: {pending_lines(a_ws)}") from None
    to_tag = token(10)
    b_ws.send_text(respond(invite, 180, "Ringing", to_tag, b.contact()))
    b_ws.send_text(respond(invite, 200, "OK", to_tag, b.contact(), SDP_ANSWER))
    t180 = t200 = None
    while t200 is None:
        reply = parse(a_ws.receive_text())
        status = reply["status"]
        if status == 180:
            t180 = time.perf_counter_ns()
        elif status == 200 and cseq_number(reply) == call.cseq:
            t200 = time.perf_counter_ns()
            call.established(reply)
        elif status is not None and status > 200:
            raise RuntimeError(f"call failed: {reply['start']}")
    a_ws.send_text(call.ack())
    ack = parse(b_ws.receive_text())
    if ack["method"] != "ACK":
        raise RuntimeError(f"expected the ACK at the callee, got {ack['start']}")
    t_ack = time.perf_counter_ns()
    a_ws.send_text(call.bye())
    bye = parse(b_ws.receive_text())
    b_ws.send_text(respond(bye, 200, "OK"))
    reply = receive_final(a_ws)
    if reply["status"] != 200:
        raise RuntimeError(f"BYE got {reply['start']}")
    return {"180": (t180 - t0) / 1000, "200": (t200 - t0) / 1000, "ack": (t_ack - t0) / 1000, "challenged": challenged}


def pending_lines(ws, seconds=1.0):
    """The start lines of what `ws` receives within `seconds` (to say why a call stalled)."""
    found = []
    try:
        while True:
            found.append(parse(ws.receive_text(seconds))["start"])
    except (TimeoutError, WebSocketClosed) as error:
        if isinstance(error, WebSocketClosed):
            found.append(str(error))
    return found or "nothing"


def register_pair(path, users, instances=()):
    """Each user's phone connected and registered; `instances`: RFC 5626 instance ids to keep (a
    phone starting again replaces its old binding instead of adding one)."""
    found = []
    for user, instance in zip(users, list(instances) or [None] * len(users)):
        phone = Phone(user, password(user))
        phone.instance = instance or phone.instance
        ws = path.connect(user)
        reply, _ = register_blocking(ws, phone, path, use_cache=False)
        if reply["status"] != 200:
            raise SystemExit(f"calls: {user} did not register via {path.name}: {reply['start']}")
        found.append((ws, phone))
    return found


CALL_MODES = {  # label: (path name, credentials)
    "direct": ("direct", "challenged"),
    "direct-cached": ("direct", "cached"),
    "callgate": ("callgate", "none"),
}


def bench_calls_sequential(kamailio, callgate, users, calls, rounds, record):
    """`calls` calls per mode, one at a time, in `rounds` interleaved rounds (modes rotate)."""
    found = paths(kamailio, callgate)
    modes = [m for m in CALL_MODES if CALL_MODES[m][0] in found]
    pairs, caches, samples = {}, {}, {m: [] for m in modes}
    for i, mode in enumerate(modes):
        pairs[mode] = register_pair(found[CALL_MODES[mode][0]], users[2 * i:2 * i + 2])
        caches[mode] = {}
    per_round = calls // rounds
    failures = {m: [] for m in modes}
    for r in range(rounds):
        for mode in modes[r % len(modes):] + modes[:r % len(modes)]:
            path = found[CALL_MODES[mode][0]]
            for _ in range(per_round):
                (a_ws, a), (b_ws, b) = pairs[mode]
                try:
                    samples[mode].append(call_blocking(a_ws, a, b_ws, b, path, CALL_MODES[mode][1], caches[mode]))
                except (RuntimeError, TimeoutError, WebSocketClosed) as error:
                    # Counted, said, and the pair starts again on new connections: a stalled
                    # transaction must not stall the calls after it.
                    failures[mode].append(repr(error))
                    say(f"sequential {mode}: call {len(samples[mode]) + len(failures[mode])} failed: {error!r}")
                    for ws in (a_ws, b_ws):
                        ws.close()
                    time.sleep(1)
                    pairs[mode] = register_pair(path, [a.user, b.user], [a.instance, b.instance])
                    caches[mode] = {}
    rows = []
    for mode in modes:
        rows.append(call_row("calls-sequential", mode, samples[mode], record,
                             {"failures": len(failures[mode]), "failure_examples": failures[mode][:3]}))
        for ws, phone in pairs[mode]:
            register_blocking(ws, phone, found[CALL_MODES[mode][0]], expires=0, use_cache=False)
            ws.close()
    return rows


def call_row(bench, mode, samples, record, extra=None):
    row = {"bench": bench, "path": mode, "n": len(samples), "challenged": sum(s["challenged"] for s in samples)}
    for key in ("180", "200", "ack"):
        values = [s[key] for s in samples]
        row[f"{key}_p50_us"], row[f"{key}_p99_us"] = percentile(values, 50), percentile(values, 99)
    row.update(extra or {})
    record(row)
    return row


async def bench_calls_concurrent(kamailio, callgate, users, pairs_n, calls_per_pair, record, servers):
    """`pairs_n` caller/callee pairs per mode, each placing `calls_per_pair` calls one after
    another, all pairs at once. The callee answers 180 and 200 as soon as the INVITE arrives."""
    found = paths(kamailio, callgate)
    modes = [m for m in CALL_MODES if CALL_MODES[m][0] in found]
    rows = []
    offset = 0
    for mode in modes:
        path = found[CALL_MODES[mode][0]]
        group = users[offset:offset + 2 * pairs_n]
        offset += 2 * pairs_n
        phones = []
        for user in group:
            phone = Phone(user, password(user))
            ws = await path.connect_async(user)
            ws.send_text(phone.register(600))
            reply = parse((await ws.receive_text())[1])
            if reply["status"] == 401:
                ws.send_text(phone.register(600, phone.authorize_register(reply, cache=False)))
                reply = parse((await ws.receive_text())[1])
            if reply["status"] != 200:
                raise SystemExit(f"concurrent calls: {user} did not register: {reply['start']}")
            phones.append((ws, phone))
        samples, failures = [], []
        cpu_before = {name: server.cpu_seconds() for name, server in servers.items()}
        started = time.perf_counter()
        await asyncio.gather(*[pair_calls(phones[2 * i], phones[2 * i + 1], path, CALL_MODES[mode][1],
                                          calls_per_pair, samples, failures) for i in range(pairs_n)])
        elapsed = time.perf_counter() - started
        cpu = {name: server.cpu_seconds() - cpu_before[name] for name, server in servers.items()}
        extra = {"pairs": pairs_n, "failures": len(failures), "calls_per_s": round(len(samples) / elapsed, 1),
                 **{f"{name}_cpu_us_per_call": round(seconds * 1e6 / max(1, len(samples)), 1)
                    for name, seconds in cpu.items()}}
        if failures:
            say(f"concurrent {mode}: {len(failures)} failed, first: {failures[0]}")
        rows.append(call_row("calls-concurrent", mode, samples, record, extra))
        for ws, phone in phones:
            await ws.close()
        await asyncio.sleep(1)
    return rows


async def pair_calls(caller, callee, path, mode, n, samples, failures):
    (a_ws, a), (b_ws, b) = caller, callee
    acks = {}

    async def answer():
        while True:
            when, text = await b_ws.receive_text(3600)
            request = parse(text)
            if request["method"] == "INVITE":
                tag = token(10)
                b_ws.send_text(respond(request, 180, "Ringing", tag, b.contact()))
                b_ws.send_text(respond(request, 200, "OK", tag, b.contact(), SDP_ANSWER))
            elif request["method"] == "ACK":
                future = acks.get(first(request, "call-id"))
                if future and not future.done():
                    future.set_result(when)
            elif request["method"] in ("BYE", "OPTIONS"):
                b_ws.send_text(respond(request, 200, "OK"))

    async def final(call, expect_method="INVITE"):
        t180 = None
        while True:
            when, text = await a_ws.receive_text(10)
            reply = parse(text)
            if reply["status"] is None or first(reply, "call-id") != call.call_id:
                continue
            if reply["status"] == 180:
                t180 = when
            elif reply["status"] >= 200 and first(reply, "cseq").endswith(expect_method) and cseq_number(reply) == call.cseq:
                return reply, when, t180

    answering = asyncio.create_task(answer())
    credentials = None
    loop = asyncio.get_running_loop()
    try:
        for _ in range(n):
            call = Call(a, b.user)
            acks[call.call_id] = loop.create_future()
            t0 = time.perf_counter()
            try:
                stage = "INVITE"
                authorization = credentials.answer("INVITE", call.uri) if mode == "cached" and credentials else None
                a_ws.send_text(call.invite(authorization))
                reply, t200, t180 = await final(call)
                challenged = False
                if reply["status"] == 407 and path.digest:
                    a_ws.send_text(call.ack_failure(reply))
                    credentials = Credentials(first(reply, "proxy-authenticate"), a.user, a.password)
                    a_ws.send_text(call.invite(credentials.answer("INVITE", call.uri)))
                    reply, t200, t180 = await final(call)
                    challenged = True
                if reply["status"] != 200:
                    raise RuntimeError(reply["start"])
                call.established(reply)
                a_ws.send_text(call.ack())
                stage = "ACK"
                t_ack = await asyncio.wait_for(acks[call.call_id], 10)
                del acks[call.call_id]
                samples.append({"180": (t180 - t0) * 1e6 if t180 else float("nan"), "200": (t200 - t0) * 1e6,
                                "ack": (t_ack - t0) * 1e6, "challenged": challenged})
                a_ws.send_text(call.bye())
                stage = "BYE"
                reply, _, _ = await final(call, "BYE")
                if reply["status"] != 200:
                    raise RuntimeError("BYE: " + reply["start"])
            except (RuntimeError, WebSocketClosed, asyncio.TimeoutError) as error:
                failures.append(f"{stage}: {error!r}")
    finally:
        answering.cancel()


# ---------------------------------------------------------------- the run


PHONE_VARIANTS = {  # name: Callgate's permessageDeflate settings (docs/config.md); "deflate" in the name: offered
    "callgate-deflate": None,  # the defaults: window 15, memoryLevel 8
    "callgate-deflate-mem1": {"memoryLevel": 1},
    "callgate": None,
    "direct": None,
}


def write_users(folder: Path, n: int):
    """The directory (docs/directory.md: sipDomain, one user per phone) and Kamailio's user table
    (deploy/kamailio/db/users format) with the same identities."""
    users = [user_name(i) for i in range(1, n + 1)]
    directory = {"settings": {"sipDomain": DOMAIN}, "users": [{"username": u, "id": i + 1} for i, u in enumerate(users)]}
    (folder / "directory.json").write_text(json.dumps(directory))
    db = folder / "kamailio-db"
    db.mkdir(exist_ok=True)
    lines = ["id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)"]
    lines += [f"{i + 1}:{u}:0:0:{password(u)}:0" for i, u in enumerate(users)]
    (db / "users").write_text("\n".join(lines) + "\n")
    return users, folder / "directory.json", db


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": os.uname().release,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "loadavg": open("/proc/loadavg").read().split()[:3]}


class OtherLoad:
    """CPU used on the machine by processes other than the driver and `servers` while a part ran,
    in cores (from /proc/stat's busy time minus ours): the load other work put on the run."""

    def __init__(self, servers):
        self.servers = servers
        self.start = self._read()

    def _read(self):
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS  # all but idle and iowait
        ours = proc_stat("self")[0] + sum(server.cpu_seconds() for server in self.servers)
        return time.monotonic(), busy, ours

    def cores(self):
        (t0, busy0, ours0), (t1, busy1, ours1) = self.start, self._read()
        return round(max(0.0, (busy1 - busy0) - (ours1 - ours0)) / (t1 - t0), 2)


def busy_others():
    """The processes other than ours using CPU right now (a 1 s sample), to judge the run."""
    def ticks():
        found = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        text = f.read()
                    name = text[text.index("(") + 1:text.rindex(")")]
                    found[int(entry)] = (name, proc_stat(entry)[0])
                except (OSError, ValueError, IndexError):
                    pass
        return found
    first_, _ = ticks(), time.sleep(1)
    second = ticks()
    busy = []
    for pid, (name, t) in second.items():
        if pid in first_ and t - first_[pid][1] >= 0.05:
            busy.append(f"{name}:{round((t - first_[pid][1]) * 100)}%")
    return busy


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--callgate", required=True, help="the callgate binary")
    parser.add_argument("--out", required=True, type=Path, help="folder for logs, configs and sip.jsonl")
    parser.add_argument("--benches", default="register,phones,calls")
    parser.add_argument("--server-cpu", default="1", help="taskset -c list for Callgate and Kamailio ('' = none)")
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--phone-variants", default="callgate-deflate,callgate-deflate-mem1,callgate,direct")
    parser.add_argument("--expires", type=int, default=30, help="REGISTER lifetime asked by the held phones")
    parser.add_argument("--hold", type=int, default=75, help="seconds the phones stay registered while measured")
    parser.add_argument("--register-rounds", type=int, default=10)
    parser.add_argument("--register-per-round", type=int, default=100)
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--call-pairs", type=int, default=50)
    parser.add_argument("--calls-per-pair", type=int, default=20)
    parser.add_argument("--kamailio-shm-mb", type=int, default=256)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    args.callgate = str(Path(args.callgate).resolve())
    benches = args.benches.split(",")
    n_users = max(args.phones, args.register_rounds * args.register_per_round, 6 * args.call_pairs, 6)
    users, directory, db = write_users(args.out, n_users)
    jsonl = open(args.out / "sip.jsonl", "a")
    info = {"bench": "machine", **machine(), "busy_at_start": busy_others()}
    jsonl.write(json.dumps(info) + "\n")
    say(f"machine: {info}")

    def record(row):
        jsonl.write(json.dumps(row) + "\n")
        jsonl.flush()

    results = {"machine": info, "load": {}}
    servers = []

    def start(tag, deflate_settings=None):
        kamailio = Kamailio(args.out / f"kamailio-{tag}", db, args.server_cpu, args.kamailio_shm_mb, 10)
        servers.append(kamailio)
        callgate = Callgate(args.callgate, args.out / f"callgate-{tag}", directory, kamailio.port, args.server_cpu,
                            args.phones, deflate_settings)
        servers.append(callgate)
        return kamailio, callgate

    def stop():
        for server in servers:
            server.stop()
        servers.clear()

    try:
        if "register" in benches:
            say("register: REGISTER round trips")
            kamailio, callgate = start("register")
            load = OtherLoad(servers)
            results["register"] = bench_register(kamailio, callgate, users, args.register_rounds,
                                                 args.register_per_round, args.refreshes, record)
            results["load"]["register"] = load.cores()
            stop()
        if "phones" in benches:
            results["phones"] = []
            for variant in args.phone_variants.split(","):
                say(f"phones: {args.phones} phones, {variant}, hold {args.hold} s")
                if variant not in PHONE_VARIANTS:
                    raise SystemExit(f"--phone-variants: {variant} is not one of {', '.join(PHONE_VARIANTS)}")
                kamailio, callgate = start(f"phones-{variant}", PHONE_VARIANTS[variant])
                path = paths(kamailio, callgate)["direct" if variant == "direct" else "callgate"]
                measured = {"kamailio": kamailio} if variant == "direct" else {"callgate": callgate, "kamailio": kamailio}
                deflate = CHROMIUM_DEFLATE if "deflate" in variant else None
                load = OtherLoad(servers)
                row = asyncio.run(hold_phones(path, users[:args.phones], deflate, args.expires, args.hold, 64,
                                              measured, record, variant))
                results["load"][f"phones {variant}"] = load.cores()
                results["phones"].append(row)
                stop()
        if "calls" in benches:
            say("calls: sequential")
            kamailio, callgate = start("calls")
            load = OtherLoad(servers)
            results["calls"] = bench_calls_sequential(kamailio, callgate, users, args.calls, 10, record)
            results["load"]["calls sequential"] = load.cores()
            say("calls: concurrent")
            load = OtherLoad(servers)
            results["calls"] += asyncio.run(bench_calls_concurrent(
                kamailio, callgate, users[10:], args.call_pairs, args.calls_per_pair, record,
                {"callgate": callgate, "kamailio": kamailio}))
            results["load"]["calls concurrent"] = load.cores()
            results["call_events"] = {event: callgate.metric(f'callgate_route_events_total{{channel="sip",event="{event}"}}')
                                      for event in ("callNew", "callRinging", "callConnect", "callHangup")}
            # Each call crosses two of Callgate's sip connections (the caller's and the callee's),
            # and each connection's dialog tracker reports it: two of each event per call.
            callgate_calls = sum(row["n"] for row in results["calls"] if row["path"] == "callgate")
            results["call_events_expected"] = 2 * callgate_calls
            record({"bench": "call-events", "expected_each": 2 * callgate_calls, **results["call_events"]})
            stop()
    finally:
        stop()
    record({"bench": "other-load-cores", **results["load"]})
    info_end = {"bench": "machine-end", "loadavg": open("/proc/loadavg").read().split()[:3], "busy_at_end": busy_others()}
    record(info_end)
    results["machine_end"] = info_end
    print_tables(results)
    failed = failures(results)
    if failed:
        say(f"{failed} failures: see the tables and {args.out / 'sip.jsonl'}")
        sys.exit(1)


def failures(results):
    """Failed requests, connections and calls in all the results (each path's register count once)."""
    total = sum({row["path"]: row.get("failures", 0) for row in results.get("register", [])}.values())
    for row in results.get("phones", []):
        total += row["connect_failed"] + row["register_failed"] + row["refresh_failed"] + row["closed"]
        total += row["phones"] - row["bindings_end"]
    total += sum(row.get("failures", 0) for row in results.get("calls", []))
    expected = results.get("call_events_expected")
    if expected is not None:
        total += sum(abs(count - expected) for count in results["call_events"].values())
    return total


def us(value):
    return f"{value:,.0f}" if value == value else "-"


def print_tables(results):
    m = results["machine"]
    print(f"\nSIP benchmarks, {m['date']}, {m['nproc']} × {m['cpu']}, kernel {m['kernel']}, "
          f"load average at start {' '.join(m['loadavg'])}, at end {' '.join(results['machine_end']['loadavg'])}")
    print(f"other busy processes at start: {', '.join(m['busy_at_start']) or 'none'}; "
          f"at end: {', '.join(results['machine_end']['busy_at_end']) or 'none'}")
    print("CPU used by other processes during each part (cores of " + str(m["nproc"]) + "): " +
          ", ".join(f"{part} {cores}" for part, cores in results["load"].items()))
    if "register" in results:
        print("\nREGISTER and OPTIONS round trips, one in flight (µs, from the first byte sent to the final response parsed)")
        print(f"{'path':<10} {'what':<20} {'n':>6} {'p50':>8} {'p90':>8} {'p99':>8}  failures")
        by, cpu_rows = {}, []
        for row in results["register"]:
            if row["bench"] == "register-cpu":
                cpu_rows.append(row)
                continue
            by[(row["path"], row["what"])] = row
            print(f"{row['path']:<10} {row['what']:<20} {row['n']:>6} {us(row['p50_us']):>8} {us(row['p90_us']):>8} "
                  f"{us(row['p99_us']):>8}  {row['failures']}")
        if ("callgate", "refresh") in by:
            print("\nCallgate's sip route against direct (p50, µs):")
            for what_cg, what_direct, meaning in (
                    ("first", "first", "a new phone's first REGISTER (direct: 401 + digest, two round trips)"),
                    ("refresh", "refresh-challenged", "a refresh as public/phone does it (direct: 401 + digest)"),
                    ("refresh", "refresh", "a refresh against direct with cached credentials (one round trip each)"),
                    ("options", "options", "OPTIONS, the same stateless reply from Kamailio on both paths"),
                    ("open", "open", "WebSocket open (Callgate: token, upstream connect and upgrade first)")):
                cg, direct = by[("callgate", what_cg)]["p50_us"], by[("direct", what_direct)]["p50_us"]
                print(f"  {meaning}: {us(cg)} vs {us(direct)} → {cg - direct:+,.0f}")
            for what in ("refresh", "options"):
                pipe, direct = by[("pipe", what)]["p50_us"], by[("direct", what)]["p50_us"]
                print(f"  pipe route ({what}, same messages as direct): {us(pipe)} vs {us(direct)} → {pipe - direct:+,.0f}")
        if cpu_rows:
            print(f"\nServer CPU per round trip (µs, utime + stime over {cpu_rows[0]['n']} back-to-back round trips of one phone)")
            print(f"{'path':<10} {'REGISTER: Callgate':>19} {'Kamailio':>9} {'OPTIONS: Callgate':>18} {'Kamailio':>9}")
            for row in cpu_rows:
                print(f"{row['path']:<10} {row['refresh_callgate_cpu_us']:>19.1f} {row['refresh_kamailio_cpu_us']:>9.1f} "
                      f"{row['options_callgate_cpu_us']:>18.1f} {row['options_kamailio_cpu_us']:>9.1f}")
    if "phones" in results:
        print(f"\n{results['phones'][0]['phones']:,} registered phones: memory per phone (bytes; delta from before the first phone, ÷ phones)")
        print(f"{'variant':<18} {'negotiated':<40} {'gw RSS reg':>10} {'gw RSS end':>10} {'gw peak':>9} "
              f"{'kam PSS end':>11} {'kam shm end':>11}  failures / refreshes")
        for row in results["phones"]:
            fails = row["connect_failed"] + row["register_failed"] + row["refresh_failed"] + row["closed"]
            print(f"{row['path']:<18} {', '.join(row['deflate']):<40} "
                  f"{us(row.get('callgate_rss_per_phone_registered', float('nan'))):>10} "
                  f"{us(row.get('callgate_rss_per_phone_end', float('nan'))):>10} "
                  f"{us(row.get('callgate_rss_per_phone_peak', float('nan'))):>9} "
                  f"{us(row['kamailio_pss_per_phone_end']):>11} {us(row['kamailio_shm_used_per_phone_end']):>11}  "
                  f"{fails} / {row['refreshes']} (bindings {row['bindings_registered']} → {row['bindings_end']}, "
                  f"open {row['open_at_end']}, ramp {row['ramp_s']} s)")
    if "calls" in results:
        print("\nCall set-up: INVITE → 180 → 200 → ACK (µs from the first INVITE sent; callee answers at once)")
        print(f"{'bench':<17} {'path':<14} {'n':>5} {'180 p50':>8} {'180 p99':>8} {'200 p50':>8} {'200 p99':>8} "
              f"{'ACK p50':>8} {'ACK p99':>8}  notes")
        for row in results["calls"]:
            notes = f"{row['challenged']} challenged"
            if "calls_per_s" not in row:
                notes += f", {row['failures']} failed" + (f" (e.g. {row['failure_examples'][0]})" if row["failures"] else "")
            if "calls_per_s" in row:
                notes += (f", {row['pairs']} pairs, {row['calls_per_s']} calls/s, {row['failures']} failed, CPU/call "
                          f"Callgate {row.get('callgate_cpu_us_per_call', 0):,.0f} µs, Kamailio {row.get('kamailio_cpu_us_per_call', 0):,.0f} µs")
            print(f"{row['bench']:<17} {row['path']:<14} {row['n']:>5} {us(row['180_p50_us']):>8} {us(row['180_p99_us']):>8} "
                  f"{us(row['200_p50_us']):>8} {us(row['200_p99_us']):>8} {us(row['ack_p50_us']):>8} {us(row['ack_p99_us']):>8}  {notes}")
        if "call_events" in results:
            print(f"Callgate's call events from the dialogs it relayed: {results['call_events']} "
                  f"(expected {results['call_events_expected']} each: two connections per call)")


if __name__ == "__main__":
    main()
