// SIP addresses: URIs (RFC 3261 §19.1), name-addr values of From, To, Contact, Route
// (§20.10, §25.1) and their ;parameters, and splitting a header value at its commas (§7.3.1).
// Pure functions; what is not understood is kept as text, never rewritten.

export class AddressError extends Error {}

/** Splits `a, <b,c>, "d,e" <f>` at the commas that separate values (§7.3.1): not inside
 * quotes or angle brackets. */
export function splitValues(text) {
  const values = [];
  let depth = 0, quoted = false, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "<") depth++;
    else if (c === ">") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      values.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  values.push(text.slice(start).trim());
  return values.filter((v) => v !== "");
}

/** `;a=b;c;d="x;y"` → {a: "b", c: null, d: "x;y"}; names lower-cased (§7.3.1: case-insensitive),
 * quotes removed. */
export function parseParams(text) {
  const params = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ";" || text[i] === " " || text[i] === "\t")) i++;
    let name = "";
    while (i < text.length && !"=;".includes(text[i])) name += text[i++];
    let value = null;
    if (text[i] === "=") {
      i++;
      while (text[i] === " ") i++;
      if (text[i] === '"') {
        value = "";
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\") i++;
          value += text[i++];
        }
        i++;
      } else {
        value = "";
        while (i < text.length && text[i] !== ";") value += text[i++];
        value = value.trim();
      }
    }
    name = name.trim().toLowerCase();
    if (name) params[name] = value;
  }
  return params;
}

/** {a: "b", c: null} → `;a=b;c`; values with characters outside token are quoted. */
export function formatParams(params) {
  return Object.entries(params).map(([name, value]) => {
    if (value === null || value === undefined) return `;${name}`;
    return /^[\w.!%*+`'~\-:[\]]*$/.test(value) ? `;${name}=${value}` : `;${name}="${value.replace(/["\\]/g, "\\$&")}"`;
  }).join("");
}

/** A sip: or sips: URI → {scheme, user, host, port, params, headers}. `user` is unescaped. */
export function parseUri(text) {
  const m = /^(sips?):(?:([^@;?]*)@)?(\[[^\]]+\]|[^:;?]+)(?::(\d+))?((?:;[^?]*)?)(?:\?(.*))?$/i.exec(text.trim());
  if (!m) throw new AddressError(`not a SIP URI: ${text}`);
  const [, scheme, userinfo, host, port, params, headers] = m;
  return {
    scheme: scheme.toLowerCase(),
    user: userinfo === undefined ? null : decodeURIComponent(userinfo.split(":")[0]),
    host: host.toLowerCase(),
    port: port ? Number(port) : null,
    params: parseParams(params || ""),
    headers: headers || null,
  };
}

/** The inverse of parseUri; the user part is escaped where RFC 3261 §25.1 `user` needs it. */
export function formatUri(uri) {
  const user = uri.user === null || uri.user === undefined ? "" :
    uri.user.replace(/[^\w\-.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c)) + "@";
  return `${uri.scheme}:${user}${uri.host}${uri.port ? ":" + uri.port : ""}${formatParams(uri.params || {})}` +
    (uri.headers ? "?" + uri.headers : "");
}

/** `"Bob" <sip:bob@x>;tag=1`, `<sip:bob@x>;tag=1`, `sip:bob@x;tag=1` → {display, uri, params}.
 * In the last form the parameters belong to the header, not the URI (§20.10). */
export function parseNameAddr(text) {
  const s = text.trim();
  let display = null, uri, rest;
  const open = s.indexOf("<");
  if (open >= 0) {
    const close = s.indexOf(">", open);
    if (close < 0) throw new AddressError(`unterminated <: ${text}`);
    display = s.slice(0, open).trim();
    if (display.startsWith('"') && display.endsWith('"') && display.length >= 2) {
      display = display.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    display = display || null;
    uri = s.slice(open + 1, close).trim();
    rest = s.slice(close + 1);
  } else {
    const semi = s.indexOf(";");
    uri = semi < 0 ? s : s.slice(0, semi);
    rest = semi < 0 ? "" : s.slice(semi);
  }
  if (!uri) throw new AddressError(`no URI: ${text}`);
  return { display, uri, params: parseParams(rest) };
}

/** {display, uri, params} → `"display" <uri>;params` (always the <> form, §20.10). */
export function formatNameAddr({ display, uri, params }) {
  const name = display ? `"${display.replace(/["\\]/g, "\\$&")}" ` : "";
  return `${name}<${uri}>${formatParams(params || {})}`;
}

/** The user part of a SIP URI, or null when there is none or it is no SIP URI. */
export function userOf(uri) {
  try {
    return parseUri(uri).user;
  } catch {
    return null;
  }
}
