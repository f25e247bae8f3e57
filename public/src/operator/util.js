// Small utilities: time, random keys, storage that survives a browser without it, cookies,
// the page's URL, redaction of secrets for onDebug, calling the page's callbacks safely, errors.

function now() { return Date.now(); }

function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

function randomKey() {
  var c = w.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try { return c.randomUUID(); } catch (e) { /* not a secure context */ }
  }
  var bytes = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(bytes);
  else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  var s = '';
  for (var j = 0; j < 16; j++) s += (bytes[j] + 256).toString(16).slice(1);
  return s;
}

function storageArea(name) {
  try {
    var s = w[name];
    var k = '__ucs_probe';
    s.setItem(k, k);
    s.removeItem(k);
    return s;
  } catch (e) {
    return null;
  }
}
var memoryStore = {};
function storeGet(area, key) {
  var s = storageArea(area);
  var raw = s ? s.getItem(key) : memoryStore[area + ':' + key];
  if (raw == null) return null;
  try { return JSON.parse(raw); } catch (e) { return null; }
}
function storeSet(area, key, value) {
  var raw = JSON.stringify(value);
  var s = storageArea(area);
  if (s) { try { s.setItem(key, raw); } catch (e) { /* quota */ } } else memoryStore[area + ':' + key] = raw;
}
function storeRemove(area, key) {
  var s = storageArea(area);
  if (s) { try { s.removeItem(key); } catch (e) { /* ignore */ } }
  delete memoryStore[area + ':' + key];
}

function getCookie(name) {
  var parts = (doc.cookie || '').split(';');
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i].replace(/^\s+/, '');
    if (p.indexOf(name + '=') === 0) {
      try { return decodeURIComponent(p.slice(name.length + 1)); } catch (e) { return null; }
    }
  }
  return null;
}
function setCookie(name, value, maxAgeSeconds) {
  var c = name + '=' + encodeURIComponent(value) + '; path=/; max-age=' + maxAgeSeconds + '; SameSite=Lax';
  if (w.location && w.location.protocol === 'https:') c += '; Secure';
  doc.cookie = c;
}

function urlParam(name) {
  try { return new URLSearchParams(w.location.search).get(name); } catch (e) { return null; }
}

var SECRET_KEYS = { password: 1, token: 1, access_token: 1, sso_token: 1 };
/** A copy of a message with passwords and tokens replaced, for onDebug. */
function redact(value, depth) {
  depth = depth || 0;
  if (depth > 8 || value === null || typeof value !== 'object') {
    if (typeof value === 'string') return value.replace(/(access_token|sso_token)=[^&\s]*/g, '$1=[redacted]');
    return value;
  }
  if (Array.isArray(value)) return value.map(function (v) { return redact(v, depth + 1); });
  var out = {};
  for (var k in value) {
    if (!hasOwn(value, k)) continue;
    out[k] = SECRET_KEYS[k] && value[k] != null ? '[redacted]' : redact(value[k], depth + 1);
  }
  return out;
}

function debug(text) {
  var fn = op.onDebug;
  if (typeof fn !== 'function') return;
  try { fn.call(op, '[ucsOperator] ' + redact(String(text))); } catch (e) { /* never let onDebug break the bar */ }
}

/** Calls a docs/compatibility.md §1.3 callback, if the page set it; a throwing callback never breaks the bar. */
function fire(name) {
  var fn = op[name];
  var args = Array.prototype.slice.call(arguments, 1);
  if (typeof fn !== 'function') return undefined;
  debug('callback ' + name);
  try {
    return fn.apply(op, args);
  } catch (e) {
    if (w.console && console.error) console.error('ucsOperator.' + name + ' threw', e);
    debug('callback ' + name + ' threw: ' + (e && e.message));
    return undefined;
  }
}

function errorWith(code, text, extra) {
  var e = new Error(text || code);
  e.code = code;
  e.text = text || code;
  if (extra) for (var k in extra) if (hasOwn(extra, k)) e[k] = extra[k];
  return e;
}

function asInteger(v) {
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return parseInt(v, 10);
  return v;
}

function formatDuration(seconds) {
  seconds = Math.max(0, Math.floor(seconds || 0));
  var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  var mm = (h ? (m < 10 ? '0' : '') : '') + m;
  return (h ? h + ':' : '') + mm + ':' + (s < 10 ? '0' : '') + s;
}

function interpolate(text, vars) {
  if (!vars) return text;
  return String(text).replace(/\{(\w+)\}/g, function (m, k) {
    return vars[k] === undefined || vars[k] === null ? m : String(vars[k]);
  });
}
