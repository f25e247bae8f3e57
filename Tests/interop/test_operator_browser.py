"""The agent bar (public/operator.js) in Debian's headless `chromium`, driven through the
DevTools protocol (devtools.py), inside a CRM page written like the integration example of
docs/compatibility.md §1.1 (pages/crm.html: `window.ucsOperator = {config, callbacks}` then `<script
src="/operator.js">`). The gateway serves the page and the bar itself (`static.folder`), so the
bar finds its WebSocket from the page's URL, and the tests drive the outside world through the
admin API (docs/admin-api.md).

Every callback of the page appends {name, args} to `window.crmLog`; the tests assert on the
callbacks' arguments (the bar's Call, User and state objects, docs/compatibility.md §1.6, §1.7, §1.9), on what the gateway saw
(/admin/agents, /admin/calls, /metrics), and, for the GUI, on the DOM hooks of docs/operator.md,
with a screenshot of every state in $CALLGATE_ARTIFACTS/browser (default .build/artifacts/browser).
The GUI (not headless) is test_operator_ui.py; the harness is bar_support.py."""
import json
import time
import urllib.parse

import pytest

from agent_support import CALLER, admin
from bar_support import PROVIDER, Bar, agent, browser, call_shape, calls, certificate, chromium, crm_gateway, crm_url, ready_bar, sso_token, wait_until  # noqa: F401 (fixtures)
from conftest import metric


# ---------------------------------------------------------------- sign-in and pairing


def test_sso_pairs_the_device_by_url_or_by_selectIdentifier_and_goes_ready(crm_gateway, browser):
    gw = crm_gateway()

    # alice: the CRM's SSO in onCredentials, the identifier in the URL (identifyURL)
    alice, state = ready_bar(browser, gw, "alice")
    names = alice.names()
    for earlier, later in [("onConnect", "onCredentials"), ("onCredentials", "onUser"), ("onUser", "onDevice"),
                           ("onDevice", "onReady")]:
        assert names.index(earlier) < names.index(later), names
    assert "onLoginError" not in names and "onError" not in names, alice.log()
    assert alice.log("onConnect")[0]["args"] == ["4.0.0"]
    assert alice.log("onCredentials")[0]["args"] == []
    user = alice.log("onUser")[0]["args"][0]
    assert user["displayname"] == "Alena Nováková" and user["id"] == 1 and user["locale"] == "cs", user
    assert "100" in user["queues"] and user["queues"]["100"]["queue_id"] == 100, user
    assert alice.log("onIdentifier")[0]["args"] == ["web-alice"], alice.log("onIdentifier")
    device = alice.log("onDevice")[0]["args"][0]
    assert device["id"] == "alice-phone" and device["extension"] == 2001, device
    assert state["user"]["displayname"] == "Alena Nováková", state
    assert state["device"]["id"] == "alice-phone", state
    assert state["queues"]["100"]["name"] == "Podpora", state
    assert state["auxReasons"] == ["Oběd", "Porada", "Školení"], state
    assert state["call"] is None and state["reason"] is None, state
    assert agent(gw, "alice")["state"] == "READY" and agent(gw, "alice")["status"] == "READY"
    assert (alice.state())["status"] == "READY"
    # state() is the state object itself, synchronously (docs/compatibility.md §1.9)
    assert alice.page.evaluate("(() => { const s = window.ucsOperator.state(); return !!s && !(s instanceof Promise)"
                               " && s === window.ucsOperator.currentState && s.status === 'READY'; })()")

    # bob: no identifier in the URL; the CRM picks the phone with selectIdentifier in IDENTIFY
    bob = Bar(browser.new_page("bob")).open(crm_url(gw, headless="1", user="bob", sso=sso_token("bob"),
                                                    provider=PROVIDER))
    phones = bob.callback("onIdentify")[0][0]
    assert any("web-bob" in phone.get("identifiers", []) for phone in phones), phones
    assert "onDevice" not in bob.names() and agent(gw, "bob")["state"] == "IDENTIFY"
    bob.method("selectIdentifier", "web-bob")
    assert bob.callback("onDevice")[0][0]["id"] == "bob-phone"
    state = bob.callback("onReady")[0][0]
    assert state["status"] == "READY" and state["user"]["displayname"] == "Bohumil Dvořák", state
    assert agent(gw, "bob")["status"] == "READY"


