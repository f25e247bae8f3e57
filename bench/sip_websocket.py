"""The WebSocket client of the SIP benchmarks (bench/sip.sh, sip_client.py's phones): the client
side of RFC 6455 with RFC 7692 permessage-deflate, blocking and asyncio. No WebSocket package:
what goes on the wire is what is written here; `check_sip_client.py` checks it against the
`websockets` package.

    ws = BlockingWebSocket.connect("127.0.0.1", 5060, "/sip?access_token=…", deflate=CHROMIUM_DEFLATE)
    ws.send_text(phone.register())
    reply = parse(ws.receive_text())"""
import asyncio
import base64
import hashlib
import os
import socket
import time
import zlib

# What Chromium offers (net/websockets/websocket_deflate_parameters.cc): no parameters but
# client_max_window_bits, which lets the server choose our window.
CHROMIUM_DEFLATE = "permessage-deflate; client_max_window_bits"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SYNC_FLUSH_TAIL = b"\x00\x00\xff\xff"


class WebSocketClosed(Exception):
    pass


# ---------------------------------------------------------------- the WebSocket client's framing


def mask(payload: bytes, key: bytes) -> bytes:
    """RFC 6455 §5.3: payload XOR the repeated 4-byte key."""
    n = len(payload)
    if n == 0:
        return b""
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(repeated, "little")).to_bytes(n, "little")


