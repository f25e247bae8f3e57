// The public methods added to `window.ucsOperator` (docs/compatibility.md §1.4 "Ovládání komponenty",
// docs/operator.md §4), each checked against its allowed states before anything is sent, and the
// read-only properties (§4.1).

/** Null when `name` may be sent now; else the Error to reject with. */
function guard(name) {
  if (S.status === null) return errorWith('disconnected', 'Not connected to the gateway.');
  var allowed = ALLOWED[name] || ANY;
  if (allowed.indexOf(S.status) < 0) {
    return errorWith('wrongState', name + ' is allowed in ' + allowed.join(', ') + '; the bar is in ' + S.status + '.', { state: S.status });
  }
  if (S.phase !== 'live' || !ws) return errorWith('disconnected', 'Not connected to the gateway.');
  return null;
}

function warn(err, name) {
  var text = err && err.code === 'wrongState'
    ? t('wrongState', { method: name, states: (ALLOWED[name] || ANY).join(', '), state: err.state || S.status })
    : errorText(err);
  fire('onWarning', text);
  localNotify(text, 'warning', { unique: true, timeout: 8000, group: 'request' });
}

/** Checks the state, sends, and settles with the reply; failures reach onWarning. */
function invoke(name, params, hooks, wireMethod) {
  var err = guard(name);
  if (err) {
    warn(err, name);
    return Promise.reject(err);
  }
  return rawRequest(wireMethod || name, params, hooks).catch(function (e) {
    warn(e, name);
    throw e;
  });
}

/**
 * With a web phone paired (webphone.js) the call methods drive the phone, in this tab or, through
 * tabs.js, in the tab that holds it; the docs/compatibility.md §1.4 states still apply, but not the gateway
 * connection (a call goes on while /ws reconnects). Null when the paired phone is another: the
 * method goes to the gateway as before.
 */
function viaWebPhone(name, args) {
  if (!webPhoneIdentity(S.device)) return null;
  var allowed = ALLOWED[name] || ANY;
  var err = S.status === null ? errorWith('disconnected', 'Not connected to the gateway.')
    : allowed.indexOf(S.status) < 0 ? errorWith('wrongState', name + ' is allowed in ' + allowed.join(', ') + '; the bar is in ' + S.status + '.', { state: S.status })
    : null;
  var run = err ? Promise.reject(err) : Phone.holds() ? Phone.run(name, args) : Tabs.channel ? Tabs.invoke(name, args)
    : Promise.reject(errorWith('webPhoneOffline', 'The web phone is not running in this browser.'));
  return run.catch(function (e) {
    warn(e, name);
    throw e;
  });
}

function requestNotificationPermission() {
  if (!cfg('notifyWaitingCallers') || !('Notification' in w)) return;
  try {
    if (w.Notification.permission === 'default') {
      var p = w.Notification.requestPermission();
      if (p && p.catch) p.catch(function () { /* ignore */ });
    }
  } catch (e) { /* ignore */ }
}

function loginLike(method, params, provider, remember) {
  var err = guard(method);
  if (err) {
    warn(err, method);
    return Promise.reject(err);
  }
  S.loginPending = true;
  S.loginError = null;
  render();
  requestNotificationPermission();
  return rawRequest(method, params, {
    ok: function (res) {
      onLoggedIn(res, provider);
      if (method === 'login') {
        if (remember) storeSet('localStorage', REMEMBER_KEY, { username: params.username, password: params.password });
        else storeRemove('localStorage', REMEMBER_KEY);
      }
      render();
    },
    fail: function (e) {
      S.loginPending = false;
      if (e.code !== 'loginFailed') {
        S.autoLoginInFlight = false;
        S.loginError = { code: null, text: errorText(e) };
      }
      render();
    }
  }).catch(function (e) {
    if (e.code !== 'loginFailed') fire('onWarning', errorText(e));
    throw e;
  });
}

op.login = function (username, password, remember) {
  remember = !!remember;
  return loginLike('login', {
    username: username == null ? '' : String(username),
    password: password == null ? '' : String(password),
    remember: remember,
    autologout: !!cfg('autologout'),
    logoutOnClose: false,
    tab: tabId()
  }, null, remember);
};

