"""The `sip` route of the release `callgate` binary in front of real Kamailio (the shipped
deploy/kamailio config, started by the `kamailio` fixture of Tests/interop/kamailio.py, with
GATEWAY_ADDR set to Callgate's loopback address so that it believes `X-Callgate-User` from it
alone): a session registers as its own user without SIP credentials (Callgate vouches for it),
reaches another registered user with an INVITE, cannot register or call as anyone else (403 from
Callgate; Kamailio never sees it), and while Kamailio is down a new connection gets 503 at the
handshake, not a 101. Browsers are `websockets` clients speaking SIP text written here."""
import pytest

try:
    from kamailio import kamailio  # noqa: F401 (a pytest fixture, from the web phone's work)
except ImportError:
    @pytest.fixture
    def kamailio():
        pytest.fail("Tests/interop/kamailio.py (the Kamailio fixture that comes with deploy/kamailio) is missing")
from mock_sip_server import first, parse
from route_support import client, events, recv, refused_status, run, session_token, url
from sip_support import DOMAIN, sip_request, start


async def sip(ws, text, skip_provisional=True):
    """Sends a request and returns the first final response (or the first one, with
    skip_provisional=False)."""
    await ws.send(text)
    while True:
        reply = parse(await recv(ws, timeout=10))
        code = int(reply["start"].split()[1])
        if code >= 200 or not skip_provisional:
            return reply


def test_callgate_vouches_for_its_sessions_at_kamailio_and_refuses_other_identities(start_gateway, tmp_path, kamailio):
    server = kamailio(GATEWAY_ADDR='"127.0.0.1"', WITH_DEBUG=None)  # WITH_DEBUG: Kamailio logs every message
    gw = start(start_gateway, tmp_path, server.port, route={"connectTimeoutMilliseconds": 2000, "retryAfterSeconds": 3})

    async def phone(user):
        return await client(url(gw, f"/sip?access_token={session_token(user)}"), subprotocols=["sip"]).__aenter__()

    async def scenario():
        alice, bob = await phone("alice"), await phone("bob")
        assert alice.subprotocol == "sip", "Kamailio selected sip and Callgate passed it on"
        for ws, user in ((alice, "alice"), (bob, "bob")):
            text, _, _ = sip_request("REGISTER", f"sip:{DOMAIN}", user, user, extra=["Expires: 300"])
            reply = await sip(ws, text)
            assert reply["start"] == "SIP/2.0 200 OK", f"{user}: {reply['start']}\n{server.log[-3000:]}"
        assert len(server.contacts("alice")) == 1 and len(server.contacts("bob")) == 1

        # alice as bob: Callgate answers 403 itself, and Kamailio's bindings do not change.
        text, forged_id, _ = sip_request("REGISTER", f"sip:{DOMAIN}", "alice", "bob", contact_user="bob")
        reply = await sip(alice, text)
        assert reply["start"] == "SIP/2.0 403 Forbidden" and first(reply, "warning").startswith("399 callgate")
        text, forged_invite, _ = sip_request("INVITE", f"sip:carol@{DOMAIN}", "bob", "carol", body="v=0\r\n")
        assert (await sip(alice, text))["start"] == "SIP/2.0 403 Forbidden"
        assert len(server.contacts("bob")) == 1
        assert len(server.contacts("alice")) == 1

        # alice calls bob through Kamailio: bob's session receives the INVITE, with no X-Callgate-User.
        text, call_id, _ = sip_request("INVITE", f"sip:bob@{DOMAIN}", "alice", "bob", body="v=0\r\n")
        await alice.send(text)
        incoming = parse(await recv(bob, timeout=10))
        assert incoming["start"].startswith("INVITE ") and first(incoming, "call-id") == call_id, incoming["start"]
        assert first(incoming, "x-callgate-user") is None, "Kamailio removed the identity header before relaying"
        # Kamailio's log holds every message it got: the call, and none of the forged requests.
        log = server.log
        assert call_id in log and forged_id not in log and forged_invite not in log
        await alice.close()
        await bob.close()

        # Kamailio down: a new session gets 503 with Retry-After at the handshake, no 101.
        server.stop()
        status, body = await refused_status(url(gw, f"/sip?access_token={session_token('alice')}"), subprotocols=["sip"])
        assert status == 503 and "unreachable" in body
        server.start()
        again = await phone("alice")
        assert again.subprotocol == "sip"
        await again.close()

    run(scenario(), timeout=120)
    assert events(gw, "sip", "sip_identity_refused", 2) == 2
    assert events(gw, "sip", "upstream_unreachable", 1) == 1
