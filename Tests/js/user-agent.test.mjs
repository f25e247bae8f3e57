// What the user agent core answers by itself (public/phone/user-agent.mjs): OPTIONS, unknown
// methods, requests for dialogs it does not have, CANCEL without its INVITE, malformed input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { UserAgent } from "../../public/phone/user-agent.mjs";
import { ManualClock, RecordingTransport } from "./helpers.mjs";

function ua() {
  const transport = new RecordingTransport();
  const incoming = [];
  const logs = [];
  const agent = new UserAgent({
    identity: { user: "bob", domain: "callgate.test", instanceId: "11111111-2222-4333-8444-555555555555", contactUser: "b0" },
    transport, timers: new ManualClock(), onIncoming: (request, server) => incoming.push([request, server]),
    onLog: (direction) => logs.push(direction),
  });
  return { agent, transport, incoming, logs };
}

const request = (method, toTag = "") => [
  `${method} sip:b0@11111111.invalid;transport=ws SIP/2.0`,
  "Via: SIP/2.0/WS proxy.example;branch=z9hG4bK77",
  "From: <sip:alice@callgate.test>;tag=a1",
  `To: <sip:bob@callgate.test>${toTag}`,
  "Call-ID: c9", `CSeq: 5 ${method}`, "Content-Length: 0", "", ""].join("\r\n");

test("OPTIONS outside a dialog: 200 with Allow", () => {
  const { agent, transport } = ua();
  agent.receive(request("OPTIONS"));
  const response = transport.last();
  assert.equal(response.status, 200);
  assert.ok(["INVITE", "BYE", "REFER", "INFO"].every((m) => response.getAll("allow").includes(m)));
  assert.ok(response.get("to").includes(";tag="));
});

test("an unknown method: 405 with Allow; an unknown dialog: 481; a CANCEL for nothing: 481", () => {
  const { agent, transport } = ua();
  agent.receive(request("PUBLISH"));
  assert.equal(transport.last().status, 405);
  assert.ok(transport.last().has("allow"));
  agent.receive(request("BYE", ";tag=zz"));
  assert.equal(transport.last().status, 481);
  agent.receive(request("CANCEL"));
  assert.equal(transport.last().status, 481);
});

test("a new INVITE goes to the phone with its server transaction", () => {
  const { agent, incoming } = ua();
  agent.receive(request("INVITE"));
  assert.equal(incoming.length, 1);
  assert.equal(incoming[0][0].method, "INVITE");
  assert.equal(incoming[0][1].state, "proceeding");
});

test("malformed input is dropped and logged, not answered", () => {
  const { agent, transport, logs } = ua();
  agent.receive("INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n");
  agent.receive("\r\n\r\n");
  assert.equal(transport.sent.length, 0);
  assert.deepEqual(logs, ["in", "bad", "in", "bad"]);
});

test("Via and Contact of a WebSocket client (RFC 7118 §5.2, RFC 5626 §5.4)", () => {
  const { agent } = ua();
  assert.match(agent.via(), /^SIP\/2\.0\/WS 11111111\.invalid;branch=z9hG4bK[0-9a-f]{16}$/);
  assert.equal(agent.contact(), "<sip:b0@11111111.invalid;transport=ws;ob>");
  assert.equal(agent.contact({ register: true, expires: 60 }),
    '<sip:b0@11111111.invalid;transport=ws>;reg-id=1;+sip.instance="<urn:uuid:11111111-2222-4333-8444-555555555555>";expires=60');
});
