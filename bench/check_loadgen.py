#!/usr/bin/env python3
"""Checks loadgen against an independent WebSocket client (the `websockets` package).

Runs the same closed-loop echo profile twice against a fresh nio-echo each time:
  1. loadgen (bench/.build/release/loadgen), pinned to CPU 0;
  2. this script's own asyncio client built on `websockets`, pinned to CPU 0.
The server is pinned to CPU 1. After each run the server is stopped with SIGTERM and prints how
many messages it echoed over its whole life; that count must equal the number of echoes the
client verified (loadgen: total_echoed; here: every echo compared byte for byte with what was
sent). Then the two clients' messages per second are compared: loadgen should be at least as
fast, since it costs less CPU per message than Python does.

With --tls, both clients speak wss to `nio-echo --tls` (an ECDSA P-256 certificate made with
`openssl req` in a temporary directory); neither verifies the certificate (loopback).

usage: pip install websockets
       python3 bench/check_loadgen.py [--connections 100] [--size 64] [--warmup 1] [--duration 10] [--tls]
Exit status 0 if every count agrees, 1 if not.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

try:
    from websockets.asyncio.client import connect
except ImportError:  # pragma: no cover
    sys.exit("check_loadgen.py needs the websockets package: pip install websockets")

BENCH = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clock_ticks(pid):
    """utime and stime of /proc/PID/stat (fields 14 and 15), counted after the last ')'."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


class Server:
    """nio-echo on a fresh port, pinned to CPU 1, with its lifetime echo count read at exit."""

    def __init__(self, bin_dir, tls_files=None):
        self.port = free_port()
        tls = ["--tls", "--cert", tls_files[0], "--key", tls_files[1]] if tls_files else []
        self.process = subprocess.Popen(
            ["taskset", "-c", "1", os.path.join(bin_dir, "nio-echo"), "--host", "127.0.0.1",
             "--port", str(self.port), "--threads", "1"] + tls,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"nio-echo did not start: {self.process.stdout.read()}")
                time.sleep(0.05)

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        """SIGTERM, then the number of messages the server says it echoed."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=15)
        match = re.search(r"totals connections=(\d+) messages=(\d+)", output)
        if not match:
            raise SystemExit(f"nio-echo printed no totals:\n{output}")
        return int(match.group(2))


def make_certificate(directory):
    """An ECDSA P-256 self-signed certificate for localhost, as bench/run.sh makes one."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def run_loadgen(bin_dir, args):
    server = Server(bin_dir, args.tls_files)
    try:
        command = ["taskset", "-c", "0", os.path.join(bin_dir, "loadgen"), "--port", str(server.port),
                   "--connections", str(args.connections), "--size", str(args.size),
                   "--warmup", str(args.warmup), "--duration", str(args.duration),
                   "--server-pid", str(server.pid), "--label", "loadgen"] + (["--tls"] if args.tls_files else [])
        result = subprocess.run(command, capture_output=True, text=True, timeout=args.warmup + args.duration + 60)
        if result.returncode != 0:
            raise SystemExit(f"loadgen failed: {result.stderr.strip()}")
        report = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    finally:
        server_echoed = server.stop()
    return report, server_echoed


async def python_client(port, pid, args):
    """Closed loop like loadgen's: one binary message per connection in flight, every echo checked."""
    state = {"phase": "warmup", "sent": 0, "echoed": 0, "measured": 0, "latencies": []}

    tls = None
    if args.tls_files:
        # Loopback and a certificate made a moment ago: no verification, as in loadgen.
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        tls.set_alpn_protocols(["http/1.1"])

    async def one(index, ready, go):
        async with connect(f"{'wss' if tls else 'ws'}://127.0.0.1:{port}/", compression=None, max_size=None,
                           ping_interval=None, close_timeout=5, ssl=tls,
                           server_hostname="localhost" if tls else None) as ws:
            ready.set()
            await go.wait()
            filler = bytes((ord("a") + (i * 7 + index) % 26) for i in range(args.size))
            sequence = 0
            while state["phase"] != "stop":
                sequence += 1
                stamp = f"{sequence:016x}".encode()[-min(args.size, 16):] if args.size else b""
                payload = stamp + filler[len(stamp):]
                started = time.perf_counter_ns()
                await ws.send(payload)
                state["sent"] += 1
                echo = await ws.recv()
                if echo != payload:
                    raise SystemExit(f"python client: connection {index} got a wrong echo of message {sequence}")
                state["echoed"] += 1
                if state["phase"] == "measure":
                    state["measured"] += 1
                    state["latencies"].append(time.perf_counter_ns() - started)

    readies = [asyncio.Event() for _ in range(args.connections)]
    go = asyncio.Event()
    tasks = [asyncio.create_task(one(i, readies[i], go)) for i in range(args.connections)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=30)
    go.set()
    await asyncio.sleep(args.warmup)
    ticks_start = clock_ticks(pid)
    state["phase"] = "measure"
    window_start = time.monotonic()
    await asyncio.sleep(args.duration)
    state["phase"] = "stop"
    window = time.monotonic() - window_start
    ticks_end = clock_ticks(pid)
    measured = state["measured"]
    state["server_ticks"] = sum(ticks_end) - sum(ticks_start)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    state["window"] = window
    state["measured"] = measured
    return state


