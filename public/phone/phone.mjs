// The web phone's public interface: createPhone(options) gives a phone that connects, registers
// and places and takes calls, and reports everything as events to one callback. The agent bar
// (docs/compatibility.md §1) and the popup (§2) embed it; public/phone/index.html is a page around it.
// docs/sip.md documents the options, methods and events.

import { formatUri, parseNameAddr } from "./address.mjs";
import { Call } from "./call.mjs";
import { Registration, DEFAULT_EXPIRES } from "./registration.mjs";
import { Transport } from "./transport.mjs";
import { UserAgent, randomToken } from "./user-agent.mjs";
import { ICE_GATHERING_TIMEOUT_MS } from "./media.mjs";

export const DEFAULT_DOMAIN = "callgate.test";
const INSTANCE_KEY = "callgate-phone-instance";

const DEFAULTS = {
  domain: DEFAULT_DOMAIN, displayName: null, password: null, token: null, authorizationUser: null, contactUser: null,
  audioConstraints: {}, iceServers: [], remoteAudio: null, holdDirection: "sendonly", dtmf: "auto",
  register: true, registerExpires: DEFAULT_EXPIRES, callWaiting: false, iceGatheringTimeoutMs: ICE_GATHERING_TIMEOUT_MS,
  reconnectMinMs: undefined, reconnectMaxMs: undefined, userAgent: "Callgate-Phone/1",
  storage: globalThis.localStorage ?? null, onEvent: () => {}, onLog: null,
};

/** RFC 5626 §4.1: the instance id (a UUID URN) of this browser profile, kept in localStorage so
 * that a reload or a reconnect registers the same instance, and the Contact user with it. */
export function instanceIdentity(storage) {
  try {
    const saved = JSON.parse(storage?.getItem(INSTANCE_KEY) || "null");
    if (saved && /^[0-9a-f-]{36}$/.test(saved.instanceId) && saved.contactUser) return saved;
  } catch { /* a broken entry is replaced */ }
  const identity = { instanceId: crypto.randomUUID(), contactUser: randomToken(6) };
  try {
    storage?.setItem(INSTANCE_KEY, JSON.stringify(identity));
  } catch { /* private mode: this page keeps it */ }
  return identity;
}

export function createPhone(options) {
  return new Phone(options);
}

export class Phone {
  constructor(options) {
    const given = Object.entries(options || {}).filter(([, value]) => value !== undefined);
    this.options = { ...DEFAULTS, ...Object.fromEntries(given) };
    const { url, user, token } = this.options;
    if (!url || !user) throw new TypeError("createPhone needs url and user");
    if (!["sendonly", "inactive"].includes(this.options.holdDirection)) throw new RangeError("holdDirection is sendonly or inactive");
    const wsUrl = new URL(url);
    if (token) wsUrl.searchParams.set("access_token", token); // Callgate's credential (docs/config.md)
    this.listeners = new Set();
    this.connected = false;
    this.registered = false;
    this.transport = new Transport({
      url: wsUrl.toString(),
      onMessage: (text) => this.ua.receive(text),
      onState: (state, detail) => this.transportState(state, detail),
      reconnectMinMs: this.options.reconnectMinMs, reconnectMaxMs: this.options.reconnectMaxMs,
    });
    const instance = instanceIdentity(this.options.storage);
    const { instanceId } = instance;
    // Behind Callgate's sip route (a token) the Contact's user part must be the user
    // (docs/sip-edge.md §2); otherwise this profile's random one.
    const contactUser = this.options.contactUser || (token ? user : instance.contactUser);
    this.ua = new UserAgent({
      identity: { user, domain: this.options.domain, displayName: this.options.displayName, password: this.options.password,
        authorizationUser: this.options.authorizationUser, instanceId, contactUser },
      transport: this.transport, secure: wsUrl.protocol === "wss:", userAgent: this.options.userAgent,
      onIncoming: (request, server) => this.incoming(request, server),
      onLog: this.options.onLog || (() => {}),
    });
    this.registration = new Registration(this.ua, {
      expires: this.options.registerExpires,
      onState: (state, detail) => this.registrationState(state, detail),
    });
  }

  // ------------------------------------------------------------------ events

  /** Delivers {type, call?, ...detail} to onEvent and to internal listeners. */
  emit(type, call, detail = {}) {
    const event = { type, ...(call ? { call: call.info() } : {}), ...detail };
    for (const listener of [...this.listeners]) listener(type, call, event);
    try {
      this.options.onEvent(event);
    } catch (error) {
      console.error("phone onEvent threw", error); // eslint-disable-line no-console
    }
  }

