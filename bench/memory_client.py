#!/usr/bin/env python3
"""The client of bench/memory.sh: idle WebSocket connections as a browser opens them, and the
agent protocol's real events as a browser receives them. Standard library only (socket, ssl,
zlib), so that the WebSocket and permessage-deflate bytes are exactly the ones written here.
Over 400 lines on purpose: its own WebSocket client (no library), which the three modes share.

  memory_client.py probe  --port P [--tls]
  memory_client.py idle   --port P [--tls] [--deflate] --connections N --server-pid PID [--settle S]
  memory_client.py events --port P [--deflate] [--admin-port P]

`--deflate` offers permessage-deflate the way Chromium does (`permessage-deflate;
client_max_window_bits`) and compresses as Chromium does: raw DEFLATE, zlib level 6 (Z_DEFAULT_COMPRESSION),
memLevel 8, the window the server allows (15 unless its response has client_max_window_bits), with
context takeover unless the response has client_no_context_takeover (Chromium's
WebSocketDeflater). Every message gets a sync flush with its `00 00 ff ff` stripped
(RFC 7692 §7.2.1).

`idle` reads the server's VmRSS before the first connection, after all N connections have each
sent one message and had it echoed (verified byte for byte) and `--settle` seconds have passed,
and again `--settle` seconds after all of them closed with a close handshake. Meanwhile it answers
the servers' pings, as a browser does, and fails if the server closed any connection. It prints
one JSON object.

`events` logs in as alice (the embedded sample directory), pairs web-alice, provisions, rings alice
through the admin API, answers, and hangs up; it prints one JSON object per received text
message: the event (or reply) name, its JSON length, and its length on the wire (the compressed
payload when RSV1 is set).
"""
import argparse
import base64
import hashlib
import json
import os
import selectors
import socket
import ssl
import struct
import sys
import time
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits"
TAIL = b"\x00\x00\xff\xff"
# An agent bar's first request (docs/agent-protocol.md §2.1), 155 bytes: large enough that both
# servers compress its echo (Callgate's minimumSizeToCompress is 64).
FIRST_MESSAGE = json.dumps({"id": 1, "method": "login", "params": {
    "username": "alice", "password": "correct horse battery staple", "remember": False,
    "autologout": True, "logoutOnClose": False, "tab": "5b0f6f2e-3c1d-4e0a-9d7b-2f8c1a6e4b93"}},
    separators=(",", ":")).encode()


class ProtocolError(Exception):
    pass


class Deflate:
    """permessage-deflate as Chromium runs it on the client side, RFC 7692 §7.2."""

    def __init__(self, response):
        params = {}
        for part in response.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        self.response = response
        self.client_bits = int(params.get("client_max_window_bits") or 15)
        self.client_reset = "client_no_context_takeover" in params
        self.server_reset = "server_no_context_takeover" in params
        self.compressor = self._compressor()
        self.decompressor = zlib.decompressobj(-15)

    def _compressor(self):
        # zlib refuses a raw 8-bit window; Chromium asks for 9 then, as zlib does internally.
        return zlib.compressobj(6, zlib.DEFLATED, -max(self.client_bits, 9), 8)

    def compress(self, data):
        out = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        if not out.endswith(TAIL):
            raise ProtocolError("zlib sync flush did not end with 00 00 ff ff")
        if self.client_reset:
            self.compressor = self._compressor()
        return out[:-4]

    def decompress(self, data):
        out = self.decompressor.decompress(data + TAIL)
        if self.server_reset:
            self.decompressor = zlib.decompressobj(-15)
        return out


