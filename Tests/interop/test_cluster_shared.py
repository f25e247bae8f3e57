"""What two gateway instances share besides the user streams (docs/cluster.md §6.5, issue 14 §2),
against the release binary, a real `redis-server`, the Switchboard service (`callgate switchboard`)
and real HTTP servers, all started here: each call event's Action URL sent once although every
gateway hears it; who called a number last, the same from every instance; single-use
credentials (an SSO token at a route's upgrade, a Vodia link) accepted once across instances; a
TLS session resumed at another instance; and what each does when its Redis cannot be reached."""
import asyncio
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from agent_support import CALLER, SSO_SECRET, admin, inbound_call
from cluster_support import SERVICE_SECRET, WIDGET_SECRET, cluster, makecall_session, ready_tab, switchboard_service, vodia_link  # noqa: F401 (fixtures)
from conftest import eventually, metric, readyz
from crm_support import crm  # noqa: F401 (a fixture)
from route_support import client, recv, refused_status, run, session_token, sso_token, upstreams, url  # noqa: F401 (upstreams: a fixture)


def service_cluster(cluster, switchboard_service, **extra):
    """Two gateways sharing Redis and one Switchboard service."""
    url = switchboard_service()
    return cluster(extra={"callControl": {"url": url, "secret": SERVICE_SECRET}, **extra})


def test_with_the_switchboard_service_each_call_event_fires_its_action_url_once(cluster, switchboard_service, crm):
    """Both gateways hear every event of the service; only the one whose append wrote the event to
    the stream pushes its Action URL into the shared queue, sent once by whichever holds its lease
    (docs/cluster.md §6.1; more in test_cluster_action_urls.py)."""
    server = crm()
    target = f"http://127.0.0.1:{server.port}/crm?action=<$action>&guid=<$call_guid>&party=<$local_party>"
    redis, (a, b) = service_cluster(cluster, switchboard_service, actionURLs={"targets": [target]})
    call = {}

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        uniqueid = inbound_call(a, "user=alice")
        call["guid"] = (await one.message("callRinging"))["data"]["call"]["call_guid"]
        await two.message("callRinging")
        await two.ok("answer")
        await one.message("callConnect")
        admin(b, "POST", f"/admin/calls/{uniqueid}/hangup")
        await one.message("callHangup")
        await two.message("callHangup")
        await asyncio.sleep(1.0)  # time for a duplicate to arrive

    run(scenario())
    queries = [q for q in server.queries() if q["guid"] == call["guid"]]
    assert [q["action"] for q in queries] == ["inbound", "connected", "disconnected"], server.requests
    assert all(q["party"] for q in queries), queries
    repeats = 'callgate_route_events_total{channel="ws",event="stream_append_repeat"}'
    assert metric(a, repeats) + metric(b, repeats) >= 3  # both heard each event; one appended it


def test_with_redis_down_each_instance_sends_the_action_urls_of_what_it_heard(cluster, switchboard_service, crm):
    """No append can say which instance wrote an event: each gateway that heard it sends its Action
    URL (twice rather than never, docs/cluster.md §6.1), from its own queue since the shared one
    cannot be reached, and counts the failed append and the unshared request."""
    server = crm()
    target = f"http://127.0.0.1:{server.port}/crm?action=<$action>&guid=<$call_guid>"
    redis, (a, b) = service_cluster(cluster, switchboard_service, actionURLs={"targets": [target]})

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        redis.stop()
        for gw in (a, b):
            eventually(lambda: readyz(gw)[0], lambda code: code == 503, what="/readyz with Redis down")
        inbound_call(a, "user=alice")
        assert server.wait(2, seconds=10), server.requests
        await asyncio.sleep(0.5)
        await one.close()
        await two.close()

    run(scenario())
    assert [q["action"] for q in server.queries()] == ["inbound", "inbound"]
    assert len({q["guid"] for q in server.queries()}) == 1
    failed = 'callgate_route_events_total{channel="ws",event="stream_append_failed"}'
    unshared = 'callgate_route_events_total{channel="actionurl",event="unshared"}'
    for gw in (a, b):
        eventually(lambda: metric(gw, failed), lambda n: n >= 1, what="the failed append counted")
        eventually(lambda: metric(gw, unshared), lambda n: n >= 1, what="the unshared Action URL counted")
        assert "actionurl_unshared" in gw.log


def widget_callers(gw, number=CALLER):
    """The `/lastcaller/` widget's JSON at `gw` for `number`, asked as bob: (agent, name) pairs."""
    token = session_token(user="bob", provider="tokengen", scope="lastcaller", key=WIDGET_SECRET)
    query = urllib.parse.urlencode({"vcallerid": number, "token": token, "format": "json"})
    with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/lastcaller/?{query}", timeout=5) as reply:
        assert reply.status == 200
        body = json.loads(reply.read())
    assert body["number"] == number
    return [(c["agent"], c["name"]) for c in body["callers"]]


async def call_out(gw, tab, number=CALLER):
    """`tab`'s agent dials `number` through `gw`; the remote answers, the agent hangs up."""
    uniqueid = (await tab.ok("dial", number=number))["uniqueid"]
    await tab.message("callRinging")
    admin(gw, "POST", f"/admin/calls/{uniqueid}/answer")
    await tab.message("callConnect")
    await tab.ok("hangup")
    await tab.message("callHangup")


