// The agent bar's connection (public/src/operator/: connection.js, liveness.js, session.js,
// channels.js): reconnecting with backoff, attaching with the stored session after a loss or a
// reload, the heartbeat, and channel URLs. Through operator-harness.mjs: the real sources in a
// vm, a mock WebSocket, a manual clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EPOCH_MS, flush, loadOperator, signIn } from "./operator-harness.mjs";

test("reconnect: full-jitter delays under a doubling ceiling (250 ms to 15 s), one onError per outage", async () => {
  const h = loadOperator({ config: { heartbeatMilliseconds: 60_000 } }); // a silent server stays alive here
  h.socket.open();
  h.socket.event("connect", { protocol: 1 });
  const delays = [];
  for (let attempt = 0; attempt < 9; attempt++) {
    h.random(0.999);
    const before = h.sockets.length;
    h.socket.lose(1006);
    delays.push(h.bar.reconnectAt - EPOCH_MS - h.clock.now);
    h.clock.tick(delays.at(-1));
    assert.equal(h.sockets.length, before + 1, "the next attempt opens a new socket when its delay is over");
  }
  // ceiling = min(15000, 250·2^n), delay = floor(random · ceiling)
  assert.deepEqual(delays, [249, 499, 999, 1998, 3996, 7992, 14985, 14985, 14985]);
  assert.equal(h.callbacks("onError").length, 1, "once per outage, not per retry");
  assert.equal(h.callbacks("onError")[0][0], "The connection to the phone server was lost.");
  // Back: connect → onInfo; after 10 s of a stable connection the backoff starts over.
  h.socket.open();
  h.socket.event("connect", { protocol: 1 });
  assert.deepEqual(h.callbacks("onInfo"), [["Connection restored."]]);
  assert.equal(h.bar.attempts, 9);
  h.clock.tick(10_000);
  assert.equal(h.bar.attempts, 0);
  h.random(0.999);
  h.socket.lose(1006);
  assert.equal(h.bar.reconnectAt - EPOCH_MS - h.clock.now, 249);
  // A protocol the bar does not speak stops it for good.
  h.clock.tick(249);
  h.socket.open();
  h.socket.event("connect", { protocol: 2 });
  assert.equal(h.socket.closedWith.code, 1000);
  assert.equal(h.bar.S.connection, "stopped");
  h.clock.tick(60_000);
  assert.equal(h.sockets.length, 11, "no further attempt");
});

test("attach after a loss: the stored token, lastSeq and tab; a complete replay resumes without onReady", async () => {
  const h = loadOperator();
  const ws = await signIn(h, { token: "tok-A" });
  const tab = ws.request("login").params.tab;
  ws.event("stateChange", { status: "READY", reason: null }, 4);
  ws.lose(1006);
  h.clock.tick(20_000);
  const again = h.socket;
  again.open();
  again.event("connect", { protocol: 1 });
  again.event("credentials");
  assert.deepEqual(again.request("attach").params, { lastSeq: 4, token: "tok-A", tab });
  assert.equal(h.callbacks("onCredentials").length, 1, "the page is not asked: the bar attaches");
  again.reply("attach", { state: "READY", complete: true, lastSeq: 6 });
  assert.equal(h.bar.S.replaying, true, "events 5 and 6 are on their way");
  again.event("waitingCallersChange", { waitingCallers: 1 }, 5);
  again.event("waitingCallersChange", { waitingCallers: 2 }, 6);
  assert.equal(h.bar.S.replaying, false);
  assert.equal(h.op.lastSeq, 6);
  assert.equal(h.callbacks("onReady").length, 1, "the session went on: no second onReady");
  assert.equal(h.op.status, "READY");
});

test("with a shared engine the bar keeps the stream's epoch, sends it in attach, and counts afresh when it changes", async () => {
  const h = loadOperator();
  const ws = await signIn(h, { token: "tok-E" });
  const tab = ws.request("login").params.tab;
  ws.receive({ event: "stateChange", data: { status: "READY", reason: null }, seq: 7, epoch: "e1" });
  assert.equal(h.bar.S.epoch, "e1");
  ws.lose(1006);
  h.clock.tick(20_000);
  const again = h.socket;
  again.open();
  again.event("connect", { protocol: 1 });
  again.event("credentials");
  assert.deepEqual(again.request("attach").params, { lastSeq: 7, token: "tok-E", tab, epoch: "e1" });
  again.reply("attach", { state: "READY", complete: true, lastSeq: 7, epoch: "e1" });
  // Redis lost the stream: the next event is seq 1 of another epoch, and is applied.
  again.receive({ event: "waitingCallersChange", data: { waitingCallers: 3 }, seq: 1, epoch: "e2" });
  assert.equal(h.bar.S.epoch, "e2");
  assert.equal(h.op.lastSeq, 1);
  assert.equal(h.bar.S.waitingCallers, 3, "applied, not ignored as already seen");
});

