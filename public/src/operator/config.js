// Configuration: the bar's config fields (docs/compatibility.md §1.2) with their defaults (docs/operator.md §2), read
// from `window.ucsOperator` at the time of use; the methods' allowed states (agent-protocol.md
// §2.1); storage keys and timing constants.

var DEFAULTS = {
  api: null,
  lang: null,
  renderTo: 'app',
  headless: false,
  autologin: false,
  autologout: true,
  identifyURL: true,
  identifyIP: true,
  identifyCookie: true,
  listDevices: true,
  confirmDevice: false,
  crmAutoOpen: false,
  showDialControl: true,
  confirmUnload: false,
  notifyWaitingCallers: false,
  topMenuNameContent: '%icon% %name%',
  showBottomMenu: true,
  autoOpenAccountCode: false,
  audioInputConstraints: null,
  withoutDevice: false,
  legacyStartup: false,
  disableIntegratedAutoLogout: false,
  debounceRequests: false,
  sessionToken: null,
  heartbeatMilliseconds: 5000,
  heartbeatTimeoutMilliseconds: 3000,
  connectTimeoutMilliseconds: 5000,
  webPhone: null,
  webPhoneModule: null
};

/** A config value, read from `window.ucsOperator` at the time of use (so a page may change it). */
function cfg(name) {
  var v = op[name];
  return v === undefined || v === null ? DEFAULTS[name] : v;
}

var STATES = ['CREDENTIALS', 'IDENTIFY', 'DEVICE', 'READY'];
var ANY = STATES;
var READY_ONLY = ['READY'];
/** the bar's allowed states (docs/compatibility.md §1.4) (docs/agent-protocol.md §2.1). */
var ALLOWED = {
  login: ['CREDENTIALS'],
  sso: ['CREDENTIALS'],
  logout: ['IDENTIFY', 'DEVICE', 'READY'],
  selectIdentifier: ['IDENTIFY', 'DEVICE'],
  identificator: ['IDENTIFY', 'DEVICE'],
  provision: ['IDENTIFY', 'DEVICE'],
  identify: ['DEVICE', 'READY'],
  changeStatus: READY_ONLY,
  suspend: READY_ONLY,
  resume: READY_ONLY,
  answer: READY_ONLY,
  dial: READY_ONLY,
  hangup: READY_ONLY,
  transfer: READY_ONLY,
  finishTransfer: READY_ONLY,
  blindTransfer: READY_ONLY,
  hold: READY_ONLY,
  unhold: READY_ONLY,
  mute: READY_ONLY,
  notify: ANY,
  state: READY_ONLY,
  setAccountCode: READY_ONLY,
  selectRingingSound: READY_ONLY,
  dtmf: READY_ONLY,
  testRingingSound: ANY,
  stopRingingSoundTest: ANY
};

var RINGING_SOUNDS = ['default', 'christmas', 'lovingYou', 'quest', 'rush'];
var AGENT_STATUSES = ['READY', 'AUX', 'ACW', 'OFFLINE'];
var CALL_STATE_NAMES = ['new', 'connecting', 'ringing', 'connected', 'hangup', 'hold'];

var SESSION_KEY = 'ucsOperator.session';
var REMEMBER_KEY = 'ucsOperator.remember';
var NO_AUTOLOGIN_KEY = 'ucsOperator.noAutologin';
var TAB_KEY = 'ucsOperator.tab';
var IDENTIFIER_COOKIE = 'callgate_identifier';

var BACKOFF_BASE_MS = 250;
var BACKOFF_CAP_MS = 15000;
var DRAIN_HINT_CAP_MS = 60000;     // a drain's reconnect hint is believed up to a minute
var STABLE_AFTER_MS = 10000;
var REQUEST_TIMEOUT_MS = 30000;
var HISTORY_DEBOUNCE_MS = 500;

/** A positive number of milliseconds from the config, else the default. */
function cfgMs(name) {
  var v = Number(cfg(name));
  return isFinite(v) && v > 0 ? v : DEFAULTS[name];
}
