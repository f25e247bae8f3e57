"""The Action URL queues in Redis (docs/click-to-call.md §5.1, docs/cluster.md §6.1, issue 14 §2),
against the release binary, a real `redis-server`, the Switchboard service and a real HTTP server
as the CRM, all started here: one instance at a time sends a template's queue under a lease; when
that instance is killed (SIGKILL) with requests waiting, another takes the queue over when the
lease lapses and sends every waiting request, in order; with two live instances each event's
Action URL is sent once."""
import asyncio
import hashlib
import signal
import socket
import time

from agent_support import admin, inbound_call
from cluster_support import SERVICE_SECRET, cluster, ready_tab, switchboard_service  # noqa: F401 (fixtures)
from conftest import eventually, metric
from crm_support import crm  # noqa: F401 (a fixture)
from route_support import run

# Short leases, so a take-over is quick to see: lapsed 1.5 s after the last renewal, looked for every 0.3 s.
LEASE = {"leaseMilliseconds": 1500, "leaseRenewMilliseconds": 300, "leaseScanMilliseconds": 300}
TAKEN_OVER = 'callgate_route_events_total{channel="actionurl",event="lease_taken_over"}'
TAKEN = 'callgate_route_events_total{channel="actionurl",event="lease_taken"}'


def redis_command(redis, *args):
    """One command to the test's redis-server over RESP2; the reply decoded (bulk strings as str)."""
    with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as sock:
        request = f"*{len(args)}\r\n" + "".join(f"${len(str(a).encode())}\r\n{a}\r\n" for a in args)
        sock.sendall(request.encode())
        reader = sock.makefile("rb")

        def read():
            line = reader.readline().rstrip(b"\r\n")
            kind, rest = line[:1], line[1:].decode()
            if kind in (b"+", b"-"):
                return rest
            if kind == b":":
                return int(rest)
            if kind == b"$":
                return None if rest == "-1" else reader.read(int(rest) + 2)[:-2].decode()
            if kind == b"*":
                return [read() for _ in range(int(rest))]
            raise AssertionError(f"not RESP: {line!r}")
        return read()


def queue_keys(template):
    """The shared queue's keys for `template` (ActionURLSharedQueue: named by the template's SHA-1)."""
    name = hashlib.sha1(template.encode()).hexdigest()[:16]
    return {part: f"callgate:{{aq}}:{part}:{name}" for part in ("queue", "lease", "owner")}


def gateways(cluster, switchboard_service, template, **retry):
    """Two gateways sharing Redis and the Switchboard service, with `template` as the one target."""
    url = switchboard_service()
    return cluster(extra={"callControl": {"url": url, "secret": SERVICE_SECRET},
                          "actionURLs": {"targets": [template], **LEASE, **retry}})


async def missed_calls(gw, tabs, count):
    """`count` calls to alice, each rung (on every tab) and hung up before the next: the call_guids
    in order. Each gives an `inbound` and a `disconnected` Action URL."""
    guids = []
    for _ in range(count):
        uniqueid = inbound_call(gw, "user=alice")
        rung = [await tab.message("callRinging") for tab in tabs]
        guids.append(rung[0]["data"]["call"]["call_guid"])
        admin(gw, "POST", f"/admin/calls/{uniqueid}/hangup")
        for tab in tabs:
            await tab.message("callHangup")
    return guids


def sent(server, guids):
    """The CRM's requests of these calls, in arrival order: (guid, action)."""
    return [(q["guid"], q["action"]) for q in server.queries() if q["guid"] in guids]


def expected(guids):
    return [(guid, action) for guid in guids for action in ("inbound", "disconnected")]


