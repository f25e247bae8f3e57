"""Click-to-call in the five HTTP dialects and device Action URLs in (docs/click-to-call.md §1,
§2, §4), over real HTTP to the callgate binary: every source URL verbatim reaching an agent's
session, each way of authenticating, the same click twice placing one call, and bad input
answered with its status."""
import http.client
import json
import time
import urllib.parse

from conftest import eventually, metric
from agent_support import admin, ready_tab
from click_to_call_support import ALICE_KEY, CAROL_ADDRESS, SERVER_KEY, c2c_gateway  # noqa: F401 (c2c_gateway: a fixture)
from route_support import run

SEED_NUMBER = "74952294989"  # docs/compatibility.md §3.3, a Moscow number
RUSSIA = {"defaultCountry": "7", "trunkPrefix": "8", "nationalNumberDigits": 10}


def get(gw, target, headers=None, source="127.0.0.1", method="GET"):
    """(status, headers, body text) of one request from `source`."""
    connection = http.client.HTTPConnection("127.0.0.1", gw.http_port, timeout=5, source_address=(source, 0))
    connection.request(method, target, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


async def placed(tab, number, dialect):
    """The click-to-call's callNew on `tab`, checked, and its uniqueid."""
    call = (await tab.event("callNew"))["call"]
    assert call["direction"] == "OUTGOING" and call["number"] == number, call
    assert call["data"]["clickToCall"]["dialect"] == dialect, call
    return call["uniqueid"]


async def hang_up(gw, tab, uniqueid):
    """The far end hangs up (or the call already ended); the tab sees the hang-up."""
    admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(uniqueid)}/hangup")
    hangup = (await tab.event("callHangup"))["call"]
    assert hangup["uniqueid"] == uniqueid
    tab.buffer.clear()


def test_every_seed_url_reaches_the_agent_session(c2c_gateway):
    gw = c2c_gateway(click_to_call={**RUSSIA, "dedupSeconds": 1})

    async def scenario():
        alice, bob, carol = await ready_tab(gw, "alice"), await ready_tab(gw, "bob"), await ready_tab(gw, "carol")

        # docs/compatibility.md §3.3, the Oktell server interface, by user, workplace address and PC name. The
        # same agent and number again is a repeat within the dedup window (1 s here): wait it out.
        for selector, tab in (("user=admin", None), ("user=alice", alice), ("wp=192.168.0.82", bob), ("wp=Comp082", bob)):
            if selector == "wp=Comp082":
                time.sleep(1.1)  # bob and the same number again: past the dedup window
            status, headers, body = get(gw, f"/wp_autocallstart?{selector}&number={SEED_NUMBER}&direction=city&sequence=back",
                                        bearer(SERVER_KEY))
            if tab is None:  # the wiki's "admin" is no user of ours
                assert status == 404 and json.loads(body)["error"]["code"] == "unknownAgent", body
                continue
            assert status == 200 and headers["content-type"] == "application/json", (status, body)
            reply = json.loads(body)
            assert reply["result"] == "ok" and reply["number"] == "+" + SEED_NUMBER
            assert reply["direction"] == "city" and reply["sequence"] == "back"
            uniqueid = await placed(tab, "+" + SEED_NUMBER, "oktellServer")
            assert reply["uniqueid"] == uniqueid
            await hang_up(gw, tab, uniqueid)

        # The key in the query, and an agent named by line.
        status, _, body = get(gw, f"/wp_autocallstart?line=2002&number=84951234567&key={SERVER_KEY}")
        assert status == 200, body
        await hang_up(gw, bob, await placed(bob, "+74951234567", "oktellServer"))

        # docs/compatibility.md §3.2 /callto from the agent's own browser: the session cookie, set by /session/cookie.
        status, headers, _ = get(gw, "/session/cookie", bearer(alice.token))
        assert status == 204, status
        cookie = headers["set-cookie"]
        assert cookie.startswith(f"callgate_session={alice.token};") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        status, headers, body = get(gw, f"/callto?number={SEED_NUMBER}", {"Cookie": cookie.split(";")[0]})
        assert (status, body) == (200, f"OK +{SEED_NUMBER}\n"), body
        assert headers["content-type"] == "text/plain; charset=utf-8" and headers["cache-control"] == "no-store"
        await hang_up(gw, alice, await placed(alice, "+" + SEED_NUMBER, "oktellClient"))

        # docs/compatibility.md §3.4 Mia: the path with only a query, alice's own key; 123 and 121 are internal
        # extensions nobody sits at, so the call ends at once, but alice's bar sees it.
        for target in ("123", "121"):
            status, _, body = get(gw, f"/?action=make_call&target={target}", bearer(ALICE_KEY))
            assert (status, body) == (200, f"OK {target}\n"), body
            await placed(alice, target, "mia")
            assert (await alice.event("callHangup"))["call"]["number"] == target
            alice.buffer.clear()

        # docs/compatibility.md §3.5 Yealink and SNOM, sent "to the phone" from carol's workplace address.
        for target, number in (("/servlet?key=number=1234", "1234"),
                               ("/cgi-bin/ConfigManApp.com?number=8%20495%20229-49-89", "+74952294989"),
                               ("/cgiServer.exx?number=%2B420602123456", "+420602123456"),
                               ("/command.htm?number=%2B420777123456", "+420777123456")):
            status, _, body = get(gw, target, source=CAROL_ADDRESS)
            assert (status, body) == (200, f"OK {number}\n"), (target, body)
            dialect = "snom" if target.startswith("/command") else "yealink"
            uniqueid = await placed(carol, number, dialect)
            await hang_up(gw, carol, uniqueid)
        # The dial URL templates of docs/compatibility.md §3.5 with their xxx placeholder are refused, not dialled.
        status, _, body = get(gw, "/cgi-bin/ConfigManApp.com?number=xxx", source=CAROL_ADDRESS)
        assert status == 400 and body.startswith("ERROR invalidNumber"), body
        assert eventually(lambda: metric(gw, 'callgate_route_events_total{channel="clicktocall",event="status_200"}'), lambda n: n == 11) == 11
        for tab in (alice, bob, carol):
            assert "callNew" not in await tab.quiet()

    run(scenario())


