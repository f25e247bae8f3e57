// The user agent core (RFC 3261 §8): builds requests with this phone's identity, Via and Contact
// for a WebSocket client (RFC 7118 §5.2: a random *.invalid host; RFC 5626 §4.2: `ob` and the
// instance), answers digest challenges (§22.2, 401 and 407, once per challenge, again when
// stale), and dispatches what arrives: responses to their transactions, in-dialog requests to
// their call, new INVITEs to the phone, CANCEL to the INVITE it cancels.

import { formatParams } from "./address.mjs";
import { chooseChallenge, credentials } from "./digest.mjs";
import { ParseError, SipMessage, tagOf } from "./message.mjs";
import { TransactionLayer } from "./transaction.mjs";

export const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";
export const SUPPORTED = "outbound";

export function randomToken(bytes = 8) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (x) => x.toString(16).padStart(2, "0")).join("");
}

export class UserAgent {
  /** `identity`: {user, domain, displayName, password, authorizationUser, instanceId, contactUser}.
   * `transport`: has send(text) → bool. `onIncoming(request, server)` gets new INVITEs;
   * `onLog(direction, text)` sees every message. */
  constructor({ identity, transport, secure = false, timers = globalThis, userAgent = "Callgate-Phone/1",
    onIncoming = () => {}, onLog = () => {} }) {
    this.identity = identity;
    this.transport = transport;
    this.secure = secure;
    this.timers = timers;
    this.userAgent = userAgent;
    this.onIncoming = onIncoming;
    this.onLog = onLog;
    this.calls = new Set();
    // RFC 7118 §5.2: the Via and Contact host is a random domain under .invalid, kept for the
    // instance so that a reconnect presents the same Contact
    this.viaHost = `${identity.instanceId.slice(0, 8)}.invalid`;
    this.layer = new TransactionLayer({ send: (message) => this.send(message), timers });
  }

  get aor() { return `sip:${this.identity.user}@${this.identity.domain}`; }
  get fromValue() {
    const name = this.identity.displayName ? `"${this.identity.displayName.replace(/["\\]/g, "\\$&")}" ` : "";
    return `${name}<${this.aor}>`;
  }

  via() { return `SIP/2.0/${this.secure ? "WSS" : "WS"} ${this.viaHost};branch=z9hG4bK${randomToken(8)}`; }

  /** Our Contact. For REGISTER with the RFC 5626 §4.2 instance and reg-id; for dialogs with
   * `ob` (§5.4: reach me over the flow I registered on). */
  contact({ register = false, expires = null } = {}) {
    const uri = `sip:${this.identity.contactUser}@${this.viaHost};transport=ws${register ? "" : ";ob"}`;
    const params = register ? { "reg-id": "1", "+sip.instance": `<urn:uuid:${this.identity.instanceId}>` } : {};
    if (expires !== null) params.expires = String(expires);
    return `<${uri}>${formatParams(params)}`;
  }

  send(message) {
    const text = message.toString();
    this.onLog("out", text);
    if (!this.transport.send(text)) this.onLog("drop", text);
  }

  /** A request outside any dialog (§8.1.1). */
  createRequest(method, uri, { to = `<${uri}>`, callId = randomToken(12), cseq = 1, fromTag = randomToken(5),
    headers = [], body = "" } = {}) {
    const request = new SipMessage({ method, uri, body });
    request.add("Via", this.via());
    request.add("Max-Forwards", "70");
    request.add("From", `${this.fromValue};tag=${fromTag}`);
    request.add("To", to);
    request.add("Call-ID", callId);
    request.add("CSeq", `${cseq} ${method}`);
    for (const [name, value] of headers) request.add(name, value);
    request.add("User-Agent", this.userAgent);
    return request;
  }

  /** Sends the request that `build(cseq, authorizationHeaders)` makes and, on a 401 or 407 it
   * can answer, sends it again with credentials and the next CSeq (§22.2: same Call-ID and
   * tags). A challenge after credentials were sent means they were wrong and is final, unless
   * it says stale=true (RFC 7616 §3.3: only the nonce was old), twice at most. Handlers as TransactionLayer.sendRequest, plus onSent(request,
   * transaction) for each request sent (the INVITE that a CANCEL must match). */
  sendAuthenticated(build, cseq, handlers) {
    let answered = 0;
    const attempt = (seq, authorization) => {
      const request = build(seq, authorization);
      const transaction = this.layer.sendRequest(request, {
        onProvisional: handlers.onProvisional,
        onTimeout: handlers.onTimeout,
        onFinal: (response) => {
          if ((response.status === 401 || response.status === 407) && !handlers.isCancelled?.()) {
            const header = response.status === 401 ? "www-authenticate" : "proxy-authenticate";
            const challenge = chooseChallenge(response.getAll(header));
            const password = this.identity.password;
            if (challenge && password && (answered === 0 || (challenge.stale && answered < 3))) {
              answered++;
              const name = response.status === 401 ? "Authorization" : "Proxy-Authorization";
              credentials(challenge, {
                method: request.method, uri: request.uri, username: this.identity.authorizationUser || this.identity.user,
                password, nc: 1, body: request.body,
              }).then((value) => attempt(seq + 1, [[name, value]]), () => handlers.onFinal(response));
              return;
            }
          }
          handlers.onFinal(response);
        },
      });
      handlers.onSent?.(request, transaction);
    };
    attempt(cseq, []);
  }

  /** One message from the transport. */
  receive(text) {
    this.onLog("in", text);
    let message;
    try {
      message = SipMessage.parse(text);
    } catch (error) {
      if (error instanceof ParseError) {
        this.onLog("bad", `${error.message}\n${text}`);
        return; // §16.3/§18.3: a malformed message is dropped
      }
      throw error;
    }
    const result = this.layer.receive(message);
    if (result.kind === "response" || result.kind === "absorbed") return;
    if (result.kind === "ack") {
      this.callFor(message)?.receiveAck(message);
      return;
    }
    this.dispatch(message, result.server);
  }

  callFor(message) {
    for (const call of this.calls) if (call.owns(message)) return call;
    return null;
  }

  dispatch(request, server) {
    const allow = [["Allow", ALLOW]];
    if (request.method === "CANCEL") {
      // §9.2: the INVITE with the same branch; its call answers 487
      const invite = this.layer.inviteServerFor(request);
      const call = invite && [...this.calls].find((c) => c.inviteServer === invite);
      server.respond(call ? 200 : 481, call ? "OK" : "Call/Transaction Does Not Exist");
      if (call) call.cancelled();
      return;
    }
    if (tagOf(request.get("to"))) {
      const call = this.callFor(request);
      if (call) call.receiveRequest(request, server);
      else server.respond(481, "Call/Transaction Does Not Exist");
      return;
    }
    switch (request.method) {
      case "INVITE":
        this.onIncoming(request, server);
        return;
      case "OPTIONS":
        server.respond(200, "OK", { toTag: randomToken(5), headers: [...allow, ["Accept", "application/sdp"], ["Supported", SUPPORTED]] });
        return;
      default:
        server.respond(405, "Method Not Allowed", { toTag: randomToken(5), headers: allow });
    }
  }
}
