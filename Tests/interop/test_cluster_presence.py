"""The primary tab, a popup link's lease and an SSO token in a route's first message between gateway
instances (docs/cluster.md §6.4, §6.7), against the release binary and a real `redis-server`, both
started here. The SIP server behind the `sip` route is a mock (`mock_sip_server.MockSIPServer`, a
WebSocket peer that answers SIP): what is tested is the gateway's lease, not the SIP server."""
import asyncio
import json
import signal
import time
import urllib.parse

from agent_support import SSO_SECRET
from cluster_support import RecordingTab, cluster, makecall_session, sign_in, vodia_link  # noqa: F401 (a fixture)
from conftest import eventually, metric
from mock_sip_server import MockSIPServer
from route_support import client, closed_with, recv, recv_json, refused_status, run, sso_token, upstreams, url  # noqa: F401 (upstreams: a fixture)

HEARTBEAT_MS, TIMEOUT_MS = 250, 1500
PRESENCE = {"presenceHeartbeatMilliseconds": HEARTBEAT_MS, "presenceTimeoutMilliseconds": TIMEOUT_MS}


def counted(gw, channel, event, expected):
    """`callgate_route_events_total{channel, event}` of `gw` reaches `expected` (each loop's counts
    reach /metrics a moment after)."""
    eventually(lambda: metric(gw, f'callgate_route_events_total{{channel="{channel}",event="{event}"}}'), lambda n: n == expected,
               what=f"{event} on {channel} counted {expected}")


async def ready_tab(gw):
    """alice's tab on `gw`, READY, with the `primary` events it got so far still to read."""
    tab = await RecordingTab.open(gw)
    kept = []
    real_observe = tab.observe

    def observe(message):
        real_observe(message)
        if message.get("event") == "primary":
            kept.append(message)
    tab.observe = observe
    await sign_in(tab)
    tab.observe = real_observe
    tab.buffer = kept + tab.buffer
    return tab


async def until_primary(tab, primary, tabs, seconds=5.0):
    """Reads `primary` events until one says (`primary`, `tabs`); fails after `seconds`."""
    deadline = time.monotonic() + seconds
    seen = []
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no primary event {primary, tabs} within {seconds} s; seen {seen}"
        try:
            data = await tab.event("primary", timeout=left)
        except asyncio.TimeoutError:
            continue
        seen.append(data)
        if data == {"primary": primary, "tabs": tabs}:
            return seen


def test_two_tabs_on_two_instances_agree_on_one_primary_and_the_other_takes_over_when_its_instance_is_killed(cluster):
    """alice's first tab on a, her second on b: the first is primary on both instances' word and
    both count 2; the second is never told it is primary while the first lives. a killed with
    SIGKILL (no goodbye): b stops hearing its heartbeat, and within the timeout its tab is primary,
    of 1."""
    redis, (a, b) = cluster(state=PRESENCE)
    timing = {}

    async def scenario():
        one = await ready_tab(a)
        await until_primary(one, True, 1)
        two = await ready_tab(b)
        await until_primary(one, True, 2)
        seen = await until_primary(two, False, 2)
        assert {"primary": True, "tabs": 1} not in seen, seen
        assert await two.quiet(2 * HEARTBEAT_MS / 1000) == []  # heartbeats change nothing for a tab
        a.signal(signal.SIGKILL)
        killed = time.monotonic()
        await until_primary(two, True, 1, seconds=TIMEOUT_MS / 1000 + 2)
        timing["takeover"] = time.monotonic() - killed

    run(scenario())
    print(f"primary taken over {timing['takeover']:.3f} s after SIGKILL (timeout {TIMEOUT_MS} ms, heartbeat {HEARTBEAT_MS} ms)")
    # the timeout after a's last heartbeat (at most one heartbeat before the kill), plus a tick
    assert (TIMEOUT_MS - HEARTBEAT_MS) / 1000 - 0.1 <= timing["takeover"] <= (TIMEOUT_MS + 250) / 1000 + 0.75, timing
    counted(b, "ws", "instance_tabs_expired", 1)
    assert "agent_tabs_expired" in b.log


def test_a_tab_closing_on_one_instance_hands_the_primary_to_the_other_at_once(cluster):
    """The primary tab closes normally: its instance says so on the user's channel, and the other
    instance's tab is primary, of 1, without waiting for any timeout."""
    redis, (a, b) = cluster(state={"presenceTimeoutMilliseconds": 30_000})

    async def scenario():
        one = await ready_tab(a)
        await until_primary(one, True, 1)
        two = await ready_tab(b)
        await until_primary(two, False, 2)
        await one.close()
        closed = time.monotonic()
        await until_primary(two, True, 1, seconds=2)
        assert time.monotonic() - closed < 1.0

    run(scenario())


