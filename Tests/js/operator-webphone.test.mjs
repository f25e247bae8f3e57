// The agent bar's web phone (public/src/operator/webphone.js, tabs.js; docs/operator.md §14):
// which tab holds it, what it is made with, the methods that drive it, and where the calls come
// from: the callbacks and Call objects from the gateway's /ws events only, the phone's own events
// for the ringing sound and the microphone's mute. The phone is a MOCK of public/phone/'s
// createPhone (given as the config's webPhoneModule); the real one runs in
// Tests/interop/test_webphone_browser.py against Kamailio, with the gateway's SIP edge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EPOCH_MS, flush, loadOperator, plain, signIn } from "./operator-harness.mjs";

const WEB_PHONE = { id: "alice-web", name: "Web phone", extension: 2001, identifier: "webphone:sip:2001@callgate.test" };

/** A mock of the phone of public/phone/phone.mjs: records what the bar does, plays its events.
 *  Its calls are {id (the SIP Call-ID), direction, state}, as public/phone/call.mjs's. */
class MockPhone {
  static made = [];
  constructor(options) {
    Object.assign(this, { options, started: 0, stopped: 0, registered: false, connected: false, list: [], did: [] });
    MockPhone.made.push(this);
  }
  start() { this.started++; return this; }
  stop() { this.stopped++; }
  get calls() { return this.list; }
  find(id) { return (id ? this.list.find((c) => c.id === id) : this.list.at(-1)) || null; }
  emit(type, call, detail = {}) { this.options.onEvent({ type, ...(call ? { call: { ...call } } : {}), ...detail }); }
  register() { this.registered = this.connected = true; this.emit("connected"); this.emit("registered", null, { expires: 600 }); }
  call(target) {
    this.did.push(["call", target]);
    const call = { id: "q8Xz3kLm0aBc", direction: "outgoing", state: 0 };
    this.list.push(call);
    return call;
  }
  answer() { this.did.push(["answer"]); return this.list.some((c) => c.state === 2); }
  hangup() { this.did.push(["hangup"]); return this.list.length > 0; }
  hold() { this.did.push(["hold"]); return Promise.resolve(true); }
  unhold() { this.did.push(["unhold"]); return Promise.resolve(true); }
  mute() { this.did.push(["mute"]); return true; }
  sendDtmf(tones) { this.did.push(["dtmf", tones]); return Promise.resolve("rfc4733"); }
  blindTransfer(target) { this.did.push(["refer", target]); return true; }
}

/** The phone's call info of an incoming call (docs/sip.md "Call info"). */
const INCOMING = { uniqueid: "call-id-1@x.invalid", direction: "INCOMING", number: "2002", name: "Bohumil Dvořák",
                   uri: "sip:2002@callgate.test", state: 2, cause: -1, created: EPOCH_MS / 1000, connected: null,
                   disconnected: null, held: false, remoteHeld: false, muted: false };

/** The gateway's Call object of a web phone call, as its SIP edge makes it (docs/sip-edge.md §3;
 *  Sources/SIPEdge/SIPCallTracker.swift), with the fields these tests read. */
function gatewayCall(changes = {}) {
  return { uniqueid: INCOMING.uniqueid, call_guid: "01a24f47-b448-766f-9978-7ac4175e4581", id: 1, direction: "INCOMING",
           state: 0, number: "2002", name: "Bohumil Dvořák", caller_number: "2002", called_number: "2001", cause: -1,
           created: EPOCH_MS / 1000, connected: null, disconnected: null, connected_number: null, connected_username: null,
           caller_muted: false, connected_muted: false, now: EPOCH_MS / 1000, data: {}, ...changes };
}

async function withWebPhone(options = {}) {
  MockPhone.made = [];
  const h = loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) },
                                     audioInputConstraints: { echoCancellation: false }, ...options.config },
                           location: "https://crm.example.org/app" });
  const ws = await signIn(h, { device: WEB_PHONE, token: "tok-alice" });
  await flush();
  return { h, ws, phone: MockPhone.made.at(-1) };
}

