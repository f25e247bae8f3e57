"""Agent sessions on /ws against the embedded Switchboard (docs/agent-protocol.md), over real
WebSockets to the release binary: the state rules of every method, the phone found by URL,
cookie or address, whole inbound and outbound calls with hold, mute and both transfers, two tabs
of one user, a cut connection that resumes with nothing lost, the replay window, ringing acks and
dial idempotency. Credentials, history, the status data and the admin API: test_agent_accounts.py."""
import asyncio
import json
import time

from agent_support import CALLER, Tab, admin, agent_gateway, answered_call, inbound_call, ready_tab  # noqa: F401 (agent_gateway: a fixture)
from conftest import metric
from route_support import run


# ---------------------------------------------------------------- state rules


PARAMS = {
    "login": {"username": "alice", "password": "alice"},
    "sso": {"username": "alice", "token": "x"},
    "logout": {},
    "selectIdentifier": {"identifier": "web-alice"},
    "provision": {},
    "identify": {},
    "changeStatus": {"status": "AUX", "reason": "Oběd"},
    "suspend": {"queue": 100},
    "resume": {"queue": 100},
    "answer": {},
    "dial": {"number": "602123456"},
    "hangup": {},
    "transfer": {"number": "2002"},
    "finishTransfer": {},
    "blindTransfer": {"number": "2002"},
    "hold": {},
    "unhold": {},
    "mute": {},
    "state": {},
    "setAccountCode": {"uniqueid": "1.1", "accountCode": "A1"},
    "selectRingingSound": {"ringingSound": "rush"},
    "attach": {"lastSeq": 0, "token": "v1.x.y"},
    "ack": {"seq": 1},
    "callHistory": {"limit": 5},
}
ALLOWED = {
    "login": {"CREDENTIALS"}, "sso": {"CREDENTIALS"}, "attach": {"CREDENTIALS"},
    "logout": {"IDENTIFY", "DEVICE", "READY"}, "callHistory": {"IDENTIFY", "DEVICE", "READY"},
    "selectIdentifier": {"IDENTIFY", "DEVICE"}, "provision": {"IDENTIFY", "DEVICE"},
    "identify": {"DEVICE", "READY"},
    "notify": {"CREDENTIALS", "IDENTIFY", "DEVICE", "READY"},
}


async def assert_refused_outside(tab, state):
    """Every method not allowed in `state` is refused with wrongState naming it."""
    for method, params in PARAMS.items():
        if state in ALLOWED.get(method, {"READY"}):
            continue
        error = await tab.refused(method, **params)
        assert error["code"] == "wrongState" and error["state"] == state, (method, state, error)


