"""Kamailio (Debian's `kamailio` and `kamailio-websocket-modules`) with the shipped
deploy/kamailio/kamailio.cfg, started for a test on a free loopback port with its runtime files
in a temporary folder: no root paths, no system service. docs/sip.md describes the config.

    from kamailio import kamailio               # the pytest fixture: a function that starts one
    server = kamailio()                         # WS_PORT free, WITH_RPC, the demo user table,
                                                # MIN_EXPIRES 5 (tests watch refreshes)
    server = kamailio(AUTH_ALGORITHM='"MD5"', GATEWAY_ADDR='"127.0.0.2"')
    server.ws_url                               # ws://127.0.0.1:PORT
    server.rpc("ul.dump")                       # JSON-RPC over xhttp (WITH_RPC)
    server.contacts("alice")                    # alice's registered bindings
    sock = SipWebSocket(server.ws_url)          # a raw SIP-over-WebSocket peer (RFC 7118)

A missing kamailio fails the test with the packages to install; it is never skipped.

Also SIP helpers for raw tests: `request()` builds a message, `parse()` reads one, and
`digest()` answers a challenge (RFC 7616 §3.4.1, RFC 8760 algorithms), written independently of
the browser phone's own code so that each checks the other."""
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, WebSocket, free_port

KAMAILIO = shutil.which("kamailio") or ("/usr/sbin/kamailio" if os.path.exists("/usr/sbin/kamailio") else None)
CONFIG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
USERS_DB = ROOT / "deploy" / "kamailio" / "db"
DOMAIN = "callgate.test"
START_SECONDS = 20.0


