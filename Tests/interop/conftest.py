"""Fixtures for the interoperability tests: the release `callgate` binary started as a real
process on loopback, and real peers (Python's ssl module, `openssl s_client`)."""
import base64
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CALLGATE = Path(os.environ.get("CALLGATE_BIN", ROOT / ".build" / "release" / "callgate"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(directory: Path, name: str, sans: str):
    """An ECDSA P-256 self-signed certificate made with the openssl command."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName={sans}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def fingerprint(cert: Path) -> str:
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def generated_certificate(gateway):
    """The certificate file the gateway says it generated or reused."""
    found = re.search(r"tls_certificate_(?:generated|reused) file=(\S+)", gateway.log)
    assert found, gateway.log
    return Path(found.group(1))


class Gateway:
    """A callgate process; `log` is what it wrote to standard error so far."""

    def __init__(self, tmp: Path, args, config=None):
        self.tmp = tmp
        self.http_port, self.tls_port = free_port(), free_port()
        while self.tls_port == self.http_port:  # two free ports may be the same one, picked twice
            self.tls_port = free_port()
        command = [str(CALLGATE), "--listen", f"127.0.0.1:{self.http_port}",
                   "--listen-tls", f"127.0.0.1:{self.tls_port}", "--echo", "/echo", "--threads", "1", *args]
        if config is not None:
            path = tmp / "config.json"
            path.write_text(json.dumps(config))
            command += ["--config", str(path)]
        self.log_path = tmp / "callgate.log"
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "wb"))
        wait_listening(self.tls_port, self.process, lambda: "callgate did not start:\n" + self.log)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self):
        # SIGINT: every session closed at once (SIGTERM would drain, keeping calls: test_drain.py).
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def metric(gateway, name) -> float:
    """The value of one sample of the gateway's /metrics (a full name with labels), 0 when absent."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/metrics", timeout=5) as response:
        text = response.read().decode()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0



def listening(port) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_listening(port, process=None, failure=lambda: "", seconds=10.0):
    """Waits until 127.0.0.1:`port` accepts connections; fails with `failure()` (e.g. the
    server's log) when `seconds` pass or `process` exits first."""
    deadline = time.monotonic() + seconds
    while not listening(port):
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise AssertionError(failure() or f"nothing listens on {port}")
        time.sleep(0.05)


def readyz(gateway, path="/readyz"):
    """(status, body) of the gateway's `path` (/readyz, /healthz), whatever the status."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()

def eventually(read, check=bool, seconds=5.0, what="the condition"):
    """Polls `read()` every 50 ms until `check` holds for its value, and returns that value; fails
    with the last value read when `seconds` pass. For what the gateway publishes a little later
    (its loops publish metrics every 250 ms) instead of a fixed sleep."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {seconds} s")
        time.sleep(0.05)


def wait_metric(gateway, name, expected, seconds=5.0) -> float:
    """Waits until the metric `name` equals `expected` exactly."""
    return eventually(lambda: metric(gateway, name), lambda value: value == expected, seconds, what=name)


@pytest.fixture
def start_gateway(tmp_path):
    started = []

    def start(*args, config=None):
        gateway = Gateway(tmp_path, list(args), config)
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


class WebSocket:
    """A minimal RFC 6455 client over any socket-like object (plain or ssl)."""

    def __init__(self, sock, host="localhost", path="/echo"):
        self.sock = sock
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            assert chunk, "connection closed during the opening handshake"
            head += chunk
        self.head, self.rest = head.split(b"\r\n\r\n", 1)
        assert self.head.startswith(b"HTTP/1.1 101"), self.head
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        # Field names are case-insensitive (RFC 9110 §5.1): HAProxy's HTTP mode lower-cases them.
        fields = {name.strip().lower(): value.strip() for name, _, value in
                  (line.partition(b":") for line in self.head.split(b"\r\n")[1:])}
        assert fields.get(b"sec-websocket-accept") == accept, self.head

    def send(self, opcode: int, payload: bytes):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.rest) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed"
            self.rest += chunk
        data, self.rest = self.rest[:n], self.rest[n:]
        return data

    def receive(self):
        first, second = self._read(2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return first & 0x0F, self._read(n)

    def echo(self, payload: bytes, opcode=2):
        self.send(opcode, payload)
        got_opcode, got = self.receive()
        assert (got_opcode, got) == (opcode, payload)
