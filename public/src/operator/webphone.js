// The web phone (docs/operator.md §14): when the agent pairs a device whose identifier is
// `webphone:<SIP address of record>`, the tab that drives the session (the primary one) loads
// the browser phone (public/phone/, docs/sip.md) and registers it through the gateway's `sip`
// route with the session's token; calls ring in the bar, and answer(), hangup(), hold(),
// unhold(), mute(), dial(), blindTransfer() and dtmf() drive the real call. The phone's call
// events become the seed's call events with a Call object (seedCall); the gateway's own events
// for these calls (its SIP edge follows the dialogs, docs/sip-edge.md §3) are preferred as soon
// as one arrives on /ws. The other tabs of this browser see the calls and reach the phone
// through tabs.js.

var WEBPHONE_PREFIX = 'webphone:';
/** The script's own address, so that the phone is loaded from where the bar came from. */
var SCRIPT_URL = doc.currentScript && doc.currentScript.src ? doc.currentScript.src : null;
/** The phone's events that are seeds/004 call events of the same name. */
var PHONE_CALL_EVENTS = { callNew: 1, callRinging: 1, callConnect: 1, callHold: 1, callResume: 1, callHangup: 1,
  callMute: 1, callUnmute: 1 };

/** The SIP identity of the paired device when it is a web phone ({aor, user, domain}), else null. */
function webPhoneIdentity(device) {
  var id = device && typeof device.identifier === 'string' ? device.identifier : '';
  if (id.indexOf(WEBPHONE_PREFIX) !== 0) return null;
  var aor = id.slice(WEBPHONE_PREFIX.length);
  var m = /^sips?:([^@;?:>\s]+)@([A-Za-z0-9.\-\[\]:]+)$/i.exec(aor);
  if (!m) return null;
  var user;
  try { user = decodeURIComponent(m[1]); } catch (e) { return null; }
  return { aor: aor, user: user, domain: m[2].toLowerCase() };
}

