"""Agent sessions on /ws against the embedded Switchboard (docs/agent-protocol.md), over real
WebSockets to the release binary: the state rules of every method, whole inbound and outbound
calls with hold, mute and both transfers, two tabs of one user, a cut connection that resumes
with nothing lost, SSO tokens built with the openssl command, ringing acks, dial idempotency,
autologout, expiry, and the admin API."""
import asyncio
import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import eventually, metric
from test_routes import SESSION_SECRET, client, closed_with, refused_status, run, session_token

SSO_SECRET = "agent-bar-sso-secret"
ADMIN_KEY = "interop-admin-key-0123456789"
CALLER = "+420602123456"


# ---------------------------------------------------------------- the gateway


def directory(gateway_binary, **settings):
    """The shipped sample directory (passwords = user names) with test-friendly settings, and
    carol's phone also known by the client address 127.0.0.9."""
    text = subprocess.run([gateway_binary, "--sample-directory"], check=True, capture_output=True, text=True).stdout
    sample = json.loads(text)
    sample["settings"].update({"ringSeconds": 30, "acwSeconds": 0, **settings})
    next(d for d in sample["devices"] if d["id"] == "carol-phone")["identifiers"].append("127.0.0.9")
    return sample


@pytest.fixture
def agent_gateway(start_gateway, tmp_path):
    """Starts callgate with a test directory; keyword arguments go into `agents` and the
    directory's `settings` (`settings={...}`), `routes` into the routes, `limits` into the
    limits, `extra` into the top level (e.g. `actionURLs`)."""
    from conftest import CALLGATE

    def start(settings=None, routes=None, limits=None, extra=None, **agents):
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE), **(settings or {}))))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}}}
        if routes:
            config["routes"] = routes
        if limits:
            config["limits"] = limits
        config.update(extra or {})
        return start_gateway(config=config)

    return start


def admin(gw, method, path, key=ADMIN_KEY):
    """(status, JSON body) of an admin API request."""
    request = urllib.request.Request(f"http://127.0.0.1:{gw.http_port}{path}", method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def inbound_call(gw, target="queue=100", caller=CALLER):
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(caller)}&{target}")
    assert status == 201, body
    return body["uniqueid"]


# ---------------------------------------------------------------- a tab


class Tab:
    """One agent-bar tab: requests with ids, events buffered in arrival order, and a check that
    the per-user `seq` never skips (a repeat of a seen seq is a ringing resend)."""

    def __init__(self, ws, auto_ack=True):
        self.ws = ws
        self.next_id = 0
        self.buffer = []
        self.seqs = []
        self.auto_ack = auto_ack

    @classmethod
    async def open(cls, gw, query="", source=None, auto_ack=True, cookie=None, port=None):
        """`port`: connect there instead of the gateway's (a relay in front of it)."""
        port = port or gw.http_port
        kwargs = {"additional_headers": {"Cookie": cookie}} if cookie else {}
        if source:
            sock = socket.socket()
            sock.bind((source, 0))
            sock.connect(("127.0.0.1", port))
            kwargs["sock"] = sock
        ws = await client(f"ws://127.0.0.1:{port}/ws{query}", **kwargs)
        tab = cls(ws, auto_ack)
        assert (await tab.event("connect")) == {"version": "4.0.0", "protocol": 1}
        await tab.event("credentials")
        return tab

    def observe(self, message):
        """Sees each message first (a subclass keeps what it needs)."""

    async def _next(self, timeout):
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.observe(message)
        if "seq" in message:
            seq = message["seq"]
            if self.seqs and seq <= self.seqs[-1]:
                assert message["event"] == "callRinging", f"seq {seq} again after {self.seqs[-1]}: {message}"
            else:
                assert not self.seqs or seq == self.seqs[-1] + 1, f"seq {seq} after {self.seqs[-1]}"
                self.seqs.append(seq)
            if message["event"] == "callRinging" and self.auto_ack:
                self.next_id += 1
                await self.ws.send(json.dumps({"id": f"ack{self.next_id}", "method": "ack", "params": {"seq": seq}}))
        return message

    async def call(self, method, timeout=5, **params):
        self.next_id += 1
        request_id = self.next_id
        await self.ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
        while True:
            message = await self._next(timeout)
            if message.get("id") == request_id:
                return message
            if "event" in message:
                self.buffer.append(message)

    async def ok(self, method, **params):
        reply = await self.call(method, **params)
        assert "result" in reply, (method, reply)
        return reply["result"]

    async def refused(self, method, **params):
        reply = await self.call(method, **params)
        assert "error" in reply, (method, reply)
        return reply["error"]

    async def message(self, name, timeout=5):
        """The next event called `name` (whole message); earlier other events stay buffered."""
        for index, message in enumerate(self.buffer):
            if message["event"] == name:
                return self.buffer.pop(index)
        while True:
            message = await self._next(timeout)
            if message.get("event") == name:
                return message
            if "event" in message:
                self.buffer.append(message)

    async def event(self, name, timeout=5):
        return (await self.message(name, timeout))["data"]

    async def quiet(self, seconds=0.3):
        """Reads for a while; returns the event names that came."""
        names = []
        try:
            while True:
                message = await self._next(seconds)
                if "event" in message:
                    names.append(message["event"])
        except asyncio.TimeoutError:
            return names

    async def close(self):
        await self.ws.close()


