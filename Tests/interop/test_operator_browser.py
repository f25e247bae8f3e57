"""The agent bar (public/operator.js) in Debian's headless `chromium`, driven through the
DevTools protocol (devtools.py), inside a CRM page written like the integration example of
seeds/004 (pages/crm.html: `window.ucsOperator = {config, callbacks}` then `<script
src="/operator.js">`). The gateway serves the page and the bar itself (`static.folder`), so the
bar finds its WebSocket from the page's URL, and the tests drive the outside world through the
admin API (docs/admin-api.md).

Every callback of the page appends {name, args} to `window.crmLog`; the tests assert on the
callbacks' arguments (seeds/004's Call, User and state objects), on what the gateway saw
(/admin/agents, /admin/calls, /metrics), and, for the GUI, on the DOM hooks of docs/operator.md,
with a screenshot of every state in $CALLGATE_ARTIFACTS/browser (default .build/artifacts/browser).

Set CALLGATE_OPERATOR_JS=/path/to/operator.js to try another copy of the bar than public/'s."""
import json
import os
import shutil
import time
import urllib.parse

import pytest

from conftest import ROOT, make_certificate
from devtools import Chromium, spki_sha256
from test_agent import ADMIN_KEY, CALLER, SSO_SECRET, admin, directory, openssl_sso_token
from test_routes import SESSION_SECRET, metric


PUBLIC = ROOT / "public"
PAGES = ROOT / "Tests" / "interop" / "pages"
PROVIDER = "Test CRM"
WAIT = 20.0


def operator_js():
    override = os.environ.get("CALLGATE_OPERATOR_JS")
    if override:
        return override
    path = PUBLIC / "operator.js"
    if not path.exists():
        pytest.fail(f"{path} is missing")
    return path


# ---------------------------------------------------------------- browser and gateway


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """One certificate for every TLS gateway of this module, so one chromium trusts them all."""
    return make_certificate(tmp_path_factory.mktemp("tls"), "callgate-browser", "DNS:localhost,IP:127.0.0.1")


@pytest.fixture(scope="module")
def chromium(certificate):
    browser = Chromium(spki=[spki_sha256(certificate[0])])
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium):
    """A fresh browser context (its own cookies and storage) per test; its tabs must not throw."""
    context = chromium.new_context()
    yield context
    try:
        context.check()
    finally:
        context.close()


@pytest.fixture
def crm_gateway(start_gateway, tmp_path, certificate):
    """Starts callgate serving public/ and pages/crm.html from a temporary static folder, with
    the sample directory (ringSeconds 30, acwSeconds 0), the SSO provider "Test CRM" and the
    admin API. Keyword arguments go into `agents`; `settings` into the directory's settings."""
    from conftest import CALLGATE

    def start(settings=None, **agents):
        static = tmp_path / "static"
        if PUBLIC.is_dir():
            shutil.copytree(PUBLIC, static, dirs_exist_ok=True)
        static.mkdir(exist_ok=True)
        shutil.copy(operator_js(), static / "operator.js")
        shutil.copy(PAGES / "crm.html", static / "crm.html")
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE), **(settings or {}))))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {PROVIDER: SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
                  "static": {"folder": str(static)}}
        cert, key = certificate
        gw = start_gateway("--cert", str(cert), "--key", str(key), config=config)
        gw.static = static
        return gw

    return start


_tokens_made = set()


def sso_token(user):
    """A fresh seeds/004 SSO token. The gateway accepts a token once, and two made for one user in
    the same second are the same token, so each gets a timestamp not used before for that user:
    now, else a second earlier, and so on (well inside sso.validitySeconds)."""
    timestamp = int(time.time())
    while (user, timestamp) in _tokens_made:
        timestamp -= 1
    _tokens_made.add((user, timestamp))
    return openssl_sso_token(user, timestamp)


def crm_url(gw, tls=False, **query):
    scheme, port = ("https", gw.tls_port) if tls else ("http", gw.http_port)
    return f"{scheme}://127.0.0.1:{port}/crm.html?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)