test("attach after a reload: a fresh page attaches, fetches the state and calls onReady; an incomplete one starts over", async () => {
  const stored = { token: "tok-R", expires: EPOCH_MS / 1000 + 3600, user: "alice", provider: null, lastSeq: 9, locale: "en" };
  const h = loadOperator({ session: { "ucsOperator.session": JSON.stringify(stored), "ucsOperator.tab": JSON.stringify("tab-7") } });
  const ws = h.socket;
  ws.open();
  ws.event("connect", { protocol: 1 });
  ws.event("credentials");
  assert.deepEqual(ws.request("attach").params, { lastSeq: 9, token: "tok-R", tab: "tab-7" });
  ws.reply("attach", { state: "READY", complete: true, lastSeq: 9 });
  ws.reply("state", { status: "READY", reason: null, call: null, waitingCallers: 0 });
  await flush();
  assert.equal(h.callbacks("onReady").length, 1);
  assert.equal(h.callbacks("onCredentials").length, 0);

  // The gateway lost events (or signed the user in afresh): lastSeq starts over, `ready` follows.
  ws.lose(1006);
  h.clock.tick(20_000);
  h.socket.open();
  h.socket.event("connect", { protocol: 1 });
  h.socket.event("credentials");
  h.socket.reply("attach", { state: "IDENTIFY", complete: false });
  assert.equal(h.op.lastSeq, 0);
  assert.equal(h.window.sessionStorage.json("ucsOperator.session").lastSeq, 0);
  assert.equal(h.op.status, "IDENTIFY");
});

test("a refused attach (loginError 7) drops the token and asks for credentials; 4001/4003 drop it too, 4009 makes a new tab id", async () => {
  const stored = { token: "tok-old", expires: EPOCH_MS / 1000 + 3600, user: "alice", lastSeq: 3 };
  const h = loadOperator({ session: { "ucsOperator.session": JSON.stringify(stored), "ucsOperator.tab": JSON.stringify("tab-1") } });
  h.socket.open();
  h.socket.event("connect", { protocol: 1 });
  h.socket.event("credentials");
  h.socket.refuse("attach", { code: "loginFailed", text: "expired" });
  h.socket.event("loginError", { code: 7, message: "session expired" });
  await flush();
  assert.equal(h.window.sessionStorage.getItem("ucsOperator.session"), null);
  assert.equal(h.callbacks("onCredentials").length, 1);
  assert.equal(h.op.status, "CREDENTIALS");

  const h2 = loadOperator({ session: { "ucsOperator.session": JSON.stringify(stored), "ucsOperator.tab": JSON.stringify("tab-1") } });
  h2.socket.open();
  h2.socket.lose(4003);
  assert.equal(h2.window.sessionStorage.getItem("ucsOperator.session"), null, "an expired credential is never tried again");
  const h3 = loadOperator({ session: { "ucsOperator.tab": JSON.stringify("tab-1") } });
  h3.socket.open();
  h3.socket.lose(4009);
  assert.notEqual(h3.window.sessionStorage.json("ucsOperator.tab"), "tab-1", "a duplicated tab comes back as its own");
});

test("heartbeat: ping after heartbeatMilliseconds of silence; no answer in heartbeatTimeoutMilliseconds gives the socket up", async () => {
  const h = loadOperator({ config: { heartbeatMilliseconds: 2000, heartbeatTimeoutMilliseconds: 1000 } });
  const ws = await signIn(h);
  const pings = () => ws.messages.filter((m) => m.method === "ping").length;
  h.clock.tick(1999);
  assert.equal(pings(), 0);
  h.clock.tick(1);
  assert.equal(pings(), 1, "silence: a ping");
  ws.reply("ping", {}); // any answer counts
  h.clock.tick(1000);
  assert.equal(ws.closedWith, null, "alive");
  // Traffic postpones the probe.
  h.clock.tick(900);
  ws.event("waitingCallersChange", { waitingCallers: 1 }, 1);
  h.clock.tick(1500);
  assert.equal(pings(), 1, "a message arrived 1.5 s ago: no ping yet");
  h.clock.tick(500);
  assert.equal(pings(), 2);
  // No answer: given up at once (4000), reconnecting, the pending requests rejected.
  const hold = h.op.hold();
  h.clock.tick(1000);
  assert.deepEqual(ws.closedWith, { code: 4000, reason: "no answer to the heartbeat" });
  await assert.rejects(hold, (error) => error.code === "disconnected");
  assert.equal(h.bar.S.connection, "reconnecting");
  assert.equal(h.callbacks("onError").length, 1);
});

