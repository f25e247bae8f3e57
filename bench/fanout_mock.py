# A stand-in for Callgate's agent sessions, to check loadgen --fanout's agent path before the real
# ones land: ws /ws with login (bench/pw), selectIdentifier, provision, attach (token v1.tok/x), ack;
# POST /admin/calls?… (Bearer KEY) pushes callNew + callRinging (~1.3 KB) to every tab; POST
# /admin/calls/ID/hangup pushes callHangup. Not a benchmark (asyncio, one thread). Usage:
#   python3 bench/fanout_mock.py PORT &
#   bench/.build/release/loadgen --port PORT --path /ws --fanout --connections 300 --trigger "/admin/calls?user=bench" \
#     --hangup "/admin/calls/{uniqueid}/hangup" --authorization "Bearer KEY" --agent-user bench --agent-password pw --agent-identifier bench-phone
import asyncio, base64, hashlib, json, struct, sys
tabs = []; seq = [0]; calls = [0]
def frame(text):
    b = text.encode(); n = len(b)
    h = bytes([0x81]) + (bytes([n]) if n < 126 else bytes([126]) + struct.pack('>H', n) if n < 65536 else bytes([127]) + struct.pack('>Q', n))
    return h + b
async def read_frame(r):
    h = await r.readexactly(2); n = h[1] & 0x7f
    if n == 126: n = struct.unpack('>H', await r.readexactly(2))[0]
    elif n == 127: n = struct.unpack('>Q', await r.readexactly(8))[0]
    mask = await r.readexactly(4); p = bytearray(await r.readexactly(n))
    for i in range(n): p[i] ^= mask[i % 4]
    return h[0] & 0x0f, bytes(p)
def event(name, data):
    seq[0] += 1
    return json.dumps({"event": name, "seq": seq[0], "data": data}, separators=(',', ':'))
async def handle(r, w):
    head = (await r.readuntil(b'\r\n\r\n')).decode()
    line = head.split('\r\n')[0]; method, target, _ = line.split(' ')
    if method == 'POST':
        assert 'Authorization: Bearer KEY' in head, head
        if target.startswith('/admin/calls?'):
            calls[0] += 1; uid = f"u{calls[0]}.1"
            call = {"uniqueid": uid, "pad": "x" * 1200}
            for msg in (event("callNew", {"call": call}), event("callRinging", {"call": call})):
                f = frame(msg)
                for t in tabs: t.write(f)
            body = json.dumps({"uniqueid": uid}).encode(); status = "201 Created"
        elif target.endswith('/hangup'):
            f = frame(event("callHangup", {"call": {"uniqueid": target.split('/')[3]}}))
            for t in tabs: t.write(f)
            body = b'{}'; status = "200 OK"
        else:
            body = b'no'; status = "404 Not Found"
        w.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body); await w.drain(); w.close(); return
    if target == '/healthz':
        w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); await w.drain(); w.close(); return
    key = [l.split(': ')[1] for l in head.split('\r\n') if l.lower().startswith('sec-websocket-key')][0]
    acc = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()
    w.write(f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {acc}\r\n\r\n".encode())
    w.write(frame('{"event":"connect","data":{"version":"4.0.0","protocol":1}}') + frame('{"event":"credentials","data":{}}'))
    while True:
        try: op, p = await read_frame(r)
        except Exception: return
        if op == 8: w.write(bytes([0x88, 2]) + p[:2]); await w.drain(); w.close(); return
        m = json.loads(p); i = m["id"]; meth = m["method"]; prm = m.get("params", {})
        if meth == 'login':
            ok = prm == {"username": "bench", "password": "pw"}
            w.write(frame(json.dumps({"id": i, "result": {"user": "bench", "token": "v1.tok/x", "expires": 1}} if ok else {"id": i, "error": {"code": "loginFailed", "text": "bad"}})))
            if ok: tabs.append(w)
        elif meth == 'selectIdentifier': w.write(frame(json.dumps({"id": i, "result": {}})) + frame('{"event":"device","data":{"device":{}}}'))
        elif meth == 'provision': w.write(frame(json.dumps({"id": i, "result": {}})) + frame('{"event":"ready","data":{"state":{"lastSeq":0}}}'))
        elif meth == 'attach':
            assert prm == {"lastSeq": 0, "token": "v1.tok/x"}, prm
            tabs.append(w); w.write(frame(json.dumps({"id": i, "result": {"state": "READY", "lastSeq": seq[0], "complete": True}})) + frame('{"event":"ready","data":{}}'))
        elif meth == 'ack': print("ack", prm, file=sys.stderr); w.write(frame(json.dumps({"id": i, "result": {}})))
async def main():
    s = await asyncio.start_server(handle, '127.0.0.1', int(sys.argv[1]), limit=1 << 20)
    async with s: await s.serve_forever()
asyncio.run(main())
