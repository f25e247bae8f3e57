// Dialogs (RFC 3261 §12): the state two user agents share after an INVITE: Call-ID, tags,
// local and remote URI, the remote target (Contact) and the route set (Record-Route), and the
// CSeq numbers in each direction. Builds in-dialog requests with the route set (§12.2.1.1,
// loose and strict routing, §16.12.1.2) and checks received ones (§12.2.2).

import { parseNameAddr, parseUri } from "./address.mjs";
import { SipMessage, tagOf } from "./message.mjs";

export class Dialog {
  constructor({ callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localSeq, remoteSeq, early }) {
    Object.assign(this, { callId, localTag, remoteTag, localUri, remoteUri, remoteTarget, routeSet, localSeq, remoteSeq });
    this.state = early ? "early" : "confirmed";
  }

  get id() { return `${this.callId}|${this.localTag}|${this.remoteTag}`; }

  /** §12.1.2: the UAC's dialog from a response with a To tag (1xx: early, 2xx: confirmed). The
   * route set is the response's Record-Route in reverse order; the remote target its Contact. */
  static asUac(request, response) {
    const contact = response.get("contact");
    return new Dialog({
      callId: request.callId,
      localTag: tagOf(request.get("from")),
      remoteTag: tagOf(response.get("to")),
      localUri: parseNameAddr(request.get("from")).uri,
      remoteUri: parseNameAddr(request.get("to")).uri,
      remoteTarget: contact ? parseNameAddr(contact).uri : request.uri,
      routeSet: response.getAll("record-route").reverse(),
      localSeq: request.cseq.seq,
      remoteSeq: null,
      early: response.status < 200,
    });
  }

  /** §12.1.1: the UAS's dialog for a request it answers with `localTag`; the route set is the
   * request's Record-Route in order. */
  static asUas(request, localTag, { early = true } = {}) {
    const contact = request.get("contact");
    return new Dialog({
      callId: request.callId,
      localTag,
      remoteTag: tagOf(request.get("from")),
      localUri: parseNameAddr(request.get("to")).uri,
      remoteUri: parseNameAddr(request.get("from")).uri,
      remoteTarget: contact ? parseNameAddr(contact).uri : null,
      routeSet: request.getAll("record-route"),
      localSeq: Math.floor(Math.random() * 10000) + 1,
      remoteSeq: request.cseq.seq,
      early,
    });
  }

  confirm() { this.state = "confirmed"; }

  /** A UAC's early dialog becoming confirmed by the 2xx: §12.1.2 recomputes the route set and
   * target from the 2xx (the route set is fixed by then, but the target may change). */
  confirmWith(response) {
    this.routeSet = response.getAll("record-route").reverse();
    const contact = response.get("contact");
    if (contact) this.remoteTarget = parseNameAddr(contact).uri;
    this.state = "confirmed";
  }

  /** Whether a message belongs to this dialog: Call-ID and both tags (§12: a response's or a
   * received request's From/To seen from here). */
  matches(message) {
    if (message.callId !== this.callId) return false;
    const [local, remote] = message.isRequest ? ["to", "from"] : ["from", "to"];
    return tagOf(message.get(local)) === this.localTag && tagOf(message.get(remote)) === this.remoteTag;
  }

  /** §12.2.2: a request in this dialog with a lower CSeq than the last is out of order (500);
   * a target refresh (re-INVITE, UPDATE) updates the remote target from its Contact. Returns
   * false for an out-of-order request. */
  receiveRequest(request) {
    const { seq } = request.cseq;
    if (request.method !== "ACK" && request.method !== "CANCEL") {
      if (this.remoteSeq !== null && seq <= this.remoteSeq) return false;
      this.remoteSeq = seq;
    }
    if ((request.method === "INVITE" || request.method === "UPDATE") && request.has("contact")) {
      this.remoteTarget = parseNameAddr(request.get("contact")).uri;
    }
    return true;
  }

  /** §12.2.1.1: a request in the dialog. With a loose-routing first hop (;lr) the Request-URI
   * is the remote target and the route set goes into Route; otherwise (strict routing) the
   * first route is the Request-URI and the remote target the last Route. ACK and CANCEL reuse
   * a given CSeq number; others take the next one. */
  createRequest(method, { seq = null, headers = [], body = "", via, maxForwards = 70 } = {}) {
    if (seq === null) seq = ++this.localSeq;
    let uri = this.remoteTarget;
    let routes = [...this.routeSet];
    if (routes.length && !("lr" in parseUri(parseNameAddr(routes[0]).uri).params)) {
      uri = parseNameAddr(routes[0]).uri;
      routes = [...routes.slice(1), `<${this.remoteTarget}>`];
    }
    const request = new SipMessage({ method, uri, body });
    request.add("Via", via);
    for (const route of routes) request.add("Route", route);
    request.add("Max-Forwards", maxForwards);
    request.add("From", `<${this.localUri}>;tag=${this.localTag}`);
    request.add("To", `<${this.remoteUri}>;tag=${this.remoteTag}`);
    request.add("Call-ID", this.callId);
    request.add("CSeq", `${seq} ${method}`);
    for (const [name, value] of headers) request.add(name, value);
    return request;
  }
}