def test_the_same_click_twice_places_one_call(c2c_gateway):
    gw = c2c_gateway()

    async def scenario():
        alice = await ready_tab(gw, "alice")
        target = "/wp_autocallstart?user=alice&number=602123456"
        first = json.loads(get(gw, target, bearer(SERVER_KEY))[2])
        second = json.loads(get(gw, target, bearer(SERVER_KEY))[2])
        assert first["uniqueid"] == second["uniqueid"] and first["number"] == "+420602123456"
        await placed(alice, "+420602123456", "oktellServer")
        assert "callNew" not in await alice.quiet(0.5)
        assert eventually(lambda: metric(gw, 'callgate_route_events_total{channel="clicktocall",event="deduplicated"}'), lambda n: n == 1) == 1

    run(scenario())


def test_bad_input_and_credentials_get_their_status(c2c_gateway):
    gw = c2c_gateway()

    async def scenario():
        await ready_tab(gw, "alice")
        server = bearer(SERVER_KEY)
        cases = [
            # (target, headers, source, status, code)
            ("/wp_autocallstart?user=alice", server, "127.0.0.1", 400, "missingNumber"),
            ("/wp_autocallstart?user=alice&number=call-me", server, "127.0.0.1", 400, "invalidNumber"),
            ("/wp_autocallstart?user=alice&number=" + "1" * 200, server, "127.0.0.1", 400, "numberTooLong"),
            ("/wp_autocallstart?user=nobody&number=602123456", server, "127.0.0.1", 404, "unknownAgent"),
            ("/wp_autocallstart?user=bob&number=602123456", server, "127.0.0.1", 409, "agentUnavailable"),
            ("/wp_autocallstart?number=602123456", server, "127.0.0.1", 400, "missingAgent"),
            ("/wp_autocallstart?user=alice&wp=Comp082&number=602123456", server, "127.0.0.1", 400, "conflictingAgents"),
            ("/wp_autocallstart?user=alice&number=602123456&colour=red", server, "127.0.0.1", 400, "unknownParameter"),
            ("/wp_autocallstart?user=alice&number=602123456", {}, "127.0.0.1", 401, "unauthorized"),
            ("/wp_autocallstart?user=alice&number=602123456", bearer("wrong-key-0123456789"), "127.0.0.1", 401, "unauthorized"),
            ("/wp_autocallstart?user=bob&number=602123456", bearer(ALICE_KEY), "127.0.0.1", 403, "forbidden"),
            ("/?action=make_call&target=602123456", server, "127.0.0.1", 403, "forbidden"),
            ("/?action=reboot", server, "127.0.0.1", 400, "unsupportedCommand"),
            ("/servlet?key=number=602123456", {}, "127.0.0.1", 401, "unauthorized"),
            ("/callto?number=602123456", {"Cookie": "callgate_session=v1.forged.token"}, "127.0.0.1", 401, "unauthorized"),
            ("/command.htm?number=12", {}, CAROL_ADDRESS, 400, "unknownExtension"),
        ]
        for target, headers, source, status, code in cases:
            got, response_headers, body = get(gw, target, headers, source)
            text = body if target.startswith("/wp_") else body.split(" ")[1]
            found = json.loads(text)["error"]["code"] if target.startswith("/wp_") else text
            assert (got, found) == (status, code), (target, got, body)
            if status == 401:
                assert response_headers["www-authenticate"] == 'Bearer realm="callgate"'
        status, headers, _ = get(gw, "/callto?number=602123456", method="POST")
        assert status == 405 and headers["allow"] == "GET"
        status, headers, _ = get(gw, "/session/cookie", bearer("v1.forged.token"))
        assert status == 401
        assert "click_to_call_refused" in gw.log and SERVER_KEY not in gw.log

    run(scenario())


