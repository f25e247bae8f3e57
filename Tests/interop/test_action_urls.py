"""Action URLs out (docs/click-to-call.md §5, docs/compatibility.md §4.2) from the callgate binary to real HTTP
servers (Python's http.server in a thread, recording every request): the events of a whole call
with their values percent-encoded, a phone's own Action URLs relayed, a CRM that hangs not
delaying the agent's tab, retries on 5xx, a 404 and a dead port given up and counted, https with
a self-signed certificate with and without verification."""
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from crm_support import GUID, QUERY, crm  # noqa: F401 (crm: a fixture)
from conftest import eventually, free_port, make_certificate, metric
from agent_support import ADMIN_KEY, SSO_SECRET, directory, inbound_call, ready_tab
from route_support import SESSION_SECRET, run

# A number the Switchboard accepts (digits, +, space, parentheses, slash) that needs escaping.
ODD_NUMBER = "+420 (602) 123/456"


@pytest.fixture
def action_gateway(start_gateway, tmp_path):
    """callgate with the test directory of test_agent and `actionURLs` = `targets` plus the
    keyword arguments (quick retries unless given)."""
    from conftest import CALLGATE

    def start(targets, **settings):
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE))))
        config = {"agents": {"directory": str(path)},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
                  "actionURLs": {"targets": targets, "baseDelayMilliseconds": 50, "maxDelayMilliseconds": 200, **settings}}
        return start_gateway(config=config)

    return start


def device_action(gw, **parameters):
    """A phone's Action URL in (`GET /action`, docs/click-to-call.md §4) from loopback: the status."""
    query = urllib.parse.urlencode(parameters, quote_via=urllib.parse.quote)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/action?{query}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def ring_alice_phone(gw, guid="dev-guid-1"):
    """alice's phone (extension 2001) reports an incoming call: one Action URL out per target."""
    assert device_action(gw, action="inbound", call_direction="inbound", local_party="2001", call_guid=guid,
                         remote_party="+420602123456", remote_alias="Jiří & Co") == 204


def counted(gw, port, outcome):
    return metric(gw, f'callgate_actionurl_requests_total{{target="127.0.0.1:{port}",outcome="{outcome}"}}')


def actionurl_log_lines(gw):
    return [line for line in gw.log.splitlines() if " actionurl_" in line]


def test_a_whole_inbound_call_fires_inbound_connected_hold_and_disconnected(action_gateway, crm):
    server = crm()
    gw = action_gateway([f"http://127.0.0.1:{server.port}/crm/call.php?{QUERY}"])

    call = {}

    async def scenario():
        tab = await ready_tab(gw)
        call["uniqueid"] = inbound_call(gw, "user=alice", caller=ODD_NUMBER)
        call["guid"] = (await tab.event("callRinging"))["call"]["call_guid"]
        await tab.ok("answer")
        await tab.event("callConnect")
        await tab.ok("hold")
        await tab.event("callHold")
        await tab.ok("unhold")
        await tab.event("callResume")
        await tab.ok("hangup")
        await tab.event("callHangup")

    run(scenario())
    uniqueid = call["uniqueid"]
    assert server.wait(5), server.requests
    queries = server.queries()
    assert [(q["action"], q["holdstate"]) for q in queries] == [
        ("inbound", "off_hold"), ("connected", "off_hold"), ("hold", "on_hold"), ("hold", "off_hold"),
        ("disconnected", "off_hold")]
    assert GUID.fullmatch(call["guid"]) and call["guid"] != uniqueid, call
    for q in queries:
        assert q["callguid"] == call["guid"]   # the Call's GUID (compatibility.md §4.3), the same for the whole call
        assert (q["calldirection"], q["calldirectionINT"]) == ("inbound", "0")
        assert q["remoteparty"] == ODD_NUMBER
        assert (q["localparty"], q["localalias"]) == ("2001", "Alena Nováková")   # alice's phone, her name
        assert q["createdtime"] and q["remotedisplayname"] == ""   # an external caller without a name
    assert queries[0]["connectedtime"] == "" and queries[1]["connectedtime"] != ""
    assert queries[-1]["disconnectedtime"] != ""
    # Escaped to the unreserved characters: the space, parentheses, slash and plus stay inside.
    path, headers, _ = server.requests[0]
    assert path.startswith("/crm/call.php?action=inbound&")
    assert "&remoteparty=%2B420%20%28602%29%20123%2F456&" in path
    assert "&localalias=Alena%20Nov%C3%A1kov%C3%A1&" in path
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert headers["User-Agent"] == "callgate" and headers["Connection"] == "close"
    assert eventually(lambda: counted(gw, server.port, "delivered"), lambda v: v == 5) == 5


