"""The Vodia popup link (docs/compatibility.md §2.1, docs/click-to-call.md §3) against the real binary: links
made here with hashlib (`pass = md5(user + linkSecret + destnumber + time + duration)`), the
answers of `GET /makecall/session`, and an agent tab that attaches with the token it gives: it
may call the link's number and nothing else, sends DTMF into the connected call (seen in
`GET /admin/calls`), and is closed when the link ends."""
import base64
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from agent_support import ADMIN_KEY, SSO_SECRET, Tab, admin, directory, ready_tab
from conftest import wait_metric
from route_support import SESSION_SECRET, closed_with, refused_status, run

ALICE_SECRET = "DEMO-ONLY-alice-link-secret"  # the sample directory's demo value
CAROL_SECRET = "carol-link-secret-0123456789"
MAX_DURATION = 3600
DEST = "602 123 456"      # as a CRM page writes it; the gateway reads it as +420602123456
NUMBER = "+420602123456"


@pytest.fixture
def vodia_gateway(start_gateway, tmp_path):
    """callgate with the sample directory (alice has the demo link secret); carol is disabled
    but has a link secret; bob has none. `clickToCall.linkMaxDurationSeconds` is 3600."""
    from conftest import CALLGATE

    def start(**agents):
        sample = directory(str(CALLGATE))
        carol = next(u for u in sample["users"] if u["username"] == "carol")
        carol.update(enabled=False, linkSecret=CAROL_SECRET)
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(sample))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "clickToCall": {"linkMaxDurationSeconds": MAX_DURATION},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}}}
        return start_gateway(config=config)

    return start


_used = set()


def link(dest=DEST, user="alice", secret=ALICE_SECRET, t=None, duration=600, lang=None, pass_=None):
    """The query of a makecall.htm link. Two links made in the same second for the same values
    would be the same single-use link, so each gets a time not used before (a second earlier)."""
    if t is None:
        t = int(time.time())
        while (dest, user, t, duration) in _used:
            t -= 1
    _used.add((dest, user, t, duration))
    digest = hashlib.md5(f"{user}{secret}{dest}{t}{duration}".encode()).hexdigest()
    pairs = [("destnumber", dest), ("user", user), ("pass", pass_ or digest), ("time", str(t)), ("duration", str(duration))]
    if lang:
        pairs.append(("lang", lang))
    return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)


