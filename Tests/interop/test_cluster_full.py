"""The cluster of issue 14 with every real part together (docs/cluster.md, docs/deploy.md): the
Switchboard service (`callgate switchboard --listen`), three gateway instances with
`state.engine` `redis` and `callControl` pointing at the service, a real `redis-server`, and
deploy/haproxy/haproxy.cfg as shipped (only its addresses set, through its environment) in front
of them. Agent tabs connect through HAProxy from CLIENT (127.0.0.5), TLS passed through, each
gateway learning the address from HAProxy's PROXY v2 header; the test finds which instance a tab
landed on from that instance's `proxy_header_accepted` log line. The release binary, as every
interop test. The drain is tested here with the service; its details on one gateway are in
test_drain.py.

Over 400 lines on purpose: one setup (every real part together, `full_cluster`) and the scenarios
that need all of it, each against the whole; the parts are tested alone in test_cluster.py,
test_cluster_shared.py, test_drain.py and test_proxy_protocol.py, and the setup's pieces live in
cluster_support.py."""
import asyncio
import contextlib
import json
import socket
import struct
import time
from dataclasses import dataclass

import pytest

from conftest import eventually, metric, readyz
from agent_support import admin, inbound_call
from cluster_support import (CLIENT, HAPROXY_SOURCE, SERVICE_SECRET, RecordingTab, cluster, haproxy,  # noqa: F401 (fixtures)
                             click_to_call, lb_tab, same, server_states, sign_in, switchboard_service, until)
from route_support import closed_with, run


@dataclass
class Cluster:
    redis: object
    gateways: list
    ports: dict

    def arrivals(self, source=CLIENT):
        """How many connections from `source` each gateway has taken through HAProxy."""
        return [gw.log.count(f"proxy_header_accepted proxy={HAPROXY_SOURCE} peer={source}\n") for gw in self.gateways]

    async def tab(self, source=CLIENT, kind=None):
        """A tab through HAProxy, with `gateway` set to the instance it landed on."""
        before = self.arrivals(source)
        tab = await lb_tab(self.ports["bind"], source, kind)
        after = self.arrivals(source)
        landed = [gw for gw, old, new in zip(self.gateways, before, after) if new > old]
        assert len(landed) == 1, (before, after)
        tab.gateway = landed[0]
        return tab

    def other(self, *tabs):
        """An instance that holds none of `tabs`."""
        return next(gw for gw in self.gateways if all(tab.gateway is not gw for tab in tabs))

    def all_up(self, seconds=15):
        eventually(lambda: server_states(self.ports["stats"]), lambda states: set(states.values()) == {"UP"},
                   seconds=seconds, what="HAProxy's view of the three gateways")


@pytest.fixture
def full_cluster(cluster, switchboard_service, haproxy):
    def start(persistent=False, limits=None, settings=None):
        extra = {"callControl": {"url": switchboard_service(), "secret": SERVICE_SECRET}, "logLevel": "debug", **(settings or {})}
        if limits:
            extra["limits"] = limits
        redis, gateways = cluster(count=3, persistent=persistent, trusted_proxy=HAPROXY_SOURCE, extra=extra)
        result = Cluster(redis, gateways, haproxy(gateways))
        result.all_up()
        return result

    return start


async def agent(cl, kind=None):
    """alice's tab through HAProxy, READY (at the one Switchboard service)."""
    return await sign_in(await cl.tab(kind=kind))


async def two_tabs(cl):
    """Two of alice's tabs, which `leastconn` puts on two instances, and the third instance."""
    one = await agent(cl)
    two = await agent(cl)
    assert one.gateway is not two.gateway
    return one, two, cl.other(one, two)


def call_events(tab, uniqueid):
    return [m["event"] for m in tab.numbered if m["data"].get("call", {}).get("uniqueid") == uniqueid]


