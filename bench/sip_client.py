"""The SIP side of the SIP benchmarks' phones (bench/sip.sh): the requests and responses a web
phone sends (RFC 3261, RFC 7118 §5.2: a made-up `.invalid` host in Via and Contact), with digest
answers (RFC 7616 §3.4, RFC 8760 algorithms). No SIP library: what goes on the wire is what is
written here. The WebSocket under them is sip_websocket.py."""
import hashlib
import re
import uuid

DOMAIN = "callgate.test"


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
