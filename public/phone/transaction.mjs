// The transaction layer (RFC 3261 §17) over a reliable transport (RFC 7118 WebSocket): no
// retransmissions (§17.1.1.2, §17.1.2.2: Timers A and E run only on unreliable transports), but
// the timeouts: Timer B/F (64·T1) end a client transaction without a final response as 408,
// Timer H ends an INVITE server transaction whose non-2xx response got no ACK, and an INVITE
// client transaction that saw a 2xx stays "Accepted" for Timer M (RFC 6026 §8.4) to hand later
// 2xx responses (other forks) to the user agent. Non-2xx final responses to INVITE are ACKed
// here (§17.1.1.3). Matching: responses by top Via branch and CSeq method (§17.1.3), requests
// by branch, sent-by and method, ACK matching its INVITE (§17.2.3).

import { SipMessage, createResponse } from "./message.mjs";

export const T1 = 500;
export const TIMEOUT = 64 * T1; // Timers B, F, H, M

export class TransactionLayer {
  /** `send(message)` puts a message on the transport; `timers` is {setTimeout, clearTimeout}
   * (tests pass a mock clock). */
  constructor({ send, timers = globalThis }) {
    this.sendMessage = send;
    this.timers = timers;
    this.clients = new Map();
    this.servers = new Map();
  }

  /** Sends `request` in a new client transaction. Handlers: onProvisional(response),
   * onFinal(response) (again for each 2xx of an INVITE while Accepted), onTimeout() (no final
   * response: the caller acts as on 408, §8.1.3.1). Returns the transaction. */
  sendRequest(request, handlers = {}) {
    const transaction = new ClientTransaction(this, request, handlers);
    this.clients.set(transaction.key, transaction);
    this.sendMessage(request);
    return transaction;
  }

  /** Hands a received message to its transaction. Returns {kind: "response", handled} for a
   * response (unhandled: a stray one, §18.1.2 drops it), or for a request {kind: "request",
   * server} with the new server transaction, or {kind: "absorbed"} for an ACK of a non-2xx or a
   * retransmission, or {kind: "ack"} for an ACK that belongs to no transaction (a 2xx ACK,
   * §17.1.1.3, handled by the dialog). */
  receive(message) {
    if (message.isResponse) {
      const via = message.topVia;
      const key = `${via?.params.branch}|${message.cseq.method}`;
      const transaction = this.clients.get(key);
      if (!transaction) return { kind: "response", handled: false };
      transaction.receive(message);
      return { kind: "response", handled: true };
    }
    const key = serverKey(message);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRetransmission(message);
      return { kind: "absorbed" };
    }
    if (message.method === "ACK") return { kind: "ack" };
    const server = new ServerTransaction(this, message);
    this.servers.set(key, server);
    return { kind: "request", server };
  }

  /** The INVITE server transaction that a CANCEL names (§9.2: same branch, method INVITE). */
  inviteServerFor(cancel) {
    return this.servers.get(serverKey(cancel, "INVITE")) || null;
  }

  /** Ends every client transaction as a transport failure (§8.1.3.1: like a 503), e.g. when
   * the WebSocket closed. */
  failAll() {
    for (const transaction of [...this.clients.values()]) transaction.transportFailed();
  }
}

function serverKey(request, method = request.method === "ACK" ? "INVITE" : request.method) {
  const via = request.topVia;
  return `${via.params.branch}|${via.sentBy}|${method}`;
}

export class ClientTransaction {
  constructor(layer, request, { onProvisional = () => {}, onFinal = () => {}, onTimeout = () => {} }) {
    this.layer = layer;
    this.request = request;
    this.handlers = { onProvisional, onFinal, onTimeout };
    this.isInvite = request.method === "INVITE";
    this.key = `${request.topVia.params.branch}|${request.cseq.method}`;
    this.state = this.isInvite ? "calling" : "trying";
    this.timer = layer.timers.setTimeout(() => this.timedOut(), TIMEOUT);
  }

