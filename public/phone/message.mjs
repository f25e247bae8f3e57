// SIP messages (RFC 3261 §7): parse one whole message as RFC 7118 §5 delivers it (one SIP
// message per WebSocket message), build requests and responses, serialize with Content-Length.
// Headers keep their order and spelling; look-ups are case-insensitive and know the compact
// forms (§7.3.3). Bounded: a message over MAX_MESSAGE_BYTES or with more than MAX_HEADERS
// header lines is refused.

import { parseNameAddr, parseParams, splitValues } from "./address.mjs";

export const MAX_MESSAGE_BYTES = 65536;
export const MAX_HEADERS = 200;

export class ParseError extends Error {}

/** §7.3.3 compact forms → full names (lower case). */
const COMPACT = {
  i: "call-id", m: "contact", e: "content-encoding", l: "content-length", c: "content-type",
  f: "from", s: "subject", k: "supported", t: "to", v: "via", r: "refer-to", b: "referred-by",
  o: "event", u: "allow-events", a: "accept-contact", j: "reject-contact", d: "request-disposition",
  x: "session-expires",
};

/** Headers whose values may be split at commas (§7.3.1); others (e.g. WWW-Authenticate, whose
 * parameters contain commas, or Date) are taken whole. */
const LIST_HEADERS = new Set(["via", "route", "record-route", "contact", "allow", "supported", "require",
  "proxy-require", "unsupported", "accept", "allow-events", "path"]);

const canonical = (name) => {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] || lower;
};

export class SipMessage {
  /** A request (`method`, `uri`) or a response (`status`, `reason`). */
  constructor({ method = null, uri = null, status = null, reason = null, headers = [], body = "" } = {}) {
    this.method = method;
    this.uri = uri;
    this.status = status;
    this.reason = reason;
    this.headers = headers.map(([n, v]) => [n, String(v)]);
    this.body = body;
  }

  get isRequest() { return this.method !== null; }
  get isResponse() { return this.status !== null; }

  /** The first value of header `name` (a multi-value line gives its first value), or null. */
  get(name) {
    const all = this.getAll(name);
    return all.length ? all[0] : null;
  }

  /** Every value of header `name`, comma-separated lines split for list headers. */
  getAll(name) {
    const want = canonical(name);
    const values = [];
    for (const [n, v] of this.headers) {
      if (canonical(n) !== want) continue;
      if (LIST_HEADERS.has(want)) values.push(...splitValues(v));
      else values.push(v.trim());
    }
    return values;
  }

  has(name) { return this.getAll(name).length > 0; }

  /** Replaces every `name` header with one line (or none when value is null). */
  set(name, value) {
    const want = canonical(name);
    const at = this.headers.findIndex(([n]) => canonical(n) === want);
    this.remove(name);
    if (value === null || value === undefined) return this;
    this.headers.splice(at < 0 ? this.headers.length : at, 0, [name, String(value)]);
    return this;
  }

  add(name, value) {
    this.headers.push([name, String(value)]);
    return this;
  }

  /** Puts a header line before all others of that name (a new top Via). */
  prepend(name, value) {
    const want = canonical(name);
    const at = this.headers.findIndex(([n]) => canonical(n) === want);
    this.headers.splice(at < 0 ? this.headers.length : at, 0, [name, String(value)]);
    return this;
  }

  remove(name) {
    const want = canonical(name);
    this.headers = this.headers.filter(([n]) => canonical(n) !== want);
    return this;
  }

  /** CSeq as {seq, method} (§20.16). */
  get cseq() {
    const value = this.get("cseq");
    const m = value && /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
    if (!m) throw new ParseError(`bad CSeq: ${value}`);
    return { seq: Number(m[1]), method: m[2].toUpperCase() };
  }

  get callId() { return this.get("call-id"); }

  /** The top Via as {protocol, sentBy, params} (§20.42). */
  get topVia() {
    const value = this.get("via");
    return value === null ? null : parseVia(value);
  }