var Phone = {
  phone: null,          // the createPhone() object, in the tab that holds the phone
  key: null,            // what it was made for: aor + token
  loading: null,        // the module import in flight
  state: 'off',         // off | loading | connecting | registered | failed
  error: null,
  calls: {},            // uniqueid → the seed Call object of a phone call (held here or mirrored)
  order: [],            // uniqueids, oldest first (bounded)
  nextId: 1,
  wsDelivers: false,    // the gateway sent a call event of one of these calls on /ws

  /** Whether this tab runs the phone. */
  holds: function () { return !!Phone.phone; },

  /** Whether `uniqueid` is a call of the web phone (here or in the tab that holds it). */
  owns: function (uniqueid) { return !!Phone.calls[uniqueid]; },

  /** Starts, keeps, moves or stops the phone after a change of session, device, primary tab or token. */
  sync: function () {
    var identity = webPhoneIdentity(S.device);
    var token = S.session && S.session.token;
    var live = S.status === 'READY' && identity && token && cfg('webPhone') !== false;
    var busy = Phone.phone && Phone.phone.calls.length > 0;
    // The tab that drives holds the phone; another one that the gateway made primary takes it
    // over when this one is told it is not (a call in progress finishes here first).
    var wanted = live && (drivingTab() || (Phone.phone && (S.primary !== false || busy)));
    var key = live ? identity.aor + ' ' + token : null;
    if (Phone.phone && (!wanted || Phone.key !== key)) Phone.stop();
    if (wanted && !Phone.phone && !Phone.loading) Phone.start(identity, token, key);
    Tabs.sync(live ? S.session.user || identity.user : null);
  },

  start: function (identity, token, key) {
    Phone.state = 'loading';
    Phone.error = null;
    var url = cfg('webPhoneModule') || (SCRIPT_URL ? new URL('phone/phone.mjs', SCRIPT_URL).href : '/phone/phone.mjs');
    debug('web phone: loading ' + (typeof url === 'string' ? url : 'the module given') + ' for ' + identity.aor);
    var loading = Phone.loading = importModule(url).then(function (module) {
      if (Phone.loading !== loading) return; // stopped meanwhile
      Phone.loading = null;
      var sip = cfg('webPhone') && typeof cfg('webPhone') === 'object' ? cfg('webPhone') : {};
      var audio = cfg('audioInputConstraints');
      Phone.key = key;
      Phone.phone = module.createPhone({
        url: channelURL('sip'),
        token: token,
        user: identity.user,
        domain: identity.domain,
        displayName: userName() || null,
        audioConstraints: audio && typeof audio === 'object' ? audio : {},
        iceServers: Array.isArray(sip.iceServers) ? sip.iceServers : [],
        onEvent: onPhoneEvent,
        onLog: function (direction, text) { debug('web phone ' + direction + ' ' + text.split('\r\n')[0]); }
      });
      Phone.state = 'connecting';
      Phone.phone.start();
      render();
    }, function (e) {
      if (Phone.loading !== loading) return;
      Phone.loading = null;
      Phone.fail(t('webPhoneNotLoaded', { reason: e && e.message ? e.message : String(e) }));
    });
    render();
  },

  stop: function () {
    Phone.loading = null;
    if (Phone.phone) {
      debug('web phone: stopping');
      var phone = Phone.phone;
      Phone.phone = null;
      try { phone.stop(); } catch (e) { debug('web phone: stop threw ' + e); }
    }
    Phone.key = null;
    Phone.state = 'off';
    render();
  },

  fail: function (text) {
    Phone.state = 'failed';
    Phone.error = text;
    fire('onWarning', text);
    localNotify(text, 'error', { unique: true, group: 'webphone', timeout: 20000 });
    render();
  },

  /** Runs a method on the phone held in this tab: a promise of its result, or rejected with the
   *  agent protocol's error codes (noActiveCall, notRinging, …). */
  run: function (name, args) {
    var p = Phone.phone;
    if (!p || (!p.registered && name === 'dial')) return Promise.reject(errorWith('webPhoneOffline', 'The web phone is not registered.'));
    var call = p.find();
    var number = args[0] == null ? '' : String(args[0]).trim();
    switch (name) {
      case 'dial':
        if (!number) return Promise.reject(errorWith('invalidNumber', 'No number to call.'));
        if (call) return Promise.reject(errorWith('callInProgress', 'The web phone already has a call.'));
        return Promise.resolve({ uniqueid: p.call(number).id });
      case 'answer':
        return p.answer() ? Promise.resolve({}) : Promise.reject(errorWith('notRinging', 'No call is ringing.'));
      case 'hangup':
        return p.hangup() ? Promise.resolve({}) : Promise.reject(errorWith('noActiveCall', 'No call.'));
      case 'hold':
      case 'unhold':
        var done = name === 'hold' ? p.hold() : p.unhold();
        if (!done) return Promise.reject(errorWith(name === 'hold' ? 'notConnected' : 'notOnHold', 'Not possible in this call state.'));
        return Promise.resolve(done).then(function (accepted) {
          if (accepted === false) throw errorWith('notConnected', 'The other side refused the ' + name + '.');
          return {};
        });
      case 'mute':
        if (!call || call.state !== 3 && call.state !== 5) return Promise.reject(errorWith('notConnected', 'The call is not connected.'));
        p.mute();
        return Promise.resolve({});
      case 'blindTransfer':
        if (!number) return Promise.reject(errorWith('invalidParams', 'No number.', { param: 'number' }));
        return p.blindTransfer(number) ? Promise.resolve({}) : Promise.reject(errorWith('notConnected', 'The call is not connected.'));
      case 'dtmf':
        if (!/^[0-9*#A-D]{1,32}$/.test(number)) return Promise.reject(errorWith('invalidParams', 'Tones are 0-9, *, #, A-D.', { param: 'digits' }));
        var sent = p.sendDtmf(number);
        return sent ? Promise.resolve(sent).then(function (via) { return { via: via }; })
          : Promise.reject(errorWith('notConnected', 'The call is not connected.'));
      default:
        return Promise.reject(errorWith('notSupported', name + ' is not possible with the web phone.'));
    }
  },

  /** Remembers a phone call's seed object (bounded: the 32 newest). */
  remember: function (call) {
    if (!Phone.calls[call.uniqueid]) {
      Phone.order.push(call.uniqueid);
      while (Phone.order.length > 32) delete Phone.calls[Phone.order.shift()];
    }
    Phone.calls[call.uniqueid] = call;
  }
};

/** `import()` of an ES module, written so that the bundle stays a classic script that parses in
 *  browsers without module support (they get a rejection, not a syntax error). `webPhoneModule`
 *  may also be the module itself (an object with createPhone), e.g. from a page's own bundler. */
function importModule(url) {
  if (url && typeof url === 'object' && typeof url.createPhone === 'function') return Promise.resolve(url);
  try {
    return new Function('url', 'return import(url);')(url); // eslint-disable-line no-new-func
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Every event of the phone held in this tab. */
function onPhoneEvent(e) {
  switch (e.type) {
    case 'connecting':
      if (Phone.state !== 'registered') Phone.state = 'connecting';
      break;
    case 'disconnected':
      Phone.state = 'connecting';
      debug('web phone: disconnected (' + e.code + '), again in ' + e.retryInMs + ' ms');
      break;
    case 'registered':
      Phone.state = 'registered';
      Phone.error = null;
      break;
    case 'unregistered':
      if (Phone.phone) Phone.state = 'connecting';
      break;
    case 'registrationFailed':
      Phone.fail(t('webPhoneFailed', { reason: (e.status || '') + ' ' + (e.reason || '') }));
      return;
    case 'callRejected':
      debug('web phone: refused a call from ' + e.from + ' (busy)');
      break;
    case 'callError':
      debug('web phone: ' + e.error);
      break;
    default:
      if (e.call && (PHONE_CALL_EVENTS[e.type] || e.type === 'callConnecting' || e.type === 'callProgress')) {
        var known = Phone.calls[e.call.uniqueid];
        var call = seedCall(e.call, webPhoneIdentity(S.device), known);
        var events = [PHONE_CALL_EVENTS[e.type] ? e.type : null];
        // An incoming call starts with callNew (state new), as the gateway's calls do; the phone
        // reports it ringing at once.
        if (!known && e.type === 'callRinging') events.unshift('callNew');
        Phone.remember(call);
        if (Phone.wsDelivers && (e.type === 'callMute' || e.type === 'callUnmute')) {
          // The gateway cannot see the microphone: these stay the phone's, on the gateway's Call.
          var current = S.calls.filter(function (c) { return c.uniqueid === call.uniqueid; })[0] || call;
          onCallEvent(e.type, copyCall(current, { caller_muted: call.caller_muted, connected_muted: call.connected_muted }), 'phone');
        }
        for (var i = 0; i < events.length && !Phone.wsDelivers; i++) {
          // Until the gateway sends these calls' events itself: from here, to every tab.
          var shown = events[i] === 'callNew' && e.type !== 'callNew' ? copyCall(call, { state: 0 }) : call;
          phoneCallEvent(events[i], shown);
          Tabs.post({ type: 'call', name: events[i], call: shown });
        }
        // A tab that is no longer primary gives the phone up once its calls are over.
        if (e.type === 'callHangup') setTimeout(function () { Phone.sync(); }, 0);
      }
  }
  render();
}

/** A call event of the web phone (or only its new state: name null), applied like the gateway's. */
function phoneCallEvent(name, call) {
  Phone.remember(call);
  if (name) onCallEvent(name, call, 'phone');
  else mergeCall(call);
}

/**
 * The seeds/004 Call object (docs/compatibility.md §1.6) of a web phone call, from the phone's
 * call info: the fields the gateway's SIP edge derives from the same dialog (docs/sip-edge.md §3),
 * with `id` and `call_guid` made here.
 */
function seedCall(info, identity, previous) {
  var outgoing = info.direction === 'OUTGOING';
  var own = identity ? identity.user : '';
  var other = info.number == null ? '' : String(info.number);
  var remoteInternal = !!(identity && typeof info.uri === 'string' && /@([^;>:]+)/.test(info.uri)
    && /@([^;>:]+)/.exec(info.uri)[1].toLowerCase() === identity.domain);
  var connected = info.connected == null ? null : info.connected;
  var agent = S.session && S.session.user;
  return {
    call_guid: previous ? previous.call_guid : uuidV7(),
    called_name: outgoing ? info.name || null : null,
    called_number: outgoing ? other : own,
    called_number_norm: null,
    caller_channel: null,
    caller_extension: null,
    caller_group_id: null,
    caller_internal: outgoing ? true : remoteInternal,
    caller_line_id: null,
    caller_muted: outgoing ? !!info.muted : false,
    caller_name: outgoing ? null : info.name || null,
    caller_number: outgoing ? own : other,
    caller_number_norm: null,
    caller_type: outgoing || remoteInternal ? 'line' : 'trunk',
    caller_user_id: null,
    caller_username: outgoing ? agent || null : null,
    cause: typeof info.cause === 'number' ? info.cause : -1,
    connected: connected,
    connected_channel: null,
    connected_group_id: null,
    connected_internal: connected == null ? false : outgoing ? remoteInternal : true,
    connected_line_id: null,
    connected_muted: outgoing ? false : !!info.muted,
    connected_name: connected != null && outgoing ? info.name || null : null,
    connected_number: connected == null ? null : outgoing ? other : own,
    connected_number_norm: null,
    connected_type: connected == null ? null : !outgoing || remoteInternal ? 'line' : 'trunk',
    connected_user_id: null,
    connected_username: connected != null && !outgoing ? agent || null : null,
    created: info.created,
    data: previous ? previous.data : {},
    direction: info.direction,
    disconnected: info.disconnected == null ? null : info.disconnected,
    external_id: null,
    id: previous ? previous.id : Phone.nextId++,
    name: info.name || null,
    now: Math.floor(now() / 1000),
    number: other,
    outbound_id: null,
    recorded: false,
    // held by either side (the gateway's SIP edge reads the re-INVITE the same way)
    state: info.state === 3 && info.remoteHeld ? 5 : info.state,
    subcalls: 0,
    uniqueid: info.uniqueid
  };
}

/** A copy of `call` with `changes`. */
function copyCall(call, changes) {
  var copy = {};
  for (var k in call) if (hasOwn(call, k)) copy[k] = call[k];
  for (var c in changes) if (hasOwn(changes, c)) copy[c] = changes[c];
  return copy;
}

/** A UUIDv7 (RFC 9562 §5.7): milliseconds, then random bits; the Call's `call_guid`. */
function uuidV7() {
  var hex = randomKey().replace(/-/g, '');
  var ms = ('000000000000' + now().toString(16)).slice(-12);
  return ms.slice(0, 8) + '-' + ms.slice(8) + '-7' + hex.slice(13, 16) + '-' +
    ((parseInt(hex.charAt(16), 16) & 3) | 8).toString(16) + hex.slice(17, 20) + '-' + hex.slice(20, 32);
}
