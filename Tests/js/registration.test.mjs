// Registration through the user agent core (public/phone/registration.mjs, user-agent.mjs) with
// the test playing the registrar: digest challenge and answer (RFC 3261 §22.2), a wrong
// password ending it, refresh before expiry, 423 (§10.2.8), retry after a timeout, the RFC 5626
// Contact, un-REGISTER.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseNameAddr } from "../../public/phone/address.mjs";
import { RETRY_MS, Registration, grantedExpires, refreshDelayMs } from "../../public/phone/registration.mjs";
import { UserAgent } from "../../public/phone/user-agent.mjs";
import { SipMessage } from "../../public/phone/message.mjs";
import { TIMEOUT } from "../../public/phone/transaction.mjs";
import { ManualClock, RecordingTransport, reply, until } from "./helpers.mjs";

const INSTANCE = "0f8fad5b-d9cb-469f-a165-70867728950e";
const CHALLENGE = ["WWW-Authenticate", 'Digest realm="callgate.test", nonce="abc123", qop="auth", algorithm=SHA-256'];

function phone(password = "alice") {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const ua = new UserAgent({
    identity: { user: "alice", domain: "callgate.test", password, instanceId: INSTANCE, contactUser: "c7x" },
    transport, timers: clock,
  });
  const states = [];
  const registration = new Registration(ua, { expires: 600, onState: (s, d) => states.push([s, d.status ?? d.expires ?? d.reason]) });
  return { clock, transport, ua, registration, states };
}

const contactOf = (request) => request.get("contact");

test("REGISTER, 401, REGISTER with SHA-256 credentials, 200: registered with the granted expiry", async () => {
  const p = phone();
  p.registration.start();
  const first = p.transport.last("REGISTER");
  assert.equal(first.uri, "sip:callgate.test");
  assert.equal(first.get("to"), "<sip:alice@callgate.test>");
  assert.equal(first.get("expires"), "600");
  const contact = parseNameAddr(contactOf(first));
  assert.equal(contact.uri, `sip:c7x@${INSTANCE.slice(0, 8)}.invalid;transport=ws`);
  assert.deepEqual(contact.params, { "reg-id": "1", "+sip.instance": `<urn:uuid:${INSTANCE}>`, expires: "600" });
  assert.match(first.get("supported"), /outbound/);
  assert.match(first.topVia.protocol, /^WS$/);

  p.ua.receive(reply(first, 401, "Unauthorized", [CHALLENGE]));
  await until(() => p.transport.sent.length === 2, "the REGISTER with credentials");
  const second = p.transport.last("REGISTER");
  assert.equal(second.callId, first.callId, "§10.2.4: one Call-ID");
  assert.equal(second.cseq.seq, first.cseq.seq + 1);
  assert.notEqual(second.topVia.params.branch, first.topVia.params.branch);
  const auth = second.get("authorization");
  const field = (name) => new RegExp(`${name}="?([^",]+)`).exec(auth)[1];
  const H = (s) => createHash("sha256").update(s).digest("hex");
  const expected = H(`${H("alice:callgate.test:alice")}:abc123:${field("nc")}:${field("cnonce")}:auth:${H("REGISTER:sip:callgate.test")}`);
  assert.equal(field("response"), expected);
  assert.equal(field("uri"), "sip:callgate.test");

  p.ua.receive(reply(second, 200, "OK", [["Contact", `${contactOf(second).replace(";expires=600", "")};expires=300`],
    ["Contact", "<sip:other@elsewhere>;expires=3600"]]));
  assert.deepEqual(p.states, [["registered", 300]]);

  // refreshed at 85 % of 300 s, same Call-ID, next CSeq
  p.clock.tick(refreshDelayMs(300) - 1);
  assert.equal(p.transport.sent.length, 2);
  p.clock.tick(1);
  const refresh = p.transport.last("REGISTER");
  assert.equal(refresh.callId, first.callId);
  assert.equal(refresh.cseq.seq, second.cseq.seq + 1);
});

