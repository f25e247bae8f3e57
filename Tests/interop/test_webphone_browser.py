"""The web phone in the agent bar and in the click-to-call popup (docs/operator.md §14,
docs/click-to-call.md §3.3–§3.4), all real parts: two headless Chromium instances with fake
media devices, the release `callgate` with a `sip` route to Kamailio (deploy/kamailio, started by
Tests/interop/kamailio.py with GATEWAY_ADDR so that it believes Callgate's X-Callgate-User).

Over 400 lines on purpose: one end-to-end setup (two browsers, Kamailio, the gateway, a CRM
origin) that its scenarios share.

- alice's CRM page is another origin (http://localhost:PORT, served here) that embeds the bar as
  docs/compatibility.md §1.1 shows (pages/crm.html with `gateway=`): the bar pairs the directory's web phone
  (identifier `webphone:sip:2001@callgate.test`), loads public/phone/ from the gateway and
  registers through the `sip` route with its session token.
- bob's popup (makecall.htm with a signed link to 2001) runs in the other browser and calls from
  the browser itself.

What is asserted is what each side experiences: the CRM page's callbacks and their Call fields,
the bar's DOM hooks, getStats() audio packet counters on both sides, DTMF heard as tones in
alice's audio, the popup's views, Kamailio's bindings and Callgate's metrics. The callbacks and
their Call objects are the gateway's: its SIP edge follows the dialogs it relays and delivers the
call events on /ws (docs/sip-edge.md §3); the phone's own events only ring and mute (webphone.js).

alice's session sending REGISTER or INVITE as another user is refused 403 by Callgate: that is
test_sip_kamailio.py's and test_sip_route.py's (not repeated here)."""
import functools
import hashlib
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from conftest import CALLGATE, ROOT, metric
from devtools import CHROMIUM, Chromium
from kamailio import kamailio  # noqa: F401 (a fixture)
from agent_support import SSO_SECRET, directory
from bar_support import PROVIDER, Bar, sso_token, wait_until
from media_support import DETECTOR, MEDIA_FLAGS
from popup_support import open_popup, opener, wait_closed
from route_support import SESSION_SECRET
from sip_support import DOMAIN

pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")