def test_two_tabs_on_two_instances_get_every_event_on_both_in_seq_order_once(full_cluster):
    """Calls rung, answered and hung up through the third instance (no tab of alice there), and a
    status change from one tab: both tabs get the same numbered events, consecutive, each once."""
    cl = full_cluster()

    async def scenario():
        one, two, third = await two_tabs(cl)
        start = len(one.numbered)
        answered = inbound_call(third, "user=alice")
        assert same([await one.message("callRinging")]) == same([await two.message("callRinging")])
        await two.ok("answer")
        assert same([await one.message("callConnect")]) == same([await two.message("callConnect")])
        admin(third, "POST", f"/admin/calls/{answered}/hangup")
        assert same([await one.message("callHangup")]) == same([await two.message("callHangup")])
        missed = inbound_call(one.gateway, "user=alice")  # rung and hung up unanswered, through a tab's instance
        assert same([await one.message("callRinging")]) == same([await two.message("callRinging")])
        admin(two.gateway, "POST", f"/admin/calls/{missed}/hangup")
        assert same([await one.message("callHangup")]) == same([await two.message("callHangup")])
        await one.ok("changeStatus", status="AUX", reason="Porada")
        await one.quiet(0.7)
        await two.quiet(0.7)
        first = two.numbered[0]["seq"]
        mine = [m for m in one.numbered if m["seq"] >= first]
        assert same(mine) == same(two.numbered)
        assert [m["seq"] for m in mine] == list(range(first, first + len(mine)))  # in order, none skipped or repeated
        assert mine[-1]["event"] == "stateChange" and mine[-1]["data"]["status"] == "AUX", mine[-1]
        for uniqueid, expected in ((answered, {"callRinging", "callConnect", "callHangup"}), (missed, {"callRinging", "callHangup"})):
            for tab in (one, two):
                kinds = call_events(tab, uniqueid)
                assert sorted(kinds) == sorted(set(kinds)) and expected <= set(kinds), (uniqueid, kinds)
        assert len(one.numbered) - start >= 6 and len({m["epoch"] for m in one.numbered}) == 1

    run(scenario())


def test_click_to_call_reaches_the_agent_from_any_instance_and_a_double_click_places_one_call(full_cluster):
    cl = full_cluster()

    async def scenario():
        one, two, third = await two_tabs(cl)
        code, body = await asyncio.to_thread(click_to_call, third, "/wp_autocallstart?user=alice&number=602987654")
        assert code == 200, body
        uniqueid = json.loads(body)["uniqueid"]
        for tab in (one, two):
            call = (await tab.event("callNew"))["call"]
            assert call["uniqueid"] == uniqueid and call["number"].endswith("602987654"), call
        admin(third, "POST", f"/admin/calls/{uniqueid}/hangup")
        await one.event("callHangup")

        target = "/wp_autocallstart?user=alice&number=602111222"
        clicks = await asyncio.gather(*(asyncio.to_thread(click_to_call, gw, target) for gw in (third, one.gateway)))
        assert [code for code, _ in clicks] == [200, 200], clicks
        uniqueids = {json.loads(body)["uniqueid"] for _, body in clicks}
        assert len(uniqueids) == 1, clicks
        calls = [c for c in admin(two.gateway, "GET", "/admin/calls")[1]["calls"] if c["number"].endswith("602111222")]
        assert [c["uniqueid"] for c in calls] == list(uniqueids), calls
        await one.quiet(0.7)
        await two.quiet(0.7)
        for tab in (one, two):
            placed = [m for m in tab.numbered if m["event"] == "callNew" and m["data"]["call"]["number"].endswith("602111222")]
            assert len(placed) == 1, placed

    run(scenario())
    deduplicated = 'callgate_route_events_total{channel="clicktocall",event="deduplicated"}'
    eventually(lambda: sum(metric(gw, deduplicated) for gw in cl.gateways), lambda n: n == 1, what="one click deduplicated")


