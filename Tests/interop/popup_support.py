"""The Vodia popup in headless Chromium: opened from a gateway tab as a page does (`opener`, `open_popup`), gone (`wait_closed`)."""
import json

from devtools import Page
from bar_support import wait_until

POPUP = (320, 480)
WAIT = 20.0


def targets(context):
    result = context.browser.browser.send("Target.getTargets")
    return [t for t in result["targetInfos"] if t["type"] == "page" and t.get("browserContextId") == context.id]


def opener(context, gw):
    """A tab of the gateway's origin that opens popups the way the Vodia link (docs/compatibility.md §2.1) does."""
    page = context.new_page("opener")
    page.navigate(f"http://127.0.0.1:{gw.http_port}/healthz")
    return page


def open_popup(context, page, path, name):
    """window.open(path) from `page` (with a user gesture), then a DevTools Page for the new
    window, its viewport the popup's size."""
    before = {t["targetId"] for t in targets(context)}
    assert page.evaluate(f"!!window.open({json.dumps(path)}, '', 'width={POPUP[0]},height={POPUP[1]},left=200')")
    found = wait_until(lambda: [t for t in targets(context) if t["targetId"] not in before], "the popup window", WAIT)
    popup = Page(context.browser, found[0]["targetId"], name)
    context.pages.append(popup)
    popup.send("Emulation.setDeviceMetricsOverride",
               {"width": POPUP[0], "height": POPUP[1], "deviceScaleFactor": 2, "mobile": False})
    popup.wait_for("!!document.getElementById('makecall')", message="makecall.htm did not load")
    return popup


def wait_closed(context, popup):
    """The popup window is gone: its DevTools target no longer exists."""
    wait_until(lambda: popup.target_id not in {t["targetId"] for t in targets(context)},
               "the popup to close itself (window.close())", WAIT)
