"""The web phone (public/phone/, docs/sip.md) in headless Chromium with fake media devices,
registered to the shipped Kamailio config (deploy/kamailio/, started by kamailio.py) directly
over ws on loopback. The page is public/phone/index.html served by callgate's static files;
each user is its own browser context (own localStorage: own RFC 5626 instance).

What is asserted is what the far side experiences: SIP events in both pages, getStats() audio
packet counters on both sides (growing while connected, standing still while held), DTMF heard
as tones in the receiver's audio (RFC 4733 events played out by WebRTC, recognised by
pages/dtmf-detector.js) and received as INFO, and Kamailio's registrations (ul.dump)."""
import json
import os
import time

import pytest

from conftest import CALLGATE, ROOT, Gateway
from devtools import CHROMIUM, Chromium
from kamailio import kamailio  # noqa: F401 (a fixture)
from media_support import DETECTOR, MEDIA_FLAGS

pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")

WAIT = 20.0


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium(extra_args=MEDIA_FLAGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def static(tmp_path_factory):
    """callgate serving public/ (the phone page) on loopback."""
    if not CALLGATE.exists():
        pytest.fail(f"{CALLGATE} is missing: swift build -c release (or set CALLGATE_BIN)")
    gateway = Gateway(tmp_path_factory.mktemp("static"), ["--public", str(ROOT / "public")])
    yield gateway
    gateway.stop()


@pytest.fixture
def contexts(chromium):
    """Browser contexts made during the test; their pages must not throw or log errors."""
    made = []

    def make():
        context = chromium.new_context()
        made.append(context)
        return context

    yield make
    try:
        for context in made:
            context.check()
    finally:
        for context in made:
            context.close()


class Phone:
    """One user's phone page, with helpers over window.phone and window.phoneEvents."""

    def __init__(self, context, static, server, user, password=None, **query):
        self.user = user
        self.page = context.new_page(user)
        params = {"url": server.ws_url, "user": user, "password": password or user, "start": "1", **query}
        url = f"http://127.0.0.1:{static.http_port}/phone/?" + "&".join(f"{k}={v}" for k, v in params.items())
        self.page.navigate(url)

    def evaluate(self, expression, timeout=WAIT):
        return self.page.evaluate(expression, timeout=timeout)

    def events(self, type_=None):
        events = self.evaluate("window.phoneEvents")
        return [e for e in events if type_ is None or e["type"] == type_]

    def wait_event(self, type_, count=1, where="true", timeout=WAIT):
        """Waits until `count` events of `type_` (matching the JS condition `where` on `e`) arrived; the last."""
        condition = f"window.phoneEvents.filter(e => e.type === {json.dumps(type_)} && ({where})).length >= {count}"
        self.page.wait_for(condition, timeout=timeout, message=f"{self.user}: {count}× {type_}",
                           diagnostics="window.phoneEvents.map(e => e.type + (e.status ? ' ' + e.status : ''))")
        return [e for e in self.events(type_)][-1]

    def registered(self):
        return self.wait_event("registered")

    def counters(self):
        return self.evaluate("window.phone.stats()")

    def inbound_packets(self):
        return self.counters()["inbound"]["packets"]


def growth(phones, seconds=1.0):
    """How many audio packets each phone received during `seconds`."""
    before = [p.inbound_packets() for p in phones]
    time.sleep(seconds)
    return [p.inbound_packets() - b for p, b in zip(phones, before)]


def settle_growth(phones, seconds=1.0, settle=0.5):
    time.sleep(settle)  # packets in flight when the re-INVITE finished
    return growth(phones, seconds)


def connect(caller, callee, target=None):
    """caller calls callee, callee answers: both connected. Returns the callee's ringing event."""
    caller.evaluate(f"window.phone.call({json.dumps(target or callee.user)}), true")
    ringing = callee.wait_event("callRinging")
    callee.evaluate("window.phone.answer()")
    caller.wait_event("callConnect")
    callee.wait_event("callConnect")
    return ringing


def test_call_with_audio_hold_dtmf_mute_and_hangup(kamailio, static, contexts):
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice")
    bob = Phone(contexts(), static, server, "bob")
    alice.registered(), bob.registered()
    assert len(server.contacts("alice")) == 1 and len(server.contacts("bob")) == 1

    # the page's own controls: alice dials, bob answers with the buttons
    alice.page.type("#target", "bob")
    alice.page.click("#dial")
    ringing = bob.wait_event("callRinging")
    bob.page.wait_for("!document.getElementById('answer').disabled")
    bob.page.click("#answer")
    alice.wait_event("callConnect")
    bob.wait_event("callConnect")
    assert ringing["call"]["direction"] == "INCOMING" and ringing["call"]["number"] == "alice"
    assert ringing["call"]["state"] == 2
    assert alice.wait_event("callRinging")["call"]["direction"] == "OUTGOING"
    connected = alice.events("callConnect")[-1]["call"]
    assert connected["state"] == 3 and connected["number"] == "bob" and connected["connected"] >= connected["created"]

    # audio flows both ways (the fake microphone sends 50 packets a second)
    assert all(n > 20 for n in growth([alice, bob])), "no audio while connected"

    alice.page.wait_for("document.getElementById('call-info').textContent === 'To bob: connected'")
    alice.page.screenshot("phone-alice-connected")

    # alice holds: sendonly with her microphone detached; bob answers recvonly: silence both ways
    alice.page.click("#hold")
    assert alice.wait_event("callHold")["by"] == "local"
    held = bob.wait_event("callHold")
    assert held["by"] == "remote" and held["call"]["remoteHeld"] is True
    assert alice.events("callHold")[-1]["call"]["state"] == 5
    assert settle_growth([alice, bob]) == [0, 0], "packets still flowing on hold"

    alice.page.wait_for("document.getElementById('hold').textContent === 'Resume'")
    bob.page.wait_for("document.getElementById('call-info').textContent.includes('held by the other side')")
    alice.page.click("#hold")
    alice.wait_event("callResume")
    assert bob.wait_event("callResume")["by"] == "remote"
    assert all(n > 20 for n in settle_growth([alice, bob])), "no audio after resume"

    # DTMF as RFC 4733 telephone-events: bob's browser plays them as tones, which bob hears
    bob.evaluate(DETECTOR + "; window.installDtmfDetector(document.getElementById('remote-audio')), true")
    assert alice.evaluate("window.phone.sendDtmf('159#', {durationMs: 200, gapMs: 150})") == "rfc4733"
    bob.page.wait_for("window.dtmfHeard.join('') === '159#'", timeout=10, diagnostics="window.dtmfHeard")
    # and as SIP INFO (application/dtmf-relay) the other way
    assert bob.evaluate("window.phone.sendDtmf('7*', {via: 'info'})") == "info"
    alice.wait_event("dtmf", 2)
    assert [(e["digit"], e["via"]) for e in alice.events("dtmf")] == [("7", "info"), ("*", "info")]

    # the keypad sends what is pressed
    alice.page.click("#keypad [data-tone='8']")
    alice.wait_event("dtmfSent", 2)
    bob.page.wait_for("window.dtmfHeard.join('') === '159#8'", timeout=10, diagnostics="window.dtmfHeard")

    # mute is a toggle and stops the microphone track, not the call
    alice.page.click("#mute")
    alice.wait_event("callMute")
    assert alice.evaluate("window.phone.find().micTrack.enabled") is False
    assert alice.evaluate("window.phone.mute()") is True
    alice.wait_event("callUnmute")
    assert alice.evaluate("window.phone.find().micTrack.enabled") is True

    # bob (called) hangs up: both calls end, cause 4 (called party hung up)
    bob.page.click("#hangup")
    for phone in (alice, bob):
        call = phone.wait_event("callHangup")["call"]
        assert call["state"] == 4 and call["cause"] == 4 and call["disconnected"] is not None
        assert phone.evaluate("window.phone.state().calls.length") == 0
    alice.page.screenshot("phone-alice-after-call")


def test_early_media_then_caller_cancels(kamailio, static, contexts):
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice")
    bob = Phone(contexts(), static, server, "bob")
    alice.registered(), bob.registered()

    alice.evaluate("window.phone.call('bob'), true")
    bob.wait_event("callRinging")
    assert bob.evaluate("window.phone.progress()") is True  # 183 with the answer
    progress = alice.wait_event("callProgress")
    assert progress["earlyMedia"] is True and progress["call"]["state"] == 2
    assert growth([alice])[0] > 20, "no early media before the answer"

    # alice gives up before bob answers: CANCEL, 487, both end with cause 3 (caller hung up)
    assert alice.evaluate("window.phone.hangup()") is True
    assert bob.wait_event("callHangup")["call"]["cause"] == 3
    assert alice.wait_event("callHangup")["call"]["cause"] == 3
    assert bob.evaluate("window.phone.state().calls.length") == 0


def test_busy_callee_and_unknown_user(kamailio, static, contexts):
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice")
    bob = Phone(contexts(), static, server, "bob")
    carol = Phone(contexts(), static, server, "carol")
    for phone in (alice, bob, carol):
        phone.registered()
    connect(alice, bob)
    # bob is in a call: carol's call gets 486 Busy Here, cause 1
    carol.evaluate("window.phone.call('bob'), true")
    ended = carol.wait_event("callHangup")
    assert ended["status"] == 486 and ended["call"]["cause"] == 1
    assert bob.wait_event("callRejected")["status"] == 486
    # nobody registered as dana: 480 from Kamailio, cause 6 (unavailable)
    carol.evaluate("window.phone.call('dana'), true")
    ended = carol.wait_event("callHangup", 2)
    assert ended["status"] == 480 and ended["call"]["cause"] == 6
    alice.evaluate("window.phone.hangup()")
    bob.wait_event("callHangup")


def test_blind_transfer(kamailio, static, contexts):
    """bob takes alice's call and transfers her to carol (REFER): alice calls carol, reports
    success by NOTIFY, bob hangs up; alice and carol talk."""
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice")
    bob = Phone(contexts(), static, server, "bob")
    carol = Phone(contexts(), static, server, "carol")
    for phone in (alice, bob, carol):
        phone.registered()
    connect(alice, bob)

    assert bob.evaluate("window.phone.blindTransfer('carol')") is True
    assert alice.wait_event("callTransferred")["target"] == "sip:carol@callgate.test"
    carol.wait_event("callRinging")
    carol.evaluate("window.phone.answer()")
    assert bob.wait_event("transferSucceeded")["status"] == 200
    assert bob.wait_event("callHangup")["call"]["cause"] == 8
    first = alice.wait_event("callHangup")["call"]
    assert first["cause"] == 8 and first["number"] == "bob"
    new = alice.wait_event("callConnect", where="e.call.number === 'carol'")["call"]
    assert new["referredBy"] == "sip:bob@callgate.test"
    assert all(n > 20 for n in growth([alice, carol])), "no audio between alice and carol"
    carol.evaluate("window.phone.hangup()")
    alice.wait_event("callHangup", 2)


def test_call_survives_a_reconnect_and_inactive_hold(kamailio, static, contexts):
    """alice's connection drops in a call: she registers again and refreshes the dialog's target
    with a re-INVITE (the old connection's alias is dead), so bob's BYE still reaches her. Her
    phone holds with `inactive` (hold=inactive): silence both ways as with sendonly."""
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice", hold="inactive")
    bob = Phone(contexts(), static, server, "bob")
    alice.registered(), bob.registered()
    connect(alice, bob)
    old = server.contacts("alice")[0]["Received"]

    assert alice.evaluate("window.phone.hold()") is True
    assert bob.wait_event("callHold")["by"] == "remote"
    assert settle_growth([alice, bob]) == [0, 0], "packets still flowing on inactive hold"
    assert alice.evaluate("window.phone.unhold()") is True
    bob.wait_event("callResume")

    alice.evaluate("window.phone.transport.drop(), true")
    alice.wait_event("disconnected")
    alice.wait_event("connected", 2)
    deadline = time.monotonic() + 10
    while server.contacts("alice")[0]["Received"] == old:
        assert time.monotonic() < deadline, "not registered again"
        time.sleep(0.1)
    # the target refresh: bob's dialog now points at alice's new connection
    bob.page.wait_for(f"window.phone.find().dialog.remoteTarget.includes('~{server.contacts('alice')[0]['Received'].split(':')[2].split(';')[0]}~')",
                      diagnostics="window.phone.find().dialog.remoteTarget")
    assert all(n > 20 for n in growth([alice, bob])), "media stopped after the reconnect"
    bob.evaluate("window.phone.hangup()")
    assert alice.wait_event("callHangup")["call"]["cause"] == 4


def test_wrong_password_is_refused_and_md5_works(kamailio, static, contexts):
    server = kamailio()
    carol = Phone(contexts(), static, server, "carol", password="not-carol")
    refused = carol.wait_event("registrationFailed")
    assert refused["status"] == 401
    time.sleep(1)
    assert carol.events("registered") == [] and len(carol.events("registrationFailed")) == 1  # no retry loop
    assert server.contacts("carol") == []
    assert carol.evaluate("document.getElementById('phone').dataset.registration") == "failed"

    # a server that challenges with MD5 (AUTH_ALGORITHM, RFC 8760's older algorithm)
    md5 = kamailio(AUTH_ALGORITHM='"MD5"')
    dana = Phone(contexts(), static, md5, "dana", log="1")
    dana.registered()
    assert len(md5.contacts("dana")) == 1
    assert any("algorithm=MD5" in c["text"] for c in dana.page.console if "Authorization" in c["text"])


def test_refresh_reconnect_and_server_restart_keep_one_binding(kamailio, static, contexts):
    """Registrations are refreshed before they expire; after the connection drops, and after
    Kamailio restarts (losing every binding), the phone registers again with the same RFC 5626
    instance, so the registrar holds exactly one binding for it."""
    server = kamailio()
    alice = Phone(contexts(), static, server, "alice", expires="5")
    alice.registered()
    [binding] = server.contacts("alice")
    instance = binding["Instance"]
    # refreshed at 85 % of the 5 s granted
    deadline = time.monotonic() + 8
    while server.contacts("alice")[0]["CSeq"] <= binding["CSeq"]:
        assert time.monotonic() < deadline, "registration not refreshed"
        time.sleep(0.25)

    # the connection drops: reconnect after the backoff, register the same instance again
    alice.evaluate("window.phone.transport.drop(), true")
    disconnected = alice.wait_event("disconnected")
    assert 500 <= disconnected["retryInMs"] <= 1000
    alice.wait_event("connected", 2)
    deadline = time.monotonic() + 5
    while server.contacts("alice")[0]["Received"] == binding["Received"]:
        assert time.monotonic() < deadline, "not registered over the new connection"
        time.sleep(0.1)
    [again] = server.contacts("alice")
    assert again["Instance"] == instance

    # Kamailio restarts: the phone backs off, comes back and registers
    server.stop()
    alice.wait_event("disconnected", 2)
    time.sleep(1.5)
    server.start()
    deadline = time.monotonic() + 15
    while not server.contacts("alice"):
        assert time.monotonic() < deadline, f"not registered after the restart: {alice.events()[-5:]}"
        time.sleep(0.2)
    [after] = server.contacts("alice")
    assert after["Instance"] == instance

    # a reload of the page keeps the instance (localStorage): still one binding
    alice.page.reload()
    alice.registered()
    time.sleep(0.5)
    [reloaded] = server.contacts("alice")
    assert reloaded["Instance"] == instance and reloaded["Received"] != after["Received"]
