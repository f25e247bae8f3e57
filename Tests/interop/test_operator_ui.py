"""The agent bar's own GUI (not headless) in Debian's headless `chromium`, inside the CRM page
of bar_support.py: the login form, the device picker and ready in three languages, ringing,
connected, AUX, dialing and the history, who called a number last and the agent's own callto
links, asserted on the DOM hooks of docs/operator.md with a screenshot of every state."""
import json
import time
import urllib.parse

from agent_support import CALLER, admin
from bar_support import Bar, agent, browser, certificate, chromium, crm_gateway, crm_url, ready_bar, wait_until  # noqa: F401 (fixtures)


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

    # the login view in cs, en and de (docs/compatibility.md §1.2 `lang`: the language before anyone signs in)
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
