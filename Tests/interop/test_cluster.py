"""Several gateway instances sharing one Redis (issue 14; docs/cluster.md §6), against the release
binary and a real `redis-server` started here (a free port, its own directory): one agent with a
tab on each of two instances gets every per-user event on both, in `seq` order, once; a tab that
reconnects to the other instance attaches with nothing lost (from that instance's copy, or from
the Redis stream); Redis stopped and started again: `/readyz` goes down with the reason and up,
`/healthz` stays up, the live session keeps working, and an `attach` afterwards is
`complete: true` when Redis kept the stream (AOF) and `complete: false` when it lost it.

Each instance runs its own embedded Switchboard (a shared one is the Switchboard service, issue 14
§1), so what is shared here is the user's event stream: events of either instance's back end."""
import asyncio
import json
import time

import pytest

from conftest import eventually, metric, readyz
from agent_support import admin, inbound_call, openssl_sso_token
from cluster_support import (HAPROXY_SOURCE, CLIENT, SERVICE_SECRET, RecordingTab, cluster, haproxy, switchboard_service,  # noqa: F401 (fixtures)
                             click_to_call, lb_tab, logins, ready_tab, same, server_states, status, until)
from route_support import closed_with, run


def test_an_agent_with_tabs_on_two_instances_gets_every_event_on_both_in_order_once(cluster):
    redis, (a, b) = cluster()

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)  # alice signs in on b's own Switchboard too: its events are numbered in the same stream
        start = len(one.numbered)
        uniqueid = inbound_call(a, "user=alice")  # a's Switchboard rings alice
        assert (await one.message("callRinging")) == (await two.message("callRinging"))
        await one.ok("answer")
        assert (await one.message("callConnect")) == (await two.message("callConnect"))
        await two.ok("changeStatus", status="AUX", reason="Porada")  # an event of b's Switchboard
        aux = [m for m in two.numbered if m["event"] == "stateChange"]
        while not aux or aux[-1]["data"]["status"] != "AUX":
            aux.append(await two.message("stateChange"))
        assert same([await until(one, aux[-1]["seq"])]) == same(aux[-1:])
        admin(a, "POST", f"/admin/calls/{uniqueid}/hangup")
        hangup = await two.message("callHangup")
        assert same([await until(one, hangup["seq"])]) == same([hangup])
        await one.quiet(0.5)
        await two.quiet(0.5)
        # From two's first event on, both saw the same messages with the same seqs, consecutive
        # (Tab checks that no seq is skipped or repeated), and one saw nothing two did not.
        first = two.numbered[0]["seq"]
        mine = [m for m in one.numbered if m["seq"] >= first]
        assert same(mine) == same(two.numbered)
        assert [m["seq"] for m in mine] == list(range(first, first + len(mine)))
        assert len(one.numbered) - start >= 4 and len({m["epoch"] for m in one.numbered}) == 1

    run(scenario())
    eventually(lambda: metric(a, 'callgate_redis_round_trips_total{client="state"}'), what="round trips counted")
    eventually(lambda: metric(b, "callgate_redis_pubsub_lag_milliseconds_count"), what="pub/sub lag measured")


def test_a_ringing_nobody_acknowledges_is_resent_to_the_tabs_on_every_instance(cluster):
    redis, (a, b) = cluster(agents={"ackTimeoutMilliseconds": 1000, "ackResends": 2})

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        one.auto_ack = two.auto_ack = False
        inbound_call(a, "user=alice")  # numbered by a, which holds one and waits for the ack
        first = await two.message("callRinging")
        assert (await one.message("callRinging"))["seq"] == first["seq"]
        # Nobody acknowledged: a resends to its tab, and b to its own from its copy (same seq).
        again = await two.message("callRinging", timeout=3)
        assert (again["seq"], again["data"]) == (first["seq"], first["data"])
        assert (await one.message("callRinging", timeout=3))["seq"] == first["seq"]
        # b's tab acknowledges: a stops waiting, so there is no third sending and no "unreachable".
        await two.ok("ack", seq=first["seq"])
        assert "callRinging" not in await two.quiet(1.5)
        assert "callRinging" not in await one.quiet(0.1)

    run(scenario())
    assert "agent_unreachable" not in a.log
    assert metric(b, 'callgate_route_events_total{channel="ws",event="ringing_resent"}') >= 1