def agent(gw, user):
    status, body = admin(gw, "GET", "/admin/agents")
    assert status == 200, body
    return next(a for a in body["agents"] if a["username"] == user)


def calls(gw):
    status, body = admin(gw, "GET", "/admin/calls")
    assert status == 200, body
    return body["calls"]


def wait_until(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


# ---------------------------------------------------------------- the bar in a tab


class Bar:
    """A tab with the CRM page: its callbacks' log and the ucsOperator methods."""

    def __init__(self, page):
        self.page = page

    def open(self, url):
        self.page.navigate(url)
        self.page.wait_for("window.ucsOperator && typeof window.ucsOperator.sso === 'function'",
                           message="operator.js did not add its methods to window.ucsOperator",
                           diagnostics="window.crmLog")
        return self

    def log(self, name=None):
        entries = self.page.evaluate("window.crmLog || []")
        return [e for e in entries if name is None or e["name"] == name]

    def names(self):
        return [e["name"] for e in self.log()]

    def callback(self, name, where="true", count=1, timeout=WAIT):
        """Waits until `name` was called at least `count` times with `args` matching the JS
        expression `where`; returns the args of those calls."""
        found = self.page.wait_for(
            f"""(() => {{ const hits = (window.crmLog || []).filter(e => e.name === {json.dumps(name)}
                && ((args) => {where})(e.args)); return hits.length >= {count} ? hits.map(e => e.args) : null; }})()""",
            timeout=timeout, message=f"{name} where {where}",
            diagnostics="(window.crmLog || []).slice(-60).map(e => e.name + ' ' + JSON.stringify(e.args).slice(0, 300))")
        return found

    def method(self, name, *args):
        """Calls ucsOperator.NAME(...args); awaits it if it returns a promise."""
        arguments = ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
        return self.page.evaluate(
            f"Promise.resolve(window.ucsOperator.{name}({arguments}))"
            f".then(r => r === undefined ? null : JSON.parse(JSON.stringify(r)))")

    def state(self):
        return self.method("state")

    def screenshot(self, name):
        return self.page.screenshot(name)


def ready_bar(browser, gw, user="alice", headless=True, tls=False, name=None, sign_in="sso", **query):
    """A tab with the CRM page signed in as `user`, paired with web-<user> through the URL
    (identifyURL), READY. sign_in="sso": the page's onCredentials calls ucsOperator.sso with a
    token made here; "login": the test calls ucsOperator.login(user, password) (password = user
    name in the sample directory). Returns (bar, the onReady state)."""
    bar = Bar(browser.new_page(name or user))
    if sign_in == "sso":
        query.update(user=user, sso=sso_token(user), provider=PROVIDER)
    bar.open(crm_url(gw, tls=tls, headless="1" if headless else "0", identifier=f"web-{user}", **query))
    if sign_in == "login":
        bar.callback("onCredentials")
        bar.method("login", user, user)
    state = bar.callback("onReady")[0][0]
    assert state["status"] == "READY", state
    return bar, state


def call_shape(call, **expected):
    """Asserts the seeds/004 Call object's members and the expected values."""
    for key in ("uniqueid", "direction", "number", "state", "cause", "created", "connected", "disconnected",
                "caller_number", "called_number", "id", "data"):
        assert key in call, (key, call)
    assert isinstance(call["uniqueid"], str) and call["uniqueid"], call
    for key, value in expected.items():
        assert call[key] == value, (key, call[key], value, call)


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
    # seeds/004: state() is the state object itself, synchronously (docs/compatibility.md §1.9)
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
    # seeds/004's integrated auto logout (sso with a provider): the bar asks for logoutOnClose, so
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


# ---------------------------------------------------------------- the GUI (not headless)
# The DOM hooks are operator.js's (docs/operator.md): the render target gets data-ucs-root with
# data-ucs-session (the session state) and data-ucs-status (the agent's status); forms, fields
# and buttons carry data-ucs-form, data-ucs-field and data-ucs-action; a call card data-ucs-call
# with data-ucs-call-state and data-ucs-call-direction. Every state is screenshotted.

ROOT_SELECTOR = "#ucsOperator[data-ucs-root]"


def session_is(bar, state):
    return bar.page.wait_for(f"!!document.querySelector('{ROOT_SELECTOR}[data-ucs-session={state}]')",
                             message=f"the bar's session is not {state}",
                             diagnostics=f"document.querySelector('{ROOT_SELECTOR}') && "
                                         f"document.querySelector('{ROOT_SELECTOR}').getAttribute('data-ucs-session')")


def visible(bar, selector, text=None):
    """Waits until `selector` is rendered with a size (and contains `text`); returns its text."""
    return bar.page.wait_for(f"""(() => {{
        const e = document.querySelector({json.dumps(selector)});
        if (!e || !e.getClientRects().length) return null;
        const text = e.innerText || e.value || "";
        return {json.dumps(text)} === null || text.includes({json.dumps(text or "")}) ? (text || " ") : null;
    }})()""", message=f"{selector} is not shown" + (f" with {text!r}" if text else ""),
        diagnostics=f"(document.getElementById('ucsOperator') || document.body).innerText")


def ui_text(bar):
    return bar.page.evaluate("document.getElementById('ucsOperator').innerText")


LOGIN_TEXTS = {"cs": "Přihlásit", "en": "Log in", "de": "Anmelden"}


def test_ui_login_form_device_picker_and_ready_in_three_languages(crm_gateway, browser):
    gw = crm_gateway()
    bar = Bar(browser.new_page("alice-ui"))

    # the login view in cs, en and de (seeds/004 `lang`: the language before anyone signs in)
    for lang in ("en", "de", "cs"):
        bar.open(crm_url(gw, headless="0", lang=lang, confirmDevice="1"))
        session_is(bar, "CREDENTIALS")
        visible(bar, "[data-ucs-field=username]")
        visible(bar, "[data-ucs-field=password]")
        assert bar.page.evaluate("document.querySelector('[data-ucs-action=login]').innerText.trim()") == LOGIN_TEXTS[lang]
        assert bar.page.evaluate("document.querySelector('#ucsOperator [lang]').getAttribute('lang')") == lang
        bar.screenshot(f"ui-credentials-{lang}")
    assert bar.log("onCredentials")

    # a wrong password: onLoginError(1, message) and the message under the form
    bar.page.type("[data-ucs-field=username]", "alice")
    bar.page.type("[data-ucs-field=password]", "not-the-password")
    bar.page.click("[data-ucs-action=login]")
    code, message = bar.callback("onLoginError")[0]
    assert code == 1 and isinstance(message, str) and message, (code, message)
    visible(bar, "[data-ucs-login-error='1']")
    bar.screenshot("ui-login-error")

    # the right one: the device picker lists alice's phone and the hot desk
    bar.page.type("[data-ucs-field=password]", "alice")
    bar.page.click("[data-ucs-action=login]")
    session_is(bar, "IDENTIFY")
    user = bar.callback("onUser")[0][0]
    assert user["displayname"] == "Alena Nováková", user
    visible(bar, "[data-ucs-field=device]")
    options = bar.page.evaluate("Array.from(document.querySelectorAll('[data-ucs-field=device] option')).map(o => o.value)")
    assert "web-alice" in options or "10.0.0.7" in options or "sip:2001" in options, options
    assert "Alena Nováková" in ui_text(bar)
    bar.screenshot("ui-device-picker")
    device_option = bar.page.evaluate("""Array.from(document.querySelectorAll('[data-ucs-field=device] option'))
        .find(o => o.getAttribute('data-ucs-device-id') === 'alice-phone').value""")
    bar.page.select("[data-ucs-field=device]", device_option)
    bar.page.click("[data-ucs-action=select-identifier]")

    # confirmDevice: the phone is shown for confirmation
    session_is(bar, "DEVICE")
    assert bar.callback("onIdentifier")[0] == [device_option]
    assert bar.callback("onDevice")[0][0]["id"] == "alice-phone"
    visible(bar, "[data-ucs-device-name]", "Yealink")
    bar.screenshot("ui-device-confirm")
    bar.page.click("[data-ucs-action=provision]")

    session_is(bar, "READY")
    state = bar.callback("onReady")[0][0]
    assert state["status"] == "READY" and state["device"]["id"] == "alice-phone", state
    visible(bar, "[data-ucs-agent-name]", "Alena Nováková")
    assert bar.page.evaluate("document.querySelector('[data-ucs-field=status]').value") == "READY"
    visible(bar, "[data-ucs-field=dial-number]")
    bar.screenshot("ui-ready-cs")

    # the settings menu, and the ready view in en and de through its language field
    bar.page.click("[data-ucs-action=menu]")
    visible(bar, "[data-ucs-panel=menu]")
    bar.screenshot("ui-menu-cs")
    for lang in ("en", "de", "cs"):
        if not bar.page.evaluate("!!document.querySelector('[data-ucs-panel=menu]')"):
            bar.page.click("[data-ucs-action=menu]")
            visible(bar, "[data-ucs-panel=menu]")
        bar.page.select("[data-ucs-field=language]", lang)
        bar.page.wait_for(f"document.querySelector('#ucsOperator [lang]').getAttribute('lang') === {json.dumps(lang)}")
        assert bar.page.evaluate("window.ucsOperator.language") == lang
        if bar.page.evaluate("!!document.querySelector('[data-ucs-panel=menu]')"):
            bar.page.click("[data-ucs-action=close-panel]")
        bar.page.wait_for("!document.querySelector('[data-ucs-panel=menu]')")
        visible(bar, "[data-ucs-field=status]")
        if lang != "cs":
            bar.screenshot(f"ui-ready-{lang}")
    assert agent(gw, "alice")["status"] == "READY"


def test_ui_ringing_connected_aux_dialing_and_history(crm_gateway, browser):
    gw = crm_gateway()
    bar, _ = ready_bar(browser, gw, headless=False, lang="cs")
    session_is(bar, "READY")

    # an inbound queue call rings in the bar; answered with its button, hung up with its button
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&queue=100")
    assert status == 201, body
    inbound = body["uniqueid"]
    card = f"[data-ucs-call][data-ucs-call-uniqueid='{inbound}']"
    visible(bar, f"{card}[data-ucs-call-state=ringing][data-ucs-call-direction=incoming]", CALLER)
    visible(bar, f"{card} [data-ucs-action=answer]")
    bar.screenshot("ui-ringing")
    bar.page.click(f"{card} [data-ucs-action=answer]")
    connected = bar.callback("onCallConnect")[0][0]
    assert connected["uniqueid"] == inbound and connected["state"] == 3, connected
    visible(bar, f"{card}[data-ucs-call-state=connected]", CALLER)
    time.sleep(2.2)  # the call timer runs
    bar.screenshot("ui-connected")
    bar.page.click(f"{card} [data-ucs-action=hangup]")
    hangup = bar.callback("onCallHangup")[0][0]
    assert hangup["uniqueid"] == inbound and hangup["state"] == 4, hangup
    bar.page.wait_for(f"!document.querySelector(\"{card}\")", message="the call card stays after the hangup")

    # AUX with a reason through the status field
    bar.page.select("[data-ucs-field=status]", "AUX:Oběd")
    change = bar.callback("onStateChange", "args[0].status === 'AUX'")[0][0]
    assert change == {"status": "AUX", "reason": "Oběd"}, change
    bar.page.wait_for(f"document.querySelector('{ROOT_SELECTOR}').getAttribute('data-ucs-status') === 'AUX'")
    assert "Oběd" in bar.page.evaluate("document.querySelector('[data-ucs-field=status]').selectedOptions[0].innerText")
    seen = agent(gw, "alice")
    assert (seen["status"], seen["reason"]) == ("AUX", "Oběd"), seen
    bar.screenshot("ui-aux")
    bar.page.select("[data-ucs-field=status]", "READY")
    bar.callback("onStateChange", "args[0].status === 'READY'", count=2)  # the sign-in's and this one

    # an outgoing call from the dial field
    bar.page.type("[data-ucs-field=dial-number]", "+420 777 123 456")
    bar.page.click("[data-ucs-action=dial]")
    ringing = bar.callback("onCallRinging", "args[0].direction === 'OUTGOING'")[0][0]
    outbound = ringing["uniqueid"]
    assert ringing["number"] == "+420 777 123 456" and ringing["called_number_norm"] == "+420777123456", ringing
    visible(bar, f"[data-ucs-call][data-ucs-call-uniqueid='{outbound}'][data-ucs-call-direction=outgoing]")
    bar.screenshot("ui-dialing")
    bar.page.click(f"[data-ucs-call][data-ucs-call-uniqueid='{outbound}'] [data-ucs-action=hangup]")
    bar.callback("onCallHangup", f"args[0].uniqueid === {json.dumps(outbound)}")
    bar.page.wait_for("!document.querySelector('[data-ucs-call]')")

    # the call history panel (the report channel) lists both calls, newest first
    bar.page.click("[data-ucs-action=history]")
    visible(bar, "[data-ucs-panel=history]")
    rows = bar.page.wait_for("""(() => {
        const rows = Array.from(document.querySelectorAll('[data-ucs-history-row]'));
        return rows.length >= 2 ? rows.map(r => ({uniqueid: r.getAttribute('data-ucs-call-uniqueid'),
                                                  direction: r.getAttribute('data-ucs-call-direction'),
                                                  text: r.innerText})) : null;
    })()""", message="the history does not list the two calls",
        diagnostics="document.querySelector('[data-ucs-panel=history]') && document.querySelector('[data-ucs-panel=history]').innerText")
    assert [r["uniqueid"] for r in rows[:2]] == [outbound, inbound], rows
    assert [r["direction"] for r in rows[:2]] == ["outgoing", "incoming"], rows
    assert CALLER in rows[1]["text"] or "602" in rows[1]["text"], rows
    bar.screenshot("ui-history")


def test_ui_shows_who_called_the_number_last_and_callto_links_are_the_agents_own(crm_gateway, browser):
    gw = crm_gateway()
    alice, _ = ready_bar(browser, gw, name="alice-last")
    # alice calls the customer; the far end never answers, alice hangs up.
    alice.method("dial", CALLER)
    alice.callback("onCallRinging", "args[0].direction === 'OUTGOING'")
    alice.method("hangup")
    alice.callback("onCallHangup")

    # The bar set the callgate_session cookie after its login (the page is the gateway's own),
    # so an Oktell /callto link clicked in this browser dials from alice's phone.
    def callto():
        return alice.page.evaluate("fetch('/callto?number=777123456', {credentials: 'same-origin'})"
                                   ".then(r => r.status + ' ' + r.headers.get('content-type') + ' ' + r.statusText)"
                                   ".then(s => s)")
    answer = wait_until(lambda: (lambda a: a if a.startswith("200 ") else None)(callto()), "/callto with the session cookie", 5)
    assert answer.startswith("200 text/plain"), answer
    placed = alice.callback("onCallNew", "args[0].number === '+420777123456'")[0][0]
    assert placed["data"]["clickToCall"]["dialect"] == "oktellClient", placed
    alice.method("hangup")
    alice.callback("onCallHangup", count=2)

    # The customer calls bob back: bob's bar says who of us called them last.
    bob, _ = ready_bar(browser, gw, user="bob", headless=False, lang="cs", name="bob-last")
    status, body = admin(gw, "POST", f"/admin/calls?from={urllib.parse.quote(CALLER)}&user=bob")
    assert status == 201, body
    ringing = bob.callback("onCallRinging")[0][0]
    assert [c["agent"] for c in ringing["data"]["lastCallers"]] == ["alice"], ringing["data"]
    visible(bob, "[data-ucs-call][data-ucs-call-state=ringing] [data-ucs-last-caller=alice]", "naposledy volal(a) Alena Nováková")
    bob.screenshot("ui-last-caller")
