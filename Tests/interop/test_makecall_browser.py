"""The Vodia click-to-call popup (public/makecall.htm, docs/compatibility.md §2.1, docs/click-to-call.md §3) in
Debian's headless `chromium` (devtools.py), served by the gateway with the sample directory.

As docs/compatibility.md §2.1 shows it, a page opens the popup with `window.open(url, '', 'width=…,height=…')`;
here the opener is a page of the gateway's origin (`/healthz`), so the popup is a window a script
opened and may close itself. The outside world is the admin API: the far end answers and hangs
up, and `GET /admin/calls` shows the call and the DTMF tones the keypad sent. Screenshots go to
$CALLGATE_ARTIFACTS/browser (default .build/artifacts/browser), named makecall-*.png."""
import hashlib
import json
import time
import urllib.parse
import urllib.request


from agent_support import admin
from bar_support import browser, certificate, chromium, crm_gateway, wait_until  # noqa: F401 (fixtures)
from popup_support import POPUP, WAIT, open_popup, opener, wait_closed


ALICE_SECRET = "DEMO-ONLY-alice-link-secret"  # the sample directory's demo link secret


def link(dest, user="alice", secret=ALICE_SECRET, t=None, duration=600, lang=None):
    """The path of a makecall.htm link with credentials (docs/compatibility.md §2.3), pass made with hashlib."""
    t = int(time.time()) if t is None else t
    digest = hashlib.md5(f"{user}{secret}{dest}{t}{duration}".encode()).hexdigest()
    pairs = [("destnumber", dest), ("user", user), ("pass", digest), ("time", str(t)), ("duration", str(duration))]
    if lang:
        pairs.append(("lang", lang))
    return "/makecall.htm?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)


def calls(gw):
    status, body = admin(gw, "GET", "/admin/calls")
    assert status == 200, body
    return body["calls"]


def view(popup):
    return popup.evaluate("document.getElementById('makecall').dataset.mcView")


def wait_view(popup, name):
    popup.wait_for(f"document.getElementById('makecall').dataset.mcView === {json.dumps(name)}",
                   message=f"the popup's {name} view",
                   diagnostics="[document.getElementById('makecall').dataset.mcTrail, document.body.innerText]")


def text(popup, selector):
    return popup.evaluate(f"document.querySelector({json.dumps(selector)}).textContent.trim()")


def leg_to(gw, number):
    return wait_until(lambda: [c for c in calls(gw) if c["called_number"] == number], f"a call to {number}", WAIT)[0]