def test_kill_9_of_the_instance_holding_a_tab_while_calls_ring_reattaches_with_nothing_lost_within_2_s(full_cluster):
    """Tab 1's instance killed with SIGKILL while a call rings; meanwhile that call is hung up
    and the next one rings. The tab reconnects at once through HAProxy (which sends it to a live
    instance: `retries`, `option redispatch`) and `attach`es with its last seq and epoch:
    complete, and the replay plus what follows equals what tab 2 got, within 2 s of the kill."""
    cl = full_cluster()

    async def scenario():
        one, two, third = await two_tabs(cl)
        ringing = inbound_call(third, "user=alice")
        await one.message("callRinging")
        await two.message("callRinging")
        await one.quiet(0.3)
        last_seen, epoch = one.numbered[-1]["seq"], one.epoch

        killed = time.monotonic()
        one.gateway.process.kill()
        one.gateway.process.wait()

        async def reconnect():
            while True:  # the bar reconnects at once
                try:
                    back = await cl.tab()
                    break
                except (OSError, asyncio.TimeoutError, ConnectionError):
                    assert time.monotonic() - killed < 2, "no gateway through HAProxy within 2 s"
                    await asyncio.sleep(0.05)
            back.seqs, back.epoch = [last_seen], epoch
            result = await back.ok("attach", lastSeq=last_seen, token=one.token, epoch=epoch)
            return back, result, time.monotonic() - killed

        async def meanwhile():  # while tab 1 is away: the ringing call ends, the next one rings
            admin(third, "POST", f"/admin/calls/{ringing}/hangup")
            await two.message("callHangup")
            second = inbound_call(third, "user=alice")
            await two.message("callRinging")
            return second

        (back, result, elapsed), second = await asyncio.gather(reconnect(), meanwhile())
        print(f"full cluster: attached {elapsed * 1000:.0f} ms after kill -9")
        assert back.gateway is not one.gateway
        assert result["complete"] is True and result["epoch"] == epoch, result
        assert elapsed < 2, f"attached {elapsed:.2f} s after the kill"
        admin(third, "POST", f"/admin/calls/{second}/hangup")
        await two.message("callHangup")
        await two.quiet(0.7)
        await back.quiet(0.7)
        missed = [m for m in two.numbered if m["seq"] > last_seen]
        assert len(missed) >= 3 and missed[-1]["event"] == "callHangup", missed
        assert same(back.numbered) == same(missed)  # the replay, then live: 0 events lost, none twice
        assert call_events(back, ringing)[-1] == "callHangup" and "callRinging" in call_events(back, second)

    run(scenario())


class WatchedTab(RecordingTab):
    """Keeps every message; a `ready` (a fresh state) restarts the seq check at its `lastSeq`, so
    any other jump in `seq` fails Tab's check: a gap is never silent."""

    def __init__(self, ws, auto_ack=True):
        super().__init__(ws, auto_ack)
        self.readies = []

    def observe(self, message):
        super().observe(message)
        if message.get("event") == "ready":
            state = message["data"]["state"]
            self.readies.append(state)
            self.seqs = [state["lastSeq"]] if state.get("lastSeq") else []


async def drain(tab):
    """Reads `tab` until cancelled (Tab's seq check runs on each message)."""
    while True:
        await tab._next(None)


