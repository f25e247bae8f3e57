"""A small SIP-over-WebSocket client for the SIP benchmarks (bench/sip.sh): the WebSocket client
side of RFC 6455 with RFC 7692 permessage-deflate, blocking and asyncio, and the SIP requests and
responses a web phone sends (RFC 3261, RFC 7118 §5.2: a made-up `.invalid` host in Via and
Contact), with digest answers (RFC 7616 §3.4, RFC 8760 algorithms). No SIP library, no
WebSocket package: what goes on the wire is what is written here.

    ws = BlockingWebSocket.connect("127.0.0.1", 5060, "/sip?access_token=…", deflate=CHROMIUM_DEFLATE)
    ws.send_text(phone.register())
    reply = parse(ws.receive_text())

`check_sip_client.py` checks the framing against the `websockets` package."""
import asyncio
import base64
import hashlib
import os
import re
import socket
import time
import uuid
import zlib

DOMAIN = "callgate.test"
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


# ---------------------------------------------------------------- SIP


def token(n=8) -> str:
    return uuid.uuid4().hex[:n]


def parse(text: str) -> dict:
    """A SIP message: start, status (int or None), method, headers {lower name: [values]}, body.
    Compact forms are mapped to their long names (RFC 3261 §7.3.3)."""
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    compact = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length"}
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers.setdefault(compact.get(name, name), []).append(value.strip())
    start = lines[0]
    status = int(start.split()[1]) if start.startswith("SIP/2.0 ") else None
    return {"start": start, "status": status, "method": None if status else start.split()[0],
            "headers": headers, "body": body}


def first(message: dict, name: str):
    values = message["headers"].get(name)
    return values[0] if values else None


def cseq_number(message: dict) -> int:
    return int(first(message, "cseq").split()[0])


def challenge_params(value: str) -> dict:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', value)}


class Credentials:
    """Answers to one digest challenge (RFC 7616 §3.4, qop=auth), reusable with a growing nonce
    count: what a phone that caches its credentials sends without waiting for a new challenge."""

    def __init__(self, challenge: str, user: str, password: str):
        self.params = challenge_params(challenge)
        self.user, self.password = user, password
        self.algorithm = self.params.get("algorithm", "MD5")
        self.h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[self.algorithm]
        self.ha1 = self._hex(f"{user}:{self.params['realm']}:{password}")
        self.nc = 0

    def _hex(self, text):
        return self.h(text.encode()).hexdigest()

    def answer(self, method: str, uri: str) -> str:
        self.nc += 1
        cnonce = token(16)
        ha2 = self._hex(f"{method}:{uri}")
        response = self._hex(f"{self.ha1}:{self.params['nonce']}:{self.nc:08x}:{cnonce}:auth:{ha2}")
        return (f'Digest username="{self.user}", realm="{self.params["realm"]}", nonce="{self.params["nonce"]}", '
                f'uri="{uri}", response="{response}", algorithm={self.algorithm}, cnonce="{cnonce}", qop=auth, '
                f'nc={self.nc:08x}')


SDP_OFFER = "\r\n".join([
    "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Bnch", "a=ice-pwd:benchbenchbenchbenchbenc", "a=ice-options:trickle",
    "a=fingerprint:sha-256 5B:2A:9C:1E:77:40:D3:8F:1A:6E:42:0B:99:C8:73:15:E0:6D:A2:4F:3B:81:C6:2E:90:57:1D:FA:63:B4:08:CE",
    "a=setup:actpass", "a=mid:0", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
    "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", ""])
SDP_ANSWER = SDP_OFFER.replace("a=setup:actpass", "a=setup:active").replace("50000", "50002")


class Phone:
    """One web phone's SIP state: its user, its made-up host, its registration (Call-ID, tag,
    CSeq, RFC 5626 instance and reg-id) and its digest credentials when it has a password."""

    def __init__(self, user: str, password: str = None, domain: str = DOMAIN):
        self.user, self.password, self.domain = user, password, domain
        self.host = token(12) + ".invalid"
        self.instance = str(uuid.uuid4())
        self.register_call_id, self.register_tag, self.cseq = token(20), token(10), 0
        self.register_credentials = None

    @property
    def aor(self):
        return f"sip:{self.user}@{self.domain}"

    def via(self):
        return f"Via: SIP/2.0/WS {self.host};branch=z9hG4bK{token(16)}"

    def contact(self, register=False):
        c = f"<sip:{self.user}@{self.host};transport=ws;ob>"
        return c + (f';reg-id=1;+sip.instance="<urn:uuid:{self.instance}>"' if register else "")

    def register(self, expires=600, authorization=None):
        """The next REGISTER of this phone's registration (same Call-ID, next CSeq, §10.2)."""
        self.cseq += 1
        uri = f"sip:{self.domain}"
        lines = [f"REGISTER {uri} SIP/2.0", self.via(), "Max-Forwards: 70",
                 f"To: <{self.aor}>", f"From: <{self.aor}>;tag={self.register_tag}",
                 f"Call-ID: {self.register_call_id}", f"CSeq: {self.cseq} REGISTER",
                 f"Contact: {self.contact(register=True)};expires={expires}", f"Expires: {expires}",
                 "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", "Supported: path, outbound, gruu",
                 "User-Agent: callgate-sip-bench"]
        if authorization:
            lines.append(f"Authorization: {authorization}")
        return "\r\n".join(lines + ["Content-Length: 0", "", ""])

    def authorize_register(self, challenge_response: dict, cache=True) -> str:
        """The Authorization value for the next REGISTER after a 401; kept for refreshes."""
        credentials = Credentials(first(challenge_response, "www-authenticate"), self.user, self.password)
        if cache:
            self.register_credentials = credentials
        return credentials.answer("REGISTER", f"sip:{self.domain}")


