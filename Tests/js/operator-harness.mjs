// Harness of the agent bar's unit tests (public/src/operator/, built by tools/build-operator.mjs):
// the bar's sources, bundled exactly as the served public/operator.js is but with an epilogue
// that returns some internals, run in a node `vm` context that stands in for a browser page.
//
// What stands in for the browser (mocks, named as such, of what node does not have):
// - FakeWebSocket: the browser's WebSocket; the test plays the gateway (open, events, replies,
//   closes) and reads what the bar sent;
// - a manual clock (ManualClock of helpers.mjs) for setTimeout/setInterval and Date.now;
// - Math.random from the test (the reconnect jitter);
// - storage areas (localStorage, sessionStorage), a cookie jar, `location`, `navigator`;
// - no DOM: the bar runs `headless` (docs/operator.md §2), which touches none.
// The real browser runs are Tests/interop/test_operator_browser.py and its neighbours.
import vm from "node:vm";
import { webcrypto } from "node:crypto";
import { bundle } from "../../tools/build-operator.mjs";
import { ManualClock } from "./helpers.mjs";

/** Unix milliseconds at the manual clock's zero. */
export const EPOCH_MS = 1_700_000_000_000;

/** A mock of the browser's WebSocket, driven by the test. */
export class FakeWebSocket {
  constructor(url, protocols, registry) {
    Object.assign(this, { url, protocols, readyState: 0, sent: [], closedWith: null });
    registry.push(this);
  }

  /** The server accepted: `open`. */
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** The bar's messages, parsed. */
  get messages() { return this.sent.map((text) => JSON.parse(text)); }

  /** The last request the bar sent with `method` (or the last one at all). */
  request(method) {
    return [...this.messages].reverse().find((m) => method === undefined || m.method === method);
  }

  send(text) {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(text);
  }

  /** The bar closed it. */
  close(code = 1000, reason = "") {
    this.closedWith ??= { code, reason };
    this.readyState = 3;
  }

  /** The server sends a message (an object is sent as JSON). */
  receive(message) {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }

  /** The server sends an event, with a `seq` when given. */
  event(name, data = {}, seq) {
    this.receive(seq === undefined ? { event: name, data } : { event: name, data, seq });
  }

  /** The server answers the last request of `method` with `result`. */
  reply(method, result = {}) {
    const request = this.request(method);
    if (!request) throw new Error(`no ${method} request to answer`);
    this.receive({ id: request.id, result });
    return request;
  }

  /** The server refuses the last request of `method`. */
  refuse(method, error) {
    const request = this.request(method);
    if (!request) throw new Error(`no ${method} request to refuse`);
    this.receive({ id: request.id, error });
    return request;
  }

