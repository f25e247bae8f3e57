// The bar's language (cs, en, de; docs/operator.md §9) and the texts looked up in it.

var LANGS = ['cs', 'en', 'de'];
var LANG_NAMES = { cs: 'Čeština', en: 'English', de: 'Deutsch' };

function normalizeLang(value) {
  if (typeof value !== 'string' || !value) return null;
  var l = value.toLowerCase().split(/[-_]/)[0];
  return LANGS.indexOf(l) >= 0 ? l : null;
}

function initialLang() {
  var fromConfig = normalizeLang(op.lang);
  if (fromConfig) return fromConfig;
  var nav = w.navigator || {};
  var list = (nav.languages && nav.languages.length ? nav.languages : [nav.language]) || [];
  for (var i = 0; i < list.length; i++) {
    var l = normalizeLang(list[i]);
    if (l) return l;
  }
  return 'en';
}

var lang = initialLang();

/** The text `key` in the current language (English as a fallback), `{name}` filled from vars. */
function t(key, vars) {
  var table = TEXTS[lang] || TEXTS.en;
  var text = hasOwn(table, key) ? table[key] : (hasOwn(TEXTS.en, key) ? TEXTS.en[key] : key);
  return interpolate(text, vars);
}

function statusText(status, reason) {
  if (status === 'AUX' && reason) return t('auxWith', { reason: reasonText(reason) });
  return hasOwn(TEXTS.en, status) ? t(status) : String(status || '');
}
function reasonText(reason) {
  return hasOwn(TEXTS.en, 'reason_' + reason) ? t('reason_' + reason) : String(reason);
}
/** Hang-up cause text; with the call, causes 3/4 (caller/called hung up) from the agent's side. */
function causeText(cause, call) {
  if (call && (cause === 3 || cause === 4) && (call.direction === 'INCOMING' || call.direction === 'OUTGOING')) {
    // OUTGOING: the agent was the caller (3 = the agent hung up); INCOMING: the agent was called (4).
    var agentHungUp = (call.direction === 'OUTGOING') === (cause === 3);
    return t(agentHungUp ? 'causeAgent' : 'causeCustomer');
  }
  var key = cause === -1 ? 'cause_1' : 'cause' + cause;
  return hasOwn(TEXTS.en, key) ? t(key) : t('cause0');
}
function callStateText(state) {
  return hasOwn(TEXTS.en, 'callState' + state) ? t('callState' + state) : String(state);
}
function loginErrorText(code) {
  return hasOwn(TEXTS.en, 'loginErr' + code) ? t('loginErr' + code) : t('loginErr1');
}
/** An agent-facing text for a refused request. */
function errorText(err) {
  if (!err) return t('requestFailed', { text: '?' });
  if (err.code === 'disconnected') return t('disconnected');
  if (err.code === 'timeout') return t('timeout');
  if (err.code && hasOwn(TEXTS.en, 'err_' + err.code)) return t('err_' + err.code, { param: err.param || '' });
  return t('requestFailed', { text: err.text || err.message || err.code });
}
