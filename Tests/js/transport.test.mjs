// Reconnecting with backoff and jitter (public/phone/transport.mjs). Node 20 has no WebSocket,
// so FakeWebSocket (a mock of the browser's) stands in for it; the real one is exercised by
// Tests/interop/test_phone_browser.py against Kamailio.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RECONNECT_MAX_MS, Transport, backoffDelay } from "../../public/phone/transport.mjs";
import { ManualClock } from "./helpers.mjs";

test("backoff: doubling from 1 s to the 30 s cap, drawn from [base/2, base]", () => {
  const low = (n) => backoffDelay(n, { random: () => 0 });
  const high = (n) => backoffDelay(n, { random: () => 1 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(high), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.deepEqual([0, 1, 5].map(low), [500, 1000, 15000]);
  assert.equal(high(1e6), RECONNECT_MAX_MS, "no overflow for a huge attempt count");
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3);
    assert.ok(d >= 4000 && d <= 8000, String(d));
  }
});

class FakeWebSocket {
  static made = [];
  constructor(url, protocol) {
    Object.assign(this, { url, offered: protocol, readyState: 0, protocol: "", sent: [] });
    FakeWebSocket.made.push(this);
  }
  accept(protocol = "sip") { this.readyState = 1; this.protocol = protocol; this.onopen?.(); }
  send(text) { this.sent.push(text); }
  close(code = 1000, reason = "") { this.readyState = 3; this.closed = code; this.onclose?.({ code, reason }); }
}

function transport() {
  FakeWebSocket.made = [];
  const clock = new ManualClock();
  const states = [];
  const received = [];
  const t = new Transport({ url: "ws://x/sip", WebSocketClass: FakeWebSocket, timers: clock,
    onMessage: (m) => received.push(m), onState: (s, d) => states.push([s, d.retryInMs ?? d.code ?? d.attempt ?? null]) });
  return { t, clock, states, received };
}

test("offers the sip subprotocol and refuses a server that does not select it (RFC 7118 §4)", () => {
  const { t, states } = transport();
  t.start();
  const ws = FakeWebSocket.made[0];
  assert.equal(ws.offered, "sip");
  ws.accept("");
  assert.equal(ws.closed, 1002);
  assert.equal(states.at(-1)[0], "closed");
});

test("reconnects after a loss with growing delays; healthy() starts the backoff over", () => {
  const { t, clock, states, received } = transport();
  t.start();
  FakeWebSocket.made[0].accept();
  FakeWebSocket.made[0].onmessage({ data: "SIP/2.0 200 OK\r\n\r\n" });
  assert.deepEqual(received, ["SIP/2.0 200 OK\r\n\r\n"]);
  assert.equal(t.send("x"), true);
  for (let i = 0; i < 3; i++) {
    FakeWebSocket.made.at(-1).close(1006); // lost (or never opened): the next attempt is scheduled
    clock.tick(RECONNECT_MAX_MS);
  }
  const delays = states.filter(([s]) => s === "closed").map(([, d]) => d);
  assert.equal(delays.length, 3);
  assert.ok(delays[0] <= 1000 && delays[1] >= 1000 && delays[1] <= 2000 && delays[2] >= 2000 && delays[2] <= 4000, String(delays));
  assert.equal(FakeWebSocket.made.length, 4);
  FakeWebSocket.made.at(-1).accept();
  t.healthy();
  FakeWebSocket.made.at(-1).close(1006);
  assert.ok(states.at(-1)[1] <= 1000, "back to the first delay");
});

test("send fails while closed; stop ends reconnecting", () => {
  const { t, clock } = transport();
  t.start();
  assert.equal(t.send("x"), false, "not open yet");
  FakeWebSocket.made[0].close(1006);
  t.stop();
  clock.tick(RECONNECT_MAX_MS * 2);
  assert.equal(FakeWebSocket.made.length, 1);
});
