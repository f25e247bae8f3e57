"""Agent accounts on /ws against the embedded Switchboard, over real WebSockets to the release
binary: SSO tokens built with the openssl command (valid, expired, future, tampered, another
user's, replayed), the login throttle, autologout and expiry, logout on close, the call history
on /ws and on the report channel, the status page's data and the admin API."""
import asyncio
import json
import time

from agent_support import CALLER, Tab, admin, agent_state, openssl_sso_token, agent_gateway, answered_call, inbound_call, ready_tab, status  # noqa: F401 (agent_gateway: a fixture)
from conftest import eventually
from route_support import client, closed_with, refused_status, run, session_token


# ---------------------------------------------------------------- credentials


def test_sso_tokens_valid_expired_future_tampered_other_user_and_replayed(agent_gateway):
    gw = agent_gateway()
    now = int(time.time())
    valid = openssl_sso_token("alice", now)
    tampered = valid[:5] + ("A" if valid[5] != "A" else "B") + valid[6:]
    cases = [
        ("expired", "alice", openssl_sso_token("alice", now - 301)),
        ("future past the skew", "alice", openssl_sso_token("alice", now + 120)),
        ("tampered", "alice", tampered),
        ("another user's", "alice", openssl_sso_token("bob", now)),
        ("another secret", "alice", openssl_sso_token("alice", now, secret="not-the-secret")),
    ]

    async def scenario():
        tab = await Tab.open(gw)
        for name, username, token in cases:
            error = await tab.refused("sso", username=username, token=token, provider="CRM")
            assert error["code"] == "loginFailed", name
            assert (await tab.event("loginError"))["code"] == 2, name
        result = await tab.ok("sso", username="alice", token=valid, provider="CRM")
        assert result["user"] == "alice"
        await tab.event("user")
        replay = await Tab.open(gw)
        assert (await replay.refused("sso", username="alice", token=valid, provider="CRM"))["code"] == "loginFailed"
        assert (await replay.event("loginError"))["code"] == 2

    run(scenario())


def test_login_throttle_autologout_and_expiry(agent_gateway):
    gw = agent_gateway(loginMaxFailures=3)

    async def scenario():
        # Three wrong passwords, then even the right one is refused for a while (code 5).
        tab = await Tab.open(gw, source="127.0.0.3")
        for _ in range(3):
            await tab.refused("login", username="carol", password="nope")
            assert (await tab.event("loginError"))["code"] == 1
        await tab.refused("login", username="carol", password="carol")
        assert (await tab.event("loginError"))["code"] == 5

        # A login from another address logs the first browser out (docs/compatibility.md §1.2 autologout).
        here = await ready_tab(gw, "bob", source="127.0.0.1")
        there = await Tab.open(gw, source="127.0.0.2")
        await there.ok("login", username="bob", password="bob")
        assert (await here.event("loginError"))["code"] == 3
        await here.event("credentials")
        assert (await here.refused("state"))["state"] == "CREDENTIALS"

        # autologout false (the bar's config field, docs/compatibility.md §1.2): this login leaves the other browser be.
        there.buffer.clear()
        elsewhere = await Tab.open(gw, source="127.0.0.4")
        await elsewhere.ok("login", username="bob", password="bob", autologout=False)
        assert "loginError" not in await there.quiet(0.5)
        assert (await there.ok("callHistory"))["total"] == 0  # still logged in

        # A tab whose session token runs out is closed with 4003.
        token = session_token(user="alice", provider="CRM", issued=int(time.time()) - 5, expires=int(time.time()) + 2)
        short = await Tab.open(gw)
        await short.ok("attach", lastSeq=0, token=token)
        code, reason, _ = await closed_with(short.ws, timeout=5)
        assert code == 4003, (code, reason)

    run(scenario())