def run_python(bin_dir, args):
    server = Server(bin_dir, args.tls_files)
    try:
        os.sched_setaffinity(0, {0})
        state = asyncio.run(python_client(server.port, server.pid, args))
    finally:
        server_echoed = server.stop()
    latencies = sorted(state["latencies"])
    p50 = latencies[len(latencies) // 2] / 1000 if latencies else None
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] / 1000 if latencies else None
    cpu = state["server_ticks"] / os.sysconf("SC_CLK_TCK") * 1e6 / state["measured"] if state["measured"] else None
    return {"msgs_per_s": state["measured"] / state["window"], "messages": state["measured"], "p50_us": p50,
            "server_cpu_us_per_msg": cpu,
            "p99_us": p99, "total_sent": state["sent"], "total_echoed": state["echoed"]}, server_echoed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--tls", action="store_true", help="wss against nio-echo --tls")
    parser.add_argument("--bin-dir", default=os.path.join(BENCH, ".build", "release"))
    args = parser.parse_args()
    args.tls_files = make_certificate(tempfile.mkdtemp(prefix="check_loadgen-")) if args.tls else None
    for tool in ("loadgen", "nio-echo"):
        if not os.access(os.path.join(args.bin_dir, tool), os.X_OK):
            sys.exit(f"{tool} is not built: swift build -c release --package-path bench")

    ok = True
    profile = (f"{'wss' if args.tls else 'ws'} {args.connections} x {args.size} B, {args.warmup:g} s warm-up,"
               f" {args.duration:g} s measured")
    print(f"check_loadgen: {profile}; server nio-echo on CPU 1, clients on CPU 0")

    loadgen, loadgen_server = run_loadgen(args.bin_dir, args)
    agree = loadgen["total_echoed"] == loadgen_server == loadgen["total_sent"]
    ok &= agree
    print(f"  loadgen:   {loadgen['msgs_per_s']:>9.0f} msgs/s  p50 {loadgen['p50_us']:8.1f} us  p99 {loadgen['p99_us']:8.1f} us"
          f"  server cpu {loadgen['server_cpu_us_per_msg']:6.2f} us/msg"
          f"  sent {loadgen['total_sent']}, verified echoes {loadgen['total_echoed']}, server echoed {loadgen_server}"
          f"  -> {'counts agree' if agree else 'COUNTS DISAGREE'}")

    python, python_server = run_python(args.bin_dir, args)
    agree = python["total_echoed"] == python_server == python["total_sent"]
    ok &= agree
    print(f"  websockets:{python['msgs_per_s']:>9.0f} msgs/s  p50 {python['p50_us']:8.1f} us  p99 {python['p99_us']:8.1f} us"
          f"  server cpu {python['server_cpu_us_per_msg']:6.2f} us/msg"
          f"  sent {python['total_sent']}, verified echoes {python['total_echoed']}, server echoed {python_server}"
          f"  -> {'counts agree' if agree else 'COUNTS DISAGREE'}")

    ratio = loadgen["msgs_per_s"] / python["msgs_per_s"] if python["msgs_per_s"] else float("inf")
    print(f"  loadgen / websockets throughput: {ratio:.2f}x"
          f" ({'loadgen is at least as fast, as expected' if ratio >= 1 else 'loadgen is SLOWER than the Python client'})")
    print(json.dumps({"tool": "check_loadgen", "tls": args.tls, "connections": args.connections, "size": args.size,
                      "duration_s": args.duration, "loadgen": loadgen["msgs_per_s"], "websockets": python["msgs_per_s"],
                      "loadgen_counts_agree": loadgen["total_echoed"] == loadgen_server,
                      "websockets_counts_agree": python["total_echoed"] == python_server,
                      "ratio": ratio}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
