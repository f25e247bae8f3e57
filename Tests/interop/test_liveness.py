"""Dead tabs (issue 19), with a relay that black-holes connections without closing anything
(blackhole.py) between real WebSocket clients, or headless Chromium, and the release binary:

- a tab that keeps receiving events is pinged and dropped at the pong deadline anyway
  (docs/config.md, `limits.idleTimeoutMilliseconds`: alive is what the peer *sends*);
- a tab that reconnects one second into the outage, with its tab id, is primary again at once
  and rings, and no event of the outage is lost (docs/agent-protocol.md §4);
- the agent bar (public/operator.js) behind the relay notices the loss by its heartbeat, shows
  it, and reconnects and attaches within the times docs/operator.md §5.1 gives, primary and
  ringing, with every event of the outage."""
import asyncio
import json
import struct
import time
import urllib.parse

from blackhole import relay  # noqa: F401 (a fixture)
from conftest import metric, wait_metric
from agent_support import Tab, agent_gateway, inbound_call, ready_tab  # noqa: F401 (fixtures)
from bar_support import PROVIDER, Bar, browser, certificate, chromium, crm_gateway, crm_url, sso_token  # noqa: F401

TICK = 0.25  # the gateway's timer resolution (EventLoop.tickInterval)


def run(coroutine, timeout=60):
    """Runs a scenario; its result."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def test_a_tab_that_keeps_receiving_events_is_pinged_and_dropped_at_the_deadline(agent_gateway, relay):
    idle, pong = 1.0, 1.0
    gw = agent_gateway(limits={"idleTimeoutMilliseconds": int(idle * 1000), "pongTimeoutMilliseconds": int(pong * 1000)})
    cut = relay(gw.http_port)

    async def scenario():
        quiet = await ready_tab(gw, port=cut.port)  # through the relay
        talker = await Tab.open(gw)                 # alice's second tab, directly
        await talker.ok("attach", lastSeq=quiet.seqs[-1], token=quiet.token)
        assert (await talker.event("primary")) == {"primary": False, "tabs": 2}
        [link] = cut.links

        cut.cut()
        cut_at = time.monotonic()
        silent_since = link.last_forwarded_from_client()
        # The other tab notifies every 200 ms: a `message` event to both tabs, so the gateway
        # keeps writing into the black hole, and the kernel keeps taking it.
        sent = 0
        while time.monotonic() - cut_at < idle + pong + 3 * TICK + 2:
            sent += 1
            await talker.ok("notify", title=f"tick {sent}")
            if link.target_closed_at is not None and sent > 3:
                break
            await asyncio.sleep(0.2)
        assert link.target_closed_at is not None, "the gateway never dropped the black-holed tab"
        # When it left, alice's other tab became the only one, and primary.
        assert (await talker.event("primary")) == {"primary": True, "tabs": 1}
        return silent_since, cut_at, link

    silent_since, cut_at, link = run(scenario())
    frames = link.websocket_frames()
    pings = [at for at, opcode, _, _ in frames if opcode == 0x9]
    assert len(pings) == 1, frames
    ping_at = pings[0]
    # Pinged after `idle` without a byte from the tab, at the next timer tick...
    assert idle <= ping_at - silent_since <= idle + TICK + 0.3, (ping_at - silent_since)
    # ... although events kept going to it up to then (the old rule counted those writes).
    events_before_ping = [at for at, opcode, _, forwarded in frames if opcode == 0x1 and cut_at < at < ping_at and not forwarded]
    assert len(events_before_ping) >= 3, frames
    # Dropped at the pong deadline, without a closing handshake (nothing would answer it).
    assert pong <= link.target_closed_at - ping_at <= pong + TICK + 0.3, (link.target_closed_at - ping_at)
    assert not [f for f in frames if f[1] == 0x8], frames
    print(f"pinged {ping_at - silent_since:.2f} s after the tab's last byte, dropped {link.target_closed_at - ping_at:.2f} s later")
    assert wait_metric(gw, 'callgate_timeouts_total{kind="idle"}', 1) == 1
    assert "idle_timeout" in gw.log


def test_a_tab_that_reconnects_one_second_into_the_outage_is_primary_and_rings_at_once(agent_gateway, relay):
    # Default liveness limits: the dead tab would hold its place for up to 20 s.
    gw = agent_gateway(ackTimeoutMilliseconds=1500, ackResends=1)
    cut = relay(gw.http_port)

    async def scenario():
        first = await ready_tab(gw, tab_id="tab-of-alice", port=cut.port)   # alice's only tab: primary
        last_seen = first.seqs[-1]
        [link] = cut.links

        cut.cut()
        cut_at = time.monotonic()
        # Meanwhile a caller rings alice: callNew and callRinging go into the black hole.
        uniqueid = inbound_call(gw, "queue=100")
        await asyncio.sleep(1.0 - (time.monotonic() - cut_at))

        # A tab without a tab id is a new tab: the dead one still holds the primary place.
        other = await Tab.open(gw)
        other.seqs = [last_seen]
        await other.ok("attach", lastSeq=last_seen, token=first.token)
        assert (await other.event("primary")) == {"primary": False, "tabs": 2}

        # The same browser tab comes back with its tab id: it takes the dead tab's place.
        back = await Tab.open(gw)
        back.seqs = [last_seen]  # Tab checks that seq never skips from here on
        attached_at = time.monotonic()
        result = await back.ok("attach", lastSeq=last_seen, token=first.token, tab="tab-of-alice")
        assert result["state"] == "READY" and result["complete"] is True, result
        assert (await back.event("primary")) == {"primary": True, "tabs": 2}
        primary_after = time.monotonic() - attached_at
        # No event of the outage is lost: both, after last_seen, in order, before `primary`.
        assert [m["event"] for m in back.buffer] == ["callNew", "callRinging"], back.buffer
        assert back.seqs == [last_seen, last_seen + 1, last_seen + 2] and result["lastSeq"] == last_seen + 2, (back.seqs, result)
        ringing = (await back.message("callRinging"))["data"]["call"]
        assert ringing["uniqueid"] == uniqueid and ringing["state"] == 2 and ringing["direction"] == "INCOMING"
        assert (await other.event("primary")) == {"primary": False, "tabs": 2}

        # The primary tab (this one) rings; it answers; the caller is not passed on.
        await back.ok("answer")
        connected = (await back.message("callConnect"))["data"]["call"]
        assert connected["uniqueid"] == uniqueid and connected["connected_username"] == "alice"
        return link, cut_at, primary_after

    link, cut_at, primary_after = run(scenario())
    assert primary_after < 0.5, primary_after
    assert wait_metric(gw, 'callgate_route_events_total{channel="ws",event="tab_replaced"}', 1) == 1
    assert metric(gw, 'callgate_route_events_total{channel="ws",event="agent_unreachable"}') == 0
    # The dead connection was told 4009 (into the black hole) at the takeover, and received no
    # event after it.
    frames = [f for f in link.websocket_frames() if f[0] > cut_at]
    closes = [payload for _, opcode, payload, _ in frames if opcode == 0x8]
    assert closes and struct.unpack("!H", closes[0][:2])[0] == 4009, frames
    after_close = [f for f in frames if f[0] > [at for at, opcode, _, _ in frames if opcode == 0x8][0]]
    assert not after_close, after_close


# ---------------------------------------------------------------- the agent bar in Chromium

# Page-side record of the bar's connection state: every change of `data-ucs-connection` on the
# bar's root, with the page's clock (the same wall clock as this process's time.time()).
WATCH_CONNECTION = """(() => {
  const root = document.getElementById('ucsOperator');
  window.connectionLog = [{ state: root.getAttribute('data-ucs-connection'), at: Date.now() }];
  new MutationObserver(() => {
    const state = root.getAttribute('data-ucs-connection');
    if (state !== window.connectionLog[window.connectionLog.length - 1].state) {
      window.connectionLog.push({ state, at: Date.now() });
    }
  }).observe(root, { attributes: true, attributeFilter: ['data-ucs-connection'] });
  return true;
})()"""

# docs/operator.md §5.1, the defaults: ping after 5 s of silence, dead 3 s later; a handshake
# given up after 5 s; the first backoff delays < 250 ms, then < 500 ms.
HEARTBEAT, HEARTBEAT_TIMEOUT, CONNECT_TIMEOUT = 5.0, 3.0, 5.0


def test_the_bar_behind_a_black_hole_shows_the_loss_reconnects_and_rings_with_nothing_lost(crm_gateway, browser, relay):
    # Rings long enough, and waits for an ack long enough, for the bar to come back to it.
    gw = crm_gateway(settings={"ringSeconds": 60}, ackTimeoutMilliseconds=30000)
    cut = relay(gw.http_port)
    page = browser.new_page("alice-behind-a-black-hole")
    bar = Bar(page).open(f"http://127.0.0.1:{cut.port}/crm.html?" + urllib.parse.urlencode(
        {"headless": "0", "identifier": "web-alice", "user": "alice", "sso": sso_token("alice"), "provider": PROVIDER},
        quote_via=urllib.parse.quote))
    assert bar.callback("onReady")[0][0]["status"] == "READY"
    page.wait_for("document.getElementById('ucsOperator').getAttribute('data-ucs-primary') === 'true'")
    page.evaluate(WATCH_CONNECTION)
    seq_before = page.evaluate("window.ucsOperator.lastSeq")
    tab_id = page.evaluate("JSON.parse(sessionStorage.getItem('ucsOperator.tab'))")
    assert isinstance(tab_id, str) and tab_id, tab_id

    cut.cut(new=True)  # the network is gone: the open connections and any new one
    cut_at = time.time()
    time.sleep(1)
    uniqueid = inbound_call(gw, "queue=100")  # rings alice's dead connection

    # The heartbeat notices within 5 + 3 s of the last message the bar had (at most 8 s ago).
    page.wait_for("window.connectionLog.some(e => e.state === 'reconnecting')", timeout=HEARTBEAT + HEARTBEAT_TIMEOUT + 3)
    log = page.evaluate("window.connectionLog")
    lost_at = next(e["at"] for e in log if e["state"] == "reconnecting") / 1000
    # The last message that reached the bar before the loss (its debug log of what it received):
    heard_at = max(e["at"] for e in bar.log("onDebug") if e["args"][0].startswith("[ucsOperator] ←")
                   and e["at"] / 1000 < lost_at) / 1000
    assert heard_at <= cut_at + 0.1, (heard_at, cut_at)
    assert lost_at - heard_at <= HEARTBEAT + HEARTBEAT_TIMEOUT + 1.0, (lost_at - heard_at, log)
    page.wait_for("!document.querySelector('[data-ucs-banner]').hidden")
    bar.screenshot("liveness-connection-lost")
    assert bar.callback("onError")[0][0], bar.log("onError")
    time.sleep(2)  # still down: the bar keeps trying, and never shows "connected"
    assert [e["state"] for e in page.evaluate("window.connectionLog")][1:] == ["reconnecting"], page.evaluate("window.connectionLog")

    cut.restore_new()  # the network is back; the old connection stays dead (a forgotten NAT flow)
    restored_at = time.time()
    page.wait_for("window.connectionLog.some((e, i) => i > 0 && e.state === 'open')", timeout=CONNECT_TIMEOUT + 5)
    log = page.evaluate("window.connectionLog")
    back_at = next(e["at"] for i, e in enumerate(log) if i > 0 and e["state"] == "open") / 1000
    # A hanging attempt is given up after 5 s, the next one waits < 500 ms.
    assert back_at - restored_at <= CONNECT_TIMEOUT + 0.5 + 1.0, (back_at - restored_at, log)
    print(f"the bar showed the loss {lost_at - cut_at:.2f} s into the outage ({lost_at - heard_at:.2f} s after its last message), "
          f"was connected again {back_at - restored_at:.2f} s after the network came back")

    # Attached with its tab id: primary again at once, and ringing the call of the outage.
    page.wait_for("window.ucsOperator.ringing !== null && document.getElementById('ucsOperator')"
                  ".getAttribute('data-ucs-primary') === 'true'", timeout=3,
                  diagnostics="[window.ucsOperator.ringing, document.getElementById('ucsOperator').getAttribute('data-ucs-primary')]")
    ringing = bar.callback("onCallRinging")
    assert [args[0]["uniqueid"] for args in ringing] == [uniqueid], ringing
    assert [args[0]["uniqueid"] for args in bar.callback("onCallNew")] == [uniqueid]
    bar.screenshot("liveness-back-and-ringing")
    assert wait_metric(gw, 'callgate_route_events_total{channel="ws",event="tab_replaced"}', 1) == 1
    # Nothing lost: the bar processed every per-user event, callNew and callRinging among them.
    assert page.evaluate("window.ucsOperator.lastSeq") == seq_before + 2
    bar.method("answer")
    connected = bar.callback("onCallConnect")[0][0]
    assert connected["uniqueid"] == uniqueid and connected["connected_username"] == "alice", connected
    assert not [e for e in bar.log("onLoginError")], bar.log("onLoginError")
    assert bar.callback("onInfo")  # "connection restored"


def test_a_duplicated_tab_that_shares_the_tab_id_takes_a_new_one_instead_of_ping_ponging(crm_gateway, browser):
    """A browser's "Duplicate tab" copies sessionStorage, tab id included: the copy's login takes
    the first tab's place (4009 to the first), and the first comes back as a tab of its own."""
    gw = crm_gateway()
    first = Bar(browser.new_page("alice-first"))
    first.open(crm_url(gw, headless="0", identifier="web-alice", user="alice", sso=sso_token("alice"), provider=PROVIDER))
    first.callback("onReady")
    shared = first.page.evaluate("JSON.parse(sessionStorage.getItem('ucsOperator.tab'))")

    copy_page = browser.new_page("alice-duplicate")
    copy_page.send("Page.addScriptToEvaluateOnNewDocument",
                   {"source": f"sessionStorage.setItem('ucsOperator.tab', {json.dumps(json.dumps(shared))})"})
    copy = Bar(copy_page).open(crm_url(gw, headless="0", identifier="web-alice", user="alice", sso=sso_token("alice"),
                                       provider=PROVIDER))
    copy.callback("onReady")
    assert copy_page.evaluate("JSON.parse(sessionStorage.getItem('ucsOperator.tab'))") == shared

    # The first tab was closed with 4009, took a new id and attached again: two tabs, one primary.
    renewed = first.page.wait_for(f"""(() => {{ const id = JSON.parse(sessionStorage.getItem('ucsOperator.tab'));
        return id !== {json.dumps(shared)} && window.ucsOperator.status === 'READY'
          && document.getElementById('ucsOperator').getAttribute('data-ucs-connection') === 'open' ? id : null; }})()""",
        diagnostics="[JSON.parse(sessionStorage.getItem('ucsOperator.tab')), window.ucsOperator.status, "
                    "(window.crmLog || []).slice(-25).map(e => e.name + ' ' + JSON.stringify(e.args).slice(0, 200))]")
    assert renewed and renewed != shared
    primaries = [page.wait_for("(() => { const p = document.getElementById('ucsOperator').getAttribute('data-ucs-primary');"
                               " return p === 'true' || p === 'false' ? p : null; })()") for page in (first.page, copy_page)]
    assert sorted(primaries) == ["false", "true"], primaries
    time.sleep(2)  # and it stays so: no replacing each other in turn
    assert wait_metric(gw, 'callgate_route_events_total{channel="ws",event="tab_replaced"}', 1) == 1
    assert len(first.log("onConnect")) == 2 and len(copy.log("onConnect")) == 1
