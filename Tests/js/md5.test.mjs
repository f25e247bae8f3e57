// MD5 against the RFC 1321 §A.5 test suite, and against padding edges (55, 56, 64 bytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md5Hex } from "../../public/phone/md5.mjs";

test("RFC 1321 A.5 test suite", () => {
  const suite = {
    "": "d41d8cd98f00b204e9800998ecf8427e",
    "a": "0cc175b9c0f1b6a831c399e269772661",
    "abc": "900150983cd24fb0d6963f7d28e17f72",
    "message digest": "f96b697d7cb7938d525a2f31aaf161d0",
    "abcdefghijklmnopqrstuvwxyz": "c3fcd3d76192e4007dfb496cca67e13b",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789": "d174ab98d277d9f5a5611c2c9f419d9f",
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890": "57edf4a22be3c955ac49da2e2107b67a",
  };
  for (const [input, digest] of Object.entries(suite)) assert.equal(md5Hex(input), digest, JSON.stringify(input));
});

test("padding edges and UTF-8 input agree with node's own MD5", () => {
  // 55 bytes fit one block with the length, 56 need a second, 64 fill a whole block
  const inputs = [55, 56, 57, 63, 64, 65, 119, 120, 1000].map((n) => "x".repeat(n));
  inputs.push("The quick brown fox jumps over the lazy dog", "Příliš žluťoučký kůň", "😀 emoji");
  for (const input of inputs) {
    assert.equal(md5Hex(input), createHash("md5").update(input, "utf8").digest("hex"), `length ${input.length}`);
  }
  assert.equal(md5Hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
});