  /** The text on the wire, with Content-Length set to the body's UTF-8 length. */
  toString() {
    const start = this.isRequest ? `${this.method} ${this.uri} SIP/2.0` : `SIP/2.0 ${this.status} ${this.reason}`;
    const bytes = new TextEncoder().encode(this.body).length;
    const lines = this.headers.filter(([n]) => canonical(n) !== "content-length").map(([n, v]) => `${n}: ${v}`);
    lines.push(`Content-Length: ${bytes}`);
    return `${start}\r\n${lines.join("\r\n")}\r\n\r\n${this.body}`;
  }

  /** One whole message (§7). Folded header lines (§7.3.1) are joined; a Content-Length that
   * disagrees with the body is an error (§18.3: on a stream transport it frames the message;
   * RFC 7118 §5 frames it by the WebSocket message, so they must agree). */
  static parse(text) {
    if (typeof text !== "string") throw new ParseError("not text");
    if (new TextEncoder().encode(text).length > MAX_MESSAGE_BYTES) throw new ParseError("message too large");
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new ParseError("no empty line after the headers");
    const head = text.slice(0, end).split("\r\n");
    const body = text.slice(end + 4);
    const message = new SipMessage({ body });
    const start = head.shift();
    let m;
    if ((m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start))) {
      message.status = Number(m[1]);
      message.reason = m[2];
      if (message.status < 100 || message.status > 699) throw new ParseError(`bad status: ${start}`);
    } else if ((m = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/.exec(start))) {
      message.method = m[1];
      message.uri = m[2];
    } else {
      throw new ParseError(`bad start line: ${start}`);
    }
    for (const line of head) {
      if (/^[ \t]/.test(line)) {
        if (!message.headers.length) throw new ParseError("continuation without a header");
        message.headers[message.headers.length - 1][1] += " " + line.trim();
        continue;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ParseError(`bad header line: ${line}`);
      const name = line.slice(0, colon).trim();
      if (!/^[A-Za-z0-9.!%*_+`'~-]+$/.test(name)) throw new ParseError(`bad header name: ${name}`);
      message.headers.push([name, line.slice(colon + 1).trim()]);
      if (message.headers.length > MAX_HEADERS) throw new ParseError("too many headers");
    }
    const length = message.get("content-length");
    if (length !== null) {
      if (!/^\d+$/.test(length)) throw new ParseError(`bad Content-Length: ${length}`);
      if (Number(length) !== new TextEncoder().encode(body).length) throw new ParseError("Content-Length does not match the body");
    }
    for (const name of ["call-id", "cseq", "from", "to", "via"]) {
      if (!message.has(name)) throw new ParseError(`no ${name} header`); // §8.1.1 mandatory headers
    }
    message.cseq; // eslint-disable-line no-unused-expressions -- validates it
    return message;
  }
}

/** `SIP/2.0/WS host;branch=z9hG4bK…;rport` → {protocol, sentBy, params}. */
export function parseVia(value) {
  const m = /^\s*SIP\s*\/\s*2\.0\s*\/\s*(\S+)\s+([^;\s]+)\s*(.*)$/i.exec(value);
  if (!m) throw new ParseError(`bad Via: ${value}`);
  return { protocol: m[1].toUpperCase(), sentBy: m[2].toLowerCase(), params: parseParams(m[3]) };
}

/** §8.2.6: a response to `request`, copying Via, From, To, Call-ID and CSeq; `toTag` is added
 * to To when it has none yet. A response that creates a dialog (101–299 to INVITE) also copies
 * Record-Route in order (§12.1.1), so that the caller's requests take the same proxies. */
export function createResponse(request, status, reason, { toTag = null, headers = [], body = "" } = {}) {
  const response = new SipMessage({ status, reason, body });
  const copied = ["via", "from", "call-id", "cseq"];
  if (request.method === "INVITE" && status > 100 && status < 300) copied.push("record-route");
  for (const [n, v] of request.headers) {
    if (copied.includes(canonical(n))) response.add(n, v);
  }
  let to = request.get("to");
  if (toTag && !tagOf(to)) to += `;tag=${toTag}`;
  response.set("To", to);
  for (const [n, v] of headers) response.add(n, v);
  return response;
}

/** The tag parameter of a From or To value, or null. */
export function tagOf(value) {
  return value ? parseNameAddr(value).params.tag ?? null : null;
}
