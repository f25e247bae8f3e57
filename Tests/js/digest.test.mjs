// Digest authentication (public/phone/digest.mjs) against the RFCs' own examples:
// RFC 2617 §3.5 (MD5, qop=auth) and RFC 7616 §3.9.1 (the same request with MD5 and SHA-256).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chooseChallenge, credentials, parseChallenge } from "../../public/phone/digest.mjs";

const responseOf = (value) => /response="([0-9a-f]+)"/.exec(value)[1];

test("RFC 2617 §3.5: MD5 with qop=auth", async () => {
  const challenge = parseChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  const value = await credentials(challenge, { method: "GET", uri: "/dir/index.html", username: "Mufasa",
    password: "Circle Of Life", cnonce: "0a4f113b" });
  assert.equal(responseOf(value), "6629fae49393a05397450978507c4ef1");
  assert.match(value, /qop=auth, nc=00000001, cnonce="0a4f113b"/);
  assert.match(value, /opaque="5ccc069c403ebaf9f0171e9517f40e41"/);
});

test("RFC 7616 §3.9.1: SHA-256 and MD5", async () => {
  const base = 'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const request = { method: "GET", uri: "/dir/index.html", username: "Mufasa", password: "Circle of Life",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ" };
  const sha = await credentials(parseChallenge(`Digest ${base}, algorithm=SHA-256`), request);
  assert.equal(responseOf(sha), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  assert.match(sha, /algorithm=SHA-256/);
  const md5 = await credentials(parseChallenge(`Digest ${base}, algorithm=MD5`), request);
  assert.equal(responseOf(md5), "8ca523f5e9506fed4657c9700eebdbec");
});

test("challenge parsing: quoted commas and escapes, defaults, stale", () => {
  const c = parseChallenge('Digest realm="a, b", nonce="x\\"y", qop="auth,auth-int", algorithm=sha-256, stale=TRUE');
  assert.deepEqual(c, { scheme: "Digest", realm: "a, b", nonce: 'x"y', opaque: null, algorithm: "SHA-256",
    qop: ["auth", "auth-int"], stale: true });
  const plain = parseChallenge('Digest realm="r",nonce="n"');
  assert.equal(plain.algorithm, "MD5");
  assert.deepEqual(plain.qop, []);
  assert.equal(plain.stale, false);
});

test("RFC 8760 §2.4: the topmost supported challenge is answered", () => {
  const chosen = chooseChallenge([
    'Digest realm="r", nonce="1", algorithm=SHA-512-256, qop="auth"',
    'Basic realm="r"',
    'Digest realm="r", nonce="2", algorithm=SHA-256, qop="auth"',
    'Digest realm="r", nonce="3", algorithm=MD5, qop="auth"',
  ]);
  assert.equal(chosen.nonce, "2");
  assert.equal(chooseChallenge(['Digest realm="r", nonce="3"']).algorithm, "MD5");
  assert.equal(chooseChallenge(['Basic realm="r"', "garbage"]), null);
});

test("-sess, auth-int and RFC 2069 (no qop) responses match a hand computation", async () => {
  const H = (alg, s) => createHash(alg).update(s).digest("hex");
  const args = { method: "INVITE", uri: "sip:bob@example.org", username: "alice", password: "pw", cnonce: "c0ffee", body: "v=0\r\n" };
  const sess = await credentials(parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-256-sess, qop="auth"'), args);
  const ha1 = H("sha256", `${H("sha256", "alice:r:pw")}:n:c0ffee`);
  assert.equal(responseOf(sess), H("sha256", `${ha1}:n:00000001:c0ffee:auth:${H("sha256", "INVITE:sip:bob@example.org")}`));
  assert.match(sess, /algorithm=SHA-256-sess/);

  const int = await credentials(parseChallenge('Digest realm="r", nonce="n", qop="auth-int"'), args);
  const ha2 = H("md5", `INVITE:sip:bob@example.org:${H("md5", "v=0\r\n")}`);
  assert.equal(responseOf(int), H("md5", `${H("md5", "alice:r:pw")}:n:00000001:c0ffee:auth-int:${ha2}`));

  const old = await credentials(parseChallenge('Digest realm="r", nonce="n"'), args);
  assert.equal(responseOf(old), H("md5", `${H("md5", "alice:r:pw")}:n:${H("md5", "INVITE:sip:bob@example.org")}`));
  assert.doesNotMatch(old, /qop=|cnonce=|nc=/);
});

test("an unsupported qop is refused, not answered wrongly", async () => {
  await assert.rejects(credentials(parseChallenge('Digest realm="r", nonce="n", qop="auth-conf"'),
    { method: "REGISTER", uri: "sip:x", username: "a", password: "b" }), /unsupported qop/);
});