/** The names of the call callbacks fired so far, in order. */
const callNames = (h) => h.calls.filter((c) => c.name.startsWith("onCall")).map((c) => c.name);

/** Every call method that reached the gateway (none may, with the web phone). */
const callMethodsSent = (ws) => ws.messages.map((m) => m.method)
  .filter((m) => m && !["login", "selectIdentifier", "provision", "state", "ack"].includes(m));

test("webPhoneIdentity reads webphone:<SIP address of record> and nothing else", async () => {
  const { bar } = loadOperator({ readyState: "loading" });
  assert.deepEqual(plain(bar.webPhoneIdentity(WEB_PHONE)), { aor: "sip:2001@callgate.test", user: "2001", domain: "callgate.test" });
  assert.deepEqual(plain(bar.webPhoneIdentity({ identifier: "webphone:sips:al%20ice@PBX.example.com" })),
                   { aor: "sips:al%20ice@PBX.example.com", user: "al ice", domain: "pbx.example.com" });
  for (const identifier of ["10.0.0.7", "sip:2001", "web-alice", "webphone:", "webphone:2001", "webphone:sip:@x", "webphone:tel:+420"]) {
    assert.equal(bar.webPhoneIdentity({ identifier }), null, identifier);
  }
  assert.equal(bar.webPhoneIdentity(null), null);
});

test("the primary tab makes the phone with the sip route, the session token and audioInputConstraints", async () => {
  const { h, phone } = await withWebPhone();
  assert.equal(MockPhone.made.length, 1);
  assert.deepEqual(plain({ ...phone.options, onEvent: undefined, onLog: undefined }), {
    url: "wss://crm.example.org/sip", token: "tok-alice", user: "2001", domain: "callgate.test", displayName: "Alena Nováková",
    audioConstraints: { echoCancellation: false }, iceServers: [] });
  assert.equal(phone.started, 1);
  assert.equal(h.op.webPhone.state, "connecting");
  phone.register();
  assert.equal(h.op.webPhone.state, "registered");
  assert.equal(h.op.webPhone.aor, "sip:2001@callgate.test");
  // A desk phone paired instead: no web phone.
  const desk = loadOperator();
  await signIn(desk);
  assert.equal(desk.op.webPhone, null);
});

test("only the primary tab holds the phone; it moves when the gateway makes another tab primary", async () => {
  MockPhone.made = [];
  const h = loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) } } });
  const ws = await signIn(h, { device: WEB_PHONE, primary: false });
  assert.equal(MockPhone.made.length, 0, "a tab that is not primary does not start it");
  assert.equal(h.op.webPhone.state, "elsewhere");
  ws.event("primary", { primary: true, tabs: 1 }); // the other tab closed
  await flush();
  assert.equal(MockPhone.made.length, 1);
  const phone = MockPhone.made[0];
  phone.register();
  // Made secondary during a call: the call finishes here first.
  phone.list.push({ id: "c1", state: 3 });
  ws.event("primary", { primary: false, tabs: 2 });
  assert.equal(phone.stopped, 0);
  phone.list.pop();
  phone.emit("callHangup", { ...INCOMING, state: 4, cause: 3 });
  h.clock.tick(0);
  assert.equal(phone.stopped, 1, "stopped once its call ended");
  // Logging out stops it everywhere.
  ws.event("primary", { primary: true, tabs: 1 });
  await flush();
  assert.equal(MockPhone.made.length, 2);
  h.op.logout();
  ws.reply("logout", {});
  ws.event("credentials");
  assert.equal(MockPhone.made[1].stopped, 1);
  assert.equal(h.op.webPhone, null);
});