# ---------------------------------------------------------------- calls


def test_dial_then_remote_answer_then_hangup_reach_the_callbacks(crm_gateway, browser):
    gw = crm_gateway()
    bar, _ = ready_bar(browser, gw)
    bar.method("dial", CALLER)
    new = bar.callback("onCallNew")[0][0]
    call_shape(new, direction="OUTGOING", number=CALLER, called_number=CALLER, caller_username="alice",
               connected=None, disconnected=None, cause=-1)
    assert new["state"] in (0, 1), new
    ringing = bar.callback("onCallRinging")[0][0]
    call_shape(ringing, direction="OUTGOING", number=CALLER, state=2, uniqueid=new["uniqueid"], cause=-1)

    # the external party answers (admin API), found by its uniqueid among the calls in progress
    legs = [c for c in calls(gw) if c["uniqueid"] == new["uniqueid"]]
    assert legs and legs[0]["state"] == 2, calls(gw)
    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(new['uniqueid'])}/answer")
    assert status == 200, body
    connected = bar.callback("onCallConnect")[0][0]
    call_shape(connected, direction="OUTGOING", number=CALLER, state=3, uniqueid=new["uniqueid"], disconnected=None)
    assert isinstance(connected["connected"], int) and connected["connected"] >= connected["created"], connected
    assert agent(gw, "alice")["call"] is not None

    bar.method("hangup")
    hangup = bar.callback("onCallHangup")[0][0]
    call_shape(hangup, direction="OUTGOING", state=4, uniqueid=new["uniqueid"], connected=connected["connected"])
    assert hangup["cause"] == 3, hangup  # the agent, who placed the call, hung up: "zavěsil volající"
    assert isinstance(hangup["disconnected"], int) and hangup["disconnected"] >= connected["connected"], hangup
    wait_until(lambda: not calls(gw), "the call to end in the Switchboard")
    order = [n for n in bar.names() if n.startswith("onCall")]
    assert order == ["onCallNew", "onCallRinging", "onCallConnect", "onCallHangup"], order


def test_inbound_queue_call_is_acked_by_the_page_so_the_agent_stays_reachable(crm_gateway, browser):
    ack_ms = 1500
    gw = crm_gateway(ackTimeoutMilliseconds=ack_ms, ackResends=1)
    bar, _ = ready_bar(browser, gw)
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
    assert status == 201, body
    uniqueid = body["uniqueid"]
    ringing = bar.callback("onCallRinging")[0][0]
    call_shape(ringing, direction="INCOMING", number=CALLER, caller_number=CALLER, state=2, uniqueid=uniqueid,
               connected=None, cause=-1)

    # without the page's ack the gateway would resend after 1.5 s and give up after 3 s
    time.sleep(2 * ack_ms / 1000 + 1.5)
    assert metric(gw, 'callgate_route_events_total{channel="ws",event="ringing_resent"}') == 0
    assert metric(gw, 'callgate_route_events_total{channel="ws",event="agent_unreachable"}') == 0
    assert "onCallHangup" not in bar.names(), bar.log()
    assert not [e for e in bar.log("onStateChange") if e["args"][0].get("status") == "AUX"], bar.log("onStateChange")
    assert [c["state"] for c in calls(gw) if c["uniqueid"] == uniqueid] == [2], calls(gw)
    assert agent(gw, "alice")["status"] == "READY"
    assert len(bar.log("onCallRinging")) == 1, bar.log("onCallRinging")

    bar.method("answer")
    connected = bar.callback("onCallConnect")[0][0]
    call_shape(connected, direction="INCOMING", state=3, uniqueid=uniqueid)
    assert connected["connected"] is not None, connected
    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(uniqueid)}/hangup")
    assert status == 200, body
    hangup = bar.callback("onCallHangup")[0][0]
    call_shape(hangup, direction="INCOMING", state=4, uniqueid=uniqueid, cause=3)  # the caller hung up
    assert hangup["disconnected"] is not None, hangup


