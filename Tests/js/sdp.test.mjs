// Session description directions (public/phone/sdp.mjs): RFC 3264 §5.1 defaults, §8.4 hold
// forms, the direction edit, and who holds judged from an answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { farEndHolds, hasTelephoneEvent, isHold, mediaDirection, sections, setMediaDirection } from "../../public/phone/sdp.mjs";

const OFFER = [
  "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 126", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendrecv",
  "a=rtpmap:111 opus/48000/2", "a=rtpmap:126 telephone-event/8000",
].join("\r\n") + "\r\n";

test("the stream's direction: its attribute, the session's, or sendrecv", () => {
  assert.equal(mediaDirection(OFFER), "sendrecv");
  assert.equal(mediaDirection(OFFER.replace("a=sendrecv", "a=inactive")), "inactive");
  const sessionLevel = OFFER.replace("a=sendrecv\r\n", "").replace("t=0 0", "t=0 0\r\na=sendonly");
  assert.equal(mediaDirection(sessionLevel), "sendonly");
  const none = OFFER.replace("a=sendrecv\r\n", "").replace("c=IN IP4 0.0.0.0", "c=IN IP4 192.0.2.1");
  assert.equal(mediaDirection(none), "sendrecv");
  assert.equal(mediaDirection(OFFER, "video"), null);
  assert.equal(mediaDirection(OFFER.replace("m=audio 9 ", "m=audio 0 ")), "inactive", "a rejected stream");
});

test("RFC 2543 hold (c=0.0.0.0 and no attribute) reads as sendonly (RFC 3264 §8.4)", () => {
  assert.equal(mediaDirection(OFFER.replace("a=sendrecv\r\n", "")), "sendonly");
});

test("setting a direction replaces the stream's and the session's attribute", () => {
  const held = setMediaDirection(OFFER, "sendonly");
  assert.equal(mediaDirection(held), "sendonly");
  assert.equal((held.match(/^a=(sendrecv|sendonly|recvonly|inactive)$/gm) || []).length, 1);
  const sessionLevel = OFFER.replace("a=sendrecv\r\n", "").replace("t=0 0", "t=0 0\r\na=recvonly");
  const edited = setMediaDirection(sessionLevel + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n", "inactive");
  assert.equal(mediaDirection(edited), "inactive");
  assert.equal(mediaDirection(edited, "video"), "recvonly", "the other stream keeps what the session said");
  assert.deepEqual(sections(edited).session.filter((l) => /^a=(send|recv|inac)/.test(l)), []);
  assert.ok(edited.endsWith("\r\n") && !edited.includes("\n\n"));
  assert.throws(() => setMediaDirection(OFFER, "hold"), RangeError);
});

test("hold and who holds", () => {
  assert.ok(isHold("sendonly") && isHold("inactive") && !isHold("recvonly") && !isHold("sendrecv"));
  // we offered sendrecv (resume): their sendonly/inactive is their own hold
  assert.equal(farEndHolds("sendrecv", "sendrecv"), false);
  assert.equal(farEndHolds("sendrecv", "sendonly"), true);
  assert.equal(farEndHolds("sendrecv", "inactive"), true);
  // we offered sendonly (our hold): recvonly mirrors it, inactive means they hold too
  assert.equal(farEndHolds("sendonly", "recvonly"), false);
  assert.equal(farEndHolds("sendonly", "inactive"), true);
  // we offered inactive: the answer must be inactive and says nothing
  assert.equal(farEndHolds("inactive", "inactive"), null);
});

test("telephone-event (RFC 4733) offered or not", () => {
  assert.equal(hasTelephoneEvent(OFFER), true);
  assert.equal(hasTelephoneEvent(OFFER.replace("a=rtpmap:126 telephone-event/8000\r\n", "")), false);
});
