#!/usr/bin/env python3
"""Writes the seed corpora of Fuzz/corpus/<target>/ (docs/fuzzing.md): the RFC vectors and the
documented examples each target starts from, behind the settings bytes its input begins with.
Run it after changing a target's input layout; commit what it writes. Deterministic."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
seeds = {}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    seeds.setdefault(target, {})[name] = data


def mask(key, payload):
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def frame(opcode, payload, fin=True, rsv1=False, key=None):
    """One RFC 6455 §5.2 frame; masked with `key` (4 bytes) when given."""
    head = bytes([(0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode])
    length = len(payload)
    bit = 0x80 if key else 0
    if length < 126:
        head += bytes([bit | length])
    elif length < 65536:
        head += bytes([bit | 126]) + length.to_bytes(2, "big")
    else:
        head += bytes([bit | 127]) + length.to_bytes(8, "big")
    return head + (key + mask(key, payload) if key else payload)


# --- http-request: limits byte, cut (2), stride (1), then the request bytes ---------------------
RFC6455_REQUEST = (
    "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n")
HTTP_PREFIX = b"\x00\x00\x17\x05"
seed("http-request", "rfc6455-1.2-upgrade", HTTP_PREFIX + RFC6455_REQUEST.encode())
seed("http-request", "upgrade-permessage-deflate", HTTP_PREFIX + RFC6455_REQUEST.replace(
    "\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\n").encode())
seed("http-request", "pipelined-get-head", HTTP_PREFIX +
     b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nHEAD /status.json?x=1 HTTP/1.1\r\nHost: a:8080\r\nConnection: close\r\n\r\n")
seed("http-request", "post-chunked", HTTP_PREFIX +
     b"POST /admin/calls?from=%2B420602123456&queue=100 HTTP/1.1\r\nHost: [::1]:8080\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
seed("http-request", "http10-keep-alive", b"\x02\x00\x30\x03" +
     b"\r\nGET /callto?number=100 HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc")
seed("http-request", "overlong-line-bare-lf", b"\x02\x00\x2a\x01GET /" + b"a" * 40 + b" HTTP/1.1\nHost: a\r\n\r\n")
seed("http-request", "smuggling-cl-te", HTTP_PREFIX +
     b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n")

# --- ws-frames: flags, window bits, cut (2), stride, mask key (4), then the frames -------------
KEY = bytes([0x37, 0xfa, 0x21, 0x3d])  # RFC 6455 §5.7's masking key


def ws(target_name, flags, frames, bits=0x77, cut=b"\x00\x05", stride=3):
    seed("ws-frames", target_name, bytes([flags, bits]) + cut + bytes([stride]) + KEY + frames)


SERVER, CLIENT, DEFLATE = 0x00, 0x01, 0x02
# RFC 6455 §5.7, client to server (masked) and server to client (unmasked).
ws("rfc6455-5.7-masked-hello", SERVER, bytes.fromhex("818537fa213d7f9f4d5158"))
ws("rfc6455-5.7-unmasked-hello", CLIENT, bytes.fromhex("810548656c6c6f"))
ws("rfc6455-5.7-fragmented-hello", CLIENT, bytes.fromhex("010348656c80026c6f"))
ws("rfc6455-5.7-ping-pong", CLIENT, bytes.fromhex("890548656c6c6f") + bytes.fromhex("8a0548656c6c6f"))
ws("rfc6455-5.7-masked-pong", SERVER, bytes.fromhex("8a8537fa213d7f9f4d5158"))
ws("rfc6455-5.7-256-bytes", CLIENT, frame(2, bytes(range(256))))
ws("rfc6455-5.5.1-close", SERVER, frame(1, b"bye", key=KEY) + frame(8, b"\x03\xe8done", key=KEY))
ws("small-limits-text", SERVER | 0x10, frame(1, "žluťoučký kůň".encode(), fin=False, key=KEY) +
   frame(9, b"p", key=KEY) + frame(0, b"!", key=KEY))
# RFC 7692 §7.2.3, server to client; and the same, masked, client to server.
RFC7692 = {
    "7.2.3.1-hello": "c107f248cdc9c90700",
    "7.2.3.1-fragmented": "4103f248cd8004c9c90700",
    "7.2.3.2-shared-window": "c107f248cdc9c90700" + "c105f200110000",
    "7.2.3.3-stored-block": "c10b000500faff48656c6c6f00",
    "7.2.3.4-bfinal": "c108f348cdc9c9070000",
    "7.2.3.5-two-blocks": "c10df24805000000ffffcac9c90700",
    "7.2.3.6-empty": "c10100",
}
for name, hex_frames in RFC7692.items():
    ws("rfc7692-" + name, CLIENT | DEFLATE, bytes.fromhex(hex_frames))
ws("rfc7692-7.2.3.1-hello-masked", SERVER | DEFLATE, frame(1, bytes.fromhex("f248cdc9c90700"), rsv1=True, key=KEY))
ws("rfc7692-no-context-takeover", SERVER | DEFLATE | 0x08, frame(1, bytes.fromhex("f248cdc9c90700"), rsv1=True, key=KEY) * 2,
   bits=0x99)

# --- http-response: limits byte, cut (2), stride, client deflate options (2), the server's bytes -
RFC6455_RESPONSE = (
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n")
RESPONSE_PREFIX = b"\x00\x00\x20\x04\x00\x77"
seed("http-response", "rfc6455-1.3-switching-protocols", RESPONSE_PREFIX + RFC6455_RESPONSE.encode() + bytes.fromhex("810548656c6c6f"))
seed("http-response", "deflate-accepted", b"\x00\x00\x20\x04\x01\x77" + RFC6455_RESPONSE.replace(
    "\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=10\r\n\r\n").encode())
seed("http-response", "continue-then-ok-chunked", RESPONSE_PREFIX +
     b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
seed("http-response", "refused-403", b"\x02\x00\x10\x01\x04\x00" +
     b"HTTP/1.0 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforbidden")
seed("http-response", "no-reason-304", RESPONSE_PREFIX + b"HTTP/1.1 304\r\nETag: W/\"x\"\r\nContent-Length: 5000\r\n\r\n")

# --- http-chunked: limits byte, cut (2), stride, then the body -----------------------------------
seed("http-chunked", "rfc9112-7.1", b"\x00\x00\x07\x03" + b"4\r\nWiki\r\n5;ext=\"v\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n")
seed("http-chunked", "trailer", b"\x00\x00\x05\x02" + b"a\r\n0123456789\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\nNEXT")
seed("http-chunked", "small-limits", b"\x02\x00\x03\x01" + b"10\r\n0123456789abcdef\r\n000;a=b\r\n\r\n")

# --- ws-deflate-negotiation: server options (2), client options (2), header values a line each --
seed("ws-deflate-negotiation", "chrome-offer", b"\x00\x77\x00\x77" + b"permessage-deflate; client_max_window_bits")
seed("ws-deflate-negotiation", "rfc7692-5.2-offers", b"\x01\x44\x02\x55" +
     b"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate; client_max_window_bits\n"
     b"x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover; client_no_context_takeover")
seed("ws-deflate-negotiation", "quoted-values", b"\x00\x37\x03\x73" +
     b'permessage-deflate; server_max_window_bits="10"; client_max_window_bits="8"\npermessage-deflate; client_max_window_bits=015')
seed("ws-deflate-negotiation", "firefox-response", b"\x00\x77\x00\x77" + b"permessage-deflate")

# --- json: the text ------------------------------------------------------------------------------
seed("json", "rfc8259-13-object", '{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor",'
     '"Thumbnail":{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},'
     '"Animated":false,"IDs":[116,943,234,38793]}}')
seed("json", "rfc8259-13-array", '[{"precision":"zip","Latitude":37.7668,"Longitude":-122.3959,"Address":"",'
     '"City":"SAN FRANCISCO","State":"CA","Zip":"94107","Country":"US"}]')
seed("json", "escapes-and-numbers", '[" \\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u00e9\\ud83d\\ude00\\u2028", -0, 0.5e-3, 1E+400, '
     '12345678901234567890, true, null, {}]')
seed("json", "nested", "[" * 32 + "]" * 32)

# --- agent-request: one text message (docs/agent-protocol.md) ---------------------------------------
for name, text in {
    "dial": '{"id":5,"method":"dial","params":{"number":"0800123456","queue":"directCall"}}',
    "login": '{"id":1,"method":"login","params":{"username":"alice","password":"alice","remember":true,'
             '"autologout":false,"logoutOnClose":false}}',
    "sso": '{"id":"s-1","method":"sso","params":{"username":"alice","token":"bm90IGEgdG9rZW4xNzAwMDAwMDAw","provider":"CRM"}}',
    "attach": '{"id":1,"method":"attach","params":{"lastSeq":41,"token":"v1.eA.eA"}}',
    "ack": '{"id":9,"method":"ack","params":{"seq":17}}',
    "notify": '{"id":"n","method":"notify","params":{"title":"Hi","type":"warning","unique":true,"timeout":3000,'
              '"boundState":"READY","group":"g","other":{"a":[1,2]}}}',
    "call-history": '{"method":"callHistory","id":-1.5e3,"params":{"filter":"+420","direction":"INCOMING","limit":20}}',
    "identificator": '{"id":2,"method":"identificator","params":{"identificator":"web-alice"}}',
    "dtmf": '{"id":3,"method":"dtmf","params":{"digits":"12*#AD"}}',
    "lone-surrogate-id": '{"id":"\\ud800","method":"hangup"}',
    "escaped-id-key": '{"\\u0069d":1,"method":"state"}',
    "malformed-after-id": '{"id":"x","method":"hangup",}',
}.items():
    seed("agent-request", name, text)

# --- call-control: one message of the call-control protocol (docs/backend-protocol.md §12) --------
for name, text in {
    "hello-backend": '{"type":"hello","version":1,"epoch":"0cf00db7c0e0e3a569a4f2daee84fbe9","backend":"callgate-switchboard 0.1.0"}',
    "hello-gateway": '{"type":"hello","version":1,"instance":"gw-1:4242"}',
    "hello-version-2": '{"type":"hello","version":2}',
    "sign-in": '{"type":"request","id":1,"request":"signIn","user":"alice","identifiers":["web-alice","127.0.0.1"]}',
    "dial": '{"type":"request","id":2,"request":"execute","user":"alice","method":"dial","params":{"idempotencyKey":"k1",'
            '"number":"+420602123456","queue":"undefined"}}',
    "change-status": '{"type":"request","id":3,"request":"execute","user":"alice","method":"changeStatus",'
                     '"params":{"reason":"Ob\u011bd","status":"AUX"}}',
    "set-busy": '{"type":"request","id":7,"request":"setBusy","user":"alice","busy":true}',
    "look-up": '{"type":"request","id":8,"request":"lookUp","lookups":[{"kind":"named","value":"alice"},'
               '{"kind":"workplace","value":"wp-7"},{"kind":"line","value":"2001"}]}',
    "call-history": '{"type":"request","id":10,"request":"callHistory","user":"alice","query":{"filter":"602",'
                    '"direction":"INCOMING","limit":20}}',
    "admin": '{"type":"request","id":12,"request":"admin","method":"POST","path":"/admin/calls",'
             '"query":"from=%2B420602123456&queue=100"}',
    "unknown-request": '{"type":"request","id":14,"request":"teleport","user":"alice"}',
    "answer-fields": '{"type":"answer","id":2,"result":"executed","reply":"fields","fields":{"uniqueid":"1796629275.4"}}',
    "answer-found": '{"type":"answer","id":8,"result":"found","users":["alice",null,"bob"]}',
    "answer-summary": '{"type":"answer","id":11,"result":"summary","agents":[{"username":"alice","state":"READY",'
                      '"status":"READY","reason":null,"call":null,"busy":false}],"liveCalls":0,"waitingCallers":0}',
    "answer-error": '{"type":"answer","id":13,"error":{"code":"noActiveCall","text":"there is no call to answer","httpStatus":409}}',
    "event": '{"type":"event","user":"alice","n":8,"event":"stateChange","data":{"status":"AUX","reason":"Ob\u011bd"}}',
    "resync": '{"type":"resync","epoch":"","after":{"alice":8,"bob":3},"signedIn":["alice"]}',
    "resynced": '{"type":"resynced","lost":["bob"],"signedOut":["alice"]}',
    "id-too-large": '{"type":"request","id":9007199254740992,"request":"summary"}',
    "not-an-object": '["hello"]',
}.items():
    seed("call-control", name, text)

# --- mux: one message from the back end (docs/backend-protocol.md) ---------------------------------
seed("mux", "hello", '{"type":"hello","version":1,"instance":"gw-1","channel":"recording"}')
seed("mux", "open", '{"type":"open","session":17,"channel":"recording","user":"alice","provider":"CRM",'
     '"address":"203.0.113.9","path":"/recording","query":"lang=cs","subprotocol":null,'
     '"origin":"https://crm.example.com","resumed":false}')
seed("mux", "close", '{"type":"close","session":17,"code":4000,"reason":"recording finished"}')
seed("mux", "close-fraction", '{"type":"close","session":1.7e1,"code":1e5}')
seed("mux", "unknown-type", '{"type":"stats","x":[1]}')
seed("mux", "data-text", b"\x01\x00\x00\x00\x11" + b'{"id":7,"result":{}}')
seed("mux", "data-binary", b"\x02\xff\xff\xff\xff\x00\x01\x02")
seed("mux", "request-id-string", '{"id":"a\\"b\\u00e9","method":"list"}')
seed("mux", "lone-surrogate-id", '{"id":"\\udc00","method":"list"}')

# --- tokens: lines token, user, provider, scope; a byte of times; then a first message ----------
import base64, hashlib, hmac, urllib.parse


def session_token(key, user, provider, scope, issued, expires):
    """SessionTokenSigner's format (its doc comment gives this Python)."""
    b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
    payload = "\n".join([urllib.parse.quote(x, safe="") for x in (user, provider, scope)] + [str(issued), str(expires)])
    signed = b"v1." + b64u(payload.encode())
    return signed + b"." + b64u(hmac.new(key, signed, "sha256").digest())