def encode_frame(opcode: int, payload: bytes, rsv1=False) -> bytes:
    """One final, masked client frame (§5.2)."""
    n = len(payload)
    first = 0x80 | (0x40 if rsv1 else 0) | opcode
    if n < 126:
        head = bytes([first, 0x80 | n])
    elif n < 65536:
        head = bytes([first, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([first, 0x80 | 127]) + n.to_bytes(8, "big")
    key = os.urandom(4)
    return head + key + mask(payload, key)


class Deflate:
    """RFC 7692 for the client: the agreed parameters from the server's answer, a compressor for
    what we send (every data message, as Chromium does) and a decompressor for messages with RSV1."""

    def __init__(self, answer: str):
        params = {}
        for part in answer.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        self.answer = answer
        self.client_bits = int(params.get("client_max_window_bits") or 15)
        self.server_bits = int(params.get("server_max_window_bits") or 15)
        self.client_reset = "client_no_context_takeover" in params
        self.server_reset = "server_no_context_takeover" in params
        self.compressor = self._compressor()
        self.decompressor = zlib.decompressobj(wbits=-self.server_bits)

    def _compressor(self):
        # zlib cannot deflate raw with an 8-bit window; 9 is readable by an 8-bit inflater only
        # in theory, so such an answer is refused in handshake() instead
        return zlib.compressobj(6, zlib.DEFLATED, -self.client_bits, 8)

    def compress(self, data: bytes) -> bytes:
        out = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        if self.client_reset:
            self.compressor = self._compressor()
        assert out.endswith(SYNC_FLUSH_TAIL)
        return out[:-4] or b"\x00"

    def decompress(self, data: bytes) -> bytes:
        out = self.decompressor.decompress(data + SYNC_FLUSH_TAIL)
        if self.server_reset:
            self.decompressor = zlib.decompressobj(wbits=-self.server_bits)
        return out


class FrameReader:
    """Server frames (unmasked) from a byte stream into messages; control frames are returned as
    they come (they may sit between the fragments of a message, §5.4)."""

    def __init__(self):
        self.buffer = bytearray()
        self.fragments = None  # (opcode, compressed, [payloads]) of a message in progress

    def feed(self, data: bytes):
        self.buffer += data

    def next(self, deflate):
        """The next (opcode, payload) complete in the buffer, or None."""
        while True:
            b = self.buffer
            if len(b) < 2:
                return None
            first, second = b[0], b[1]
            if second & 0x80:
                raise WebSocketClosed("the server masked a frame (RFC 6455 §5.1)")
            n, offset = second & 0x7F, 2
            if n == 126:
                if len(b) < 4:
                    return None
                n, offset = int.from_bytes(b[2:4], "big"), 4
            elif n == 127:
                if len(b) < 10:
                    return None
                n, offset = int.from_bytes(b[2:10], "big"), 10
            if len(b) < offset + n:
                return None
            payload = bytes(b[offset:offset + n])
            del b[:offset + n]
            fin, rsv1, opcode = bool(first & 0x80), bool(first & 0x40), first & 0x0F
            if opcode >= 0x8:
                return opcode, payload
            if opcode != 0:
                if self.fragments is not None:
                    raise WebSocketClosed("a new message inside a fragmented one")
                if rsv1 and deflate is None:
                    raise WebSocketClosed("RSV1 without permessage-deflate")
                self.fragments = (opcode, rsv1, [payload])
            else:
                if self.fragments is None:
                    raise WebSocketClosed("a continuation frame without a message")
                self.fragments[2].append(payload)
            if fin:
                opcode, compressed, parts = self.fragments
                self.fragments = None
                data = b"".join(parts)
                return opcode, deflate.decompress(data) if compressed else data


def handshake_request(host: str, port: int, path: str, subprotocol: str, deflate: str, headers=()):
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if subprotocol:
        lines.append(f"Sec-WebSocket-Protocol: {subprotocol}")
    if deflate:
        lines.append(f"Sec-WebSocket-Extensions: {deflate}")
    lines += list(headers)
    expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode(), expected


class HandshakeRefused(Exception):
    def __init__(self, status: int, head: str):
        super().__init__(f"handshake refused: {head.splitlines()[0] if head else '(nothing)'}")
        self.status = status


def read_handshake_response(head: bytes, expected_accept: str, offered_deflate: bool):
    """The server's answer: (subprotocol, Deflate or None); HandshakeRefused on anything but a
    valid 101."""
    text = head.decode("latin-1")
    lines = text.split("\r\n")
    status = int(lines[0].split()[1]) if len(lines[0].split()) > 1 else 0
    if status != 101:
        raise HandshakeRefused(status, text)
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    if fields.get("sec-websocket-accept") != [expected_accept]:
        raise HandshakeRefused(101, "bad Sec-WebSocket-Accept\r\n" + text)
    extensions = ", ".join(fields.get("sec-websocket-extensions", []))
    deflate = None
    if extensions:
        if not offered_deflate or not extensions.startswith("permessage-deflate"):
            raise HandshakeRefused(101, "an extension that was not offered\r\n" + text)
        deflate = Deflate(extensions)
        if deflate.client_bits < 9:
            raise HandshakeRefused(101, "client_max_window_bits below 9 (zlib cannot)\r\n" + text)
    protocol = (fields.get("sec-websocket-protocol") or [None])[0]
    return protocol, deflate


class BlockingWebSocket:
    """A client connection on a blocking socket: for sequential round-trip timing, with nothing
    between the measurement and the socket calls."""

    def __init__(self, sock, rest: bytes, protocol, deflate):
        self.sock, self.protocol, self.deflate = sock, protocol, deflate
        self.reader = FrameReader()
        self.reader.feed(rest)
        self.closed = False

    @classmethod
    def connect(cls, host, port, path, subprotocol="sip", deflate=None, timeout=10.0, headers=()):
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request, expected = handshake_request(host, port, path, subprotocol, deflate, headers)
        sock.sendall(request)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(65536)
            if not chunk:
                sock.close()
                raise HandshakeRefused(0, head.decode("latin-1"))
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        try:
            protocol, agreed = read_handshake_response(head, expected, bool(deflate))
        except HandshakeRefused:
            sock.close()
            raise
        return cls(sock, rest, protocol, agreed)

    def send_text(self, text: str):
        data = text.encode()
        if self.deflate:
            self.sock.sendall(encode_frame(0x1, self.deflate.compress(data), rsv1=True))
        else:
            self.sock.sendall(encode_frame(0x1, data))

    def receive_text(self, timeout=10.0) -> str:
        """The next text message; pings are answered, pongs skipped, a close raises."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.reader.next(self.deflate)
            if message is not None:
                opcode, payload = message
                if opcode == 0x1:
                    return payload.decode()
                if opcode == 0x9:
                    self.sock.sendall(encode_frame(0xA, payload))
                elif opcode == 0x8:
                    self.sock.sendall(encode_frame(0x8, payload[:2]))  # §5.5.1: the close answered
                    self.closed = True
                    raise WebSocketClosed(f"closed by the server: {payload[:2].hex()} {payload[2:]!r}")
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                self.closed = True
                raise WebSocketClosed("the server closed the TCP connection")
            self.reader.feed(chunk)

    def close(self):
        if not self.closed:
            try:
                self.sock.sendall(encode_frame(0x8, (1000).to_bytes(2, "big")))
            except OSError:
                pass
        self.closed = True
        self.sock.close()


class AsyncWebSocket:
    """The same over asyncio streams, for many connections at once. A reader task answers pings
    at once (a phone that waits for its refresh must still answer the servers' pings) and puts
    each text message, with the time it was read, on `messages`."""

    def __init__(self, reader, writer, rest, protocol, deflate):
        self.reader, self.writer, self.protocol, self.deflate = reader, writer, protocol, deflate
        self.frames = FrameReader()
        self.frames.feed(rest)
        self.messages = asyncio.Queue()
        self.closed = None  # why, once closed
        self.task = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, host, port, path, subprotocol="sip", deflate=None, timeout=10.0, headers=()):
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=1 << 20), timeout)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request, expected = handshake_request(host, port, path, subprotocol, deflate, headers)
        writer.write(request)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
            protocol, agreed = read_handshake_response(head[:-4], expected, bool(deflate))
        except (asyncio.IncompleteReadError, HandshakeRefused, asyncio.TimeoutError, OSError) as error:
            writer.close()
            if isinstance(error, asyncio.IncompleteReadError):
                raise HandshakeRefused(0, error.partial.decode("latin-1")) from None
            raise
        return cls(reader, writer, b"", protocol, agreed)

    async def _read(self):
        try:
            while True:
                message = self.frames.next(self.deflate)
                if message is None:
                    chunk = await self.reader.read(65536)
                    if not chunk:
                        raise WebSocketClosed("the server closed the TCP connection")
                    self.frames.feed(chunk)
                    continue
                opcode, payload = message
                if opcode == 0x1:
                    self.messages.put_nowait((time.perf_counter(), payload.decode()))
                elif opcode == 0x9:
                    self.writer.write(encode_frame(0xA, payload))
                elif opcode == 0x8:
                    self.writer.write(encode_frame(0x8, payload[:2]))  # §5.5.1: the close answered
                    raise WebSocketClosed(f"closed by the server: {payload[:2].hex()} {payload[2:]!r}")
        except (WebSocketClosed, OSError, zlib.error) as error:
            self.closed = str(error) or type(error).__name__
            self.messages.put_nowait((time.perf_counter(), None))
        except asyncio.CancelledError:
            self.closed = "closed by us"

    def send_text(self, text: str):
        if self.closed:
            raise WebSocketClosed(self.closed)
        data = text.encode()
        if self.deflate:
            self.writer.write(encode_frame(0x1, self.deflate.compress(data), rsv1=True))
        else:
            self.writer.write(encode_frame(0x1, data))

    async def receive_text(self, timeout=10.0):
        """(time read, text) of the next text message; WebSocketClosed once the connection ended."""
        when, text = await asyncio.wait_for(self.messages.get(), timeout)
        if text is None:
            self.messages.put_nowait((when, None))
            raise WebSocketClosed(self.closed)
        return when, text

    async def close(self):
        if not self.closed:
            try:
                self.writer.write(encode_frame(0x8, (1000).to_bytes(2, "big")))
            except OSError:
                pass
        self.task.cancel()
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (OSError, asyncio.CancelledError):
            pass