class Call:
    """One outgoing call of `caller` to `callee_user`: the INVITE, its ACK, BYE, in order."""

    def __init__(self, caller: Phone, callee_user: str):
        self.caller, self.callee_user = caller, callee_user
        self.call_id, self.from_tag, self.cseq = token(20), token(10), 0
        self.uri = f"sip:{callee_user}@{caller.domain}"
        self.branch = None
        self.to = f"<{self.uri}>"
        self.remote_target, self.route = None, []

    def invite(self, proxy_authorization=None):
        self.cseq += 1
        self.branch = "z9hG4bK" + token(16)
        lines = [f"INVITE {self.uri} SIP/2.0", f"Via: SIP/2.0/WS {self.caller.host};branch={self.branch}",
                 "Max-Forwards: 70", f"To: <{self.uri}>", f"From: <{self.caller.aor}>;tag={self.from_tag}",
                 f"Call-ID: {self.call_id}", f"CSeq: {self.cseq} INVITE", f"Contact: {self.caller.contact()}",
                 "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", "Supported: outbound", "User-Agent: callgate-sip-bench",
                 "Content-Type: application/sdp"]
        if proxy_authorization:
            lines.append(f"Proxy-Authorization: {proxy_authorization}")
        return "\r\n".join(lines + [f"Content-Length: {len(SDP_OFFER)}", "", SDP_OFFER])

    def ack_failure(self, response: dict):
        """§17.1.1.3: the ACK of a non-2xx final response, same branch, the response's To."""
        return "\r\n".join([f"ACK {self.uri} SIP/2.0", f"Via: SIP/2.0/WS {self.caller.host};branch={self.branch}",
                            "Max-Forwards: 70", f"To: {first(response, 'to')}",
                            f"From: <{self.caller.aor}>;tag={self.from_tag}", f"Call-ID: {self.call_id}",
                            f"CSeq: {self.cseq} ACK", "Content-Length: 0", "", ""])

    def established(self, response: dict):
        """A 2xx: the dialog's remote target, route set (§12.1.2: Record-Route reversed) and To."""
        self.to = first(response, "to")
        contact = first(response, "contact")
        found = re.search(r"<([^>]*)>", contact)
        self.remote_target = found.group(1) if found else contact.split(";")[0].strip()
        routes = []
        for value in response["headers"].get("record-route", []):
            routes += [r.strip() for r in value.split(",")]
        self.route = list(reversed(routes))

    def _in_dialog(self, method, cseq):
        lines = [f"{method} {self.remote_target} SIP/2.0", self.caller.via(), "Max-Forwards: 70",
                 f"To: {self.to}", f"From: <{self.caller.aor}>;tag={self.from_tag}", f"Call-ID: {self.call_id}",
                 f"CSeq: {cseq} {method}"]
        lines += [f"Route: {r}" for r in self.route]
        return "\r\n".join(lines + ["Content-Length: 0", "", ""])

    def ack(self):
        return self._in_dialog("ACK", self.cseq)

    def bye(self):
        self.cseq += 1
        return self._in_dialog("BYE", self.cseq)


def respond(request: dict, status: int, reason: str, to_tag=None, contact=None, body="", content_type=None):
    """A response to `request` (§8.2.6): its Via, From, To (with our tag), Call-ID, CSeq and
    Record-Route; a Contact for dialog-creating responses."""
    h = request["headers"]
    to = first(request, "to")
    if to_tag and ";tag=" not in to:
        to += f";tag={to_tag}"
    lines = [f"SIP/2.0 {status} {reason}"]
    lines += [f"Via: {v}" for v in h.get("via", [])]
    lines += [f"Record-Route: {v}" for v in h.get("record-route", [])] if status < 300 and request["method"] == "INVITE" else []
    lines += [f"From: {first(request, 'from')}", f"To: {to}", f"Call-ID: {first(request, 'call-id')}",
              f"CSeq: {first(request, 'cseq')}"]
    if contact:
        lines.append(f"Contact: {contact}")
    if body:
        lines.append(f"Content-Type: {content_type or 'application/sdp'}")
    return "\r\n".join(lines + [f"Content-Length: {len(body.encode())}", "", body])
