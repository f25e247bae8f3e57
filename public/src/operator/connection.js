// The agent connection (`ws` channel): connecting, the heartbeat (liveness.js), reconnecting
// with backoff, requests and their replies (docs/operator.md §5).

/** This browser tab's id, kept in sessionStorage across reconnects and reloads (agent-protocol.md
 *  §4: a connection with it takes the tab's old place, primary and ringing included). */
function tabId() {
  var id = storeGet('sessionStorage', TAB_KEY);
  if (typeof id === 'string' && id && id.length <= 64) return id;
  return newTabId();
}
function newTabId() {
  var id = randomKey();
  storeSet('sessionStorage', TAB_KEY, id);
  return id;
}

var ws = null;
var nextId = 0;
var pending = {};
var attempts = 0;
var reconnectTimer = null;
var reconnectAt = 0;
var stableTimer = null;
var outage = false;
var stopped = false;
var unloading = false;
var connFresh = false;
var live = null;

function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (stopped || ws) return;
  var url = channelURL('ws');
  var sock;
  debug('connecting to ' + url);
  try {
    sock = new WebSocket(url);
  } catch (e) {
    stopped = true;
    S.connection = 'stopped';
    fire('onError', t('connectFailed') + ' (' + (e && e.message) + ')');
    render();
    return;
  }
  ws = sock;
  S.connection = outage ? 'reconnecting' : 'connecting';
  S.phase = 'handshake';
  live = createLiveness({
    idleMs: cfgMs('heartbeatMilliseconds'),
    timeoutMs: cfgMs('heartbeatTimeoutMilliseconds'),
    connectMs: cfgMs('connectTimeoutMilliseconds'),
    probe: function () {
      if (ws === sock) rawRequest('ping').catch(function () { /* any message counts, an error too */ });
    },
    dead: function (reason) { abandon(sock, reason); }
  });
  live.opening();
  sock.onopen = function () {
    if (ws !== sock) return;
    debug('connected');
    live.opened();
    clearTimeout(stableTimer);
    stableTimer = setTimeout(function () { attempts = 0; }, STABLE_AFTER_MS);
  };
  sock.onmessage = function (ev) {
    if (ws !== sock) return;
    live.received();
    onRaw(ev.data);
  };
  sock.onerror = function () { debug('connection error'); };
  sock.onclose = function (ev) {
    if (ws !== sock) return;
    onClosed(ev);
  };
  render();
}

/** The heartbeat found `sock` dead, or its handshake never finished: it is given up at once,
 *  as if it had closed (a browser would wait up to a minute for the closing handshake on a dead
 *  TCP connection), and the bar reconnects. */
function abandon(sock, reason) {
  if (ws !== sock) return;
  var text = reason === 'connect' ? 'the connection did not open in time' : 'no answer to the heartbeat';
  debug(text + ': giving the connection up');
  sock.onopen = sock.onmessage = sock.onerror = sock.onclose = null;
  try { sock.close(4000, text); } catch (e) { /* already closing */ }
  onClosed({ code: 1006, reason: text });
}

function onClosed(ev) {
  ws = null;
  if (live) { live.stop(); live = null; }
  clearTimeout(stableTimer);
  var wasUp = S.phase !== 'down' && S.phase !== 'handshake';
  S.phase = 'down';
  S.primary = null;
  S.primaryWaitOver = false;
  rejectAll('disconnected');
  Ring.stopCall();
  debug('connection closed: ' + ev.code + (ev.reason ? ' ' + ev.reason : ''));
  if (ev.code === 4001 || ev.code === 4003) {
    // The credential was refused or has expired: never attach with it again.
    dropToken();
  }
  if (ev.code === 4009) {
    // Another connection took this tab's place with our tab id while we were alive: a
    // duplicated browser tab shares it (sessionStorage is copied). Come back as a tab of our own.
    newTabId();
  }
  if (stopped || unloading) {
    S.connection = 'stopped';
    render();
    return;
  }
  var hint = drainHint(ev);
  if (!outage && hint == null) {
    // A draining gateway's move is planned, not a loss: no onError unless the reconnect fails.
    outage = true;
    fire('onError', wasUp || S.everConnected ? t('connectionLost') : t('connectFailed'));
  }
  scheduleReconnect(hint);
}

/** The delay a draining gateway asks for (docs/config.md "Close codes"): close 1012 with the
 *  reason "draining; reconnect in <ms> ms"; null for any other close. */
function drainHint(ev) {
  if (ev.code !== 1012) return null;
  var found = /^draining; reconnect in (\d+) ms$/.exec(ev.reason || '');
  return found ? Math.min(Number(found[1]), DRAIN_HINT_CAP_MS) : null;
}