def test_autologout_and_the_tab_id_hold_between_instances(cluster):
    redis, (a, b) = cluster()

    async def scenario():
        # The same browser tab (its id) reconnects through the load balancer to the other
        # instance: its old connection on a is closed with 4009.
        old = await RecordingTab.open(a)
        token = (await old.ok("login", username="alice", password="alice", tab="browser-tab-A"))["token"]
        new = await RecordingTab.open(b)
        assert (await new.ok("attach", lastSeq=0, token=token, tab="browser-tab-A"))["state"] != "CREDENTIALS"
        code, _, _ = await closed_with(old.ws)
        assert code == 4009
        # A login from another computer (another address) on a logs out the tab on b.
        other = await RecordingTab.open(a, source="127.0.0.2")
        await other.ok("login", username="alice", password="alice")
        assert (await new.event("loginError"))["code"] == 3
        await new.event("credentials")
        assert "loginError" not in await other.quiet(0.3)

    run(scenario())
    assert "agent_tab_replaced" in a.log and "agent_autologout" in b.log


def test_a_tab_that_moves_to_the_other_instance_attaches_with_nothing_lost(cluster):
    redis, (a, b) = cluster()

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        await one.quiet(0.3)
        last_seen, epoch = one.numbered[-1]["seq"], one.epoch
        one.ws.transport.abort()  # a's tab is gone without a close
        await asyncio.sleep(0.3)
        uniqueid = inbound_call(a, "user=alice")  # rings while the tab is away
        await two.message("callRinging")
        admin(a, "POST", f"/admin/calls/{uniqueid}/hangup")
        await two.message("callHangup")
        await two.quiet(0.3)
        missed = [m for m in two.numbered if m["seq"] > last_seen]
        assert len(missed) >= 2

        # Back through the other instance (as behind a load balancer): b's copy answers.
        back = await RecordingTab.open(b)
        back.seqs, back.epoch = [last_seen], epoch
        result = await back.ok("attach", lastSeq=last_seen, token=one.token, epoch=epoch)
        assert result == {"state": "READY", "lastSeq": missed[-1]["seq"], "complete": True, "epoch": epoch}, result
        await until(back, missed[-1]["seq"])
        assert same(back.numbered) == same(missed)

        # A tab behind b's copy (it saw the epoch's first events only) is answered from Redis.
        early = await RecordingTab.open(b)
        early.epoch = epoch
        result = await early.ok("attach", lastSeq=0, token=one.token, epoch=epoch)
        assert result["complete"] is True and result["lastSeq"] == missed[-1]["seq"], result
        await until(early, missed[-1]["seq"])
        assert [m["seq"] for m in early.numbered] == list(range(1, missed[-1]["seq"] + 1))
        assert same(early.numbered[-len(missed):]) == same(missed)

        # Another epoch is never replayed: a fresh state instead.
        stale = await RecordingTab.open(b)
        result = await stale.ok("attach", lastSeq=1, token=one.token, epoch="0")
        assert result["complete"] is False and result["epoch"] == epoch, result
        assert (await stale.event("ready"))["state"]["epoch"] == epoch

    run(scenario())


def test_a_keyed_dial_or_a_click_sent_to_two_instances_places_one_call(cluster):
    """The same `idempotencyKey` from tabs on two instances, at once: one call at one back end
    (the claim in Redis, `SET NX PX GET`), both replies with its uniqueid; the same for a double
    click-to-call sent to both instances."""
    redis, (a, b) = cluster()

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        first, second = await asyncio.gather(one.ok("dial", number="602123456", idempotencyKey="cluster-1"),
                                             two.ok("dial", number="602123456", idempotencyKey="cluster-1"))
        assert first == second and first["uniqueid"], (first, second)
        calls = [admin(gw, "GET", "/admin/calls")[1]["calls"] for gw in (a, b)]
        assert sorted(len(c) for c in calls) == [0, 1], calls
        assert [c for c in calls if c][0][0]["uniqueid"] == first["uniqueid"]
        for gw in (a, b):
            admin(gw, "POST", f"/admin/calls/{first['uniqueid']}/hangup")

        target = "/wp_autocallstart?user=alice&number=602987654"
        clicks = await asyncio.gather(*(asyncio.to_thread(click_to_call, gw, target) for gw in (a, b)))
        assert [code for code, _ in clicks] == [200, 200], clicks
        uniqueids = {json.loads(body)["uniqueid"] for _, body in clicks}
        assert len(uniqueids) == 1, clicks
        placed = [c for gw in (a, b) for c in admin(gw, "GET", "/admin/calls")[1]["calls"] if c["number"].endswith("602987654")]
        assert [c["uniqueid"] for c in placed] == list(uniqueids), placed

    run(scenario())
    for channel, event in (("ws", "dial_deduplicated"), ("clicktocall", "deduplicated")):
        name = f'callgate_route_events_total{{channel="{channel}",event="{event}"}}'
        eventually(lambda: metric(a, name) + metric(b, name), lambda n: n == 1, what=f"one {event}")


