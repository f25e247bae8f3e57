// The transaction layer (public/phone/transaction.mjs) over a reliable transport, with a manual
// clock: RFC 3261 §17.1 client timeouts and the ACK of a non-2xx, RFC 6026 Accepted, §17.2
// server retransmissions and the ACK absorbed, §9 CANCEL matching.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SipMessage } from "../../public/phone/message.mjs";
import { TIMEOUT, TransactionLayer, cancelFor } from "../../public/phone/transaction.mjs";
import { ManualClock, reply } from "./helpers.mjs";

const request = (method, branch = "z9hG4bKabc", extra = "") => SipMessage.parse([
  `${method} sip:bob@callgate.test SIP/2.0`,
  `Via: SIP/2.0/WS a.invalid;branch=${branch}`,
  "Route: <sip:127.0.0.1:5066;transport=ws;lr>",
  "Max-Forwards: 70",
  "From: <sip:alice@callgate.test>;tag=a1",
  "To: <sip:bob@callgate.test>" + extra,
  "Call-ID: c1",
  `CSeq: 1 ${method}`,
  "Content-Length: 0", "", ""].join("\r\n"));

/** A transaction layer on a manual clock, recording what it sends and what its handlers saw. */
class Harness {
  constructor() {
    this.clock = new ManualClock();
    this.sent = [];
    this.layer = new TransactionLayer({ send: (m) => this.sent.push(m), timers: this.clock });
    this.log = [];
  }
  handlers(name) {
    return {
      onProvisional: (r) => this.log.push(`${name} ${r.status}`),
      onFinal: (r) => this.log.push(`${name} final ${r.status}`),
      onTimeout: () => this.log.push(`${name} timeout`),
    };
  }
  deliver(text) { return this.layer.receive(SipMessage.parse(text)); }
}

test("Timer B: an INVITE without any response times out after 64·T1", () => {
  const t = new Harness();
  t.layer.sendRequest(request("INVITE"), t.handlers("inv"));
  t.clock.tick(TIMEOUT - 1);
  assert.deepEqual(t.log, []);
  t.clock.tick(1);
  assert.deepEqual(t.log, ["inv timeout"]);
  assert.equal(t.deliver(reply(request("INVITE"), 200, "OK")).handled, false, "gone after the timeout");
});

test("a provisional response stops Timer B; a non-2xx is ACKed with the branch and the To tag", () => {
  const t = new Harness();
  const invite = request("INVITE");
  t.layer.sendRequest(invite, t.handlers("inv"));
  t.deliver(reply(invite, 180, "Ringing"));
  t.clock.tick(TIMEOUT * 3);
  assert.deepEqual(t.log, ["inv 180"]);
  t.deliver(reply(invite, 486, "Busy Here"));
  assert.deepEqual(t.log, ["inv 180", "inv final 486"]);
  const ack = t.sent.at(-1);
  assert.equal(ack.method, "ACK");
  assert.equal(ack.uri, invite.uri);
  assert.equal(ack.topVia.params.branch, "z9hG4bKabc");
  assert.equal(ack.get("to"), "<sip:bob@callgate.test>;tag=srv1");
  assert.deepEqual(ack.cseq, { seq: 1, method: "ACK" });
  assert.deepEqual(ack.getAll("route"), ["<sip:127.0.0.1:5066;transport=ws;lr>"]);
  assert.equal(t.clock.pending, 0);
});

test("RFC 6026 Accepted: later 2xx (other forks) reach the user agent, then the transaction ends", () => {
  const t = new Harness();
  const invite = request("INVITE");
  t.layer.sendRequest(invite, t.handlers("inv"));
  t.deliver(reply(invite, 200, "OK"));
  t.deliver(reply(invite, 200, "OK").replace("tag=srv1", "tag=fork2"));
  t.deliver(reply(invite, 180, "Ringing"));
  assert.deepEqual(t.log, ["inv final 200", "inv final 200"]);
  assert.equal(t.sent.filter((m) => m.method === "ACK").length, 0, "a 2xx is the dialog's to ACK");
  t.clock.tick(TIMEOUT);
  assert.equal(t.deliver(reply(invite, 200, "OK")).handled, false);
});