/** The next attempt: after a drain's hint plus up to a quarter of it more at random (the
 *  gateway drew the hint at random already; this spreads the tabs of one browser too), else
 *  full jitter under a doubling ceiling. A hint is no failure: the backoff does not grow. */
function scheduleReconnect(hint) {
  clearTimeout(reconnectTimer);
  var delay;
  if (hint != null) {
    delay = hint + Math.floor(Math.random() * hint / 4);
  } else {
    var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempts));
    attempts++;
    delay = Math.floor(Math.random() * ceiling);
  }
  reconnectAt = now() + delay;
  S.connection = 'reconnecting';
  debug('reconnecting in ' + delay + ' ms');
  reconnectTimer = setTimeout(connect, delay);
  render();
}

function reconnectNow() {
  if (ws || stopped) return;
  connect();
}

function sendRaw(msg) {
  if (!ws || ws.readyState !== 1) return false;
  try {
    ws.send(JSON.stringify(msg));
  } catch (e) {
    return false;
  }
  debug('→ ' + JSON.stringify(redact(msg)));
  return true;
}

/** Sends a request; the promise settles with its reply. hooks.ok/fail run synchronously when
 *  the reply is read, before any later message is processed. */
function rawRequest(method, params, hooks) {
  hooks = hooks || {};
  return new Promise(function (resolve, reject) {
    if (!ws || ws.readyState !== 1) {
      var e0 = errorWith('disconnected', 'Not connected to the gateway.');
      if (hooks.fail) hooks.fail(e0);
      reject(e0);
      return;
    }
    var id = ++nextId;
    var msg = { id: id, method: method };
    if (params) msg.params = params;
    var entry = { method: method, resolve: resolve, reject: reject, hooks: hooks };
    entry.timer = setTimeout(function () {
      if (!pending[id]) return;
      delete pending[id];
      var e1 = errorWith('timeout', method + ' got no reply in time.');
      if (hooks.fail) hooks.fail(e1);
      reject(e1);
    }, REQUEST_TIMEOUT_MS);
    pending[id] = entry;
    if (!sendRaw(msg)) {
      delete pending[id];
      clearTimeout(entry.timer);
      var e2 = errorWith('disconnected', 'Not connected to the gateway.');
      if (hooks.fail) hooks.fail(e2);
      reject(e2);
    }
  });
}

function rejectAll(code) {
  var ids = Object.keys(pending);
  for (var i = 0; i < ids.length; i++) {
    var entry = pending[ids[i]];
    delete pending[ids[i]];
    clearTimeout(entry.timer);
    var e = errorWith(code, 'The connection closed before ' + entry.method + ' was answered.');
    try { if (entry.hooks.fail) entry.hooks.fail(e); } catch (x) { /* keep going */ }
    entry.reject(e);
  }
}

function onReply(msg) {
  var entry = pending[msg.id];
  if (!entry) { debug('reply to an unknown request ' + msg.id); return; }
  delete pending[msg.id];
  clearTimeout(entry.timer);
  if (msg.error) {
    var er = msg.error || {};
    var e = errorWith(er.code || 'error', er.text || er.code, { state: er.state, param: er.param });
    try { if (entry.hooks.fail) entry.hooks.fail(e); } catch (x) { debug('fail hook threw ' + x); }
    entry.reject(e);
  } else {
    var result = msg.result === undefined ? {} : msg.result;
    try { if (entry.hooks.ok) entry.hooks.ok(result); } catch (x) { debug('ok hook threw ' + x); }
    entry.resolve(result);
  }
}

function onRaw(data) {
  if (typeof data !== 'string') return;
  var msg;
  try { msg = JSON.parse(data); } catch (e) { debug('unreadable message'); return; }
  if (!msg || typeof msg !== 'object') return;
  if (typeof msg.event === 'string') {
    var shown = data.length > 600 ? data.slice(0, 600) + '…' : data;
    debug('← ' + redact(shown));
    try {
      onEvent(msg.event, msg.data && typeof msg.data === 'object' ? msg.data : {}, msg.seq, msg.epoch);
    } catch (e) {
      if (w.console && console.error) console.error('ucsOperator: handling ' + msg.event + ' failed', e);
      fire('onWarning', 'Handling the event ' + msg.event + ' failed: ' + (e && e.message));
    }
    return;
  }
  if (hasOwn(msg, 'id')) {
    debug('← ' + JSON.stringify(redact(msg)).slice(0, 600));
    onReply(msg);
  }
}
