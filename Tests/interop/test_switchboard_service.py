"""The Switchboard as its own process (`callgate switchboard --listen`, docs/backend-protocol.md
§12), with the RELEASE binary: what only a remote back end has. The service killed with SIGKILL and
started again (the gateway's /readyz goes 503 with a reason, then 200; the tabs are given a fresh
state and carry on); a cut between one gateway and the service healed by `resync` with nothing
lost while a second gateway goes on; a request not answered in time; one instance's sign-out not
undoing another's; TLS with a verified certificate; a wrong secret refused before the upgrade.
Every agent feature's own test against the service: test_switchboard_scenarios.py."""
import asyncio
import json
import re
import signal
import time

import pytest

import agent_support
from conftest import eventually, make_certificate, metric, readyz
from agent_support import Tab, admin, agent_state, inbound_call, ready_tab, status as status_json
from route_support import client, refused_status, run
from switchboard_support import SECRET, Relay, remote_gateway  # noqa: F401 (fixture)


# ---------------------------------------------------------------- the service goes away


def test_kill_9_of_the_service_fails_readiness_then_tabs_resume_with_a_fresh_state(remote_gateway):
    gw = remote_gateway()

    async def scenario():
        tab = await ready_tab(gw)
        bob = await Tab.open(gw)
        await bob.ok("login", username="bob", password="bob")
        await bob.event("identify")
        bob.buffer.clear()
        uniqueid = await agent_support.answered_call(gw, tab, "user=alice")
        gw.switchboard.kill()  # mid-call

        status, body = eventually(lambda: readyz(gw), lambda r: r[0] == 503, what="/readyz while the service is down")
        assert "call-control back end unavailable" in body, body
        down = status_json(gw)["callControl"]
        assert down["backend"] == gw.switchboard.url and down["health"] == "down" and down["reason"], down
        refused = await tab.refused("changeStatus", status="AUX", reason="Oběd")
        assert refused["code"] == "upstreamUnavailable", refused
        status, body = admin(gw, "GET", "/admin/calls")
        assert status == 503 and body["error"]["code"] == "upstreamUnavailable", body

        gw.switchboard.start()  # the same port, a new epoch: everything the service knew is gone
        eventually(lambda: readyz(gw)[0], lambda s: s == 200, what="/readyz after the service is back")
        assert status_json(gw)["callControl"] == {"backend": gw.switchboard.url, "health": "up", "reason": None}
        # The call went with the service: the tab hears it end. Then the gateway signs its users
        # in again and gives their tabs a fresh state.
        ended = (await tab.event("callHangup"))["call"]
        assert ended["uniqueid"] == uniqueid and ended["state"] == 4 and ended["disconnected"], ended
        assert tab.seqs == list(range(tab.seqs[0], tab.seqs[-1] + 1))
        assert (await tab.event("user"))["user"]["firstname"]
        await tab.event("identify")
        assert (await bob.event("user"))["user"]["firstname"]
        await bob.event("identify")
        await bob.ok("selectIdentifier", identifier="web-bob")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        assert (await tab.event("ready"))["state"]["status"] == "READY"
        second = await agent_support.answered_call(gw, tab, "user=alice")
        assert second != uniqueid
        await tab.ok("hangup")
        await tab.event("callHangup")
        # The history of the lost service is gone with it; the new call is there.
        history = await tab.ok("callHistory")
        assert [c["uniqueid"] for c in history["calls"]] == [second]

    run(scenario())
    assert "callcontrol_down" in gw.log and "restarted=true" in gw.log


def test_a_cut_longer_than_the_service_keeps_gets_the_tabs_a_fresh_ready(remote_gateway):
    direct = remote_gateway(events_kept=2)
    cut = Relay(direct.switchboard.port)

    async def scenario():
        await cut.start()
        gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False)
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
        tab = await ready_tab(gw)
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # More events for alice than the service keeps: a call rings and the caller gives up.
        uniqueid = inbound_call(direct, "user=alice")
        admin(direct, "POST", f"/admin/calls/{uniqueid}/hangup")
        await asyncio.sleep(0.3)
        cut.heal()
        # Not a partial replay: a fresh state instead.
        state = (await tab.event("ready", timeout=5))["state"]
        assert state["status"] == "READY" and state["call"] is None, state
        assert state["lastSeq"] == (tab.seqs[-1] if tab.seqs else 0)
        assert not [m for m in tab.buffer if m["event"].startswith("call")], tab.buffer
        # The admin request through `direct`: a blocking one through `gw` would stall this loop's relay.
        await agent_support.answered_call(direct, tab, "user=alice")

    run(scenario())
    assert re.search(r"switchboard_resync .*replayed=0 lost=1", direct.switchboard.log), direct.switchboard.log