op.sso = function (username, token, provider) {
  return loginLike('sso', {
    username: username == null ? '' : String(username),
    token: token == null ? '' : String(token),
    provider: provider == null ? '' : String(provider),
    autologout: !!cfg('autologout'),
    // docs/compatibility.md §1.2 integrated auto-logout: the gateway signs the user out a few seconds after the
    // user's last tab has gone, unless a tab attaches again (a reload does) (6.4)
    logoutOnClose: !!provider && !cfg('disableIntegratedAutoLogout'),
    tab: tabId()
  }, provider ? String(provider) : null, false);
};

op.logout = function () {
  var err = guard('logout');
  if (err) { warn(err, 'logout'); return Promise.reject(err); }
  S.logoutPending = true;
  S.noAutoLogin = true;
  return rawRequest('logout', null, {
    ok: function () { dropToken(); shareSessionCookie(null); },
    fail: function () { S.logoutPending = false; }
  }).catch(function (e) { warn(e, 'logout'); throw e; });
};

op.selectIdentifier = function (identifier) { return pairWith('selectIdentifier', identifier); };
op.identificator = function (identifier) { return pairWith('identificator', identifier); };

op.provision = function () {
  S.provisioning = true;
  render();
  return invoke('provision', null, { fail: function () { S.provisioning = false; render(); } });
};

op.identify = function () {
  S.autoPick = false; // a deliberate change of phone: do not pick the same one again
  return invoke('identify');
};

op.changeStatus = function (status, reason) {
  return invoke('changeStatus', {
    status: status == null ? '' : String(status).toUpperCase(),
    reason: reason == null || reason === '' ? null : String(reason)
  });
};

op.suspend = function (queue) { return invoke('suspend', { queue: asInteger(queue) }); };
op.resume = function (queue) { return invoke('resume', { queue: asInteger(queue) }); };
op.answer = function () { return viaWebPhone('answer', []) || invoke('answer'); };

op.dial = function (number, queue, line, data) {
  var params = { number: number == null ? '' : String(number) };
  if (queue !== undefined && queue !== null && queue !== '') {
    params.queue = queue === 'directCall' || queue === 'undefined' ? queue : asInteger(queue);
  }
  if (line !== undefined && line !== null && line !== '') params.line = asInteger(line);
  if (data !== undefined && data !== null) params.data = data;
  params.idempotencyKey = randomKey();
  return viaWebPhone('dial', [params.number]) || invoke('dial', params).catch(function (e) {
    e.idempotencyKey = params.idempotencyKey;
    throw e;
  });
};

op.hangup = function () { return viaWebPhone('hangup', []) || invoke('hangup'); };

/** Touch-tones into the connected call: 1–32 of 0-9 * # A-D (agent-protocol.md `dtmf`). */
op.dtmf = function (digits) {
  var text = digits == null ? '' : String(digits);
  return viaWebPhone('dtmf', [text]) || invoke('dtmf', { digits: text });
};

op.transfer = function (number) {
  return viaWebPhone('transfer', [number]) || invoke('transfer', number == null || number === '' ? {} : { number: String(number) });
};
op.finishTransfer = function () { return viaWebPhone('finishTransfer', []) || invoke('finishTransfer'); };
op.blindTransfer = function (number) {
  var text = number == null ? '' : String(number);
  return viaWebPhone('blindTransfer', [text]) || invoke('blindTransfer', { number: text });
};
op.hold = function () { return viaWebPhone('hold', []) || invoke('hold'); };
op.unhold = function () { return viaWebPhone('unhold', []) || invoke('unhold'); };
op.mute = function () { return viaWebPhone('mute', []) || invoke('mute'); };

op.notify = function (title, type, unique, timeout, boundState, group, other) {
  var values = other && typeof other === 'object' && other.values && typeof other.values === 'object' ? other.values : null;
  var text = interpolate(title == null ? '' : String(title), values);
  var kind = ['error', 'warning', 'success', 'info'].indexOf(type) >= 0 ? type : 'info';
  var ms = typeof timeout === 'number' && timeout > 0 ? timeout : null;
  var bound = STATES.indexOf(boundState) >= 0 ? boundState : null;
  localNotify(text, kind, { unique: !!unique, timeout: ms, boundState: bound, group: group == null ? null : String(group) });
  if (!ws || S.phase !== 'live' || S.status === 'CREDENTIALS' || !text) return Promise.resolve({});
  rememberEcho(text, kind);
  var params = { title: text, type: kind, unique: !!unique, timeout: ms === null ? null : Math.round(ms), boundState: bound,
    group: group == null ? null : String(group), other: other && typeof other === 'object' ? other : null };
  return rawRequest('notify', params).catch(function (e) {
    debug('notify was shown locally; the server refused it: ' + e.code);
    throw e;
  });
};

