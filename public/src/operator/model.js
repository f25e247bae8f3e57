// The model: the session state `S` (one per page), the stored session (sessionStorage), and
// the state object (`currentState`) kept in step with the events.

var S = {
  started: false,
  status: null,            // session state: CREDENTIALS | IDENTIFY | DEVICE | READY (null before the first)
  connection: 'idle',      // idle | connecting | open | reconnecting | stopped
  phase: 'down',           // down | handshake | attaching | live
  everConnected: false,
  primary: null,           // this tab is the user's primary tab (null: not told yet)
  primaryWaitOver: false,
  tabs: 0,
  user: null,
  identificators: [],
  ipIdentifier: null,
  device: null,
  current: null,           // the last state object (ready / state()), patched by events
  agentStatus: null,
  reason: null,
  calls: [],               // active calls, oldest first (two during a consultation)
  waitingCallers: 0,
  ringingSound: 'default',
  lastSeq: 0,
  epoch: null,             // the user's stream's life with a shared engine (docs/cluster.md §6)
  serverVersion: null,
  freshPage: true,         // no READY state seen by this page yet (a reload resumes with attach)
  replaying: false,
  replayUntil: 0,
  loginPending: false,
  loginError: null,        // {code, text} shown under the login form
  autoLoginTried: false,
  autoLoginInFlight: false,
  noAutoLogin: false,
  logoutPending: false,
  autoPick: false,         // the first identify round after a login may pick an identifier itself
  identifyRound: 0,
  autoPickedRound: -1,
  deviceRound: 0,
  provisionedRound: -1,
  selectedHere: false,
  pairing: false,
  pairError: null,
  provisioning: false,
  session: null            // {token, expires, user, provider, lastSeq, locale} in sessionStorage
};

function loadSession() {
  var s = storeGet('sessionStorage', SESSION_KEY);
  if (!s || typeof s !== 'object') return null;
  return s;
}
function saveSession() {
  if (!S.session) return;
  S.session.lastSeq = S.lastSeq;
  S.session.epoch = S.epoch;
  storeSet('sessionStorage', SESSION_KEY, S.session);
}
function dropToken() {
  S.session = null;
  storeRemove('sessionStorage', SESSION_KEY);
}
function tokenUsable() {
  return !!(S.session && S.session.token && (!S.session.expires || S.session.expires * 1000 > now() + 5000));
}

S.session = loadSession();
if (S.session && typeof S.session.lastSeq === 'number') S.lastSeq = S.session.lastSeq;
if (S.session && typeof S.session.epoch === 'string') S.epoch = S.session.epoch;
// The language: one the agent chose (setLanguage) > the user's locale > config `lang` > the browser's.
if (S.session && normalizeLang(S.session.locale)) lang = normalizeLang(S.session.locale);
S.noAutoLogin = !!storeGet('sessionStorage', NO_AUTOLOGIN_KEY);

function setStatus(status) {
  if (S.status === status) return;
  debug('session state ' + S.status + ' → ' + status);
  S.status = status;
  dropBoundNotes();
  if (status !== 'READY') closePanel();
  Phone.sync();
}

function resetUserModel() {
  S.user = null;
  S.current = null;
  S.calls = [];
  S.device = null;
  S.identificators = [];
  S.ipIdentifier = null;
  S.agentStatus = null;
  S.reason = null;
  S.waitingCallers = 0;
  S.pairing = false;
  S.pairError = null;
  S.provisioning = false;
  S.primary = null;
  S.primaryWaitOver = false;
  S.tabs = 0;
  Phone.muted = {};
  Ring.stopCall();
  closePanel();
  Report.close();
}

/** The newest active call: the consultation during a transfer, else the only one. */
function activeCall() {
  return S.calls.length ? S.calls[S.calls.length - 1] : null;
}

/** Keeps `currentState` in step with the events that followed it. */
function syncCurrent() {
  var c = S.current;
  if (!c) return;
  c.status = S.agentStatus;
  c.reason = S.reason;
  c.call = activeCall();
  c.waitingCallers = S.waitingCallers;
  c.ringingSound = S.ringingSound;
  c.lastSeq = S.lastSeq;
  if (S.user) c.user = S.user;
  if (S.device) c.device = S.device;
}

/** Takes a state object (the `ready` event's, or a `state` reply). `inPlace`: its members are
 *  copied into the current object, which stays the same one (what state() returned, onReady's). */
function applyState(st, resetCalls, inPlace) {
  if (!st || typeof st !== 'object') return;
  if (inPlace && S.current && S.current !== st) {
    for (var k in st) if (hasOwn(st, k)) S.current[k] = st[k];
  } else {
    S.current = st;
  }
  if (st.status) S.agentStatus = st.status;
  S.reason = st.reason == null ? null : st.reason;
  if (st.user) { S.user = st.user; adoptUserLocale(st.user); }
  if (st.device) S.device = st.device;
  S.waitingCallers = typeof st.waitingCallers === 'number' ? st.waitingCallers : S.waitingCallers;
  if (st.ringingSound) S.ringingSound = st.ringingSound;
  if (typeof st.epoch === 'string' && st.epoch !== S.epoch && typeof st.lastSeq === 'number') {
    S.epoch = st.epoch;
    S.lastSeq = st.lastSeq;
    saveSession();
  } else if (typeof st.lastSeq === 'number' && st.lastSeq > S.lastSeq) {
    S.lastSeq = st.lastSeq;
    saveSession();
  }
  if (resetCalls) S.calls = st.call && st.call.state !== 4 ? [withPhoneMute(st.call)] : [];
  syncCurrent();
  Phone.sync();
}

var langChosenHere = false;
function adoptUserLocale(user) {
  if (langChosenHere) return;
  if (S.session && S.session.langChosen) return;
  var l = normalizeLang(user && user.locale);
  if (l && l !== lang) {
    lang = l;
    if (S.session) { S.session.locale = l; saveSession(); }
    rebuildView();
  }
}