# ---------------------------------------------------------------- device Action URLs in


def action(**values):
    """A device Action URL query (docs/compatibility.md §4.2, §4.3), as a phone fills it in."""
    base = {"call_direction": "inbound", "call_direction_as_int": "0", "local_party": "2001",
            "local_alias": "Alena", "call_guid": "9f0c-guid-1", "remote_party": "+420602123456",
            "remote_alias": "Jan Novák", "call_created_time": "2026-11-22T10-34-22"}
    base.update(values)
    return "/action?" + urllib.parse.urlencode(base)


def test_a_phones_action_urls_drive_the_agent_bar(c2c_gateway):
    gw = c2c_gateway()

    async def scenario():
        alice = await ready_tab(gw, "alice")
        status, _, _ = get(gw, action(action="inbound"))
        assert status == 204
        new = (await alice.event("callNew"))["call"]
        ringing = (await alice.event("callRinging"))["call"]
        assert new["uniqueid"] == ringing["uniqueid"] == "9f0c-guid-1"
        assert ringing["direction"] == "INCOMING" and ringing["caller_number_norm"] == "+420602123456"
        assert ringing["data"]["source"] == "actionURL" and ringing["data"]["lastCallers"] == []
        for values, event in (({"action": "connected"}, "callConnect"),
                              ({"action": "hold", "hold_state": "on_hold"}, "callHold"),
                              ({"action": "hold", "hold_state": "off_hold"}, "callResume"),
                              ({"action": "disconnected", "call_duration_seconds": "42"}, "callHangup")):
            assert get(gw, action(**values))[0] == 204
            assert (await alice.event(event))["call"]["uniqueid"] == "9f0c-guid-1", event
        # The phone is found by its SIP identity too; a phone nobody knows is 404.
        assert get(gw, action(action="outbound", call_direction="outbound", call_direction_as_int="1",
                              local_party="sip:2001@pbx.example", call_guid="g2"))[0] == 204
        assert (await alice.event("callNew"))["call"]["direction"] == "OUTGOING"
        assert get(gw, action(action="inbound", local_party="9999"))[0] == 404
        status, _, body = get(gw, action(action="ring"))
        assert status == 400 and "action" in body
        status, _, body = get(gw, action(action="inbound", call_guid=""))
        assert status == 400 and "call_guid" in body
        # alice's own key reports alice's phone only.
        assert get(gw, action(action="inbound", call_guid="g3", key=ALICE_KEY), source="127.0.0.5")[0] == 204
        assert get(gw, action(action="inbound", call_guid="g4", local_party="2002", key=ALICE_KEY))[0] == 401
        assert get(gw, action(action="inbound", call_guid="g5", key="wrong-key-0123456789"))[0] == 401
        assert get(gw, action(action="inbound"), method="POST")[0] == 405

    run(scenario())


def test_action_urls_from_addresses_off_the_list_are_refused(c2c_gateway):
    gw = c2c_gateway(action_urls={"deviceAddresses": ["127.0.0.5"]})
    status, headers, _ = get(gw, action(action="inbound"))
    assert status == 401 and headers["www-authenticate"] == 'Bearer realm="callgate"'
    assert get(gw, action(action="inbound"), source="127.0.0.5")[0] == 204
    assert get(gw, action(action="inbound", call_guid="g6", local_party="2003"), source=CAROL_ADDRESS)[0] == 204
    assert "device_action_refused" in gw.log