def test_link_with_credentials_rings_sends_dtmf_and_closes_when_the_far_end_hangs_up(crm_gateway, browser):
    gw = crm_gateway()
    page = opener(browser, gw)
    popup = open_popup(browser, page, link("602 123 456", lang="cs"), "popup-link")

    # No phone cookie in this fresh browser: the popup asks which phone (alice's are listed).
    wait_view(popup, "phone")
    options = popup.evaluate("Array.from(document.querySelectorAll('[data-mc-field=device] option')).map(o => [o.value, o.text])")
    assert ["10.0.0.7", "Yealink T54W (Alena) · 2001"] in options, options
    assert text(popup, "[data-mc-number]") == "+420 602 123 456"
    assert text(popup, "[data-mc-action=pair]") == "Použít tento telefon"
    popup.screenshot("makecall-phone-cs")
    popup.select("[data-mc-field=device]", "10.0.0.7")
    popup.click("[data-mc-action=pair]")

    # The call is placed from alice's phone to the link's number and rings.
    leg = leg_to(gw, "+420602123456")
    assert leg["caller_username"] == "alice" and leg["state"] == 2 and leg["direction"] == "OUTGOING", leg
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'ringing'")
    assert text(popup, "[data-mc-state-text]") == "Vyzvání…"
    assert popup.evaluate("document.querySelector('[data-mc-digit=\"5\"]').disabled"), "the keypad works only when connected"
    popup.screenshot("makecall-ringing-cs")
    # The token it attached with may call that number only.
    refused = popup.evaluate("window.ucsOperator.dial('777000111').then(() => 'placed', e => e.code)")
    assert refused == "restricted", refused
    assert len(calls(gw)) == 1

    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(leg['uniqueid'])}/answer")
    assert status == 200, body
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'connected'")
    assert text(popup, "[data-mc-state-text]") == "Spojeno"
    popup.wait_for("/^0:0[0-9]$/.test(document.querySelector('[data-mc-timer]').textContent)",
                   diagnostics="document.querySelector('[data-mc-timer]').textContent")

    for digit in ("1", "2", "#"):
        popup.click(f'[data-mc-digit="{digit}"]')
    wait_until(lambda: next(c for c in calls(gw) if c["uniqueid"] == leg["uniqueid"])["dtmf"] == "12#",
               "the tones in GET /admin/calls", WAIT)
    popup.wait_for("document.querySelector('[data-mc-sent]').textContent.endsWith('12#')")
    popup.wait_for("document.querySelectorAll('.mc-pressed').length === 0")  # the key flash is over
    popup.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 5, "y": 5})  # no hover in the picture
    popup.screenshot("makecall-connected-dtmf-cs")
    # The popup's smallest window (docs/compatibility.md §2.1), 230 × 300: the keypad and hang-up still fit without scrolling.
    popup.send("Emulation.setDeviceMetricsOverride", {"width": 230, "height": 300, "deviceScaleFactor": 2, "mobile": False})
    bottom = popup.evaluate("document.querySelector('[data-mc-action=hangup]').getBoundingClientRect().bottom")
    assert bottom <= 300, bottom
    popup.screenshot("makecall-connected-230x300")
    popup.send("Emulation.setDeviceMetricsOverride", {"width": POPUP[0], "height": POPUP[1], "deviceScaleFactor": 2, "mobile": False})

    # A reload resumes with the token kept in sessionStorage (the single-use link is not asked
    # again) and follows the same call instead of dialling a second one.
    popup.reload()
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'connected'",
                   diagnostics="[document.getElementById('makecall').dataset.mcTrail, document.body.innerText]")
    assert "error" not in popup.evaluate("document.getElementById('makecall').dataset.mcTrail").split()
    assert [c["uniqueid"] for c in calls(gw)] == [leg["uniqueid"]], calls(gw)
    assert gw.log.count("vodia_session_opened") == 1 and "vodia_link_refused" not in gw.log, gw.log[-2000:]
    popup.click('[data-mc-digit="9"]')
    wait_until(lambda: next(c for c in calls(gw) if c["uniqueid"] == leg["uniqueid"])["dtmf"] == "12#9",
               "the tone sent after the reload", WAIT)

    # The far end hangs up: the popup shows why, then closes itself.
    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(leg['uniqueid'])}/hangup")
    assert status == 200, body
    popup.wait_for("document.getElementById('makecall').dataset.mcCallState === 'ended'")
    assert "Druhá strana zavěsila." in text(popup, "[data-mc-end-text]")
    popup.screenshot("makecall-ended-cs")
    wait_closed(browser, popup)
    assert calls(gw) == []