/** docs/compatibility.md §1.4, §1.9: the state object itself, synchronously, "the same
 *  object as in onReady" (null outside READY, with a warning). It also asks the gateway for a fresh
 *  copy, which updates that same object in place when it arrives. `await ucsOperator.state()`
 *  still works (awaiting a value gives the value); `.then()` on it does not. */
op.state = function () {
  var err = guard('state');
  if (err && err.code === 'wrongState') { warn(err, 'state'); return null; }
  if (!err) {
    rawRequest('state', null, {
      ok: function (st) {
        applyState(st, S.calls.length <= 1, true);
        updateRinging();
        render();
      }
    }).catch(function (e) { debug('state refresh failed: ' + e.code); });
  }
  return S.current;
};

op.setAccountCode = function (uniqueid, accountCode, subAccountCode, override) {
  return invoke('setAccountCode', {
    uniqueid: uniqueid == null ? '' : String(uniqueid),
    accountCode: accountCode == null ? '' : String(accountCode),
    subAccountCode: subAccountCode == null || subAccountCode === '' ? null : String(subAccountCode),
    override: !!override
  });
};

op.selectRingingSound = function (ringingSound) {
  var sound = String(ringingSound);
  return invoke('selectRingingSound', { ringingSound: sound }, {
    ok: function () {
      S.ringingSound = sound;
      syncCurrent();
      if (Ring.mode === 'test') Ring.start(sound, 'test');
      render();
    }
  });
};

op.testRingingSound = function () {
  Ring.unlock();
  Ring.start(S.ringingSound, 'test');
  render();
  return Promise.resolve({});
};
op.stopRingingSoundTest = function () {
  if (Ring.mode === 'test') Ring.stop();
  updateRinging();
  render();
  return Promise.resolve({});
};

// Every method's promise still rejects on a refusal (for integrators who await it), but it is
// marked handled, so a fire-and-forget call (docs/compatibility.md §1.4 calls sso() so) logs no "Uncaught (in promise)".
['login', 'sso', 'logout', 'selectIdentifier', 'identificator', 'provision', 'identify', 'changeStatus', 'suspend', 'resume',
  'answer', 'dial', 'hangup', 'dtmf', 'transfer', 'finishTransfer', 'blindTransfer', 'hold', 'unhold', 'mute', 'notify',
  'setAccountCode', 'selectRingingSound', 'testRingingSound', 'stopRingingSoundTest'].forEach(function (name) {
  var method = op[name];
  op[name] = function () { return quiet(method.apply(op, arguments)); };
});

op.channelURL = channelURL;

op.setLanguage = function (value) {
  var l = normalizeLang(value);
  if (!l) return false;
  lang = l;
  langChosenHere = true;
  if (S.session) { S.session.locale = l; S.session.langChosen = true; saveSession(); }
  rebuildView();
  return true;
};

function defineGetter(name, get) {
  try {
    Object.defineProperty(op, name, { get: get, set: function () { /* read-only */ }, enumerable: true, configurable: true });
  } catch (e) { /* a frozen object: leave it */ }
}
defineGetter('currentState', function () { return S.current; });
defineGetter('status', function () { return S.status; });
defineGetter('version', function () { return OPERATOR_VERSION; });
defineGetter('lastSeq', function () { return S.lastSeq; });
defineGetter('serverVersion', function () { return S.serverVersion; });
defineGetter('language', function () { return lang; });
defineGetter('ringing', function () { return Ring.playing; });
/** Callgate's own (docs/operator.md §14): the web phone in this tab and browser. */
defineGetter('webPhone', function () {
  var identity = webPhoneIdentity(S.device);
  if (!identity) return null;
  return { aor: identity.aor, state: Phone.holds() || Phone.loading ? Phone.state : 'elsewhere', error: Phone.error,
    phone: Phone.phone };
});