test("a web phone call's callbacks come from /ws only, each once, with the gateway's Call; the phone rings first", async () => {
  const { h, ws, phone } = await withWebPhone();
  phone.register();
  // The phone reports the call before the gateway's events arrive: the sound starts, nothing else.
  phone.list.push({ id: INCOMING.uniqueid, direction: "incoming", state: 2 });
  phone.emit("callRinging", INCOMING);
  assert.deepEqual(callNames(h), [], "no callback from the phone's events");
  assert.equal(h.op.state().call, null, "no call object of the bar's making");
  assert.equal(h.op.ringing, "default", "the ringing sound may start from the phone");
  ws.event("callNew", { call: gatewayCall() }, 1);
  ws.event("callRinging", { call: gatewayCall({ state: 2 }) }, 2);
  assert.deepEqual(ws.request("ack").params, { seq: 2 }, "the gateway's ringing is acknowledged");
  assert.deepEqual(callNames(h), ["onCallNew", "onCallRinging"]);
  const [ringing] = h.callbacks("onCallRinging")[0];
  assert.equal(ringing.call_guid, gatewayCall().call_guid);
  assert.equal(h.op.state().call.call_guid, gatewayCall().call_guid);
  assert.equal(h.op.ringing, "default");

  await h.op.answer();
  assert.deepEqual(phone.did.at(-1), ["answer"]);
  phone.list[0].state = 3;
  phone.emit("callConnect", { ...INCOMING, state: 3, connected: EPOCH_MS / 1000 + 2 });
  assert.equal(h.op.ringing, "default", "still ringing while the gateway says so");
  ws.event("callConnect", { call: gatewayCall({ state: 3, connected: EPOCH_MS / 1000 + 2, connected_number: "2001",
                                                connected_username: "alice" }) }, 3);
  assert.equal(h.op.ringing, null);
  // Either order: the gateway first, then the phone; the phone first, then the gateway.
  ws.event("callHold", { call: gatewayCall({ state: 5 }) }, 4);
  phone.emit("callHold", { ...INCOMING, state: 3, held: true }, { by: "local" });
  phone.emit("callResume", { ...INCOMING, state: 3 }, { by: "local" });
  ws.event("callResume", { call: gatewayCall({ state: 3 }) }, 5);
  phone.emit("callHangup", { ...INCOMING, state: 4, cause: 4 });
  phone.list.pop();
  assert.equal(h.op.state().call.state, 3, "the call is the gateway's until it ends there");
  ws.event("callHangup", { call: gatewayCall({ state: 4, cause: 4, disconnected: EPOCH_MS / 1000 + 9 }) }, 6);
  assert.deepEqual(callNames(h), ["onCallNew", "onCallRinging", "onCallConnect", "onCallHold", "onCallResume", "onCallHangup"]);
  assert.deepEqual(new Set(h.calls.filter((c) => c.name.startsWith("onCall")).map((c) => c.args[0].call_guid)),
                   new Set([gatewayCall().call_guid]), "one call, one identity");
  assert.equal(h.op.state().call, null);
  assert.deepEqual(callMethodsSent(ws), [], "no call method went to the gateway");
});

test("the gateway's events of a web phone call are applied while the phone is off, and without it", async () => {
  // Another browser of the agent (no phone here): the same events, the same callbacks.
  const h = loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) } } });
  const ws = await signIn(h, { device: WEB_PHONE, primary: false });
  ws.event("callNew", { call: gatewayCall() }, 1);
  ws.event("callRinging", { call: gatewayCall({ state: 2 }) }, 2);
  assert.deepEqual(callNames(h), ["onCallNew", "onCallRinging"]);
  assert.equal(h.op.ringing, null, "rings only in the tab that drives the session");
  await assert.rejects(h.op.answer(), (e) => e.code === "webPhoneOffline", "no phone in this browser to answer with");
});

