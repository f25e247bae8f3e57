// The login and its session: credentials, login errors, the session token kept in this tab,
// attaching with it after a reconnect or a reload, and replaying what was missed (docs/operator.md §5).

function onCredentialsEvent() {
  var initial = connFresh;
  connFresh = false;
  if (initial && !S.logoutPending && tokenUsable()) {
    startAttach();
    return;
  }
  if (!initial || S.logoutPending) {
    // Logged out: here, by another tab of the user, or by a login elsewhere.
    S.noAutoLogin = true;
    S.logoutPending = false;
  }
  enterCredentials();
}

function enterCredentials() {
  dropToken();
  resetUserModel();
  S.phase = 'live';
  S.loginPending = false;
  setStatus('CREDENTIALS');
  var remembered = rememberedCredentials();
  if (cfg('autologin') && remembered && remembered.password && !S.noAutoLogin && !S.autoLoginTried) {
    S.autoLoginTried = true;
    S.autoLoginInFlight = true;
    render();
    op.login(remembered.username, remembered.password, true).catch(function () { /* loginError shows it */ });
    return;
  }
  rebuildView();
  fire('onCredentials');
}

function rememberedCredentials() {
  var r = storeGet('localStorage', REMEMBER_KEY);
  return r && typeof r.username === 'string' ? r : null;
}

function onLoginError(code, message) {
  var text = loginErrorText(code);
  debug('login error ' + code + ': ' + message);
  S.loginPending = false;
  S.loginError = { code: code, text: text };
  if (code === 1 && S.autoLoginInFlight) {
    // The remembered password is wrong: keep the name, forget the password.
    var r = rememberedCredentials();
    if (r) storeSet('localStorage', REMEMBER_KEY, { username: r.username });
  }
  var autoLogin = S.autoLoginInFlight;
  S.autoLoginInFlight = false;
  if (code === 3) {
    dropToken();
    S.noAutoLogin = true;
    storeSet('sessionStorage', NO_AUTOLOGIN_KEY, true);
  }
  fire('onLoginError', code, text);
  if (code === 7) {
    // attach refused: the server sends no new `credentials`; log in again.
    dropToken();
    enterCredentials();
    return;
  }
  // No onCredentials here: a CRM that calls sso() inside onCredentials would loop on a refused
  // token. onLoginError is the signal; onCredentials follows only the gateway's `credentials`
  // (and a refused attach, code 7 above). Exception: the bar's own auto-login took the place of
  // onCredentials for this `credentials` event, so when it fails the CRM is asked now (once).
  var deferred = autoLogin && S.status === 'CREDENTIALS' && code !== 3;
  render();
  if (deferred) fire('onCredentials');
}

/** The gateway's `callgate_session` cookie (docs/click-to-call.md §2), so that an Oktell
 *  `/callto?number=` link clicked in this browser is this agent's: set after a login, removed
 *  on logout. Only when the page comes from the gateway itself: a CRM page on another site
 *  cannot set a first-party cookie for it. */
function shareSessionCookie(token) {
  if (!w.fetch || !w.location) return;
  var origin = channelURL('ws').replace(/^ws/, 'http').replace(/^(https?:\/\/[^\/]+).*$/, '$1');
  if (origin !== w.location.origin) return;
  var request = token ? { method: 'GET', headers: { Authorization: 'Bearer ' + token } } : { method: 'DELETE' };
  request.credentials = 'same-origin';
  w.fetch(origin + '/session/cookie', request).catch(function () {});
}

function onLoggedIn(result, provider) {
  S.loginPending = false;
  S.loginError = null;
  S.autoLoginTried = false;
  S.autoLoginInFlight = false;
  S.noAutoLogin = false;
  storeRemove('sessionStorage', NO_AUTOLOGIN_KEY);
  S.lastSeq = 0;
  S.epoch = null;
  S.autoPick = true;
  S.session = {
    token: result && result.token,
    expires: result && result.expires,
    user: result && result.user,
    provider: provider || null,
    lastSeq: 0,
    locale: lang,
    langChosen: !!(S.session && S.session.langChosen) || langChosenHere
  };
  saveSession();
  shareSessionCookie(S.session.token);
}

/** Config `sessionToken` ({token, expires, user, provider}): a session token the page got
 *  itself (the Vodia popup's link, docs/click-to-call.md §3) replaces this tab's stored one, so
 *  the bar attaches with it instead of asking for a login. Read once, when the bar starts; the
 *  same token again (a reload) keeps the stored session and its lastSeq. */
function adoptHandedSession() {
  var handed = cfg('sessionToken');
  if (!handed || typeof handed !== 'object' || typeof handed.token !== 'string' || !handed.token) return;
  if (S.session && S.session.token === handed.token) return;
  S.session = {
    token: handed.token,
    expires: typeof handed.expires === 'number' ? handed.expires : null,
    user: handed.user == null ? null : String(handed.user),
    provider: handed.provider == null ? null : String(handed.provider),
    lastSeq: 0,
    locale: lang,
    langChosen: !!(S.session && S.session.langChosen) || langChosenHere
  };
  S.lastSeq = 0;
  S.epoch = null;
  saveSession();
  debug('attaching with the session token the page handed over');
}

function startAttach() {
  S.phase = 'attaching';
  render();
  var params = { lastSeq: S.lastSeq, token: S.session.token, tab: tabId() };
  if (S.epoch !== null) params.epoch = S.epoch; // only with a shared engine (docs/agent-protocol.md §4)
  rawRequest('attach', params, {
    ok: onAttached,
    fail: function (e) {
      if (e.code === 'loginFailed' || e.code === 'disconnected') return; // loginError 7 / reconnect follow
      if (e.code === 'timeout') { if (ws) ws.close(4000, 'attach timed out'); return; }
      debug('attach failed: ' + e.code);
      enterCredentials();
    }
  }).catch(function () { /* handled in the hooks */ });
}

function onAttached(res) {
  S.phase = 'live';
  var state = STATES.indexOf(res.state) >= 0 ? res.state : 'READY';
  if (typeof res.epoch === 'string') S.epoch = res.epoch;
  if (!res.complete) {
    // Events were lost (or the user was signed in afresh): a `ready`, or `user` + `identify`, follows.
    S.lastSeq = 0;
    saveSession();
    S.replaying = false;
    if (state !== 'READY') S.autoPick = true;
    setStatus(state);
    render();
    return;
  }
  setStatus(state);
  S.replayUntil = typeof res.lastSeq === 'number' ? res.lastSeq : S.lastSeq;
  if (S.lastSeq >= S.replayUntil) finishReplay();
  else { S.replaying = true; render(); }
}

function finishReplay() {
  S.replaying = false;
  if (S.status === 'READY' && (S.freshPage || !S.current)) {
    // A reloaded page has no state: fetch it, then onReady.
    rawRequest('state').then(function (st) {
      applyState(st, true);
      S.freshPage = false;
      updateRinging();
      render();
      fire('onReady', S.current);
    }, function (e) { debug('state after attach failed: ' + e.code); });
  }
  updateRinging();
  render();
}
