"""A MOCK of a SIP server over WebSocket (RFC 7118), standing in for Kamailio where a test needs
to see exactly what reached the server: a Python `websockets` server in the test's own event
loop that selects the `sip` subprotocol, records every message it receives (with its header
fields, parsed here independently of the gateway's parser), and answers like a registrar and
proxy would in the simplest case:

- REGISTER, OPTIONS, MESSAGE, BYE, CANCEL: 200 OK (the request's Via, From, To with a tag,
  Call-ID, CSeq; a REGISTER's Contact echoed);
- INVITE: 100 Trying, then 180 Ringing and 200 OK with a Contact (the test drives the call);
- ACK: nothing;
- a keep-alive `CRLF CRLF`: `CRLF` (RFC 5626 §3.5.1);
- `send(text)` sends any message to the connected browser (a call coming in).

Real SIP behaviour is tested against Kamailio (Tests/interop/test_sip_kamailio.py)."""
import asyncio

from websockets.asyncio.server import serve


def parse(text: str) -> dict:
    """Start line, header fields (name lowercased, compact forms as they came, values unfolded)
    and body of one SIP message."""
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    unfolded = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += " " + line.strip()
        else:
            unfolded.append(line)
    headers = []
    for line in unfolded:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return {"start": lines[0], "headers": headers, "body": body}


def values(message: dict, name: str) -> list:
    return [v for n, v in message["headers"] if n == name.lower()]


def first(message: dict, name: str, compact: str = None) -> str:
    found = values(message, name) or (values(message, compact) if compact else [])
    return found[0] if found else None


class MockSIPServer:
    """Use as `async with MockSIPServer() as server:`; `server.port`, `server.received` (parsed
    messages in arrival order, each with its `raw` text), `server.handshakes` (request headers)."""

    def __init__(self):
        self.received = []
        self.handshakes = []
        self.connections = []
        self.port = None
        self._server = None
        self._tag = 0

    async def __aenter__(self):
        async def process_request(connection, request):
            self.handshakes.append(dict(request.headers.raw_items()))
            return None

        def select(connection, offered):
            return "sip" if "sip" in offered else None

        self._server = await serve(self._handler, "127.0.0.1", 0, process_request=process_request,
                                   select_subprotocol=select, compression=None)
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self._server.close()
        await self._server.wait_closed()

    def with_call_id(self, call_id: str) -> list:
        return [m for m in self.received if first(m, "call-id", "i") == call_id]

    async def responses_for(self, call_id: str, count: int, seconds=5.0) -> list:
        """The responses received for `call_id` once there are `count` (or what came within
        `seconds`): the server reads on the test's event loop, which must get its turns."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            responses = [m for m in self.with_call_id(call_id) if m["start"].startswith("SIP/2.0")]
            if len(responses) >= count or asyncio.get_running_loop().time() > deadline:
                return responses
            await asyncio.sleep(0.05)

    async def send(self, text: str):
        await self.connections[-1].send(text)

    def _response(self, request: dict, status: str, extra=()) -> str:
        self._tag += 1
        to = first(request, "to", "t")
        if ";tag=" not in to:
            to += f";tag=mock{self._tag}"
        lines = [f"SIP/2.0 {status}"]
        lines += [f"Via: {v}" for v in values(request, "via") + values(request, "v")]
        lines += [f"From: {first(request, 'from', 'f')}", f"To: {to}", f"Call-ID: {first(request, 'call-id', 'i')}",
                  f"CSeq: {first(request, 'cseq')}", *extra, "Content-Length: 0", "", ""]
        return "\r\n".join(lines)

    async def _handler(self, ws):
        self.connections.append(ws)
        async for text in ws:
            if isinstance(text, bytes):
                text = text.decode()
            if text.strip("\r\n") == "":
                self.received.append({"raw": text, "start": "", "headers": [], "body": ""})
                await ws.send("\r\n")
                continue
            message = parse(text)
            message["raw"] = text
            self.received.append(message)
            if message["start"].startswith("SIP/2.0"):
                continue
            method = message["start"].split(" ", 1)[0]
            if method == "ACK":
                continue
            if method == "INVITE":
                await ws.send(self._response(message, "100 Trying"))
                continue
            extra = [f"Contact: {c}" for c in values(message, "contact")] if method == "REGISTER" else []
            await ws.send(self._response(message, "200 OK", extra))
