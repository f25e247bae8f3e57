"""The shipped Kamailio config (deploy/kamailio/kamailio.cfg, docs/sip.md) with raw SIP over
WebSocket from Python: the sip subprotocol, digest registration with SHA-256 and MD5 (RFC 8760),
a wrong password refused, RFC 5626 instance + reg-id bindings replaced on reconnect, routing an
INVITE to a WebSocket contact, and X-Callgate-User believed only from the gateway's address."""
import uuid

from kamailio import DOMAIN, SipWebSocket, digest, kamailio, request  # noqa: F401 (kamailio is a fixture)

REGISTRAR = f"sip:{DOMAIN}"


def register(server, user, password, sock=None, instance=None, contact_user=None, expires=60):
    """REGISTERs `user` over `sock` (a new one if None), answering the 401 with `password`;
    returns (socket, first response, final response)."""
    sock = sock or SipWebSocket(server.ws_url)
    call_id = uuid.uuid4().hex
    contact_user = contact_user or uuid.uuid4().hex[:8]
    sock.send_sip(request("REGISTER", REGISTRAR, sock, user, user, call_id, 1, contact_user=contact_user,
                          instance=instance, expires=expires, extra=["Supported: outbound, path"]))
    first = sock.receive_sip()
    if first["status"] != 401:
        return sock, first, first
    authorization = digest(first["headers"]["www-authenticate"][0], "REGISTER", REGISTRAR, user, password)
    sock.send_sip(request("REGISTER", REGISTRAR, sock, user, user, call_id, 2, contact_user=contact_user,
                          instance=instance, expires=expires,
                          extra=["Supported: outbound, path", f"Authorization: {authorization}"]))
    return sock, first, sock.receive_sip()


def test_websocket_needs_the_sip_subprotocol(kamailio):
    server = kamailio()
    assert SipWebSocket(server.ws_url).head.startswith(b"HTTP/1.1 101")
    assert b"Sec-WebSocket-Protocol: sip" in SipWebSocket(server.ws_url).head
    refused = SipWebSocket(server.ws_url, protocol="chat")
    assert not refused.accepted, refused.head


def test_register_with_sha256_digest_and_wrong_password(kamailio):
    server = kamailio()
    sock, challenge, ok = register(server, "alice", "alice")
    www = challenge["headers"]["www-authenticate"][0]
    assert "algorithm=SHA-256" in www and 'qop="auth"' in www, www
    assert ok["status"] == 200, ok["start"]
    [binding] = server.contacts("alice")
    assert binding["Received"].startswith(f"sip:127.0.0.1:{sock.local[1]};transport=ws"), binding

    _, _, refused = register(server, "bob", "not-bob")
    assert refused["status"] == 401, refused["start"]
    assert server.contacts("bob") == []
    _, _, unknown = register(server, "mallory", "mallory")
    assert unknown["status"] == 401, unknown["start"]


def test_register_with_md5_digest(kamailio):
    server = kamailio(AUTH_ALGORITHM='"MD5"')
    _, challenge, ok = register(server, "carol", "carol")
    assert "algorithm=MD5" in challenge["headers"]["www-authenticate"][0]
    assert ok["status"] == 200, ok["start"]
    assert len(server.contacts("carol")) == 1


def test_reconnect_with_the_same_instance_replaces_the_binding(kamailio):
    """RFC 5626 §6: instance + reg-id name the flow, so the registration after a reconnect (new
    connection, new Contact) replaces the old binding instead of adding one."""
    server = kamailio()
    instance = str(uuid.uuid4())
    first, _, ok = register(server, "alice", "alice", instance=instance)
    assert ok["status"] == 200
    first.close()
    second, _, ok = register(server, "alice", "alice", instance=instance)
    assert ok["status"] == 200
    [binding] = server.contacts("alice")
    assert binding["Instance"] == f"<urn:uuid:{instance}>" and binding["Reg-Id"] == 1, binding
    assert f":{second.local[1]};transport=ws" in binding["Received"], binding


def test_invite_reaches_the_websocket_contact(kamailio):
    server = kamailio()
    bob, _, ok = register(server, "bob", "bob")
    assert ok["status"] == 200
    alice = SipWebSocket(server.ws_url)
    call_id, uri, branch, tag = uuid.uuid4().hex, f"sip:bob@{DOMAIN}", "z9hG4bK" + uuid.uuid4().hex, "a1"
    alice.send_sip(request("INVITE", uri, alice, "alice", "bob", call_id, 1, branch=branch, from_tag=tag))
    challenge = alice.receive_sip()
    assert challenge["status"] == 407, challenge["start"]
    to_tag = challenge["headers"]["to"][0].split("tag=")[1]
    # the ACK of the 407 (RFC 3261 §17.1.1.3): same branch, the response's To tag; absorbed
    alice.send_sip(request("ACK", uri, alice, "alice", "bob", call_id, 1, branch=branch, from_tag=tag, to_tag=to_tag))
    # a stray ACK outside any transaction goes nowhere
    alice.send_sip(request("ACK", uri, alice, "alice", "bob", call_id, 1))
    authorization = digest(challenge["headers"]["proxy-authenticate"][0], "INVITE", uri, "alice", "alice")
    alice.send_sip(request("INVITE", uri, alice, "alice", "bob", call_id, 2,
                           extra=[f"Proxy-Authorization: {authorization}"]))
    incoming = bob.receive_sip()
    assert incoming["method"] == "INVITE" and incoming["headers"]["call-id"] == [call_id], incoming["start"]
    assert "proxy-authorization" not in incoming["headers"]  # consumed by the proxy
    assert any("lr" in value for value in incoming["headers"]["record-route"])


def test_callgate_identity_header_only_from_the_gateway(kamailio):
    server = kamailio(GATEWAY_ADDR='"127.0.0.2"')
    call_id = uuid.uuid4().hex

    # from the gateway's address: the header stands for digest authentication …
    gateway = SipWebSocket(server.ws_url, source="127.0.0.2")
    gateway.send_sip(request("REGISTER", REGISTRAR, gateway, "dana", "dana", call_id, 1,
                             extra=["X-Callgate-User: dana"]))
    assert gateway.receive_sip()["status"] == 200
    assert len(server.contacts("dana")) == 1
    # … but only for the user it names
    gateway.send_sip(request("REGISTER", REGISTRAR, gateway, "bob", "bob", uuid.uuid4().hex, 1,
                             extra=["X-Callgate-User: dana"]))
    mismatch = gateway.receive_sip()
    assert mismatch["status"] == 403, mismatch["start"]

    # from anywhere else it is removed and the request is challenged
    browser = SipWebSocket(server.ws_url, source="127.0.0.1")
    browser.send_sip(request("REGISTER", REGISTRAR, browser, "bob", "bob", uuid.uuid4().hex, 1,
                             extra=["X-Callgate-User: bob"]))
    assert browser.receive_sip()["status"] == 401
    assert server.contacts("bob") == []
    assert "X-Callgate-User from 127.0.0.1, not the gateway" in server.log