test("a wrong password: the second 401 is final, no loop", async () => {
  const p = phone("wrong");
  p.registration.start();
  p.ua.receive(reply(p.transport.last("REGISTER"), 401, "Unauthorized", [CHALLENGE]));
  await until(() => p.transport.sent.length === 2, "the REGISTER with credentials");
  const retried = p.transport.last("REGISTER");
  p.ua.receive(reply(retried, 401, "Unauthorized", [[CHALLENGE[0], CHALLENGE[1].replace("abc123", "def456")]]));
  await until(() => p.states.length > 0, "the registration's failure");
  assert.equal(p.transport.sent.length, 2);
  assert.deepEqual(p.states, [["failed", 401]]);
  p.clock.tick(RETRY_MS * 10);
  assert.equal(p.transport.sent.length, 2, "a refusal is not retried");
});

test("stale=true is answered again with the new nonce", async () => {
  const p = phone();
  p.registration.start();
  p.ua.receive(reply(p.transport.last("REGISTER"), 401, "Unauthorized", [CHALLENGE]));
  await until(() => p.transport.sent.length === 2, "the REGISTER with credentials");
  p.ua.receive(reply(p.transport.last("REGISTER"), 401, "Unauthorized", [[CHALLENGE[0], CHALLENGE[1].replace("abc123", "n2") + ", stale=true"]]));
  await until(() => p.transport.sent.length === 3, "the REGISTER with the new nonce");
  assert.equal(p.transport.sent.length, 3);
  assert.match(p.transport.last("REGISTER").get("authorization"), /nonce="n2"/);
});

test("423 Interval Too Brief: again with Min-Expires", () => {
  const p = phone();
  p.registration.start();
  p.ua.receive(reply(p.transport.last("REGISTER"), 423, "Interval Too Brief", [["Min-Expires", "1800"]]));
  const again = p.transport.last("REGISTER");
  assert.equal(again.get("expires"), "1800");
  assert.match(contactOf(again), /;expires=1800$/);
});

test("no answer: failed as 408, retried after RETRY_MS; a 403 is not retried", () => {
  const p = phone();
  p.registration.start();
  p.clock.tick(TIMEOUT);
  assert.deepEqual(p.states, [["failed", 408]]);
  p.clock.tick(RETRY_MS);
  assert.equal(p.transport.sent.length, 2);
  p.ua.receive(reply(p.transport.last("REGISTER"), 403, "Forbidden"));
  p.clock.tick(RETRY_MS * 5);
  assert.equal(p.transport.sent.length, 2);
});

test("reconnect registers again on the new connection; stop sends expires 0", () => {
  const p = phone();
  p.registration.start();
  p.ua.receive(reply(p.transport.last("REGISTER"), 200, "OK", [["Expires", "600"]]));
  p.registration.disconnected();
  p.registration.reconnected();
  const again = p.transport.last("REGISTER");
  assert.equal(again.cseq.seq, 2);
  assert.equal(contactOf(again), contactOf(p.transport.sent[0]), "the same Contact and instance");
  p.ua.receive(reply(again, 200, "OK", [["Expires", "600"]]));
  p.registration.stop();
  const last = p.transport.last("REGISTER");
  assert.equal(last.get("expires"), "0");
  assert.deepEqual(p.states.map(([s]) => s), ["registered", "unregistered", "registered", "unregistered"]);
  assert.equal(p.clock.pending, 1, "only the un-REGISTER's transaction timer");
});

test("grantedExpires and refreshDelayMs", () => {
  const ok = SipMessage.parse(["SIP/2.0 200 OK", "Via: SIP/2.0/WS x.invalid;branch=z9hG4bK1", "From: <sip:a@x>;tag=1",
    "To: <sip:a@x>;tag=2", "Call-ID: c", "CSeq: 1 REGISTER",
    `Contact: <sip:zz@other.invalid;transport=ws>;expires=120;+sip.instance="<urn:uuid:${INSTANCE}>";reg-id=1`,
    "Expires: 999", "Content-Length: 0", "", ""].join("\r\n"));
  assert.equal(grantedExpires(ok, INSTANCE, "sip:nomatch@x"), 120, "matched by instance");
  assert.equal(grantedExpires(ok, "other", "sip:nomatch@x"), 999, "else the Expires header");
  assert.equal(refreshDelayMs(600), 510000);
  assert.equal(refreshDelayMs(1), 1000);
});