class Kamailio:
    """One kamailio process in the foreground (-DD: it does not daemonize) with its own process
    group, logging to `log_path`."""

    def __init__(self, folder: Path, **defines):
        if KAMAILIO is None:
            pytest.fail("kamailio is not installed: apt-get install kamailio kamailio-websocket-modules")
        if not list(Path("/usr/lib").glob("*/kamailio/modules/websocket.so")):
            pytest.fail("kamailio's websocket module is missing: apt-get install kamailio-websocket-modules")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.defines = {"WS_ADDR": "127.0.0.1", "WS_PORT": str(self.port), "WITH_RPC": None,
                        "USERS_DB": f'"text://{USERS_DB}"', "MIN_EXPIRES": "5", **defines}
        command = [KAMAILIO, "-DD", "-E", "-f", str(CONFIG), "-Y", str(folder), "-P", str(folder / "kamailio.pid"),
                   "-w", str(folder), "-m", "32", "-M", "4"]
        for name, value in self.defines.items():
            command += ["-A", name if value is None else f"{name}={value}"]
        self.command = command
        self.log_path = folder / "kamailio.log"
        self.process = None
        self.start()

    def start(self):
        """Starts the process (again, after stop(), on the same port) and waits for its RPC."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=log,
                                            start_new_session=True, cwd=self.folder)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.rpc("core.version")
                return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"kamailio did not start on port {self.port}:\n{' '.join(self.command)}\n{self.log[-4000:]}")
            time.sleep(0.1)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def rpc(self, method: str, *params):
        """A JSON-RPC call (the jsonrpcs module at /RPC); its `result`."""
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/RPC", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            reply = json.load(response)
        if "error" in reply:
            raise AssertionError(f"kamailio RPC {method}: {reply['error']}")
        return reply["result"]

    def contacts(self, user: str):
        """The registered bindings of `user` (ul.dump): dicts with Address, Received, Instance,
        Reg-Id, Expires, …"""
        for domain in self.rpc("ul.dump")["Domains"]:
            for aor in domain["Domain"]["AoRs"]:
                info = aor["Info"]
                if info["AoR"] == user:
                    return [c["Contact"] for c in info["Contacts"]]
        return []

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this test started
                self.process.wait(timeout=10)


@pytest.fixture
def kamailio(tmp_path):
    """Starts Kamailio (keyword arguments are -A defines, e.g. AUTH_ALGORITHM='"MD5"'); every
    one started is stopped at the end of the test."""
    started = []

    def start(**defines):
        server = Kamailio(tmp_path / f"kamailio{len(started)}", **defines)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# ---------------------------------------------------------------- a raw SIP-over-WebSocket peer


class SipWebSocket(WebSocket):
    """A WebSocket client offering the `sip` subprotocol (RFC 7118 §4), optionally from a given
    source address (127.0.0.2 stands for the gateway). One SIP message per text message."""

    def __init__(self, url: str, source: str = None, protocol: str = "sip"):
        host, port = url.removeprefix("ws://").rstrip("/").split(":")
        sock = socket.socket()
        sock.settimeout(10)
        if source:
            sock.bind((source, 0))
        sock.connect((host, int(port)))
        self.sock, self.rest = sock, b""
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Sec-WebSocket-Protocol: {protocol}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            assert chunk, "connection closed during the opening handshake"
            head += chunk
        self.head, self.rest = head.split(b"\r\n\r\n", 1)
        self.local = sock.getsockname()

    @property
    def accepted(self) -> bool:
        return self.head.startswith(b"HTTP/1.1 101")

    def send_sip(self, text: str):
        self.send(1, text.encode())

    def receive_sip(self) -> dict:
        """The next SIP message (pings are answered, pongs skipped)."""
        while True:
            opcode, payload = self.receive()
            if opcode == 0x9:
                self.send(0xA, payload)
            elif opcode == 0x1:
                return parse(payload.decode())
            elif opcode == 0x8:
                raise ConnectionError(f"closed: {payload!r}")

    def close(self):
        self.sock.close()


def parse(text: str) -> dict:
    """A SIP message: {start, status (int or None), method, headers: {lower name: [values]}, body}."""
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    start = lines[0]
    status = int(start.split()[1]) if start.startswith("SIP/2.0 ") else None
    return {"start": start, "status": status, "method": None if status else start.split()[0],
            "headers": headers, "body": body}


def request(method: str, uri: str, sock: SipWebSocket, from_user: str, to_user: str, call_id: str, cseq: int,
            extra=(), body="", contact_user=None, instance=None, expires=None, branch=None, from_tag=None,
            to_tag=None) -> str:
    """A request from `sock` (Via host a .invalid name, RFC 7118 §5.2)."""
    branch = branch or "z9hG4bK" + uuid.uuid4().hex[:16]
    contact_user = contact_user or uuid.uuid4().hex[:8]
    contact = f"<sip:{contact_user}@{uuid.uuid4().hex[:8]}.invalid;transport=ws>"
    if instance:
        contact += f';reg-id=1;+sip.instance="<urn:uuid:{instance}>"'
    if expires is not None:
        contact += f";expires={expires}"
    lines = [f"{method} {uri} SIP/2.0",
             f"Via: SIP/2.0/WS {uuid.uuid4().hex[:8]}.invalid;branch={branch}",
             "Max-Forwards: 70",
             f"From: <sip:{from_user}@{DOMAIN}>;tag={from_tag or uuid.uuid4().hex[:10]}",
             f"To: <sip:{to_user}@{DOMAIN}>" + (f";tag={to_tag}" if to_tag else ""),
             f"Call-ID: {call_id}",
             f"CSeq: {cseq} {method}",
             f"Contact: {contact}",
             *extra,
             f"Content-Length: {len(body.encode())}"]
    return "\r\n".join(lines) + "\r\n\r\n" + body


def challenge_params(value: str) -> dict:
    """The auth-params of a Digest challenge (quoted or not)."""
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', value)}


def digest(challenge: str, method: str, uri: str, user: str, password: str, nc=1) -> str:
    """The Authorization value answering `challenge` with qop=auth (RFC 7616 §3.4.1)."""
    params = challenge_params(challenge)
    algorithm = params.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]
    hex_ = lambda text: h(text.encode()).hexdigest()
    cnonce = uuid.uuid4().hex[:16]
    ha1 = hex_(f"{user}:{params['realm']}:{password}")
    ha2 = hex_(f"{method}:{uri}")
    response = hex_(f"{ha1}:{params['nonce']}:{nc:08x}:{cnonce}:auth:{ha2}")
    return (f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", '
            f'response="{response}", algorithm={algorithm}, cnonce="{cnonce}", qop=auth, nc={nc:08x}')