def test_change_status_to_aux_with_a_reason_and_back(crm_gateway, browser):
    gw = crm_gateway()
    bar, _ = ready_bar(browser, gw, headless=False)
    bar.method("changeStatus", "AUX", "Oběd")
    change = bar.callback("onStateChange", "args[0].status === 'AUX'")[0][0]
    assert change["status"] == "AUX" and change["reason"] == "Oběd", change
    seen = agent(gw, "alice")
    assert (seen["status"], seen["reason"]) == ("AUX", "Oběd"), seen
    assert bar.state()["status"] == "AUX" and bar.state()["reason"] == "Oběd"
    bar.method("changeStatus", "READY")
    back = bar.callback("onStateChange", "args[0].status === 'READY'", count=1)[-1][0]
    assert back["status"] == "READY" and not back.get("reason"), back
    assert agent(gw, "alice")["status"] == "READY"


def test_two_tabs_of_one_user_receive_the_same_call_events(crm_gateway, browser):
    gw = crm_gateway()
    first, _ = ready_bar(browser, gw, name="alice-1")
    # the second tab signs in while the user is READY: the gateway takes it straight to READY
    second = Bar(browser.new_page("alice-2")).open(crm_url(gw, headless="1", user="alice", sso=sso_token("alice"),
                                                             provider=PROVIDER, identifier="web-alice"))
    assert second.callback("onReady")[0][0]["status"] == "READY"
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
    assert status == 201, body
    uniqueid = body["uniqueid"]
    for bar in (first, second):
        call_shape(bar.callback("onCallRinging")[0][0], direction="INCOMING", state=2, uniqueid=uniqueid)
    second.method("answer")  # from the mirror tab
    for bar in (first, second):
        assert bar.callback("onCallConnect")[0][0]["uniqueid"] == uniqueid
    first.method("hangup")
    for bar in (first, second):
        assert bar.callback("onCallHangup")[0][0]["state"] == 4

    def calls_seen(bar):
        return [(e["name"], e["args"][0]["uniqueid"], e["args"][0]["state"]) for e in bar.log() if e["name"].startswith("onCall")]
    assert calls_seen(first) == calls_seen(second), (first.log(), second.log())
    assert [seen for seen in calls_seen(first) if seen[0] != "onCallNew"] == [
        ("onCallRinging", uniqueid, 2), ("onCallConnect", uniqueid, 3), ("onCallHangup", uniqueid, 4)]
    assert agent(gw, "alice")["status"] == "READY"


RELOAD_CASES = [
    pytest.param({"sign_in": "login"}, id="password-login"),
    pytest.param({"sign_in": "sso", "disableIntegratedAutoLogout": "1"}, id="sso-without-integrated-autologout"),
    # the bar's integrated auto logout (docs/compatibility.md §1.2 `disableIntegratedAutoLogout`) (sso with a provider): the bar asks for logoutOnClose, so
    # the gateway signs the agent out only if no tab attaches within agents.closedLogoutSeconds.
    pytest.param({"sign_in": "sso"}, id="sso-with-integrated-autologout"),
]


