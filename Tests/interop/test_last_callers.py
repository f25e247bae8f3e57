"""Who called this customer last (docs/compatibility.md §5, docs/click-to-call.md §6), end to end against the
gateway binary: agents dial an external number over /ws, the number calls back through the admin
API, and the agent it rings sees the callers in `callRinging`'s `data.lastCallers`; the widget
(`/lastcaller/`) lists them as JSON and HTML with a token from the token endpoint
(`/lastcaller/tokengen/token`, RFC 7617 Basic or a session token), which shares the /ws login's
password check and throttle."""
import base64
import time

from conftest import eventually, metric
from agent_support import CALLER, Tab, inbound_call, ready_tab
from last_callers_support import (CAROL, DAY, NOBODY_CALLED, UTF8_PASSWORD, UTF8_USER,  # noqa: F401 (lc_gateway: a fixture)
                                  asyncio_run, call_out, get, lc_gateway, widget, widget_token)
from route_support import session_token


# ---------------------------------------------------------------- HTTP


def basic(user, password):
    """RFC 7617 with charset="UTF-8"."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def make_token(gw, user="bob", password=None, days=None, source="127.0.0.1"):
    reply = get(gw, "/lastcaller/tokengen/token" + (f"?days={days}" if days else ""),
                basic(user, user if password is None else password), source=source)
    assert reply.status == 200, (reply.status, reply.body)
    return reply.json


def lastcaller_metric(gw, event, check):
    """The lastcaller route event counter, once `check` holds (metrics are published at ticks)."""
    return eventually(lambda: metric(gw, f'callgate_route_events_total{{channel="lastcaller",event="{event}"}}'), check)


def assert_common_headers(reply):
    assert reply.header("Cache-Control") == "no-store"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Referrer-Policy") == "no-referrer"
    assert reply.header("X-Frame-Options") is None  # the desktop client embeds the widget


# ---------------------------------------------------------------- calls


async def ringing_callers(gw, tab, user):
    """An external call from CALLER rings `user`: the callers its callRinging carries."""
    inbound_call(gw, f"user={user}", caller=CALLER)
    ringing = (await tab.event("callRinging"))["call"]
    assert ringing["direction"] == "INCOMING" and ringing["caller_number_norm"] == CALLER
    await tab.ok("hangup")
    await tab.event("callHangup")
    tab.buffer.clear()  # the call's callNew and the state changes
    return ringing["data"]["lastCallers"]


# ---------------------------------------------------------------- the whole story


def test_a_callback_shows_who_called_on_ringing_and_in_the_widget(lc_gateway):
    gw = lc_gateway()

    async def scenario():
        alice = await ready_tab(gw, "alice")
        bob = await ready_tab(gw, "bob")
        # Nobody has called yet: the ringing carries an empty list.
        assert await ringing_callers(gw, bob, "bob") == []

        before = int(time.time())
        await call_out(gw, alice, "602 123 456")  # national form, normalised to CALLER
        callers = await ringing_callers(gw, bob, "bob")
        assert [(c["agent"], c["name"]) for c in callers] == [("alice", "Alena Nováková")]
        assert before - 1 <= callers[0]["at"] <= int(time.time()) + 1
        return callers[0]["at"]

    at = asyncio_run(scenario())

    # A token from the token page's endpoint (Basic), default lifetime 90 days.
    issued = make_token(gw, "bob")
    assert issued["user"] == "bob" and issued["token"].startswith("v1.")
    assert abs(issued["expires"] - (int(time.time()) + 90 * DAY)) <= 5

    # JSON: the raw `+` of the desktop client's substitution stays a plus.
    reply = widget(gw, "+420602123456", issued["token"], "json", raw_number=True)
    assert reply.status == 200
    assert_common_headers(reply)
    assert reply.json == {"number": CALLER, "callers": [{"agent": "alice", "name": "Alena Nováková", "at": at}]}
    assert widget(gw, "602 123 456", issued["token"], "json").json["callers"][0]["agent"] == "alice"

    # HTML: the agent by display name, the logo and style sheet, a CSP without scripts.
    page = widget(gw, CALLER, issued["token"])
    assert page.status == 200 and page.header("Content-Type") == "text/html; charset=utf-8"
    assert_common_headers(page)
    policy = page.header("Content-Security-Policy")
    assert policy.startswith("default-src 'none'") and "script-src" not in policy
    html = page.text
    assert '<span class="name">Alena Nováková</span> <span class="agent">alice</span>' in html
    assert '<img class="logo" src="logo.svg"' in html and 'href="widget.css"' in html
    assert "<title>Last callers – +420602123456</title>" in html

    # Czech by Accept-Language.
    czech = widget(gw, CALLER, issued["token"], headers={"Accept-Language": "cs-CZ,cs;q=0.9,en;q=0.5"}).text
    assert '<html lang="cs">' in czech and "Poslední volající" in czech

    # A number nobody called: an empty list, not an error.
    assert widget(gw, NOBODY_CALLED, issued["token"], "json").json == {"number": NOBODY_CALLED, "callers": []}
    assert "Nobody here has called this number yet." in widget(gw, NOBODY_CALLED, issued["token"]).text
    # A caller id that is not an external number (an extension, withheld): nobody, not an error.
    assert widget(gw, "2001", issued["token"], "json").json == {"number": None, "callers": []}
    assert widget(gw, "anonymous", issued["token"], "json").json == {"number": None, "callers": []}

    # HEAD: the same head, no body.
    head = get(gw, f"/lastcaller/?vcallerid=%2B420602123456&token={issued['token']}", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.header("Content-Length")) == len(page.body)

    assert lastcaller_metric(gw, "token_issued", lambda n: n == 1) == 1
    assert lastcaller_metric(gw, "widget_shown", lambda n: n >= 9) >= 9


def test_display_names_are_escaped_in_the_page(lc_gateway):
    gw = lc_gateway()

    async def scenario():
        carol = await ready_tab(gw, "carol")
        await call_out(gw, carol)

    asyncio_run(scenario())
    token = make_token(gw, "alice")["token"]
    assert widget(gw, CALLER, token, "json").json["callers"][0]["name"] == CAROL
    html = widget(gw, CALLER, token).text
    assert "<script" not in html
    assert ('<span class="name">Karolína &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Neil &amp; co</span>'
            ' <span class="agent">carol</span>') in html
    # A hostile caller id is shown as text too.
    hostile = widget(gw, '"><script>alert(1)</script>', token).text
    assert "<script" not in hostile and "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in hostile


def test_history_length_keeps_the_last_n_agents_most_recent_first(lc_gateway):
    gw = lc_gateway(last_callers={"historyLength": 2})

    async def scenario():
        tabs = {user: await ready_tab(gw, user) for user in ("alice", "bob", "carol")}
        for user in ("alice", "bob", "carol"):
            await call_out(gw, tabs[user])
        token = make_token(gw, "alice")["token"]
        assert [c["agent"] for c in await ringing_callers(gw, tabs["alice"], "alice")] == ["carol", "bob"]
        assert [c["agent"] for c in widget(gw, CALLER, token, "json").json["callers"]] == ["carol", "bob"]
        # Calling again moves an agent to the front, once.
        await call_out(gw, tabs["alice"])
        assert [c["agent"] for c in widget(gw, CALLER, token, "json").json["callers"]] == ["alice", "carol"]
        assert [c["agent"] for c in await ringing_callers(gw, tabs["bob"], "bob")] == ["alice", "carol"]

    asyncio_run(scenario())


# ---------------------------------------------------------------- the widget's refusals


def test_the_widget_refuses_missing_forged_expired_and_other_tokens(lc_gateway):
    gw = lc_gateway()
    good = make_token(gw, "bob")["token"]
    now = int(time.time())

    def refused(token, format=None):
        reply = widget(gw, CALLER, token, format)
        assert reply.status == 401, (reply.status, reply.body)
        assert_common_headers(reply)
        return reply

    # Missing: the challenge without an error code (RFC 6750 §3.1).
    missing = get(gw, "/lastcaller/?vcallerid=%2B420602123456&format=json")
    assert missing.status == 401 and missing.header("WWW-Authenticate") == 'Bearer realm="callgate"'
    assert missing.json == {"error": {"code": "unauthorized", "text": "authentication required"}}
    assert refused("").status == 401

    # Forged: another signature, another key, a changed payload.
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    reply = refused(tampered, "json")
    assert reply.header("WWW-Authenticate") == 'Bearer realm="callgate", error="invalid_token"'
    assert reply.json["error"]["text"] in ("invalid credential", "malformed credential")
    assert refused(widget_token("bob", key="another-widget-key-0123456789abcdef"), "json").json["error"]["text"] == "invalid credential"
    assert refused(widget_token("alice", issued=now - 5, expires=now + 600).replace("v1.", "v1.x", 1)).status == 401

    # Expired.
    assert refused(widget_token("bob", issued=now - 1000, expires=now - 10), "json").json["error"]["text"] == "credential expired"
    # Other scopes: a session token is not a widget token, whichever key signed it.
    assert refused(widget_token("bob", scope="channels"), "json").json["error"]["text"] == "credential not valid for this channel"
    assert refused(session_token("bob"), "json").json["error"]["text"] == "invalid credential"
    assert refused(session_token("bob", scope="lastcaller", provider="tokengen"), "json").json["error"]["text"] == "invalid credential"
    # A disabled or unknown user's token (disabling a user revokes their widgets).
    assert refused(widget_token("dana"), "json").json["error"]["text"] == "the token's user is disabled or unknown"
    assert refused(widget_token("mallory"), "json").json["error"]["text"] == "the token's user is disabled or unknown"

    # The HTML form of a refusal: a small page, with the CSP.
    page = refused(tampered)
    assert page.header("Content-Type") == "text/html; charset=utf-8" and page.header("Content-Security-Policy")
    assert "<h1>Not authorised</h1>" in page.text and "/lastcaller/tokengen/" in page.text

    # A made-here token with the right key works: the format is the documented one.
    assert widget(gw, CALLER, widget_token("bob"), "json").status == 200
    assert lastcaller_metric(gw, "refused_unauthorized", lambda n: n >= 12) >= 12


def test_the_widget_refuses_bad_queries_and_methods(lc_gateway):
    gw = lc_gateway()
    token = make_token(gw, "bob")["token"]

    missing = get(gw, f"/lastcaller/?token={token}&format=json")
    assert missing.status == 400
    assert missing.json == {"error": {"code": "missingNumber", "text": "vcallerid is required: the caller's number"}}
    page = get(gw, f"/lastcaller/?token={token}")
    assert page.status == 400 and "<h1>Bad request</h1>" in page.text and "vcallerid is required" in page.text

    unknown = get(gw, f"/lastcaller/?vcallerid=1&token={token}&sfrequrl=https%3A%2F%2Fx&format=json")
    assert unknown.status == 400 and unknown.json["error"]["code"] == "unknownParameter"
    assert get(gw, f"/lastcaller/?vcallerid=1&token={token}&format=xml").status == 400
    assert get(gw, f"/lastcaller/?vcallerid=1&vcallerid=2&token={token}").status == 400
    # A bad token is refused before the query is looked at.
    assert get(gw, "/lastcaller/?token=nope&format=json").status == 401

    post = get(gw, f"/lastcaller/?vcallerid=1&token={token}", method="POST")
    assert post.status == 405 and post.header("Allow") == "GET, HEAD"


# ---------------------------------------------------------------- the token endpoint


def test_the_token_endpoint_takes_basic_or_a_session_token(lc_gateway):
    gw = lc_gateway()
    challenge = 'Basic realm="callgate", charset="UTF-8"'

    def refused(headers, status=401, target="/lastcaller/tokengen/token", method="GET"):
        reply = get(gw, target, headers, method=method)
        assert reply.status == status, (reply.status, reply.body)
        assert_common_headers(reply)
        if status == 401:
            assert reply.headers_named("WWW-Authenticate") == [challenge, 'Bearer realm="callgate"']
        return reply.json["error"]

    assert refused({}) == {"code": "unauthorized", "text": "authentication required"}
    assert refused(basic("alice", "wrong")) == {"code": "unauthorized", "text": "invalid user name or password"}
    assert refused(basic("mallory", "mallory"))["text"] == "invalid user name or password"
    assert refused({"Authorization": "Basic !!!"})["text"] == "malformed credential"
    assert refused({"Authorization": "Basic " + base64.b64encode(b"alice").decode()})["text"] == "malformed credential"
    assert refused({"Authorization": "Bearer nope"})["text"] == "malformed credential"
    assert refused({"Authorization": "Bearer " + widget_token("alice")})["text"] == "invalid credential"
    assert refused({"Authorization": "Bearer " + session_token("alice", issued=1, expires=2)})["text"] == "credential expired"
    assert refused({"Authorization": "Digest username=alice"})["text"] == "authentication required"
    # The password is right, the user disabled.
    assert refused(basic("dana", "dana"), status=403) == {"code": "accountDisabled", "text": "this user is disabled"}

    # Validity: 1…366 days, nothing else in the query.
    for days in ("0", "367", "abc", "-1", "1.5"):
        assert refused(basic("alice", "alice"), 400, f"/lastcaller/tokengen/token?days={days}")["code"] == "invalidParameter"
    assert refused(basic("alice", "alice"), 400, "/lastcaller/tokengen/token?password=alice")["code"] == "unknownParameter"
    for method in ("POST", "HEAD", "PUT"):
        reply = get(gw, "/lastcaller/tokengen/token", basic("alice", "alice"), method=method)
        assert reply.status == 405 and reply.header("Allow") == "GET"

    # Basic, with days; a UTF-8 password reaches the hash intact (colons after the first too).
    made = make_token(gw, "alice", days=7)
    assert made["user"] == "alice" and abs(made["expires"] - (int(time.time()) + 7 * DAY)) <= 5
    assert make_token(gw, "carol", days=366)["expires"] - int(time.time()) >= 366 * DAY - 5
    assert make_token(gw, UTF8_USER, UTF8_PASSWORD)["user"] == UTF8_USER
    assert refused(basic(UTF8_USER, "heslo"))["text"] == "invalid user name or password"

    # A session token from a /ws login, as Bearer.
    async def login():
        tab = await Tab.open(gw)
        return (await tab.ok("login", username="bob", password="bob"))["token"]

    session = asyncio_run(login())
    reply = get(gw, "/lastcaller/tokengen/token?days=30", {"Authorization": "Bearer " + session})
    assert reply.status == 200, reply.body
    assert reply.json["user"] == "bob"
    # ... and the widget token it gave is one the widget takes.
    assert widget(gw, CALLER, reply.json["token"], "json").json == {"number": CALLER, "callers": []}
    # The session token itself is not a widget token.
    assert widget(gw, CALLER, session, "json").status == 401

    log = gw.log
    assert "widget_token_issued" in log and "lastcaller_refused" in log
    assert "alice:wrong" not in log and session not in log and made["token"] not in log


def test_wrong_passwords_are_throttled_with_the_ws_login(lc_gateway):
    gw = lc_gateway(loginMaxFailures=3)
    # Three wrong passwords from one address; then even the right one is refused for a while.
    for _ in range(3):
        assert get(gw, "/lastcaller/tokengen/token", basic("carol", "nope"), source="127.0.0.5").status == 401
    blocked = get(gw, "/lastcaller/tokengen/token", basic("carol", "carol"), source="127.0.0.5")
    assert blocked.status == 429
    assert blocked.json == {"error": {"code": "tooManyAttempts", "text": "too many failed logins: try again later"}}
    assert blocked.header("Retry-After") == "300"
    # The user name is blocked from another address too, and on /ws: the same throttle.
    assert get(gw, "/lastcaller/tokengen/token", basic("carol", "carol"), source="127.0.0.6").status == 429

    async def ws_login():
        tab = await Tab.open(gw, source="127.0.0.7")
        await tab.refused("login", username="carol", password="carol")
        assert (await tab.event("loginError"))["code"] == 5  # tooManyAttempts

    asyncio_run(ws_login())
    # Another user is not affected, from another address or from the same one (an office behind
    # one address): the address has its own, higher limit (agents.loginAddressMaxFailures).
    assert get(gw, "/lastcaller/tokengen/token", basic("bob", "bob"), source="127.0.0.8").status == 200
    assert get(gw, "/lastcaller/tokengen/token", basic("bob", "bob"), source="127.0.0.5").status == 200
    assert lastcaller_metric(gw, "refused_tooManyAttempts", lambda n: n == 2) == 2


def test_ws_login_failures_count_for_the_token_endpoint(lc_gateway):
    gw = lc_gateway(loginMaxFailures=2)

    async def fail_twice():
        tab = await Tab.open(gw, source="127.0.0.9")
        for _ in range(2):
            await tab.refused("login", username="alice", password="nope")

    asyncio_run(fail_twice())
    assert get(gw, "/lastcaller/tokengen/token", basic("alice", "alice"), source="127.0.0.10").status == 429
    assert get(gw, "/lastcaller/tokengen/token", basic("bob", "bob"), source="127.0.0.10").status == 200
