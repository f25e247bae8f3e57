// The agent bar's model and protocol (public/src/operator/: methods.js, events.js, model.js):
// the docs/compatibility.md §1.4 state guards, the requests it builds, the events and replies it reads, and
// redaction. Through operator-harness.mjs: the real sources in a vm, a mock WebSocket.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DESK_PHONE, EPOCH_MS, flush, loadOperator, plain, signIn } from "./operator-harness.mjs";

/** Awaits a method's promise and returns its rejection (fails if it resolves). */
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("the method resolved");
}

test("a method outside its docs/compatibility.md §1.4 states sends nothing, warns and rejects with wrongState", async () => {
  const h = loadOperator();
  // Before any connection: disconnected.
  assert.equal((await refusal(h.op.dial("602123456"))).code, "disconnected");
  const ws = h.socket;
  ws.open();
  ws.event("connect", { protocol: 1, version: "1.2.3" });
  ws.event("credentials");
  assert.deepEqual(h.callbacks("onConnect"), [["1.2.3"]]);
  assert.equal(h.op.status, "CREDENTIALS");
  for (const [method, args] of [["dial", ["602"]], ["answer", []], ["logout", []], ["provision", []], ["hold", []]]) {
    const error = await refusal(h.op[method](...args));
    assert.equal(error.code, "wrongState", method);
    assert.equal(error.state, "CREDENTIALS");
  }
  assert.deepEqual(ws.sent, [], "nothing reached the wire");
  const warning = h.callbacks("onWarning")[1][0]; // [0]: the first dial's "not connected"
  assert.equal(warning, "dial() is not possible now: it is allowed in READY, the bar is in CREDENTIALS.");
  // Any state: notify shows locally; testRingingSound never reaches the wire.
  assert.deepEqual(plain(await h.op.notify("hello", "info")), {});
  assert.deepEqual(ws.sent, []);
});

test("login, sso and dial build the documented requests", async () => {
  const h = loadOperator({ config: { autologout: false } });
  const ws = h.socket;
  ws.open();
  ws.event("connect", { protocol: 1 });
  ws.event("credentials");
  h.op.login("alice", "pw", true);
  const login = ws.request("login");
  assert.deepEqual(Object.keys(login.params).sort(), ["autologout", "logoutOnClose", "password", "remember", "tab", "username"]);
  assert.deepEqual({ ...login.params, tab: undefined },
                   { username: "alice", password: "pw", remember: true, autologout: false, logoutOnClose: false, tab: undefined });
  assert.equal(login.params.tab, h.window.sessionStorage.json("ucsOperator.tab"), "the tab id kept in sessionStorage");
  ws.refuse("login", { code: "loginFailed", text: "wrong" });
  ws.event("loginError", { code: 1, message: "wrong" });
  await flush();
  assert.deepEqual(h.callbacks("onLoginError"), [[1, "Wrong user name or password."]]);
  assert.equal(h.callbacks("onCredentials").length, 1, "a refused login asks for nothing more (no loop)");

  // sso: integrated auto-logout with a provider only, unless disabled (docs/operator.md §6.4)
  h.op.sso("alice", "t0k", "CRM");
  assert.equal(ws.request("sso").params.logoutOnClose, true);
  ws.refuse("sso", { code: "loginFailed", text: "no" });
  h.op.sso("alice", "t0k", "");
  assert.equal(ws.request("sso").params.logoutOnClose, false);
  ws.refuse("sso", { code: "loginFailed", text: "no" });
  h.op.disableIntegratedAutoLogout = true;
  h.op.sso("alice", "t0k", "CRM");
  assert.equal(ws.request("sso").params.logoutOnClose, false);
  ws.reply("sso", { token: "tok", user: "alice" });
  await flush();
  assert.equal(h.window.sessionStorage.json("ucsOperator.session").provider, "CRM");
});

test("dial: queue and line as integers or keywords, data, and a fresh idempotencyKey each time", async () => {
  const h = loadOperator();
  const ws = await signIn(h);
  h.op.dial("602 123 456", "300", "7", { crm: 1 });
  const first = ws.request("dial").params;
  assert.deepEqual({ ...first, idempotencyKey: undefined },
                   { number: "602 123 456", queue: 300, line: 7, data: { crm: 1 }, idempotencyKey: undefined });
  assert.match(first.idempotencyKey, /^[0-9a-f-]{32,36}$/);
  h.op.dial("602", "directCall");
  const second = ws.request("dial").params;
  assert.deepEqual(Object.keys(second).sort(), ["idempotencyKey", "number", "queue"]);
  assert.equal(second.queue, "directCall");
  assert.notEqual(second.idempotencyKey, first.idempotencyKey);
  const refused = refusal(h.op.dial("603"));
  const key = ws.request("dial").params.idempotencyKey;
  ws.refuse("dial", { code: "callInProgress", text: "busy", state: "READY" });
  const error = await refused;
  assert.equal(error.code, "callInProgress");
  assert.equal(error.idempotencyKey, key, "a rejection carries the key for a deliberate re-send");
  h.op.changeStatus("aux", "");
  assert.deepEqual(ws.request("changeStatus").params, { status: "AUX", reason: null });
});

