// The web phone (docs/operator.md §14): when the agent pairs a device whose identifier is
// `webphone:<SIP address of record>`, the tab that drives the session (the primary one) loads
// the browser phone (public/phone/, docs/sip.md) and registers it through the gateway's `sip`
// route with the session's token; answer(), hangup(), hold(), unhold(), mute(), dial(),
// blindTransfer() and dtmf() drive the real call. The calls, their callbacks and their Call
// objects are the gateway's, on /ws, as for any other phone (its SIP edge follows the dialogs it
// relays, docs/sip-edge.md §3); the phone's own events drive only what the gateway cannot know:
// its registration, the ringing sound and the microphone's mute. The other tabs of this browser
// reach the phone and learn the mute through tabs.js.

var WEBPHONE_PREFIX = 'webphone:';
/** The script's own address, so that the phone is loaded from where the bar came from. */
var SCRIPT_URL = doc.currentScript && doc.currentScript.src ? doc.currentScript.src : null;

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
  muted: {},            // uniqueid → whether the agent's microphone is muted in that call of the phone

  /** Whether this tab runs the phone. */
  holds: function () { return !!Phone.phone; },

  /** Whether an incoming call rings on the phone in this tab (the sound may start before the
   *  gateway's callRinging arrives, and goes on while /ws reconnects). */
  ringing: function () {
    return !!Phone.phone && Phone.phone.calls.some(function (c) { return c.direction === 'incoming' && c.state === 2; });
  },

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

  /**
   * The microphone in call `uniqueid` (the gateway cannot see it): kept for the gateway's Call
   * objects of that call (withPhoneMute), told to the other tabs by the tab that holds the phone,
   * and onCallMute / onCallUnmute with the gateway's Call once the gateway has sent the call.
   * `quiet`: no callback (a tab learning the state of a call in progress).
   */
  mute: function (uniqueid, muted, quiet) {
    if (Phone.muted[uniqueid] === muted) return;
    Phone.muted[uniqueid] = muted;
    if (Phone.holds()) Tabs.post({ type: 'mute', uniqueid: uniqueid, muted: muted });
    var call = S.calls.filter(function (c) { return c.uniqueid === uniqueid; })[0];
    if (call && !quiet) onCallEvent(muted ? 'callMute' : 'callUnmute', call);
    else if (call) mergeCall(withPhoneMute(call));
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
    case 'callMute':
    case 'callUnmute':
      if (e.call) Phone.mute(e.call.uniqueid, e.type === 'callMute');
      break;
    case 'callHangup':
      // A tab that is no longer primary gives the phone up once its calls are over.
      setTimeout(function () { Phone.sync(); }, 0);
      break;
  }
  updateRinging();
  render();
}

/** `call` (the gateway's) with the agent's microphone in it when it is a web phone call whose
 *  mute the phone reported: `connected_muted` on an incoming call, `caller_muted` on an outgoing. */
function withPhoneMute(call) {
  if (!hasOwn(Phone.muted, call.uniqueid)) return call;
  var field = call.direction === 'INCOMING' ? 'connected_muted' : 'caller_muted';
  if (call[field] === Phone.muted[call.uniqueid]) return call;
  var copy = {};
  for (var k in call) if (hasOwn(call, k)) copy[k] = call[k];
  copy[field] = Phone.muted[call.uniqueid];
  return copy;
}