def test_an_sso_token_is_accepted_once_across_instances(cluster):
    """The SSO replay guard shared through Redis (`SET NX PX`): a token used on one instance is
    refused on the other (`loginError` 2), as on one instance."""
    redis, (a, b) = cluster()

    async def scenario():
        token = openssl_sso_token("alice", int(time.time()))
        first = await RecordingTab.open(a)
        assert (await first.ok("sso", username="alice", token=token, provider="CRM"))["user"] == "alice"
        replay = await RecordingTab.open(b)
        assert (await replay.refused("sso", username="alice", token=token, provider="CRM"))["code"] == "loginFailed"
        assert (await replay.event("loginError"))["code"] == 2
        other = openssl_sso_token("bob", int(time.time()))
        assert (await replay.ok("sso", username="bob", token=other, provider="CRM"))["user"] == "bob"

    run(scenario())
    assert "sso_replayed" in b.log


def test_failed_logins_on_two_instances_add_up(cluster):
    """The login throttle shared through Redis: three wrong passwords on one instance and two on
    the other reach `agents.loginMaxFailures` (5), so the next login of that user name is refused
    on either (`loginError` 5), even with the right password; another user is not affected."""
    redis, (a, b) = cluster()

    async def scenario():
        tabs = [await RecordingTab.open(a), await RecordingTab.open(b)]
        for index in range(5):
            tab = tabs[0 if index < 3 else 1]
            assert (await tab.refused("login", username="alice", password="wrong"))["code"] == "loginFailed"
            assert (await tab.event("loginError"))["code"] == 1
        for tab in tabs:
            assert (await tab.refused("login", username="alice", password="alice"))["code"] == "loginFailed"
            assert (await tab.event("loginError"))["code"] == 5
        assert (await tabs[1].ok("login", username="bob", password="bob"))["user"] == "bob"

    run(scenario())


@pytest.mark.parametrize("persistent", [True, False], ids=["redis-keeps-the-stream", "redis-loses-the-stream"])
def test_redis_restarted_readiness_follows_and_attach_is_complete_only_when_nothing_was_lost(cluster, persistent):
    redis, (a, b) = cluster(persistent=persistent)

    async def scenario():
        one = await ready_tab(a)
        await one.ok("changeStatus", status="AUX", reason="Porada")
        await one.message("stateChange")
        two = await ready_tab(b)  # b's copy of the stream starts here: an older position is read from Redis
        await one.quiet(0.3)
        await two.quiet(0.3)
        first, last, epoch = one.numbered[0]["seq"], one.numbered[-1]["seq"], one.epoch
        assert two.numbered[0]["seq"] > first

        redis.stop(kill=not persistent)
        for gateway in (a, b):
            _, body = eventually(lambda: readyz(gateway), lambda answer: answer[0] == 503, what="/readyz while Redis is down")
            assert body.startswith("redis:"), body
            assert readyz(gateway, "/healthz")[0] == 200
            report = status(gateway)
            assert report["notReady"].startswith("redis:") and report["state"] == "redis", report
        # The live sessions keep working for what needs no Redis.
        assert (await one.ok("state"))["status"] == "AUX"
        assert (await two.ok("state"))["lastSeq"] == last

        redis.start()
        for gateway in (a, b):
            eventually(lambda: readyz(gateway)[0], lambda code: code == 200, seconds=10, what="/readyz after Redis is back")
            assert status(gateway)["notReady"] is None
        await one.quiet(0.5)
        await two.quiet(0.5)

        back = await RecordingTab.open(b)
        back.seqs, back.epoch = [first], epoch
        result = await back.ok("attach", lastSeq=first, token=one.token, epoch=epoch)
        await one.ok("changeStatus", status="READY")
        event = await one.message("stateChange")
        if persistent:
            assert result == {"state": "READY", "lastSeq": last, "complete": True, "epoch": epoch}, result
            assert event["seq"] == last + 1 and event["epoch"] == epoch
            assert same([await until(back, event["seq"])]) == same([event])
            assert [m["seq"] for m in back.numbered] == list(range(first + 1, last + 2))
        else:
            assert result["complete"] is False, result
            assert event["epoch"] != epoch and event["seq"] == 1, event  # a new life of the stream, counted from 1
            assert same([await until(back, 1, event["epoch"])]) == same([event])
            assert "ready" in [m["event"] for m in back.buffer]
        assert same([await until(two, event["seq"], event["epoch"])]) == same([event])

    run(scenario())
    eventually(lambda: metric(a, 'callgate_redis_reconnects_total{client="state"}'), what="a reconnect counted")


