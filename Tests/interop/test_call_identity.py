"""One identity per call, everywhere, and each agent's history as that agent saw it (issue 19),
against release binaries:

- two gateway processes, started one after the other, each placing a call in the same second:
  distinct `uniqueid`s and distinct `call_guid`s, in the events and in the Action URLs out
  (docs/compatibility.md §4.3 `<$call_guid>`, docs/click-to-call.md §5), checked on a real HTTP server;
- after a blind transfer, alice's and carol's `callHistory` (on `/ws` and on the `report`
  channel) field by field: each their own leg (docs/agent-protocol.md §4.1)."""
import asyncio
import json
import re
import time

from conftest import eventually
from crm_support import GUID, QUERY, crm  # noqa: F401 (crm: a fixture)
from agent_support import CALLER, agent_gateway, inbound_call, ready_tab  # noqa: F401 (agent_gateway: a fixture)
from route_support import client

UNIQUEID = re.compile(r"(?P<instance>[0-9a-f]{12})-(?P<seconds>[0-9]+)\.(?P<counter>[0-9]+)")


def run(coroutine, timeout=60):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def test_two_gateways_placing_calls_in_the_same_second_name_them_apart(agent_gateway, crm):
    server = crm()
    target = {"actionURLs": {"targets": [f"http://127.0.0.1:{server.port}/call.php?{QUERY}"]}}
    first, second = agent_gateway(extra=target), agent_gateway(extra=target)

    async def scenario():
        tabs = [await ready_tab(gw) for gw in (first, second)]
        for attempt in range(5):
            # Both calls inside one wall-clock second (start early in a second).
            while time.time() % 1 > 0.3:
                await asyncio.sleep(0.01)
            placed = [inbound_call(gw, "user=alice") for gw in (first, second)]
            seen = [(await tab.event("callRinging"))["call"] for tab in tabs]
            seconds = {UNIQUEID.fullmatch(uniqueid)["seconds"] for uniqueid in placed}
            if len(seconds) == 1:
                return placed, seen
            for tab in tabs:  # a second boundary fell between them: hang up, try again
                await tab.ok("hangup")
                await tab.event("callHangup")
        raise AssertionError("could not place two calls within one second")

    placed, seen = run(scenario())
    # Today's `<seconds>.<counter>` named both `<seconds>.1`; the instance part tells them apart.
    names = [UNIQUEID.fullmatch(uniqueid) for uniqueid in placed]
    assert names[0]["seconds"] == names[1]["seconds"] and names[0]["counter"] == names[1]["counter"], placed
    assert names[0]["instance"] != names[1]["instance"] and placed[0] != placed[1], placed
    assert [call["uniqueid"] for call in seen] == placed
    guids = [call["call_guid"] for call in seen]
    assert all(GUID.fullmatch(guid) for guid in guids) and guids[0] != guids[1], guids
    # The GUID's first 48 bits are the call's creation time in milliseconds (RFC 9562 §5.7).
    for call, guid in zip(seen, guids):
        assert int(guid.replace("-", "")[:12], 16) // 1000 == call["created"], (guid, call["created"])

    # The Action URLs out carry the same GUIDs, one per call (an attempt that straddled a second
    # boundary sent its own two before these).
    def inbound_guids():
        return [q["callguid"] for q in server.queries() if q["action"] == "inbound"]
    sent = eventually(inbound_guids, lambda sent: set(guids) <= set(sent), seconds=10, what="inbound Action URLs")
    assert sorted(guid for guid in sent if guid in guids) == sorted(guids) and len(set(sent)) == len(sent), sent


def test_history_after_a_blind_transfer_is_each_agents_own_leg(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        alice, carol = await ready_tab(gw, "alice"), await ready_tab(gw, "carol")
        uniqueid = inbound_call(gw, "user=alice")
        await alice.event("callRinging")
        await alice.ok("answer")
        answered = (await alice.event("callConnect"))["call"]
        await asyncio.sleep(1.1)  # the transfer a second later: times tell the legs apart
        await alice.ok("blindTransfer", number="2003")
        alice_hangup = (await alice.event("callHangup"))["call"]
        await carol.event("callRinging")
        await asyncio.sleep(1.1)
        await carol.ok("answer")
        carol_connect = (await carol.event("callConnect"))["call"]
        await asyncio.sleep(1.1)
        await carol.ok("hangup")
        carol_hangup = (await carol.event("callHangup"))["call"]

        alice_history = (await alice.ok("callHistory"))["calls"]
        async with client(f"ws://127.0.0.1:{gw.http_port}/report?access_token={carol.token}") as report:
            await report.send(json.dumps({"id": 1, "method": "callHistory"}))
            carol_history = json.loads(await asyncio.wait_for(report.recv(), 5))["result"]["calls"]
        return uniqueid, answered, alice_hangup, carol_connect, carol_hangup, alice_history, carol_history

    uniqueid, answered, alice_hangup, carol_connect, carol_hangup, alice_history, carol_history = run(scenario())
    assert [c["uniqueid"] for c in alice_history] == [uniqueid] and [c["uniqueid"] for c in carol_history] == [uniqueid]
    mine, theirs = alice_history[0], carol_history[0]
    # alice: her leg, as her own callHangup said when she let go: cause 8, the caller, her times.
    for key in ("direction", "number", "cause", "created", "connected", "disconnected", "caller_number",
                "caller_username", "connected_username", "connected_number", "call_guid"):
        assert mine[key] == alice_hangup[key], (key, mine[key], alice_hangup[key])
    assert (mine["direction"], mine["number"], mine["cause"]) == ("INCOMING", CALLER, 8), mine
    assert (mine["connected"], mine["connected_username"]) == (answered["connected"], "alice"), mine
    assert mine["disconnected"] < carol_hangup["disconnected"], (mine, carol_hangup)
    # carol: her leg, ended when she hung up (cause 4: the called party), the caller as the other side.
    for key in ("direction", "number", "cause", "created", "connected", "disconnected", "caller_number",
                "connected_username", "call_guid"):
        assert theirs[key] == carol_hangup[key], (key, theirs[key], carol_hangup[key])
    assert (theirs["direction"], theirs["number"], theirs["cause"]) == ("INCOMING", CALLER, 4), theirs
    assert (theirs["connected"], theirs["connected_username"]) == (carol_connect["connected"], "carol"), theirs
    assert theirs["connected"] > mine["connected"]
    # One call, one GUID.
    assert mine["call_guid"] == theirs["call_guid"] and GUID.fullmatch(mine["call_guid"])