class WebSocket:
    def __init__(self, port, tls, path, offer, host="127.0.0.1", timeout=10):
        self.timeout = timeout
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.set_alpn_protocols(["http/1.1"])
            raw = context.wrap_socket(raw, server_hostname="localhost")
        self.sock = raw
        self.buffer = b""
        key = base64.b64encode(os.urandom(16))
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key.decode()}", "Sec-WebSocket-Version: 13",
                 f"Origin: http://127.0.0.1:{port}"]
        if offer:
            lines.append(f"Sec-WebSocket-Extensions: {offer}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status + " ":
            raise ProtocolError(f"upgrade refused: {status}")
        headers = {}
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != accept:
            raise ProtocolError("wrong Sec-WebSocket-Accept")
        extensions = headers.get("sec-websocket-extensions")
        if extensions and not offer:
            raise ProtocolError(f"extension accepted that was not offered: {extensions}")
        self.extensions = extensions
        self.deflate = Deflate(extensions) if extensions else None

    def _read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ProtocolError("connection closed during the handshake")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _parse(self):
        """The next whole frame in the buffer, consumed: (first header byte, payload), or None."""
        data = self.buffer
        if len(data) < 2:
            return None
        first, second = data[0], data[1]
        if second & 0x80:
            raise ProtocolError("masked frame from the server")
        size, offset = second & 0x7F, 2
        if size == 126:
            if len(data) < 4:
                return None
            size, offset = struct.unpack("!H", data[2:4])[0], 4
        elif size == 127:
            if len(data) < 10:
                return None
            size, offset = struct.unpack("!Q", data[2:10])[0], 10
        if len(data) < offset + size:
            return None
        self.buffer = data[offset + size:]
        return first, data[offset:offset + size]

    def _next_frame(self):
        while (frame := self._parse()) is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ProtocolError("connection closed mid-frame")
            self.buffer += chunk
        return frame

    def send(self, opcode, payload, compress=True):
        rsv1 = 0
        if compress and self.deflate and opcode in (1, 2):
            payload = self.deflate.compress(payload)
            rsv1 = 0x40
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | rsv1 | opcode, 0x80 | size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x80 | rsv1 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | rsv1 | opcode, 0x80 | 127, size)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive(self):
        """One whole message: (opcode, payload, wire bytes of its payloads, whether it was compressed).
        Pings are answered on the way, as a browser does (RFC 6455 §5.5.2)."""
        message, wire, compressed, opcode = b"", 0, False, None
        while True:
            first, payload = self._next_frame()
            frame_opcode = first & 0x0F
            if frame_opcode == 8:
                return 8, payload, len(payload), False
            if frame_opcode == 9:
                self.send(10, payload, compress=False)
            if frame_opcode >= 8:
                continue
            if opcode is None:
                opcode, compressed = frame_opcode, bool(first & 0x40)
            message += payload
            wire += len(payload)
            if first & 0x80:
                break
        if compressed:
            if not self.deflate:
                raise ProtocolError("RSV1 set without permessage-deflate")
            message = self.deflate.decompress(message)
        return opcode, message, wire, compressed

    def service(self):
        """Without blocking: answers the pings that arrived (servers ping idle connections: Callgate
        after 10 s of silence, websockets every 20 s). False once the server closed or sent a message."""
        self.sock.setblocking(False)
        try:
            while True:
                try:
                    chunk = self.sock.recv(65536)
                except (BlockingIOError, ssl.SSLWantReadError):
                    break
                if not chunk:
                    return False
                self.buffer += chunk
        finally:
            self.sock.settimeout(self.timeout)
        while (frame := self._parse()) is not None:
            opcode = frame[0] & 0x0F
            if opcode == 9:
                self.send(10, frame[1], compress=False)
            elif opcode != 10:
                return False
        return True

    def close(self):
        """The close handshake (RFC 6455 §7): our close, the server's close, then its TCP close."""
        try:
            self.send(8, struct.pack("!H", 1000), compress=False)
            while True:
                opcode, _, _, _ = self.receive()
                if opcode == 8:
                    break
            self.sock.settimeout(5)
            while self.sock.recv(65536):
                pass
        except (OSError, ProtocolError):
            pass
        finally:
            self.sock.close()


