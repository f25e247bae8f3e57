// Helpers of the phone's unit tests: a manual clock for the timers the code takes as an
// argument, and a recording transport (what the phone sent; the test plays the other side).
import { SipMessage } from "../../public/phone/message.mjs";

/** {setTimeout, clearTimeout} that fire only when the test advances time with tick(ms). */
export class ManualClock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.next = 1;
  }

  setTimeout(fn, ms) {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(id) { this.timers.delete(id); }

  tick(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }

  get pending() { return this.timers.size; }
}

/** A transport whose send() records parsed messages. */
export class RecordingTransport {
  constructor() { this.sent = []; this.open = true; }
  send(text) {
    if (!this.open) return false;
    this.sent.push(SipMessage.parse(text));
    return true;
  }
  last(method) { return [...this.sent].reverse().find((m) => (method ? m.method === method : true)); }
}

/** Waits until `condition()` holds, polling every 5 ms of real time (independent of the manual
 * clock), because some work finishes off the main thread (a digest computed by crypto.subtle);
 * fails after `timeoutMs`. */
export async function until(condition, what = "the condition", timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The text of a response to `request` as a registrar or proxy would send it. */
export function reply(request, status, reason, headers = [], body = "") {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of request.getAll("via")) lines.push(`Via: ${v}`);
  lines.push(`From: ${request.get("from")}`, `To: ${request.get("to")}${/tag=/.test(request.get("to")) ? "" : ";tag=srv1"}`,
    `Call-ID: ${request.callId}`, `CSeq: ${request.get("cseq")}`, ...headers.map(([n, v]) => `${n}: ${v}`),
    `Content-Length: ${new TextEncoder().encode(body).length}`, "", body);
  return lines.join("\r\n");
}