def test_a_cut_to_the_service_is_healed_by_resync_with_nothing_lost(remote_gateway):
    # A second instance, on the service directly, with a short ack deadline: it has no tab of
    # alice's, and its `unreachable` must not withdraw her call.
    direct = remote_gateway(ackTimeoutMilliseconds=300, ackResends=0)
    cut = Relay(direct.switchboard.port)

    async def scenario():
        await cut.start()
        gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False)
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
        tab = await ready_tab(gw)
        last = tab.seqs[-1] if tab.seqs else 0
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # Meanwhile the service goes on: a call for alice placed through the other instance.
        uniqueid = inbound_call(direct, "user=alice")
        # The other instance, which has no tab of alice's, gives up on the ack: ignored.
        await asyncio.to_thread(eventually, lambda: "switchboard_unreachable_ignored" in direct.switchboard.log, bool, 5.0,
                                "the other instance's unreachable")
        cut.heal()
        # The missed events arrive, numbered on from where the tab was: no gap, no repeat.
        ringing = (await tab.event("callRinging", timeout=5))["call"]
        assert ringing["uniqueid"] == uniqueid
        assert tab.seqs[0] <= last + 1 and tab.seqs == list(range(tab.seqs[0], tab.seqs[-1] + 1))
        await tab.ok("answer")
        await tab.event("callConnect")
        await tab.ok("hangup")
        await tab.event("callHangup")
        assert readyz(gw)[0] == 200
        assert metric(gw, 'callgate_route_events_total{channel="callcontrol",event="upstream_lost"}') >= 1

    run(scenario())
    # The instance behind the relay resynced: the ringing call's events were replayed, none lost.
    replays = [line for line in direct.switchboard.log.splitlines() if "switchboard_resync" in line]
    assert any(re.search(r"replayed=([1-9]\d*) lost=0", line) for line in replays), replays