def resident(pid):
    """VmRSS and RssAnon of a process, in bytes."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "RssAnon"):
                values[name] = int(rest.split()[0]) * 1024
    return values["VmRSS"], values["RssAnon"]


def probe(args):
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            WebSocket(args.port, args.tls, args.path, None, timeout=2).close()
            return 0
        except (OSError, ProtocolError) as error:
            if time.monotonic() > deadline:
                print(f"memory_client: no WebSocket handshake on port {args.port}: {error}", file=sys.stderr)
                return 1
            time.sleep(0.1)


def idle(args):
    offer = CHROMIUM_OFFER if args.deflate else None
    time.sleep(args.settle)
    before, before_anon = resident(args.server_pid)
    sockets, extensions, lost = [], set(), 0
    selector = selectors.DefaultSelector()

    def service(seconds=0.0):
        """Answers pings on every open connection for `seconds` (once when 0)."""
        nonlocal lost
        deadline = time.monotonic() + seconds
        while True:
            for key, _ in selector.select(max(0.0, min(0.2, deadline - time.monotonic()))):
                if not key.data.service():
                    selector.unregister(key.fileobj)
                    lost += 1
            if time.monotonic() >= deadline:
                return

    for _ in range(args.connections):
        ws = WebSocket(args.port, args.tls, args.path, offer)
        extensions.add(ws.extensions or "")
        if args.deflate and not ws.deflate:
            raise ProtocolError("the server declined permessage-deflate")
        for _ in range(args.messages):
            ws.send(1, FIRST_MESSAGE)
            opcode, echo, _, compressed = ws.receive()
            if opcode != 1 or echo != FIRST_MESSAGE:
                raise ProtocolError(f"echo differs: opcode {opcode}, {echo[:80]!r}")
            ws.echo_compressed = compressed
        sockets.append(ws)
        selector.register(ws.sock, selectors.EVENT_READ, ws)
        service()
    service(args.settle)
    opened, opened_anon = resident(args.server_pid)
    if lost:
        raise ProtocolError(f"{lost} of {args.connections} idle connections were closed by the server")
    compressed_echoes = sum(1 for ws in sockets if getattr(ws, "echo_compressed", False))
    for ws in sockets:
        selector.unregister(ws.sock)
        ws.close()
    time.sleep(args.settle)
    after, after_anon = resident(args.server_pid)
    count = args.connections
    print(json.dumps({
        "connections": count, "messages_per_connection": args.messages, "tls": args.tls, "offer": offer,
        "extensions": sorted(extensions), "compressed_echoes": compressed_echoes,
        "rss_before_bytes": before, "rss_open_bytes": opened, "rss_after_close_bytes": after,
        "anon_before_bytes": before_anon, "anon_open_bytes": opened_anon, "anon_after_close_bytes": after_anon,
        "rss_per_connection_bytes": round((opened - before) / count),
        "rss_after_close_ratio": round(after / before, 4),
    }))
    return 0


def events(args):
    """The agent protocol's events as alice's tab gets them through one call (docs/agent-protocol.md)."""
    # The login verifies a PBKDF2 hash: seconds on a loaded machine.
    ws = WebSocket(args.port, False, "/ws", CHROMIUM_OFFER if args.deflate else None, timeout=60)
    received = []
    next_id = [0]

    def record(opcode, message, wire, compressed):
        document = json.loads(message)
        name = document.get("event") or f"reply:{pending.get(document.get('id'), '?')}"
        received.append({"name": name, "json_bytes": len(message), "wire_bytes": wire, "compressed": compressed})
        return document

    pending = {}

    def request(method, params=None):
        next_id[0] += 1
        pending[next_id[0]] = method
        ws.send(1, json.dumps({"id": next_id[0], "method": method, "params": params or {}},
                              separators=(",", ":")).encode())
        while True:
            document = record(*ws.receive())
            if document.get("id") == next_id[0]:
                if "error" in document:
                    raise ProtocolError(f"{method}: {document['error']}")
                return document

    def until(event):
        while True:
            if record(*ws.receive()).get("event") == event:
                return

    def admin(path):
        with socket.create_connection(("127.0.0.1", args.admin_port or args.port), timeout=10) as http:
            http.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
            response = b""
            while chunk := http.recv(65536):
                response += chunk
        status = response.split(b"\r\n", 1)[0].decode()
        if " 20" not in status:
            raise ProtocolError(f"POST {path}: {status}")
        return json.loads(response.split(b"\r\n\r\n", 1)[1])

    until("credentials")
    request("login", {"username": "alice", "password": "alice", "tab": "5b0f6f2e-3c1d-4e0a-9d7b-2f8c1a6e4b93"})
    request("selectIdentifier", {"identifier": "web-alice"})
    request("provision")
    until("ready")
    call = admin("/admin/calls?from=%2B420602123456&user=alice")
    until("callRinging")
    request("answer")
    until("callConnect")
    admin(f"/admin/calls/{call['call']['uniqueid']}/hangup")
    until("callHangup")
    request("changeStatus", {"status": "READY"})
    ws.close()
    print(json.dumps({"extensions": ws.extensions, "messages": received}))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["probe", "idle", "events"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--admin-port", type=int)
    parser.add_argument("--path", default="/")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--deflate", action="store_true")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--settle", type=float, default=3)
    parser.add_argument("--timeout", type=float, default=15)
    args = parser.parse_args()
    try:
        if args.mode == "probe":
            return probe(args)
        if args.mode == "idle":
            if args.server_pid is None:
                parser.error("idle needs --server-pid")
            return idle(args)
        return events(args)
    except (OSError, ProtocolError) as error:
        print(f"memory_client {args.mode}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