test("the methods drive the phone; dial() resolves with the call's uniqueid, the SIP Call-ID the gateway's events carry", async () => {
  const { h, phone, ws } = await withWebPhone();
  await assert.rejects(h.op.dial("2002"), (e) => e.code === "webPhoneOffline", "not registered yet");
  phone.register();
  const result = await h.op.dial("2002");
  assert.deepEqual(plain(result), { uniqueid: "q8Xz3kLm0aBc" });
  assert.deepEqual(phone.did.at(-1), ["call", "2002"]);
  await assert.rejects(h.op.dial("2003"), (e) => e.code === "callInProgress");
  const outgoing = gatewayCall({ uniqueid: result.uniqueid, direction: "OUTGOING", caller_number: "2001", called_number: "2002" });
  ws.event("callNew", { call: outgoing }, 1);
  assert.equal(h.callbacks("onCallNew")[0][0].uniqueid, result.uniqueid, "the CRM finds its call by the uniqueid dial() gave");
  ws.event("callConnect", { call: { ...outgoing, state: 3, connected: 5 } }, 2);
  phone.list[0].state = 3;
  for (const [method, expected] of [["hold", ["hold"]], ["unhold", ["unhold"]], ["mute", ["mute"]]]) {
    phone.list[0].state = method === "unhold" ? 5 : 3;
    await h.op[method]();
    assert.deepEqual(phone.did.at(-1), expected);
  }
  await h.op.dtmf("12#");
  assert.deepEqual(phone.did.at(-1), ["dtmf", "12#"]);
  await assert.rejects(h.op.dtmf("12x"), (e) => e.code === "invalidParams");
  await h.op.blindTransfer("2003");
  assert.deepEqual(phone.did.at(-1), ["refer", "2003"]);
  await assert.rejects(h.op.transfer("2003"), (e) => e.code === "notSupported");
  assert.deepEqual(callMethodsSent(ws), [], "no call method went to the gateway");
  ws.event("identify", { identificators: [] });
  await assert.rejects(h.op.answer(), (e) => e.code === "wrongState");
  assert.equal(phone.stopped, 1, "changing the phone stops it");
});

test("the mute is the phone's, on the gateway's Call object, and stays on the gateway's later ones", async () => {
  const { h, ws, phone } = await withWebPhone();
  phone.register();
  const connected = gatewayCall({ state: 3, connected: 5, connected_number: "2001", connected_username: "alice" });
  ws.event("callNew", { call: gatewayCall() }, 1);
  ws.event("callConnect", { call: connected }, 2);
  phone.list.push({ id: INCOMING.uniqueid, direction: "incoming", state: 3 });
  phone.emit("callMute", { ...INCOMING, state: 3, connected: 5, muted: true });
  const [muted] = h.callbacks("onCallMute")[0];
  assert.deepEqual([muted.call_guid, muted.connected_muted, muted.caller_muted, muted.connected_username],
                   [connected.call_guid, true, false, "alice"], "the agent's microphone: connected_muted on an incoming call");
  assert.equal(h.op.state().call.connected_muted, true);
  ws.event("callHold", { call: { ...connected, state: 5 } }, 3); // the gateway cannot see the microphone
  assert.equal(h.callbacks("onCallHold")[0][0].connected_muted, true, "the gateway's next Call carries the phone's mute");
  phone.emit("callUnmute", { ...INCOMING, state: 3, connected: 5 });
  const [unmuted] = h.callbacks("onCallUnmute")[0];
  assert.deepEqual([unmuted.call_guid, unmuted.connected_muted, unmuted.state], [connected.call_guid, false, 5]);
  ws.event("callHangup", { call: { ...connected, state: 4, cause: 3 } }, 4);
  assert.deepEqual(callNames(h), ["onCallNew", "onCallConnect", "onCallMute", "onCallHold", "onCallUnmute", "onCallHangup"]);

  // An outgoing call: caller_muted. Muted before the gateway has sent the call: no callback
  // (there is no Call object yet), and the gateway's Call carries it once it comes.
  phone.list.length = 0;
  const outgoing = gatewayCall({ uniqueid: "q8Xz3kLm0aBc", direction: "OUTGOING" });
  phone.emit("callMute", { ...INCOMING, uniqueid: outgoing.uniqueid, direction: "OUTGOING", muted: true });
  assert.equal(h.callbacks("onCallMute").length, 1);
  ws.event("callNew", { call: outgoing }, 5);
  assert.deepEqual([h.callbacks("onCallNew")[1][0].caller_muted, h.callbacks("onCallNew")[1][0].connected_muted], [true, false]);
  // A desk phone's call (not one of the phone's): the gateway's mute fields as they are.
  ws.event("callNew", { call: gatewayCall({ uniqueid: "desk-1", connected_muted: true }) }, 6);
  assert.equal(h.callbacks("onCallNew")[2][0].connected_muted, true);
});