def test_logout_on_close_waits_for_a_reload_then_signs_out(agent_gateway):
    gw = agent_gateway(closedLogoutSeconds=1)

    async def scenario():
        tab = await Tab.open(gw)
        result = await tab.ok("login", username="dana", password="dana", logoutOnClose=True)
        await tab.close()
        # A reload: the page's new tab attaches within the grace time and stays signed in.
        await asyncio.sleep(0.3)
        again = await Tab.open(gw)
        assert (await again.ok("attach", lastSeq=0, token=result["token"]))["state"] == "IDENTIFY"
        await asyncio.sleep(1.6)
        assert agent_state(gw, "dana") == "IDENTIFY"
        # Closed for good: signed out after the grace time, not after detachedLogoutSeconds.
        await again.close()
        deadline = time.time() + 5
        while agent_state(gw, "dana") != "CREDENTIALS" and time.time() < deadline:
            await asyncio.sleep(0.1)
        assert agent_state(gw, "dana") == "CREDENTIALS"
        # Without the option the user stays signed in for detachedLogoutSeconds (120 s).
        plain = await Tab.open(gw)
        await plain.ok("login", username="carol", password="carol")
        await plain.close()
        await asyncio.sleep(1.8)
        assert agent_state(gw, "carol") == "IDENTIFY"

    run(scenario())


# ---------------------------------------------------------------- call history


