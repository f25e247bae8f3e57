// HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 7616) with the algorithms of
// RFC 8760: MD5, SHA-256 and their -sess variants. qop=auth is preferred, auth-int is done when
// it is the only one offered, and a challenge without qop gets the RFC 2069 response. Not done:
// SHA-512-256 (no Web Crypto support), userhash (RFC 8760 §2.6 does not use it in SIP).

import { md5Hex } from "./md5.mjs";

export class DigestError extends Error {}

const ALGORITHMS = ["SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS"];

/** `Digest realm="x", nonce="y", qop="auth,auth-int", algorithm=SHA-256, stale=TRUE` →
 * {scheme, realm, nonce, opaque, algorithm, qop: [...], stale}. Commas inside quotes are kept. */
export function parseChallenge(value) {
  const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
  if (!m) throw new DigestError(`bad challenge: ${value}`);
  const params = {};
  const re = /\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  let p;
  while (re.lastIndex < m[2].length && (p = re.exec(m[2]))) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  }
  return {
    scheme: m[1],
    realm: params.realm ?? "",
    nonce: params.nonce ?? "",
    opaque: params.opaque ?? null,
    algorithm: (params.algorithm || "MD5").toUpperCase(),
    qop: params.qop ? params.qop.split(",").map((q) => q.trim().toLowerCase()).filter(Boolean) : [],
    stale: (params.stale || "").toLowerCase() === "true",
  };
}

/** From a response's challenges (every WWW- or Proxy-Authenticate value, in order), the one to
 * answer: the first Digest challenge with an algorithm we support. RFC 8760 §2.4: the server
 * lists them by preference, so the topmost supported one wins. Null if none is usable. */
export function chooseChallenge(values) {
  for (const value of values) {
    let challenge;
    try {
      challenge = parseChallenge(value);
    } catch {
      continue;
    }
    if (challenge.scheme.toLowerCase() === "digest" && ALGORITHMS.includes(challenge.algorithm) && challenge.nonce) {
      return challenge;
    }
  }
  return null;
}

/** H(data) as lower-case hex for the challenge's algorithm (RFC 7616 §3.4.1). */
export async function hashHex(algorithm, text) {
  if (algorithm.startsWith("MD5")) return md5Hex(text);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The credentials value (after `Authorization:` or `Proxy-Authorization:`) answering
 * `challenge` for a request `method uri`. `nc` counts the requests made with this nonce
 * (RFC 7616 §3.4: nc); `cnonce` is random unless given (tests give it). `body` is needed for
 * qop=auth-int only. */
export async function credentials(challenge, { method, uri, username, password, nc = 1, cnonce = null, body = "" }) {
  const H = (text) => hashHex(challenge.algorithm, text);
  const qop = challenge.qop.includes("auth") ? "auth" : challenge.qop.includes("auth-int") ? "auth-int" : null;
  if (challenge.qop.length && !qop) throw new DigestError(`unsupported qop ${challenge.qop.join(",")}`);
  cnonce = cnonce || randomCnonce();
  const ncHex = nc.toString(16).padStart(8, "0");
  // RFC 7616 §3.4.2: A1 = user:realm:password, and for -sess H(user:realm:password):nonce:cnonce
  let ha1 = await H(`${username}:${challenge.realm}:${password}`);
  if (challenge.algorithm.endsWith("-SESS")) ha1 = await H(`${ha1}:${challenge.nonce}:${cnonce}`);
  // §3.4.3: A2 = method:uri, and for auth-int method:uri:H(body)
  const ha2 = await H(qop === "auth-int" ? `${method}:${uri}:${await H(body)}` : `${method}:${uri}`);
  // §3.4.1 (with qop), RFC 2069 §2.1.2 (without)
  const response = qop
    ? await H(`${ha1}:${challenge.nonce}:${ncHex}:${cnonce}:${qop}:${ha2}`)
    : await H(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (s) => `"${String(s).replace(/["\\]/g, "\\$&")}"`;
  const parts = [`username=${quote(username)}`, `realm=${quote(challenge.realm)}`, `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`, `response=${quote(response)}`, `algorithm=${challenge.algorithm === "MD5" ? "MD5" : challenge.algorithm.replace("-SESS", "-sess")}`];
  if (challenge.opaque !== null) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${ncHex}`, `cnonce=${quote(cnonce)}`);
  return "Digest " + parts.join(", ");
}

function randomCnonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (x) => x.toString(16).padStart(2, "0")).join("");
}