def test_plain_link_logs_in_once_and_the_next_popup_does_not_ask(crm_gateway, browser):
    gw = crm_gateway(detachedLogoutSeconds=1)
    page = opener(browser, gw)

    # First popup: no credentials anywhere, so the login form (German).
    first = open_popup(browser, page, "/makecall.htm?destnumber=%2B420602123456&lang=de", "popup-login")
    wait_view(first, "login")
    assert text(first, "[data-mc-action=login]") == "Anmelden"
    assert first.evaluate("document.querySelector('[data-mc-field=remember]').checked")
    first.screenshot("makecall-login-de")
    first.type("[data-mc-field=username]", "alice")
    first.type("[data-mc-field=password]", "wrong")
    first.click("[data-mc-action=login]")
    first.wait_for("!document.querySelector('[data-mc-login-error]').hidden")
    assert text(first, "[data-mc-login-error]") == "Benutzername oder Passwort ist falsch."
    first.screenshot("makecall-login-error-de")
    first.type("[data-mc-field=password]", "alice")
    first.click("[data-mc-action=login]")
    wait_view(first, "phone")
    first.select("[data-mc-field=device]", "10.0.0.7")
    first.click("[data-mc-action=pair]")
    leg = leg_to(gw, "+420602123456")
    assert leg["caller_username"] == "alice", leg
    first.wait_for("document.getElementById('makecall').dataset.mcCallState === 'ringing'")
    assert text(first, "[data-mc-state-text]") == "Klingelt…"
    assert not first.evaluate("document.querySelector('[data-mc-foot]').hidden")
    assert not first.evaluate("document.querySelector('[data-mc-action=logout]').hidden"), "a login may log out"
    first.screenshot("makecall-ringing-de")
    # Hang-up in the popup: the call ends and the window closes.
    first.click("[data-mc-action=hangup]")
    wait_closed(browser, first)
    assert calls(gw) == []
    remembered = page.evaluate("JSON.parse(localStorage.getItem('ucsOperator.remember'))")
    assert remembered == {"username": "alice", "password": "alice"}, remembered

    # alice is signed out once her last tab is gone (detachedLogoutSeconds 1).
    wait_until(lambda: admin(gw, "GET", "/admin/agents")[1]["agents"][0]["state"] == "CREDENTIALS",
               "alice to be signed out", WAIT)

    # Second popup: logs in with the remembered credentials, pairs the phone from the cookie the
    # first one stored, and rings, never showing the login form or the phone picker.
    second = open_popup(browser, page, "/makecall.htm?destnumber=777000111", "popup-again")
    leg = leg_to(gw, "777000111")
    assert leg["caller_username"] == "alice", leg
    second.wait_for("document.getElementById('makecall').dataset.mcCallState === 'ringing'")
    trail = second.evaluate("document.getElementById('makecall').dataset.mcTrail").split()
    assert "login" not in trail and "phone" not in trail, trail
    assert text(second, "[data-mc-state-text]") == "Ringing…"  # the browser's language: English
    assert text(second, "[data-mc-number]") == "777000111"
    second.screenshot("makecall-second-popup-en")
    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(leg['uniqueid'])}/answer")
    assert status == 200, body
    second.wait_for("document.getElementById('makecall').dataset.mcCallState === 'connected'")
    status, body = admin(gw, "POST", f"/admin/calls/{urllib.parse.quote(leg['uniqueid'])}/hangup")
    assert status == 200, body
    wait_closed(browser, second)


def test_a_used_or_expired_link_says_so_and_offers_a_login(crm_gateway, browser):
    gw = crm_gateway()
    page = opener(browser, gw)
    path = link("602 123 456", duration=600)
    # The link is spent before the popup opens it (as a link copied from a page's history).
    with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/makecall/session?" + path.split("?", 1)[1], timeout=5) as response:
        assert response.status == 200
    popup = open_popup(browser, page, path, "popup-used")
    wait_view(popup, "error")
    assert text(popup, "[data-mc-error-text]") == "The link has already been used. Open it again from the page."
    assert not popup.evaluate("document.querySelector('[data-mc-action=\"login-instead\"]').hidden")
    popup.screenshot("makecall-link-used-en")
    popup.click('[data-mc-action="login-instead"]')
    wait_view(popup, "login")
    assert "user=" not in popup.evaluate("location.search") and "destnumber=602%20123%20456" in popup.evaluate("location.search")
    assert calls(gw) == []

    expired = open_popup(browser, page, link("602123456", t=int(time.time()) - 4000, lang="de"), "popup-expired")
    wait_view(expired, "error")
    assert text(expired, "[data-mc-error-text]") == "Der Link ist abgelaufen. Öffnen Sie ihn erneut von der Seite."
    expired.screenshot("makecall-link-expired-de")