async def ready_tab(gw, user="alice", tab_id=None, **open_kwargs):
    """A tab logged in as `user` (password = user name, with the browser tab id `tab_id` if
    given), paired with web-<user>, READY."""
    tab = await Tab.open(gw, **open_kwargs)
    result = await tab.ok("login", username=user, password=user, **({"tab": tab_id} if tab_id else {}))
    assert result["user"] == user and result["token"].startswith("v1.")
    assert (await tab.event("user"))["user"]["firstname"]
    await tab.event("identify")
    await tab.ok("selectIdentifier", identifier=f"web-{user}")
    await tab.event("device")
    await tab.ok("provision")
    state = (await tab.event("ready"))["state"]
    assert state["status"] == "READY", state
    tab.token = result["token"]
    tab.buffer.clear()  # the login's stateChange and primary events
    return tab


async def answered_call(gw, tab, target):
    """An external caller rings `target`; `tab` answers. The call's uniqueid."""
    uniqueid = inbound_call(gw, target)
    await tab.event("callRinging")
    await tab.ok("answer")
    await tab.event("callConnect")
    return uniqueid


# ---------------------------------------------------------------- state rules


PARAMS = {
    "login": {"username": "alice", "password": "alice"},
    "sso": {"username": "alice", "token": "x"},
    "logout": {},
    "selectIdentifier": {"identifier": "web-alice"},
    "provision": {},
    "identify": {},
    "changeStatus": {"status": "AUX", "reason": "Oběd"},
    "suspend": {"queue": 100},
    "resume": {"queue": 100},
    "answer": {},
    "dial": {"number": "602123456"},
    "hangup": {},
    "transfer": {"number": "2002"},
    "finishTransfer": {},
    "blindTransfer": {"number": "2002"},
    "hold": {},
    "unhold": {},
    "mute": {},
    "state": {},
    "setAccountCode": {"uniqueid": "1.1", "accountCode": "A1"},
    "selectRingingSound": {"ringingSound": "rush"},
    "attach": {"lastSeq": 0, "token": "v1.x.y"},
    "ack": {"seq": 1},
    "callHistory": {"limit": 5},
}
ALLOWED = {
    "login": {"CREDENTIALS"}, "sso": {"CREDENTIALS"}, "attach": {"CREDENTIALS"},
    "logout": {"IDENTIFY", "DEVICE", "READY"}, "callHistory": {"IDENTIFY", "DEVICE", "READY"},
    "selectIdentifier": {"IDENTIFY", "DEVICE"}, "provision": {"IDENTIFY", "DEVICE"},
    "identify": {"DEVICE", "READY"},
    "notify": {"CREDENTIALS", "IDENTIFY", "DEVICE", "READY"},
}


async def assert_refused_outside(tab, state):
    """Every method not allowed in `state` is refused with wrongState naming it."""
    for method, params in PARAMS.items():
        if state in ALLOWED.get(method, {"READY"}):
            continue
        error = await tab.refused(method, **params)
        assert error["code"] == "wrongState" and error["state"] == state, (method, state, error)