async def stopped(task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def changing_status(tab, stop, counter):
    """alice's status toggled as fast as the replies come: a per-user event each."""
    while not stop.is_set():
        await tab.ok("changeStatus", status="AUX" if counter[0] % 2 == 0 else "READY", reason="Porada")
        counter[0] += 1
        tab.buffer.clear()


def test_redis_restarted_under_load_readiness_follows_and_tabs_are_told_what_was_lost(full_cluster):
    """A tab keeps changing alice's status (an event each time) while Redis (no persistence) is
    killed and started again. Every instance's /readyz goes 503 `redis: …` and back to 200
    (/healthz stays 200); the live tabs get a fresh `ready` for what could not be appended and
    the new epoch, never a seq gap without one; an `attach` from before the loss is
    `complete: false` with a fresh state; one from after it, `complete: true` with exactly what
    the live tab got."""
    cl = full_cluster(persistent=False)
    counter = [0]  # status changes made

    async def reattach(tab, drains):
        """`tab` drops, then comes back through HAProxy with its position; (the new tab, the answer)."""
        await stopped(drains.pop(tab))
        tab.ws.transport.abort()
        await asyncio.sleep(0.3)
        back = await cl.tab(kind=WatchedTab)
        last_seen = tab.numbered[-1]["seq"]
        back.seqs, back.epoch, back.token = [last_seen], tab.epoch, tab.token
        result = await back.ok("attach", lastSeq=last_seen, token=tab.token, epoch=tab.epoch)
        drains[back] = asyncio.create_task(drain(back))
        return back, result, last_seen

    async def scenario():
        one = await agent(cl, WatchedTab)
        two = await agent(cl, WatchedTab)
        loader = await agent(cl, WatchedTab)
        assert len({one.gateway.http_port, two.gateway.http_port, loader.gateway.http_port}) == 3
        stop = asyncio.Event()
        drains = {tab: asyncio.create_task(drain(tab)) for tab in (one, two)}
        load = asyncio.create_task(changing_status(loader, stop, counter))
        await asyncio.sleep(0.5)

        # Under load, before the loss: a dropped tab comes back with nothing lost.
        one, result, since = await reattach(one, drains)
        assert result["complete"] is True, result
        before_epoch, before_seq = two.epoch, two.numbered[-1]["seq"]

        cl.redis.stop(kill=True)
        for gw in cl.gateways:
            code, body = eventually(lambda: readyz(gw), lambda answer: answer[0] == 503, what="/readyz while Redis is down")
            assert body.startswith("redis:"), body
            assert readyz(gw, "/healthz")[0] == 200
        during = counter[0]
        await asyncio.sleep(0.5)
        assert counter[0] > during, "the live session stopped working while Redis was down"
        cl.redis.start()
        for gw in cl.gateways:
            eventually(lambda: readyz(gw)[0], lambda code: code == 200, seconds=10, what="/readyz after Redis is back")
        cl.all_up()
        await asyncio.sleep(0.5)
        assert two.numbered[-1]["epoch"] != before_epoch, "no event of the new epoch"

        # From before the loss: Redis lost it, so a fresh state rather than a replay.
        stale = await cl.tab(kind=WatchedTab)
        answer = await stale.ok("attach", lastSeq=before_seq, token=two.token, epoch=before_epoch)
        assert answer["complete"] is False and answer["epoch"] != before_epoch, answer
        assert (await stale.event("ready"))["state"]["epoch"] == answer["epoch"]

        # After it, under load again: a dropped tab comes back with nothing lost.
        one, result, since = await reattach(one, drains)
        assert result["complete"] is True and result["epoch"] != before_epoch, result
        await asyncio.sleep(0.5)
        stop.set()
        await load
        for task in drains.values():
            await stopped(task)
        await one.quiet(0.5)
        await two.quiet(0.5)
        tail = [m for m in two.numbered if m["epoch"] == result["epoch"] and m["seq"] > since]
        assert tail and same(one.numbered) == same(tail)
        for tab in (two, loader):  # told, with a fresh state, of what was lost; never a silent gap (WatchedTab)
            assert any(state.get("epoch") not in (None, before_epoch) for state in tab.readies), tab.readies
        print(f"full cluster: {counter[0]} status changes under load across the Redis restart; "
              f"tab 2 got {len(two.numbered)} numbered events and {len(two.readies)} fresh states")

    run(scenario(), timeout=90)


def proxy_v2(source, destination, source_port, destination_port):
    """A PROXY protocol v2 header, PROXY command, TCP over IPv4 (the spec's §2.2)."""
    addresses = socket.inet_aton(source) + socket.inet_aton(destination) + struct.pack("!HH", source_port, destination_port)
    return b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + struct.pack("!H", len(addresses)) + addresses


def test_proxy_v2_from_haproxy_gives_the_real_client_address_to_logs_and_limits(full_cluster):
    """`limits.maxConnectionsPerAddress` 1 on each instance: three tabs from CLIENT land on the
    three instances (each logs CLIENT, not HAProxy's address); a fourth from CLIENT is refused
    with 429 by the instance it reaches, while one from another client address is taken. A
    PROXY header straight from a client (not a trusted proxy) is refused."""
    cl = full_cluster(limits={"maxConnectionsPerAddress": 1})

    async def scenario():
        tabs = [await cl.tab() for _ in range(3)]
        assert {tab.gateway.http_port for tab in tabs} == {gw.http_port for gw in cl.gateways}
        await sign_in(tabs[0])
        assert f"agent_logged_in user=alice peer={CLIENT}" in tabs[0].gateway.log, tabs[0].gateway.log
        refusals = sum(gw.log.count(f"connection_refused peer={CLIENT} status=429") for gw in cl.gateways)
        with pytest.raises(Exception):
            await lb_tab(cl.ports["bind"])
        eventually(lambda: sum(gw.log.count(f"connection_refused peer={CLIENT} status=429") for gw in cl.gateways),
                   lambda n: n == refusals + 1, what="the fourth connection from CLIENT refused")
        other = await cl.tab(source="127.0.0.6")
        assert (await other.ok("ping")) is not None

    run(scenario())
    for gw in cl.gateways:
        assert f"peer={HAPROXY_SOURCE} status=429" not in gw.log
    target = cl.gateways[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.7", 0))
        sock.connect(("127.0.0.1", target.http_port))
        sock.sendall(proxy_v2("203.0.113.7", "127.0.0.1", 40000, 80) + b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        sock.settimeout(5)
        assert sock.recv(100) == b"", "a PROXY header from an untrusted address was answered"
    eventually(lambda: "proxy_header_refused peer=127.0.0.7 " in target.log, what="the untrusted header logged")
    assert "203.0.113.7" not in target.log


def test_sigterm_of_an_instance_keeps_the_call_tab_until_hangup_then_it_attaches_elsewhere_with_nothing_lost(full_cluster):
    """docs/deploy.md §5 with the Switchboard service: the instance holding a tab in a call is
    stopped; HAProxy sends it no new session; the tab keeps the call's events until hang-up, is
    then told to reconnect (1012 with a delay), and attaches at another instance with every
    event after its last one; the drained process exits."""
    cl = full_cluster(settings={"drainReconnectMinMilliseconds": 1000, "drainReconnectMaxMilliseconds": 2000})

    async def scenario():
        one, two, third = await two_tabs(cl)
        uniqueid = inbound_call(third, "user=alice")
        await one.message("callRinging")
        await two.ok("answer")
        await one.message("callConnect")
        draining = one.gateway
        name = f"gw{cl.gateways.index(draining) + 1}"
        draining.signal(15)
        await asyncio.to_thread(eventually, lambda: server_states(cl.ports["stats"]).get(name), lambda state: state.startswith("DOWN"),
                                10, f"HAProxy marking {name} DOWN")
        newcomer = await cl.tab()
        assert newcomer.gateway is not draining
        await newcomer.close()
        # The call goes on: the draining instance's tab hears it to the end.
        await two.ok("hold")
        assert (await one.message("callHold"))["data"]["call"]["uniqueid"] == uniqueid
        admin(third, "POST", f"/admin/calls/{uniqueid}/hangup")
        await one.message("callHangup")
        code, reason, _ = await closed_with(one.ws, timeout=5)
        assert code == 1012 and reason.startswith("draining; reconnect in "), (code, reason)
        # Events go on meanwhile; the tab comes back through HAProxy and misses none of them.
        await two.ok("changeStatus", status="AUX", reason="Porada")
        aux = await two.message("stateChange")
        while aux["data"]["status"] != "AUX":
            aux = await two.message("stateChange")
        last = one.numbered[-1]["seq"]
        moved = await cl.tab()
        assert moved.gateway is not draining
        attached = await moved.ok("attach", lastSeq=last, token=one.token, epoch=one.epoch)
        assert attached["complete"] is True, attached
        assert same([await until(moved, aux["seq"])]) == same([aux])
        seqs = [m["seq"] for m in moved.numbered]
        assert seqs[0] == last + 1 and seqs == list(range(seqs[0], seqs[-1] + 1)), (last, seqs)
        stopped.append(draining)

    stopped = []
    run(scenario())
    [draining] = stopped
    assert draining.process.wait(timeout=15) == 0
    assert "drain_kept" in draining.log and "drain_reconnect" in draining.log