def test_last_callers_recorded_at_one_instance_are_what_every_instance_answers(cluster):
    """alice calls a customer through instance a: the widget asked at b names her, and so does
    bob's ringing on b when the customer calls back; then bob calls through b, and with one agent
    kept per number (`lastCallers.historyLength`) both instances name bob alone."""
    redis, (a, b) = cluster(extra={"lastCallers": {"tokenSecret": WIDGET_SECRET, "historyLength": 1}})
    assert widget_callers(a) == [] and widget_callers(b) == []

    async def scenario():
        alice = await ready_tab(a, "alice")
        bob = await ready_tab(b, "bob")
        await call_out(a, alice)
        assert widget_callers(b) == [("alice", "Alena Nováková")]
        inbound_call(b, "user=bob", caller=CALLER)
        ringing = (await bob.message("callRinging"))["data"]["call"]
        assert [c["agent"] for c in ringing["data"]["lastCallers"]] == ["alice"]
        await bob.ok("hangup")
        await bob.message("callHangup")
        await call_out(b, bob)

    run(scenario())
    assert [agent for agent, _ in widget_callers(a)] == ["bob"]
    assert [agent for agent, _ in widget_callers(b)] == ["bob"]


def test_with_redis_unreachable_the_widget_answers_from_the_instance_with_a_log_line_and_a_count(cluster):
    """A gateway whose Redis never answers: the widget still answers (this instance's own list,
    empty here), counted as `unshared` and logged; nothing crashes."""
    redis, (a, dead) = cluster(count=1, dead_redis=1, extra={"lastCallers": {"tokenSecret": WIDGET_SECRET}})
    assert widget_callers(dead) == []
    unshared = 'callgate_route_events_total{channel="lastcaller",event="unshared"}'
    eventually(lambda: metric(dead, unshared), lambda n: n >= 1, what="the unshared lookup counted")
    assert "last_callers_unshared" in dead.log
    assert widget_callers(a) == []


def test_an_sso_token_at_a_routes_upgrade_is_accepted_once_across_instances(cluster, upstreams):
    """The token opens the route at a; presented again, at b or at a, it is refused with the same
    401 as a replay on one instance."""
    echo = upstreams("echo_upstream.py", "echo")
    route = {"report": {"backend": f"ws://127.0.0.1:{echo.port}/", "auth": "required"}}
    redis, (a, b) = cluster(extra={"routes": route})
    path = "/report?" + urllib.parse.urlencode({"sso_username": "bob", "sso_token": sso_token("bob", secret=SSO_SECRET), "sso_provider": "CRM"})

    async def scenario():
        async with client(url(a, path)) as ws:
            await ws.send("once")
            assert await recv(ws) == "once"
        assert (await refused_status(url(b, path)))[0] == 401
        assert (await refused_status(url(a, path)))[0] == 401

    run(scenario())
    assert len(echo.connects()) == 1
    eventually(lambda: metric(b, 'callgate_route_events_total{channel="report",event="sso_replayed_elsewhere"}'), lambda n: n == 1,
               what="the replay elsewhere counted")


def test_a_vodia_link_is_accepted_once_across_instances(cluster):
    """A makecall link answered at a is refused at b with the 401 `replayed` that a second use
    at a gets."""
    redis, (a, b) = cluster()
    link = vodia_link(int(time.time()) - 5)
    status, body = makecall_session(a, link)
    assert status == 200 and body["user"] == "alice", body
    for gw in (b, a):
        status, body = makecall_session(gw, link)
        assert (status, body["error"]["code"]) == (401, "replayed"), body
    eventually(lambda: metric(b, 'callgate_route_events_total{channel="makecall",event="replayed_elsewhere"}'), lambda n: n == 1,
               what="the replay elsewhere counted")


def test_with_redis_unreachable_single_use_credentials_are_guarded_by_the_instance_alone(cluster):
    """A gateway whose Redis never answers accepts a link once by its own guard, with a log line
    and a count, and refuses its replay."""
    redis, (a, dead) = cluster(count=1, dead_redis=1)
    link = vodia_link(int(time.time()) - 7)
    assert makecall_session(dead, link)[0] == 200
    assert makecall_session(dead, link)[0] == 401
    unshared = 'callgate_route_events_total{channel="makecall",event="single_use_unshared"}'
    eventually(lambda: metric(dead, unshared), lambda n: n == 1, what="the unshared claim counted")
    assert "single_use_unshared" in dead.log


def tls_request(gw, context, session=None):
    """One HTTPS request to `gw`'s TLS listener, reading the whole answer (TLS 1.3 tickets come
    after the handshake); the session to resume next and whether this one was resumed."""
    with socket.create_connection(("127.0.0.1", gw.tls_port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := tls.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
            return tls.session, tls.session_reused


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2])
def test_a_tls_session_from_one_instance_resumes_at_the_other(cluster, version):
    """The session-ticket keys come from Redis (docs/cluster.md §6.6): a ticket instance a issued
    resumes at b, and b's at a."""
    redis, (a, b) = cluster()
    shared = 'callgate_route_events_total{channel="tls",event="ticket_keys_shared"}'
    for gw in (a, b):
        eventually(lambda: metric(gw, shared), lambda n: n >= 1, what="the shared ticket keys installed")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    session, reused = tls_request(a, context)
    assert not reused
    session, reused = tls_request(b, context, session)
    assert reused
    session, reused = tls_request(a, context, session)
    assert reused


def test_with_redis_unreachable_tls_tickets_are_the_instances_own(cluster):
    """A gateway whose Redis never answers keeps its own keys (a log line and a count): its
    tickets resume there, not at an instance with the shared keys."""
    redis, (a, dead) = cluster(count=1, dead_redis=1)
    unshared = 'callgate_route_events_total{channel="tls",event="ticket_keys_unshared"}'
    eventually(lambda: metric(dead, unshared), lambda n: n >= 1, what="the unshared ticket keys counted")
    assert "tls_ticket_keys_unshared" in dead.log
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    session, _ = tls_request(dead, context)
    assert tls_request(dead, context, session)[1]
    assert not tls_request(a, context, session)[1]