def test_every_method_is_refused_outside_its_states_and_accepted_inside(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await Tab.open(gw)
        await assert_refused_outside(tab, "CREDENTIALS")
        wrong = await tab.refused("login", username="alice", password="wrong")
        assert wrong["code"] == "loginFailed"
        assert (await tab.event("loginError")) == {"code": 1, "message": "invalid user name or password"}
        assert (await tab.ok("notify", title="before login", type="warning")) == {}
        assert (await tab.event("warning")) == {"message": "before login"}

        await tab.ok("login", username="alice", password="alice")
        user = (await tab.event("user"))["user"]
        assert (user["id"], user["firstname"], user["status"]) == (1, "Alena", "OFFLINE")
        identify = await tab.event("identify")
        assert "alice-phone" in json.dumps(identify["identificators"])
        await assert_refused_outside(tab, "IDENTIFY")
        assert (await tab.refused("selectIdentifier", identifier="no-such-phone"))["code"] == "unknownIdentifier"

        await tab.ok("identificator", identificator="sip:2001")  # the guide's alias
        assert (await tab.event("device"))["device"]["extension"] == 2001
        await assert_refused_outside(tab, "DEVICE")
        await tab.ok("identify")
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        state = (await tab.event("ready"))["state"]
        assert state["user"]["firstname"] == "Alena" and state["lastSeq"] >= 0
        await assert_refused_outside(tab, "READY")

        # READY's methods: accepted (the Switchboard may still refuse them for its own reasons).
        for method in ("changeStatus", "suspend", "resume", "state", "selectRingingSound", "mute", "hold",
                       "unhold", "answer", "hangup", "finishTransfer", "setAccountCode", "ack", "notify"):
            reply = await tab.call(method, **PARAMS.get(method, {"title": "hello"}))
            assert reply.get("error", {}).get("code") != "wrongState", (method, reply)
        assert (await tab.refused("hangup"))["code"] == "noActiveCall"
        assert (await tab.refused("changeStatus", status="AUX", reason="Dovolená"))["code"] == "unknownReason"
        snapshot = await tab.ok("state")
        assert snapshot["ringingSound"] == "rush" and snapshot["status"] == "AUX" and snapshot["reason"] == "Oběd"
        assert (await tab.ok("logout")) == {}
        await tab.event("credentials")
        await assert_refused_outside(tab, "CREDENTIALS")

    run(scenario())


def test_the_phone_is_found_by_url_parameter_cookie_or_client_address(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        for user, kwargs, expected in [
            ("alice", {"query": "?identifier=web-alice"}, "web-alice"),
            ("bob", {"cookie": "theme=dark; callgate_identifier=sip:2002"}, "sip:2002"),
            ("carol", {"source": "127.0.0.9"}, "127.0.0.9"),
        ]:
            tab = await Tab.open(gw, **kwargs)
            await tab.ok("login", username=user, password=user)
            assert (await tab.event("identifier")) == {"identificator": expected}, user
            await tab.ok("selectIdentifier", identifier=expected)
            assert (await tab.event("device"))["device"]["id"] == f"{user}-phone"
        plain = await Tab.open(gw)
        await plain.ok("login", username="dana", password="dana")
        assert "identifier" not in await plain.quiet(0.3)

    run(scenario())


# ---------------------------------------------------------------- whole calls


def test_inbound_queue_call_with_hold_mute_hangup_and_statistics(agent_gateway):
    gw = agent_gateway(settings={"acwSeconds": 1})

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = inbound_call(gw)
        new = (await tab.event("callNew"))["call"]
        ringing = (await tab.event("callRinging"))["call"]
        for call in (new, ringing):
            assert call["uniqueid"] == uniqueid and call["direction"] == "INCOMING"
            assert call["caller_number"] == CALLER and call["caller_number_norm"] == CALLER
        assert ringing["state"] == 2 and ringing["cause"] == -1 and ringing["connected"] is None

        await tab.ok("answer")
        connected = (await tab.event("callConnect"))["call"]
        assert connected["state"] == 3 and connected["connected"] is not None
        await tab.ok("hold")
        assert (await tab.event("callHold"))["call"]["state"] == 5
        await tab.ok("unhold")
        assert (await tab.event("callResume"))["call"]["state"] == 3
        await tab.ok("mute")
        muted = (await tab.event("callMute"))["call"]
        assert muted["connected_muted"] or muted["caller_muted"]
        await tab.ok("mute")
        await tab.event("callUnmute")
        await tab.ok("setAccountCode", uniqueid=uniqueid, accountCode="ZAK-7")
        await tab.ok("setAccountCode", uniqueid=uniqueid, accountCode="ZAK-8", subAccountCode="B")  # added (docs/compatibility.md §1.4)
        await tab.ok("hangup")
        hangup = (await tab.event("callHangup"))["call"]
        assert hangup["state"] == 4 and hangup["cause"] == 4 and hangup["disconnected"] is not None
        assert [c["accountCode"] for c in hangup["data"]["accountCodes"]] == ["ZAK-7", "ZAK-8"]
        assert (await tab.event("stateChange"))["status"] == "ACW"
        assert (await tab.event("stateChange", timeout=4))["status"] == "READY"
        user = (await tab.ok("state"))["user"]
        assert user["in_calls_answered"] == 1 and user["queues"]["100"]["answered"] == 1

    run(scenario())


def test_outbound_call_answered_and_hung_up_by_the_remote_party(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = (await tab.ok("dial", number="602 123 456", data={"crm": "lead-9"}))["uniqueid"]
        new = (await tab.event("callNew"))["call"]
        assert new["direction"] == "OUTGOING" and new["uniqueid"] == uniqueid
        assert new["number"] == "602 123 456" and new["called_number_norm"] == CALLER
        assert new["data"] == {"crm": "lead-9"}
        await tab.event("callRinging")
        assert (await tab.refused("dial", number="777000111"))["code"] == "callInProgress"
        status, body = admin(gw, "POST", f"/admin/calls/{uniqueid}/answer")
        assert status == 200 and body["call"]["state"] == 3
        assert (await tab.event("callConnect"))["call"]["state"] == 3
        status, _ = admin(gw, "POST", f"/admin/calls/{uniqueid}/hangup")
        assert status == 200
        hangup = (await tab.event("callHangup"))["call"]
        assert hangup["cause"] == 4  # the called party (the remote) hung up
        assert (await tab.ok("state"))["user"]["out_calls_answered"] == 1

    run(scenario())


def test_consultative_transfer_hands_the_caller_to_the_consulted_agent(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        alice, bob = await ready_tab(gw, "alice"), await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        await alice.ok("transfer", number="2002")
        assert (await alice.event("callHold"))["call"]["state"] == 5
        consult = (await bob.event("callRinging"))["call"]
        assert consult["caller_username"] == "alice" and consult["direction"] == "INCOMING"
        await bob.ok("answer")
        await bob.event("callConnect")
        await alice.ok("finishTransfer")
        causes = [(await alice.event("callHangup"))["call"]["cause"] for _ in range(2)]
        assert causes == [8, 8]
        bob_call = (await bob.event("callConnect"))["call"]
        assert CALLER in (bob_call["caller_number"], bob_call["connected_number"]), bob_call
        assert (await alice.ok("state"))["user"]["transferred"] == 1

    run(scenario())


def test_blind_transfer_to_an_agent_and_to_an_external_number(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        alice, bob = await ready_tab(gw, "alice"), await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        await alice.ok("blindTransfer", number="2002")
        assert (await alice.event("callHangup"))["call"]["cause"] == 8
        ringing = (await bob.event("callRinging"))["call"]
        assert ringing["caller_number"] == CALLER
        await bob.ok("answer")
        await bob.event("callConnect")
        await bob.ok("blindTransfer", number="00420777123456")
        assert (await bob.event("callHangup"))["call"]["cause"] == 8
        assert (await bob.ok("state"))["user"]["transferred_external"] == 1
        _, body = admin(gw, "GET", "/admin/calls")
        assert body["calls"] == []

    run(scenario())


# ---------------------------------------------------------------- tabs, resume, acks


def test_two_tabs_of_one_user_get_every_event_with_the_same_seq_and_one_primary(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        first = await ready_tab(gw)
        second = await Tab.open(gw)
        await second.ok("login", username="alice", password="alice")
        await second.event("user")
        assert (await second.event("ready"))["state"]["status"] == "READY"  # already paired: straight to READY
        assert (await first.event("primary")) == {"primary": True, "tabs": 2}
        assert (await second.event("primary")) == {"primary": False, "tabs": 2}

        inbound_call(gw, "user=alice")
        one, two = await first.message("callRinging"), await second.message("callRinging")
        assert one == two
        await second.ok("answer")  # any tab may act for the user
        assert (await first.message("callConnect")) == (await second.message("callConnect"))
        await first.ok("hangup")
        assert (await first.message("callHangup")) == (await second.message("callHangup"))
        assert first.seqs[-3:] == second.seqs[-3:]

        await first.close()
        assert (await second.event("primary")) == {"primary": True, "tabs": 1}

    run(scenario())


def test_a_connection_cut_mid_call_resumes_with_nothing_lost(agent_gateway):
    gw = agent_gateway(settings={"acwSeconds": 1})

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = await answered_call(gw, tab, "user=alice")
        last_seen = tab.seqs[-1]
        tab.ws.transport.abort()  # no close frame: the network went away
        await asyncio.sleep(0.2)
        admin(gw, "POST", f"/admin/calls/{uniqueid}/hangup")  # the caller hangs up meanwhile
        await asyncio.sleep(1.5)  # ACW ends meanwhile too

        back = await Tab.open(gw)
        back.seqs = [last_seen]
        result = await back.ok("attach", lastSeq=last_seen, token=tab.token)
        assert result == {"state": "READY", "lastSeq": last_seen + 3, "complete": True}
        assert (await back.event("callHangup"))["call"]["cause"] == 3  # the caller hung up
        assert (await back.event("stateChange"))["status"] == "ACW"
        assert (await back.event("stateChange"))["status"] == "READY"
        assert back.seqs == list(range(last_seen, last_seen + 4))

    run(scenario())


def test_attach_past_the_replay_window_gets_a_fresh_state(agent_gateway):
    gw = agent_gateway(replayEvents=2)

    async def scenario():
        tab = await ready_tab(gw)
        await tab.close()
        for status in ("AUX", "READY", "AUX", "READY"):
            other = await Tab.open(gw)
            await other.ok("attach", lastSeq=0, token=tab.token)
            await other.ok("changeStatus", status=status, reason="Porada" if status == "AUX" else None)
            await other.close()
        back = await Tab.open(gw)
        result = await back.ok("attach", lastSeq=1, token=tab.token)
        assert result["complete"] is False
        state = (await back.event("ready"))["state"]
        assert state["lastSeq"] == result["lastSeq"] and state["status"] == "READY"
        refused = await (await Tab.open(gw)).refused("attach", lastSeq=0, token=tab.token[:-2] + "xx")
        assert refused["code"] == "loginFailed"

    run(scenario())


def test_unacknowledged_ringing_is_resent_once_then_the_agent_is_unreachable(agent_gateway):
    gw = agent_gateway(ackTimeoutMilliseconds=400, ackResends=1)

    async def scenario():
        tab = await ready_tab(gw)
        tab.auto_ack = False
        inbound_call(gw, "user=alice")
        first = await tab.message("callRinging")
        again = await tab.message("callRinging", timeout=3)
        assert again == first
        hangup = (await tab.event("callHangup", timeout=3))["call"]
        assert hangup["uniqueid"] == first["data"]["call"]["uniqueid"]
        change = await tab.event("stateChange")
        assert change == {"status": "AUX", "reason": "unreachable"}
        # Metrics are published at the hub's tick, just after the event left: poll briefly.
        name = 'callgate_route_events_total{channel="ws",event="agent_unreachable"}'
        deadline = time.monotonic() + 2
        while metric(gw, name) != 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert metric(gw, name) == 1

    run(scenario())


def test_dial_with_one_idempotency_key_from_two_tabs_places_one_call(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        first = await ready_tab(gw)
        second = await Tab.open(gw)
        await second.ok("attach", lastSeq=first.seqs[-1] if first.seqs else 0, token=first.token)
        one = await first.ok("dial", number="602123456", idempotencyKey="click-1")
        two = await second.ok("dial", number="602123456", idempotencyKey="click-1")
        assert one == two
        await first.event("callNew")
        assert "callNew" not in await first.quiet(0.5)
        _, body = admin(gw, "GET", "/admin/calls")
        assert len(body["calls"]) == 1

    run(scenario())