def test_call_history_on_ws_and_on_the_report_channel(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await ready_tab(gw, "alice")
        first = await answered_call(gw, tab, "queue=100")
        await tab.ok("hangup")
        await tab.event("callHangup")
        await tab.ok("dial", number="+420 777 000 111", queue="directCall")
        await tab.event("callRinging")
        await tab.ok("hangup")
        await tab.event("callHangup")

        history = await tab.ok("callHistory")
        assert history["total"] == 2
        assert [c["direction"] for c in history["calls"]] == ["OUTGOING", "INCOMING"]
        assert history["calls"][1]["uniqueid"] == first and history["calls"][1]["state"] == 4
        assert history["calls"][1]["cause"] == 4 and history["calls"][1]["disconnected"]
        only = await tab.ok("callHistory", filter="602 123", direction="INCOMING", limit=1)
        assert only["total"] == 1 and only["calls"][0]["number"] == CALLER
        assert (await tab.refused("callHistory", limit=500))["param"] == "limit"

        # The report channel: the same query with the session token at the gate.
        async with client(f"ws://127.0.0.1:{gw.http_port}/report?access_token={tab.token}") as report:
            await report.send(json.dumps({"id": "h1", "method": "callHistory", "params": {"filter": "777"}}))
            reply = json.loads(await asyncio.wait_for(report.recv(), 5))
            assert reply["id"] == "h1" and reply["result"]["total"] == 1, reply
            assert reply["result"]["calls"][0]["number"] == "+420 777 000 111"
            await report.send(json.dumps({"id": 2, "method": "dial", "params": {"number": "1"}}))
            reply = json.loads(await asyncio.wait_for(report.recv(), 5))
            assert reply == {"id": 2, "error": {"code": "unknownMethod", "text": reply["error"]["text"]}}
            await report.send("not json")
            assert json.loads(await asyncio.wait_for(report.recv(), 5))["error"]["code"] == "badRequest"
            await report.send(b"binary")
            code, _, _ = await closed_with(report)
            assert code == 1003
        # Or the token as the first message; a forged one at the upgrade gets 401.
        async with client(f"ws://127.0.0.1:{gw.http_port}/report") as report:
            await report.send(json.dumps({"type": "auth", "token": tab.token}))
            assert json.loads(await asyncio.wait_for(report.recv(), 5))["event"] == "authenticated"
            await report.send(json.dumps({"id": 1, "method": "callHistory", "params": {"direction": "OUTGOING"}}))
            assert json.loads(await asyncio.wait_for(report.recv(), 5))["result"]["total"] == 1
        status, _ = await refused_status(f"ws://127.0.0.1:{gw.http_port}/report?access_token=v1.forged.token")
        assert status == 401

    run(scenario())


# ---------------------------------------------------------------- the status page's data


def test_status_json_counts_sessions_agents_calls_and_backend_health(agent_gateway):
    from conftest import free_port
    dead = free_port()  # nothing listens there
    gw = agent_gateway(routes={"recording": {"backend": f"ws://127.0.0.1:{dead}/rec?key=secret"}})
    before = status(gw)
    routes = {r["channel"]: r for r in before["routes"]}
    assert routes["ws"]["health"] == "embedded" and routes["report"]["backend"] == "embedded:report"
    assert routes["email"]["health"] == "none" and routes["email"]["backend"] is None
    assert routes["recording"]["health"] == "unknown"
    assert routes["recording"]["backend"] == f"ws://127.0.0.1:{dead}/rec"  # never the query
    assert before["agents"]["tabs"] == 0 and before["draining"] is False

    async def scenario():
        alice = await ready_tab(gw, "alice")
        bob = await ready_tab(gw, "bob")
        await bob.ok("changeStatus", status="AUX", reason="Oběd")
        inbound_call(gw, "queue=100")
        await alice.event("callRinging")
        now = eventually(lambda: status(gw), lambda s: s["agents"]["tabs"] == 2
                         and {r["channel"]: r for r in s["routes"]}["ws"]["sessions"] == 2)
        assert now["agents"] == {"tabs": 2, "users": 2, "signedIn": 2, "calls": 1, "waitingCallers": 0,
                                 "statuses": {"READY": 1, "AUX": 1, "ACW": 0, "OFFLINE": 0}}, now["agents"]
        ws = {r["channel"]: r for r in now["routes"]}["ws"]
        assert ws["sessions"] == 2 and ws["events"]["session_opened"] >= 2
        # A back end that cannot be reached: the upgrade gets 503 (no 101) and the channel is down.
        refused, _ = await refused_status(f"ws://127.0.0.1:{gw.http_port}/recording?access_token={alice.token}")
        assert refused == 503
        down = eventually(lambda: status(gw), lambda s: {r["channel"]: r for r in s["routes"]}["recording"]["health"] == "down")
        recording = {r["channel"]: r for r in down["routes"]}["recording"]
        assert recording["health"] == "down" and recording["healthSince"] >= before["now"]
        assert recording["events"]["upstream_unreachable"] == 1
        await alice.close()
        await bob.close()
        after = eventually(lambda: status(gw), lambda s: s["agents"]["tabs"] == 0
                           and {r["channel"]: r for r in s["routes"]}["ws"]["sessions"] == 0)
        assert {r["channel"]: r for r in after["routes"]}["ws"]["sessions"] == 0
        # Two tabs upgraded; the recording session got its 503 instead of a 101.
        assert after["connections"]["accepted"] >= 3 and after["counters"]["upgrades"] >= 2

    run(scenario())


# ---------------------------------------------------------------- the admin API


def test_admin_api_authenticates_and_answers_errors_with_statuses(agent_gateway):
    gw = agent_gateway()
    assert admin(gw, "GET", "/admin/agents", key=None)[0] == 401
    assert admin(gw, "GET", "/admin/agents", key="wrong-key-wrong-key")[0] == 401
    status, body = admin(gw, "GET", "/admin/agents")
    assert status == 200 and {a["username"] for a in body["agents"]} >= {"alice", "bob", "carol"}
    assert admin(gw, "GET", "/admin/nothing")[0] == 404
    assert admin(gw, "DELETE", "/admin/calls")[0] == 405
    assert admin(gw, "POST", "/admin/calls?queue=100")[0] == 400
    assert admin(gw, "POST", "/admin/calls?from=%2B420602123456&queue=100&user=alice")[0] == 400
    assert admin(gw, "POST", "/admin/calls?from=%2B420602123456&queue=999")[0] == 404
    assert admin(gw, "POST", "/admin/calls/no-such-call/hangup")[0] == 404


def test_bad_input_gets_a_clear_answer(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await Tab.open(gw)
        await tab.ws.send(b"\x00\x01")
        code, _, _ = await closed_with(tab.ws)
        assert code == 1003  # RFC 6455 §7.4.1: a type of data it cannot accept
        tab = await Tab.open(gw)
        await tab.ws.send("{" + " " * 70_000 + "}")
        reply = json.loads(await asyncio.wait_for(tab.ws.recv(), 5))
        assert reply["error"]["code"] == "tooLarge" and "id" not in reply
        assert (await tab.refused("login", username="x" * 300, password="p"))["code"] == "loginFailed"
        assert (await tab.event("loginError"))["code"] == 1
        assert (await tab.refused("dial", number="2002"))["code"] == "wrongState"
        assert (await tab.refused("nonsense"))["code"] == "unknownMethod"

    run(scenario())
