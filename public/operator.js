/*!
 * Callgate agent bar — operator.js
 *
 * The `window.ucsOperator` integration of the UCS agent bar (docs/compatibility.md §1), speaking
 * Callgate's agent protocol (docs/agent-protocol.md) on the `ws` channel and its call history on
 * the `report` channel. One dependency-free file: the page sets `window.ucsOperator = {config +
 * callbacks}`, includes this script, and the script adds the methods to that same object.
 * Documentation: docs/operator.md.
 *
 * BUILT FILE: do not edit. The sources are public/src/operator/; `node tools/build-operator.mjs`
 * makes this file from them.
 */
(function () {
  'use strict';

  // ---- public/src/operator/prelude.js
  // The bundle's version, and its start on a page: nothing outside a browser, nothing on a
  // second copy of the bundle, and `window.ucsOperator` (the page's config and callbacks, which the
  // methods are added to) made if the page has none (docs/operator.md §1). The `return`s here
  // leave the function the bundle is wrapped in (tools/build-operator.mjs).

  var OPERATOR_VERSION = '4.0.0-callgate.1';
  var PROTOCOL_VERSION = 1;

  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  var w = window;
  var doc = document;

  // Idempotent: a second copy of this file on the same page does nothing.
  if (w.__callgateOperatorLoaded) return;
  var op = w.ucsOperator;
  if (!op || (typeof op !== 'object' && typeof op !== 'function')) {
    op = {};
    w.ucsOperator = op;
  }
  w.__callgateOperatorLoaded = true;

  // ---- public/src/operator/config.js
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

  // ---- public/src/operator/util.js
  // Small utilities: time, random keys, storage that survives a browser without it, cookies,
  // the page's URL, redaction of secrets for onDebug, calling the page's callbacks safely, errors.

  function now() { return Date.now(); }

  function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function randomKey() {
    var c = w.crypto;
    if (c && typeof c.randomUUID === 'function') {
      try { return c.randomUUID(); } catch (e) { /* not a secure context */ }
    }
    var bytes = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    var s = '';
    for (var j = 0; j < 16; j++) s += (bytes[j] + 256).toString(16).slice(1);
    return s;
  }

  function storageArea(name) {
    try {
      var s = w[name];
      var k = '__ucs_probe';
      s.setItem(k, k);
      s.removeItem(k);
      return s;
    } catch (e) {
      return null;
    }
  }
  var memoryStore = {};
  function storeGet(area, key) {
    var s = storageArea(area);
    var raw = s ? s.getItem(key) : memoryStore[area + ':' + key];
    if (raw == null) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }
  function storeSet(area, key, value) {
    var raw = JSON.stringify(value);
    var s = storageArea(area);
    if (s) { try { s.setItem(key, raw); } catch (e) { /* quota */ } } else memoryStore[area + ':' + key] = raw;
  }
  function storeRemove(area, key) {
    var s = storageArea(area);
    if (s) { try { s.removeItem(key); } catch (e) { /* ignore */ } }
    delete memoryStore[area + ':' + key];
  }

  function getCookie(name) {
    var parts = (doc.cookie || '').split(';');
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].replace(/^\s+/, '');
      if (p.indexOf(name + '=') === 0) {
        try { return decodeURIComponent(p.slice(name.length + 1)); } catch (e) { return null; }
      }
    }
    return null;
  }
  function setCookie(name, value, maxAgeSeconds) {
    var c = name + '=' + encodeURIComponent(value) + '; path=/; max-age=' + maxAgeSeconds + '; SameSite=Lax';
    if (w.location && w.location.protocol === 'https:') c += '; Secure';
    doc.cookie = c;
  }

  function urlParam(name) {
    try { return new URLSearchParams(w.location.search).get(name); } catch (e) { return null; }
  }

  var SECRET_KEYS = { password: 1, token: 1, access_token: 1, sso_token: 1 };
  /** A copy of a message with passwords and tokens replaced, for onDebug. */
  function redact(value, depth) {
    depth = depth || 0;
    if (depth > 8 || value === null || typeof value !== 'object') {
      if (typeof value === 'string') return value.replace(/(access_token|sso_token)=[^&\s]*/g, '$1=[redacted]');
      return value;
    }
    if (Array.isArray(value)) return value.map(function (v) { return redact(v, depth + 1); });
    var out = {};
    for (var k in value) {
      if (!hasOwn(value, k)) continue;
      out[k] = SECRET_KEYS[k] && value[k] != null ? '[redacted]' : redact(value[k], depth + 1);
    }
    return out;
  }

  function debug(text) {
    var fn = op.onDebug;
    if (typeof fn !== 'function') return;
    try { fn.call(op, '[ucsOperator] ' + redact(String(text))); } catch (e) { /* never let onDebug break the bar */ }
  }

  /** Calls a docs/compatibility.md §1.3 callback, if the page set it; a throwing callback never breaks the bar. */
  function fire(name) {
    var fn = op[name];
    var args = Array.prototype.slice.call(arguments, 1);
    if (typeof fn !== 'function') return undefined;
    debug('callback ' + name);
    try {
      return fn.apply(op, args);
    } catch (e) {
      if (w.console && console.error) console.error('ucsOperator.' + name + ' threw', e);
      debug('callback ' + name + ' threw: ' + (e && e.message));
      return undefined;
    }
  }

  function errorWith(code, text, extra) {
    var e = new Error(text || code);
    e.code = code;
    e.text = text || code;
    if (extra) for (var k in extra) if (hasOwn(extra, k)) e[k] = extra[k];
    return e;
  }

  function asInteger(v) {
    if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return parseInt(v, 10);
    return v;
  }

  function formatDuration(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? (m < 10 ? '0' : '') : '') + m;
    return (h ? h + ':' : '') + mm + ':' + (s < 10 ? '0' : '') + s;
  }

  function interpolate(text, vars) {
    if (!vars) return text;
    return String(text).replace(/\{(\w+)\}/g, function (m, k) {
      return vars[k] === undefined || vars[k] === null ? m : String(vars[k]);
    });
  }

  // ---- public/src/operator/texts/index.js
  // The table of texts, one object per language (texts/en.js, texts/cs.js, texts/de.js).

  var TEXTS = {};

  // ---- public/src/operator/texts/en.js
  // English texts of the bar, looked up by t(key) (language.js): every string the agent sees.
  // English is also the fallback for a key another language lacks.

  TEXTS.en = {
    connOnline: 'Online',
    connConnecting: 'Connecting…',
    connReconnecting: 'Reconnecting…',
    connStopped: 'Disconnected',
    appName: 'Agent bar',
    connecting: 'Connecting to the phone server…',
    connectFailed: 'Cannot connect to the phone server.',
    connectionLost: 'The connection to the phone server was lost.',
    reconnecting: 'Connection lost. Reconnecting…',
    reconnectingIn: 'Connection lost. Reconnecting in {s} s…',
    reconnectNow: 'Reconnect now',
    restored: 'Connection restored.',
    restoring: 'Restoring your session…',
    protocolMismatch: 'The phone server speaks an unsupported protocol version ({protocol}).',
    username: 'User name',
    password: 'Password',
    remember: 'Remember me',
    login: 'Log in',
    loggingIn: 'Logging in…',
    loginRequired: 'Enter your user name and password.',
    loginErr1: 'Wrong user name or password.',
    loginErr2: 'Single sign-on failed. Open the agent bar from your CRM again.',
    loginErr3: 'You were logged out because you logged in somewhere else.',
    loginErr4: 'This account is disabled or is not an agent account.',
    loginErr5: 'Too many failed attempts. Wait a few minutes and try again.',
    loginErr6: 'The phone system is unavailable. Try again later.',
    loginErr7: 'Your session has expired. Please log in again.',
    selectPhone: 'Select your phone',
    phone: 'Phone',
    identifier: 'Phone identifier',
    identifierPlaceholder: 'e.g. web-alice or 10.0.0.7',
    otherIdentifier: 'Other identifier…',
    pair: 'Pair',
    pairing: 'Pairing…',
    withoutDevice: 'Logged in without a phone.',
    pairPhone: 'Pair a phone',
    deviceFound: 'Phone found',
    useDevice: 'Use this phone',
    chooseAnother: 'Choose another',
    extension: 'ext. {n}',
    deviceOtherTab: 'Your other tab is connecting this phone.',
    continueHere: 'Continue here',
    status: 'Status',
    READY: 'Ready',
    AUX: 'Not ready',
    ACW: 'After-call work',
    OFFLINE: 'Offline',
    auxWith: 'Not ready · {reason}',
    reason_unreachable: 'missed call',
    dialNumber: 'Number to call',
    dialPlaceholder: 'Number…',
    call: 'Call',
    dialAs: 'Dial as',
    dialAuto: 'Automatic',
    dialDirect: 'Direct call',
    callState0: 'New',
    callState1: 'Connecting',
    callState2: 'Ringing',
    callState3: 'Connected',
    callState4: 'Ended',
    callState5: 'On hold',
    incoming: 'Incoming',
    outgoing: 'Outgoing',
    incomingCall: 'Incoming call',
    lastCalledBy: 'last called by {name}',
    outgoingCall: 'Outgoing call',
    viaQueue: 'via {queue}',
    answer: 'Answer',
    hangup: 'Hang up',
    decline: 'Decline',
    hold: 'Hold',
    unhold: 'Resume',
    mute: 'Mute',
    unmute: 'Unmute',
    muted: 'Muted',
    transfer: 'Transfer',
    transferTo: 'Transfer to',
    transferPlaceholder: 'Number or extension',
    consult: 'Consult first',
    blindTransfer: 'Transfer now',
    finishTransfer: 'Complete transfer',
    heldCall: 'On hold',
    consultation: 'Consultation',
    cause_1: 'Not ended',
    cause0: 'Unknown',
    cause1: 'Busy',
    cause2: 'Invalid number',
    cause3: 'Caller hung up',
    cause4: 'Called party hung up',
    causeAgent: 'You hung up',
    causeCustomer: 'The customer hung up',
    cause5: 'Rejected',
    cause6: 'Unavailable',
    cause7: 'Picked up',
    cause8: 'Transferred',
    callEnded: 'Call ended: {cause}',
    queues: 'Queues',
    queueServing: 'Serving',
    queuePaused: 'Paused',
    queueIncoming: 'Incoming',
    queueOutgoing: 'Outgoing',
    noQueues: 'You are not a member of any queue.',
    waitingCallers: 'Waiting callers',
    waitingCount: '{n} waiting',
    waitingTitle: 'Callers are waiting',
    waitingBody: '{n} caller(s) waiting in your queues.',
    history: 'Call history',
    historyFilter: 'Search number or name',
    allCalls: 'All calls',
    historyLoading: 'Loading…',
    historyEmpty: 'No calls found.',
    historyCount: '{n} of {total} calls',
    historyError: 'Call history is unavailable: {reason}',
    historyUnreachable: 'the report service cannot be reached',
    historyRefused: 'access was refused',
    historyTimeout: 'the report service did not answer',
    historyNoSession: 'log in first',
    retryIn: 'Retrying in {s} s.',
    retry: 'Retry',
    dialThis: 'Call {number}',
    menu: 'Menu',
    settings: 'Settings',
    ringingSound: 'Ringing sound',
    sound_default: 'Classic',
    sound_christmas: 'Christmas',
    sound_lovingYou: 'Loving you',
    sound_quest: 'Quest',
    sound_rush: 'Rush',
    test: 'Test',
    stopTest: 'Stop',
    changeDevice: 'Change phone',
    logout: 'Log out',
    language: 'Language',
    accountCode: 'Call reason',
    accountCodeFor: 'Reason for the call with {number}',
    accountCodeSaved: 'Call reason saved.',
    noCallReasons: 'No call reasons are defined.',
    skip: 'Skip',
    close: 'Close',
    dismiss: 'Dismiss',
    notifications: 'Notifications',
    tabs: '{n} tabs',
    mirrorTab: 'Another tab rings',
    wrongState: '{method}() is not possible now: it is allowed in {states}, the bar is in {state}.',
    disconnected: 'Not connected to the phone server.',
    timeout: 'The phone server did not answer in time.',
    requestFailed: 'The request failed: {text}',
    unreachableWarn: 'A call rang unanswered, so your status was set to not ready.',
    err_noActiveCall: 'You have no call.',
    err_notRinging: 'No call is ringing.',
    err_notConnected: 'The call is not connected.',
    err_notOnHold: 'The call is not on hold.',
    err_callInProgress: 'You already have a call.',
    err_invalidNumber: 'This is not a valid phone number.',
    err_unknownIdentifier: 'No phone has this identifier.',
    err_deviceInUse: 'Another agent is using this phone.',
    err_deviceNotAllowed: 'This phone belongs to another user.',
    err_noDevice: 'No phone is paired.',
    err_agentUnavailable: 'That agent cannot take the call now.',
    err_transferInProgress: 'A transfer is already in progress.',
    err_noTransfer: 'There is no consultation call to complete the transfer with.',
    err_unknownReason: 'This reason is not allowed.',
    err_unknownQueue: 'No such queue.',
    err_notQueueMember: 'You are not a member of this queue.',
    err_notOutgoingQueue: 'Calls can only be dialled under an outgoing queue.',
    err_unknownCall: 'No such call.',
    err_tooManyRequests: 'Too many requests at once; try again.',
    err_upstreamUnavailable: 'The phone system is unavailable.',
    err_loginInProgress: 'A login is already in progress.',
    err_invalidParams: 'Invalid value: {param}.',
    err_notSignedIn: 'You are not signed in.',
    err_restricted: 'This window was opened by a call link and can only call its number.',
    webPhoneFailed: 'The web phone could not register: {reason}',
    webPhoneNotLoaded: 'The web phone could not be loaded: {reason}',
    webPhone_loading: 'Web phone: starting…',
    webPhone_connecting: 'Web phone: connecting…',
    webPhone_registered: 'Web phone: ready',
    webPhone_failed: 'Web phone: not registered',
    webPhone_elsewhere: 'Web phone: in your other tab',
    webPhone_off: 'Web phone: off',
    err_webPhoneOffline: 'The web phone is not connected.',
    err_webPhoneElsewhere: 'Your web phone is in another tab, which did not answer.',
    err_notSupported: 'The web phone cannot do this.'
  };

  // ---- public/src/operator/texts/cs.js
  // Czech texts of the bar, looked up by t(key) (language.js). Every key of
  // texts/en.js should be here; a missing one falls back to English.

  TEXTS.cs = {
    connOnline: 'Připojeno',
    connConnecting: 'Připojování…',
    connReconnecting: 'Obnovuji spojení…',
    connStopped: 'Odpojeno',
    appName: 'Agentská lišta',
    connecting: 'Připojování k telefonnímu serveru…',
    connectFailed: 'Nelze se připojit k telefonnímu serveru.',
    connectionLost: 'Spojení s telefonním serverem bylo přerušeno.',
    reconnecting: 'Spojení přerušeno. Obnovuji…',
    reconnectingIn: 'Spojení přerušeno. Další pokus za {s} s…',
    reconnectNow: 'Připojit hned',
    restored: 'Spojení obnoveno.',
    restoring: 'Obnovuji relaci…',
    protocolMismatch: 'Telefonní server používá nepodporovanou verzi protokolu ({protocol}).',
    username: 'Uživatelské jméno',
    password: 'Heslo',
    remember: 'Zapamatovat si mě',
    login: 'Přihlásit',
    loggingIn: 'Přihlašuji…',
    loginRequired: 'Zadejte uživatelské jméno a heslo.',
    loginErr1: 'Špatné uživatelské jméno nebo heslo.',
    loginErr2: 'Jednotné přihlášení selhalo. Otevřete lištu znovu z CRM.',
    loginErr3: 'Byli jste odhlášeni, protože jste se přihlásili jinde.',
    loginErr4: 'Účet je zablokovaný nebo nemá roli agenta.',
    loginErr5: 'Příliš mnoho neúspěšných pokusů. Počkejte několik minut a zkuste to znovu.',
    loginErr6: 'Telefonní systém je nedostupný. Zkuste to později.',
    loginErr7: 'Relace vypršela. Přihlaste se prosím znovu.',
    selectPhone: 'Vyberte svůj telefon',
    phone: 'Telefon',
    identifier: 'Identifikátor telefonu',
    identifierPlaceholder: 'např. web-alice nebo 10.0.0.7',
    otherIdentifier: 'Jiný identifikátor…',
    pair: 'Spárovat',
    pairing: 'Páruji…',
    withoutDevice: 'Přihlášeno bez telefonu.',
    pairPhone: 'Spárovat telefon',
    deviceFound: 'Nalezen telefon',
    useDevice: 'Použít tento telefon',
    chooseAnother: 'Vybrat jiný',
    extension: 'kl. {n}',
    deviceOtherTab: 'Telefon se připojuje ve vaší jiné záložce.',
    continueHere: 'Pokračovat zde',
    status: 'Stav',
    READY: 'Připraven',
    AUX: 'Nepřipraven',
    ACW: 'Práce po hovoru',
    OFFLINE: 'Offline',
    auxWith: 'Nepřipraven · {reason}',
    reason_unreachable: 'zmeškaný hovor',
    dialNumber: 'Číslo k vytočení',
    dialPlaceholder: 'Číslo…',
    call: 'Volat',
    dialAs: 'Volat jako',
    dialAuto: 'Automaticky',
    dialDirect: 'Přímý hovor',
    callState0: 'Nový',
    callState1: 'Spojování',
    callState2: 'Vyzvání',
    callState3: 'Spojeno',
    callState4: 'Ukončeno',
    callState5: 'Přidrženo',
    incoming: 'Příchozí',
    outgoing: 'Odchozí',
    incomingCall: 'Příchozí hovor',
    lastCalledBy: 'naposledy volal(a) {name}',
    outgoingCall: 'Odchozí hovor',
    viaQueue: 'fronta {queue}',
    answer: 'Přijmout',
    hangup: 'Zavěsit',
    decline: 'Odmítnout',
    hold: 'Přidržet',
    unhold: 'Obnovit',
    mute: 'Ztlumit',
    unmute: 'Zrušit ztlumení',
    muted: 'Ztlumeno',
    transfer: 'Přepojit',
    transferTo: 'Přepojit na',
    transferPlaceholder: 'Číslo nebo klapka',
    consult: 'S konzultací',
    blindTransfer: 'Přepojit hned',
    finishTransfer: 'Dokončit přepojení',
    heldCall: 'Přidržený hovor',
    consultation: 'Konzultace',
    cause_1: 'Neukončen',
    cause0: 'Neznámý',
    cause1: 'Obsazeno',
    cause2: 'Neplatné číslo',
    cause3: 'Zavěsil volající',
    cause4: 'Zavěsil volaný',
    causeAgent: 'Zavěsili jste',
    causeCustomer: 'Zákazník zavěsil',
    cause5: 'Odmítnuto',
    cause6: 'Nedostupný',
    cause7: 'Vyzvednuto',
    cause8: 'Přepojeno',
    callEnded: 'Hovor ukončen: {cause}',
    queues: 'Fronty',
    queueServing: 'Obsluhuji',
    queuePaused: 'Pozastaveno',
    queueIncoming: 'Příchozí',
    queueOutgoing: 'Odchozí',
    noQueues: 'Nejste členem žádné fronty.',
    waitingCallers: 'Čekající volající',
    waitingCount: 'čeká {n}',
    waitingTitle: 'Ve frontě čekají volající',
    waitingBody: 'Ve vašich frontách čeká volajících: {n}.',
    history: 'Historie hovorů',
    historyFilter: 'Hledat číslo nebo jméno',
    allCalls: 'Všechny hovory',
    historyLoading: 'Načítám…',
    historyEmpty: 'Žádné hovory.',
    historyCount: '{n} z {total} hovorů',
    historyError: 'Historie hovorů není dostupná: {reason}',
    historyUnreachable: 'služba reportů je nedosažitelná',
    historyRefused: 'přístup byl odmítnut',
    historyTimeout: 'služba reportů neodpověděla',
    historyNoSession: 'nejprve se přihlaste',
    retryIn: 'Další pokus za {s} s.',
    retry: 'Zkusit znovu',
    dialThis: 'Volat {number}',
    menu: 'Nabídka',
    settings: 'Nastavení',
    ringingSound: 'Vyzváněcí tón',
    sound_default: 'Klasický',
    sound_christmas: 'Vánoční',
    sound_lovingYou: 'Loving you',
    sound_quest: 'Výprava',
    sound_rush: 'Spěch',
    test: 'Přehrát',
    stopTest: 'Zastavit',
    changeDevice: 'Změnit telefon',
    logout: 'Odhlásit',
    language: 'Jazyk',
    accountCode: 'Důvod hovoru',
    accountCodeFor: 'Důvod hovoru s {number}',
    accountCodeSaved: 'Důvod hovoru uložen.',
    noCallReasons: 'Nejsou definovány žádné důvody hovoru.',
    skip: 'Přeskočit',
    close: 'Zavřít',
    dismiss: 'Skrýt',
    notifications: 'Oznámení',
    tabs: 'záložek: {n}',
    mirrorTab: 'Vyzvání jiná záložka',
    wrongState: '{method}() teď nelze: je povoleno ve stavech {states}, lišta je ve stavu {state}.',
    disconnected: 'Nejste připojeni k telefonnímu serveru.',
    timeout: 'Telefonní server neodpověděl včas.',
    requestFailed: 'Požadavek selhal: {text}',
    unreachableWarn: 'Hovor vyzváněl bez odezvy, proto jste byli přepnuti do stavu nepřipraven.',
    err_noActiveCall: 'Nemáte žádný hovor.',
    err_notRinging: 'Žádný hovor nevyzvání.',
    err_notConnected: 'Hovor není spojen.',
    err_notOnHold: 'Hovor není přidržen.',
    err_callInProgress: 'Už máte hovor.',
    err_invalidNumber: 'Toto není platné telefonní číslo.',
    err_unknownIdentifier: 'Žádný telefon nemá tento identifikátor.',
    err_deviceInUse: 'Tento telefon používá jiný agent.',
    err_deviceNotAllowed: 'Tento telefon patří jinému uživateli.',
    err_noDevice: 'Není spárován žádný telefon.',
    err_agentUnavailable: 'Tento agent teď nemůže hovor převzít.',
    err_transferInProgress: 'Přepojení už probíhá.',
    err_noTransfer: 'Není konzultační hovor, kterým by šlo přepojení dokončit.',
    err_unknownReason: 'Tento důvod není povolen.',
    err_unknownQueue: 'Taková fronta neexistuje.',
    err_notQueueMember: 'Nejste členem této fronty.',
    err_notOutgoingQueue: 'Volat lze jen pod odchozí frontou.',
    err_unknownCall: 'Takový hovor neexistuje.',
    err_tooManyRequests: 'Příliš mnoho požadavků najednou; zkuste to znovu.',
    err_upstreamUnavailable: 'Telefonní systém je nedostupný.',
    err_loginInProgress: 'Přihlašování už probíhá.',
    err_invalidParams: 'Neplatná hodnota: {param}.',
    err_notSignedIn: 'Nejste přihlášeni.',
    err_restricted: 'Toto okno otevřel odkaz pro volání a může volat jen jeho číslo.',
    webPhoneFailed: 'Webový telefon se nemohl zaregistrovat: {reason}',
    webPhoneNotLoaded: 'Webový telefon se nepodařilo načíst: {reason}',
    webPhone_loading: 'Webový telefon: spouštění…',
    webPhone_connecting: 'Webový telefon: připojování…',
    webPhone_registered: 'Webový telefon: připraven',
    webPhone_failed: 'Webový telefon: nezaregistrován',
    webPhone_elsewhere: 'Webový telefon: ve vaší jiné záložce',
    webPhone_off: 'Webový telefon: vypnut',
    err_webPhoneOffline: 'Webový telefon není připojen.',
    err_webPhoneElsewhere: 'Váš webový telefon je v jiné záložce, která neodpověděla.',
    err_notSupported: 'To webový telefon neumí.'
  };

  // ---- public/src/operator/texts/de.js
  // German texts of the bar, looked up by t(key) (language.js). Every key of
  // texts/en.js should be here; a missing one falls back to English.

  TEXTS.de = {
    connOnline: 'Verbunden',
    connConnecting: 'Verbinde…',
    connReconnecting: 'Verbinde neu…',
    connStopped: 'Getrennt',
    appName: 'Agentenleiste',
    connecting: 'Verbindung zum Telefonserver…',
    connectFailed: 'Keine Verbindung zum Telefonserver.',
    connectionLost: 'Die Verbindung zum Telefonserver wurde unterbrochen.',
    reconnecting: 'Verbindung unterbrochen. Verbinde neu…',
    reconnectingIn: 'Verbindung unterbrochen. Neuer Versuch in {s} s…',
    reconnectNow: 'Jetzt verbinden',
    restored: 'Verbindung wiederhergestellt.',
    restoring: 'Sitzung wird wiederhergestellt…',
    protocolMismatch: 'Der Telefonserver spricht eine nicht unterstützte Protokollversion ({protocol}).',
    username: 'Benutzername',
    password: 'Passwort',
    remember: 'Angemeldet bleiben',
    login: 'Anmelden',
    loggingIn: 'Anmeldung…',
    loginRequired: 'Geben Sie Benutzername und Passwort ein.',
    loginErr1: 'Benutzername oder Passwort ist falsch.',
    loginErr2: 'Die Single-Sign-On-Anmeldung ist fehlgeschlagen. Öffnen Sie die Leiste erneut aus dem CRM.',
    loginErr3: 'Sie wurden abgemeldet, weil Sie sich an anderer Stelle angemeldet haben.',
    loginErr4: 'Dieses Konto ist gesperrt oder kein Agentenkonto.',
    loginErr5: 'Zu viele Fehlversuche. Warten Sie einige Minuten und versuchen Sie es erneut.',
    loginErr6: 'Die Telefonanlage ist nicht erreichbar. Versuchen Sie es später erneut.',
    loginErr7: 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
    selectPhone: 'Wählen Sie Ihr Telefon',
    phone: 'Telefon',
    identifier: 'Telefonkennung',
    identifierPlaceholder: 'z. B. web-alice oder 10.0.0.7',
    otherIdentifier: 'Andere Kennung…',
    pair: 'Koppeln',
    pairing: 'Kopple…',
    withoutDevice: 'Ohne Telefon angemeldet.',
    pairPhone: 'Telefon koppeln',
    deviceFound: 'Telefon gefunden',
    useDevice: 'Dieses Telefon verwenden',
    chooseAnother: 'Anderes wählen',
    extension: 'Nst. {n}',
    deviceOtherTab: 'Ihr anderer Tab verbindet dieses Telefon.',
    continueHere: 'Hier fortfahren',
    status: 'Status',
    READY: 'Bereit',
    AUX: 'Nicht bereit',
    ACW: 'Nachbearbeitung',
    OFFLINE: 'Offline',
    auxWith: 'Nicht bereit · {reason}',
    reason_unreachable: 'verpasster Anruf',
    dialNumber: 'Zu wählende Nummer',
    dialPlaceholder: 'Nummer…',
    call: 'Anrufen',
    dialAs: 'Wählen als',
    dialAuto: 'Automatisch',
    dialDirect: 'Direktanruf',
    callState0: 'Neu',
    callState1: 'Verbindungsaufbau',
    callState2: 'Klingelt',
    callState3: 'Verbunden',
    callState4: 'Beendet',
    callState5: 'Gehalten',
    incoming: 'Eingehend',
    outgoing: 'Ausgehend',
    incomingCall: 'Eingehender Anruf',
    lastCalledBy: 'zuletzt angerufen von {name}',
    outgoingCall: 'Ausgehender Anruf',
    viaQueue: 'über {queue}',
    answer: 'Annehmen',
    hangup: 'Auflegen',
    decline: 'Ablehnen',
    hold: 'Halten',
    unhold: 'Fortsetzen',
    mute: 'Stumm',
    unmute: 'Ton an',
    muted: 'Stumm geschaltet',
    transfer: 'Vermitteln',
    transferTo: 'Vermitteln an',
    transferPlaceholder: 'Nummer oder Nebenstelle',
    consult: 'Mit Rückfrage',
    blindTransfer: 'Sofort vermitteln',
    finishTransfer: 'Vermittlung abschließen',
    heldCall: 'Gehalten',
    consultation: 'Rückfrage',
    cause_1: 'Nicht beendet',
    cause0: 'Unbekannt',
    cause1: 'Besetzt',
    cause2: 'Ungültige Nummer',
    cause3: 'Anrufer hat aufgelegt',
    cause4: 'Angerufener hat aufgelegt',
    causeAgent: 'Sie haben aufgelegt',
    causeCustomer: 'Der Kunde hat aufgelegt',
    cause5: 'Abgewiesen',
    cause6: 'Nicht erreichbar',
    cause7: 'Übernommen',
    cause8: 'Vermittelt',
    callEnded: 'Anruf beendet: {cause}',
    queues: 'Warteschlangen',
    queueServing: 'Aktiv',
    queuePaused: 'Pausiert',
    queueIncoming: 'Eingehend',
    queueOutgoing: 'Ausgehend',
    noQueues: 'Sie sind in keiner Warteschlange.',
    waitingCallers: 'Wartende Anrufer',
    waitingCount: '{n} wartend',
    waitingTitle: 'Anrufer warten',
    waitingBody: 'In Ihren Warteschlangen warten {n} Anrufer.',
    history: 'Anrufverlauf',
    historyFilter: 'Nummer oder Name suchen',
    allCalls: 'Alle Anrufe',
    historyLoading: 'Wird geladen…',
    historyEmpty: 'Keine Anrufe gefunden.',
    historyCount: '{n} von {total} Anrufen',
    historyError: 'Der Anrufverlauf ist nicht verfügbar: {reason}',
    historyUnreachable: 'der Report-Dienst ist nicht erreichbar',
    historyRefused: 'der Zugriff wurde verweigert',
    historyTimeout: 'der Report-Dienst hat nicht geantwortet',
    historyNoSession: 'melden Sie sich zuerst an',
    retryIn: 'Neuer Versuch in {s} s.',
    retry: 'Erneut versuchen',
    dialThis: '{number} anrufen',
    menu: 'Menü',
    settings: 'Einstellungen',
    ringingSound: 'Klingelton',
    sound_default: 'Klassisch',
    sound_christmas: 'Weihnachten',
    sound_lovingYou: 'Loving you',
    sound_quest: 'Abenteuer',
    sound_rush: 'Eile',
    test: 'Abspielen',
    stopTest: 'Stopp',
    changeDevice: 'Telefon wechseln',
    logout: 'Abmelden',
    language: 'Sprache',
    accountCode: 'Anrufgrund',
    accountCodeFor: 'Grund für den Anruf mit {number}',
    accountCodeSaved: 'Anrufgrund gespeichert.',
    noCallReasons: 'Es sind keine Anrufgründe definiert.',
    skip: 'Überspringen',
    close: 'Schließen',
    dismiss: 'Ausblenden',
    notifications: 'Benachrichtigungen',
    tabs: '{n} Tabs',
    mirrorTab: 'Ein anderer Tab klingelt',
    wrongState: '{method}() ist jetzt nicht möglich: erlaubt in {states}, die Leiste ist in {state}.',
    disconnected: 'Keine Verbindung zum Telefonserver.',
    timeout: 'Der Telefonserver hat nicht rechtzeitig geantwortet.',
    requestFailed: 'Die Anfrage ist fehlgeschlagen: {text}',
    unreachableWarn: 'Ein Anruf klingelte unbeantwortet, daher wurde Ihr Status auf nicht bereit gesetzt.',
    err_noActiveCall: 'Sie haben keinen Anruf.',
    err_notRinging: 'Es klingelt kein Anruf.',
    err_notConnected: 'Der Anruf ist nicht verbunden.',
    err_notOnHold: 'Der Anruf wird nicht gehalten.',
    err_callInProgress: 'Sie haben bereits einen Anruf.',
    err_invalidNumber: 'Das ist keine gültige Telefonnummer.',
    err_unknownIdentifier: 'Kein Telefon hat diese Kennung.',
    err_deviceInUse: 'Ein anderer Agent verwendet dieses Telefon.',
    err_deviceNotAllowed: 'Dieses Telefon gehört einem anderen Benutzer.',
    err_noDevice: 'Es ist kein Telefon gekoppelt.',
    err_agentUnavailable: 'Dieser Agent kann den Anruf jetzt nicht annehmen.',
    err_transferInProgress: 'Eine Vermittlung läuft bereits.',
    err_noTransfer: 'Es gibt keinen Rückfrageanruf, mit dem die Vermittlung abgeschlossen werden kann.',
    err_unknownReason: 'Dieser Grund ist nicht erlaubt.',
    err_unknownQueue: 'Diese Warteschlange gibt es nicht.',
    err_notQueueMember: 'Sie sind nicht Mitglied dieser Warteschlange.',
    err_notOutgoingQueue: 'Anrufe können nur über eine ausgehende Warteschlange gewählt werden.',
    err_unknownCall: 'Diesen Anruf gibt es nicht.',
    err_tooManyRequests: 'Zu viele Anfragen gleichzeitig; bitte erneut versuchen.',
    err_upstreamUnavailable: 'Die Telefonanlage ist nicht erreichbar.',
    err_loginInProgress: 'Eine Anmeldung läuft bereits.',
    err_invalidParams: 'Ungültiger Wert: {param}.',
    err_notSignedIn: 'Sie sind nicht angemeldet.',
    err_restricted: 'Dieses Fenster wurde über einen Anruf-Link geöffnet und kann nur dessen Nummer anrufen.',
    webPhoneFailed: 'Das Web-Telefon konnte sich nicht registrieren: {reason}',
    webPhoneNotLoaded: 'Das Web-Telefon konnte nicht geladen werden: {reason}',
    webPhone_loading: 'Web-Telefon: startet…',
    webPhone_connecting: 'Web-Telefon: verbindet…',
    webPhone_registered: 'Web-Telefon: bereit',
    webPhone_failed: 'Web-Telefon: nicht registriert',
    webPhone_elsewhere: 'Web-Telefon: in Ihrem anderen Tab',
    webPhone_off: 'Web-Telefon: aus',
    err_webPhoneOffline: 'Das Web-Telefon ist nicht verbunden.',
    err_webPhoneElsewhere: 'Ihr Web-Telefon ist in einem anderen Tab, der nicht geantwortet hat.',
    err_notSupported: 'Das kann das Web-Telefon nicht.'
  };

  // ---- public/src/operator/language.js
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

  // ---- public/src/operator/model.js
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

  // ---- public/src/operator/liveness.js
  // Liveness: is a WebSocket still there? (docs/operator.md §5.1)

  /**
   * Watches one WebSocket from the browser's side, which cannot see WebSocket pings: the
   * connection is alive while messages arrive. After `idleMs` without one, `probe()` is called
   * (it sends something the server answers at once); if nothing at all has arrived `timeoutMs`
   * later, or the opening handshake has not completed `connectMs` after `opening()`,
   * `dead(reason)` is called, once ('silent' or 'connect'). Knows nothing of the agent protocol:
   * the web phone's connection can use it with its own probe (a SIP OPTIONS, a CRLF keep-alive).
   *
   * The owner calls `opening()` when it creates the socket, `opened()` on `open`, `received()` on
   * every message (cheap: a timestamp) and `stop()` once it is done with the socket. One timer,
   * set again only when it fires; a timer that fires late (a background tab, a sleeping laptop)
   * only delays the verdict: a reply that came meanwhile counts.
   */
  function createLiveness(o) {
    var timer = null;
    var phase = 'idle';   // idle | opening | open
    var lastIn = 0;
    var probing = false;
    var heard = false;
    function arm(ms) {
      clearTimeout(timer);
      timer = setTimeout(check, Math.max(0, ms));
    }
    function stop() {
      phase = 'idle';
      clearTimeout(timer);
      timer = null;
    }
    function check() {
      timer = null;
      if (phase === 'opening') { stop(); o.dead('connect'); return; }
      if (phase !== 'open') return;
      if (probing && !heard) { stop(); o.dead('silent'); return; }
      probing = false;
      var quiet = now() - lastIn;
      if (quiet < o.idleMs) { arm(o.idleMs - quiet); return; }
      probing = true;
      heard = false;
      arm(o.timeoutMs);
      o.probe();
    }
    return {
      opening: function () { phase = 'opening'; probing = false; arm(o.connectMs); },
      opened: function () { phase = 'open'; probing = false; lastIn = now(); arm(o.idleMs); },
      received: function () { lastIn = now(); heard = true; },
      stop: stop
    };
  }

  // ---- public/src/operator/channels.js
  // Channel addresses: docs/compatibility.md §1.2.1 `api` → the WebSocket URL of a channel (docs/operator.md §2.1).

  /** The ws(s):// URL of a channel: `ws`, `recording`, `report`, `email`, `template` or any other. */
  function channelURL(name) {
    name = String(name || 'ws');
    var api = (op.api && typeof op.api === 'object') ? op.api : {};
    var ch = (api[name] && typeof api[name] === 'object') ? api[name] : {};
    var loc = w.location || {};
    var pick = function (key) {
      if (ch[key] !== undefined && ch[key] !== null && ch[key] !== '') return ch[key];
      if (api[key] !== undefined && api[key] !== null && api[key] !== '') return api[key];
      return undefined;
    };
    var hostname = pick('hostname');
    var port = pick('port');
    if (hostname === undefined) {
      hostname = loc.hostname || 'localhost';
      if (port === undefined) port = loc.port || '';
    }
    var secure = typeof ch.secure === 'boolean' ? ch.secure
      : typeof api.secure === 'boolean' ? api.secure
      : loc.protocol === 'https:';
    var path;
    if (typeof ch.path === 'string' && ch.path !== '') {
      path = ch.path.charAt(0) === '/' ? ch.path : '/' + ch.path;
    } else {
      var prefix = typeof api.path === 'string' ? api.path.replace(/\/+$/, '') : '';
      if (prefix && prefix.charAt(0) !== '/') prefix = '/' + prefix;
      path = prefix + '/' + name;
    }
    hostname = String(hostname);
    if (hostname.indexOf(':') >= 0 && hostname.charAt(0) !== '[') hostname = '[' + hostname + ']';
    port = port === undefined || port === null ? '' : String(port);
    if ((secure && port === '443') || (!secure && port === '80')) port = '';
    return (secure ? 'wss' : 'ws') + '://' + hostname + (port ? ':' + port : '') + path;
  }

  // ---- public/src/operator/connection.js
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

  // ---- public/src/operator/events.js
  // Events from the gateway: per-user events (with `seq`, acknowledged when ringing) and
  // session events (agent-protocol.md §5), applied to the model and passed to the page's callbacks.

  var CALL_EVENTS = {
    callNew: 'onCallNew', callRinging: 'onCallRinging', callConnect: 'onCallConnect',
    callHold: 'onCallHold', callResume: 'onCallResume', callHangup: 'onCallHangup',
    callMute: 'onCallMute', callUnmute: 'onCallUnmute'
  };

  function onEvent(name, data, seq, epoch) {
    if (typeof seq === 'number') {
      if (typeof epoch === 'string' && epoch !== S.epoch) {
        // The stream started over (a shared engine lost it): its numbers count afresh.
        if (S.epoch !== null) S.lastSeq = Math.min(S.lastSeq, seq - 1);
        S.epoch = epoch;
      }
      if (seq <= S.lastSeq) {
        // Already processed; a repeated callRinging means our ack did not arrive in time.
        if (name === 'callRinging') sendAck(seq);
        return;
      }
      onUserEvent(name, data);
      S.lastSeq = seq;
      saveSession();
      if (name === 'callRinging') sendAck(seq);
      if (S.replaying && S.lastSeq >= S.replayUntil) finishReplay();
      return;
    }
    onSessionEvent(name, data);
  }

  function sendAck(seq) {
    if (S.status !== 'READY' || S.phase !== 'live') return;
    rawRequest('ack', { seq: seq }).catch(function (e) { debug('ack ' + seq + ' failed: ' + e.code); });
  }

  function onUserEvent(name, data) {
    if (CALL_EVENTS[name]) {
      if (data.call && typeof data.call === 'object') onCallEvent(name, data.call);
      return;
    }
    switch (name) {
      case 'stateChange':
        S.agentStatus = data.status;
        S.reason = data.reason == null ? null : data.reason;
        syncCurrent();
        render();
        fire('onStateChange', { status: data.status, reason: S.reason });
        if (data.status === 'AUX' && data.reason === 'unreachable' && !S.replaying) {
          localNotify(t('unreachableWarn'), 'warning', { unique: true, timeout: 20000 });
        }
        break;
      case 'agentSuspend':
      case 'agentResume':
        setSuspended(data.queueId, name === 'agentSuspend');
        render();
        fire(name === 'agentSuspend' ? 'onAgentSuspend' : 'onAgentResume', data.queueId);
        break;
      case 'waitingCallersChange':
        var before = S.waitingCallers;
        S.waitingCallers = data.waitingCallers | 0;
        syncCurrent();
        render();
        fire('onWaitingCallersChange', S.waitingCallers);
        if (S.waitingCallers > before) maybeNotifyWaiting();
        break;
      case 'message':
        var m = data.message || {};
        fire('onMessage', m);
        if (!consumeEcho(m.message, m.type)) {
          localNotify(m.message, m.type, { group: m.group, timeout: 12000 });
        }
        break;
      default:
        debug('ignored event ' + name);
    }
  }

  function setSuspended(queueId, suspended) {
    var users = [S.user, S.current && S.current.user];
    for (var i = 0; i < users.length; i++) {
      var u = users[i];
      if (u && u.queues && u.queues[String(queueId)]) u.queues[String(queueId)].suspended = suspended;
    }
  }

  /** A call event of the gateway: the model, the ringing, the view, the callback. For a web phone
   *  call the Call object carries the phone's mute (webphone.js withPhoneMute). */
  function onCallEvent(name, call) {
    call = withPhoneMute(call);
    var ended = mergeCall(call, name === 'callHangup');
    fire(CALL_EVENTS[name], call);
    if (ended) {
      delete Phone.muted[call.uniqueid];
      afterHangup(call);
    }
  }

  /** Takes `call` into the active calls (or out, when it ended) without a callback; true if it ended. */
  function mergeCall(call, hangup) {
    var idx = -1;
    for (var i = 0; i < S.calls.length; i++) if (S.calls[i].uniqueid === call.uniqueid) idx = i;
    var ended = !!hangup || call.state === 4;
    if (ended) {
      if (idx >= 0) S.calls.splice(idx, 1);
    } else if (idx >= 0) {
      S.calls[idx] = call;
    } else {
      S.calls.push(call);
    }
    setClockOffset(call);
    syncCurrent();
    updateRinging();
    render();
    return ended;
  }

  function afterHangup(call) {
    if (S.replaying) return;
    if (typeof call.cause === 'number' && call.cause >= 0) {
      localNotify(t('callEnded', { cause: causeText(call.cause, call) }), 'info', { unique: true, group: 'call', timeout: 6000 });
    }
    if (cfg('autoOpenAccountCode') && call.connected && S.status === 'READY' && callReasonList().length) {
      openAccountCode(call);
    }
    Report.refreshSoon();
  }

  function onSessionEvent(name, data) {
    switch (name) {
      case 'connect':
        S.everConnected = true;
        if (data.protocol !== PROTOCOL_VERSION) {
          stopped = true;
          var text = t('protocolMismatch', { protocol: String(data.protocol) });
          fire('onError', text);
          localNotify(text, 'error', {});
          if (ws) ws.close(1000, 'unsupported protocol');
          S.connection = 'stopped';
          render();
          return;
        }
        S.serverVersion = data.version == null ? null : String(data.version);
        S.connection = 'open';
        connFresh = true;
        if (outage) {
          outage = false;
          fire('onInfo', t('restored'));
          localNotify(t('restored'), 'success', { unique: true, group: 'connection', timeout: 4000 });
        }
        fire('onConnect', S.serverVersion);
        break;
      case 'credentials':
        onCredentialsEvent();
        break;
      case 'loginError':
        onLoginError(data.code | 0, data.message);
        break;
      case 'user':
        S.user = data.user || null;
        if (S.current && S.user) S.current.user = S.user;
        adoptUserLocale(S.user);
        render();
        fire('onUser', S.user);
        break;
      case 'identify':
        setStatus('IDENTIFY');
        S.identificators = Array.isArray(data.identificators) ? data.identificators : [];
        S.device = null;
        S.identifyRound++;
        S.selectedHere = false;
        S.pairing = false;
        S.provisioning = false;
        S.calls = [];
        Ring.stopCall();
        render();
        fire('onIdentify', S.identificators);
        armPrimaryWait();
        maybeAutoPick();
        break;
      case 'identifier':
        S.ipIdentifier = data.identificator == null ? null : String(data.identificator);
        fire('onIdentifier', S.ipIdentifier);
        maybeAutoPick();
        break;
      case 'device':
        setStatus('DEVICE');
        S.device = data.device || null;
        S.deviceRound++;
        S.pairing = false;
        S.pairError = null;
        render();
        fire('onDevice', S.device);
        armPrimaryWait();
        maybeAutoProvision();
        break;
      case 'ready':
        applyState(data.state, true);
        S.freshPage = false;
        S.autoPick = false;
        S.provisioning = false;
        setStatus('READY');
        updateRinging();
        render();
        fire('onReady', S.current);
        break;
      case 'error':
      case 'warning':
      case 'info':
        fire('on' + name.charAt(0).toUpperCase() + name.slice(1), data.message);
        localNotify(data.message, name, { timeout: name === 'info' ? 8000 : 15000 });
        break;
      case 'primary':
        S.primary = !!data.primary;
        S.tabs = data.tabs | 0;
        updateRinging();
        Phone.sync();
        render();
        maybeAutoPick();
        maybeAutoProvision();
        break;
      default:
        debug('ignored event ' + name);
    }
  }

  // ---- public/src/operator/session.js
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

  // ---- public/src/operator/pairing.js
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

  // ---- public/src/operator/webphone.js
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

  // ---- public/src/operator/tabs.js
  // The agent's other tabs in this browser (docs/operator.md §14.2), over a BroadcastChannel of the
  // page's origin and the user: the others ask the tab that holds the web phone to answer, hang up,
  // … when their page or agent does, and it tells them the microphone's mute (which the gateway
  // cannot see; the calls themselves reach every tab from the gateway on /ws). Browsers without
  // BroadcastChannel (and other browsers) reach the phone in no other tab.

  var TAB_REQUEST_TIMEOUT_MS = 5000;

  var Tabs = {
    channel: null,
    user: null,
    pending: {},
    nextId: 0,

    /** Opens the channel of `user` (null: closes it). */
    sync: function (user) {
      if (user === Tabs.user) return;
      Tabs.close();
      if (!user || typeof w.BroadcastChannel !== 'function') return;
      try {
        Tabs.channel = new w.BroadcastChannel('ucsOperator:' + user);
      } catch (e) {
        return;
      }
      Tabs.user = user;
      Tabs.channel.onmessage = function (ev) { Tabs.receive(ev.data); };
      Tabs.post({ type: 'hello' }); // the holder answers with the mute of its calls
    },

    close: function () {
      if (Tabs.channel) { try { Tabs.channel.close(); } catch (e) { /* closed */ } }
      Tabs.channel = null;
      Tabs.user = null;
      var ids = Object.keys(Tabs.pending);
      for (var i = 0; i < ids.length; i++) Tabs.settle(ids[i], errorWith('webPhoneElsewhere', 'The tab with the web phone is gone.'));
    },

    post: function (message) {
      if (!Tabs.channel) return false;
      try { Tabs.channel.postMessage(message); } catch (e) { return false; }
      return true;
    },

    /** Asks the tab that holds the phone to run `name(args)`: a promise of its answer. */
    invoke: function (name, args) {
      return new Promise(function (resolve, reject) {
        var id = String(++Tabs.nextId) + '-' + tabId();
        var entry = { resolve: resolve, reject: reject };
        entry.timer = setTimeout(function () {
          Tabs.settle(id, errorWith('webPhoneElsewhere', 'Your web phone is in another tab, which did not answer.'));
        }, TAB_REQUEST_TIMEOUT_MS);
        Tabs.pending[id] = entry;
        if (!Tabs.post({ type: 'invoke', id: id, method: name, args: args })) {
          Tabs.settle(id, errorWith('webPhoneElsewhere', 'Your web phone is in another tab.'));
        }
      });
    },

    settle: function (id, error, result) {
      var entry = Tabs.pending[id];
      if (!entry) return;
      delete Tabs.pending[id];
      clearTimeout(entry.timer);
      if (error) entry.reject(error);
      else entry.resolve(result);
    },

    receive: function (m) {
      if (!m || typeof m !== 'object') return;
      switch (m.type) {
        case 'hello':
          // A tab opened during a call: the mute of the calls as it is now, without callbacks.
          if (!Phone.holds()) return;
          for (var id in Phone.muted) {
            if (hasOwn(Phone.muted, id)) Tabs.post({ type: 'mute', uniqueid: id, muted: Phone.muted[id], quiet: true });
          }
          break;
        case 'mute':
          if (Phone.holds() || typeof m.uniqueid !== 'string') return;
          Phone.mute(m.uniqueid, !!m.muted, !!m.quiet);
          break;
        case 'invoke':
          if (!Phone.holds() || typeof m.id !== 'string') return;
          Phone.run(String(m.method), Array.isArray(m.args) ? m.args : []).then(function (result) {
            Tabs.post({ type: 'result', id: m.id, result: result });
          }, function (e) {
            Tabs.post({ type: 'result', id: m.id, error: { code: e.code, text: e.text, param: e.param } });
          });
          break;
        case 'result':
          if (!Tabs.pending[m.id]) return;
          Tabs.settle(m.id, m.error ? errorWith(m.error.code || 'error', m.error.text, { param: m.error.param }) : null, m.result || {});
          break;
      }
    }
  };

  // ---- public/src/operator/methods.js
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

  // ---- public/src/operator/notifications.js
  // In-bar notifications (docs/compatibility.md §1.4 notify; errors, warnings and messages; docs/operator.md §6.3).

  var notes = [];
  var noteSeq = 0;
  var echoes = [];

  function localNotify(text, type, o) {
    o = o || {};
    if (text == null || text === '') return null;
    text = String(text);
    type = ['error', 'warning', 'success', 'info'].indexOf(type) >= 0 ? type : 'info';
    var group = o.group == null ? null : String(o.group);
    if (o.unique) {
      notes = notes.filter(function (n) {
        var same = n.text === text && (group === null || n.group === group);
        if (same) clearTimeout(n.timer);
        return !same;
      });
    }
    var n = { id: ++noteSeq, text: text, type: type, group: group, boundState: o.boundState || null };
    if (o.timeout) n.timer = setTimeout(function () { removeNote(n.id); }, o.timeout);
    notes.push(n);
    while (notes.length > 12) { var old = notes.shift(); clearTimeout(old.timer); }
    renderNotes();
    return n;
  }

  function removeNote(id) {
    notes = notes.filter(function (n) {
      if (n.id === id) { clearTimeout(n.timer); return false; }
      return true;
    });
    renderNotes();
  }

  function dropBoundNotes() {
    notes = notes.filter(function (n) {
      if (n.boundState && n.boundState !== S.status) { clearTimeout(n.timer); return false; }
      return true;
    });
  }

  function visibleNotes() {
    return notes.filter(function (n) { return !n.boundState || n.boundState === S.status; });
  }

  /** notify() shows its text at once; the gateway's `message` echo of it must not show it twice. */
  function rememberEcho(text, type) {
    echoes.push({ text: text, type: type, at: now() });
  }
  function consumeEcho(text, type) {
    var cutoff = now() - 15000;
    echoes = echoes.filter(function (e) { return e.at > cutoff; });
    for (var i = 0; i < echoes.length; i++) {
      if (echoes[i].text === text && (echoes[i].type === type || !type)) {
        echoes.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  function maybeNotifyWaiting() {
    if (!cfg('notifyWaitingCallers') || S.replaying) return;
    if (S.agentStatus !== 'ACW' && S.agentStatus !== 'AUX') return;
    if (S.primary === false) return; // one system notification per user, from the primary tab
    var title = t('waitingTitle');
    var body = t('waitingBody', { n: S.waitingCallers });
    var shown = false;
    try {
      if ('Notification' in w && w.Notification.permission === 'granted') {
        var n = new w.Notification(title, { body: body, tag: 'ucs-waiting-callers' });
        n.onclick = function () { try { w.focus(); n.close(); } catch (e) { /* ignore */ } };
        shown = true;
      }
    } catch (e) { shown = false; }
    if (!shown) localNotify(body, 'info', { unique: true, group: 'waiting', timeout: 15000 });
  }

  // ---- public/src/operator/ringing.js
  // The ringing sound: WebAudio tone patterns, no audio files (docs/operator.md §6.2).

  var NOTE = {
    G4: 392.0, A4: 440.0, B4: 493.88, C5: 523.25, Cs5: 554.37, D5: 587.33, E5: 659.25,
    F5: 698.46, G5: 783.99, A5: 880.0, B5: 987.77, C6: 1046.5, E6: 1318.51
  };
  /** Each melody: [frequencies (a chord), milliseconds] steps (0 = rest), then a pause; looped. */
  var MELODIES = {
    'default': { wave: 'sine', gain: 0.16, pause: 2000,
      steps: [[[400, 450], 400], [0, 200], [[400, 450], 400]] },
    christmas: { wave: 'triangle', gain: 0.22, pause: 1400,
      steps: [[NOTE.E5, 180], [NOTE.E5, 180], [NOTE.E5, 360], [0, 60], [NOTE.E5, 180], [NOTE.E5, 180], [NOTE.E5, 360], [0, 60],
        [NOTE.E5, 180], [NOTE.G5, 180], [NOTE.C5, 270], [NOTE.D5, 90], [NOTE.E5, 540]] },
    lovingYou: { wave: 'sine', gain: 0.2, pause: 1500,
      steps: [[NOTE.A4, 240], [NOTE.Cs5, 240], [NOTE.E5, 240], [NOTE.A5, 480], [NOTE.E5, 240], [NOTE.Cs5, 240], [NOTE.E5, 600]] },
    quest: { wave: 'triangle', gain: 0.22, pause: 1300,
      steps: [[NOTE.G4, 140], [NOTE.C5, 140], [NOTE.E5, 140], [NOTE.G5, 420], [0, 80], [NOTE.E5, 140], [NOTE.G5, 560]] },
    rush: { wave: 'square', gain: 0.07, pause: 500,
      steps: [[NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70], [NOTE.B5, 70], [NOTE.E6, 70]] }
  };

  var Ring = {
    ctx: null,
    timer: null,
    autoStop: null,
    voices: [],
    playing: null,  // the sound playing, or null
    mode: null,     // 'call' | 'test'

    unlock: function () {
      try {
        if (!Ring.ctx) {
          var AC = w.AudioContext || w.webkitAudioContext;
          if (!AC) return;
          Ring.ctx = new AC();
        }
        if (Ring.ctx.state === 'suspended') Ring.ctx.resume().catch(function () { /* needs a gesture */ });
      } catch (e) { /* no audio */ }
    },

    start: function (sound, mode) {
      Ring.stop();
      var melody = MELODIES[sound] || MELODIES['default'];
      Ring.playing = MELODIES[sound] ? sound : 'default';
      Ring.mode = mode;
      Ring.unlock();
      var cycle = function () {
        var ms = Ring.schedule(melody);
        Ring.timer = setTimeout(cycle, ms + melody.pause);
      };
      cycle();
      if (mode === 'test') {
        Ring.autoStop = setTimeout(function () {
          if (Ring.mode === 'test') { Ring.stop(); updateRinging(); render(); }
        }, 15000);
      }
      setRingAttr();
    },

    /** Schedules one pass of the melody; returns its length in ms. */
    schedule: function (melody) {
      var ctx = Ring.ctx;
      var total = 0;
      for (var i = 0; i < melody.steps.length; i++) total += melody.steps[i][1];
      if (!ctx) return total;
      var t0 = ctx.currentTime + 0.03;
      var at = 0;
      melody.steps.forEach(function (step) {
        var freqs = step[0], dur = step[1] / 1000;
        if (freqs) {
          (Array.isArray(freqs) ? freqs : [freqs]).forEach(function (f) {
            try {
              var osc = ctx.createOscillator();
              var g = ctx.createGain();
              osc.type = melody.wave;
              osc.frequency.value = f;
              var start = t0 + at, end = start + dur;
              g.gain.setValueAtTime(0, start);
              g.gain.linearRampToValueAtTime(melody.gain, start + 0.012);
              g.gain.setValueAtTime(melody.gain, Math.max(start + 0.012, end - 0.04));
              g.gain.linearRampToValueAtTime(0, end);
              osc.connect(g);
              g.connect(ctx.destination);
              osc.start(start);
              osc.stop(end + 0.02);
              var voice = { osc: osc, gain: g };
              Ring.voices.push(voice);
              osc.onended = function () {
                try { g.disconnect(); } catch (e) { /* ignore */ }
                var k = Ring.voices.indexOf(voice);
                if (k >= 0) Ring.voices.splice(k, 1);
              };
            } catch (e) { /* ignore one voice */ }
          });
        }
        at += dur;
      });
      return total;
    },

    stop: function () {
      clearTimeout(Ring.timer);
      clearTimeout(Ring.autoStop);
      Ring.timer = null;
      Ring.voices.splice(0).forEach(function (v) {
        try { v.osc.stop(); } catch (e) { /* already stopped */ }
        try { v.gain.disconnect(); } catch (e) { /* ignore */ }
      });
      Ring.playing = null;
      Ring.mode = null;
      setRingAttr();
    },

    stopCall: function () {
      if (Ring.mode === 'call') Ring.stop();
    }
  };

  /** Rings (primary tab only) while an incoming call rings on the agent's phone: as the gateway
   *  says, or the web phone held in this tab (webphone.js), whichever tells first. */
  function updateRinging() {
    var ringing = false;
    for (var i = 0; i < S.calls.length; i++) {
      var c = S.calls[i];
      if (c.direction === 'INCOMING' && c.state === 2) ringing = true;
    }
    var should = (ringing && drivingTab() && S.phase === 'live' && !S.replaying || Phone.ringing()) && S.status === 'READY';
    if (should && Ring.mode !== 'call' && Ring.mode !== 'test') Ring.start(S.ringingSound, 'call');
    else if (!should && Ring.mode === 'call') Ring.stop();
    setRingAttr();
  }

  // ---- public/src/operator/history.js
  // Call history over the `report` channel (docs/operator.md §7).

  var Report = {
    ws: null,
    state: 'idle',    // idle | connecting | loading | ok | error
    error: null,
    calls: [],
    total: 0,
    filter: '',
    direction: '',
    nextId: 0,
    latestId: 0,
    attempts: 0,
    retryTimer: null,
    retryAt: 0,
    debounceTimer: null,
    replyTimer: null,
    refreshTimer: null,
    refused: false,

    url: function () {
      var base = channelURL('report');
      var token = S.session && S.session.token;
      return base + (base.indexOf('?') >= 0 ? '&' : '?') + 'access_token=' + encodeURIComponent(token);
    },

    open: function () {
      if (Report.ws || Report.retryTimer) return;
      if (!S.session || !S.session.token) {
        Report.state = 'error';
        Report.error = t('historyNoSession');
        renderHistory();
        return;
      }
      var sock;
      try {
        sock = new WebSocket(Report.url());
      } catch (e) {
        Report.state = 'error';
        Report.error = t('historyUnreachable');
        renderHistory();
        return;
      }
      debug('report: connecting to ' + redact(Report.url()));
      Report.ws = sock;
      Report.refused = false;
      Report.state = 'connecting';
      var openedAt = 0;
      sock.onopen = function () {
        if (Report.ws !== sock) return;
        openedAt = now();
        Report.query(true);
      };
      sock.onmessage = function (ev) {
        if (Report.ws !== sock) return;
        Report.onMessage(ev.data);
      };
      sock.onclose = function (ev) {
        if (Report.ws !== sock) return;
        Report.ws = null;
        clearTimeout(Report.replyTimer);
        if (openedAt && now() - openedAt > STABLE_AFTER_MS) Report.attempts = 0;
        debug('report: closed ' + ev.code);
        if (ev.code === 4001 || ev.code === 4003) {
          Report.refused = true;
          Report.state = 'error';
          Report.error = t('historyRefused');
          renderHistory();
          return;
        }
        Report.state = 'error';
        Report.error = t('historyUnreachable');
        if (openPanelName === 'history') Report.scheduleRetry();
        renderHistory();
      };
      renderHistory();
    },

    scheduleRetry: function () {
      clearTimeout(Report.retryTimer);
      var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Report.attempts));
      Report.attempts++;
      var delay = Math.max(400, Math.floor(Math.random() * ceiling));
      Report.retryAt = now() + delay;
      Report.retryTimer = setTimeout(function () {
        Report.retryTimer = null;
        if (openPanelName === 'history') Report.open();
      }, delay);
    },

    retryNow: function () {
      clearTimeout(Report.retryTimer);
      Report.retryTimer = null;
      Report.attempts = 0;
      if (Report.ws) Report.query(true);
      else Report.open();
    },

    close: function () {
      clearTimeout(Report.retryTimer);
      clearTimeout(Report.debounceTimer);
      clearTimeout(Report.replyTimer);
      Report.retryTimer = null;
      Report.calls = [];
      Report.total = 0;
      Report.state = 'idle';
      if (Report.ws) {
        var sock = Report.ws;
        Report.ws = null;
        try { sock.close(1000); } catch (e) { /* ignore */ }
      }
    },

    /** Sends the history query now, or 500 ms after the last change with debounceRequests. */
    query: function (immediate) {
      clearTimeout(Report.debounceTimer);
      if (!immediate && cfg('debounceRequests')) {
        Report.debounceTimer = setTimeout(function () { Report.query(true); }, HISTORY_DEBOUNCE_MS);
        return;
      }
      if (!Report.ws || Report.ws.readyState !== 1) {
        if (!Report.ws && !Report.retryTimer) Report.open();
        return;
      }
      var id = ++Report.nextId;
      Report.latestId = id;
      var msg = { id: id, method: 'callHistory', params: {
        filter: Report.filter ? Report.filter : null,
        direction: Report.direction ? Report.direction : null,
        limit: 50
      } };
      try { Report.ws.send(JSON.stringify(msg)); } catch (e) { return; }
      debug('report → ' + JSON.stringify(msg));
      Report.state = 'loading';
      clearTimeout(Report.replyTimer);
      Report.replyTimer = setTimeout(function () {
        if (Report.latestId === id && Report.state === 'loading') {
          Report.state = 'error';
          Report.error = t('historyTimeout');
          renderHistory();
        }
      }, 15000);
      renderHistory();
    },

    onMessage: function (data) {
      var msg;
      try { msg = JSON.parse(data); } catch (e) { return; }
      if (!msg || typeof msg !== 'object' || !hasOwn(msg, 'id')) return; // events: ignored
      debug('report ← ' + String(data).slice(0, 300));
      if (msg.id !== Report.latestId) return; // a stale answer to an older query
      clearTimeout(Report.replyTimer);
      if (msg.error) {
        Report.state = 'error';
        Report.error = errorText(errorWith(msg.error.code || 'error', msg.error.text, { param: msg.error.param }));
      } else {
        var r = msg.result || {};
        Report.calls = Array.isArray(r.calls) ? r.calls : [];
        Report.total = typeof r.total === 'number' ? r.total : Report.calls.length;
        Report.state = 'ok';
        Report.error = null;
        Report.attempts = 0;
      }
      renderHistory();
    },

    refreshSoon: function () {
      if (openPanelName !== 'history') return;
      clearTimeout(Report.refreshTimer);
      Report.refreshTimer = setTimeout(function () { Report.query(true); }, 400);
    }
  };

  // ---- public/src/operator/display.js
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

  // ---- public/src/operator/styles.js
  // The bar's style sheet, injected once; every rule is scoped under .ucs-root (docs/operator.md §8).
  // One concept (the style sheet) in one file; its length is the CSS's.

  var CHEVRON_WHITE = "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='12' viewBox='0 0 12 12'%3E%3Cpath d='M2.5 4.5 6 8l3.5-3.5' fill='none' stroke='%23fff' stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E\")";
  var CHEVRON_GREY = "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='12' viewBox='0 0 12 12'%3E%3Cpath d='M2.5 4.5 6 8l3.5-3.5' fill='none' stroke='%236b7280' stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E\")";

  var CSS = [
    '.ucs-root{--ucs-bg:#fff;--ucs-fg:#111827;--ucs-muted:#4b5563;--ucs-faint:#6b7280;--ucs-border:#e5e7eb;--ucs-border-strong:#d1d5db;',
    '--ucs-subtle:#f9fafb;--ucs-hover:#f3f4f6;--ucs-accent:#2563eb;--ucs-accent-strong:#1d4ed8;--ucs-ready:#15803d;--ucs-aux:#b45309;',
    '--ucs-acw:#1d4ed8;--ucs-offline:#4b5563;--ucs-danger:#c81e1e;--ucs-danger-strong:#a61b1b;--ucs-success:#15803d;--ucs-success-strong:#166534;',
    'position:relative;z-index:50;display:block;color:var(--ucs-fg);text-align:left;letter-spacing:normal;text-transform:none;',
    'font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;',
    '-webkit-font-smoothing:antialiased;-moz-osx-font-smoothing:grayscale}',
    '.ucs-root *,.ucs-root *::before,.ucs-root *::after{box-sizing:border-box}',
    '.ucs-root [hidden]{display:none!important}',
    '.ucs-root .ucs-app{background:var(--ucs-bg);border-bottom:1px solid var(--ucs-border);box-shadow:0 1px 3px rgba(16,24,40,.07)}',
    '.ucs-root .ucs-top{position:relative}',
    '.ucs-root .ucs-bar{display:flex;align-items:center;flex-wrap:wrap;gap:8px 12px;padding:8px 12px;min-height:56px}',
    // READY: every row has a fixed height (the call zone 44 px, whatever it shows), so the page never moves
    '.ucs-root .ucs-bar-ready{padding-top:6px;padding-bottom:6px}',
    // login, pairing, confirm: the form rows line up with the brand; an error line below does not move them
    '.ucs-root .ucs-bar-form{align-items:flex-start}',
    '.ucs-root .ucs-bar-form > .ucs-brand{min-height:36px;padding-right:14px;margin-right:2px;border-right:1px solid var(--ucs-border)}',
    '.ucs-root .ucs-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}',
    // brand
    '.ucs-root .ucs-brand{display:flex;align-items:center;gap:8px;font-weight:650;color:var(--ucs-fg);white-space:nowrap}',
    '.ucs-root .ucs-brand-mark{width:30px;height:30px;border-radius:9px;display:grid;place-items:center;background:var(--ucs-accent);color:#fff}',
    // icons
    '.ucs-root .ucs-icon{display:inline-flex;width:18px;height:18px;flex:none}',
    '.ucs-root .ucs-icon svg{width:100%;height:100%;display:block}',
    // buttons
    '.ucs-root .ucs-btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;height:36px;min-width:36px;padding:0 12px;margin:0;',
    'border:1px solid var(--ucs-border-strong);border-radius:8px;background:#fff;color:var(--ucs-fg);font:inherit;font-weight:600;font-size:13.5px;',
    'line-height:1;cursor:pointer;white-space:nowrap;text-decoration:none;transition:background-color .12s,border-color .12s,box-shadow .12s}',
    '.ucs-root .ucs-btn:hover{background:var(--ucs-hover)}',
    '.ucs-root .ucs-btn:focus-visible,.ucs-root .ucs-input:focus-visible,.ucs-root .ucs-select:focus-visible,.ucs-root .ucs-status:focus-visible,',
    '.ucs-root .ucs-switch:focus-visible,.ucs-root .ucs-link:focus-visible,.ucs-root .ucs-check input:focus-visible{outline:2px solid var(--ucs-accent);outline-offset:2px}',
    '.ucs-root .ucs-btn:disabled,.ucs-root .ucs-btn[aria-disabled=true]{opacity:.55;cursor:not-allowed}',
    '.ucs-root .ucs-btn-icon{padding:0;width:36px}',
    '.ucs-root .ucs-btn-primary{background:var(--ucs-accent);border-color:var(--ucs-accent);color:#fff}',
    '.ucs-root .ucs-btn-primary:hover{background:var(--ucs-accent-strong);border-color:var(--ucs-accent-strong)}',
    '.ucs-root .ucs-btn-success{background:var(--ucs-success);border-color:var(--ucs-success);color:#fff}',
    '.ucs-root .ucs-btn-success:hover{background:var(--ucs-success-strong);border-color:var(--ucs-success-strong)}',
    '.ucs-root .ucs-btn-danger{background:var(--ucs-danger);border-color:var(--ucs-danger);color:#fff}',
    '.ucs-root .ucs-btn-danger:hover{background:var(--ucs-danger-strong);border-color:var(--ucs-danger-strong)}',
    '.ucs-root .ucs-btn-ghost{border-color:transparent;background:transparent;color:var(--ucs-muted)}',
    '.ucs-root .ucs-btn-ghost:hover{background:var(--ucs-hover);color:var(--ucs-fg)}',
    '.ucs-root .ucs-btn[aria-pressed=true]{background:#fef3c7;border-color:#f59e0b;color:#78350f}',
    '.ucs-root .ucs-btn[aria-expanded=true]{background:var(--ucs-hover);border-color:var(--ucs-border-strong)}',
    '.ucs-root .ucs-badge{display:inline-flex;align-items:center;justify-content:center;min-width:18px;height:18px;padding:0 5px;border-radius:999px;',
    'background:var(--ucs-danger);color:#fff;font-size:11px;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}',
    '.ucs-root .ucs-btn{position:relative}',
    '.ucs-root .ucs-btn .ucs-badge{margin-left:2px}',
    '.ucs-root .ucs-badge-muted{background:#e5e7eb;color:var(--ucs-muted)}',
    // inputs
    '.ucs-root .ucs-input,.ucs-root .ucs-select{height:36px;margin:0;padding:0 10px;border:1px solid var(--ucs-border-strong);border-radius:8px;background:#fff;',
    'color:var(--ucs-fg);font:inherit;font-size:14px;min-width:0;box-shadow:none}',
    '.ucs-root .ucs-input::placeholder{color:#6b7280;opacity:1}',
    '.ucs-root .ucs-input:focus,.ucs-root .ucs-select:focus{border-color:var(--ucs-accent);box-shadow:0 0 0 3px rgba(37,99,235,.15);outline:none}',
    '.ucs-root .ucs-select{appearance:none;-webkit-appearance:none;padding-right:28px;background-image:' + CHEVRON_GREY + ';',
    'background-repeat:no-repeat;background-position:right 9px center;cursor:pointer}',
    '.ucs-root .ucs-check{display:inline-flex;align-items:center;gap:6px;color:var(--ucs-muted);font-size:13px;cursor:pointer;white-space:nowrap;user-select:none}',
    '.ucs-root .ucs-check input{width:16px;height:16px;margin:0;accent-color:var(--ucs-accent)}',
    '.ucs-root .ucs-link{border:0;background:none;padding:0;margin:0;font:inherit;color:var(--ucs-accent-strong);cursor:pointer;text-align:left;',
    'text-decoration:underline;text-underline-offset:2px;text-decoration-color:rgba(29,78,216,.35)}',
    '.ucs-root .ucs-link:hover{text-decoration-color:currentColor}',
    '.ucs-root .ucs-link:disabled{color:var(--ucs-fg);text-decoration:none;cursor:default}',
    // forms in the bar (login, pairing)
    '.ucs-root .ucs-form{display:flex;flex-direction:column;gap:4px;flex:1 1 420px;min-width:0}',
    '.ucs-root .ucs-form-holder{flex:1 1 420px;min-width:0}',
    '.ucs-root .ucs-form-row{display:flex;align-items:center;flex-wrap:wrap;gap:8px}',
    '.ucs-root .ucs-form-row .ucs-input{flex:1 1 150px;max-width:240px}',
    '.ucs-root .ucs-form-row .ucs-select{flex:1 1 200px;max-width:320px}',
    '.ucs-root .ucs-form-label{font-weight:500;color:var(--ucs-muted);white-space:nowrap}',
    '.ucs-root .ucs-form-msg{font-size:13px;color:var(--ucs-muted)}',
    '.ucs-root .ucs-form-msg[data-ucs-kind=error]{color:var(--ucs-danger)}',
    '.ucs-root .ucs-form-msg:empty{display:none}',
    '.ucs-root .ucs-form-notes{display:flex;flex-direction:column;gap:4px}',
    '.ucs-root .ucs-form-notes:empty{display:none}',
    '.ucs-root .ucs-aside{display:flex;align-items:center;gap:8px;margin-left:auto;color:var(--ucs-muted);font-size:13px;white-space:nowrap}',
    '.ucs-root .ucs-device-card{display:flex;align-items:center;gap:10px;padding:6px 12px;border:1px solid var(--ucs-border);border-radius:10px;background:var(--ucs-subtle)}',
    '.ucs-root .ucs-device-card strong{font-weight:650}',
    '.ucs-root .ucs-muted{color:var(--ucs-muted)}',
    '.ucs-root .ucs-spinner{width:18px;height:18px;border-radius:50%;border:2px solid #c7d2fe;border-top-color:var(--ucs-accent);animation:ucs-spin .8s linear infinite;flex:none}',
    '@keyframes ucs-spin{to{transform:rotate(360deg)}}',
    '.ucs-root .ucs-progress{display:flex;align-items:center;gap:10px;color:var(--ucs-muted)}',
    // identity
    '.ucs-root .ucs-identity{display:flex;align-items:center;gap:10px;min-width:0;max-width:260px}',
    '.ucs-root .ucs-avatar{position:relative;width:34px;height:34px;border-radius:50%;display:grid;place-items:center;flex:none;',
    'background:#e0e7ff;color:#3730a3;font-weight:700;font-size:13px;letter-spacing:.02em}',
    '.ucs-root .ucs-avatar::after{content:"";position:absolute;right:-1px;bottom:-1px;width:11px;height:11px;border-radius:50%;',
    'background:var(--ucs-offline);border:2px solid #fff}',
    '.ucs-root .ucs-avatar[data-ucs-status=READY]::after{background:#22c55e}',
    '.ucs-root .ucs-avatar[data-ucs-status=AUX]::after{background:#f59e0b}',
    '.ucs-root .ucs-avatar[data-ucs-status=ACW]::after{background:#3b82f6}',
    '.ucs-root .ucs-who{display:flex;flex-direction:column;min-width:0}',
    '.ucs-root .ucs-name{font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.ucs-root .ucs-sub{font-size:12px;color:var(--ucs-muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    // status
    '.ucs-root .ucs-status{appearance:none;-webkit-appearance:none;height:36px;max-width:230px;margin:0;padding:0 32px 0 14px;border:0;border-radius:999px;',
    'font:inherit;font-weight:650;font-size:13.5px;color:#fff;background-color:var(--ucs-offline);background-image:' + CHEVRON_WHITE + ';',
    'background-repeat:no-repeat;background-position:right 12px center;cursor:pointer;text-overflow:ellipsis;box-shadow:inset 0 -1px 0 rgba(0,0,0,.15)}',
    '.ucs-root .ucs-status[data-ucs-status=READY]{background-color:var(--ucs-ready)}',
    '.ucs-root .ucs-status[data-ucs-status=AUX]{background-color:var(--ucs-aux)}',
    '.ucs-root .ucs-status[data-ucs-status=ACW]{background-color:var(--ucs-acw)}',
    '.ucs-root .ucs-status option{color:#111827;background:#fff;font-weight:400}',
    // call zone
    '.ucs-root .ucs-callzone{display:flex;align-items:center;gap:8px;flex:1 1 360px;min-width:0;height:44px}',
    '.ucs-root .ucs-dial{display:flex;align-items:center;gap:6px;flex:1 1 auto;min-width:0;max-width:520px}',
    '.ucs-root .ucs-dial .ucs-input{flex:1 1 140px;font-variant-numeric:tabular-nums}',
    '.ucs-root .ucs-dial .ucs-select{flex:0 1 150px}',
    '.ucs-root .ucs-calls{display:flex;align-items:center;gap:6px;flex:1 1 auto;min-width:0;height:44px}',
    '.ucs-root .ucs-call{display:flex;align-items:center;flex-wrap:nowrap;gap:10px;height:44px;padding:3px 4px 3px 6px;border:1px solid var(--ucs-border);',
    'border-radius:12px;background:var(--ucs-subtle);min-width:0;flex:1 1 auto}',
    '.ucs-root .ucs-call .ucs-btn{height:34px}',
    '.ucs-root .ucs-call .ucs-btn-icon{width:34px}',
    '.ucs-root .ucs-call[data-ucs-call-state=connected]{background:#eff6ff;border-color:#bfdbfe}',
    '.ucs-root .ucs-call[data-ucs-call-state=hold]{background:#fffbeb;border-color:#fcd34d}',
    '.ucs-root .ucs-call[data-ucs-call-state=ringing][data-ucs-call-direction=incoming],',
    '.ucs-root .ucs-call[data-ucs-call-state=new][data-ucs-call-direction=incoming]{background:#ecfdf5;border-color:#6ee7b7}',
    '.ucs-root .ucs-call-avatar{width:32px;height:32px;border-radius:50%;display:grid;place-items:center;flex:none;background:#fff;',
    'border:1px solid var(--ucs-border);color:var(--ucs-muted)}',
    '.ucs-root .ucs-call[data-ucs-call-state=connected] .ucs-call-avatar{color:var(--ucs-accent-strong);border-color:#bfdbfe}',
    '.ucs-root .ucs-call[data-ucs-call-state=hold] .ucs-call-avatar{color:var(--ucs-aux);border-color:#fcd34d}',
    '.ucs-root .ucs-call[data-ucs-call-state=ringing][data-ucs-call-direction=incoming] .ucs-call-avatar{background:var(--ucs-success);',
    'border-color:var(--ucs-success);color:#fff;animation:ucs-pulse 1.4s ease-out infinite}',
    '@keyframes ucs-pulse{0%{box-shadow:0 0 0 0 rgba(22,163,74,.45)}80%,100%{box-shadow:0 0 0 10px rgba(22,163,74,0)}}',
    '.ucs-root .ucs-call-who{display:flex;flex-direction:column;min-width:0;flex:1 1 150px;line-height:1.2}',
    '.ucs-root .ucs-call-line{display:flex;align-items:baseline;gap:8px;min-width:0}',
    '.ucs-root .ucs-call-name{font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0}',
    '.ucs-root .ucs-call-timer{flex:none;font-size:12.5px;font-weight:600;color:var(--ucs-muted)}',
    '.ucs-root .ucs-call-meta{font-size:12px;color:var(--ucs-muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.ucs-root .ucs-duration{font-variant-numeric:tabular-nums}',
    '.ucs-root .ucs-call-state{font-weight:600;color:var(--ucs-fg)}',
    '.ucs-root .ucs-call-actions{display:flex;align-items:center;flex-wrap:nowrap;gap:6px;margin-left:auto;flex:none}',
    '.ucs-root .ucs-held{display:flex;align-items:center;gap:6px;flex:0 1 auto;min-width:0;max-width:220px;height:44px;font-size:12.5px;line-height:1.2;color:#78350f;',
    'padding:0 10px;border-radius:12px;background:#fffbeb;border:1px dashed #fcd34d;white-space:nowrap;overflow:hidden}',
    '.ucs-root .ucs-held strong{min-width:0;overflow:hidden;text-overflow:ellipsis}',
    // tools
    '.ucs-root .ucs-tools{display:flex;align-items:center;gap:4px;margin-left:auto}',
    '.ucs-root .ucs-waiting{display:inline-flex;align-items:center;gap:6px;height:28px;padding:0 10px;border-radius:999px;font-size:12.5px;',
    'font-weight:600;background:#f3f4f6;color:var(--ucs-muted);white-space:nowrap;font-variant-numeric:tabular-nums}',
    '.ucs-root .ucs-waiting[data-ucs-count]:not([data-ucs-count="0"]){background:#fee2e2;color:#991b1b}',
    // panels
    '.ucs-root .ucs-panel{position:absolute;top:calc(100% + 6px);right:12px;z-index:1000;width:340px;max-width:calc(100vw - 24px);',
    'background:#fff;border:1px solid var(--ucs-border);border-radius:12px;box-shadow:0 12px 32px rgba(16,24,40,.16),0 2px 6px rgba(16,24,40,.06);',
    'padding:12px;color:var(--ucs-fg)}',
    '.ucs-root .ucs-panel-left{right:auto;left:12px}',
    '.ucs-root .ucs-panel-wide{width:560px}',
    '.ucs-root .ucs-panel-head{display:flex;align-items:center;gap:8px;margin:0 0 10px}',
    '.ucs-root .ucs-panel-title{margin:0;font-size:15px;font-weight:650;flex:1;min-width:0}',
    '.ucs-root .ucs-panel-sub{margin:-6px 0 10px;font-size:13px;color:var(--ucs-muted)}',
    '.ucs-root .ucs-panel-row{display:flex;align-items:center;gap:8px;flex-wrap:wrap}',
    '.ucs-root .ucs-panel-row + .ucs-panel-row{margin-top:8px}',
    '.ucs-root .ucs-panel-row .ucs-input{flex:1 1 160px}',
    '.ucs-root .ucs-panel-section{padding:10px 0;border-top:1px solid var(--ucs-border)}',
    '.ucs-root .ucs-panel-section:first-of-type{border-top:0;padding-top:0}',
    '.ucs-root .ucs-panel-label{display:block;font-size:12px;font-weight:600;color:var(--ucs-muted);margin:0 0 6px;text-transform:uppercase;letter-spacing:.04em}',
    '.ucs-root .ucs-panel-foot{margin-top:10px;font-size:12px;color:var(--ucs-faint)}',
    '.ucs-root .ucs-menu-btn{width:100%;justify-content:flex-start}',
    '.ucs-root .ucs-list{list-style:none;margin:0;padding:0}',
    '.ucs-root .ucs-qrow{display:flex;align-items:center;gap:10px;padding:8px 2px;border-top:1px solid var(--ucs-border)}',
    '.ucs-root .ucs-qrow:first-child{border-top:0}',
    '.ucs-root .ucs-qname{flex:1;min-width:0;font-weight:600}',
    '.ucs-root .ucs-qtype{font-size:12px;color:var(--ucs-muted);font-weight:400}',
    '.ucs-root .ucs-switch{position:relative;width:40px;height:24px;border-radius:999px;border:0;padding:0;margin:0;background:#d1d5db;cursor:pointer;flex:none;transition:background-color .15s}',
    '.ucs-root .ucs-switch::after{content:"";position:absolute;top:3px;left:3px;width:18px;height:18px;border-radius:50%;background:#fff;',
    'box-shadow:0 1px 2px rgba(0,0,0,.25);transition:transform .15s}',
    '.ucs-root .ucs-switch[aria-checked=true]{background:var(--ucs-ready)}',
    '.ucs-root .ucs-switch[aria-checked=true]::after{transform:translateX(16px)}',
    '.ucs-root .ucs-qstate{font-size:12px;color:var(--ucs-muted);min-width:64px;text-align:right}',
    '.ucs-root .ucs-codes{display:flex;flex-wrap:wrap;gap:6px}',
    // history
    '.ucs-root .ucs-hstatus{font-size:12.5px;color:var(--ucs-muted);margin:8px 0 4px;display:flex;align-items:center;gap:8px;min-height:20px}',
    '.ucs-root .ucs-hstatus[data-ucs-history-state=error]{color:var(--ucs-danger)}',
    '.ucs-root .ucs-hlist{max-height:min(52vh,420px);overflow:auto;margin:0 -12px -12px;border-top:1px solid var(--ucs-border)}',
    '.ucs-root .ucs-hrow{display:grid;grid-template-columns:28px minmax(0,1fr) auto;align-items:center;gap:2px 10px;padding:8px 12px;border-top:1px solid var(--ucs-border)}',
    '.ucs-root .ucs-hrow:first-child{border-top:0}',
    '.ucs-root .ucs-hrow:hover{background:var(--ucs-subtle)}',
    '.ucs-root .ucs-hdir{width:28px;height:28px;border-radius:50%;display:grid;place-items:center;background:#eff6ff;color:var(--ucs-accent-strong)}',
    '.ucs-root .ucs-hdir[data-ucs-missed]{background:#fef2f2;color:var(--ucs-danger)}',
    '.ucs-root .ucs-hdir .ucs-icon{width:15px;height:15px}',
    '.ucs-root .ucs-hmain{min-width:0;display:flex;flex-direction:column}',
    '.ucs-root .ucs-hmain .ucs-link{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%;text-decoration:none}',
    '.ucs-root .ucs-hmain .ucs-link:not(:disabled):hover,.ucs-root .ucs-hmain .ucs-link:focus-visible{text-decoration:underline}',
    '.ucs-root .ucs-hnum{font-size:12px;color:var(--ucs-muted)}',
    '.ucs-root .ucs-hmeta{text-align:right;font-size:12px;color:var(--ucs-muted);white-space:nowrap;font-variant-numeric:tabular-nums}',
    '.ucs-root .ucs-hmeta strong{display:block;color:var(--ucs-fg);font-weight:500}',
    '.ucs-root .ucs-hempty{padding:18px 12px;text-align:center;color:var(--ucs-muted)}',
    // banner, bottom bar, notifications
    '.ucs-root .ucs-banner{display:flex;align-items:center;gap:10px;padding:6px 12px;background:#fffbeb;color:#78350f;border-bottom:1px solid #fcd34d;font-size:13px}',
    '.ucs-root .ucs-banner .ucs-btn{height:28px;font-size:12.5px;margin-left:auto}',
    '.ucs-root .ucs-bottom{display:flex;align-items:center;gap:12px;height:32px;padding:0 12px;overflow:hidden;border-top:1px solid var(--ucs-border);background:var(--ucs-subtle);font-size:12.5px}',
    '.ucs-root .ucs-notes{display:flex;align-items:center;gap:6px;flex-wrap:wrap;flex:1;min-width:0}',
    '.ucs-root .ucs-bottom .ucs-notes{flex-wrap:nowrap;overflow:hidden;height:32px}',
    '.ucs-root .ucs-bottom .ucs-note{flex:0 1 auto;min-width:0;height:26px;padding-top:0;padding-bottom:0;white-space:nowrap}',
    '.ucs-root .ucs-meta{display:flex;align-items:center;gap:10px;color:var(--ucs-muted);white-space:nowrap;margin-left:auto}',
    '.ucs-root .ucs-conn{display:inline-flex;align-items:center;gap:6px}',
    '.ucs-root .ucs-dot{width:8px;height:8px;border-radius:50%;background:#22c55e;display:inline-block}',
    '.ucs-root .ucs-dot[data-ucs-connection=reconnecting],.ucs-root .ucs-dot[data-ucs-connection=connecting]{background:#f59e0b}',
    '.ucs-root .ucs-dot[data-ucs-connection=stopped]{background:#ef4444}',
    '.ucs-root .ucs-note{display:inline-flex;align-items:center;gap:6px;max-width:100%;padding:3px 4px 3px 8px;border-radius:8px;font-size:12.5px;',
    'background:#eff6ff;color:#1e3a8a;border:1px solid #bfdbfe}',
    '.ucs-root .ucs-note[data-ucs-type=success]{background:#f0fdf4;color:#14532d;border-color:#bbf7d0}',
    '.ucs-root .ucs-note[data-ucs-type=warning]{background:#fffbeb;color:#78350f;border-color:#fde68a}',
    '.ucs-root .ucs-note[data-ucs-type=error]{background:#fef2f2;color:#7f1d1d;border-color:#fecaca}',
    '.ucs-root .ucs-note-text{min-width:0;overflow:hidden;text-overflow:ellipsis}',
    '.ucs-root .ucs-note .ucs-icon{width:15px;height:15px}',
    '.ucs-root .ucs-note-x{display:inline-grid;place-items:center;width:20px;height:20px;border:0;border-radius:5px;background:transparent;color:inherit;',
    'cursor:pointer;padding:0;margin:0;opacity:.75}',
    '.ucs-root .ucs-note-x:hover{opacity:1;background:rgba(0,0,0,.06)}',
    '.ucs-root .ucs-note-x .ucs-icon{width:13px;height:13px}',
    '.ucs-root .ucs-toasts{position:absolute;top:calc(100% + 6px);right:12px;z-index:999;display:flex;flex-direction:column;align-items:flex-end;gap:6px;max-width:calc(100vw - 24px)}',
    '.ucs-root .ucs-toasts .ucs-note{box-shadow:0 6px 18px rgba(16,24,40,.12)}',
    '.ucs-root .ucs-app[data-ucs-connection=reconnecting] .ucs-main > *,.ucs-root .ucs-app[data-ucs-connection=connecting] .ucs-main > *,',
    '.ucs-root .ucs-app[data-ucs-connection=stopped] .ucs-main > *{opacity:.55;pointer-events:none}',
    // narrow screens
    '@media (max-width:720px){',
    '.ucs-root .ucs-btn-label{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}',
    '.ucs-root .ucs-btn-keep .ucs-btn-label{position:static;width:auto;height:auto;margin:0;overflow:visible;clip:auto}',
    '.ucs-root .ucs-btn:not(.ucs-btn-keep){padding:0;width:36px}',
    '.ucs-root .ucs-btn:not(.ucs-btn-keep) .ucs-badge{position:absolute;top:-6px;right:-6px;margin:0;box-shadow:0 0 0 2px #fff}',
    '.ucs-root .ucs-callzone{flex-basis:100%;order:10}',
    '.ucs-root .ucs-identity{max-width:170px}',
    '.ucs-root .ucs-sub{display:none}',
    '.ucs-root .ucs-panel,.ucs-root .ucs-panel-wide{left:8px;right:8px;width:auto;max-width:none}',
    '.ucs-root .ucs-brand-name{display:none}',
    '.ucs-root .ucs-dial{max-width:none}',
    '.ucs-root .ucs-form,.ucs-root .ucs-form-holder{flex-basis:240px}',
    '.ucs-root .ucs-form-row .ucs-input{flex-basis:120px}',
    '}',
    '@media (max-width:420px){',
    '.ucs-root .ucs-bar{padding:6px 8px;gap:6px 8px}',
    '.ucs-root .ucs-status{max-width:150px}',
    '.ucs-root .ucs-identity .ucs-who{display:none}',
    '.ucs-root .ucs-dial .ucs-select{display:none}',
    '.ucs-root .ucs-meta .ucs-meta-device{display:none}',
    '}',
    '@media (prefers-reduced-motion:reduce){.ucs-root *{animation:none!important;transition:none!important}}'
  ].join('\n');

  function injectStyle() {
    if (doc.getElementById('ucs-operator-style')) return;
    var style = doc.createElement('style');
    style.id = 'ucs-operator-style';
    style.textContent = CSS;
    (doc.head || doc.documentElement).appendChild(style);
  }

  // ---- public/src/operator/dom.js
  // DOM helpers and icons for the views.

  var SVG_OPEN = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false">';
  var HANDSET = '<path d="M5 3h3.2l1.6 4.2-2.2 1.6a11 11 0 0 0 7.6 7.6l1.6-2.2 4.2 1.6V19a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z"/>';
  var ICONS = {
    phone: HANDSET,
    hangup: '<g transform="rotate(135 12 12)">' + HANDSET + '</g>',
    pause: '<path d="M9 5v14M15 5v14"/>',
    play: '<path d="M8 5l11 7-11 7z"/>',
    mic: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>',
    micOff: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16"/>',
    transfer: '<path d="M4 8h13M13 4l4 4-4 4M20 16H7M11 12l-4 4 4 4"/>',
    finish: '<path d="M5 12l5 5 9-10"/>',
    history: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    queues: '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r="1"/><circle cx="4.5" cy="12" r="1"/><circle cx="4.5" cy="18" r="1"/>',
    menu: '<circle cx="12" cy="5" r="1.3"/><circle cx="12" cy="12" r="1.3"/><circle cx="12" cy="19" r="1.3"/>',
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    incoming: '<path d="M17 7L7 17M7 9v8h8"/>',
    outgoing: '<path d="M7 17L17 7M9 7h8v8"/>',
    refresh: '<path d="M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5"/>',
    logout: '<path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10"/>',
    speaker: '<path d="M4 9h4l5-4v14l-5-4H4z"/><path d="M16.5 9a4 4 0 0 1 0 6"/>',
    device: '<path d="M3 9.5V8c0-1.7 4-3.5 9-3.5s9 1.8 9 3.5v1.5h-4V8.2a13 13 0 0 0-10 0v1.3z"/><path d="M8 11.5L5.2 18a1.5 1.5 0 0 0 1.4 2h10.8a1.5 1.5 0 0 0 1.4-2L16 11.5z"/><circle cx="12" cy="15.5" r="1.8"/>',
    info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v5M12 8h0"/>',
    success: '<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>',
    warning: '<path d="M12 3l10 18H2z"/><path d="M12 10v4M12 17h0"/>',
    error: '<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>',
    users: '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6 6 0 0 1 3.5 6"/>'
  };

  function icon(name) {
    var span = doc.createElement('span');
    span.className = 'ucs-icon';
    span.setAttribute('aria-hidden', 'true');
    span.innerHTML = SVG_OPEN + (ICONS[name] || '') + '</svg>'; // trusted constants only
    return span;
  }

  function appendChildren(el, children) {
    if (children == null || children === false) return;
    if (Array.isArray(children)) {
      for (var i = 0; i < children.length; i++) appendChildren(el, children[i]);
    } else if (typeof children === 'string' || typeof children === 'number') {
      el.appendChild(doc.createTextNode(String(children)));
    } else {
      el.appendChild(children);
    }
  }

  function h(tag, attrs, children) {
    var el = doc.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!hasOwn(attrs, k)) continue;
        var v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = String(v);
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    appendChildren(el, children);
    return el;
  }

  /** A button: {action, label, icon, variant, onClick, disabled, pressed, iconOnly, attrs}. */
  function button(o) {
    var cls = 'ucs-btn';
    if (o.variant) cls += ' ucs-btn-' + o.variant;
    if (o.iconOnly) cls += ' ucs-btn-icon';
    if (!o.icon || o.keepLabel) cls += ' ucs-btn-keep';
    if (o.extraClass) cls += ' ' + o.extraClass;
    var attrs = {
      type: o.type || 'button',
      class: cls,
      'data-ucs-action': o.action,
      title: o.title || (o.iconOnly ? o.label : null),
      disabled: !!o.disabled,
      onclick: o.onClick
    };
    if (o.iconOnly) attrs['aria-label'] = o.label;
    if (o.pressed !== undefined) attrs['aria-pressed'] = o.pressed ? 'true' : 'false';
    if (o.attrs) for (var k in o.attrs) if (hasOwn(o.attrs, k)) attrs[k] = o.attrs[k];
    return h('button', attrs, [
      o.icon ? icon(o.icon) : null,
      o.iconOnly ? null : h('span', { class: 'ucs-btn-label', text: o.label }),
      o.badge != null ? o.badge : null
    ]);
  }

  var fieldSeq = 0;
  function fieldId(name) { return 'ucs-' + name + '-' + (++fieldSeq); }

  function quiet(promise) {
    if (promise && promise.catch) promise.catch(function () { /* already reported */ });
    return promise;
  }

  function initials(user) {
    if (!user) return '?';
    var a = (user.firstname || '').trim(), b = (user.lastname || '').trim();
    if (a || b) return ((a.charAt(0) || '') + (b.charAt(0) || '')).toUpperCase() || '?';
    var d = (user.displayname || '').trim();
    return d ? d.charAt(0).toUpperCase() : '?';
  }

  function userName() {
    if (S.user) return S.user.displayname || [S.user.firstname, S.user.lastname].join(' ').trim() || S.session && S.session.user || '';
    return (S.session && S.session.user) || '';
  }

  function deviceLabel(device) {
    if (!device) return '';
    var name = device.name || device.id || device.identifier || '';
    return device.extension != null ? name + ' · ' + t('extension', { n: device.extension }) : String(name);
  }

  function formatTime(seconds) {
    if (!seconds) return '';
    var d = new Date(seconds * 1000);
    var today = new Date();
    var sameDay = d.toDateString() === today.toDateString();
    try {
      var opts = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' };
      return new Intl.DateTimeFormat(lang, opts).format(d);
    } catch (e) {
      return d.toLocaleString();
    }
  }

  // ---- public/src/operator/views/shell.js
  // The view shell: the root element, choosing and (re)building the view, the reconnect banner,
  // and the connecting and restoring views (docs/operator.md §8).

  var root = null;
  var app = null;
  var viewKey = null;
  var refs = {};
  var openPanelName = null;
  var accountCall = null;
  var ticker = null;

  function rendering() { return !!root && !cfg('headless'); }

  function currentView() {
    if (S.status === null) {
      if (tokenUsable() && S.connection !== 'stopped') return 'restoring';
      return 'connecting';
    }
    if (S.phase === 'attaching' && S.freshPage) return 'restoring';
    if (S.status === 'READY') return S.current ? 'ready' : 'restoring';
    if (S.status === 'CREDENTIALS') return 'credentials';
    return S.status.toLowerCase();
  }

  function render() {
    if (!rendering()) return;
    var key = currentView();
    if (key !== viewKey) buildView(key);
    else updateView();
  }

  function rebuildView() {
    viewKey = null;
    render();
  }

  function setRingAttr() {
    if (root) root.setAttribute('data-ucs-ringing', Ring.playing && Ring.mode === 'call' ? 'true' : 'false');
  }

  function buildView(key) {
    var hadFocus = root.contains(doc.activeElement);
    var reopen = key === viewKey || (key === 'ready' && viewKey === null) ? openPanelName : null;
    var reopenCall = accountCall;
    closePanel(true);
    viewKey = key;
    refs = { notes: null };
    app = h('div', { class: 'ucs-app', 'data-ucs-view': key, lang: lang });
    refs.banner = h('div', { class: 'ucs-banner', 'data-ucs-banner': '', role: 'status', hidden: true });
    var top = h('div', { class: 'ucs-top' });
    var bar = h('div', { class: 'ucs-bar', role: 'toolbar', 'aria-label': t('appName') });
    top.appendChild(bar);
    refs.top = top;
    var builders = { connecting: buildConnecting, restoring: buildRestoring, credentials: buildCredentials,
      identify: buildIdentify, device: buildDevice, ready: buildReady };
    refs.update = (builders[key] || buildConnecting)(bar, top);
    app.appendChild(refs.banner);
    app.appendChild(top);
    if (key !== 'credentials' && key !== 'connecting') {
      if (cfg('showBottomMenu')) {
        refs.notes = h('div', { class: 'ucs-notes', 'data-ucs-notifications': '', 'aria-live': 'polite', 'aria-label': t('notifications') });
        refs.meta = h('div', { class: 'ucs-meta' });
        app.appendChild(h('div', { class: 'ucs-bottom', 'data-ucs-bottom': '' }, [refs.notes, refs.meta]));
      } else {
        refs.notes = h('div', { class: 'ucs-toasts', 'data-ucs-notifications': '', 'aria-live': 'polite' });
        top.appendChild(refs.notes);
      }
    }
    while (root.firstChild) root.removeChild(root.firstChild);
    root.appendChild(app);
    updateView();
    if (reopen === 'account' && reopenCall) openAccountCode(reopenCall);
    else if (reopen && refs.toggles && refs.toggles[reopen]) openPanel(reopen, refs.toggles[reopen]);
    else if (hadFocus && refs.autofocus) { try { refs.autofocus.focus(); } catch (e) { /* ignore */ } }
  }

  function updateView() {
    if (!app) return;
    root.setAttribute('data-ucs-session', S.status || '');
    root.setAttribute('data-ucs-status', S.agentStatus || '');
    root.setAttribute('data-ucs-connection', S.connection);
    root.setAttribute('data-ucs-primary', S.primary === null ? '' : String(S.primary));
    app.setAttribute('data-ucs-connection', S.connection);
    app.setAttribute('lang', lang);
    setRingAttr();
    updateBanner();
    if (refs.update) refs.update();
    renderNotes();
    updateMeta();
  }

  function brand() {
    return h('div', { class: 'ucs-brand' }, [
      h('span', { class: 'ucs-brand-mark' }, icon('phone')),
      h('span', { class: 'ucs-brand-name', text: t('appName') })
    ]);
  }

  function reconnectSeconds() {
    return Math.max(0, Math.ceil((reconnectAt - now()) / 1000));
  }

  function updateBanner() {
    var b = refs.banner;
    if (!b) return;
    var show = viewKey !== 'connecting' && (S.connection === 'reconnecting' || (outage && S.connection === 'connecting'));
    if (S.connection === 'stopped' && viewKey !== 'connecting') show = true;
    b.hidden = !show;
    if (!show) return;
    var text;
    if (S.connection === 'stopped') text = t('connectFailed');
    else if (reconnectTimer) text = t('reconnectingIn', { s: reconnectSeconds() });
    else text = t('reconnecting');
    if (b._text !== text || !b.firstChild) {
      b._text = text;
      while (b.firstChild) b.removeChild(b.firstChild);
      b.appendChild(icon('warning'));
      b.appendChild(h('span', { text: text }));
      if (reconnectTimer) b.appendChild(button({ action: 'reconnect', label: t('reconnectNow'), onClick: reconnectNow }));
    }
  }

  function buildConnecting(bar) {
    var box = h('div', { class: 'ucs-progress', 'data-ucs-connecting': '' });
    bar.appendChild(brand());
    bar.appendChild(box);
    return function () {
      while (box.firstChild) box.removeChild(box.firstChild);
      if (S.connection === 'stopped') {
        box.appendChild(icon('error'));
        box.appendChild(h('span', { text: t('connectFailed') }));
      } else if (reconnectTimer) {
        box.appendChild(icon('warning'));
        box.appendChild(h('span', { 'data-ucs-countdown': '', text: t('connectFailed') + ' ' + t('retryIn', { s: reconnectSeconds() }) }));
        box.appendChild(button({ action: 'reconnect', label: t('reconnectNow'), onClick: reconnectNow }));
      } else {
        box.appendChild(h('span', { class: 'ucs-spinner' }));
        box.appendChild(h('span', { text: t('connecting') }));
      }
    };
  }

  function buildRestoring(bar) {
    bar.appendChild(brand());
    bar.appendChild(h('div', { class: 'ucs-progress', 'data-ucs-restoring': '' }, [
      h('span', { class: 'ucs-spinner' }), h('span', { text: t('restoring') })
    ]));
    return function () {};
  }

  // ---- public/src/operator/views/credentials.js
  // The CREDENTIALS view: the login form.

  function buildCredentials(bar) {
    var remembered = rememberedCredentials();
    var uid = fieldId('username'), pid = fieldId('password');
    var user = h('input', { id: uid, class: 'ucs-input', type: 'text', name: 'username', autocomplete: 'username',
      autocapitalize: 'none', spellcheck: 'false', placeholder: t('username'), 'data-ucs-field': 'username',
      value: remembered ? remembered.username : '' });
    var pass = h('input', { id: pid, class: 'ucs-input', type: 'password', name: 'password', autocomplete: 'current-password',
      placeholder: t('password'), 'data-ucs-field': 'password', value: remembered && remembered.password ? remembered.password : '' });
    var remember = h('input', { type: 'checkbox', 'data-ucs-field': 'remember', checked: !!remembered });
    var submit = button({ type: 'submit', action: 'login', label: t('login'), variant: 'primary' });
    var msg = h('div', { class: 'ucs-form-msg', 'data-ucs-login-error': '', role: 'alert' });
    var notesBox = h('div', { class: 'ucs-form-notes', 'data-ucs-notifications': '', 'aria-live': 'polite' });
    var form = h('form', { class: 'ucs-form ucs-main', 'data-ucs-form': 'login', novalidate: true, onsubmit: function (ev) {
      ev.preventDefault();
      Ring.unlock();
      if (!user.value.trim() || !pass.value) {
        S.loginError = { code: null, text: t('loginRequired') };
        render();
        (user.value.trim() ? pass : user).focus();
        return;
      }
      quiet(op.login(user.value.trim(), pass.value, remember.checked));
    } }, [
      h('div', { class: 'ucs-form-row' }, [
        h('label', { class: 'ucs-sr', for: uid, text: t('username') }), user,
        h('label', { class: 'ucs-sr', for: pid, text: t('password') }), pass,
        h('label', { class: 'ucs-check' }, [remember, h('span', { text: t('remember') })]),
        submit
      ]),
      msg,
      notesBox
    ]);
    bar.classList.add('ucs-bar-form');
    bar.appendChild(brand());
    bar.appendChild(form);
    refs.notes = notesBox;
    refs.autofocus = user.value ? pass : user;
    return function () {
      submit.disabled = S.loginPending || S.phase !== 'live';
      submit.querySelector('.ucs-btn-label').textContent = S.loginPending ? t('loggingIn') : t('login');
      var err = S.loginError;
      msg.textContent = err ? err.text : '';
      msg.setAttribute('data-ucs-kind', err ? 'error' : '');
      if (err && err.code != null) msg.setAttribute('data-ucs-login-error', String(err.code));
      else msg.setAttribute('data-ucs-login-error', '');
    };
  }

  // ---- public/src/operator/views/pairing.js
  // The IDENTIFY view (the device picker) and the DEVICE view (confirm the phone).

  function asideUser() {
    return h('div', { class: 'ucs-aside' }, [
      h('span', { class: 'ucs-user', 'data-ucs-agent-name': '', text: userName() }),
      button({ action: 'logout', label: t('logout'), icon: 'logout', variant: 'ghost', onClick: function () { quiet(op.logout()); } })
    ]);
  }

  function buildIdentify(bar) {
    bar.classList.add('ucs-bar-form');
    bar.appendChild(brand());
    var holder = h('div', { class: 'ucs-form-holder ucs-main', 'data-ucs-form': 'identify' });
    bar.appendChild(holder);
    bar.appendChild(asideUser());
    var showPicker = !cfg('withoutDevice');
    var sig = null;
    var select = null, text = null, submit = null, msg = null;

    function build() {
      while (holder.firstChild) holder.removeChild(holder.firstChild);
      select = text = submit = msg = null;
      if (!showPicker) {
        holder.appendChild(h('div', { class: 'ucs-form-row' }, [
          h('span', { class: 'ucs-muted', text: t('withoutDevice') }),
          button({ action: 'pair-phone', label: t('pairPhone'), icon: 'device', keepLabel: true, onClick: function () { showPicker = true; sig = null; update(); if (text || select) (select || text).focus(); } })
        ]));
        return;
      }
      var list = cfg('listDevices') ? S.identificators.filter(function (d) { return d && Array.isArray(d.identifiers) && d.identifiers.length; }) : [];
      var tid = fieldId('identifier');
      text = h('input', { id: tid, class: 'ucs-input', type: 'text', placeholder: t('identifierPlaceholder'),
        autocapitalize: 'none', spellcheck: 'false', 'data-ucs-field': 'identifier' });
      var row = [h('span', { class: 'ucs-form-label', text: t('selectPhone') })];
      if (list.length) {
        var sid = fieldId('device');
        var saved = getCookie(IDENTIFIER_COOKIE);
        select = h('select', { id: sid, class: 'ucs-select', 'data-ucs-field': 'device', onchange: function () {
          text.hidden = select.value !== '';
          if (!text.hidden) text.focus();
        } }, list.map(function (d) {
          var value = d.identifiers[0];
          var selected = saved && d.identifiers.indexOf(saved) >= 0;
          if (selected) value = saved;
          var label = (d.name || d.id || value) + (d.extension != null ? ' · ' + t('extension', { n: d.extension }) : '');
          return h('option', { value: value, selected: selected, 'data-ucs-device-id': d.id, text: label });
        }).concat([h('option', { value: '', text: t('otherIdentifier') })]));
        row.push(h('label', { class: 'ucs-sr', for: sid, text: t('phone') }), select);
        text.hidden = true;
      }
      row.push(h('label', { class: 'ucs-sr', for: tid, text: t('identifier') }), text);
      submit = button({ type: 'submit', action: 'select-identifier', label: t('pair'), variant: 'primary' });
      row.push(submit);
      msg = h('div', { class: 'ucs-form-msg', 'data-ucs-pair-error': '', role: 'alert' });
      var form = h('form', { class: 'ucs-form', novalidate: true, onsubmit: function (ev) {
        ev.preventDefault();
        Ring.unlock();
        var value = select && select.value !== '' ? select.value : text.value.trim();
        if (!value) { text.hidden = false; text.focus(); return; }
        fire('onIdentifier', value);
        quiet(op.selectIdentifier(value));
      } }, [h('div', { class: 'ucs-form-row' }, row), msg]);
      holder.appendChild(form);
      refs.autofocus = select || text;
    }

    function update() {
      var s = [showPicker, lang, JSON.stringify(S.identificators)].join('|');
      if (s !== sig) { sig = s; build(); }
      if (submit) {
        submit.disabled = S.pairing || S.phase !== 'live';
        submit.querySelector('.ucs-btn-label').textContent = S.pairing ? t('pairing') : t('pair');
      }
      if (msg) {
        msg.textContent = S.pairError || '';
        msg.setAttribute('data-ucs-kind', S.pairError ? 'error' : '');
      }
    }
    return update;
  }

  function buildDevice(bar) {
    bar.classList.add('ucs-bar-form');
    bar.appendChild(brand());
    var card = h('div', { class: 'ucs-device-card', 'data-ucs-device': '' });
    var actions = h('div', { class: 'ucs-form-row' });
    var msg = h('div', { class: 'ucs-form-msg', 'data-ucs-pair-error': '', role: 'alert' });
    bar.appendChild(h('div', { class: 'ucs-form ucs-main' }, [h('div', { class: 'ucs-form-row' }, [card, actions]), msg]));
    bar.appendChild(asideUser());
    var sig = null;
    return function () {
      var d = S.device || {};
      var confirm = !!cfg('confirmDevice');
      var auto = !confirm && (S.selectedHere || drivingTab());
      var s = [lang, JSON.stringify(d), confirm, auto, S.provisioning, S.phase].join('|');
      if (s !== sig) {
        sig = s;
        while (card.firstChild) card.removeChild(card.firstChild);
        card.appendChild(icon('device'));
        card.appendChild(h('span', { class: 'ucs-muted', text: t('deviceFound') + ':' }));
        card.appendChild(h('strong', { 'data-ucs-device-name': '', text: d.name || d.id || '' }));
        if (d.extension != null) card.appendChild(h('span', { class: 'ucs-muted', text: t('extension', { n: d.extension }) }));
        while (actions.firstChild) actions.removeChild(actions.firstChild);
        if (S.provisioning || (auto && !S.pairError)) {
          actions.appendChild(h('span', { class: 'ucs-progress' }, [h('span', { class: 'ucs-spinner' }), h('span', { text: t('pairing') })]));
        } else {
          if (!confirm) actions.appendChild(h('span', { class: 'ucs-muted', text: t('deviceOtherTab') }));
          var use = button({ action: 'provision', label: confirm ? t('useDevice') : t('continueHere'), variant: 'primary', onClick: function () { quiet(op.provision()); } });
          actions.appendChild(use);
          actions.appendChild(button({ action: 'identify', label: t('chooseAnother'), onClick: function () { quiet(op.identify()); } }));
          refs.autofocus = use;
        }
      }
      msg.textContent = S.pairError || '';
      msg.setAttribute('data-ucs-kind', S.pairError ? 'error' : '');
    };
  }

  // ---- public/src/operator/views/ready.js
  // The READY view: identity, status, dial control and the call cards (docs/operator.md §8).

  function buildReady(bar, top) {
    var identity = h('div', { class: 'ucs-identity', 'data-ucs-identity': '' });
    var statusId = fieldId('status');
    var statusSelect = h('select', { id: statusId, class: 'ucs-status', 'data-ucs-field': 'status', 'aria-label': t('status'),
      onchange: onStatusSelected });
    var dial = buildDial();
    var calls = h('div', { class: 'ucs-calls', 'data-ucs-calls': '', 'aria-live': 'polite' });
    var callzone = h('div', { class: 'ucs-callzone' }, [dial.el, calls]);
    var waiting = h('span', { class: 'ucs-badge', 'data-ucs-waiting-callers': '0', title: t('waitingCallers'), hidden: true });
    var queuesBtn = button({ action: 'queues', label: t('queues'), icon: 'queues', badge: waiting, attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' },
      onClick: function () { togglePanel('queues', queuesBtn); } });
    var historyBtn = button({ action: 'history', label: t('history'), icon: 'history', iconOnly: true,
      attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' }, onClick: function () { togglePanel('history', historyBtn); } });
    var menuBtn = button({ action: 'menu', label: t('menu'), icon: 'menu', iconOnly: true,
      attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' }, onClick: function () { togglePanel('menu', menuBtn); } });
    var tools = h('div', { class: 'ucs-tools' }, [queuesBtn, historyBtn, menuBtn]);
    var main = h('div', { class: 'ucs-main', style: 'display:contents' }, [
      identity,
      h('label', { class: 'ucs-sr', for: statusId, text: t('status') }),
      statusSelect,
      callzone,
      tools
    ]);
    bar.classList.add('ucs-bar-ready');
    bar.appendChild(main);
    refs.toggles = { queues: queuesBtn, history: historyBtn, menu: menuBtn };
    refs.panelHost = top;
    refs.dial = dial;
    refs.autofocus = statusSelect;

    var identitySig = null, statusSig = null, callsSig = null;

    function updateIdentity() {
      var s = [lang, userName(), S.agentStatus, S.reason, deviceLabel(S.device), cfg('topMenuNameContent')].join('|');
      if (s === identitySig) return;
      identitySig = s;
      while (identity.firstChild) identity.removeChild(identity.firstChild);
      var template = String(cfg('topMenuNameContent'));
      var parts = template.split(/(%name%|%icon%)/);
      parts.forEach(function (p) {
        if (p === '%icon%') {
          identity.appendChild(h('span', { class: 'ucs-avatar', 'data-ucs-status': S.agentStatus || '', 'aria-hidden': 'true', text: initials(S.user) }));
        } else if (p === '%name%') {
          identity.appendChild(h('span', { class: 'ucs-who' }, [
            h('span', { class: 'ucs-name', 'data-ucs-agent-name': '', text: userName() }),
            S.device ? h('span', { class: 'ucs-sub', 'data-ucs-device-name': '', text: deviceLabel(S.device) }) : null
          ]));
        } else if (p.trim()) {
          identity.appendChild(h('span', { class: 'ucs-sub', text: p.trim() }));
        }
      });
    }

    function updateStatus() {
      var reasons = auxReasonList();
      var value = statusValue(S.agentStatus, S.reason);
      var s = [lang, JSON.stringify(reasons), S.agentStatus, S.reason].join('|');
      statusSelect.setAttribute('data-ucs-status', S.agentStatus || '');
      if (s !== statusSig) {
        statusSig = s;
        while (statusSelect.firstChild) statusSelect.removeChild(statusSelect.firstChild);
        var opts = [{ value: 'READY', label: t('READY') }];
        if (reasons.length) {
          reasons.forEach(function (r) { opts.push({ value: 'AUX:' + r.value, label: t('auxWith', { reason: r.label }) }); });
        } else {
          opts.push({ value: 'AUX', label: t('AUX') });
        }
        var present = opts.some(function (o) { return o.value === value; });
        if (!present && S.agentStatus === 'AUX') opts.push({ value: value, label: statusText('AUX', S.reason), disabled: true });
        if (S.agentStatus === 'ACW') opts.push({ value: 'ACW', label: t('ACW'), disabled: true });
        opts.push({ value: 'OFFLINE', label: t('OFFLINE') });
        opts.forEach(function (o) {
          statusSelect.appendChild(h('option', { value: o.value, disabled: !!o.disabled, 'data-ucs-status-option': o.value, text: o.label }));
        });
      }
      if (statusSelect.value !== value) statusSelect.value = value;
      statusSelect.title = statusText(S.agentStatus, S.reason);
    }

    function updateCalls() {
      var parts = S.calls.map(function (c) {
        return [c.uniqueid, c.state, c.direction, agentMuted(c), c.name, c.number, c.connected].join(',');
      });
      var s = [lang, S.calls.length, parts.join(';'), S.phase].join('|');
      var showDial = !S.calls.length && cfg('showDialControl');
      dial.el.hidden = !showDial;
      if (showDial) dial.update();
      calls.hidden = !S.calls.length;
      if (s === callsSig) { tick(); return; }
      callsSig = s;
      var focused = doc.activeElement && calls.contains(doc.activeElement) ? doc.activeElement.getAttribute('data-ucs-action') : null;
      while (calls.firstChild) calls.removeChild(calls.firstChild);
      if (S.calls.length > 1) {
        for (var i = 0; i < S.calls.length - 1; i++) calls.appendChild(heldRow(S.calls[i]));
      }
      var active = activeCall();
      if (active) calls.appendChild(callCard(active, S.calls.length > 1));
      if (focused) {
        var again = { hold: 'unhold', unhold: 'hold', answer: 'hangup', transfer: 'transfer' };
        var target = calls.querySelector('[data-ucs-action="' + focused + '"]') ||
          (again[focused] && calls.querySelector('[data-ucs-action="' + again[focused] + '"]')) ||
          calls.querySelector('button');
        if (target) target.focus();
        else if (dial.input && !dial.el.hidden) dial.input.focus();
      }
      if (!S.calls.length && openPanelName === 'transfer') closePanel();
      tick();
    }

    function updateTools() {
      var n = S.waitingCallers | 0;
      waiting.textContent = String(n);
      waiting.hidden = !n;
      waiting.setAttribute('data-ucs-waiting-callers', String(n));
      waiting.title = t('waitingCount', { n: n });
      var list = membershipList();
      var serving = list.filter(function (q) { return !q.suspended && q.type !== 0; }).length;
      var incoming = list.filter(function (q) { return q.type !== 0; }).length;
      var label = queuesBtn.querySelector('.ucs-btn-label');
      if (label) label.textContent = t('queues') + (incoming ? ' ' + serving + '/' + incoming : '');
      queuesBtn.title = t('queues') + (n ? ' · ' + t('waitingCount', { n: n }) : '');
      queuesBtn.setAttribute('aria-label', queuesBtn.title + (incoming ? ' (' + serving + '/' + incoming + ')' : ''));
    }

    return function () {
      updateIdentity();
      updateStatus();
      updateCalls();
      updateTools();
      updatePanel();
    };
  }

  function statusValue(status, reason) {
    if (status === 'AUX') return reason ? 'AUX:' + reason : 'AUX';
    return status || '';
  }

  function onStatusSelected(ev) {
    var v = ev.target.value;
    var status = v, reason = null;
    if (v.indexOf('AUX:') === 0) { status = 'AUX'; reason = v.slice(4); }
    Ring.unlock();
    op.changeStatus(status, reason).catch(function () {
      ev.target.value = statusValue(S.agentStatus, S.reason);
    });
  }

  function buildDial() {
    var id = fieldId('dial');
    var input = h('input', { id: id, class: 'ucs-input', type: 'tel', inputmode: 'tel', autocomplete: 'off', placeholder: t('dialPlaceholder'),
      'data-ucs-field': 'dial-number', 'aria-label': t('dialNumber') });
    var queue = h('select', { class: 'ucs-select', 'data-ucs-field': 'dial-queue', 'aria-label': t('dialAs'), title: t('dialAs') });
    var go = button({ type: 'submit', action: 'dial', label: t('call'), icon: 'phone', variant: 'success' });
    var form = h('form', { class: 'ucs-dial', 'data-ucs-form': 'dial', novalidate: true, onsubmit: function (ev) {
      ev.preventDefault();
      var number = input.value.trim();
      if (!number) { input.focus(); return; }
      Ring.unlock();
      var q = queue.hidden || queue.value === '' ? undefined : queue.value;
      go.disabled = true;
      op.dial(number, q).then(function () {
        input.value = '';
      }, function () { /* reported by onWarning */ }).then(function () { go.disabled = false; });
    } }, [h('label', { class: 'ucs-sr', for: id, text: t('dialNumber') }), input, queue, go]);
    var sig = null;
    return {
      el: form,
      input: input,
      update: function () {
        var out = outgoingQueues();
        var s = lang + '|' + JSON.stringify(out);
        if (s === sig) return;
        sig = s;
        var keep = queue.value;
        while (queue.firstChild) queue.removeChild(queue.firstChild);
        queue.hidden = !out.length;
        if (!out.length) return;
        queue.appendChild(h('option', { value: '', text: t('dialAuto') }));
        queue.appendChild(h('option', { value: 'directCall', text: t('dialDirect') }));
        out.forEach(function (q) { queue.appendChild(h('option', { value: String(q.id), text: q.name })); });
        queue.value = keep;
        if (queue.value !== keep) queue.value = '';
      }
    };
  }

  function callDisplay(call) {
    var p = callParty(call);
    return { title: p.name || p.number || '?', number: p.name ? p.number : '' };
  }

  function heldRow(call) {
    var d = callDisplay(call);
    return h('div', { class: 'ucs-held', 'data-ucs-call': '', 'data-ucs-call-state': CALL_STATE_NAMES[call.state] || String(call.state),
      'data-ucs-call-direction': String(call.direction || '').toLowerCase(), 'data-ucs-call-uniqueid': call.uniqueid, 'data-ucs-call-role': 'held' }, [
      icon('pause'),
      h('span', { text: t('heldCall') + ': ' }),
      h('strong', { 'data-ucs-call-number': '', text: d.title }),
      h('span', { class: 'ucs-duration', 'data-ucs-call-duration': call.uniqueid, text: formatDuration(callSeconds(call)) })
    ]);
  }

  function callCard(call, consultation) {
    var d = callDisplay(call);
    var stateName = CALL_STATE_NAMES[call.state] || String(call.state);
    var incoming = call.direction === 'INCOMING';
    var ringingIn = incoming && (call.state === 0 || call.state === 1 || call.state === 2);
    var muted = agentMuted(call);
    var meta = [];
    meta.push(h('strong', { class: 'ucs-call-state', 'data-ucs-call-state-text': '', text: callStateText(call.state) }));
    if (muted && call.state !== 2) meta.push(h('span', { text: ' · ' + t('muted') }));
    meta.push(h('span', { text: ' · ' + (consultation ? t('consultation') : incoming ? t('incoming') : t('outgoing')) }));
    // docs/compatibility.md §5: who of us called this number last (the gateway adds it to an incoming ringing).
    var last = ringingIn && call.data && Array.isArray(call.data.lastCallers) ? call.data.lastCallers[0] : null;
    if (last && (last.name || last.agent)) {
      var lastText = t('lastCalledBy', { name: last.name || last.agent });
      meta.push(h('span', { 'data-ucs-last-caller': last.agent || '', title: lastText, text: ' · ' + lastText }));
    }
    var queueId = incoming ? null : call.outbound_id;
    var secondary = d.number || (queueId ? t('viaQueue', { queue: queueName(queueId) }) : (incoming && call.called_name ? t('viaQueue', { queue: call.called_name }) : ''));

    var actions = [];
    if (ringingIn) {
      actions.push(button({ action: 'answer', label: t('answer'), icon: 'phone', variant: 'success', keepLabel: true, onClick: function () { Ring.unlock(); quiet(op.answer()); } }));
      actions.push(button({ action: 'hangup', label: t('decline'), icon: 'hangup', variant: 'danger', iconOnly: true, onClick: function () { quiet(op.hangup()); } }));
    } else if (call.state === 3 || call.state === 5) {
      if (call.state === 3) {
        actions.push(button({ action: 'hold', label: t('hold'), icon: 'pause', iconOnly: true, onClick: function () { quiet(op.hold()); } }));
      } else {
        actions.push(button({ action: 'unhold', label: t('unhold'), icon: 'play', variant: 'primary', keepLabel: true, onClick: function () { quiet(op.unhold()); } }));
      }
      actions.push(button({ action: 'mute', label: muted ? t('unmute') : t('mute'), icon: muted ? 'micOff' : 'mic', iconOnly: true, pressed: muted, onClick: function () { quiet(op.mute()); } }));
      if (consultation) {
        actions.push(button({ action: 'finish-transfer', label: t('finishTransfer'), icon: 'finish', variant: 'primary', disabled: call.state !== 3,
          onClick: function () { quiet(op.finishTransfer()); } }));
      } else {
        var tb = button({ action: 'transfer', label: t('transfer'), icon: 'transfer', iconOnly: true, attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': openPanelName === 'transfer' ? 'true' : 'false' },
          onClick: function () { togglePanel('transfer', tb); } });
        refs.toggles.transfer = tb;
        actions.push(tb);
      }
      actions.push(button({ action: 'hangup', label: t('hangup'), icon: 'hangup', variant: 'danger', onClick: function () { quiet(op.hangup()); } }));
    } else {
      actions.push(button({ action: 'hangup', label: t('hangup'), icon: 'hangup', variant: 'danger', onClick: function () { quiet(op.hangup()); } }));
    }

    return h('div', { class: 'ucs-call', 'data-ucs-call': '', 'data-ucs-call-state': stateName, 'data-ucs-call-direction': String(call.direction || '').toLowerCase(),
      'data-ucs-call-uniqueid': call.uniqueid, 'data-ucs-call-role': consultation ? 'consultation' : 'active', 'data-ucs-muted': muted ? 'true' : 'false',
      role: 'group', 'aria-label': (incoming ? t('incomingCall') : t('outgoingCall')) + ': ' + d.title }, [
      h('span', { class: 'ucs-call-avatar' }, icon(ringingIn ? 'phone' : incoming ? 'incoming' : 'outgoing')),
      h('div', { class: 'ucs-call-who' }, [
        h('div', { class: 'ucs-call-line' }, [
          h('span', { class: 'ucs-call-name', 'data-ucs-call-number': call.number || '', title: d.title, text: d.title }),
          h('span', { class: 'ucs-duration ucs-call-timer', 'data-ucs-call-duration': call.uniqueid, text: formatDuration(callSeconds(call)) })
        ]),
        h('span', { class: 'ucs-call-meta' }, meta.concat([secondary ? h('span', { text: ' · ' + secondary }) : null]))
      ]),
      h('div', { class: 'ucs-call-actions' }, actions)
    ]);
  }

  /** Once a second: call timers and countdowns. */
  function tick() {
    if (!app) return;
    var spans = app.querySelectorAll('[data-ucs-call-duration]');
    for (var i = 0; i < spans.length; i++) {
      var uid = spans[i].getAttribute('data-ucs-call-duration');
      for (var j = 0; j < S.calls.length; j++) {
        if (S.calls[j].uniqueid === uid) spans[i].textContent = formatDuration(callSeconds(S.calls[j]));
      }
    }
    if (reconnectTimer) {
      updateBanner();
      if (viewKey === 'connecting' && refs.update) refs.update();
    }
    if (openPanelName === 'history' && Report.retryTimer) renderHistory();
  }

  // ---- public/src/operator/views/panels.js
  // The popover panels of the READY view: queues, settings, transfer, account code, history.

  var panelEl = null;
  var panelSig = null;

  function togglePanel(name, toggle) {
    if (openPanelName === name) closePanel();
    else openPanel(name, toggle);
  }

  function openPanel(name, toggle) {
    if (viewKey !== 'ready') return;
    closePanel(true);
    openPanelName = name;
    panelSig = null;
    if (toggle) toggle.setAttribute('aria-expanded', 'true');
    updatePanel(true);
    if (name === 'history') {
      Report.attempts = 0;
      Report.query(true);
    }
  }

  function closePanel(silent) {
    var name = openPanelName;
    if (!name) return;
    openPanelName = null;
    var hadFocus = panelEl && panelEl.contains(doc.activeElement);
    if (panelEl && panelEl.parentNode) panelEl.parentNode.removeChild(panelEl);
    panelEl = null;
    panelSig = null;
    if (name === 'account') accountCall = null;
    if (name === 'history') {
      clearTimeout(Report.retryTimer);
      Report.retryTimer = null;
      clearTimeout(Report.debounceTimer);
    }
    var toggle = refs.toggles && refs.toggles[name];
    if (toggle) {
      toggle.setAttribute('aria-expanded', 'false');
      if (hadFocus && !silent) { try { toggle.focus(); } catch (e) { /* ignore */ } }
    }
  }

  function openAccountCode(call) {
    if (!rendering() || viewKey !== 'ready') return;
    closePanel(true);
    accountCall = call;
    openPanelName = 'account';
    panelSig = null;
    updatePanel(true);
  }

  function panelShell(name, title, opts, body) {
    opts = opts || {};
    var titleId = fieldId('panel-title');
    return h('div', { class: 'ucs-panel' + (opts.left ? ' ucs-panel-left' : '') + (opts.wide ? ' ucs-panel-wide' : ''), role: 'dialog',
      'aria-labelledby': titleId, 'data-ucs-panel': name }, [
      h('div', { class: 'ucs-panel-head' }, [
        h('h2', { id: titleId, class: 'ucs-panel-title', text: title }),
        opts.head || null,
        button({ action: 'close-panel', label: t('close'), icon: 'close', iconOnly: true, variant: 'ghost', onClick: function () { closePanel(); } })
      ]),
      opts.sub ? h('p', { class: 'ucs-panel-sub', text: opts.sub }) : null
    ].concat(body));
  }

  /** (Re)renders the open panel when what it shows changed. */
  function updatePanel(focusFirst) {
    if (!openPanelName || viewKey !== 'ready' || !refs.panelHost) return;
    var name = openPanelName;
    var sig = panelSignature(name);
    if (panelEl && sig === panelSig) {
      if (name === 'history') renderHistory();
      return;
    }
    var keepFocus = panelEl && panelEl.contains(doc.activeElement) ? doc.activeElement : null;
    var el = name === 'queues' ? queuesPanel() : name === 'menu' ? menuPanel() : name === 'transfer' ? transferPanel()
      : name === 'account' ? accountPanel() : name === 'history' ? historyPanel() : null;
    if (!el) { closePanel(); return; }
    if (panelEl && panelEl.parentNode) panelEl.parentNode.replaceChild(el, panelEl);
    else refs.panelHost.appendChild(el);
    panelEl = el;
    panelSig = sig;
    if (name === 'history') renderHistory();
    if (keepFocus && !el.contains(keepFocus)) {
      var again = keepFocus.getAttribute && keepFocus.getAttribute('data-ucs-queue-id');
      var target = again ? el.querySelector('[data-ucs-queue-id="' + again + '"]') : null;
      (target || el.querySelector('button, input, select')).focus();
    } else if (focusFirst) {
      var first = el.querySelector('[data-ucs-autofocus]') || el.querySelector('input, select, [data-ucs-account-code], [role=switch], button:not([data-ucs-action=close-panel])');
      if (first) first.focus();
    }
  }

  function panelSignature(name) {
    if (name === 'queues') return lang + JSON.stringify(membershipList()) + S.waitingCallers;
    if (name === 'menu') return lang + S.ringingSound + (Ring.mode === 'test') + S.serverVersion + deviceLabel(S.device);
    if (name === 'transfer') return lang;
    if (name === 'account') return lang + (accountCall && accountCall.uniqueid) + JSON.stringify(callReasonList());
    if (name === 'history') return lang;
    return '';
  }

  function queuesPanel() {
    var list = membershipList();
    var rows = list.map(function (q) {
      var serving = !q.suspended;
      var sw = h('button', { type: 'button', class: 'ucs-switch', role: 'switch', 'aria-checked': serving ? 'true' : 'false',
        'aria-label': q.name + ': ' + (serving ? t('queueServing') : t('queuePaused')), 'data-ucs-action': 'toggle-queue', 'data-ucs-queue-id': String(q.id),
        onclick: function () { quiet(serving ? op.suspend(q.id) : op.resume(q.id)); } });
      return h('li', { class: 'ucs-qrow', 'data-ucs-queue': String(q.id), 'data-ucs-suspended': q.suspended ? 'true' : 'false' }, [
        h('div', { class: 'ucs-qname' }, [h('div', { text: q.name }), h('div', { class: 'ucs-qtype', text: q.type === 0 ? t('queueOutgoing') : t('queueIncoming') })]),
        h('span', { class: 'ucs-qstate', text: serving ? t('queueServing') : t('queuePaused') }),
        sw
      ]);
    });
    return panelShell('queues', t('queues'), {
      head: h('span', { class: 'ucs-badge' + (S.waitingCallers ? '' : ' ucs-badge-muted'), title: t('waitingCallers'), text: String(S.waitingCallers | 0) })
    }, [rows.length ? h('ul', { class: 'ucs-list' }, rows) : h('p', { class: 'ucs-muted', text: t('noQueues') })]);
  }

  function menuPanel() {
    var soundId = fieldId('sound'), langId = fieldId('lang');
    var sound = h('select', { id: soundId, class: 'ucs-select', 'data-ucs-field': 'ringing-sound', onchange: function () {
      quiet(op.selectRingingSound(sound.value));
    } }, RINGING_SOUNDS.map(function (s) { return h('option', { value: s, selected: s === S.ringingSound, text: t('sound_' + s) }); }));
    var testing = Ring.mode === 'test';
    var test = button({ action: 'test-ringing', label: testing ? t('stopTest') : t('test'), icon: 'speaker', keepLabel: true, pressed: testing, onClick: function () {
      if (Ring.mode === 'test') quiet(op.stopRingingSoundTest());
      else quiet(op.testRingingSound());
      panelSig = null;
      updatePanel();
    } });
    var langSelect = h('select', { id: langId, class: 'ucs-select', 'data-ucs-field': 'language', onchange: function () { op.setLanguage(langSelect.value); } },
      LANGS.map(function (l) { return h('option', { value: l, selected: l === lang, text: LANG_NAMES[l] }); }));
    return panelShell('menu', t('settings'), {}, [
      h('div', { class: 'ucs-panel-section' }, [
        h('label', { class: 'ucs-panel-label', for: soundId, text: t('ringingSound') }),
        h('div', { class: 'ucs-panel-row' }, [sound, test])
      ]),
      h('div', { class: 'ucs-panel-section' }, [
        h('label', { class: 'ucs-panel-label', for: langId, text: t('language') }),
        h('div', { class: 'ucs-panel-row' }, [langSelect])
      ]),
      h('div', { class: 'ucs-panel-section' }, [
        h('div', { class: 'ucs-panel-row' }, [
          button({ action: 'change-device', label: t('changeDevice'), icon: 'device', keepLabel: true, onClick: function () { closePanel(true); quiet(op.identify()); } }),
          button({ action: 'logout', label: t('logout'), icon: 'logout', keepLabel: true, variant: 'danger', onClick: function () { closePanel(true); quiet(op.logout()); } })
        ])
      ]),
      h('div', { class: 'ucs-panel-foot', text: 'Callgate ' + OPERATOR_VERSION + (S.serverVersion ? ' · server ' + S.serverVersion : '') + (S.device ? ' · ' + deviceLabel(S.device) : '') })
    ]);
  }

  var transferInput = null;
  function transferPanel() {
    var id = fieldId('transfer');
    if (!transferInput) {
      transferInput = h('input', { id: id, class: 'ucs-input', type: 'tel', inputmode: 'tel', autocomplete: 'off', placeholder: t('transferPlaceholder'),
        'data-ucs-field': 'transfer-number', 'data-ucs-autofocus': '' });
    } else {
      transferInput.id = id;
      transferInput.placeholder = t('transferPlaceholder');
    }
    var input = transferInput;
    function run(fn) {
      var number = input.value.trim();
      if (!number) { input.focus(); return; }
      fn(number).then(function () { input.value = ''; closePanel(); }, function () { /* reported */ });
    }
    var form = h('form', { novalidate: true, onsubmit: function (ev) { ev.preventDefault(); run(op.transfer); } }, [
      h('label', { class: 'ucs-panel-label', for: id, text: t('transferTo') }),
      h('div', { class: 'ucs-panel-row' }, [input]),
      h('div', { class: 'ucs-panel-row' }, [
        button({ type: 'submit', action: 'transfer-consult', label: t('consult'), icon: 'users', keepLabel: true, variant: 'primary' }),
        button({ action: 'blind-transfer', label: t('blindTransfer'), icon: 'transfer', keepLabel: true, onClick: function () { run(op.blindTransfer); } })
      ])
    ]);
    return panelShell('transfer', t('transfer'), { left: true }, [form]);
  }

  function accountPanel() {
    var call = accountCall;
    if (!call) return null;
    var d = callDisplay(call);
    var codes = callReasonList();
    var buttons = codes.map(function (c) {
      return h('button', { type: 'button', class: 'ucs-btn ucs-btn-keep', 'data-ucs-action': 'account-code', 'data-ucs-account-code': c.value, text: c.label,
        onclick: function () {
          op.setAccountCode(call.uniqueid, c.value, null, false).then(function () {
            localNotify(t('accountCodeSaved'), 'success', { unique: true, timeout: 5000 });
            closePanel();
          }, function () { /* reported */ });
        } });
    });
    return panelShell('account', t('accountCode'), { left: true, sub: t('accountCodeFor', { number: d.title }) }, [
      codes.length ? h('div', { class: 'ucs-codes', 'data-ucs-call-uniqueid': call.uniqueid }, buttons) : h('p', { class: 'ucs-muted', text: t('noCallReasons') }),
      h('div', { class: 'ucs-panel-row', style: 'margin-top:10px' }, [
        button({ action: 'account-skip', label: t('skip'), variant: 'ghost', onClick: function () { closePanel(); } })
      ])
    ]);
  }

  var historyRefs = null;
  function historyPanel() {
    var fid = fieldId('hfilter'), did = fieldId('hdir');
    var filter = h('input', { id: fid, class: 'ucs-input', type: 'search', placeholder: t('historyFilter'), 'data-ucs-field': 'history-filter',
      autocomplete: 'off', value: Report.filter, 'data-ucs-autofocus': '', oninput: function () {
        Report.filter = filter.value.trim();
        Report.query(false);
      } });
    var direction = h('select', { id: did, class: 'ucs-select', 'data-ucs-field': 'history-direction', onchange: function () {
      Report.direction = direction.value;
      Report.query(false);
    } }, [
      h('option', { value: '', text: t('allCalls'), selected: !Report.direction }),
      h('option', { value: 'INCOMING', text: t('incoming'), selected: Report.direction === 'INCOMING' }),
      h('option', { value: 'OUTGOING', text: t('outgoing'), selected: Report.direction === 'OUTGOING' })
    ]);
    var status = h('div', { class: 'ucs-hstatus', 'data-ucs-history-status': '', 'data-ucs-history-state': Report.state, role: 'status' });
    var list = h('ul', { class: 'ucs-list ucs-hlist', 'data-ucs-history-list': '' });
    historyRefs = { status: status, list: list, sig: null };
    return panelShell('history', t('history'), {
      wide: true,
      head: button({ action: 'history-refresh', label: t('retry'), icon: 'refresh', iconOnly: true, variant: 'ghost', onClick: function () { Report.retryNow(); } })
    }, [
      h('div', { class: 'ucs-panel-row' }, [
        h('label', { class: 'ucs-sr', for: fid, text: t('historyFilter') }), filter,
        h('label', { class: 'ucs-sr', for: did, text: t('allCalls') }), direction
      ]),
      status,
      list
    ]);
  }

  function renderHistory() {
    if (openPanelName !== 'history' || !historyRefs || !panelEl) return;
    var status = historyRefs.status, list = historyRefs.list;
    status.setAttribute('data-ucs-history-state', Report.state);
    while (status.firstChild) status.removeChild(status.firstChild);
    if (Report.state === 'connecting' || Report.state === 'loading') {
      status.appendChild(h('span', { class: 'ucs-spinner' }));
      status.appendChild(h('span', { text: t('historyLoading') }));
    } else if (Report.state === 'error') {
      status.appendChild(icon('error'));
      var text = t('historyError', { reason: Report.error || '' });
      if (Report.retryTimer) text += ' ' + t('retryIn', { s: Math.max(0, Math.ceil((Report.retryAt - now()) / 1000)) });
      status.appendChild(h('span', { text: text }));
      status.appendChild(button({ action: 'history-retry', label: t('retry'), variant: 'ghost', onClick: function () { Report.retryNow(); } }));
    } else if (Report.state === 'ok') {
      status.appendChild(h('span', { text: Report.calls.length ? t('historyCount', { n: Report.calls.length, total: Report.total }) : '' }));
    }
    var canDial = S.status === 'READY' && S.phase === 'live' && !S.calls.length;
    var sig = [lang, canDial, Report.state === 'error' ? 'e' : '', JSON.stringify(Report.calls.map(function (c) { return c.uniqueid + c.cause; }))].join('|');
    if (sig === historyRefs.sig) return;
    historyRefs.sig = sig;
    while (list.firstChild) list.removeChild(list.firstChild);
    if (Report.state === 'ok' && !Report.calls.length) {
      list.appendChild(h('li', { class: 'ucs-hempty', 'data-ucs-history-empty': '', text: t('historyEmpty') }));
      return;
    }
    Report.calls.forEach(function (c) {
      var p = callParty(c);
      var incoming = c.direction === 'INCOMING';
      var missed = incoming && !c.connected; // an unanswered outgoing call is not a missed one
      var shown = displayNumber(c, p.number);
      var talk = c.connected && c.disconnected ? c.disconnected - c.connected : 0;
      var label = p.name || shown || '?';
      list.appendChild(h('li', { class: 'ucs-hrow', 'data-ucs-history-row': '', 'data-ucs-call-uniqueid': c.uniqueid || '',
        'data-ucs-call-direction': String(c.direction || '').toLowerCase() }, [
        h('span', { class: 'ucs-hdir', 'data-ucs-missed': missed ? '' : null, title: incoming ? t('incoming') : t('outgoing') }, icon(incoming ? 'incoming' : 'outgoing')),
        h('div', { class: 'ucs-hmain' }, [
          h('button', { type: 'button', class: 'ucs-link', 'data-ucs-action': 'history-dial', 'data-ucs-number': p.number, disabled: !canDial || !p.number,
            title: p.number ? t('dialThis', { number: p.number }) : null, text: label,
            onclick: function () { Ring.unlock(); quiet(op.dial(p.number)); closePanel(); } }),
          p.name ? h('span', { class: 'ucs-hnum', text: shown }) : null
        ]),
        h('div', { class: 'ucs-hmeta' }, [
          h('strong', { text: formatTime(c.created) }),
          h('span', { text: (c.connected ? formatDuration(talk) : '—') + ' · ' + causeText(typeof c.cause === 'number' ? c.cause : 0, c) })
        ])
      ]));
    });
  }

  // ---- public/src/operator/views/notes.js
  // Notifications and the bottom strip.

  function renderNotes() {
    var box = refs && refs.notes;
    if (!box || !rendering()) return;
    var list = visibleNotes();
    if (viewKey === 'credentials') list = list.slice(-2);
    else if (cfg('showBottomMenu')) list = list.slice(-3);
    else list = list.slice(-4);
    var sig = list.map(function (n) { return n.id; }).join(',') + '|' + lang;
    if (box._sig === sig) return;
    box._sig = sig;
    while (box.firstChild) box.removeChild(box.firstChild);
    list.forEach(function (n) {
      box.appendChild(h('div', { class: 'ucs-note', 'data-ucs-notification': String(n.id), 'data-ucs-type': n.type, 'data-ucs-group': n.group,
        role: n.type === 'error' ? 'alert' : null }, [
        icon(n.type),
        h('span', { class: 'ucs-note-text', title: n.text, text: n.text }),
        h('button', { type: 'button', class: 'ucs-note-x', 'data-ucs-action': 'dismiss', 'aria-label': t('dismiss'), title: t('dismiss'),
          onclick: function () { removeNote(n.id); } }, icon('close'))
      ]));
    });
  }

  function updateMeta() {
    var m = refs && refs.meta;
    if (!m) return;
    var phone = op.webPhone;
    var s = [lang, viewKey, deviceLabel(S.device), S.tabs, S.primary, S.connection, phone && phone.state].join('|');
    if (m._sig === s) return;
    m._sig = s;
    while (m.firstChild) m.removeChild(m.firstChild);
    if (S.tabs > 1) {
      m.appendChild(h('span', { 'data-ucs-tabs': String(S.tabs), title: S.primary === false ? t('mirrorTab') : '',
        text: t('tabs', { n: S.tabs }) + (S.primary === false ? ' · ' + t('mirrorTab') : '') }));
    }
    // The DEVICE view's card already names the phone; READY shows it under the agent's name.
    var showsDevice = viewKey === 'device' || (String(cfg('topMenuNameContent')).indexOf('%name%') >= 0 && viewKey === 'ready');
    if (S.device && !showsDevice) m.appendChild(h('span', { class: 'ucs-meta-device', text: deviceLabel(S.device) }));
    if (phone && viewKey === 'ready') {
      m.appendChild(h('span', { class: 'ucs-meta-device', 'data-ucs-webphone': phone.state, title: phone.error || phone.aor,
        text: t('webPhone_' + phone.state) }));
    }
    var conn = { open: 'connOnline', connecting: 'connConnecting', reconnecting: 'connReconnecting', stopped: 'connStopped', idle: 'connConnecting' }[S.connection];
    m.appendChild(h('span', { class: 'ucs-conn', 'data-ucs-connection-text': S.connection }, [
      h('span', { class: 'ucs-dot', 'data-ucs-connection': S.connection, 'aria-hidden': 'true' }),
      h('span', { text: t(conn || 'connOnline') })
    ]));
  }

  // ---- public/src/operator/lifecycle.js
  // Page lifecycle: outside clicks and Escape, beforeunload, pagehide/pageshow, mounting the UI,
  // and the start (on `load`, or at once with legacyStartup).

  function onDocumentPointer(ev) {
    if (!openPanelName || !panelEl) return;
    var target = ev.target;
    if (panelEl.contains(target)) return;
    var toggle = refs.toggles && refs.toggles[openPanelName];
    if (toggle && toggle.contains(target)) return;
    if (openPanelName === 'account') return; // the call-reason picker stays until chosen or skipped
    closePanel(true);
  }

  function onDocumentKey(ev) {
    if (ev.key === 'Escape' && openPanelName && panelEl && root && root.contains(doc.activeElement)) {
      closePanel();
    }
  }

  function onBeforeUnload(ev) {
    if (!cfg('confirmUnload')) return undefined;
    if (S.status === 'READY' && S.calls.length) {
      ev.preventDefault();
      ev.returnValue = '';
      return '';
    }
    return undefined;
  }

  function onPageHide() {
    // No logout here: integrated auto-logout is the gateway's (sso's logoutOnClose), so a reload
    // resumes the session and closing the user's last tab logs out after a grace period (6.4).
    unloading = true;
  }

  function onPageShow(ev) {
    if (ev && ev.persisted) {
      unloading = false;
      if (!ws && !stopped) connect();
    }
  }

  function mountUI() {
    if (root) return true;
    var el = doc.getElementById(String(cfg('renderTo')));
    if (!el) return false;
    root = el;
    injectStyle();
    root.classList.add('ucs-root');
    root.setAttribute('data-ucs-root', '');
    root.setAttribute('data-ucs-version', OPERATOR_VERSION);
    doc.addEventListener('pointerdown', onDocumentPointer, true);
    doc.addEventListener('keydown', onDocumentKey, true);
    ticker = setInterval(tick, 1000);
    render();
    return true;
  }

  function start() {
    if (S.started) return;
    S.started = true;
    debug('starting ' + OPERATOR_VERSION);
    if (!cfg('headless')) {
      // With legacyStartup the element may come later in the document: try again when it is parsed.
      if (!mountUI() && doc.readyState === 'loading') {
        doc.addEventListener('DOMContentLoaded', function () {
          if (!mountUI()) fire('onWarning', 'ucsOperator: no element with the id "' + cfg('renderTo') + '" to render into; running without a UI.');
        });
      } else if (!root) {
        fire('onWarning', 'ucsOperator: no element with the id "' + cfg('renderTo') + '" to render into; running without a UI.');
      }
    }
    // Audio may only start after a user gesture: unlock it on the first one.
    var unlock = function () {
      Ring.unlock();
      doc.removeEventListener('pointerdown', unlock, true);
      doc.removeEventListener('keydown', unlock, true);
    };
    doc.addEventListener('pointerdown', unlock, true);
    doc.addEventListener('keydown', unlock, true);
    w.addEventListener('beforeunload', onBeforeUnload);
    w.addEventListener('pagehide', onPageHide);
    w.addEventListener('pageshow', onPageShow);
    w.addEventListener('online', function () { if (!ws && reconnectTimer) reconnectNow(); });
    adoptHandedSession();
    connect();
  }

  if (cfg('legacyStartup') || doc.readyState === 'complete') start();
  else w.addEventListener('load', start);
})();