  /** The connection ended (by the server, or lost). */
  lose(code = 1006, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** A Storage mock (localStorage / sessionStorage). */
export class FakeStorage {
  constructor(entries = {}) { this.map = new Map(Object.entries(entries)); }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  setItem(key, value) { this.map.set(key, String(value)); }
  removeItem(key) { this.map.delete(key); }
  json(key) { return JSON.parse(this.getItem(key)); }
}

/** A document.cookie mock: writing sets or (max-age=0) removes one cookie, reading lists them. */
function cookieJar() {
  const jar = new Map();
  return {
    get cookie() { return [...jar].map(([k, v]) => `${k}=${v}`).join("; "); },
    set cookie(text) {
      const [pair, ...attributes] = text.split(";").map((part) => part.trim());
      const [name, value] = pair.split("=");
      if (attributes.some((a) => a === "max-age=0")) jar.delete(name);
      else jar.set(name, value);
    },
  };
}

/** A copy of a value made in the bar's vm context as plain objects of this one, for deepEqual
 *  (whose strict form compares prototypes, which differ between contexts). */
export const plain = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Lets promise callbacks run (the bar settles its requests through promises). */
export async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Loads the bar. `config`: the page's `window.ucsOperator` (callbacks are recorded in `calls`
 * unless given). Returns {op, bar (the internals of EXPORTS), sockets, clock, window, calls,
 * callbacks(name), random(values)}.
 */
export function loadOperator({ config = {}, location = "https://crm.example.cz/app", session = {}, local = {},
                               languages = ["en-GB"], readyState = "complete", extraGlobals = {} } = {}) {
  const clock = new ManualClock();
  const sockets = [];
  const calls = [];
  let randoms = [];
  const url = new URL(location);
  const record = (name) => function (...args) { calls.push({ name, args, self: this }); };
  const op = { ...config };
  for (const name of CALLBACKS) if (!(name in op)) op[name] = record(name);
  op.headless = config.headless ?? true;
  const listeners = {};
  const page = {
    ucsOperator: op,
    location: { href: url.href, protocol: url.protocol, hostname: url.hostname, port: url.port, search: url.search,
                origin: url.origin, pathname: url.pathname },
    navigator: { languages, language: languages[0] },
    crypto: webcrypto,
    localStorage: new FakeStorage(local),
    sessionStorage: new FakeStorage(session),
    URLSearchParams, URL, console,
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms || 0),
    clearTimeout: (id) => clock.clearTimeout(id),
    setInterval: (fn, ms) => {
      const every = () => { fn(); entry.id = clock.setTimeout(every, ms); };
      const entry = { id: clock.setTimeout(every, ms) };
      return entry;
    },
    clearInterval: (entry) => entry && clock.clearTimeout(entry.id),
    addEventListener: (type, fn) => { (listeners[type] ||= []).push(fn); },
    removeEventListener: (type, fn) => { listeners[type] = (listeners[type] || []).filter((f) => f !== fn); },
    dispatch: (type, event = {}) => { for (const fn of listeners[type] || []) fn(event); },
    document: {
      readyState, ...cookieJar(),
      addEventListener() {}, removeEventListener() {},
      getElementById: () => null,
    },
    ...extraGlobals,
  };
  page.WebSocket = function WebSocket(address, protocols) { return new FakeWebSocket(address, protocols, sockets); };
  page.window = page;
  page.__clock = clock;
  page.__random = () => (randoms.length ? randoms.shift() : 0.5);
  const context = vm.createContext(page);
  vm.runInContext(`Date.now = function () { return ${EPOCH_MS} + __clock.now; };
                   Math.random = function () { return __random(); };`, context);
  const source = bundle({ epilogue: `return {${EXPORTS.map((name) => `get ${name}() { return ${name}; }`).join(", ")}};` });
  const bar = vm.runInContext(source, context, { filename: "operator.js" });
  return {
    op, bar, sockets, clock, window: page, calls,
    /** The arguments of each call of the callback `name`, in order. */
    callbacks: (name) => calls.filter((c) => c.name === name).map((c) => c.args),
    /** Values Math.random returns next (then 0.5). */
    random: (...values) => { randoms = values; },
    get socket() { return sockets.at(-1); },
  };
}

/** the bar's callbacks (docs/compatibility.md §1.3) (docs/operator.md §3). */
export const CALLBACKS = ["onConnect", "onCredentials", "onLoginError", "onUser", "onIdentify", "onIdentifier", "onDevice",
  "onReady", "onStateChange", "onCallNew", "onCallRinging", "onCallConnect", "onCallHold", "onCallResume", "onCallHangup",
  "onCallMute", "onCallUnmute", "onAgentSuspend", "onAgentResume", "onWaitingCallersChange", "onMessage", "onError",
  "onWarning", "onInfo", "onDebug"];

/** Internals the tests read (names of the bundle's scope). */
export const EXPORTS = ["S", "createLiveness", "channelURL", "redact", "attempts", "reconnectAt", "ws", "tabId", "guard",
  "Phone", "webPhoneIdentity"];

/** The gateway's side of a login: open, connect, credentials; the bar logs in as `user`; the
 *  reply with a token; user, primary (or not), identify, the bar selects `device`, device,
 *  ready. Returns the socket. */
export async function signIn(harness, { user = "alice", state = {}, device = DESK_PHONE, token = "tok-1", primary = true } = {}) {
  const ws = harness.socket;
  ws.open();
  ws.event("connect", { protocol: 1, version: "test" });
  ws.event("credentials");
  harness.op.login(user, "secret", false);
  ws.reply("login", { token, expires: EPOCH_MS / 1000 + 3600, user });
  await flush();
  ws.event("user", { user: { username: user, displayname: "Alena Nováková", locale: "en" } });
  ws.event("primary", { primary, tabs: primary ? 1 : 2 });
  ws.event("identify", { identificators: [] });
  harness.op.selectIdentifier(device.identifier);
  ws.reply("selectIdentifier", {});
  ws.event("device", { device });
  ws.reply("provision", {});
  ws.event("ready", { state: { status: "READY", reason: null, call: null, device,
                               user: { username: user, displayname: "Alena Nováková", locale: "en" },
                               auxReasons: [], callReasons: [], queues: {}, groups: {}, agents: {}, waitingCallers: 0,
                               now: EPOCH_MS / 1000, ...state } });
  await flush();
  return ws;
}

export const DESK_PHONE = { id: "alice-phone", name: "Desk phone", extension: 2001, identifier: "10.0.0.7" };