def session(gw, query, method="GET"):
    """(status, headers, JSON body) of a /makecall/session request."""
    request = urllib.request.Request(f"http://127.0.0.1:{gw.http_port}/makecall/session?{query}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, dict(error.headers), json.loads(body) if body else None


def claims(token):
    """The five fields of a v1 session token (docs: SessionTokenSigner)."""
    payload = token.split(".")[1]
    fields = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().split("\n")
    return dict(zip(["user", "provider", "scope", "issued", "expires"], map(urllib.parse.unquote, fields)))


def counted(gw, event, expected, channel="makecall"):
    """Waits until the route event counter shows `expected` (the loops publish every 250 ms)."""
    return wait_metric(gw, f'callgate_route_events_total{{channel="{channel}",event="{event}"}}', expected)


def refused(gw, query, status, code, method="GET"):
    got, headers, body = session(gw, query, method)
    assert got == status, (query, got, body)
    assert headers.get("Cache-Control") == "no-store", headers
    if status == 401:
        assert headers.get("WWW-Authenticate") == 'Bearer realm="callgate"', headers
    assert body is not None and body["error"]["code"] == code, (query, body)
    return body


def test_session_endpoint_answers_a_good_link_once_and_refuses_the_rest(vodia_gateway):
    gw = vodia_gateway()
    now = int(time.time())

    # A good link: a token for alice, restricted to the number, valid until the link's end.
    query = link(t=now - 10, duration=600, lang="de")
    status, headers, body = session(gw, query)
    assert status == 200, body
    assert headers["Content-Type"] == "application/json" and headers["Cache-Control"] == "no-store", headers
    assert set(body) == {"token", "expires", "user", "destination", "sip"}, body
    assert body["sip"] is None, "no sip route: the popup calls from the agent's paired phone (docs/click-to-call.md §3.1)"
    assert body["user"] == "alice" and body["destination"] == NUMBER and body["expires"] == now - 10 + 600, body
    token = claims(body["token"])
    assert token["user"] == "alice" and token["scope"] == "makecall" and token["provider"] == "makecall:" + NUMBER, token
    assert int(token["expires"]) == now + 590 and abs(int(token["issued"]) - now) <= 5, token

    # Single use without a web phone: the same link again.
    assert refused(gw, query, 401, "replayed")["error"]["text"] == "credential already used"

    # A wrong pass, an unknown user, a user without a link secret and a disabled one: one answer.
    bodies = [refused(gw, link(pass_="0" * 32), 401, "badSignature"),
              refused(gw, link(user="eve", secret=ALICE_SECRET), 401, "badSignature"),
              refused(gw, link(user="bob", secret=ALICE_SECRET), 401, "badSignature"),
              refused(gw, link(user="carol", secret=CAROL_SECRET), 401, "badSignature"),
              refused(gw, link(secret="alice"), 401, "badSignature"),          # the login password is not the secret
              refused(gw, link(dest="602 123 457").replace("457", "456", 1), 401, "badSignature")]  # another number
    assert all(b == bodies[0] for b in bodies), bodies
    assert bodies[0] == {"error": {"code": "badSignature", "text": "invalid credential"}}

    # The window: ended, or not begun (beyond the 30 s clock skew).
    refused(gw, link(t=now - 700, duration=600), 401, "expired")
    refused(gw, link(t=now + 300, duration=600), 401, "notYetValid")
    status, _, body = session(gw, link(t=now + 10, duration=600))  # within the skew
    assert status == 200, body

    # The longest duration is clickToCall.linkMaxDurationSeconds; above it the link is refused
    # as malformed (400, with the reason), after its signature was checked.
    status, _, body = session(gw, link(duration=MAX_DURATION))
    assert status == 200, body
    assert "maximum of 3600 s" in refused(gw, link(duration=MAX_DURATION + 1), 400, "malformed")["error"]["text"]
    refused(gw, link(duration=MAX_DURATION + 1, pass_="1" * 32), 401, "badSignature")

    # Malformed links: 400 with the reason.
    good = urllib.parse.parse_qs(link(), keep_blank_values=True)
    def without(*names, **values):
        pairs = [(k, v[0]) for k, v in good.items() if k not in names] + list(values.items())
        return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
    assert "pass" in refused(gw, without("pass"), 400, "invalidParameter")["error"]["text"]
    refused(gw, without("pass", **{"pass": "xyz"}), 400, "malformed")
    refused(gw, without("time", time="0" + good["time"][0]), 400, "malformed")
    refused(gw, without("duration", duration="-5"), 400, "malformed")
    refused(gw, without("destnumber"), 400, "missingNumber")
    # The number plan reads the number only once the signature is good (issue 18): a good link
    # for no number or an unknown extension is 400, the same number in a forged link 401.
    refused(gw, link(dest="0800 CALL ME"), 400, "invalidNumber")
    refused(gw, link(dest="2999"), 400, "unknownExtension")
    refused(gw, link(dest="2999", pass_="2" * 32), 401, "badSignature")
    refused(gw, without(extra="1"), 400, "unknownParameter")
    refused(gw, without("lang", lang="not a tag"), 400, "invalidParameter")
    refused(gw, query + "&pass=" + "0" * 32, 400, "repeatedParameter")
    refused(gw, "destnumber=%zz", 400, "undecodableQuery")

    # No credentials at all: the popup logs in instead; the endpoint has nothing to check.
    refused(gw, "destnumber=602123456", 401, "missingCredential")

    # GET only (HEAD must not use up a link): 405 with Allow.
    fresh = link()
    for method in ("POST", "HEAD", "PUT"):
        got, headers, _ = session(gw, fresh, method)
        assert got == 405 and headers.get("Allow") == "GET", (method, got, headers)
    status, _, body = session(gw, fresh)  # still unused
    assert status == 200, body

    # Counted and logged, without the pass.
    counted(gw, "session_opened", 4)
    counted(gw, "refused_badSignature", 8)
    counted(gw, "refused_replayed", 1)
    counted(gw, "refused_expired", 1)
    counted(gw, "refused_methodNotAllowed", 3)
    log = gw.log
    assert log.count("vodia_link_refused") >= 20, log[-3000:]
    assert "vodia_link_refused" in log and "code=replayed" in log and "code=notYetValid" in log
    assert good["pass"][0] not in log and "0" * 32 not in log


async def popup_tab(gw, query):
    """A tab that attaches with the token of `query`'s link and pairs alice's phone: READY."""
    status, _, body = session(gw, query)
    assert status == 200, body
    tab = await Tab.open(gw)
    attached = await tab.ok("attach", lastSeq=0, token=body["token"])
    if attached["state"] != "READY":
        assert attached == {"state": "IDENTIFY", "lastSeq": attached["lastSeq"], "complete": False}, attached
        assert (await tab.event("user"))["user"]["firstname"] == "Alena"
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        await tab.event("ready")
    tab.buffer.clear()
    return tab, body


def test_a_link_session_calls_its_number_only_and_sends_dtmf(vodia_gateway):
    gw = vodia_gateway()

    async def scenario():
        tab, body = await popup_tab(gw, link())
        assert (await tab.ok("state"))["status"] == "READY"

        # Another number, in any form, is refused before it reaches the Switchboard.
        for number in ("602123457", "+421602123456", "2002", "800100100"):
            error = await tab.refused("dial", number=number)
            assert error == {"code": "restricted", "text": f"a session opened by a click-to-call link may call only {NUMBER}"}, error
        # So are the methods the popup does not need.
        for method, params in [("logout", {}), ("changeStatus", {"status": "AUX"}), ("callHistory", {}),
                               ("transfer", {"number": "602123457"}), ("notify", {"title": "x"}), ("answer", {})]:
            error = await tab.refused(method, **params)
            assert error["code"] == "restricted" and method in error["text"], (method, error)
        status, calls = admin(gw, "GET", "/admin/calls")
        assert calls["calls"] == [], calls

        # Its own number, as the popup dials it (and in another spelling of the same number).
        assert (await tab.refused("dtmf", digits="1"))["code"] == "noActiveCall"
        uniqueid = (await tab.ok("dial", number=body["destination"]))["uniqueid"]
        assert (await tab.event("callNew"))["call"]["uniqueid"] == uniqueid
        ringing = (await tab.event("callRinging"))["call"]
        assert ringing["uniqueid"] == uniqueid and ringing["number"] == NUMBER and ringing["state"] == 2, ringing
        assert (await tab.refused("dtmf", digits="1"))["code"] == "notConnected"

        status, answered = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(uniqueid)}/answer")
        assert status == 200, answered
        await tab.event("callConnect")
        await tab.ok("dtmf", digits="12")
        await tab.ok("dtmf", digits="#")
        assert (await tab.refused("dtmf", digits="x"))["code"] == "invalidParams"
        _, listing = admin(gw, "GET", "/admin/calls")
        leg = next(c for c in listing["calls"] if c["uniqueid"] == uniqueid)
        assert leg["dtmf"] == "12#" and leg["state"] == 3, leg
        await tab.ok("hangup")
        assert (await tab.event("callHangup"))["call"]["cause"] == 3
        assert "dtmf" not in ringing and "dtmf" not in ringing["data"]  # the agents' Call object is the guide's

        # A second call to the same number in another spelling is the same number.
        uniqueid = (await tab.ok("dial", number="00420 602-123-456"))["uniqueid"]
        await tab.event("callRinging")
        admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(uniqueid)}/hangup")
        assert (await tab.event("callHangup"))["call"]["cause"] == 4

        # alice's own bar, logged in with her password, is not restricted; the popup cannot
        # control that call.
        bar = await Tab.open(gw)
        await bar.ok("login", username="alice", password="alice")
        await bar.event("ready")  # alice is READY already (the popup paired her phone)
        other = (await bar.ok("dial", number="777000111"))["uniqueid"]
        await bar.event("callRinging")
        admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(other)}/answer")
        await bar.event("callConnect")
        assert (await tab.refused("hangup"))["code"] == "restricted"
        assert (await tab.refused("dtmf", digits="5"))["code"] == "restricted"
        await bar.ok("dtmf", digits="5")
        await bar.ok("hangup")
        _, listing = admin(gw, "GET", "/admin/calls")
        assert listing["calls"] == [], listing
        await bar.close()

        # The token opens nothing else: not the report channel, not /callto's session cookie.
        status, _ = await refused_status(f"ws://127.0.0.1:{gw.http_port}/report?access_token={body['token']}")
        assert status == 401
        request = urllib.request.Request(f"http://127.0.0.1:{gw.http_port}/callto?number=777000111",
                                         headers={"Cookie": f"callgate_session={body['token']}"})
        with pytest.raises(urllib.error.HTTPError) as callto:
            urllib.request.urlopen(request, timeout=5)
        assert callto.value.code == 401
        await tab.close()

    run(scenario())
    counted(gw, "restricted", 12, channel="ws")