@pytest.mark.parametrize("sign_in", RELOAD_CASES)
def test_reloaded_page_resumes_without_login_and_gets_the_events_it_missed(crm_gateway, browser, sign_in):
    gw = crm_gateway()
    bar, state = ready_bar(browser, gw, **sign_in)
    logins = wait_until(lambda: metric(gw, 'callgate_route_events_total{channel="ws",event="logged_in"}'),
                        "the login in /metrics (published at the next tick)")
    page = bar.page
    # Hold operator.js back while the page reloads: the old document and its WebSocket are gone,
    # the new one has not connected yet. A whole call rings and ends in that gap.
    page.send("Fetch.enable", {"patterns": [{"urlPattern": "*operator.js*", "requestStage": "Request"}]})
    try:
        loaded = page.reload(ignore_cache=True, wait=False)
        held = page.wait_event("Fetch.requestPaused")
        status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
        assert status == 201, body
        uniqueid = body["uniqueid"]
        status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(uniqueid)}/hangup")
        assert status == 200, body
        # (the request comes from the new document: the old one, and its WebSocket, are gone)
        assert page.evaluate("typeof window.ucsOperator === 'undefined' || typeof window.ucsOperator.sso") != "function"
        page.send("Fetch.continueRequest", {"requestId": held["requestId"]})
        loaded()
    finally:
        page.send("Fetch.disable")

    # the reloaded bar either resumes (and replays the call) or asks for credentials: not that
    bar.page.wait_for("window.crmLog.some(e => e.name === 'onCallHangup' || e.name === 'onCredentials')",
                      diagnostics="window.crmLog.map(e => e.name)")
    assert "onCredentials" not in bar.names(), [e for e in bar.log() if e["name"] != "onDebug"]
    ringing = bar.callback("onCallRinging")[0][0]
    call_shape(ringing, direction="INCOMING", number=CALLER, state=2, uniqueid=uniqueid)
    hangup = bar.callback("onCallHangup")[0][0]
    call_shape(hangup, direction="INCOMING", state=4, uniqueid=uniqueid, cause=3)
    names = bar.names()
    assert names.index("onCallRinging") < names.index("onCallHangup"), names
    assert "onLoginError" not in names, bar.log()
    wait_until(lambda: metric(gw, 'callgate_route_events_total{channel="ws",event="attached"}') >= 1,
               "an attach in /metrics")
    assert metric(gw, 'callgate_route_events_total{channel="ws",event="logged_in"}') == logins
    # READY again without a login: onReady with the state fetched after the attach
    resumed = bar.callback("onReady")[0][0]
    assert resumed["status"] == "READY" and resumed["device"]["id"] == "alice-phone", resumed
    assert resumed["user"]["displayname"] == state["user"]["displayname"] and resumed["call"] is None, resumed
    assert bar.page.evaluate("window.ucsOperator.status") == "READY"
    bar.page.wait_for("Promise.resolve(window.ucsOperator.state()).then(s => !!s && s.status === 'READY')",
                      message="the reloaded bar's state() is not READY")
    # and it is live: a new call reaches the reloaded page
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
    assert status == 201, body
    bar.callback("onCallRinging", f"args[0].uniqueid === {json.dumps(body['uniqueid'])}")


def test_headless_renders_nothing_and_the_methods_and_callbacks_still_work(crm_gateway, browser):
    gw = crm_gateway()
    bar, _ = ready_bar(browser, gw, headless=True)
    rendered = bar.page.evaluate("""({
        target: document.getElementById('ucsOperator').innerHTML,
        ucs: document.querySelectorAll('[class^="ucs-"], [class*=" ucs-"], [data-ucs-field], [data-ucs-action]').length,
        body: Array.from(document.body.children).map(e => e.tagName + '#' + e.id)
    })""")
    assert rendered["target"] == "Načítání agentské lišty...", rendered
    assert rendered["ucs"] == 0, rendered
    bar.method("changeStatus", "AUX", "Porada")
    assert bar.callback("onStateChange", "args[0].status === 'AUX'")[0][0] == {"status": "AUX", "reason": "Porada"}
    bar.method("changeStatus", "READY")
    bar.callback("onStateChange", "args[0].status === 'READY'")
    bar.method("dial", CALLER)
    call_shape(bar.callback("onCallRinging")[0][0], direction="OUTGOING", state=2)
    bar.method("hangup")
    call_shape(bar.callback("onCallHangup")[0][0], direction="OUTGOING", state=4)
    assert bar.page.evaluate("document.getElementById('ucsOperator').innerHTML") == "Načítání agentské lišty..."
    bar.screenshot("headless")


def test_over_tls_the_https_page_reaches_the_bar_over_wss(crm_gateway, browser):
    gw = crm_gateway()
    bar, state = ready_bar(browser, gw, tls=True)
    assert bar.page.evaluate("location.protocol") == "https:"
    assert state["device"]["id"] == "alice-phone"
    # an https page may only open wss: (mixed content), so READY means the bar used wss
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
    assert status == 201, body
    call_shape(bar.callback("onCallRinging")[0][0], direction="INCOMING", uniqueid=body["uniqueid"])