def test_every_method_is_refused_outside_its_states_and_accepted_inside(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await Tab.open(gw)
        await assert_refused_outside(tab, "CREDENTIALS")
        wrong = await tab.refused("login", username="alice", password="wrong")
        assert wrong["code"] == "loginFailed"
        assert (await tab.event("loginError")) == {"code": 1, "message": "invalid user name or password"}
        assert (await tab.ok("notify", title="before login", type="warning")) == {}
        assert (await tab.event("warning")) == {"message": "before login"}

        await tab.ok("login", username="alice", password="alice")
        user = (await tab.event("user"))["user"]
        assert (user["id"], user["firstname"], user["status"]) == (1, "Alena", "OFFLINE")
        identify = await tab.event("identify")
        assert "alice-phone" in json.dumps(identify["identificators"])
        await assert_refused_outside(tab, "IDENTIFY")
        assert (await tab.refused("selectIdentifier", identifier="no-such-phone"))["code"] == "unknownIdentifier"

        await tab.ok("identificator", identificator="sip:2001")  # the seed's alias
        assert (await tab.event("device"))["device"]["extension"] == 2001
        await assert_refused_outside(tab, "DEVICE")
        await tab.ok("identify")
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        state = (await tab.event("ready"))["state"]
        assert state["user"]["firstname"] == "Alena" and state["lastSeq"] >= 0
        await assert_refused_outside(tab, "READY")

        # READY's methods: accepted (the Switchboard may still refuse them for its own reasons).
        for method in ("changeStatus", "suspend", "resume", "state", "selectRingingSound", "mute", "hold",
                       "unhold", "answer", "hangup", "finishTransfer", "setAccountCode", "ack", "notify"):
            reply = await tab.call(method, **PARAMS.get(method, {"title": "hello"}))
            assert reply.get("error", {}).get("code") != "wrongState", (method, reply)
        assert (await tab.refused("hangup"))["code"] == "noActiveCall"
        assert (await tab.refused("changeStatus", status="AUX", reason="Dovolená"))["code"] == "unknownReason"
        snapshot = await tab.ok("state")
        assert snapshot["ringingSound"] == "rush" and snapshot["status"] == "AUX" and snapshot["reason"] == "Oběd"
        assert (await tab.ok("logout")) == {}
        await tab.event("credentials")
        await assert_refused_outside(tab, "CREDENTIALS")

    run(scenario())


def test_the_phone_is_found_by_url_parameter_cookie_or_client_address(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        for user, kwargs, expected in [
            ("alice", {"query": "?identifier=web-alice"}, "web-alice"),
            ("bob", {"cookie": "theme=dark; callgate_identifier=sip:2002"}, "sip:2002"),
            ("carol", {"source": "127.0.0.9"}, "127.0.0.9"),
        ]:
            tab = await Tab.open(gw, **kwargs)
            await tab.ok("login", username=user, password=user)
            assert (await tab.event("identifier")) == {"identificator": expected}, user
            await tab.ok("selectIdentifier", identifier=expected)
            assert (await tab.event("device"))["device"]["id"] == f"{user}-phone"
        plain = await Tab.open(gw)
        await plain.ok("login", username="dana", password="dana")
        assert "identifier" not in await plain.quiet(0.3)

    run(scenario())


# ---------------------------------------------------------------- whole calls


def test_inbound_queue_call_with_hold_mute_hangup_and_statistics(agent_gateway):
    gw = agent_gateway(settings={"acwSeconds": 1})

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = inbound_call(gw)
        new = (await tab.event("callNew"))["call"]
        ringing = (await tab.event("callRinging"))["call"]
        for call in (new, ringing):
            assert call["uniqueid"] == uniqueid and call["direction"] == "INCOMING"
            assert call["caller_number"] == CALLER and call["caller_number_norm"] == CALLER
        assert ringing["state"] == 2 and ringing["cause"] == -1 and ringing["connected"] is None

        await tab.ok("answer")
        connected = (await tab.event("callConnect"))["call"]
        assert connected["state"] == 3 and connected["connected"] is not None
        await tab.ok("hold")
        assert (await tab.event("callHold"))["call"]["state"] == 5
        await tab.ok("unhold")
        assert (await tab.event("callResume"))["call"]["state"] == 3
        await tab.ok("mute")
        muted = (await tab.event("callMute"))["call"]
        assert muted["connected_muted"] or muted["caller_muted"]
        await tab.ok("mute")
        await tab.event("callUnmute")
        await tab.ok("setAccountCode", uniqueid=uniqueid, accountCode="ZAK-7")
        await tab.ok("setAccountCode", uniqueid=uniqueid, accountCode="ZAK-8", subAccountCode="B")  # added (seeds/004)
        await tab.ok("hangup")
        hangup = (await tab.event("callHangup"))["call"]
        assert hangup["state"] == 4 and hangup["cause"] == 4 and hangup["disconnected"] is not None
        assert [c["accountCode"] for c in hangup["data"]["accountCodes"]] == ["ZAK-7", "ZAK-8"]
        assert (await tab.event("stateChange"))["status"] == "ACW"
        assert (await tab.event("stateChange", timeout=4))["status"] == "READY"
        user = (await tab.ok("state"))["user"]
        assert user["in_calls_answered"] == 1 and user["queues"]["100"]["answered"] == 1

    run(scenario())


def test_outbound_call_answered_and_hung_up_by_the_remote_party(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = (await tab.ok("dial", number="602 123 456", data={"crm": "lead-9"}))["uniqueid"]
        new = (await tab.event("callNew"))["call"]
        assert new["direction"] == "OUTGOING" and new["uniqueid"] == uniqueid
        assert new["number"] == "602 123 456" and new["called_number_norm"] == CALLER
        assert new["data"] == {"crm": "lead-9"}
        await tab.event("callRinging")
        assert (await tab.refused("dial", number="777000111"))["code"] == "callInProgress"
        status, body = admin(gw, "POST", f"/admin/calls/{uniqueid}/answer")
        assert status == 200 and body["call"]["state"] == 3
        assert (await tab.event("callConnect"))["call"]["state"] == 3
        status, _ = admin(gw, "POST", f"/admin/calls/{uniqueid}/hangup")
        assert status == 200
        hangup = (await tab.event("callHangup"))["call"]
        assert hangup["cause"] == 4  # the called party (the remote) hung up
        assert (await tab.ok("state"))["user"]["out_calls_answered"] == 1

    run(scenario())


def test_consultative_transfer_hands_the_caller_to_the_consulted_agent(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        alice, bob = await ready_tab(gw, "alice"), await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        await alice.ok("transfer", number="2002")
        assert (await alice.event("callHold"))["call"]["state"] == 5
        consult = (await bob.event("callRinging"))["call"]
        assert consult["caller_username"] == "alice" and consult["direction"] == "INCOMING"
        await bob.ok("answer")
        await bob.event("callConnect")
        await alice.ok("finishTransfer")
        causes = [(await alice.event("callHangup"))["call"]["cause"] for _ in range(2)]
        assert causes == [8, 8]
        bob_call = (await bob.event("callConnect"))["call"]
        assert CALLER in (bob_call["caller_number"], bob_call["connected_number"]), bob_call
        assert (await alice.ok("state"))["user"]["transferred"] == 1

    run(scenario())


def test_blind_transfer_to_an_agent_and_to_an_external_number(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        alice, bob = await ready_tab(gw, "alice"), await ready_tab(gw, "bob")
        await answered_call(gw, alice, "user=alice")
        await alice.ok("blindTransfer", number="2002")
        assert (await alice.event("callHangup"))["call"]["cause"] == 8
        ringing = (await bob.event("callRinging"))["call"]
        assert ringing["caller_number"] == CALLER
        await bob.ok("answer")
        await bob.event("callConnect")
        await bob.ok("blindTransfer", number="00420777123456")
        assert (await bob.event("callHangup"))["call"]["cause"] == 8
        assert (await bob.ok("state"))["user"]["transferred_external"] == 1
        _, body = admin(gw, "GET", "/admin/calls")
        assert body["calls"] == []

    run(scenario())


# ---------------------------------------------------------------- tabs, resume, acks


def test_two_tabs_of_one_user_get_every_event_with_the_same_seq_and_one_primary(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        first = await ready_tab(gw)
        second = await Tab.open(gw)
        await second.ok("login", username="alice", password="alice")
        await second.event("user")
        assert (await second.event("ready"))["state"]["status"] == "READY"  # already paired: straight to READY
        assert (await first.event("primary")) == {"primary": True, "tabs": 2}
        assert (await second.event("primary")) == {"primary": False, "tabs": 2}

        inbound_call(gw, "user=alice")
        one, two = await first.message("callRinging"), await second.message("callRinging")
        assert one == two
        await second.ok("answer")  # any tab may act for the user
        assert (await first.message("callConnect")) == (await second.message("callConnect"))
        await first.ok("hangup")
        assert (await first.message("callHangup")) == (await second.message("callHangup"))
        assert first.seqs[-3:] == second.seqs[-3:]

        await first.close()
        assert (await second.event("primary")) == {"primary": True, "tabs": 1}

    run(scenario())


def test_a_connection_cut_mid_call_resumes_with_nothing_lost(agent_gateway):
    gw = agent_gateway(settings={"acwSeconds": 1})

    async def scenario():
        tab = await ready_tab(gw)
        uniqueid = await answered_call(gw, tab, "user=alice")
        last_seen = tab.seqs[-1]
        tab.ws.transport.abort()  # no close frame: the network went away
        await asyncio.sleep(0.2)
        admin(gw, "POST", f"/admin/calls/{uniqueid}/hangup")  # the caller hangs up meanwhile
        await asyncio.sleep(1.5)  # ACW ends meanwhile too

        back = await Tab.open(gw)
        back.seqs = [last_seen]
        result = await back.ok("attach", lastSeq=last_seen, token=tab.token)
        assert result == {"state": "READY", "lastSeq": last_seen + 3, "complete": True}
        assert (await back.event("callHangup"))["call"]["cause"] == 3  # the caller hung up
        assert (await back.event("stateChange"))["status"] == "ACW"
        assert (await back.event("stateChange"))["status"] == "READY"
        assert back.seqs == list(range(last_seen, last_seen + 4))

    run(scenario())


def test_attach_past_the_replay_window_gets_a_fresh_state(agent_gateway):
    gw = agent_gateway(replayEvents=2)

    async def scenario():
        tab = await ready_tab(gw)
        await tab.close()
        for status in ("AUX", "READY", "AUX", "READY"):
            other = await Tab.open(gw)
            await other.ok("attach", lastSeq=0, token=tab.token)
            await other.ok("changeStatus", status=status, reason="Porada" if status == "AUX" else None)
            await other.close()
        back = await Tab.open(gw)
        result = await back.ok("attach", lastSeq=1, token=tab.token)
        assert result["complete"] is False
        state = (await back.event("ready"))["state"]
        assert state["lastSeq"] == result["lastSeq"] and state["status"] == "READY"
        refused = await (await Tab.open(gw)).refused("attach", lastSeq=0, token=tab.token[:-2] + "xx")
        assert refused["code"] == "loginFailed"

    run(scenario())


def test_unacknowledged_ringing_is_resent_once_then_the_agent_is_unreachable(agent_gateway):
    gw = agent_gateway(ackTimeoutMilliseconds=400, ackResends=1)

    async def scenario():
        tab = await ready_tab(gw)
        tab.auto_ack = False
        inbound_call(gw, "user=alice")
        first = await tab.message("callRinging")
        again = await tab.message("callRinging", timeout=3)
        assert again == first
        hangup = (await tab.event("callHangup", timeout=3))["call"]
        assert hangup["uniqueid"] == first["data"]["call"]["uniqueid"]
        change = await tab.event("stateChange")
        assert change == {"status": "AUX", "reason": "unreachable"}
        # Metrics are published at the hub's tick, just after the event left: poll briefly.
        name = 'callgate_route_events_total{channel="ws",event="agent_unreachable"}'
        deadline = time.monotonic() + 2
        while metric(gw, name) != 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert metric(gw, name) == 1

    run(scenario())


def test_dial_with_one_idempotency_key_from_two_tabs_places_one_call(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        first = await ready_tab(gw)
        second = await Tab.open(gw)
        await second.ok("attach", lastSeq=first.seqs[-1] if first.seqs else 0, token=first.token)
        one = await first.ok("dial", number="602123456", idempotencyKey="click-1")
        two = await second.ok("dial", number="602123456", idempotencyKey="click-1")
        assert one == two
        await first.event("callNew")
        assert "callNew" not in await first.quiet(0.5)
        _, body = admin(gw, "GET", "/admin/calls")
        assert len(body["calls"]) == 1

    run(scenario())


# ---------------------------------------------------------------- credentials


def openssl_sso_token(username, timestamp, secret=SSO_SECRET):
    """seeds/004: base64(sha1_raw(secret + username + timestamp) + username + timestamp), made with
    the openssl command, independently of the gateway's code."""
    digest = subprocess.run(["openssl", "dgst", "-sha1", "-binary"], input=(secret + username + str(timestamp)).encode(),
                            check=True, capture_output=True).stdout
    encoded = subprocess.run(["openssl", "base64", "-A"], input=digest + f"{username}{timestamp}".encode(),
                             check=True, capture_output=True).stdout
    return encoded.decode()


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

        # A login from another address logs the first browser out (seeds/004 autologout).
        here = await ready_tab(gw, "bob", source="127.0.0.1")
        there = await Tab.open(gw, source="127.0.0.2")
        await there.ok("login", username="bob", password="bob")
        assert (await here.event("loginError"))["code"] == 3
        await here.event("credentials")
        assert (await here.refused("state"))["state"] == "CREDENTIALS"

        # autologout false (the bar's seeds/004 field): this login leaves the other browser be.
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


def agent_state(gw, user):
    return next(a for a in admin(gw, "GET", "/admin/agents")[1]["agents"] if a["username"] == user)["state"]


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


def status(gw):
    with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/status.json", timeout=5) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


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
