// Dialog state (public/phone/dialog.mjs): RFC 3261 §12.1 creation on both sides, §12.2.1.1
// in-dialog requests with loose and strict routes, §12.2.2 CSeq order and target refresh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dialog } from "../../public/phone/dialog.mjs";
import { SipMessage } from "../../public/phone/message.mjs";

const invite = SipMessage.parse([
  "INVITE sip:bob@callgate.test SIP/2.0",
  "Via: SIP/2.0/WS a.invalid;branch=z9hG4bK1",
  "Record-Route: <sip:edge.example;lr>",
  "Record-Route: <sip:core.example;lr>",
  "From: \"Alice\" <sip:alice@callgate.test>;tag=a1",
  "To: <sip:bob@callgate.test>",
  "Call-ID: call-1",
  "CSeq: 2 INVITE",
  "Contact: <sip:alice7@a.invalid;transport=ws;ob>",
  "Content-Length: 0", "", ""].join("\r\n"));

const ok = SipMessage.parse([
  "SIP/2.0 200 OK",
  "Via: SIP/2.0/WS a.invalid;branch=z9hG4bK1",
  "Record-Route: <sip:edge.example;lr>",
  "Record-Route: <sip:core.example;lr>",
  "From: \"Alice\" <sip:alice@callgate.test>;tag=a1",
  "To: <sip:bob@callgate.test>;tag=b1",
  "Call-ID: call-1",
  "CSeq: 2 INVITE",
  "Contact: <sip:bob9@b.invalid;alias=127.0.0.1~5~5;transport=ws>",
  "Content-Length: 0", "", ""].join("\r\n"));

test("the caller's dialog: route set reversed, target from Contact, next CSeq", () => {
  const d = Dialog.asUac(invite, ok);
  assert.equal(d.state, "confirmed");
  assert.deepEqual([d.callId, d.localTag, d.remoteTag], ["call-1", "a1", "b1"]);
  assert.deepEqual(d.routeSet, ["<sip:core.example;lr>", "<sip:edge.example;lr>"]);
  const bye = d.createRequest("BYE", { via: "SIP/2.0/WS a.invalid;branch=z9hG4bK2" });
  assert.equal(bye.uri, "sip:bob9@b.invalid;alias=127.0.0.1~5~5;transport=ws");
  assert.deepEqual(bye.getAll("route"), ["<sip:core.example;lr>", "<sip:edge.example;lr>"]);
  assert.deepEqual(bye.cseq, { seq: 3, method: "BYE" });
  assert.equal(bye.get("from"), "<sip:alice@callgate.test>;tag=a1");
  assert.equal(bye.get("to"), "<sip:bob@callgate.test>;tag=b1");
  const ack = d.createRequest("ACK", { seq: 2, via: "SIP/2.0/WS a.invalid;branch=z9hG4bK3" });
  assert.deepEqual(ack.cseq, { seq: 2, method: "ACK" });
  assert.equal(d.localSeq, 3, "ACK does not take a new number");
  assert.ok(d.matches(ok), "a response to our request: From has our tag, To theirs");
  assert.ok(!d.matches(SipMessage.parse(ok.toString().replace("tag=b1", "tag=b2"))), "another fork's dialog");
});

test("the callee's dialog: route set in order, early until confirmed, matching both tags", () => {
  const d = Dialog.asUas(invite, "b1");
  assert.equal(d.state, "early");
  assert.deepEqual(d.routeSet, ["<sip:edge.example;lr>", "<sip:core.example;lr>"]);
  assert.equal(d.remoteTarget, "sip:alice7@a.invalid;transport=ws;ob");
  assert.equal(d.remoteSeq, 2);
  d.confirm();
  assert.equal(d.state, "confirmed");
  const bye = SipMessage.parse(d.createRequest("BYE", { via: "SIP/2.0/WS b.invalid;branch=z9hG4bK9" }).toString()
    .replace("From: <sip:bob@callgate.test>;tag=b1", "From: <sip:alice@callgate.test>;tag=a1")
    .replace("To: <sip:alice@callgate.test>;tag=a1", "To: <sip:bob@callgate.test>;tag=b1"));
  assert.ok(d.matches(bye), "a request from alice with both tags");
  assert.ok(!d.matches(SipMessage.parse(bye.toString().replace("tag=a1", "tag=zz"))));
});

test("strict routing: the first route becomes the Request-URI, the target the last Route", () => {
  const strict = SipMessage.parse(ok.toString().replace(/Record-Route: <sip:core.example;lr>\r\n/, "")
    .replace("<sip:edge.example;lr>", "<sip:strict.example>"));
  const d = Dialog.asUac(invite, strict);
  const info = d.createRequest("INFO", { via: "SIP/2.0/WS a.invalid;branch=z9hG4bK4" });
  assert.equal(info.uri, "sip:strict.example");
  assert.deepEqual(info.getAll("route"), ["<sip:bob9@b.invalid;alias=127.0.0.1~5~5;transport=ws>"]);
});

test("§12.2.2: lower CSeq refused, target refresh by re-INVITE, ACK and CANCEL keep the number", () => {
  const d = Dialog.asUas(invite, "b1", { early: false });
  const next = (seq, method, contact) => SipMessage.parse(invite.toString()
    .replace("INVITE sip:bob", `${method} sip:bob`).replace("CSeq: 2 INVITE", `CSeq: ${seq} ${method}`)
    .replace("To: <sip:bob@callgate.test>", "To: <sip:bob@callgate.test>;tag=b1")
    .replace("Contact: <sip:alice7@a.invalid;transport=ws;ob>", `Contact: ${contact}`));
  assert.equal(d.receiveRequest(next(2, "ACK", "<sip:x@y>")), true);
  assert.equal(d.receiveRequest(next(2, "INFO", "<sip:x@y>")), false, "not above the INVITE's 2");
  assert.equal(d.receiveRequest(next(3, "INVITE", "<sip:alice7@new.invalid;transport=ws>")), true);
  assert.equal(d.remoteTarget, "sip:alice7@new.invalid;transport=ws");
  assert.equal(d.receiveRequest(next(4, "INFO", "<sip:other@z>")), true);
  assert.equal(d.remoteTarget, "sip:alice7@new.invalid;transport=ws", "INFO is no target refresh");
});
