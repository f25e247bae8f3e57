"""Drain on SIGTERM (docs/deploy.md §5), on one gateway and behind HAProxy: `/readyz` fails at once, a new upgrade is refused, an
idle agent tab is told to reconnect (close 1012 with a delay hint in its reason), a tab whose
user is in a call keeps working until the call ends and is told then, and the process exits once
every session is gone, or closes what is left with 1001 at `drainDeadlineMilliseconds`. Real
gateway, real agent tabs over WebSocket, the call placed in the embedded Switchboard."""
import asyncio
import re
import socket
import time

import websockets

from agent_support import agent_gateway, answered_call, ready_tab  # noqa: F401 (fixture)
from conftest import eventually, metric, readyz
from cluster_support import cluster, haproxy  # noqa: F401 (fixtures)

HINT = re.compile(r"^draining; reconnect in (\d+) ms$")
DRAIN = {"drainReconnectMinMilliseconds": 1000, "drainReconnectMaxMilliseconds": 3000}


def refused_upgrade(gw):
    """The raw answer to a new WebSocket upgrade on /ws."""
    with socket.create_connection(("127.0.0.1", gw.http_port), timeout=5) as sock:
        sock.sendall(b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        return sock.recv(4096)


async def closed_with(tab, timeout=5.0):
    """Reads the tab until the gateway closes it: (code, reason, event names read before)."""
    names = []
    try:
        while True:
            message = await tab._next(timeout)
            names.append(message.get("event"))
    except websockets.exceptions.ConnectionClosed as closed:
        assert closed.rcvd is not None, f"no close frame from the gateway: {closed}"
        return closed.rcvd.code, closed.rcvd.reason, names


def test_sigterm_tells_the_idle_tab_to_reconnect_and_keeps_the_call_tab_until_hangup(agent_gateway):
    gw = agent_gateway(extra={"drainDeadlineMilliseconds": 60000, **DRAIN})

    async def scenario():
        alice = await ready_tab(gw, "alice")
        bob = await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        assert readyz(gw) == (200, "ready\n")

        signaled = time.monotonic()
        gw.signal(15)
        status = await asyncio.to_thread(lambda: _eventually_draining(gw))
        assert status == (503, "draining\n")
        assert time.monotonic() - signaled < 1.0, "readiness fails at once"
        refused = refused_upgrade(gw)
        assert refused.startswith(b"HTTP/1.1 503") and b"Retry-After: 1\r\n" in refused, refused

        # The idle tab: 1012 with a delay hint from the configured range.
        code, reason, _ = await closed_with(bob)
        assert code == 1012, (code, reason)
        hint = HINT.match(reason)
        assert hint and 1000 <= int(hint.group(1)) <= 3000, reason

        # The call's tab keeps working: requests answered, call events delivered.
        await asyncio.sleep(0.6)  # a few reviews of the drain (every 250 ms)
        await alice.ok("hold")
        await alice.event("callHold")
        await alice.ok("unhold")
        await alice.event("callResume")
        assert gw.process.poll() is None, "the gateway waits for the call"
        assert metric(gw, 'callgate_drain_sessions_total{action="kept"}') == 1
        assert metric(gw, 'callgate_drain_sessions_total{action="reconnect"}') == 1
        assert metric(gw, 'callgate_drain_steps_total{step="started"}') == 1

        # Hang-up: the tab gets the call's end, then its own close with a hint.
        hung_up = time.monotonic()
        await alice.ok("hangup")
        code, reason, names = await closed_with(alice)
        assert code == 1012 and HINT.match(reason), (code, reason)
        assert "callHangup" in names or any(m["event"] == "callHangup" for m in alice.buffer), (names, alice.buffer)
        assert time.monotonic() - hung_up < 1.5, "told within a review or two of the hang-up"
        return hung_up

    hung_up = asyncio.run(scenario())
    assert gw.process.wait(timeout=10) == 0
    assert time.monotonic() - hung_up < 8, "the process exits once its sessions are gone"
    log = gw.log
    for line in ("drain_started", "drain_reconnect", "drain_kept"):
        assert line in log, line
    assert "drain_deadline" not in log


def _eventually_draining(gw):
    deadline = time.monotonic() + 2
    while True:
        status = readyz(gw)
        if status[0] == 503 or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_at_the_drain_deadline_the_call_tab_is_closed_with_1001_and_the_process_exits(agent_gateway):
    gw = agent_gateway(extra={"drainDeadlineMilliseconds": 2000, **DRAIN})

    async def scenario():
        alice = await ready_tab(gw, "alice")
        bob = await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        signaled = time.monotonic()
        gw.signal(15)
        code, _, _ = await closed_with(bob)
        assert code == 1012
        code, reason, _ = await closed_with(alice, timeout=5)
        waited = time.monotonic() - signaled
        assert (code, reason) == (1001, "drain deadline passed")
        assert 1.8 <= waited < 5, waited  # the deadline is 2 s; the upper bound leaves room for a loaded machine
        return signaled

    signaled = asyncio.run(scenario())
    assert gw.process.wait(timeout=10) == 0
    assert time.monotonic() - signaled < 8
    assert "drain_deadline" in gw.log and "drain_deadline_passed" in gw.log


def test_sigint_closes_every_session_at_once_with_1001(agent_gateway):
    gw = agent_gateway(extra={"drainDeadlineMilliseconds": 60000, **DRAIN})

    async def scenario():
        alice = await ready_tab(gw, "alice")
        await answered_call(gw, alice, "user=alice")
        gw.signal(2)
        code, _, _ = await closed_with(alice, timeout=3)
        assert code == 1001

    asyncio.run(scenario())
    assert gw.process.wait(timeout=10) == 0


def test_behind_haproxy_a_draining_instance_gets_no_new_session_and_its_call_tab_moves_after_hangup(cluster, haproxy):
    """deploy/haproxy/haproxy.cfg as shipped in front of two gateways (and a third that never
    gets ready): SIGTERM to the one holding a tab in a call; HAProxy's /readyz check marks it
    DOWN and sends every new session to the other; the call's tab keeps working there until
    hang-up, then is told to reconnect, comes back through HAProxy on the other instance, and
    the drained process exits."""
    from cluster_support import HAPROXY_SOURCE, lb_tab, server_states

    _, (a, b, never) = cluster(trusted_proxy=HAPROXY_SOURCE, dead_redis=1, extra=DRAIN)
    ports = haproxy([a, b, never])
    eventually(lambda: server_states(ports["stats"]), lambda states: states == {"gw1": "UP", "gw2": "UP", "gw3": "DOWN"},
               seconds=15, what="HAProxy's view of the gateways")
    upgrades = "callgate_websocket_upgrades_total"

    async def scenario():
        alice = await lb_tab(ports["bind"])
        result = await alice.ok("login", username="alice", password="alice")
        await alice.event("user")
        await alice.event("identify")
        await alice.ok("selectIdentifier", identifier="web-alice")
        await alice.ok("provision")
        await alice.event("ready")
        draining = a if "agent_logged_in" in a.log else b
        other, name = (b, "gw1") if draining is a else (a, "gw2")
        await answered_call(draining, alice, "user=alice")

        draining.signal(15)
        eventually(lambda: server_states(ports["stats"]).get(name), lambda state: state.startswith("DOWN"),
                   seconds=5, what=f"HAProxy marking {name} DOWN")
        before = metric(draining, upgrades), metric(other, upgrades)
        tabs = [await lb_tab(ports["bind"]) for _ in range(4)]
        assert metric(draining, upgrades) == before[0], "no new session reached the draining instance"
        await asyncio.to_thread(lambda: eventually(lambda: metric(other, upgrades), lambda n: n == before[1] + 4,
                                                   what="the new tabs on the other instance"))
        for tab in tabs:
            await tab.close()

        await alice.ok("hold")
        await alice.event("callHold")
        await alice.ok("hangup")
        code, reason, _ = await closed_with(alice)
        assert code == 1012 and HINT.match(reason), (code, reason)
        moved = await lb_tab(ports["bind"])
        attached = await moved.ok("attach", lastSeq=0, token=result["token"])
        assert "complete" in attached and "lastSeq" in attached, attached  # `attached`: the session goes on there
        await asyncio.to_thread(lambda: eventually(lambda: metric(other, upgrades), lambda n: n == before[1] + 5,
                                                   what="the moved tab on the other instance"))
        return draining

    draining = asyncio.run(scenario())
    assert draining.process.wait(timeout=10) == 0
    assert "drain_kept" in draining.log