def test_a_phones_action_urls_are_relayed_with_their_values_encoded(action_gateway, crm):
    server = crm()
    gw = action_gateway([f"http://127.0.0.1:{server.port}/hook?{QUERY}"])
    ring_alice_phone(gw)
    assert device_action(gw, action="connected", call_direction="inbound", local_party="2001", call_guid="dev-guid-1",
                         remote_party="+420602123456", remote_alias="Jiří & Co",
                         call_connected_time="2019-03-25T10-34-27") == 204
    assert device_action(gw, action="disconnected", call_direction="inbound", local_party="2001",
                         call_guid="dev-guid-1") == 204
    assert server.wait(3), server.requests
    queries = server.queries()
    assert [q["action"] for q in queries] == ["inbound", "connected", "disconnected"]
    assert all(q["callguid"] == "dev-guid-1" and q["localparty"] == "2001" for q in queries)
    assert queries[0]["remotedisplayname"] == "Jiří & Co" and queries[0]["remoteparty"] == "+420602123456"
    assert queries[1]["connectedtime"] == "2019-03-25T10-34-27"
    assert "&remotedisplayname=Ji%C5%99%C3%AD%20%26%20Co" in server.requests[0][0]


def test_a_crm_that_hangs_does_not_delay_the_agents_tab(action_gateway, crm):
    slow = crm(delay=3.0)
    gw = action_gateway([f"http://127.0.0.1:{slow.port}/slow?{QUERY}"])
    timings = {}

    async def scenario():
        tab = await ready_tab(gw)
        started = time.monotonic()
        inbound_call(gw, "user=alice")
        await tab.event("callRinging", timeout=2)
        timings["ringing"] = time.monotonic() - started
        assert slow.wait(1, seconds=2)   # the webhook for `inbound` is now stuck in the CRM
        started = time.monotonic()
        await tab.ok("answer")
        await tab.event("callConnect", timeout=2)
        timings["connect"] = time.monotonic() - started
        timings["answered_by_crm"] = slow.answered

    run(scenario())
    print(f"tab latency while the CRM hangs: {timings}")
    assert timings["ringing"] < 0.5 and timings["connect"] < 0.5, timings
    assert timings["answered_by_crm"] == 0   # the events went by while the CRM still held the first request
    # Delivered in order, one at a time, once the CRM answers.
    assert slow.wait(2, seconds=8)
    assert [q["action"] for q in slow.queries()] == ["inbound", "connected"]


def test_500_twice_then_200_makes_three_requests(action_gateway, crm):
    server = crm(script=[500, 500], fallback=200)
    gw = action_gateway([f"http://127.0.0.1:{server.port}/crm?{QUERY}"])
    ring_alice_phone(gw)
    assert eventually(lambda: counted(gw, server.port, "delivered"), lambda v: v == 1) == 1
    assert len(server.requests) == 3 and len({path for path, _, _ in server.requests}) == 1
    assert counted(gw, server.port, "retried") == 2
    assert counted(gw, server.port, "given_up") == 0


def test_a_404_is_given_up_at_once_and_counted(action_gateway, crm):
    server = crm(fallback=404)
    gw = action_gateway([f"http://127.0.0.1:{server.port}/crm?secret=hunter2&{QUERY}"])
    ring_alice_phone(gw)
    assert eventually(lambda: counted(gw, server.port, "given_up"), lambda v: v == 1) == 1
    time.sleep(0.5)   # past every backoff: nothing more comes
    assert len(server.requests) == 1
    assert counted(gw, server.port, "retried") == 0
    lines = actionurl_log_lines(gw)
    assert any(f"actionurl_given_up target=127.0.0.1:{server.port} status=404" in line for line in lines), lines
    assert not any("hunter2" in line or "dev-guid" in line for line in gw.log.splitlines())   # never the query


def test_a_dead_port_is_retried_then_given_up(action_gateway):
    dead = free_port()   # nothing listens there
    gw = action_gateway([f"http://127.0.0.1:{dead}/crm?{QUERY}"], maxAttempts=3)
    ring_alice_phone(gw)
    assert eventually(lambda: counted(gw, dead, "given_up"), lambda v: v == 1) == 1
    assert counted(gw, dead, "retried") == 2
    assert counted(gw, dead, "delivered") == 0
    lines = actionurl_log_lines(gw)
    assert any(f'actionurl_given_up target=127.0.0.1:{dead} status=none reason="connect: Connection refused"' in line
               for line in lines), lines


@pytest.mark.parametrize("verify", [False, True])
def test_https_with_a_self_signed_certificate(action_gateway, crm, tmp_path, verify):
    cert, key = make_certificate(tmp_path, "crm", "IP:127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = crm(tls=context)
    gw = action_gateway([f"https://127.0.0.1:{server.port}/crm?{QUERY}"], verifyCertificates=verify, maxAttempts=3)
    ring_alice_phone(gw)
    if not verify:
        assert eventually(lambda: counted(gw, server.port, "delivered"), lambda v: v == 1) == 1
        assert [q["action"] for q in server.queries()] == ["inbound"]
        assert server.requests[0][1]["Host"] == f"127.0.0.1:{server.port}"
    else:
        # Refused by the system's CAs: given up at once (retrying cannot fix a certificate), never sent.
        assert eventually(lambda: counted(gw, server.port, "given_up"), lambda v: v == 1) == 1
        assert counted(gw, server.port, "retried") == 0
        assert server.requests == []
        lines = actionurl_log_lines(gw)
        assert any("actionurl_given_up" in line and "certificate verification" in line for line in lines), lines