def test_a_tab_that_logs_in_after_a_link_session_is_no_longer_restricted(vodia_gateway):
    gw = vodia_gateway()

    async def scenario():
        tab, _ = await popup_tab(gw, link())
        await tab.ok("identify")  # allowed: the popup may change the phone
        await tab.event("identify")
        # Logged out by alice's bar (a logout signs the user out): the tab may log in with the
        # password, and that session is a normal one.
        bar = await ready_tab(gw, "alice")
        await bar.ok("logout")
        await tab.event("credentials")
        tab.buffer.clear()  # the device and ready events of the bar's pairing
        await tab.ok("login", username="alice", password="alice")
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.ok("provision")
        await tab.event("ready")
        uniqueid = (await tab.ok("dial", number="777000111"))["uniqueid"]
        assert uniqueid
        await tab.ok("hangup")
        await tab.close()
        await bar.close()

    run(scenario())


def test_the_link_session_ends_with_the_link(vodia_gateway):
    gw = vodia_gateway()

    async def scenario():
        tab, body = await popup_tab(gw, link(t=int(time.time()), duration=3))
        assert body["expires"] - time.time() <= 3
        code, _, _ = await closed_with(tab.ws, timeout=10)
        assert code == 4003  # credential expired: the bar drops the token
        # An expired token attaches no more.
        again = await Tab.open(gw)
        error = await again.refused("attach", lastSeq=0, token=body["token"])
        assert error["code"] == "loginFailed"
        assert (await again.event("loginError"))["code"] == 7
        await again.close()

    run(scenario())


def test_dtmf_needs_ready_and_a_connected_call(vodia_gateway):
    gw = vodia_gateway()

    async def scenario():
        tab = await Tab.open(gw)
        error = await tab.refused("dtmf", digits="1")
        assert error["code"] == "wrongState" and error["state"] == "CREDENTIALS", error
        bob = await ready_tab(gw, "bob")
        assert (await bob.refused("dtmf", digits="1"))["code"] == "noActiveCall"
        status, placed = admin(gw, "POST", "/admin/calls?from=%2B420777000111&user=bob")
        assert status == 201, placed
        await bob.event("callRinging")
        assert (await bob.refused("dtmf", digits="1"))["code"] == "notConnected"
        await bob.ok("answer")
        await bob.event("callConnect")
        assert (await bob.refused("dtmf", digits="1" * 33))["param"] == "digits"
        await bob.ok("dtmf", digits="0123456789*#ABCD")
        _, listing = admin(gw, "GET", "/admin/calls")
        assert [c["dtmf"] for c in listing["calls"]] == ["0123456789*#ABCD"], listing
        await bob.ok("hold")
        assert (await bob.refused("dtmf", digits="1"))["code"] == "notConnected"
        await bob.close()
        await tab.close()

    run(scenario())
