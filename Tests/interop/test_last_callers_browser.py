"""The last-callers token page (public/lastcaller/tokengen/) and the widget (docs/compatibility.md §5.4) in
Debian's headless `chromium`, driven through the DevTools protocol (devtools.py): a user fills in
the form, gets a token and the widget URL, and the widget opened with a caller's number shows
the agents who called it, with the logo and the style sheet, embedded in a frame of another
origin as a desktop client would. Screenshots of every state go to
$CALLGATE_ARTIFACTS/browser (default .build/artifacts/browser), named lastcaller-*."""
import base64
import shutil
import time
import urllib.parse

from conftest import ROOT
from agent_support import CALLER, ready_tab
from bar_support import browser, certificate, chromium  # noqa: F401 (fixtures)
from last_callers_support import DAY, NOBODY_CALLED, asyncio_run, call_out, lc_gateway, widget, widget_token  # noqa: F401 (fixture)


PUBLIC = ROOT / "public"
PLACEHOLDER = "$(callerId)"


def called_by_alice_and_bob(gw):
    """alice, then bob, dial the customer: the widget lists bob first."""
    async def scenario():
        for user in ("alice", "bob"):
            tab = await ready_tab(gw, user)
            await call_out(gw, tab)
            await tab.close()

    asyncio_run(scenario())


def widget_texts(page):
    return page.evaluate("""(() => ({
        names: Array.from(document.querySelectorAll('ol.callers .name')).map((e) => e.textContent),
        agents: Array.from(document.querySelectorAll('ol.callers .agent')).map((e) => e.textContent),
        times: Array.from(document.querySelectorAll('ol.callers time')).map((e) => e.textContent),
        heading: document.querySelector('h1').textContent,
        number: (document.querySelector('.number') || {}).textContent,
        empty: (document.querySelector('.empty') || {}).textContent,
        error: (document.querySelector('.error') || {}).textContent,
        logo: (() => { const i = document.querySelector('img.logo'); return i.complete && i.naturalWidth > 0; })(),
        styled: getComputedStyle(document.querySelector('header.widget')).borderBottomColor,
        lang: document.documentElement.lang,
    }))()""")


def wait_until(read, what, seconds=20):
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for {what}"
            return value
        time.sleep(0.1)


def load_errors(page, allowed=None):
    """The page's failed loads and CSP violations (both are Log errors in Chromium), without the
    browser's own /favicon.ico (public/ has none) and those containing `allowed`."""
    return [error for error in page.errors
            if "/favicon.ico" not in error and (allowed is None or allowed not in error)]


def no_load_errors(page, allowed=None):
    errors = load_errors(page, allowed)
    assert not errors, errors