test("Timer F for other requests; responses match by branch and method", () => {
  const t = new Harness();
  t.layer.sendRequest(request("REGISTER", "z9hG4bK1"), t.handlers("reg"));
  t.layer.sendRequest(request("OPTIONS", "z9hG4bK2"), t.handlers("opt"));
  t.deliver(reply(request("REGISTER", "z9hG4bK2"), 200, "OK")); // branch of OPTIONS, method REGISTER: no match
  assert.deepEqual(t.log, []);
  t.deliver(reply(request("OPTIONS", "z9hG4bK2"), 100, "Trying"));
  t.deliver(reply(request("OPTIONS", "z9hG4bK2"), 200, "OK"));
  t.clock.tick(TIMEOUT);
  assert.deepEqual(t.log, ["opt 100", "opt final 200", "reg timeout"]);
});

test("a lost transport fails what is pending as a timeout (§8.1.3.1)", () => {
  const t = new Harness();
  t.layer.sendRequest(request("INVITE", "z9hG4bK1"), t.handlers("inv"));
  t.layer.sendRequest(request("BYE", "z9hG4bK2"), t.handlers("bye"));
  t.layer.failAll();
  assert.deepEqual(t.log.sort(), ["bye timeout", "inv timeout"]);
  assert.equal(t.clock.pending, 0);
});

test("server side: a retransmission gets the last response again; the ACK of a non-2xx is absorbed", () => {
  const t = new Harness();
  const invite = request("INVITE", "z9hG4bKsrv");
  const first = t.layer.receive(invite);
  assert.equal(first.kind, "request");
  first.server.respond(180, "Ringing", { toTag: "b1" });
  assert.equal(t.layer.receive(invite).kind, "absorbed");
  assert.equal(t.sent.map((m) => m.status).join(), "180,180");
  first.server.respond(486, "Busy Here", { toTag: "b1" });
  assert.throws(() => first.server.respond(200, "OK"), /already answered/);
  const ack = SipMessage.parse(invite.toString().replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")
    .replace("To: <sip:bob@callgate.test>", "To: <sip:bob@callgate.test>;tag=b1"));
  assert.equal(t.layer.receive(ack).kind, "absorbed");
  assert.equal(first.server.state, "terminated");
  // a 2xx's ACK has its own branch and belongs to the dialog
  const ack2 = SipMessage.parse(ack.toString().replace("z9hG4bKsrv", "z9hG4bKnew"));
  assert.equal(t.layer.receive(ack2).kind, "ack");
});

test("Timer H: a non-2xx without ACK ends the server transaction", () => {
  const t = new Harness();
  const { server } = t.layer.receive(request("INVITE", "z9hG4bKh"));
  server.respond(603, "Decline", { toTag: "b1" });
  assert.equal(server.state, "completed");
  t.clock.tick(TIMEOUT);
  assert.equal(server.state, "terminated");
});

test("§9: CANCEL copies the INVITE's branch, Route and CSeq number, and finds its transaction", () => {
  const t = new Harness();
  const invite = request("INVITE", "z9hG4bKcx");
  const { server } = t.layer.receive(invite);
  const cancel = cancelFor(invite);
  assert.equal(cancel.method, "CANCEL");
  assert.equal(cancel.uri, invite.uri);
  assert.equal(cancel.topVia.params.branch, "z9hG4bKcx");
  assert.deepEqual(cancel.cseq, { seq: 1, method: "CANCEL" });
  assert.deepEqual(cancel.getAll("route"), invite.getAll("route"));
  const received = t.layer.receive(SipMessage.parse(cancel.toString()));
  assert.equal(received.kind, "request", "a CANCEL is its own transaction");
  assert.equal(t.layer.inviteServerFor(received.server.request), server);
});
