// The agent bar's web phone (public/src/operator/webphone.js, tabs.js; docs/operator.md §14):
// which tab holds it, what it is made with, the seed's Call objects and callbacks from its
// events, the methods that drive it, and the gateway's own call events taking over. The phone is
// a MOCK of public/phone/'s createPhone (given as the config's webPhoneModule); the real one runs
// in Tests/interop/test_webphone_browser.py against Kamailio.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EPOCH_MS, flush, loadOperator, plain, signIn } from "./operator-harness.mjs";

const WEB_PHONE = { id: "alice-web", name: "Web phone", extension: 2001, identifier: "webphone:sip:2001@callgate.test" };

/** A mock of the phone of public/phone/phone.mjs: records what the bar does, plays its events. */
class MockPhone {
  static made = [];
  constructor(options) {
    Object.assign(this, { options, started: 0, stopped: 0, registered: false, connected: false, list: [], did: [] });
    MockPhone.made.push(this);
  }
  start() { this.started++; return this; }
  stop() { this.stopped++; }
  get calls() { return this.list; }
  find() { return this.list.at(-1) || null; }
  emit(type, call, detail = {}) { this.options.onEvent({ type, ...(call ? { call: { ...call } } : {}), ...detail }); }
  register() { this.registered = this.connected = true; this.emit("connected"); this.emit("registered", null, { expires: 600 }); }
  call(target) { this.did.push(["call", target]); const call = { id: "out-1", state: 0 }; this.list.push(call); return call; }
  answer() { this.did.push(["answer"]); return this.list.some((c) => c.state === 2); }
  hangup() { this.did.push(["hangup"]); return this.list.length > 0; }
  hold() { this.did.push(["hold"]); return Promise.resolve(true); }
  unhold() { this.did.push(["unhold"]); return Promise.resolve(true); }
  mute() { this.did.push(["mute"]); return true; }
  sendDtmf(tones) { this.did.push(["dtmf", tones]); return Promise.resolve("rfc4733"); }
  blindTransfer(target) { this.did.push(["refer", target]); return true; }
}

const INCOMING = { uniqueid: "call-id-1@x.invalid", direction: "INCOMING", number: "2002", name: "Bohumil Dvořák",
                   uri: "sip:2002@callgate.test", state: 2, cause: -1, created: EPOCH_MS / 1000, connected: null,
                   disconnected: null, held: false, remoteHeld: false, muted: false };

async function withWebPhone(options = {}) {
  MockPhone.made = [];
  const h = loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) },
                                     audioInputConstraints: { echoCancellation: false }, ...options.config },
                           location: "https://crm.example.org/app" });
  const ws = await signIn(h, { device: WEB_PHONE, token: "tok-alice" });
  await flush();
  return { h, ws, phone: MockPhone.made.at(-1) };
}

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