def test_the_token_page_makes_a_token_and_the_widget_shows_the_callers(lc_gateway, browser):
    gw = lc_gateway(static=PUBLIC)
    called_by_alice_and_bob(gw)
    origin = f"http://127.0.0.1:{gw.http_port}"
    page = browser.new_page("tokengen")
    browser.browser.browser.send("Browser.grantPermissions", {
        "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"], "browserContextId": browser.id})
    page.navigate(origin + "/lastcaller/tokengen/")
    assert page.evaluate("document.title") == "Last-callers widget token · Callgate"
    assert page.evaluate("document.getElementById('days').value") == "90"
    assert page.evaluate("document.getElementById('result').hidden") is True
    assert page.evaluate("getComputedStyle(document.getElementById('result')).display") == "none"
    page.screenshot("lastcaller-tokengen-form")

    # A wrong password: the page says so (and no browser login dialog blocks it).
    page.type("#user", "alice")
    page.type("#password", "wrong")
    page.click("#submit")
    page.wait_for("document.getElementById('status').textContent === 'Wrong user name or password.'",
                  diagnostics="document.getElementById('status').textContent")
    assert page.evaluate("document.getElementById('status').className") == "status bad"
    assert page.evaluate("document.getElementById('result').hidden") is True
    # The message beside the button does not squeeze it onto two lines.
    assert page.evaluate("document.getElementById('submit').getBoundingClientRect().height") < 40
    page.screenshot("lastcaller-tokengen-refused")
    # The 401 is a failed load in the Log domain; nothing else may be.
    no_load_errors(page, allowed="status of 401")
    page.errors.clear()

    # The right password and 30 days: the token and the ready URL.
    page.type("#password", "alice")
    page.type("#days", "30")
    page.click("#submit")
    token = page.wait_for("""(() => { const t = document.getElementById('token').value;
        return !document.getElementById('result').hidden && t.startsWith('v1.') ? t : null; })()""",
                          diagnostics="document.getElementById('status').textContent")
    url = page.evaluate("document.getElementById('url').value")
    assert url == f"{origin}/lastcaller/?vcallerid={PLACEHOLDER}&token={token}"
    assert page.evaluate("document.getElementById('password').value") == ""
    assert page.evaluate("document.getElementById('status').textContent") == "Token made."
    assert page.evaluate("document.getElementById('expires').textContent").startswith("For alice, valid until ")
    # The token is the gateway's: the widget's JSON takes it, and it lives 30 days.
    assert widget(gw, CALLER, token, "json").json["callers"][0]["agent"] == "bob"
    payload = token.split(".")[1]
    fields = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().split("\n")
    assert fields[:3] == ["alice", "tokengen", "lastcaller"]
    assert int(fields[4]) - int(fields[3]) == 30 * DAY
    page.screenshot("lastcaller-tokengen-token")

    # Copy puts the URL on the clipboard.
    page.click("button[data-copy='url']")
    page.wait_for("document.querySelector(\"button[data-copy='url']\").textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == url

    # The try-out link substitutes a number the way the desktop client does.
    page.type("#number", "+420 602 123 456")
    href = page.evaluate("document.getElementById('open').href")
    assert href == url.replace(PLACEHOLDER, urllib.parse.quote("+420 602 123 456", safe=""))
    no_load_errors(page)

    # The widget, as the desktop client opens it for a call from the customer.
    shown = browser.new_page("widget")
    shown.navigate(url.replace(PLACEHOLDER, urllib.parse.quote(CALLER, safe="")))
    texts = widget_texts(shown)
    assert texts["names"] == ["Bohumil Dvořák", "Alena Nováková"]
    assert texts["agents"] == ["bob", "alice"]
    assert texts["times"] == ["just now", "just now"]
    assert texts["heading"] == "Last callers" and texts["number"] == CALLER and texts["lang"] == "en"
    assert texts["logo"] is True, "logo.svg did not load"
    assert texts["styled"] == "rgb(36, 88, 214)", "widget.css did not apply"
    no_load_errors(shown)
    shown.screenshot("lastcaller-widget")

    # Narrow, as in a desktop client's side pane.
    shown.send("Emulation.setDeviceMetricsOverride", {"width": 340, "height": 300, "deviceScaleFactor": 1, "mobile": False})
    shown.screenshot("lastcaller-widget-narrow")
    widths = shown.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the widget scrolls sideways at 340 px: {widths}"


def test_the_widget_in_a_frame_of_another_origin_in_czech_and_its_refusals(lc_gateway, browser, tmp_path):
    # The desktop client's pane: a page of another origin (localhost, not 127.0.0.1) frames the
    # widget. The page is a static file of a copy of public/.
    static = tmp_path / "static"
    shutil.copytree(PUBLIC, static)
    gw = lc_gateway(static=static)
    called_by_alice_and_bob(gw)
    token = widget_token("alice")
    url = f"http://127.0.0.1:{gw.http_port}/lastcaller/?vcallerid=%2B420602123456&token={token}"
    (static / "client.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Desktop client</title>"
        "<body style='margin:0;background:#dde1e8;font:14px sans-serif'><p style='margin:8px'>Desktop client pane</p>"
        f"<iframe src='{url}' style='width:360px;height:320px;border:1px solid #888;background:#fff'></iframe>")
    host = browser.new_page("client")
    host.send("Network.enable")
    host.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "cs-CZ,cs;q=0.9"}})
    host.navigate(f"http://localhost:{gw.http_port}/client.html")
    # Another origin's frame runs in its own process: a target of type "iframe", read through
    # its own DevTools session. A frame the widget refused (X-Frame-Options, frame-ancestors)
    # would hold Chromium's error page instead.
    targets = browser.browser.browser
    frame = wait_until(lambda: [t for t in targets.send("Target.getTargets")["targetInfos"]
                                if t["type"] == "iframe" and t.get("browserContextId") == browser.id], "the frame")
    assert [t["url"] for t in frame] == [url], frame
    session = targets.send("Target.attachToTarget", {"targetId": frame[0]["targetId"], "flatten": True})["sessionId"]

    def in_frame(expression):
        result = targets.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session_id=session)
        return result.get("result", {}).get("value")

    names = wait_until(lambda: in_frame("Array.from(document.querySelectorAll('ol.callers .name')).map((e) => e.textContent)"),
                       "the names in the frame")
    assert names == ["Bohumil Dvořák", "Alena Nováková"]
    assert in_frame("document.documentElement.lang") == "cs"
    assert in_frame("(() => { const i = document.querySelector('img.logo'); return i.complete && i.naturalWidth > 0; })()")
    time.sleep(0.3)  # the frame's first paint
    host.screenshot("lastcaller-widget-framed-cs")

    # The framed page itself, in Czech: read it in its own tab with the same header.
    czech = browser.new_page("czech")
    czech.send("Network.enable")
    czech.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "cs-CZ,cs;q=0.9"}})
    czech.navigate(url)
    texts = widget_texts(czech)
    assert texts["lang"] == "cs" and texts["heading"] == "Poslední volající"
    assert texts["names"] == ["Bohumil Dvořák", "Alena Nováková"] and texts["times"] == ["právě teď", "právě teď"]
    czech.navigate(f"http://127.0.0.1:{gw.http_port}/lastcaller/?vcallerid=%2B{NOBODY_CALLED[1:]}&token={token}")
    texts = widget_texts(czech)
    assert texts["empty"] == "Na toto číslo od nás zatím nikdo nevolal." and texts["names"] == []
    assert texts["logo"] is True
    no_load_errors(czech)
    czech.screenshot("lastcaller-widget-nobody-cs")

    # An expired token: the error page (a 401 is logged as a failed load; nothing else may be).
    expired = browser.new_page("expired")
    now = int(time.time())
    expired.navigate(f"http://127.0.0.1:{gw.http_port}/lastcaller/?vcallerid=%2B420602123456"
                     f"&token={widget_token('alice', issued=now - 100, expires=now - 10)}")
    texts = widget_texts(expired)
    assert texts["heading"] == "Not authorised" and texts["error"] == "credential expired"
    assert texts["logo"] is True and texts["styled"] == "rgb(36, 88, 214)"
    no_load_errors(expired, allowed="status of 401")
    expired.errors.clear()
    expired.screenshot("lastcaller-widget-expired")