def test_behind_haproxy_a_tab_of_a_killed_instance_attaches_on_another_with_nothing_lost(cluster, haproxy):
    """deploy/haproxy/haproxy.cfg in front of three gateways, one of which never reaches Redis:
    HAProxy's `/readyz` check keeps it out; tabs land on the two others (`leastconn`), which see
    the client's own address (PROXY v2); `kill -9` of the instance holding tab 1: the tab
    reconnects through HAProxy and attaches on the other with every event it missed, within 2 s."""
    redis, (a, b, never) = cluster(trusted_proxy=HAPROXY_SOURCE, dead_redis=1)
    ports = haproxy([a, b, never])
    eventually(lambda: server_states(ports["stats"]), lambda states: states == {"gw1": "UP", "gw2": "UP", "gw3": "DOWN"},
               seconds=15, what="HAProxy's view of the gateways")

    async def scenario():
        one = await lb_tab(ports["bind"])
        result = await one.ok("login", username="alice", password="alice")
        one.token = result["token"]
        await one.event("user")
        await one.event("identify")
        await one.ok("selectIdentifier", identifier="web-alice")
        await one.ok("provision")
        await one.event("ready")
        first = a if logins(a) else b
        second = b if first is a else a
        two = await lb_tab(ports["bind"])  # leastconn: the other ready instance
        await two.ok("login", username="alice", password="alice")
        while (await two.message_any(("identify", "ready")))["event"] == "identify":
            await two.ok("selectIdentifier", identifier="web-alice")
            await two.ok("provision")
        assert (logins(first), logins(second), logins(never)) == (1, 1, 0)
        assert f"peer={CLIENT}" in first.log and f"peer={CLIENT}" in second.log
        await one.quiet(0.5)
        last_seen, epoch = one.numbered[-1]["seq"], one.epoch

        killed = time.monotonic()
        first.process.kill()  # kill -9
        first.process.wait()
        await two.ok("changeStatus", status="AUX", reason="Porada")  # while tab 1 is away
        missed = await two.message("stateChange")
        while missed["data"]["status"] != "AUX":
            missed = await two.message("stateChange")
        assert missed["seq"] > last_seen

        back = None
        while back is None:  # the bar reconnects at once; HAProxy redispatches from the dead server
            try:
                back = await lb_tab(ports["bind"])
            except (OSError, asyncio.TimeoutError, ConnectionError):
                assert time.monotonic() - killed < 2, "no gateway through HAProxy within 2 s"
                await asyncio.sleep(0.05)
        back.seqs, back.epoch = [last_seen], epoch
        result = await back.ok("attach", lastSeq=last_seen, token=one.token, epoch=epoch)
        elapsed = time.monotonic() - killed
        assert result["complete"] is True and result["lastSeq"] >= missed["seq"], result
        await until(back, missed["seq"])
        assert same([m for m in back.numbered if m["seq"] == missed["seq"]]) == same([missed])
        print(f"behind haproxy: attached {elapsed * 1000:.0f} ms after kill -9")
        assert elapsed < 2, f"attached {elapsed:.2f} s after the kill"

    run(scenario())
    # The attach was counted by an instance HAProxy reached, and none reached the one never ready.
    attached = 'callgate_route_events_total{channel="ws",event="attached"}'
    assert logins(never) == 0 and metric(never, attached) == 0
    survivor = next(gw for gw in (a, b) if gw.process.poll() is None)
    eventually(lambda: metric(survivor, attached), lambda count: count >= 1, what="the attach counted by the instance it reached")


def test_with_the_switchboard_service_each_event_is_in_the_stream_once(cluster, switchboard_service):
    """One Switchboard service heard by two gateways sharing Redis: each gateway hears every event
    and appends it, the stream keeps it once (by the service's event number), and the agent's
    tabs on both gateways get it once, with the same seq."""
    url = switchboard_service()
    redis, (a, b) = cluster(extra={"callControl": {"url": url, "secret": SERVICE_SECRET}})

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)  # the service already has alice READY: straight to READY
        uniqueid = inbound_call(a, "user=alice")
        assert (await one.message("callRinging")) == (await two.message("callRinging"))
        await two.ok("answer")  # through the other gateway: one back end
        connect = await one.message("callConnect")
        assert same([await until(two, connect["seq"])]) == same([connect])
        admin(b, "POST", f"/admin/calls/{uniqueid}/hangup")
        hangup = await two.message("callHangup")
        assert same([await until(one, hangup["seq"])]) == same([hangup])
        await one.quiet(0.5)
        await two.quiet(0.5)
        first = two.numbered[0]["seq"]
        assert same([m for m in one.numbered if m["seq"] >= first]) == same(two.numbered)
        for tab in (one, two):  # each event of the call once, though both gateways heard it
            kinds = [m["event"] for m in tab.numbered if m["data"].get("call", {}).get("uniqueid") == uniqueid]
            assert sorted(set(kinds)) == sorted(kinds) and "callConnect" in kinds, kinds

    run(scenario())
    repeats = 'callgate_route_events_total{channel="ws",event="stream_append_repeat"}'
    eventually(lambda: metric(a, repeats) + metric(b, repeats), lambda n: n >= 3, what="repeats not appended")