def test_a_wrong_or_missing_secret_is_refused_before_the_upgrade(remote_gateway, tmp_path):
    gw = remote_gateway()
    url = gw.switchboard.url

    async def scenario():
        for headers in ({}, {"Authorization": "Bearer wrong-secret-0123456789"}, {"Authorization": f"Basic {SECRET}"}):
            status, _ = await refused_status(url, subprotocols=["callgate.callcontrol.v1"], additional_headers=headers)
            assert status == 401, (headers, status)
        # The right one, and the protocol's first messages: the service's hello, then after a
        # resync, its end.
        async with client(url, subprotocols=["callgate.callcontrol.v1"],
                          additional_headers={"Authorization": f"Bearer {SECRET}"}) as ws:
            assert ws.subprotocol == "callgate.callcontrol.v1"
            hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert hello["type"] == "hello" and hello["version"] == 1 and hello["epoch"]
            await ws.send(json.dumps({"type": "resync", "epoch": "", "after": {}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"type": "resynced", "lost": []}
            await ws.send(json.dumps({"type": "request", "id": 1, "request": "teleport"}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert answer["id"] == 1 and answer["error"]["code"] == "unknownRequest"
            await ws.send("not json")
            with pytest.raises(Exception):
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 1002

    run(scenario())
    # A gateway with the wrong secret is not ready, and says why.
    wrong = remote_gateway(service=gw.switchboard, wait=False, call_control={"secret": "not-the-secret-0123456789"})
    status, body = eventually(lambda: readyz(wrong), lambda r: r[0] == 503, what="/readyz with a wrong secret")
    time.sleep(0.5)
    status, body = readyz(wrong)
    assert status == 503 and "call-control back end unavailable" in body and "401" in body, body
    assert "switchboard_auth_refused" in gw.switchboard.log


def test_a_request_the_service_does_not_answer_in_time_gets_upstream_timeout(remote_gateway):
    gw = remote_gateway(call_control={"requestTimeoutMilliseconds": 800})

    async def scenario():
        tab = await ready_tab(gw)
        gw.switchboard.process.send_signal(signal.SIGSTOP)  # alive, connected, silent
        stat = f"/proc/{gw.switchboard.process.pid}/stat"
        eventually(lambda: open(stat).read().rsplit(")", 1)[1].split()[0], lambda state: state == "T", what="the service stopped")
        try:
            started = time.monotonic()
            refused = await tab.refused("changeStatus", status="AUX", reason="Oběd")
            waited = time.monotonic() - started
            assert refused["code"] == "upstreamTimeout", refused
            assert 0.7 <= waited < 3, waited
        finally:
            gw.switchboard.process.send_signal(signal.SIGCONT)
        # The service carried it out after all: its event arrives, its late answer is dropped.
        assert (await tab.event("stateChange"))["status"] == "AUX"
        await asyncio.to_thread(eventually, lambda: metric(gw, 'callgate_route_events_total{channel="callcontrol",event="late_answer"}'),
                                lambda value: value == 1, 5.0, "late_answer")
        assert (await tab.ok("changeStatus", status="READY")) == {}

    run(scenario())


def test_one_instance_signing_out_leaves_the_user_signed_in_for_another(remote_gateway):
    first = remote_gateway()
    second = remote_gateway(service=first.switchboard)

    async def scenario():
        tab = await ready_tab(first)
        other = await Tab.open(second)
        await other.ok("login", username="alice", password="alice")
        await other.event("user")
        await other.ok("logout")
        await other.event("credentials")
        # The service still has alice signed in for the first instance: a call reaches her tab.
        uniqueid = inbound_call(first, "user=alice")
        assert (await tab.event("callRinging"))["call"]["uniqueid"] == uniqueid
        assert "stateChange" not in [m["event"] for m in tab.buffer]
        await tab.ok("answer")
        await tab.event("callConnect")

    run(scenario())
    assert "switchboard_signout_kept" in first.switchboard.log


async def behind_a_relay(remote_gateway, direct, **agents):
    """A second gateway on `direct`'s service through a `Relay` the test can cut, ready."""
    cut = Relay(direct.switchboard.port)
    await cut.start()
    gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False, **agents)
    await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
    return gw, cut


async def until_state(gw, user, accept, what):
    await asyncio.to_thread(eventually, lambda: agent_state(gw, user), accept, 5.0, what)


def test_a_sign_out_the_service_could_not_hear_takes_effect_at_resync(remote_gateway):
    direct = remote_gateway()

    async def scenario():
        gw, cut = await behind_a_relay(remote_gateway, direct, detachedLogoutSeconds=1)
        tab = await ready_tab(gw)
        assert agent_state(direct, "alice") == "READY"
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # The tab goes; the gateway signs alice out after detachedLogoutSeconds, but the
        # service does not hear it and still has her available for calls.
        await tab.close()
        await asyncio.to_thread(eventually, lambda: "agent_detached_logout" in gw.log, bool, 5.0, "the detached sign-out")
        assert agent_state(direct, "alice") == "READY"
        # Back, the gateway's resync no longer names alice: the service signs her out.
        cut.heal()
        await until_state(direct, "alice", lambda state: state == "CREDENTIALS", "alice signed out at the service")

    run(scenario())
    assert re.search(r"switchboard_signout_reconciled .*user=alice", direct.switchboard.log), direct.switchboard.log


def test_an_instance_away_past_the_grace_has_its_users_signed_out_until_it_returns(remote_gateway):
    direct = remote_gateway(instance_grace_ms=1000)

    async def scenario():
        gw, cut = await behind_a_relay(remote_gateway, direct)
        tab = await ready_tab(gw)
        cut.cut()
        # Past the grace the service gives the silent instance up: alice, signed in only there,
        # is signed out, so no call waits for an agent nobody can reach.
        await until_state(direct, "alice", lambda state: state == "CREDENTIALS", "alice signed out after the grace")
        assert metric(direct.switchboard, 'callgate_route_events_total{channel="switchboard",event="instance_expired"}') == 1
        # Back, the instance still names alice: the service answers that she is signed out, and
        # the gateway signs her in again; her tab gets a fresh start (`user`, `identify`: the
        # agent picks the phone again, as after a restart) and takes calls.
        cut.heal()
        await tab.event("user", timeout=5)
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        assert (await tab.event("ready"))["state"]["status"] == "READY"
        await until_state(direct, "alice", lambda state: state == "READY", "alice signed in again")
        uniqueid = inbound_call(direct, "user=alice")
        assert (await tab.event("callRinging"))["call"]["uniqueid"] == uniqueid

    run(scenario())
    log = direct.switchboard.log
    assert "switchboard_instance_expired" in log and re.search(r"switchboard_signout_expired .*user=alice", log), log


def test_the_service_over_tls_with_the_gateway_verifying_its_certificate(remote_gateway, tmp_path):
    certificate = make_certificate(tmp_path, "switchboard", "DNS:localhost")
    gw = remote_gateway(certificate=certificate, call_control={"tls": {"caFile": str(certificate[0])}})

    async def scenario():
        tab = await ready_tab(gw)
        await agent_support.answered_call(gw, tab, "user=alice")

    run(scenario())
    # A gateway that does not trust the certificate is not ready, and says why.
    other = make_certificate(tmp_path, "other", "DNS:localhost")
    untrusting = remote_gateway(service=gw.switchboard, wait=False, call_control={"tls": {"caFile": str(other[0])}})
    status, body = eventually(lambda: readyz(untrusting), lambda r: r[0] == 503 and "TLS" in r[1], what="/readyz untrusted")
    assert "call-control back end unavailable" in body, body