  on(listener) { this.listeners.add(listener); }
  off(listener) { this.listeners.delete(listener); }

  transportState(state, detail) {
    if (state === "open") {
      this.connected = true;
      this.emit("connected", null, {});
      if (!this.options.register) {
        // Calls only (the click-to-call popup): no binding; the open connection is the health.
        this.transport.healthy();
        return;
      }
      this.registration.reconnected();
      if (!this.registration.active) this.registration.start();
    } else if (state === "closed") {
      const wasConnected = this.connected;
      this.connected = false;
      this.ua.layer.failAll();
      this.registration.disconnected();
      this.reconnecting = this.reconnecting || wasConnected;
      this.emit("disconnected", null, detail);
    } else if (state === "connecting") {
      this.emit("connecting", null, detail);
    }
  }

  registrationState(state, detail) {
    const { response, ...rest } = detail;
    if (state === "registered") {
      const first = !this.registered;
      this.registered = true;
      this.transport.healthy();
      if (first) this.emit("registered", null, rest);
      if (this.reconnecting) {
        // RFC 5626 §4.2.1: a new flow; the far ends of our calls learn it from a target refresh
        this.reconnecting = false;
        for (const call of this.ua.calls) {
          if (call.dialog?.state !== "confirmed") continue;
          call.reinvite().catch((error) => call.emit("callError", { error: String(error?.message || error) }));
        }
      }
    } else if (state === "unregistered") {
      this.registered = false;
      this.emit("unregistered", null, rest);
    } else if (state === "failed") {
      this.registered = false;
      this.emit("registrationFailed", null, rest);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /** Connects and registers; reconnects and re-registers until stop(). */
  start() {
    this.transport.start();
    return this;
  }

  /** Ends every call, removes the registration and closes the connection. */
  stop() {
    for (const call of [...this.ua.calls]) call.hangup();
    this.registration.stop();
    this.transport.stop();
    this.connected = false;
  }

  /** The state now (synchronously): {connected, registered, user, calls: [call info]}. */
  state() {
    return { connected: this.connected, registered: this.registered, user: this.options.user,
      aor: this.ua.aor, calls: [...this.ua.calls].map((call) => call.info()) };
  }

  // ------------------------------------------------------------------ calls

  get calls() { return [...this.ua.calls]; }

  /** The call `id` (its uniqueid), else the newest call. */
  find(id = null) {
    const calls = this.calls;
    return (id ? calls.find((call) => call.id === id) : calls[calls.length - 1]) || null;
  }

  /** `2002`, `bob`, `bob@example.org` or `sip:bob@example.org` → a SIP URI in our domain. */
  targetUri(target) {
    const text = String(target).trim();
    if (/^sips?:/i.test(text)) return text;
    if (text.includes("@")) return `sip:${text}`;
    return formatUri({ scheme: "sip", user: text, host: this.options.domain, port: null, params: {} });
  }

  /** Calls `target`; returns the Call (its events follow). */
  placeCall(target, { referredBy = null, headers = [] } = {}) {
    const call = new Call(this, { direction: "outgoing", remoteUri: this.targetUri(target), referredBy });
    call.dial(headers);
    return call;
  }

  call(target, options) { return this.placeCall(target, options); }

  incoming(request, server) {
    const from = request.get("from");
    let remote;
    try {
      remote = parseNameAddr(from);
    } catch {
      server.respond(400, "Bad From");
      return;
    }
    if (this.ua.calls.size && !this.options.callWaiting) {
      server.respond(486, "Busy Here", { toTag: randomToken(5) });
      this.emit("callRejected", null, { from: remote.uri, status: 486 });
      return;
    }
    const call = new Call(this, { direction: "incoming", remoteUri: remote.uri, remoteName: remote.display, invite: request, server });
    call.ring();
  }

  answer(id) { return this.find(id)?.answer() ?? false; }
  progress(id) { return this.find(id)?.progress() ?? false; }
  hangup(id) { return this.find(id)?.hangup() ?? false; }
  reject(id, status) { return this.find(id)?.reject(status) ?? false; }
  hold(id) { return this.find(id)?.hold() ?? false; }
  unhold(id) { return this.find(id)?.unhold() ?? false; }
  mute(on, id) { return this.find(id)?.mute(on) ?? false; }
  sendDtmf(tones, options, id) { return this.find(id)?.sendDtmf(tones, options) ?? null; }
  blindTransfer(target, id) { return this.find(id)?.transfer(target) ?? false; }
  stats(id) { return this.find(id)?.stats() ?? null; }
}