def test_a_killed_owners_queue_is_taken_over_and_every_waiting_request_sent_in_order(cluster, switchboard_service, crm):
    """A CRM that holds each request 0.7 s; eight requests wait in the queue; the instance holding
    its lease is killed (SIGKILL) after the CRM got two. The other instance takes the queue once the
    lease lapses and sends the rest, in order, within lease + scan + their sending time; the
    request the killed instance had in flight is sent again (at least once), nothing else twice."""
    delay = 0.7
    server = crm(delay=delay)
    template = f"http://127.0.0.1:{server.port}/crm?action=<$action>&guid=<$call_guid>"
    keys = queue_keys(template)
    redis, (a, b) = gateways(cluster, switchboard_service, template, timeoutMilliseconds=5000)
    found = {}

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        found["guids"] = await missed_calls(a, (one, two), 4)
        assert server.wait(2, seconds=10), server.requests
        owner = redis_command(redis, "GET", keys["lease"])
        assert owner, "nobody holds the lease while requests wait"
        pid = int(owner.split(":")[1])
        victim, survivor = (a, b) if pid == a.process.pid else (b, a)
        assert pid == victim.process.pid, (owner, a.process.pid, b.process.pid)
        waiting = redis_command(redis, "LLEN", keys["queue"])
        assert waiting >= 5, waiting  # the third (in flight, or about to be) and those behind it
        found["killed_at"] = time.monotonic()
        found["received_before"] = len(server.requests)
        victim.signal(signal.SIGKILL)
        victim.process.wait(timeout=5)
        found["survivor"] = survivor
        await (one if survivor is a else two).close()

    run(scenario())
    guids, survivor = found["guids"], found["survivor"]
    want = expected(guids)
    # The lease lapses (1.5 s), a scan finds the queue (0.3 s), then what is left takes `delay`
    # each (the request in flight at the kill again included), with 2 s to spare.
    bound = 1.5 + 0.3 + (len(want) - found["received_before"] + 1) * delay + 2.0
    eventually(lambda: set(sent(server, guids)), lambda s: s == set(want), seconds=bound + 5, what="every Action URL at the CRM")
    last = max(at for path, _, at in server.requests if any(guid in path for guid in guids))
    assert last - found["killed_at"] <= bound, (last - found["killed_at"], bound)
    time.sleep(1.0)  # time for a duplicate to arrive
    got = sent(server, guids)
    repeats = [pair for index, pair in enumerate(got) if index and got[index - 1] == pair]
    assert [pair for index, pair in enumerate(got) if not index or got[index - 1] != pair] == want, got  # in order
    assert len(repeats) <= 1 and len(got) == len(want) + len(repeats), got  # only the one in flight, once
    eventually(lambda: metric(survivor, TAKEN_OVER), lambda n: n >= 1, what="the take-over counted")
    assert "actionurl_queue_taken_over" in survivor.log, survivor.log[-2000:]
    eventually(lambda: redis_command(redis, "LLEN", keys["queue"]), lambda n: n == 0, what="the queue empty")
    eventually(lambda: redis_command(redis, "EXISTS", keys["lease"], keys["owner"]), lambda n: n == 0, what="the lease given back")


def test_with_two_live_instances_each_events_action_url_is_sent_once(cluster, switchboard_service, crm):
    """Both gateways hear every event and push what they append; whichever holds the lease sends:
    each request once, in order, and the lease is given back when the queue is empty."""
    server = crm(delay=0.05)
    template = f"http://127.0.0.1:{server.port}/crm?action=<$action>&guid=<$call_guid>&party=<$local_party>"
    keys = queue_keys(template)
    redis, (a, b) = gateways(cluster, switchboard_service, template)
    found = {}

    async def scenario():
        one = await ready_tab(a)
        two = await ready_tab(b)
        found["guids"] = await missed_calls(a, (one, two), 3) + await missed_calls(b, (one, two), 3)
        await asyncio.sleep(0.2)
        await one.close()
        await two.close()

    run(scenario())
    want = expected(found["guids"])
    eventually(lambda: len(sent(server, found["guids"])), lambda n: n >= len(want), seconds=10, what="every Action URL")
    time.sleep(1.0)  # time for a duplicate to arrive
    assert sent(server, found["guids"]) == want, server.requests
    assert all(q["party"] for q in server.queries()), server.queries()
    eventually(lambda: metric(a, TAKEN) + metric(b, TAKEN), lambda n: n >= 1, what="leases counted")
    assert metric(a, TAKEN_OVER) + metric(b, TAKEN_OVER) == 0
    assert redis_command(redis, "EXISTS", keys["queue"], keys["lease"], keys["owner"]) == 0
