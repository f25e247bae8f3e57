"""The `sip` route (docs/sip-edge.md §2) of the release `callgate` binary in front of a MOCK of the SIP
server (Tests/interop/mock_sip_server.py, which records what reaches it): a session's SIP
requests pass only under its own identity from the directory, with `X-Callgate-User` added and
the browser's copies removed; another identity is answered 403 by Callgate itself and never
reaches the server; invalid, oversized and non-SIP messages get 400, 513 or a close; the calls it
relays reach the user's agent bar on `/ws` and keep the agent busy (docs/sip-edge.md §3). Browsers
are `websockets` clients speaking SIP text written here."""
import pytest

from mock_sip_server import MockSIPServer, first, parse, values
from agent_support import admin, agent_gateway, inbound_call, ready_tab  # noqa: F401 (fixture)
from route_support import client, closed_with, events, recv, refused_status, run, session_token, url
from sip_support import DOMAIN, sip_request, start


async def open_phone(gw, user, **kwargs):
    return await client(url(gw, f"/sip?access_token={session_token(user)}"), subprotocols=["sip"], **kwargs).__aenter__()


async def exchange(ws, text):
    await ws.send(text)
    return parse(await recv(ws))


def test_the_users_requests_reach_the_server_with_the_identity_header(start_gateway, tmp_path):
    async def scenario():
        async with MockSIPServer() as server:
            gw = start(start_gateway, tmp_path, server.port)
            ws = await open_phone(gw, "alice")
            assert ws.subprotocol == "sip"
            register, call_id, branch = sip_request("REGISTER", f"sip:{DOMAIN}", "alice", "alice",
                                                    extra=["X-Callgate-User: bob", "x-callgate-provider: forged", "Expires: 600"])
            reply = await exchange(ws, register)
            assert reply["start"] == "SIP/2.0 200 OK", reply
            assert branch in first(reply, "via")
            invite, invite_id, _ = sip_request("INVITE", f"sip:bob@{DOMAIN}", "alice", "bob", body="v=0\r\n")
            reply = await exchange(ws, invite)
            assert reply["start"] == "SIP/2.0 100 Trying"
            # A keep-alive passes as it is, and so does the server's answer.
            await ws.send("\r\n\r\n")
            assert await recv(ws) == "\r\n"
            await ws.close()
            (got,) = server.with_call_id(call_id)
            assert values(got, "x-callgate-user") == ["alice"], got["headers"]
            assert values(got, "x-callgate-provider") == []
            assert got["raw"].startswith(f"REGISTER sip:{DOMAIN} SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch={branch}\r\n")
            (got,) = server.with_call_id(invite_id)
            assert values(got, "x-callgate-user") == ["alice"] and got["body"] == "v=0\r\n"
            assert server.received[-1]["raw"] == "\r\n\r\n"
            # The upgrade's identity headers, as on every pipe.
            assert server.handshakes[0]["X-Callgate-User"] == "alice" and server.handshakes[0]["X-Callgate-Channel"] == "sip"
            assert events(gw, "sip", "sip_forwarded", 2) == 2
            # An explicit identity: carol is sip:2003@…, and the header carries 2003.
            ws = await open_phone(gw, "carol")
            register, call_id, _ = sip_request("REGISTER", f"sip:{DOMAIN}", "2003", "2003")
            assert (await exchange(ws, register))["start"] == "SIP/2.0 200 OK"
            assert values(server.with_call_id(call_id)[0], "x-callgate-user") == ["2003"]
            await ws.close()

    run(scenario())


