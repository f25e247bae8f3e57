// SIP message parsing and building (public/phone/message.mjs, address.mjs): RFC 3261 §7 and
// §20, compact forms, folding, lists, the RFC 4475 features that reach a user agent, and
// every truncation of a message failing cleanly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_HEADERS, ParseError, SipMessage, createResponse, parseVia, tagOf } from "../../public/phone/message.mjs";
import { formatNameAddr, formatUri, parseNameAddr, parseParams, parseUri, splitValues } from "../../public/phone/address.mjs";

const INVITE = [
  "INVITE sip:bob@callgate.test SIP/2.0",
  "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport",
  "v: SIP/2.0/TCP proxy.example;branch=z9hG4bK1, SIP/2.0/WS c.invalid ;branch=z9hG4bK2",
  "Max-Forwards: 70",
  'f: "Alice, the first" <sip:alice@callgate.test>;tag=1928301774',
  "To: <sip:bob@callgate.test>",
  "i: a84b4c76e66710",
  "CSeq: 314159 INVITE",
  "Contact: <sip:x7@df7jal23ls0d.invalid;transport=ws;ob>",
  "Subject: a folded",
  "  header line",
  "Record-Route: <sip:127.0.0.1:5066;transport=ws;lr>,",
  " <sip:proxy2.example;lr>",
  "c: application/sdp",
  "l: 5",
  "",
  "v=0\r\n",
].join("\r\n");

test("a request: start line, compact forms, folding, lists", () => {
  const m = SipMessage.parse(INVITE);
  assert.equal(m.method, "INVITE");
  assert.equal(m.uri, "sip:bob@callgate.test");
  assert.equal(m.callId, "a84b4c76e66710");
  assert.deepEqual(m.cseq, { seq: 314159, method: "INVITE" });
  assert.equal(m.getAll("via").length, 3);
  assert.deepEqual(m.topVia, { protocol: "WS", sentBy: "df7jal23ls0d.invalid", params: { branch: "z9hG4bKnashds7", rport: null } });
  assert.equal(m.get("subject"), "a folded header line");
  assert.deepEqual(m.getAll("record-route"), ["<sip:127.0.0.1:5066;transport=ws;lr>", "<sip:proxy2.example;lr>"]);
  assert.equal(m.get("FROM"), '"Alice, the first" <sip:alice@callgate.test>;tag=1928301774');
  assert.equal(tagOf(m.get("from")), "1928301774");
  assert.equal(tagOf(m.get("to")), null);
  assert.equal(m.get("content-type"), "application/sdp");
  assert.equal(m.body, "v=0\r\n");
});

test("a response, and createResponse copying what §8.2.6 and §12.1.1 say", () => {
  const invite = SipMessage.parse(INVITE);
  const ringing = createResponse(invite, 180, "Ringing", { toTag: "abc", headers: [["Contact", "<sip:b@h.invalid>"]] });
  const back = SipMessage.parse(ringing.toString());
  assert.equal(back.status, 180);
  assert.equal(back.reason, "Ringing");
  assert.equal(tagOf(back.get("to")), "abc");
  assert.equal(back.getAll("via").length, 3);
  assert.equal(back.getAll("record-route").length, 2, "a dialog-creating response copies Record-Route");
  const busy = createResponse(invite, 486, "Busy Here", { toTag: "abc" });
  assert.equal(busy.getAll("record-route").length, 0);
  // a To that already has a tag keeps it
  const inDialog = SipMessage.parse(INVITE.replace("To: <sip:bob@callgate.test>", "To: <sip:bob@x>;tag=old"));
  const again = createResponse(inDialog, 200, "OK", { toTag: "new" });
  assert.equal(tagOf(again.get("to")), "old");
});

test("serialisation sets Content-Length in UTF-8 bytes and round-trips", () => {
  const m = new SipMessage({ method: "MESSAGE", uri: "sip:b@x", body: "žluťoučký" });
  for (const [n, v] of [["Via", "SIP/2.0/WS h.invalid;branch=z9hG4bK1"], ["From", "<sip:a@x>;tag=1"], ["To", "<sip:b@x>"],
    ["Call-ID", "c"], ["CSeq", "1 MESSAGE"], ["Content-Length", "999"]]) m.add(n, v);
  const text = m.toString();
  assert.match(text, /\r\nContent-Length: 13\r\n\r\nžluťoučký$/);
  assert.equal((text.match(/Content-Length/g) || []).length, 1);
  assert.equal(SipMessage.parse(text).body, "žluťoučký");
});

test("header editing: set keeps the position, prepend puts a Via on top, remove knows compact forms", () => {
  const m = SipMessage.parse(INVITE);
  m.prepend("Via", "SIP/2.0/WS top.invalid;branch=z9hG4bKtop");
  assert.equal(m.topVia.sentBy, "top.invalid");
  m.remove("via");
  assert.equal(m.get("v"), null);
  m.set("Max-Forwards", 69);
  assert.equal(m.headers.findIndex(([n]) => n === "Max-Forwards"), 0);
});

