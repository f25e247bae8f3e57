// DTMF over INFO and the causes of the Call object (public/phone/dtmf.mjs, call-state.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeTones, parseInfo, relayBody } from "../../public/phone/dtmf.mjs";
import { Cause, causeForStatus } from "../../public/phone/call-state.mjs";

test("INFO bodies: dtmf-relay (digits and event codes 10-15), dtmf, others", () => {
  assert.deepEqual(parseInfo("application/dtmf-relay", relayBody("5", 160)), { digit: "5", durationMs: 160 });
  assert.deepEqual(parseInfo("Application/DTMF-Relay; charset=x", "signal= *\r\nDuration= 250\r\n"), { digit: "*", durationMs: 250 });
  assert.deepEqual(parseInfo("application/dtmf-relay", "Signal=11\r\n"), { digit: "#", durationMs: null });
  assert.deepEqual(parseInfo("application/dtmf-relay", "Signal=d"), { digit: "D", durationMs: null });
  assert.deepEqual(parseInfo("application/dtmf", " 7\r\n"), { digit: "7", durationMs: null });
  assert.equal(parseInfo("application/dtmf-relay", "Signal=16"), null);
  assert.equal(parseInfo("application/dtmf", "77"), null);
  assert.equal(parseInfo("text/plain", "Signal=1"), null);
  assert.equal(relayBody("#", 100), "Signal=#\r\nDuration=100\r\n");
});

test("tones are checked before anything is sent", () => {
  assert.equal(normalizeTones("12ab*#,"), "12AB*#,");
  assert.throws(() => normalizeTones("12e"), RangeError);
  assert.throws(() => normalizeTones(""), RangeError);
});

test("final responses map to the Call object's causes (docs/compatibility.md §1.6)", () => {
  assert.equal(causeForStatus(486), Cause.BUSY);
  assert.equal(causeForStatus(600), Cause.BUSY);
  assert.equal(causeForStatus(404), Cause.INVALID_NUMBER);
  assert.equal(causeForStatus(484), Cause.INVALID_NUMBER);
  assert.equal(causeForStatus(603), Cause.REJECTED);
  assert.equal(causeForStatus(480), Cause.UNAVAILABLE);
  assert.equal(causeForStatus(408), Cause.UNAVAILABLE);
  assert.equal(causeForStatus(487), Cause.CALLER_HANGUP);
  assert.equal(causeForStatus(500), Cause.UNKNOWN);
  assert.deepEqual([Cause.NOT_SET, Cause.TRANSFER], [-1, 8]);
});