test("user events apply once by seq; a ringing call is acknowledged, also when it comes again", async () => {
  const h = loadOperator();
  const ws = await signIn(h);
  const call = { uniqueid: "gw-1.1", direction: "INCOMING", state: 2, number: "+420602123456", now: EPOCH_MS / 1000 };
  ws.event("callRinging", { call }, 5);
  assert.deepEqual(ws.request("ack").params, { seq: 5 });
  assert.equal(h.callbacks("onCallRinging").length, 1);
  assert.equal(h.op.lastSeq, 5);
  assert.equal(h.window.sessionStorage.json("ucsOperator.session").lastSeq, 5, "lastSeq survives a reload");
  ws.event("callRinging", { call }, 5); // the gateway re-sent it: our ack was late
  assert.equal(h.callbacks("onCallRinging").length, 1, "not applied twice");
  assert.equal(ws.messages.filter((m) => m.method === "ack").length, 2, "acknowledged again");
  assert.equal(h.op.currentState.call.uniqueid, "gw-1.1");
  ws.event("callConnect", { call: { ...call, state: 3, connected: EPOCH_MS / 1000 } }, 6);
  ws.event("callHangup", { call: { ...call, state: 4, cause: 4 } }, 7);
  assert.equal(h.op.currentState.call, null, "an ended call leaves the state object");
  assert.deepEqual(h.callbacks("onCallHangup")[0][0].cause, 4);
  // Status and waiting callers patch the state object too.
  ws.event("stateChange", { status: "AUX", reason: "Oběd" }, 8);
  ws.event("waitingCallersChange", { waitingCallers: 3 }, 9);
  assert.deepEqual(plain(h.callbacks("onStateChange").at(-1)), [{ status: "AUX", reason: "Oběd" }]);
  assert.equal(h.op.currentState.status, "AUX");
  assert.equal(h.op.currentState.waitingCallers, 3);
});

test("replies settle their requests: results, error fields, unknown ids and unreadable text ignored", async () => {
  const h = loadOperator({ config: { heartbeatMilliseconds: 60_000 } }); // no heartbeat verdict in the 30 s below
  const ws = await signIn(h);
  const held = h.op.hold();
  ws.refuse("hold", { code: "invalidParams", text: "bad", param: "x" });
  const error = await refusal(held);
  assert.deepEqual([error.code, error.text, error.param], ["invalidParams", "bad", "x"]);
  assert.equal(h.callbacks("onWarning").at(-1)[0], "Invalid value: x.");
  ws.receive("{not json");
  ws.receive({ id: 9999, result: {} });
  ws.receive({ event: "somethingNew", data: {} });
  const answered = h.op.answer();
  ws.reply("answer", { fine: true });
  assert.deepEqual(plain(await answered), { fine: true });
  // A request with no reply in 30 s is rejected with `timeout`.
  const slow = h.op.unhold();
  h.clock.tick(30_000);
  assert.equal((await refusal(slow)).code, "timeout");
});

test("state() returns the state object synchronously, the same one as onReady's, and refreshes it", async () => {
  const h = loadOperator();
  const ws = await signIn(h, { state: { auxReasons: ["Oběd"] } });
  const ready = h.callbacks("onReady")[0][0];
  const state = h.op.state();
  assert.equal(state, ready, "the same object as in onReady (docs/compatibility.md §1.9)");
  assert.equal(state.ringingSound, "default");
  assert.deepEqual(plain(state.auxReasons), ["Oběd"]);
  // It also asks the gateway, and the answer updates that object in place.
  ws.reply("state", { status: "ACW", reason: null, call: null, waitingCallers: 2, auxReasons: ["Oběd", "Porada"] });
  await flush();
  assert.equal(h.op.state(), ready);
  assert.equal(ready.status, "ACW");
  assert.deepEqual(plain(ready.auxReasons), ["Oběd", "Porada"]);
  // Backward compatible: what it returns can be awaited (a thenable resolving to the object).
  assert.equal(await h.op.state(), ready);
  // Outside READY: null, and a warning.
  ws.event("identify", { identificators: [] });
  assert.equal(h.op.state(), null);
  assert.match(h.callbacks("onWarning").at(-1)[0], /state\(\) is not possible now/);
});

test("onDebug never shows passwords or tokens", async () => {
  const seen = [];
  const h = loadOperator({ config: { onDebug: (text) => seen.push(text) } });
  await signIn(h, { token: "SECRET-TOKEN" });
  h.op.sso("bob", "SSO-SECRET", "x");
  const all = seen.join("\n");
  assert.ok(all.includes('"password":"[redacted]"'), "the login was logged, redacted");
  assert.ok(!all.includes("secret\"") && !all.includes("SECRET-TOKEN") && !all.includes("SSO-SECRET"), all);
  assert.equal(h.bar.redact("wss://gw/report?access_token=abc&x=1"), "wss://gw/report?access_token=[redacted]&x=1");
  assert.deepEqual(plain(h.bar.redact({ params: { token: "t", nested: [{ password: "p" }] } })),
                   { params: { token: "[redacted]", nested: [{ password: "[redacted]" }] } });
});

test("a callback that throws is reported to the console and does not stop the bar", async () => {
  const errors = [];
  const h = loadOperator({ config: { onUser: () => { throw new Error("CRM bug"); } },
                           extraGlobals: { console: { error: (...args) => errors.push(args.join(" ")) } } });
  await signIn(h);
  assert.equal(h.op.status, "READY");
  assert.equal(errors.length, 1);
  assert.match(errors[0], /ucsOperator.onUser threw/);
  assert.equal(DESK_PHONE.extension, h.op.currentState.device.extension);
});
