// Helpers over the state object for display: option lists, queue names, call parties, E.164
// numbers, timers against the server's clock.

/** [{value, label}] from an array of strings, an array of objects or an id → name object. */
function optionList(source) {
  var out = [];
  if (Array.isArray(source)) {
    source.forEach(function (item) {
      if (item == null) return;
      if (typeof item === 'object') {
        var v = item.code != null ? item.code : item.id != null ? item.id : item.name;
        var l = item.name != null ? item.name : item.label != null ? item.label : v;
        if (v != null) out.push({ value: String(v), label: String(l) });
      } else {
        out.push({ value: String(item), label: String(item) });
      }
    });
  } else if (source && typeof source === 'object') {
    Object.keys(source).forEach(function (k) {
      var v = source[k];
      out.push({ value: String(k), label: typeof v === 'object' && v ? String(v.name || k) : String(v) });
    });
  }
  return out;
}

function auxReasonList() { return optionList(S.current && S.current.auxReasons); }
function callReasonList() { return optionList(S.current && S.current.callReasons); }

function queueName(id) {
  var qs = S.current && S.current.queues;
  var q = qs && qs[String(id)];
  if (q && typeof q === 'object' && q.name) return String(q.name);
  if (typeof q === 'string') return q;
  return '#' + id;
}

/** The agent's queue memberships with names, incoming first. */
function membershipList() {
  var user = S.user || (S.current && S.current.user);
  var qs = user && user.queues;
  if (!qs || typeof qs !== 'object') return [];
  return Object.keys(qs).map(function (k) {
    var m = qs[k] || {};
    return { id: m.queue_id != null ? m.queue_id : asInteger(k), name: queueName(k), type: m.type, suspended: !!m.suspended };
  }).sort(function (a, b) { return (b.type | 0) - (a.type | 0) || a.id - b.id; });
}

function outgoingQueues() {
  return membershipList().filter(function (q) { return q.type === 0; });
}

var clockOffset = 0;
function setClockOffset(call) {
  // `now` is whole seconds: the true offset lies in [x, x + 1); take the middle.
  if (call && typeof call.now === 'number') clockOffset = call.now + 0.5 - now() / 1000;
}
function serverNow() { return now() / 1000 + clockOffset; }

function callSeconds(call) {
  var from = call.connected || call.created;
  if (!from) return 0;
  return serverNow() - from;
}

/** The other party of a call as the agent sees it. */
function callParty(call) {
  var incoming = call.direction === 'INCOMING';
  var name = call.name || (incoming ? call.caller_name : (call.connected_name || call.called_name)) || '';
  var number = call.number || (incoming ? call.caller_number : call.called_number) || '';
  return { name: name, number: number };
}

/** The other party's number for display: the call's E.164 `*_norm` when present (else the raw
 *  number if it is E.164 written with spaces), grouped with spaces: "+420 602 123 456". */
function displayNumber(call, raw) {
  raw = raw == null ? '' : String(raw);
  var norm = call && (call.direction === 'INCOMING' ? call.caller_number_norm
    : (call.connected_number && call.connected_number === raw ? call.connected_number_norm : call.called_number_norm));
  var e164 = typeof norm === 'string' && /^\+[1-9]\d{6,14}$/.test(norm) ? norm : null;
  if (!e164) {
    var compact = raw.replace(/[\s\u00a0().\/-]/g, '');
    if (/^\+[1-9]\d{6,14}$/.test(compact)) e164 = compact;
  }
  return e164 ? formatE164(e164) : raw;
}

function formatE164(e164) {
  var digits = e164.slice(1);
  // E.164 country codes are prefix-free: 1 and 7 have one digit, these two-digit ones two, the rest three.
  var two = /^(2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;
  var ccLen = /^[17]/.test(digits) ? 1 : two.test(digits) ? 2 : 3;
  var rest = digits.slice(ccLen), groups = [];
  while (rest.length > 4) { groups.push(rest.slice(0, 3)); rest = rest.slice(3); }
  if (rest) groups.push(rest);
  return '+' + digits.slice(0, ccLen) + ' ' + groups.join(' ');
}

/** The agent's own microphone state: caller_muted on outgoing calls, connected_muted on incoming. */
function agentMuted(call) {
  return call.direction === 'INCOMING' ? !!call.connected_muted : !!call.caller_muted;
}
