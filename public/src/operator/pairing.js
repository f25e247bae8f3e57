// Pairing a phone: identify → device → ready, picking an identifier by itself from the URL, the
// cookie or the address, in the tab that drives (docs/operator.md §2, `identify*`).

var primaryWaitTimer = null;
/** If the gateway never says which tab is primary, act as the primary one after a moment. */
function armPrimaryWait() {
  if (S.primary !== null || primaryWaitTimer) return;
  primaryWaitTimer = setTimeout(function () {
    primaryWaitTimer = null;
    if (S.primary === null) {
      S.primaryWaitOver = true;
      maybeAutoPick();
      maybeAutoProvision();
    }
  }, 1500);
}
function drivingTab() {
  return S.primary === true || (S.primary === null && S.primaryWaitOver);
}

function maybeAutoPick() {
  if (S.status !== 'IDENTIFY' || S.phase !== 'live' || !S.autoPick || cfg('withoutDevice')) return;
  if (S.autoPickedRound === S.identifyRound || S.pairing) return;
  if (!drivingTab()) return;
  var pick = null, source = null;
  if (cfg('identifyURL')) { pick = urlParam('identifier'); source = 'url'; }
  if (!pick && cfg('identifyCookie')) { pick = getCookie(IDENTIFIER_COOKIE); source = 'cookie'; }
  if (!pick && cfg('identifyIP') && S.ipIdentifier) { pick = S.ipIdentifier; source = 'ip'; }
  if (!pick) return;
  S.autoPickedRound = S.identifyRound;
  S.autoPick = false;
  debug('pairing automatically with the identifier from the ' + source);
  if (source !== 'ip') fire('onIdentifier', pick);
  pairWith('selectIdentifier', pick, { auto: true, source: source }).catch(function () { /* shown in the picker */ });
}

function pairWith(methodName, identifier, opts) {
  opts = opts || {};
  var err = guard(methodName);
  if (err) {
    if (!opts.auto) warn(err, methodName);
    return Promise.reject(err);
  }
  S.selectedHere = true;
  S.pairing = true;
  S.pairError = null;
  render();
  var value = identifier == null ? '' : String(identifier);
  return rawRequest('selectIdentifier', { identifier: value }, {
    ok: function () {
      if (cfg('identifyCookie') && value) setCookie(IDENTIFIER_COOKIE, value, 31536000);
    },
    fail: function (e) {
      S.pairing = false;
      S.pairError = errorText(e);
      if (opts.source === 'cookie' && e.code === 'unknownIdentifier') setCookie(IDENTIFIER_COOKIE, '', 0);
      render();
    }
  }).catch(function (e) {
    fire('onWarning', errorText(e));
    throw e;
  });
}

function maybeAutoProvision() {
  if (S.status !== 'DEVICE' || S.phase !== 'live' || cfg('confirmDevice')) return;
  if (S.provisionedRound === S.deviceRound) return;
  if (!(S.selectedHere || drivingTab())) return;
  S.provisionedRound = S.deviceRound;
  S.provisioning = true;
  render();
  rawRequest('provision', null, {
    fail: function (e) {
      S.provisioning = false;
      if (e.code !== 'wrongState') { S.pairError = errorText(e); fire('onWarning', S.pairError); }
      render();
    }
  }).catch(function () { /* handled */ });
}