def test_another_identity_is_refused_403_by_callgate_and_never_reaches_the_server(start_gateway, tmp_path):
    async def scenario():
        async with MockSIPServer() as server:
            gw = start(start_gateway, tmp_path, server.port)
            ws = await open_phone(gw, "alice")
            attempts = [
                sip_request("REGISTER", f"sip:{DOMAIN}", "alice", "bob", cseq=7),  # To: bob
                sip_request("REGISTER", f"sip:{DOMAIN}", "alice", "alice", contact_user="bob"),  # Contact: bob
                sip_request("INVITE", f"sip:carol@{DOMAIN}", "bob", "carol", body="v=0\r\n"),  # From: bob
                sip_request("MESSAGE", f"sip:carol@{DOMAIN}", "bob", "carol", body="hi"),
            ]
            for text, call_id, branch in attempts:
                reply = await exchange(ws, text)
                assert reply["start"] == "SIP/2.0 403 Forbidden", reply
                assert first(reply, "via") == f"SIP/2.0/WSS df7jal23ls0d.invalid;branch={branch}"
                assert first(reply, "call-id") == call_id
                assert first(reply, "cseq") == parse(text)["headers"][5][1]
                assert ";tag=" in first(reply, "to")
                assert first(reply, "warning").startswith('399 callgate "') and "this session is sip:alice@callgate.test" in first(reply, "warning")
            # The session goes on: alice's own request still passes.
            text, call_id, _ = sip_request("OPTIONS", f"sip:{DOMAIN}", "alice", "alice")
            assert (await exchange(ws, text))["start"] == "SIP/2.0 200 OK"
            await ws.close()
            assert [first(m, "call-id") for m in server.received] == [call_id], "no refused request reached the server"
            assert events(gw, "sip", "sip_identity_refused", 4) == 4
            assert gw.log.count("sip_identity_refused") == 4 and "user=alice" in gw.log

    run(scenario())


def test_a_sip_session_needs_a_callgate_session_and_a_sip_identity(start_gateway, tmp_path):
    async def scenario():
        async with MockSIPServer() as server:
            gw = start(start_gateway, tmp_path, server.port)
            status, body = await refused_status(url(gw, "/sip"), subprotocols=["sip"])
            assert status == 401 and "Callgate session" in body
            status, _ = await refused_status(url(gw, "/sip?access_token=v1.forged.token"), subprotocols=["sip"])
            assert status == 401
            status, body = await refused_status(url(gw, f"/sip?access_token={session_token('mallory')}"), subprotocols=["sip"])
            assert status == 403 and "no SIP identity" in body
            # The session cookie and Authorization work as the query does.
            async with client(url(gw, "/sip"), subprotocols=["sip"],
                              additional_headers={"Cookie": f"callgate_session={session_token('bob')}"}) as ws:
                text, _, _ = sip_request("OPTIONS", f"sip:{DOMAIN}", "bob", "bob")
                assert (await exchange(ws, text))["start"] == "SIP/2.0 200 OK"
            async with client(url(gw, "/sip"), subprotocols=["sip"],
                              additional_headers={"Authorization": f"Bearer {session_token('bob')}"}) as ws:
                assert ws.subprotocol == "sip"
            assert len(server.handshakes) == 2, "refused upgrades never reached the server"
            assert events(gw, "sip", "sip_no_identity", 1) == 1

    run(scenario())