WEB_PHONE = f"webphone:sip:2001@{DOMAIN}"
BOB_SECRET = "DEMO-ONLY-bob-link-secret"
PAGES = ROOT / "Tests" / "interop" / "pages"
WAIT = 20.0


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def agent_chromium():
    browser = Chromium(extra_args=MEDIA_FLAGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def popup_chromium():
    """The second browser: the click-to-call popup's."""
    browser = Chromium(extra_args=MEDIA_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def contexts(agent_chromium, popup_chromium):
    """contexts(browser) makes a context of 'agent' or 'popup'; their pages must not throw."""
    made = []

    def make(which="agent"):
        context = (agent_chromium if which == "agent" else popup_chromium).new_context()
        made.append(context)
        return context

    yield make
    try:
        for context in made:
            context.check()
    finally:
        for context in made:
            context.close()


@pytest.fixture(scope="module")
def crm_origin():
    """pages/ served on http://localhost:PORT: the CRM, another origin than the gateway's."""
    handler = functools.partial(QuietHandler, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def webphone_directory():
    """The sample directory with alice's phone a web phone (SIP user 2001) and a link secret for bob."""
    sample = directory(str(CALLGATE), sipDomain=DOMAIN)
    users = {u["username"]: u for u in sample["users"]}
    users["alice"]["sip"] = f"sip:2001@{DOMAIN}"
    users["bob"]["linkSecret"] = BOB_SECRET
    sample["devices"] = [d for d in sample["devices"] if d["id"] != "alice-phone"] + [
        {"id": "alice-web", "name": "Web phone", "extension": 2001, "owner": "alice", "identifiers": [WEB_PHONE]}]
    return sample


@pytest.fixture
def webphone_gateway(start_gateway, tmp_path, kamailio):
    """Kamailio, and callgate serving public/ with a `sip` route to it; returns (gateway, kamailio)."""
    server = kamailio(GATEWAY_ADDR='"127.0.0.1"')
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(webphone_directory()))
    config = {"agents": {"directory": str(path)},
              "auth": {"sessionSecret": SESSION_SECRET,
                       "sso": {"providers": {PROVIDER: SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
              "routes": {"ws": {"origins": "*"},
                         "sip": {"backend": server.ws_url + "/", "mode": "sip", "origins": "*",
                                 "connectTimeoutMilliseconds": 2000, "retryAfterSeconds": 1}},
              "static": {"folder": str(ROOT / "public")}}
    return start_gateway(config=config), server


def signed_link(dest="2001", user="bob", secret=BOB_SECRET, duration=600):
    t = int(time.time())
    digest = hashlib.md5(f"{user}{secret}{dest}{t}{duration}".encode()).hexdigest()
    return "/makecall.htm?" + urllib.parse.urlencode(
        [("destnumber", dest), ("user", user), ("pass", digest), ("time", str(t)), ("duration", str(duration))])


def agent_tab(context, gw, crm_origin, name, audio=None):
    """alice's CRM tab (another origin), signed in by SSO, paired with the web phone by the URL."""
    query = {"gateway": f"http://127.0.0.1:{gw.http_port}", "user": "alice", "sso": sso_token("alice"),
             "identifier": WEB_PHONE, "lang": "en"}
    if audio:
        query["audio"] = json.dumps(audio)
    bar = Bar(context.new_page(name)).open(f"{crm_origin}/crm.html?" + urllib.parse.urlencode(query))
    bar.callback("onReady")
    return bar


def phone_state(bar):
    return bar.page.evaluate("window.ucsOperator.webPhone && window.ucsOperator.webPhone.state")


def wait_registered(bar, timeout=WAIT):
    bar.page.wait_for("window.ucsOperator.webPhone && window.ucsOperator.webPhone.state === 'registered'", timeout=timeout,
                      message="alice's web phone did not register",
                      diagnostics="[JSON.stringify(window.ucsOperator.webPhone && {state: window.ucsOperator.webPhone.state,"
                                  " error: window.ucsOperator.webPhone.error}), (window.crmLog || []).filter(e => e.name"
                                  " === 'onDebug').slice(-12).map(e => e.args[0].slice(0, 200))]")


def inbound(page, expression):
    return page.evaluate(f"{expression}.stats().then(s => s ? s.inbound.packets : -1)")


ALICE_PHONE = "window.ucsOperator.webPhone.phone"
BOB_PHONE = "window.makecallPhone"


CALL_CARD = """(() => { const card = document.querySelector('[data-ucs-call]');
  if (!card) return null;
  const { ucsCall, ...data } = card.dataset;
  return { data, name: card.querySelector('.ucs-call-name')?.textContent, meta: card.querySelector('.ucs-call-meta')?.textContent,
           actions: [...card.querySelectorAll('[data-ucs-action]')].map(b => b.dataset.ucsAction + (b.getAttribute('aria-pressed') === 'true' ? '*' : '')) };
})()"""


def call_card(bar):
    """The bar's call card as the agent sees it (its data-ucs-* hooks, name, state line, buttons; the
    running duration left out), or None."""
    return bar.page.evaluate(CALL_CARD)


def same_call_card(tabs, **expected):
    """Waits until every tab's call card has the `expected` data-ucs-* values and all show the
    same; returns it."""
    shown = []

    def cards():
        shown[:] = [call_card(tab) for tab in tabs]
        ok = shown[0] is not None and all(c == shown[0] for c in shown) and all(
            shown[0]["data"].get(k) == v for k, v in expected.items())
        return shown[0] if ok else None
    try:
        return wait_until(cards, f"the same call card in every tab with {expected}", timeout=5)
    except AssertionError as error:
        raise AssertionError(f"{error}; shown: {shown}") from None


def growth(sides, seconds=1.0, settle=0.0):
    """Audio packets received by each (page, phone expression) during `seconds`."""
    time.sleep(settle)
    before = [inbound(page, phone) for page, phone in sides]
    time.sleep(seconds)
    return [inbound(page, phone) - b for (page, phone), b in zip(sides, before)]


# ---------------------------------------------------------------- the call


def test_popup_calls_the_agents_web_phone_audio_hold_dtmf_hangup_and_every_callback(webphone_gateway, crm_origin, contexts):
    """Each call callback fires once, in both tabs, with the gateway's Call object of the call
    (docs/operator.md §14.3): one uniqueid (the SIP Call-ID), id and call_guid throughout; the
    fields asserted are direction, state, number, caller_number, called_number,
    connected_number, connected_username, created, connected, disconnected, cause, and the
    phone's mute as connected_muted on the gateway's Call."""
    gw, server = webphone_gateway
    alice_context = contexts("agent")
    alice = agent_tab(alice_context, gw, crm_origin, "alice", audio={"echoCancellation": False})
    wait_registered(alice)
    assert [c["Instance"] is not None for c in server.contacts("2001")] == [True], "one binding, with an RFC 5626 instance"
    ready = alice.callback("onReady")[0][0]
    assert ready["device"]["identifier"] == WEB_PHONE and ready["device"]["id"] == "alice-web"
    # the bar shows the phone's state; audioInputConstraints went to getUserMedia (checked at the call)
    alice.page.wait_for("document.querySelector('[data-ucs-webphone]')?.dataset.ucsWebphone === 'registered'")
    second = agent_tab(alice_context, gw, crm_origin, "alice-2")
    assert second.page.evaluate("window.ucsOperator.webPhone.state") == "elsewhere", "only the primary tab holds the phone"
    assert len(server.contacts("2001")) == 1

    # bob's popup, in the other browser, from a signed link: the call goes out from that browser
    popup_context = contexts("popup")
    popup = open_popup(popup_context, opener(popup_context, gw), signed_link(), "bob-popup")
    ringing = alice.callback("onCallRinging")[0][0]
    assert (ringing["direction"], ringing["state"], ringing["number"], ringing["cause"]) == ("INCOMING", 2, "bob", -1), ringing
    assert (ringing["caller_number"], ringing["called_number"], ringing["connected"]) == ("bob", "2001", None), ringing
    assert isinstance(ringing["id"], int) and ringing["uniqueid"] and ringing["call_guid"][14] == "7", ringing
    assert alice.callback("onCallNew")[0][0]["uniqueid"] == ringing["uniqueid"]
    alice.page.wait_for("document.getElementById('ucsOperator').dataset.ucsRinging === 'true'",
                        message="the bar does not ring with the selected sound")
    assert alice.page.evaluate("window.ucsOperator.ringing") == "default"
    assert alice.page.evaluate("document.querySelector('[data-ucs-call]').dataset.ucsCallState") == "ringing"
    assert second.callback("onCallRinging")[0][0]["uniqueid"] == ringing["uniqueid"], "the other tab sees the call"
    assert second.page.evaluate("window.ucsOperator.ringing") is None, "and does not ring"
    card = same_call_card([alice, second], ucsCallState="ringing", ucsCallUniqueid=ringing["uniqueid"])
    assert card["name"] == "bob" and card["actions"] == ["answer", "hangup"], card
    alice.screenshot("webphone-alice-ringing")
    second.screenshot("webphone-alice-2-ringing")
    assert popup.evaluate("document.getElementById('makecall').dataset.mcCallState") in ("dialling", "ringing")

    # alice answers from her CRM: connected on both sides, audio both ways
    alice.method("answer")
    connected = alice.callback("onCallConnect")[0][0]
    assert connected["state"] == 3 and connected["connected"] >= connected["created"], connected
    assert (connected["connected_number"], connected["connected_username"], connected["id"]) == ("2001", "alice", ringing["id"])
    assert connected["call_guid"] == ringing["call_guid"]
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'connected'", message="the popup is not connected")
    second.callback("onCallConnect")
    assert alice.page.evaluate("document.getElementById('ucsOperator').dataset.ucsRinging") == "false"
    sides = [(alice.page, ALICE_PHONE), (popup, BOB_PHONE)]
    assert all(n > 20 for n in growth(sides)), "no audio while connected"
    settings = alice.page.evaluate(f"{ALICE_PHONE}.find().micTrack.getSettings()")
    assert settings.get("echoCancellation") is False, f"audioInputConstraints did not reach getUserMedia: {settings}"

    # hold and resume from the bar: the packets stop on both sides, then flow again
    alice.method("hold")
    held = alice.callback("onCallHold")[0][0]
    assert held["state"] == 5 and held["uniqueid"] == ringing["uniqueid"]
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'hold'", message="the popup does not show the hold")
    assert growth(sides, settle=0.5) == [0, 0], "packets still flowing on hold"
    second.callback("onCallHold")
    alice.method("unhold")
    assert alice.callback("onCallResume")[0][0]["state"] == 3
    assert all(n > 20 for n in growth(sides, settle=0.5)), "no audio after resume"

    # DTMF from the popup's keypad: heard as tones in alice's audio (RFC 4733 events played out)
    alice.page.evaluate(DETECTOR + f"; window.installDtmfDetector({ALICE_PHONE}.find().remoteAudio), true")
    for digit in "19#":
        popup.click(f"[data-mc-digit='{digit}']")
        time.sleep(0.35)
    alice.page.wait_for("window.dtmfHeard.join('') === '19#'", timeout=10, diagnostics="window.dtmfHeard",
                        message="the popup's tones were not heard")
    assert popup.evaluate("document.querySelector('[data-mc-sent]').textContent").endswith("19#")

    # mute is a toggle on alice's microphone: the phone's, on the gateway's Call, in both tabs
    alice.method("mute")
    muted = alice.callback("onCallMute")[0][0]
    assert (muted["connected_muted"], muted["call_guid"], muted["state"]) == (True, ringing["call_guid"], 3), muted
    assert second.callback("onCallMute")[0][0]["connected_muted"] is True
    card = same_call_card([alice, second], ucsCallState="connected", ucsMuted="true")
    assert "mute*" in card["actions"], card
    alice.screenshot("webphone-alice-muted")
    second.screenshot("webphone-alice-2-muted")
    alice.method("mute")
    assert alice.callback("onCallUnmute")[0][0]["connected_muted"] is False
    second.callback("onCallUnmute")
    same_call_card([alice, second], ucsCallState="connected", ucsMuted="false")

    # alice hangs up: both calls end; the popup closes itself (the far end hung up)
    alice.method("hangup")
    ended = alice.callback("onCallHangup")[0][0]
    assert (ended["state"], ended["cause"]) == (4, 4) and ended["disconnected"] is not None, ended
    assert second.callback("onCallHangup")[0][0]["cause"] == 4
    popup.wait_for("document.getElementById('makecall').dataset.mcView === 'ended'", message="the popup's call did not end")
    assert popup.evaluate("document.querySelector('[data-mc-end-text]').textContent") == "The other side hung up."
    wait_closed(popup_context, popup)
    assert alice.page.evaluate("window.ucsOperator.state().call") is None
    assert second.page.evaluate("window.ucsOperator.state().call") is None
    for tab in (alice, second):
        calls = [e for e in tab.log() if e["name"].startswith("onCall")]
        names = [e["name"] for e in calls]
        assert names == ["onCallNew", "onCallRinging", "onCallConnect", "onCallHold", "onCallResume", "onCallMute",
                         "onCallUnmute", "onCallHangup"], names
        assert {(e["args"][0]["uniqueid"], e["args"][0]["call_guid"], e["args"][0]["id"]) for e in calls} == {
            (ringing["uniqueid"], ringing["call_guid"], ringing["id"])}, "one Call identity throughout, in every tab"
    assert metric(gw, 'callgate_route_events_total{channel="makecall",event="session_opened"}') == 1
    alice.page.screenshot("webphone-alice-after-call")


# ---------------------------------------------------------------- the popup's link and restriction


def get_session(gw, path, bearer=None):
    """GET /makecall/session with a popup link's query: (status, JSON body)."""
    query = path.split("?", 1)[1]
    request = urllib.request.Request(f"http://127.0.0.1:{gw.http_port}/makecall/session?{query}")
    if bearer:
        request.add_header("Authorization", f"Bearer {bearer}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_link_holds_for_its_duration_one_live_session_at_a_time_and_calls_only_its_number(webphone_gateway, contexts):
    """docs/click-to-call.md §3.1 and §3.4 with raw SIP over the sip route (Python websockets):
    the link gives a token again and again, but while one session holds it a second is refused
    (409 at /makecall/session and at the upgrade); the session may INVITE only the link's number
    and may not REGISTER (403 from Callgate, never reaching Kamailio)."""
    import asyncio
    from mock_sip_server import first, parse
    from route_support import client, recv, refused_status, run, session_token
    from sip_support import sip_request

    gw, server = webphone_gateway
    link = signed_link()
    status, granted = get_session(gw, link)
    assert status == 200, granted
    assert granted["destination"] == "2001" and granted["sip"] == {"path": "/sip", "aor": f"sip:bob@{DOMAIN}"}, granted
    url = f"ws://127.0.0.1:{gw.http_port}/sip?access_token={urllib.parse.quote(granted['token'])}"
    for channel in ("/ws", "/report"):
        status, _ = run_refused(refused_status, f"ws://127.0.0.1:{gw.http_port}{channel}?access_token={granted['token']}")
        assert status == 401, f"the popup's token opens {channel}"

    async def scenario():
        first_session = await client(url, subprotocols=["sip"]).__aenter__()
        assert first_session.subprotocol == "sip"
        status, body = get_session(gw, link)
        assert (status, body["error"]["code"]) == (409, "inUse"), body
        refused, _ = await refused_status(url, subprotocols=["sip"])
        assert refused == 409, "a second live session of the same link"

        async def exchange(text):
            await first_session.send(text)
            while True:
                reply = parse(await recv(first_session, timeout=10))
                if int(reply["start"].split()[1]) >= 200:
                    return reply
        text, _, _ = sip_request("REGISTER", f"sip:{DOMAIN}", "bob", "bob")
        reply = await exchange(text)
        assert reply["start"] == "SIP/2.0 403 Forbidden" and "cannot register" in first(reply, "warning"), reply
        text, _, _ = sip_request("INVITE", f"sip:2002@{DOMAIN}", "bob", "2002", body="v=0\r\n")
        reply = await exchange(text)
        assert reply["start"] == "SIP/2.0 403 Forbidden" and "may call only 2001" in first(reply, "warning"), reply
        # the link's own number passes on to Kamailio, which has nobody registered as 2001: its 480
        # (Callgate answers only 403, 400, 505 and 513 itself)
        text, _, _ = sip_request("INVITE", f"sip:2001@{DOMAIN}", "bob", "2001", body="v=0\r\n")
        reply = await exchange(text)
        assert reply["start"].startswith("SIP/2.0 480"), reply
        await first_session.close()
        await asyncio.sleep(0.3)
        # the session is over: the same link opens a new one (valid for its duration)
        status, again = get_session(gw, link)
        assert status == 200, again
        second_session = await client(f"ws://127.0.0.1:{gw.http_port}/sip?access_token={urllib.parse.quote(again['token'])}",
                                      subprotocols=["sip"]).__aenter__()
        await second_session.close()

    run(scenario(), timeout=60)
    assert metric(gw, 'callgate_route_events_total{channel="sip",event="sip_restricted"}') == 2
    assert metric(gw, 'callgate_route_events_total{channel="sip",event="makecall_link_in_use"}') == 1

    # a signed-in user (her session token as bearer, a plain link) gets a restricted token too
    status, body = get_session(gw, "/makecall.htm?destnumber=2001", bearer=session_token("bob"))
    assert status == 200 and body["sip"]["aor"] == f"sip:bob@{DOMAIN}" and body["user"] == "bob", body
    status, body = get_session(gw, "/makecall.htm?destnumber=2001", bearer=session_token("bob") + "x")
    assert status == 401, body


def run_refused(refused_status, url):
    """refused_status() of an upgrade, from synchronous code."""
    import asyncio
    return asyncio.run(refused_status(url))


# ---------------------------------------------------------------- failures


def binding(server, user="2001"):
    """The one binding of `user` (ul.dump) as (instance, WebSocket connection id, Call-ID, CSeq),
    or None: a REGISTER over a new connection changes the connection id."""
    contacts = server.contacts(user)
    assert len(contacts) <= 1, contacts
    return tuple(contacts[0][k] for k in ("Instance", "Tcpconn-Id", "Call-ID", "CSeq")) if contacts else None


def test_kamailio_down_503_and_backoff_then_registered_again_and_again_after_a_callgate_restart(webphone_gateway, crm_origin, contexts):
    """Kamailio stops: the sip session ends, each new connection gets 503 at the handshake (no
    101, counted as upstream_unreachable), the phone waits longer each time (its backoff, from
    the bar's onDebug), and registers again once Kamailio is back. Then callgate itself restarts
    on the same ports: the phone is registered again within 5 s."""
    gw, server = webphone_gateway
    alice = agent_tab(contexts("agent"), gw, crm_origin, "alice")
    wait_registered(alice)
    unreachable = 'callgate_route_events_total{channel="sip",event="upstream_unreachable"}'

    server.stop()
    wait_until(lambda: metric(gw, unreachable) >= 3, "three refused reconnects (503)", timeout=30)
    delays = [int(e["args"][0].rsplit("again in ", 1)[1].split()[0]) for e in alice.log("onDebug")
              if "web phone: disconnected" in e["args"][0]]
    assert len(delays) >= 3, delays
    assert delays[1] >= delays[0] // 2 and delays[2] > delays[0], f"no backoff: {delays}"
    assert "upstream_unreachable" in gw.log and "status=503" in gw.log

    server.start()
    wait_until(lambda: binding(server) is not None, "a binding after Kamailio came back", timeout=40)
    assert phone_state(alice) == "registered"

    # callgate restarts on the same ports (its agent sessions are in memory: the bar signs in
    # and pairs again, and its phone starts over): registered again through the new process
    before = binding(server)
    command = gw.process.args
    gw.stop()
    started = time.monotonic()
    gw.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(gw.log_path, "ab"))
    after = wait_until(lambda: (lambda now: now if now and now[1] != before[1] else None)(binding(server)),
                       "the phone registered again through the new callgate", timeout=15)
    took = time.monotonic() - started
    print(f"registered again {took:.2f} s after callgate restarted")
    assert took < 5.0, f"registered again {took:.1f} s after the restart"
    assert after[0] == before[0], "the same RFC 5626 instance: its binding is replaced, not added"
    wait_registered(alice, timeout=5)


def test_the_phone_moves_to_the_next_primary_tab_when_the_tab_that_holds_it_closes(webphone_gateway, crm_origin, contexts):
    """Two tabs of alice: the primary one holds the phone; when it closes, the gateway makes the
    other primary and that tab registers (the same RFC 5626 instance, so Kamailio replaces the
    binding) and takes the next call."""
    gw, server = webphone_gateway
    context = contexts("agent")
    first = agent_tab(context, gw, crm_origin, "alice-1")
    wait_registered(first)
    instance = binding(server)[0]
    second = agent_tab(context, gw, crm_origin, "alice-2")
    assert phone_state(second) == "elsewhere"
    first.page.close()
    context.pages.remove(first.page)
    wait_registered(second)
    after = binding(server)
    assert after[0] == instance, "the same instance: one binding, replaced"
    popup_context = contexts("popup")
    popup = open_popup(popup_context, opener(popup_context, gw), signed_link(), "bob-popup")
    ringing = second.callback("onCallRinging")[0][0]
    assert ringing["direction"] == "INCOMING" and ringing["number"] == "bob"
    second.page.wait_for("window.ucsOperator.ringing === 'default'", message="the new primary tab does not ring")
    second.method("answer")
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'connected'", message="not connected")
    popup.click("[data-mc-action='hangup']")
    assert second.callback("onCallHangup")[0][0]["cause"] == 3, "the caller hung up"
    wait_closed(popup_context, popup)