def sip_routes(server):
    return {"ws": {"origins": "*"},
            "sip": {"backend": f"ws://127.0.0.1:{server.port}/", "mode": "sip", "origins": "*", "connectTimeoutMilliseconds": 2000}}


def test_a_popup_links_session_on_one_instance_is_refused_409_on_the_other(cluster):
    """A web-phone session of alice's link open at a holds the link in Redis, renewed while it is
    open (here past three lease lifetimes): b answers 409 `inUse` at /makecall/session and 409 at
    the upgrade; once a's session closed, b opens one."""
    lease_ms = 1000

    async def scenario():
        async with MockSIPServer() as server:
            redis, (a, b) = cluster(extra={"routes": sip_routes(server)}, state={"linkLeaseMilliseconds": lease_ms})
            link = vodia_link(int(time.time()) - 5)
            status, granted = makecall_session(a, link)
            assert status == 200 and granted["sip"] is not None, granted
            path = "/sip?access_token=" + urllib.parse.quote(granted["token"])
            session = await client(url(a, path), subprotocols=["sip"]).__aenter__()
            assert session.subprotocol == "sip"
            for _ in range(3):
                status, body = makecall_session(b, link)
                assert (status, body["error"]["code"]) == (409, "inUse"), body
                await asyncio.sleep(lease_ms / 1000)
            status, _ = await refused_status(url(b, path), subprotocols=["sip"])
            assert status == 409
            await session.close()
            eventually(lambda: makecall_session(b, link)[0], lambda code: code == 200, seconds=5, what="the link free at b")
            again = await client(url(b, path), subprotocols=["sip"]).__aenter__()
            assert again.subprotocol == "sip"
            await again.close()
            return b

    b = asyncio.run(asyncio.wait_for(scenario(), 60))
    counted(b, "makecall", "in_use_elsewhere", 3)
    counted(b, "sip", "makecall_link_in_use_elsewhere", 1)


def test_with_redis_unreachable_a_popup_link_is_leased_by_the_instance_alone(cluster):
    """A gateway whose Redis never answers opens the link's session on its own lease, with a log
    line and a count, and still refuses a second session of the link there."""

    async def scenario():
        async with MockSIPServer() as server:
            redis, (a, dead) = cluster(count=1, dead_redis=1, extra={"routes": sip_routes(server)})
            link = vodia_link(int(time.time()) - 6)
            status, granted = makecall_session(dead, link)
            assert status == 200, granted
            path = "/sip?access_token=" + urllib.parse.quote(granted["token"])
            session = await client(url(dead, path), subprotocols=["sip"]).__aenter__()
            status, _ = await refused_status(url(dead, path), subprotocols=["sip"])
            assert status == 409
            await session.close()
            return dead

    dead = asyncio.run(asyncio.wait_for(scenario(), 60))
    counted(dead, "makecall", "link_lease_unshared", 1)
    counted(dead, "sip", "link_lease_unshared", 1)
    assert "link_lease_unshared" in dead.log


def test_an_sso_token_in_a_routes_first_message_is_accepted_once_across_instances(cluster, upstreams):
    """The token as the first message opens the route at a (a message sent right behind it waits
    for the claim and reaches the back end); the same first message at b is closed 4001 as a
    replay, and never reaches the back end."""
    echo = upstreams("echo_upstream.py", "echo")
    redis, (a, b) = cluster(extra={"routes": {"report": {"backend": f"ws://127.0.0.1:{echo.port}/", "auth": "required"}}})
    first = json.dumps({"type": "sso", "username": "bob", "token": sso_token("bob", secret=SSO_SECRET), "provider": "CRM"})

    async def scenario():
        async with client(url(a, "/report")) as ws:
            await ws.send(first)
            await ws.send("right behind it")
            assert await recv_json(ws) == {"event": "authenticated", "data": {"user": "bob", "provider": "CRM"}}
            assert await recv(ws) == "right behind it"
        async with client(url(b, "/report")) as ws:
            await ws.send(first)
            code, reason, messages = await closed_with(ws)
            assert (code, messages) == (4001, []), reason

    run(scenario())
    assert len(echo.connects()) == 1
    counted(b, "report", "sso_replayed_elsewhere", 1)