def test_invalid_oversized_and_non_sip_messages(start_gateway, tmp_path):
    async def scenario():
        async with MockSIPServer() as server:
            gw = start(start_gateway, tmp_path, server.port, sip={"maxMessageBytes": 2048})
            ws = await open_phone(gw, "alice")
            # 400: CSeq names another method (RFC 4475 mismatch01); the reason is in the Warning.
            text, call_id, _ = sip_request("OPTIONS", f"sip:{DOMAIN}", "alice", "alice")
            reply = await exchange(ws, text.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"))
            assert reply["start"] == "SIP/2.0 400 Bad Request" and "CSeq method INVITE" in first(reply, "warning")
            # 505 for another SIP version; 513 past sip.maxMessageBytes.
            reply = await exchange(ws, text.replace("SIP/2.0\r\nVia", "SIP/3.0\r\nVia", 1))
            assert reply["start"] == "SIP/2.0 505 Version Not Supported"
            big, big_id, _ = sip_request("MESSAGE", f"sip:bob@{DOMAIN}", "alice", "bob", body="x" * 3000)
            reply = await exchange(ws, big)
            assert reply["start"] == "SIP/2.0 513 Message Too Large" and first(reply, "call-id") == big_id
            await ws.close()
            # Not SIP at all: there is nothing to answer, so the WebSocket closes with 1008.
            ws = await open_phone(gw, "alice")
            await ws.send("hello, this is not SIP")
            code, reason, _ = await closed_with(ws)
            assert code == 1008 and reason.startswith("not a SIP message")
            assert server.received == [], "nothing reached the server"
            assert events(gw, "sip", "sip_invalid", 2) == 2
            assert events(gw, "sip", "sip_too_large", 1) == 1
            assert events(gw, "sip", "sip_unreadable", 1) == 1

    run(scenario())


def test_relayed_dialogs_become_call_events(start_gateway, tmp_path):
    """docs/sip-edge.md §3: the link follows the calls it relays and counts their events per
    name; this checks the counts of one outgoing and one incoming call, and of a call cut off by
    the session's end."""
    async def scenario():
        async with MockSIPServer() as server:
            gw = start(start_gateway, tmp_path, server.port)
            ws = await open_phone(gw, "alice")
            # Outgoing: INVITE, 100 (the mock), 180 and 200 (sent here as the server), ACK, BYE.
            invite, call_id, branch = sip_request("INVITE", f"sip:bob@{DOMAIN}", "alice", "bob", body="v=0\r\na=sendrecv\r\n")
            assert (await exchange(ws, invite))["start"] == "SIP/2.0 100 Trying"
            request = parse(invite)
            dialog = {"via": first(request, "via"), "from": first(request, "from"), "call": call_id}
            for status in ("180 Ringing", "200 OK"):
                await server.send(f"SIP/2.0 {status}\r\nVia: {dialog['via']}\r\nFrom: {dialog['from']}\r\n"
                                  f"To: <sip:bob@{DOMAIN}>;tag=b7\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
                                  f"Contact: <sip:bob@b.invalid;transport=ws>\r\nContent-Length: 0\r\n\r\n")
                assert parse(await recv(ws))["start"] == f"SIP/2.0 {status}"
            for method, cseq in (("ACK", 1), ("BYE", 2)):
                text, _, _ = sip_request(method, "sip:bob@b.invalid", "alice", "bob", call_id=call_id, cseq=cseq)
                await ws.send(text.replace(f"To: <sip:bob@{DOMAIN}>", f"To: <sip:bob@{DOMAIN}>;tag=b7"))
            assert parse(await recv(ws))["start"] == "SIP/2.0 200 OK"  # the mock's answer to BYE
            # Incoming: the server INVITEs alice, who rings and answers; the session then ends.
            await server.send(f"INVITE sip:alice@a.invalid SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKin1\r\n"
                              f"From: <sip:+420602123456@{DOMAIN}>;tag=c1\r\nTo: <sip:alice@{DOMAIN}>\r\nCall-ID: in-1\r\n"
                              f"CSeq: 5 INVITE\r\nContact: <sip:gw@127.0.0.1>\r\nContent-Length: 0\r\n\r\n")
            assert parse(await recv(ws))["start"].startswith("INVITE ")
            for status in ("180 Ringing", "200 OK"):
                await ws.send(f"SIP/2.0 {status}\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKin1\r\n"
                              f"From: <sip:+420602123456@{DOMAIN}>;tag=c1\r\nTo: <sip:alice@{DOMAIN}>;tag=a5\r\nCall-ID: in-1\r\n"
                              f"CSeq: 5 INVITE\r\nContact: <sip:alice@a.invalid;transport=ws>\r\nContent-Length: 0\r\n\r\n")
            await ws.close()
            counts = {name: events(gw, "sip", name, expected) for name, expected in
                      (("callNew", 2), ("callRinging", 2), ("callConnect", 2), ("callHangup", 2))}
            assert counts == {"callNew": 2, "callRinging": 2, "callConnect": 2, "callHangup": 2}, counts
            # The browser's responses reached the server with the identity header.
            answers = await server.responses_for("in-1", 2)
            assert [m["start"] for m in answers] == ["SIP/2.0 180 Ringing", "SIP/2.0 200 OK"]
            assert all(values(m, "x-callgate-user") == ["alice"] for m in answers)

    run(scenario())


def busy(gw, user):
    status, body = admin(gw, "GET", "/admin/agents")
    assert status == 200, body
    return next(a for a in body["agents"] if a["username"] == user)["busy"]


def test_a_web_phone_call_reaches_the_agent_bar_and_keeps_the_agent_busy(agent_gateway):
    """docs/sip-edge.md §3: alice's web phone takes a call through the `sip` route; her agent bar on
    `/ws` receives it as any call (numbered, with the Call object), and the Switchboard offers her
    no call meanwhile: a queue call waits and rings her once the web phone hangs up."""
    async def scenario():
        async with MockSIPServer() as server:
            gw = agent_gateway(routes={"sip": {"backend": f"ws://127.0.0.1:{server.port}/", "mode": "sip", "origins": "*"}})
            bar = await ready_tab(gw, "alice")
            phone = await client(url(gw, f"/sip?access_token={bar.token}"), subprotocols=["sip"]).__aenter__()
            assert busy(gw, "alice") is False
            # The SIP server offers the phone a call; the phone rings (180) and answers (200).
            invite = (f"INVITE sip:alice@a.invalid SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKin7\r\n"
                      f"From: \"Customer\" <sip:+420602123456@{DOMAIN}>;tag=c1\r\nTo: <sip:alice@{DOMAIN}>\r\n"
                      f"Call-ID: web-call-1\r\nCSeq: 5 INVITE\r\nContact: <sip:gw@127.0.0.1>\r\nContent-Length: 0\r\n\r\n")
            await server.send(invite)
            assert parse(await recv(phone))["start"].startswith("INVITE ")
            new = (await bar.message("callNew"))["data"]["call"]
            assert new["uniqueid"] == "web-call-1" and new["direction"] == "INCOMING" and new["state"] == 0
            assert new["number"] == "+420602123456" and new["caller_name"] == "Customer" and new["called_number"] == "alice"
            for status in ("180 Ringing", "200 OK"):
                await phone.send(f"SIP/2.0 {status}\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKin7\r\n"
                                 f"From: \"Customer\" <sip:+420602123456@{DOMAIN}>;tag=c1\r\nTo: <sip:alice@{DOMAIN}>;tag=a5\r\n"
                                 f"Call-ID: web-call-1\r\nCSeq: 5 INVITE\r\nContact: <sip:alice@a.invalid;transport=ws>\r\n"
                                 f"Content-Length: 0\r\n\r\n")
            ringing = await bar.message("callRinging")  # acknowledged by the tab, like any ringing
            connect = await bar.message("callConnect")
            assert ringing["data"]["call"]["state"] == 2 and ringing["data"]["call"]["call_guid"] == new["call_guid"]
            assert connect["data"]["call"]["state"] == 3 and connect["data"]["call"]["connected"] is not None
            assert connect["seq"] == ringing["seq"] + 1
            # Busy meanwhile: a queue call waits, a direct call is busy (cause 1).
            assert busy(gw, "alice") is True
            queued = inbound_call(gw, "queue=100")
            assert (await bar.event("waitingCallersChange"))["waitingCallers"] == 1
            status, direct = admin(gw, "POST", "/admin/calls?from=%2B420602999888&user=alice")
            assert status == 201 and direct["call"]["state"] == 4 and direct["call"]["cause"] == 1, direct
            # The phone hangs up (it was called, so the called party hung up: cause 4).
            await phone.send(f"BYE sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKbye7\r\n"
                             f"Max-Forwards: 70\r\nFrom: <sip:alice@{DOMAIN}>;tag=a5\r\n"
                             f"To: \"Customer\" <sip:+420602123456@{DOMAIN}>;tag=c1\r\nCall-ID: web-call-1\r\nCSeq: 1 BYE\r\n"
                             f"Content-Length: 0\r\n\r\n")
            assert parse(await recv(phone))["start"] == "SIP/2.0 200 OK"
            hangup = await bar.message("callHangup")
            assert hangup["data"]["call"]["uniqueid"] == "web-call-1" and hangup["data"]["call"]["state"] == 4
            assert hangup["data"]["call"]["cause"] == 4 and hangup["seq"] > connect["seq"]
            # Free again: the waiting queue call rings her now.
            offered = (await bar.message("callRinging"))["data"]["call"]
            assert offered["uniqueid"] == queued and offered["direction"] == "INCOMING"
            assert busy(gw, "alice") is False
            await phone.close()
            await bar.close()
            assert events(gw, "sip", "agent_busy", 1) == 1 and events(gw, "sip", "agent_free", 1) == 1

    run(scenario())
