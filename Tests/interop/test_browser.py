"""Headless Chromium (Debian's `chromium`) against the gateway's wss echo, driven through the
DevTools protocol with the test's own WebSocket client (no npm, no driver)."""
import json


from devtools import Chromium, spki_sha256
from conftest import generated_certificate



ECHO_SCRIPT = """
new Promise((resolve, reject) => {
  const ws = new WebSocket("wss://127.0.0.1:%d/echo");
  ws.binaryType = "arraybuffer";
  const result = {};
  const text = "Hello from Chromium, " + "Oběd ".repeat(60);
  const binary = new Uint8Array(5000).map((_, i) => (i * 7) %% 256);
  ws.onopen = () => { result.extensions = ws.extensions; ws.send(text); };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") {
      result.textEchoed = event.data === text;
      ws.send(binary);
    } else {
      const got = new Uint8Array(event.data);
      result.binaryEchoed = got.length === binary.length && got.every((v, i) => v === binary[i]);
      ws.close(1000, "done");
    }
  };
  ws.onerror = () => { result.error = true; };
  ws.onclose = (event) => { result.closeCode = event.code; result.wasClean = event.wasClean; resolve(JSON.stringify(result)); };
  setTimeout(() => reject(new Error("timed out: " + JSON.stringify(result))), 15000);
})
"""


def test_chromium_exchanges_text_and_binary_over_wss_with_compression(start_gateway, tmp_path):
    gateway = start_gateway(config={"stateDirectory": str(tmp_path / "state")})
    browser = Chromium(spki=[spki_sha256(generated_certificate(gateway))])
    try:
        page = browser.default_page()
        result = json.loads(page.evaluate(ECHO_SCRIPT % gateway.tls_port))
        page.check()
    finally:
        browser.close()
    assert result.get("error") is None, result
    assert result["extensions"].startswith("permessage-deflate"), result
    assert result["textEchoed"] and result["binaryEchoed"], result
    assert result["closeCode"] == 1000 and result["wasClean"], result


# Four sockets of one page take turns on the loop's shared zlib streams (docs/config.md,
# `permessageDeflate`): each sends agent-event-like messages, some repeated (context takeover:
# back-references into its own history), some larger than the 4 KiB window, and checks every echo.
SHARED_STREAMS_SCRIPT = """
new Promise((resolve, reject) => {
  const port = %d, count = 4, rounds = 25;
  const results = { extensions: [], mismatches: 0, echoed: 0, closes: [] };
  // Every fourth message reuses the sequence number of the one before (much of it repeats);
  // every fifth is 7 KB, past the 4 KiB window.
  const event = (i, n) => JSON.stringify({ event: i %% 2 ? "callRinging" : "callNew", seq: n,
    data: { call: { uniqueid: "1700000000." + (n %% 3), queue: "Podpora", number: "+420602123456",
      pad: "abcdefghij".repeat(i %% 5 === 4 ? 700 : 20 + (n %% 7)) } } });
  const sockets = [];
  let open = 0, closed = 0;
  for (let s = 0; s < count; s++) {
    const ws = new WebSocket("wss://127.0.0.1:" + port + "/echo");
    const state = { ws, sent: 0, last: null };
    state.next = () => {
      state.last = event(s + state.sent, state.sent %% 4 === 3 ? state.sent - 1 : state.sent);
      state.sent++;
      ws.send(state.last);
    };
    ws.onopen = () => {
      results.extensions.push(ws.extensions);
      if (++open === count) sockets.forEach((each) => each.next());  // all start together
    };
    ws.onmessage = (message) => {
      if (message.data === state.last) results.echoed++; else results.mismatches++;
      if (state.sent < rounds) state.next(); else ws.close(1000, "done");
    };
    ws.onerror = () => { results.error = true; };
    ws.onclose = (e) => { results.closes.push(e.code); if (++closed === count) resolve(JSON.stringify(results)); };
    sockets.push(state);
  }
  setTimeout(() => reject(new Error("timed out: " + JSON.stringify(results))), 30000);
})
"""


def test_chromium_tabs_take_turns_on_the_shared_deflate_streams(start_gateway, tmp_path):
    gateway = start_gateway(config={"stateDirectory": str(tmp_path / "state")})
    browser = Chromium(spki=[spki_sha256(generated_certificate(gateway))])
    try:
        page = browser.default_page()
        result = json.loads(page.evaluate(SHARED_STREAMS_SCRIPT % gateway.tls_port))
        page.check()
    finally:
        browser.close()
    assert result.get("error") is None, result
    # The defaults a browser gets: it resets its compressor per message, ours keeps a 12-bit window.
    assert result["extensions"] == ["permessage-deflate; client_no_context_takeover; server_max_window_bits=12"] * 4, result
    assert result["mismatches"] == 0 and result["echoed"] == 4 * 25, result
    assert result["closes"] == [1000] * 4, result