test("malformed messages are ParseErrors", () => {
  const bad = [
    "", "INVITE sip:x SIP/2.0\r\n", "HELLO\r\n\r\n", "SIP/2.0 99 Low\r\nVia: x\r\n\r\n",
    INVITE.replace("l: 5", "l: 6"), INVITE.replace("l: 5", "l: five"), INVITE.replace("CSeq: 314159 INVITE", "CSeq: INVITE"),
    INVITE.replace("i: a84b4c76e66710\r\n", ""), INVITE.replace("Max-Forwards: 70", "Max Forwards: 70"),
    INVITE.replace("Via: ", " Via: ").replace(/^INVITE[^\r]*\r\n/, "INVITE sip:x SIP/2.0\r\n"),
  ];
  for (const text of bad) assert.throws(() => SipMessage.parse(text), ParseError, JSON.stringify(text.slice(0, 60)));
  const many = INVITE.replace("Max-Forwards: 70", Array.from({ length: MAX_HEADERS }, (_, i) => `X-${i}: ${i}`).join("\r\n"));
  assert.throws(() => SipMessage.parse(many), /too many headers/);
  assert.throws(() => SipMessage.parse(INVITE + "x".repeat(70000)), /too large/);
});

test("every truncation of a message is a ParseError, never another exception", () => {
  for (let cut = 0; cut < INVITE.length; cut++) {
    assert.throws(() => SipMessage.parse(INVITE.slice(0, cut)), ParseError, `cut at ${cut}`);
  }
  assert.doesNotThrow(() => SipMessage.parse(INVITE));
});

test("RFC 4475 §3.1.1.1-style oddities a UA meets: case, spacing, escaped URI user, unknown headers", () => {
  const text = [
    "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
    "TO :",
    " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
    'from   : "J Rosenberg \\\\\\"" <sip:jdrosen@example.com>',
    "  ;",
    "  tag = 98asjd8",
    "MaX-fOrWaRdS: 0068",
    "Call-ID: wsinv.ndaksdj@192.0.2.1",
    "cseq: 0009",
    "  INVITE",
    "Via  : SIP  /   2.0",
    " /UDP",
    "    192.0.2.2;branch=390skdjuw",
    "NewFangledHeader:   newfangled value",
    " continued newfangled value",
    "Content-Length: 0",
    "", ""].join("\r\n");
  const m = SipMessage.parse(text);
  assert.deepEqual(m.cseq, { seq: 9, method: "INVITE" });
  assert.equal(tagOf(m.get("to")), "1918181833n");
  assert.equal(tagOf(m.get("from")), "98asjd8");
  assert.equal(parseNameAddr(m.get("from")).display, 'J Rosenberg \\"');
  assert.deepEqual(m.topVia, { protocol: "UDP", sentBy: "192.0.2.2", params: { branch: "390skdjuw" } });
  assert.equal(m.get("newfangledheader"), "newfangled value continued newfangled value");
});

test("URIs: parse and format, escaping the user part", () => {
  const uri = parseUri("sip:%61lice@Example.COM:5060;transport=ws;lr;ob?subject=x");
  assert.deepEqual(uri, { scheme: "sip", user: "alice", host: "example.com", port: 5060,
    params: { transport: "ws", lr: null, ob: null }, headers: "subject=x" });
  assert.equal(formatUri({ scheme: "sip", user: "bob smith", host: "x", port: null, params: {} }), "sip:bob%20smith@x");
  assert.equal(formatUri(parseUri("sips:[2001:db8::1]:5061;maddr=a")), "sips:[2001:db8::1]:5061;maddr=a");
  assert.equal(parseUri("sip:callgate.test").user, null);
  assert.throws(() => parseUri("http://x"));
});

test("name-addr: display names, bare URIs whose parameters are the header's, formatting", () => {
  assert.deepEqual(parseNameAddr('"Bob \\"B\\"" <sip:bob@x;transport=ws>;tag=9;expires=60'),
    { display: 'Bob "B"', uri: "sip:bob@x;transport=ws", params: { tag: "9", expires: "60" } });
  assert.deepEqual(parseNameAddr("sip:bob@x;tag=9"), { display: null, uri: "sip:bob@x", params: { tag: "9" } });
  assert.deepEqual(parseNameAddr("Bob <sip:bob@x>"), { display: "Bob", uri: "sip:bob@x", params: {} });
  assert.equal(formatNameAddr({ display: 'A "b"', uri: "sip:a@x", params: { tag: "1", "+sip.instance": "<urn:uuid:1>" } }),
    '"A \\"b\\"" <sip:a@x>;tag=1;+sip.instance="<urn:uuid:1>"');
  assert.deepEqual(splitValues('"a, b" <sip:1>, <sip:2;x=",">,sip:3'), ['"a, b" <sip:1>', '<sip:2;x=",">', "sip:3"]);
  assert.deepEqual(parseParams(';Reg-Id=1;+sip.instance="<urn:uuid:x>" ; ob'), { "reg-id": "1", "+sip.instance": "<urn:uuid:x>", ob: null });
  assert.deepEqual(parseVia("SIP/2.0/WSS h.invalid:443;branch=z9hG4bKx;received=1.2.3.4").params, { branch: "z9hG4bKx", received: "1.2.3.4" });
});