test("the phone's call events reach the callbacks with the seed's Call; the bar rings and answer() answers", async () => {
  const { h, ws, phone } = await withWebPhone();
  phone.register();
  phone.list.push({ id: INCOMING.uniqueid, state: 2 });
  phone.emit("callRinging", INCOMING);
  const [ringing] = h.callbacks("onCallRinging").at(-1);
  const [fresh] = h.callbacks("onCallNew").at(-1);
  assert.deepEqual([fresh.uniqueid, fresh.state, fresh.call_guid], [INCOMING.uniqueid, 0, ringing.call_guid],
                   "an incoming call starts with callNew, as the gateway's do");
  assert.deepEqual(h.calls.filter((c) => c.name.startsWith("onCall")).map((c) => c.name), ["onCallNew", "onCallRinging"]);
  assert.equal(ringing.uniqueid, INCOMING.uniqueid);
  assert.deepEqual([ringing.direction, ringing.state, ringing.number, ringing.name, ringing.cause],
                   ["INCOMING", 2, "2002", "Bohumil Dvořák", -1]);
  assert.deepEqual([ringing.caller_number, ringing.called_number, ringing.caller_type, ringing.caller_internal],
                   ["2002", "2001", "line", true]);
  assert.match(ringing.call_guid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(Object.keys(ringing).length, 43, "every field of the Call object (docs/compatibility.md §1.6, §4.3)");
  assert.equal(h.op.state().call.uniqueid, INCOMING.uniqueid);
  assert.equal(h.op.ringing, "default", "the chosen ringing sound plays in the tab with the phone");

  await h.op.answer();
  assert.deepEqual(phone.did.at(-1), ["answer"]);
  assert.equal(ws.request("answer"), undefined, "not sent to the gateway");
  phone.emit("callConnect", { ...INCOMING, state: 3, connected: EPOCH_MS / 1000 + 2 });
  assert.equal(h.op.ringing, null);
  const [connected] = h.callbacks("onCallConnect").at(-1);
  assert.deepEqual([connected.state, connected.connected_number, connected.connected_username, connected.id],
                   [3, "2001", "alice", ringing.id]);
  assert.equal(connected.call_guid, ringing.call_guid, "one call, one guid");

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
  phone.emit("callHold", { ...INCOMING, state: 5, connected: 1 }, { by: "local" });
  phone.emit("callMute", { ...INCOMING, state: 3, connected: 1, muted: true });
  assert.equal(h.callbacks("onCallMute").at(-1)[0].connected_muted, true, "the agent's microphone, on an incoming call");
  phone.emit("callHangup", { ...INCOMING, state: 4, cause: 4, connected: 1, disconnected: 9 });
  assert.equal(h.callbacks("onCallHangup").at(-1)[0].cause, 4);
  assert.equal(h.op.state().call, null);
  assert.deepEqual(ws.messages.map((m) => m.method).filter((m) => !["login", "selectIdentifier", "provision", "state"].includes(m)), [],
                   "no call method went to the gateway");
});

test("dial() calls through the phone; outside READY it is refused without reaching it", async () => {
  const { h, phone, ws } = await withWebPhone();
  await assert.rejects(h.op.dial("2002"), (e) => e.code === "webPhoneOffline", "not registered yet");
  phone.register();
  const result = await h.op.dial("2002");
  assert.deepEqual(plain(result), { uniqueid: "out-1" });
  assert.deepEqual(phone.did.at(-1), ["call", "2002"]);
  await assert.rejects(h.op.dial("2003"), (e) => e.code === "callInProgress");
  ws.event("identify", { identificators: [] });
  await assert.rejects(h.op.answer(), (e) => e.code === "wrongState");
  assert.equal(phone.stopped, 1, "changing the phone stops it");
});

test("the gateway's own events for a phone call are preferred: each event fires once", async () => {
  const { h, ws, phone } = await withWebPhone();
  phone.register();
  phone.emit("callRinging", INCOMING);                       // the phone first
  const fromGateway = { ...plain(h.callbacks("onCallRinging")[0][0]), call_guid: "0190-gw", caller_number_norm: null };
  ws.event("callRinging", { call: fromGateway }, 1);         // then the gateway's: no second callback
  assert.equal(h.callbacks("onCallRinging").length, 1);
  assert.equal(h.op.webPhone.wsDelivers, true);
  assert.equal(h.op.state().call.call_guid, "0190-gw", "the gateway's Call object replaces the phone's");
  ws.event("callConnect", { call: { ...fromGateway, state: 3, connected: 5 } }, 2); // now the gateway first
  phone.emit("callConnect", { ...INCOMING, state: 3, connected: 5 });
  assert.equal(h.callbacks("onCallConnect").length, 1);
  assert.equal(h.callbacks("onCallConnect")[0][0].call_guid, "0190-gw");
  // Mute is the browser's alone: still from the phone, on the gateway's Call object.
  phone.emit("callMute", { ...INCOMING, state: 3, connected: 5, muted: true });
  const [muted] = h.callbacks("onCallMute").at(-1);
  assert.deepEqual([muted.call_guid, muted.connected_muted], ["0190-gw", true]);
  phone.emit("callHangup", { ...INCOMING, state: 4, cause: 3 });
  assert.equal(h.callbacks("onCallHangup").length, 0, "the phone's events no longer count");
  ws.event("callHangup", { call: { ...fromGateway, state: 4, cause: 3 } }, 3);
  assert.equal(h.callbacks("onCallHangup").length, 1);
});

test("another tab of this browser sees the calls and reaches the phone (BroadcastChannel)", async () => {
  // Two bars of one browser: the mock channel delivers each post to the other tab.
  const tabs = [];
  class Channel {
    constructor(name) { this.name = name; this.tab = tabs.length - 1; Channel.all.push(this); }
    postMessage(message) {
      const copy = JSON.parse(JSON.stringify(message));
      for (const other of Channel.all) if (other !== this && other.name === this.name && !other.closed) setImmediate(() => other.onmessage?.({ data: copy }));
    }
    close() { this.closed = true; }
  }
  Channel.all = [];
  MockPhone.made = [];
  const make = () => {
    const h = loadOperator({ config: { webPhoneModule: { createPhone: (o) => new MockPhone(o) } },
                             extraGlobals: { BroadcastChannel: Channel } });
    tabs.push(h);
    return h;
  };
  const first = make();
  await signIn(first, { device: WEB_PHONE });
  const second = make();
  await signIn(second, { device: WEB_PHONE, primary: false, token: "tok-2" });
  assert.equal(MockPhone.made.length, 1, "one phone, in the primary tab");
  const phone = MockPhone.made[0];
  phone.register();
  phone.list.push({ id: INCOMING.uniqueid, state: 2 });
  phone.emit("callRinging", INCOMING);
  await flush();
  const [seen] = second.callbacks("onCallRinging").at(-1);
  assert.equal(seen.uniqueid, INCOMING.uniqueid);
  assert.equal(seen.call_guid, first.callbacks("onCallRinging")[0][0].call_guid);
  assert.equal(second.op.ringing, null, "only the tab with the phone rings");
  // The second tab's answer() runs in the first tab's phone.
  const answered = second.op.answer();
  await flush();
  await answered;
  assert.deepEqual(phone.did.at(-1), ["answer"]);
  phone.emit("callConnect", { ...INCOMING, state: 3, connected: 1 });
  await flush();
  assert.equal(second.callbacks("onCallConnect").length, 1);
  assert.equal(second.op.state().call.state, 3);
});