  receive(response) {
    const { status } = response;
    if (this.state === "terminated") return;
    if (this.state === "accepted") {
      if (status >= 200 && status < 300) this.handlers.onFinal(response);
      return;
    }
    if (status < 200) {
      if (this.isInvite) this.clearTimer(); // Proceeding: Timer B does not run (§17.1.1.2)
      this.state = "proceeding";
      this.handlers.onProvisional(response);
      return;
    }
    this.clearTimer();
    if (this.isInvite && status < 300) {
      this.state = "accepted"; // RFC 6026 §8.4
      this.timer = this.layer.timers.setTimeout(() => this.terminate(), TIMEOUT);
    } else {
      if (this.isInvite) this.layer.sendMessage(ackFor(this.request, response));
      this.terminate();
    }
    this.handlers.onFinal(response);
  }

  timedOut() {
    const pending = this.state === "calling" || this.state === "trying" || this.state === "proceeding";
    this.terminate();
    if (pending) this.handlers.onTimeout();
  }

  transportFailed() {
    const pending = this.state !== "accepted";
    this.terminate();
    if (pending) this.handlers.onTimeout();
  }

  clearTimer() {
    if (this.timer !== null) this.layer.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  terminate() {
    this.clearTimer();
    this.state = "terminated";
    if (this.layer.clients.get(this.key) === this) this.layer.clients.delete(this.key);
  }
}

/** §17.1.1.3: the ACK of a non-2xx final response: the request's Request-URI, Call-ID, From,
 * CSeq number, top Via and Route; the response's To (with its tag). */
export function ackFor(request, response) {
  const ack = new SipMessage({ method: "ACK", uri: request.uri });
  ack.add("Via", request.get("via"));
  for (const route of request.getAll("route")) ack.add("Route", route);
  ack.add("Max-Forwards", "70");
  ack.add("From", request.get("from"));
  ack.add("To", response.get("to"));
  ack.add("Call-ID", request.callId);
  ack.add("CSeq", `${request.cseq.seq} ACK`);
  return ack;
}

export class ServerTransaction {
  constructor(layer, request) {
    this.layer = layer;
    this.request = request;
    this.isInvite = request.method === "INVITE";
    this.key = serverKey(request);
    this.lastResponse = null;
    this.state = "proceeding";
    this.timer = null;
  }

  get final() { return this.lastResponse !== null && this.lastResponse.status >= 200; }

  /** Sends a response built from the request (§8.2.6). A second final response is refused. */
  respond(status, reason, options = {}) {
    if (this.final) throw new Error(`${this.request.method} already answered ${this.lastResponse.status}`);
    const response = createResponse(this.request, status, reason, options);
    this.lastResponse = response;
    this.layer.sendMessage(response);
    if (status >= 200) {
      if (this.isInvite && status >= 300) {
        this.state = "completed"; // wait for the ACK (Timer H), absorbing it
        this.timer = this.layer.timers.setTimeout(() => this.terminate(), TIMEOUT);
      } else {
        this.terminate(); // a 2xx ACK is the dialog's (§17.2.1); Timer J is 0 on WS
      }
    }
    return response;
  }

  receiveRetransmission(message) {
    if (message.method === "ACK") {
      if (this.state === "completed") this.terminate(); // Confirmed, Timer I = 0 on WS
      return;
    }
    if (this.lastResponse) this.layer.sendMessage(this.lastResponse);
  }

  terminate() {
    if (this.timer !== null) this.layer.timers.clearTimeout(this.timer);
    this.timer = null;
    this.state = "terminated";
    if (this.layer.servers.get(this.key) === this) this.layer.servers.delete(this.key);
  }
}

/** §9.1: the CANCEL of `invite`: its Request-URI, Call-ID, To, From, CSeq number and Route,
 * and its top Via only (the same branch, so the proxy matches it to the INVITE). */
export function cancelFor(invite) {
  const cancel = new SipMessage({ method: "CANCEL", uri: invite.uri });
  cancel.add("Via", invite.get("via"));
  for (const route of invite.getAll("route")) cancel.add("Route", route);
  cancel.add("Max-Forwards", "70");
  cancel.add("From", invite.get("from"));
  cancel.add("To", invite.get("to"));
  cancel.add("Call-ID", invite.callId);
  cancel.add("CSeq", `${invite.cseq.seq} CANCEL`);
  return cancel;
}