/** Bars of one browser whose BroadcastChannel (a mock) delivers each post to the others. */
function browserTabs() {
  class Channel {
    constructor(name) { this.name = name; Channel.all.push(this); }
    postMessage(message) {
      const copy = JSON.parse(JSON.stringify(message));
      for (const other of Channel.all) if (other !== this && other.name === this.name && !other.closed) setImmediate(() => other.onmessage?.({ data: copy }));
    }
    close() { this.closed = true; }
  }
  Channel.all = [];
  MockPhone.made = [];
  return () => loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) } },
                              extraGlobals: { BroadcastChannel: Channel } });
}

test("another tab of this browser reaches the phone and learns its mute (BroadcastChannel); its calls come from /ws", async () => {
  const make = browserTabs();
  const first = make();
  const firstWs = await signIn(first, { device: WEB_PHONE });
  const second = make();
  const secondWs = await signIn(second, { device: WEB_PHONE, primary: false, token: "tok-2" });
  assert.equal(MockPhone.made.length, 1, "one phone, in the primary tab");
  const phone = MockPhone.made[0];
  phone.register();
  phone.list.push({ id: INCOMING.uniqueid, direction: "incoming", state: 2 });
  phone.emit("callRinging", INCOMING);
  await flush();
  assert.deepEqual(callNames(second), [], "the phone's events are not relayed");
  for (const ws of [firstWs, secondWs]) {
    ws.event("callNew", { call: gatewayCall() }, 1);
    ws.event("callRinging", { call: gatewayCall({ state: 2 }) }, 2);
  }
  assert.deepEqual(callNames(second), ["onCallNew", "onCallRinging"]);
  assert.equal(second.op.ringing, null, "only the tab with the phone rings");
  assert.equal(first.op.ringing, "default");
  // The second tab's answer() and mute() run in the first tab's phone.
  const answered = second.op.answer();
  await flush();
  await answered;
  assert.deepEqual(phone.did.at(-1), ["answer"]);
  phone.list[0].state = 3;
  for (const ws of [firstWs, secondWs]) ws.event("callConnect", { call: gatewayCall({ state: 3, connected: 5 }) }, 3);
  const muting = second.op.mute();
  await flush();
  await muting;
  assert.deepEqual(phone.did.at(-1), ["mute"]);
  phone.emit("callMute", { ...INCOMING, state: 3, connected: 5, muted: true }); // what the real phone's mute() does
  await flush();
  for (const h of [first, second]) {
    assert.deepEqual(callNames(h), ["onCallNew", "onCallRinging", "onCallConnect", "onCallMute"]);
    assert.equal(h.callbacks("onCallMute")[0][0].connected_muted, true);
    assert.equal(h.callbacks("onCallMute")[0][0].call_guid, gatewayCall().call_guid);
  }
  // A tab opened during the muted call learns the mute without a callback.
  const third = make();
  await signIn(third, { device: WEB_PHONE, primary: false, token: "tok-3", state: { call: gatewayCall({ state: 3, connected: 5 }) } });
  await flush();
  assert.equal(third.op.state().call.connected_muted, true);
  assert.deepEqual(callNames(third), []);
});
