"""The `sip` route's gateway (`start`, users under `DOMAIN`) and SIP requests as a browser phone writes them."""
import json
import uuid

from route_support import gateway_config

DOMAIN = "callgate.test"
DIRECTORY = {
    "settings": {"sipDomain": DOMAIN},
    "users": [{"username": "alice", "id": 1}, {"username": "bob", "id": 2},
              {"username": "carol", "id": 3, "sip": f"sip:2003@{DOMAIN}"}],
}


def start(start_gateway, tmp_path, port, sip=None, route=None):
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(DIRECTORY))
    config = gateway_config({"sip": {"backend": f"ws://127.0.0.1:{port}/", "mode": "sip", "origins": "*", **(route or {})}})
    config["agents"] = {"directory": str(directory)}
    if sip:
        config["sip"] = sip
    return start_gateway(config=config)


def sip_request(method, ruri, from_user, to_user, call_id=None, cseq=1, extra=(), body="", contact_user=None, branch=None):
    """A request as a browser phone writes it (RFC 7118 §5.2: a made-up .invalid host, WSS Via)."""
    call_id = call_id or uuid.uuid4().hex
    branch = branch or "z9hG4bK" + uuid.uuid4().hex[:10]
    lines = [f"{method} {ruri} SIP/2.0", f"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch={branch}", "Max-Forwards: 70",
             f"To: <sip:{to_user}@{DOMAIN}>", f'From: "{from_user}" <sip:{from_user}@{DOMAIN}>;tag={uuid.uuid4().hex[:8]}',
             f"Call-ID: {call_id}", f"CSeq: {cseq} {method}",
             f"Contact: <sip:{contact_user or from_user}@df7jal23ls0d.invalid;transport=ws>", *extra,
             f"Content-Length: {len(body.encode())}", "", body]
    return "\r\n".join(lines), call_id, branch