def sso_token(secret, user, timestamp):
    """docs/compatibility.md §1.10: base64(sha1_raw(secret + username + timestamp) + username + timestamp)."""
    signed = (user + str(timestamp)).encode()
    return base64.b64encode(hashlib.sha1(secret + signed).digest() + signed)


NOW = 1_700_000_000
SESSION_KEY = b"\x42" * 32
seed("tokens", "session-token", session_token(SESSION_KEY, "alice", "password", "recording", NOW - 10, NOW + 3600)
     + b"\nalice\npassword\nrecording\n\x21" + b'{"type":"auth","token":"v1.x.y"}')
seed("tokens", "widget-token", session_token(SESSION_KEY, "bob", "tokengen", "lastcaller", NOW, NOW + 90 * 86400)
     + b"\nbob\ntokengen\nlastcaller\n\x00" + b'{"type":"sso","username":"bob","token":"t","provider":"CRM"}')
seed("tokens", "sso-token", sso_token(b"crm-secret", "alice", NOW - 60) + b"\nalice\nCRM\n\n\x3c" + b'{"type":"sso","username":"a","token":"b"}')
seed("tokens", "sso-default-unpadded", sso_token(b"default-secret", "carol", NOW).rstrip(b"=") + b"\ncarol\n\n\n\x00")
seed("tokens", "basic-rfc7617", b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\nAladdin\nopen sesame\n\n\x00" + b"[]")
seed("tokens", "basic-utf8", b"  basic  dGVzdDoxMjPCow== \nt\xc3\xa9st\n123\xc2\xa3\nx\n\x00{}")

# --- static-files: lines path, entity tag, If-None-Match, HTTP-date, Accept-Encoding (two) ------
seed("static-files", "index", '/\n"abc"\n"abc", W/"def"\nSun, 06 Nov 1994 08:49:37 GMT\ngzip, deflate, br\n*;q=0.5')
seed("static-files", "nested", '/css/app.css\nW/"x1"\n*\nSunday, 06-Nov-94 08:49:37 GMT\ngzip;q=1.0, identity;q=0\n')
seed("static-files", "escaped", '/docs/caf%C3%A9%20menu.html\n"\xc3\xa9"\nW/"a,b" ,, "c"\nSun Nov  6 08:49:37 1994\nx-gzip;Q=0.001\nbr')
seed("static-files", "traversal", '/a/%2e%2e/etc/passwd\n"unterminated\n"a" "b"\nSun, 31 Feb 1994 08:49:37 GMT\ngzip;q=1.5\n')
seed("static-files", "directory", '/docs/\n"\n\n\n*;q=0\nidentity')

# --- click-to-call: a flags byte, the request target, a number, a Vodia user (lines) -------------
for name, flags, target in [
    ("oktell-callto", 0, "/callto?number=%2B420602123456"),
    ("oktell-server", 0, "/wp_autocallstart?user=alice&number=602123456&direction=city&sequence=back&key=k1&_=17"),
    ("oktell-server-pbx", 1, "/wp_autocallstart?wp=WP-7&number=2001&direction=pbx"),
    ("mia", 0, "/?action=make_call&target=+420602123456&key=k"),
    ("yealink-servlet", 0, "/servlet?key=number=0602123456"),
    ("yealink-configman", 1, "/cgi-bin/ConfigManApp.com?number=84952294989"),
    ("snom", 0, "/command.htm?number=100"),
    ("vodia", 0, "/makecall.htm?destnumber=1234567890&user=alice&pass=0123456789abcdef0123456789ABCDEF&time=1700000000&duration=60&lang=pt-BR"),
    ("lastcaller", 0, "/lastcaller/?vcallerid=%2B420602123456&token=v1.a.b&format=json"),
    ("tokengen", 2, "/lastcaller/tokengen/?days=90&_=1"),
    # The seeds' URLs of docs/click-to-call.md §1, verbatim, and a template with `xxx`.
    ("seed-oktell-callto", 1, "/callto?number=74952294989"),
    ("seed-oktell-server", 1, "/wp_autocallstart?user=admin&number=74952294989&direction=city&sequence=back"),
    ("seed-oktell-server-wp-ip", 1, "/wp_autocallstart?wp=192.168.0.82&number=74952294989&direction=city&sequence=back"),
    ("seed-oktell-server-wp-name", 1, "/wp_autocallstart?wp=Comp082&number=74952294989&direction=city&sequence=back"),
    ("seed-mia", 0, "/?action=make_call&target=123"),
    ("seed-mia-121", 0, "/?action=make_call&target=121"),
    ("seed-yealink", 0, "/servlet?key=number=1234"),
    ("seed-template-xxx", 0, "/callto?number=xxx"),
]:
    seed("click-to-call", name, bytes([flags]) + target.encode() + b"\n+7 (495) 229-49-89\nalice")

# --- action-url: an offset byte, the query, a time stamp (lines) ----------------------------------
# docs/click-to-call.md §4: the query to configure on a phone, placeholders unsubstituted.
seed("action-url", "seed-template", b"\x00action=<$action>&call_direction=<$call_direction>&call_direction_as_int=<$call_direction_as_int>"
     b"&local_party=<$local_party>&local_alias=<$local_alias>&hold_state=<$hold_state>&call_duration_seconds=<$call_duration_seconds>"
     b"&call_created_time=<$call_created_time>&call_connected_time=<$call_connected_time>"
     b"&call_disconnected_time=<$call_disconnected_time>&call_guid=<$call_guid>&remote_party=<$remote_party>"
     b"&remote_alias=<$remote_alias>\n")
seed("action-url", "inbound", b"\x01action=inbound&call_direction=inbound&local_party=987%40example.com&local_alias=Alice"
     b"&call_created_time=2019-03-25T10-34-22&call_guid=1399c8c8-cf9e-3ebe-764f-d12b1f7bea35&remote_party=+420602123456"
     b"&remote_alias=Jan%20Nov%C3%A1k\n2019-03-25T10:34:22")
seed("action-url", "hold", b"\x02action=hold&call_direction_as_int=1&local_party=sip:987@example.com;transport=tcp"
     b"&hold_state=on_hold&call_duration_seconds=0042&call_guid=g.1&remote_party=&key=k\n1970-01-01T00-00-00")
seed("action-url", "disconnected", b"\x05action=disconnected&call_direction=outbound&local_party=100&call_guid=x"
     b"&call_connected_time=2024-02-29T23:59:59&call_disconnected_time=2024-03-01T00-00-01\n2024-02-30T00-00-00")

# --- query-string: a flags byte, the query, names to remove, any text, an admin path (lines) -----
seed("query-string", "credentials", b"\x00room=1&access_token=v1.x&sso_username=a&sso_token=ab%2Bcd%3D&&x\n"
     b"access_token,sso_username,sso_token,sso_provider\n\xc5\xbelu\xc5\xa5ou\xc4\x8dk\xc3\xbd k\xc5\xaf\xc5\x88 + %\ncalls")
seed("query-string", "admin-place-call", b"\x01from=%2B420602123456&queue=100\n\nx\ncalls")
seed("query-string", "admin-answer", b"\x01\n\n\ncalls/1700000000.1/answer")
seed("query-string", "bad-escapes", b"\x00a=%zz&%=1&b=%C3%28&c=%e2%82%ac&+=+\nb\n\x00\x01\x7f\nagents")

# --- user-channel: one message of a user's channel or of the instances' channel (docs/cluster.md §6) -
seed("user-channel", "event", b'e 7 k3x9 1765100000000 {"event":"callRinging","seq":7}')
seed("user-channel", "tombstone", b"e 8 k3x9 1765100000001 ")
seed("user-channel", "ack", b"a 7")
seed("user-channel", "resend", b"r 7")
seed("user-channel", "joined", b"j 1 gw1:4242 127.0.0.5 tab 0f3a")
seed("user-channel", "presence-ask", b"p 1 gw2:17 2 1765100000000")
seed("user-channel", "heartbeat", b"h gw1:4242")

# --- the findings of docs/fuzzing.md §5, as seeds -------------------------------------------------
ws("finding-utf8-before-corrupt-deflate", CLIENT | DEFLATE, bytes.fromhex("c107000100feffff06"), cut=b"\x00\x08")
seed("tokens", "finding-combining-mark-bearer", b"\xcd\x9dx\nu\np\ns\n\x00")
seed("static-files", "finding-combining-mark-comma", b"/\n\n\n\n, br\n\xd6\xbfq=5.5")
seed("query-string", "finding-second-question-mark", b"\x00??x=1&&y=2&\ny\n\nagents")


def main():
    for target, files in seeds.items():
        folder = os.path.join(CORPUS, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
    print("\n".join(f"{target}: {len(files)} seeds" for target, files in sorted(seeds.items())))


if __name__ == "__main__":
    main()
