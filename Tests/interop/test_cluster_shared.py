"""What two gateway instances share besides the user streams (docs/cluster.md §6.5, issue 14 §2),
against the release binary, a real `redis-server`, the Switchboard service (`callgate switchboard`)
and real HTTP servers, all started here: each call event's Action URL sent once although every
gateway hears it."""
import asyncio

from agent_support import admin, inbound_call
from cluster_support import SERVICE_SECRET, cluster, ready_tab, switchboard_service  # noqa: F401 (fixtures)
from conftest import metric
from crm_support import crm  # noqa: F401 (a fixture)
from route_support import run


def service_cluster(cluster, switchboard_service, **extra):
    """Two gateways sharing Redis and one Switchboard service."""
    url = switchboard_service()
    return cluster(extra={"callControl": {"url": url, "secret": SERVICE_SECRET}, **extra})


def test_with_the_switchboard_service_each_call_event_fires_its_action_url_once(cluster, switchboard_service, crm):
    """Both gateways hear every event of the service; only the one whose append wrote the event to
    the stream sends its Action URL (docs/cluster.md §6.1)."""
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