test("connect timeout: a handshake not done in connectTimeoutMilliseconds is abandoned and tried again", () => {
  const h = loadOperator({ config: { connectTimeoutMilliseconds: 1500 } });
  const first = h.socket;
  h.clock.tick(1499);
  assert.equal(first.closedWith, null);
  h.clock.tick(1);
  assert.deepEqual(first.closedWith, { code: 4000, reason: "the connection did not open in time" });
  assert.equal(h.callbacks("onError")[0][0], "Cannot connect to the phone server.");
  h.clock.tick(300);
  assert.equal(h.sockets.length, 2);
});

test("createLiveness alone: the verdicts 'connect' and 'silent', and a late timer that finds an answer", () => {
  const h = loadOperator({ readyState: "loading" }); // not started: only the function is used
  const verdicts = [];
  let probes = 0;
  const live = h.bar.createLiveness({ idleMs: 100, timeoutMs: 50, connectMs: 30, probe: () => probes++,
                                      dead: (why) => verdicts.push(why) });
  live.opening();
  h.clock.tick(30);
  assert.deepEqual(verdicts, ["connect"]);
  live.opening();
  h.clock.tick(10);
  live.opened();
  h.clock.tick(100);
  assert.equal(probes, 1);
  live.received();
  h.clock.tick(50);
  assert.deepEqual(verdicts, ["connect"], "answered in time");
  h.clock.tick(100);
  assert.equal(probes, 2);
  h.clock.tick(50);
  assert.deepEqual(verdicts, ["connect", "silent"]);
  live.stop();
  h.clock.tick(1000);
  assert.equal(probes, 2, "stopped: no timer left");
  assert.equal(h.clock.pending, 0);
});

test("channelURL: docs/operator.md §2.1's examples", () => {
  const url = (api, location = "https://crm.example.cz/app") => {
    const h = loadOperator({ config: { api }, location, readyState: "loading" });
    return (name) => h.bar.channelURL(name);
  };
  assert.equal(url(null)("ws"), "wss://crm.example.cz/ws");
  assert.equal(url({ hostname: "127.0.0.1", port: 18080, secure: false })("ws"), "ws://127.0.0.1:18080/ws");
  const gw = url({ hostname: "gw", port: 443, path: "/ucs", report: { port: 8443 } });
  assert.equal(gw("ws"), "wss://gw/ucs/ws");
  assert.equal(gw("report"), "wss://gw:8443/ucs/report");
  assert.equal(url(null, "http://127.0.0.1:8080/crm.html")("report"), "ws://127.0.0.1:8080/report");
  assert.equal(url({ hostname: "::1", port: 80, secure: false, sip: { path: "/phone" } })("sip"), "ws://[::1]/phone");
});

test("a draining gateway's close 1012 with a hint: the bar waits the hint plus up to a quarter more, and the backoff does not grow", async () => {
  const h = loadOperator({ config: { heartbeatMilliseconds: 60_000 } });
  h.socket.open();
  h.socket.event("connect", { protocol: 1 });
  h.random(0.999);
  h.socket.lose(1012, "draining; reconnect in 4000 ms");
  assert.equal(h.bar.reconnectAt - EPOCH_MS - h.clock.now, 4999, "4000 + floor(0.999 · 1000)");
  assert.equal(h.bar.attempts, 0, "a hint is no failure");
  assert.equal(h.callbacks("onError").length, 0, "a planned move: no error for the CRM");
  const before = h.sockets.length;
  h.clock.tick(4998);
  assert.equal(h.sockets.length, before, "not before the hint");
  h.clock.tick(1);
  assert.equal(h.sockets.length, before + 1);
  // Without the hint's reason, 1012 is a loss like any other: full jitter under the ceiling.
  h.random(0.5);
  h.socket.lose(1012, "back end restarts");
  assert.equal(h.bar.reconnectAt - EPOCH_MS - h.clock.now, 125);
  assert.equal(h.callbacks("onError").length, 1, "a loss is told");
  // A hint above a minute is cut to a minute.
  h.clock.tick(125);
  h.random(0);
  h.socket.lose(1012, "draining; reconnect in 3600000 ms");
  assert.equal(h.bar.reconnectAt - EPOCH_MS - h.clock.now, 60_000);
});
