// Registration (RFC 3261 §10.2) with RFC 5626 Outbound: one Call-ID for all REGISTERs of this
// page (§10.2.4) with rising CSeq, the Contact carrying +sip.instance and reg-id so that the
// registrar replaces the binding after a reconnect (RFC 5626 §4.2.1) instead of adding one,
// refresh before the granted expiry, 423 answered with Min-Expires (§10.2.8), un-REGISTER on
// stop (expires 0, §10.2.2).

import { parseNameAddr } from "./address.mjs";
import { randomToken } from "./user-agent.mjs";

export const DEFAULT_EXPIRES = 600;
/** After a failure that may pass (timeout, 5xx, 408), try again after this long. */
export const RETRY_MS = 10000;

/** When to refresh a binding granted for `expires` seconds: at 85% of it, so a refresh that
 * needs a challenge round trip still lands in time (never sooner than 1 s). */
export function refreshDelayMs(expires) {
  return Math.max(1000, Math.floor(expires * 850));
}

/** The expiry the registrar granted to our binding (§10.2.4): the expires parameter of our
 * Contact in the 200 (matched by the instance, else the Contact URI), else the Expires header. */
export function grantedExpires(response, instanceId, contactUri) {
  for (const value of response.getAll("contact")) {
    let contact;
    try {
      contact = parseNameAddr(value);
    } catch {
      continue;
    }
    const ours = contact.params["+sip.instance"] === `<urn:uuid:${instanceId}>` || contact.uri === contactUri;
    if (ours && contact.params.expires !== undefined && contact.params.expires !== null) return Number(contact.params.expires);
  }
  const header = response.get("expires");
  return header !== null && /^\d+$/.test(header) ? Number(header) : null;
}

export class Registration {
  /** `onState(state, detail)`: registered {expires}, unregistered, failed {status, reason}. */
  constructor(ua, { expires = DEFAULT_EXPIRES, onState }) {
    this.ua = ua;
    this.expires = expires;
    this.onState = onState;
    this.callId = randomToken(12);
    this.cseq = 0;
    this.timer = null;
    this.registered = false;
    this.active = false;
  }

  get registrar() { return `sip:${this.ua.identity.domain}`; }

  /** Registers now and keeps the binding refreshed until stop(). */
  start() {
    this.active = true;
    this.send(this.expires);
  }

  send(expires) {
    this.clearTimer();
    const ua = this.ua;
    const contactHeader = ua.contact({ register: true, expires });
    const contactUri = parseNameAddr(contactHeader).uri;
    const build = (cseq, auth) => ua.createRequest("REGISTER", this.registrar, {
      to: `<${ua.aor}>`, callId: this.callId, cseq, fromTag: randomToken(5),
      headers: [["Contact", contactHeader], ["Expires", expires], ["Supported", "outbound, path"], ...auth],
    });
    ua.sendAuthenticated(build, ++this.cseq, {
      onSent: (request) => { this.cseq = request.cseq.seq; },
      onTimeout: () => this.failed({ status: 408, reason: "Request Timeout" }, true),
      onFinal: (response) => {
        if (expires === 0) return; // the un-REGISTER of stop(): nothing follows
        if (response.status >= 200 && response.status < 300) {
          const granted = grantedExpires(response, ua.identity.instanceId, contactUri) ?? expires;
          this.registered = true;
          this.onState("registered", { expires: granted, response });
          this.timer = ua.timers.setTimeout(() => this.send(this.expires), refreshDelayMs(granted));
        } else if (response.status === 423 && /^\d+$/.test(response.get("min-expires") || "")) {
          this.expires = Number(response.get("min-expires"));
          this.send(this.expires);
        } else {
          const passing = response.status === 408 || response.status >= 500;
          this.failed({ status: response.status, reason: response.reason, response }, passing);
        }
      },
    });
  }

  failed(detail, retry) {
    this.registered = false;
    this.onState("failed", detail);
    if (retry && this.active) this.timer = this.ua.timers.setTimeout(() => this.send(this.expires), RETRY_MS);
  }

  /** The connection came back (RFC 5626 §4.4.1: a new flow): register on it. */
  reconnected() {
    if (this.active) this.send(this.expires);
  }

  /** The connection is gone: the binding is unusable until the next registration. */
  disconnected() {
    this.clearTimer();
    if (this.registered) {
      this.registered = false;
      this.onState("unregistered", { reason: "connection lost" });
    }
  }

  /** Removes the binding (expires 0) if connected, and stops refreshing. */
  stop() {
    this.active = false;
    this.clearTimer();
    if (this.registered) this.send(0);
    this.registered = false;
    this.onState("unregistered", { reason: "stopped" });
  }

  clearTimer() {
    if (this.timer !== null) this.ua.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
