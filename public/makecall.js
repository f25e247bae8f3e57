// The click-to-call popup, makecall.htm?destnumber=N (docs/compatibility.md §2.1, docs/click-to-call.md §3).
//
// Two ways in:
// - a link with credentials (user, pass, time, duration): GET /makecall/session with the same
//   query gives a session token restricted to the number, kept in sessionStorage so that a reload
//   reuses it; without a web phone the agent bar (operator.js, headless) attaches with it
//   (config `sessionToken`);
// - a plain link: the agent bar's own session (this tab's, or one copied from the opener), else
//   its remembered login (`autologin`, localStorage `ucsOperator.remember`), else a login form.
// Where the gateway has a `sip` route and the user a SIP identity (the session's answer names
// them), the call is placed from this window itself: the web phone over WebRTC
// (makecall-phone.mjs; a signed-in user's session is first exchanged for one restricted to the
// number). Otherwise the agent's phone is paired if needed (the `callgate_identifier` cookie, or a
// picker) and the call placed on it through the agent bar. Either way its progress is shown, the
// keypad sends DTMF, and the window closes itself when the call ends. Texts in en/de/cs by
// `lang` (else the browser's language).
//
// Longer than ~400 lines: one window's script whose views, texts and two ways of calling share
// the window's state (`ui`); the call from the browser itself is its own module
// (makecall-phone.mjs). Splitting the rest means modules that pass `ui` around (not done yet).
'use strict';

(() => {
  const TEXTS = {
    en: {
      title: 'Call {number}', calling: 'Call', connecting: 'Connecting…', checkingLink: 'Checking the link…',
      loginTitle: 'Log in to call', username: 'User name', password: 'Password', remember: 'Remember me',
      language: 'Language', login: 'Log in', loggingIn: 'Logging in…', loginRequired: 'Enter your user name and password.',
      phoneTitle: 'Which phone should call?', phone: 'Phone', identifier: 'Phone identifier',
      identifierPlaceholder: 'e.g. web-alice', otherIdentifier: 'Other identifier…', pair: 'Use this phone',
      lookingForPhone: 'Looking for your phone…', pairing: 'Connecting your phone…', signingIn: 'Signing in…',
      dialling: 'Dialling…', ringing: 'Ringing…', connected: 'Connected', onHold: 'On hold', ended: 'Call ended',
      hangup: 'Hang up', keypad: 'Keypad', sent: 'Tones sent: {digits}',
      callAgain: 'Call again', close: 'Close', tryAgain: 'Try again', loginInstead: 'Log in instead',
      closeHint: 'You can close this window now.', closing: 'This window closes…', logout: 'Log out', signedInAs: 'Signed in as {name}',
      busyTitle: 'You already have a call', busy: 'Finish your current call, then try again.',
      callFailed: 'The call could not be placed', noNumberTitle: 'Nothing to call', noNumber: 'The link has no number to call (destnumber).',
      linkTitle: 'This call link cannot be used', linkInvalid: 'The link is not valid. Open it again from the page.',
      linkExpired: 'The link has expired. Open it again from the page.',
      linkNotYet: 'The link is not valid yet. Check the clock of this computer.',
      linkUsed: 'The link has already been used. Open it again from the page.', linkMalformed: 'The link is damaged: {reason}',
      linkUnavailable: 'The phone server did not answer ({status}).',
      linkInUse: 'This link’s call is open in another window. Close that one first.',
      phoneUnreachable: 'Cannot reach the phone server. Trying again…', microphone: 'No microphone: {reason}',
      connectionLost: 'Connection lost. Reconnecting…', linkSessionOver: 'The link’s time is up. Log in to go on.',
      cause0: 'The call has ended.', cause1: 'The line is busy.', cause2: 'The number cannot be dialled.',
      cause3: 'You hung up.', cause4: 'The other side hung up.', cause5: 'The call was rejected.',
      cause6: 'Nobody answered.', cause7: 'The call was picked up elsewhere.', cause8: 'The call was transferred.',
    },
    de: {
      title: 'Anruf {number}', calling: 'Anruf', connecting: 'Verbinden…', checkingLink: 'Link wird geprüft…',
      loginTitle: 'Zum Anrufen anmelden', username: 'Benutzername', password: 'Passwort', remember: 'Anmeldedaten merken',
      language: 'Sprache', login: 'Anmelden', loggingIn: 'Anmeldung…', loginRequired: 'Bitte Benutzername und Passwort eingeben.',
      phoneTitle: 'Welches Telefon soll anrufen?', phone: 'Telefon', identifier: 'Telefon-Kennung',
      identifierPlaceholder: 'z. B. web-alice', otherIdentifier: 'Andere Kennung…', pair: 'Dieses Telefon verwenden',
      lookingForPhone: 'Ihr Telefon wird gesucht…', pairing: 'Telefon wird verbunden…', signingIn: 'Anmeldung…',
      dialling: 'Wählt…', ringing: 'Klingelt…', connected: 'Verbunden', onHold: 'Gehalten', ended: 'Anruf beendet',
      hangup: 'Auflegen', keypad: 'Tastatur', sent: 'Gesendete Töne: {digits}',
      callAgain: 'Erneut anrufen', close: 'Schließen', tryAgain: 'Erneut versuchen', loginInstead: 'Stattdessen anmelden',
      closeHint: 'Sie können dieses Fenster jetzt schließen.', closing: 'Dieses Fenster wird geschlossen…', logout: 'Abmelden', signedInAs: 'Angemeldet als {name}',
      busyTitle: 'Sie telefonieren bereits', busy: 'Beenden Sie den laufenden Anruf und versuchen Sie es dann erneut.',
      callFailed: 'Der Anruf konnte nicht aufgebaut werden', noNumberTitle: 'Keine Nummer', noNumber: 'Der Link enthält keine Nummer (destnumber).',
      linkTitle: 'Dieser Anruf-Link ist nicht nutzbar', linkInvalid: 'Der Link ist ungültig. Öffnen Sie ihn erneut von der Seite.',
      linkExpired: 'Der Link ist abgelaufen. Öffnen Sie ihn erneut von der Seite.',
      linkNotYet: 'Der Link ist noch nicht gültig. Prüfen Sie die Uhrzeit dieses Computers.',
      linkUsed: 'Der Link wurde bereits verwendet. Öffnen Sie ihn erneut von der Seite.', linkMalformed: 'Der Link ist beschädigt: {reason}',
      linkUnavailable: 'Der Telefonserver hat nicht geantwortet ({status}).',
      linkInUse: 'Der Anruf dieses Links läuft in einem anderen Fenster. Schließen Sie es zuerst.',
      phoneUnreachable: 'Der Telefonserver ist nicht erreichbar. Neuer Versuch…', microphone: 'Kein Mikrofon: {reason}',
      connectionLost: 'Verbindung verloren. Neuer Versuch…', linkSessionOver: 'Die Zeit des Links ist abgelaufen. Melden Sie sich an, um fortzufahren.',
      cause0: 'Der Anruf ist beendet.', cause1: 'Die Leitung ist besetzt.', cause2: 'Die Nummer kann nicht gewählt werden.',
      cause3: 'Sie haben aufgelegt.', cause4: 'Die Gegenseite hat aufgelegt.', cause5: 'Der Anruf wurde abgewiesen.',
      cause6: 'Niemand hat abgenommen.', cause7: 'Der Anruf wurde woanders angenommen.', cause8: 'Der Anruf wurde weitergeleitet.',
    },
    cs: {
      title: 'Volání {number}', calling: 'Volání', connecting: 'Připojování…', checkingLink: 'Ověřování odkazu…',
      loginTitle: 'Přihlaste se k volání', username: 'Uživatelské jméno', password: 'Heslo', remember: 'Zapamatovat si mě',
      language: 'Jazyk', login: 'Přihlásit', loggingIn: 'Přihlašování…', loginRequired: 'Zadejte uživatelské jméno a heslo.',
      phoneTitle: 'Ze kterého telefonu volat?', phone: 'Telefon', identifier: 'Identifikátor telefonu',
      identifierPlaceholder: 'např. web-alice', otherIdentifier: 'Jiný identifikátor…', pair: 'Použít tento telefon',
      lookingForPhone: 'Hledám váš telefon…', pairing: 'Připojuji telefon…', signingIn: 'Přihlašování…',
      dialling: 'Vytáčení…', ringing: 'Vyzvání…', connected: 'Spojeno', onHold: 'Přidrženo', ended: 'Hovor ukončen',
      hangup: 'Zavěsit', keypad: 'Klávesnice', sent: 'Odeslané tóny: {digits}',
      callAgain: 'Volat znovu', close: 'Zavřít', tryAgain: 'Zkusit znovu', loginInstead: 'Raději se přihlásit',
      closeHint: 'Toto okno teď můžete zavřít.', closing: 'Okno se zavírá…', logout: 'Odhlásit', signedInAs: 'Přihlášen(a): {name}',
      busyTitle: 'Už máte hovor', busy: 'Dokončete probíhající hovor a zkuste to znovu.',
      callFailed: 'Hovor se nepodařilo spojit', noNumberTitle: 'Není co volat', noNumber: 'Odkaz neobsahuje číslo (destnumber).',
      linkTitle: 'Tento odkaz pro volání nelze použít', linkInvalid: 'Odkaz je neplatný. Otevřete ho znovu ze stránky.',
      linkExpired: 'Platnost odkazu vypršela. Otevřete ho znovu ze stránky.',
      linkNotYet: 'Odkaz ještě neplatí. Zkontrolujte hodiny tohoto počítače.',
      linkUsed: 'Odkaz už byl použit. Otevřete ho znovu ze stránky.', linkMalformed: 'Odkaz je poškozený: {reason}',
      linkUnavailable: 'Telefonní server neodpověděl ({status}).',
      linkInUse: 'Hovor z tohoto odkazu běží v jiném okně. Nejdřív ho zavřete.',
      phoneUnreachable: 'Telefonní server není dostupný. Zkouším znovu…', microphone: 'Chybí mikrofon: {reason}',
      connectionLost: 'Spojení ztraceno. Připojuji znovu…', linkSessionOver: 'Čas odkazu vypršel. Pro pokračování se přihlaste.',
      cause0: 'Hovor skončil.', cause1: 'Linka je obsazená.', cause2: 'Číslo nelze vytočit.',
      cause3: 'Zavěsili jste.', cause4: 'Druhá strana zavěsila.', cause5: 'Hovor byl odmítnut.',
      cause6: 'Nikdo to nezvedl.', cause7: 'Hovor byl přijat jinde.', cause8: 'Hovor byl přepojen.',
    },
  };
  const LINK_KEY = 'callgate.makecall.link';      // sessionStorage: {pass, token, expires, user, destination, sip}
  const PLACED_KEY = 'callgate.makecall.placed';  // sessionStorage: {query, uniqueid}
  const CLOSE_DELAY_MS = 1500;
  const PICKER_DELAY_MS = 1800;

  const root = document.getElementById('makecall');
  const $ = (selector) => root.querySelector(selector);
  const $$ = (selector) => Array.from(root.querySelectorAll(selector));

  // ------------------------------------------------------------------------ the link

  /** The query's parameters, decoded as the gateway decodes them: `+` is a space, except a `+`
   *  that is the first raw character of `destnumber` (a hand-written international number). */
  function parseQuery(search) {
    const values = {};
    for (const part of search.replace(/^\?/, '').split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      let raw = eq < 0 ? '' : part.slice(eq + 1);
      let plus = '';
      if (name === 'destnumber' && raw.startsWith('+')) { plus = '+'; raw = raw.slice(1); }
      try {
        values[decodeURIComponent(name.replace(/\+/g, ' '))] = plus + decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch (error) {
        values[name] = null; // an undecodable escape: the gateway refuses the link with the reason
      }
    }
    return values;
  }

  const query = parseQuery(location.search);
  const credentialNames = ['user', 'pass', 'time', 'duration'];
  const linkMode = credentialNames.some((name) => name in query);
  const destination = (query.destnumber || '').trim();

  let lang = pickLanguage(query.lang);

  function pickLanguage(wanted) {
    const candidates = [wanted, ...(navigator.languages || [navigator.language])];
    for (const candidate of candidates) {
      const short = String(candidate || '').toLowerCase().split(/[-_]/)[0];
      if (TEXTS[short]) return short;
    }
    return 'en';
  }

  function t(key, values) {
    const text = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.en[key] || key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (values && name in values ? String(values[name]) : match));
  }

  /** "+420 602 123 456" for an E.164 number (country code, then groups of three); others as given. */
  function formatNumber(number) {
    const compact = String(number).replace(/[\s\u00a0().\/-]/g, '');
    if (!/^\+[1-9]\d{6,14}$/.test(compact)) return String(number);
    const digits = compact.slice(1);
    const two = /^(2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;
    const ccLen = /^[17]/.test(digits) ? 1 : two.test(digits) ? 2 : 3;
    let rest = digits.slice(ccLen);
    const groups = [];
    while (rest.length > 4) { groups.push(rest.slice(0, 3)); rest = rest.slice(3); }
    if (rest) groups.push(rest);
    return '+' + digits.slice(0, ccLen) + ' ' + groups.join(' ');
  }

  function storeGet(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (error) { return null; }
  }
  function storeSet(key, value) {
    try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (error) { /* private mode: no resume */ }
  }

  // ------------------------------------------------------------------------ the window

  const ui = {
    view: 'starting',
    waitKey: 'connecting',
    number: destination,     // what is dialled: the gateway's classification in link mode
    uniqueid: null,          // our call
    call: null,              // its last Call object
    seen: {},                // calls by uniqueid, for events that come before the dial's reply
    clockOffset: 0,
    sent: '',
    hangupByUs: false,
    dialing: false,
    placed: false,
    closing: false,
    identifierSeen: false,
    pickerTimer: null,
    lastWarning: null,
    user: null,              // the User object once logged in
    trail: ['starting'],     // the views shown, in order (data-mc-trail: for tests and integrators)
    error: null,             // {title, text, retry, loginInstead}
    ended: null,             // {title, text}
    mode: 'bar',             // 'phone': the call is this window's own (WebRTC); 'bar': on the agent's phone
    webCall: null,           // the phone mode's controller (makecall-phone.mjs)
    exchanged: false,        // a signed-in session was offered for the phone mode
    identifyPending: null,   // the identify list while that offer is open
  };

  function applyTexts() {
    document.documentElement.lang = lang;
    for (const el of $$('[data-t]')) el.textContent = t(el.dataset.t);
    for (const el of $$('[data-t-placeholder]')) el.placeholder = t(el.dataset.tPlaceholder);
    for (const el of $$('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel));
    $('[data-mc-field="language"]').value = lang;
    const shown = formatNumber(ui.number || destination);
    $('[data-mc-number]').textContent = shown;
    document.title = destination ? t('title', { number: shown }) : 'Callgate';
    render();
  }

  function show(view, waitKey) {
    if (ui.trail[ui.trail.length - 1] !== view) ui.trail.push(view);
    ui.view = view;
    if (waitKey) ui.waitKey = waitKey;
    render();
  }

  function callPhase() {
    const call = ui.call;
    if (!call) return ui.dialing || ui.uniqueid ? 'dialling' : '';
    if (call.state === 3 && call.remoteHeld) return 'hold'; // the web phone's call, held by the far end
    return ({ 0: 'dialling', 1: 'dialling', 2: 'ringing', 3: 'connected', 4: 'ended', 5: 'hold' })[call.state] || 'dialling';
  }

  function render() {
    root.dataset.mcView = ui.view;
    root.dataset.mcTrail = ui.trail.join(' ');
    $('[data-mc-wait-text]').textContent = t(ui.waitKey);
    const phase = callPhase();
    root.dataset.mcCallState = phase;
    const stateText = { dialling: t('dialling'), ringing: t('ringing'), connected: t('connected'), hold: t('onHold'), ended: t('ended') };
    $('[data-mc-state-text]').textContent = stateText[phase] || t('dialling');
    renderTimer();
    $('[data-mc-sent]').textContent = ui.sent ? t('sent', { digits: ui.sent }) : '';
    for (const key of $$('[data-mc-digit]')) key.disabled = phase !== 'connected';
    $('[data-mc-action="hangup"]').disabled = !ui.uniqueid || phase === 'ended';
    if (ui.error) {
      $('[data-mc-error-title]').textContent = ui.error.title;
      $('[data-mc-error-text]').textContent = ui.error.text;
      $('[data-mc-action="retry"]').hidden = !ui.error.retry;
      $('[data-mc-action="login-instead"]').hidden = !ui.error.loginInstead;
    }
    if (ui.ended) {
      $('[data-mc-end-title]').textContent = ui.ended.title;
      $('[data-mc-end-text]').textContent = ui.ended.text;
      $('[data-mc-end-note]').textContent = ui.ended.note || '';
      $('[data-mc-end-buttons]').hidden = !!ui.ended.closing;
      $('[data-mc-action="again"]').hidden = !ui.ended.again;
    }
    const user = ui.user;
    $('[data-mc-foot]').hidden = !user;
    $('[data-mc-user]').textContent = user ? t('signedInAs', { name: user.displayname }) : '';
    // A link's session may not log out (it would sign the agent out everywhere); a login may.
    $('[data-mc-action="logout"]').hidden = !user || sessionIsLink();
  }

  function renderTimer() {
    const call = ui.call;
    const timer = $('[data-mc-timer]');
    if (!call || call.state === 4 || !call.connected) { timer.textContent = ''; return; }
    const seconds = Math.max(0, Math.floor(Date.now() / 1000 + ui.clockOffset - call.connected));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    timer.textContent = (m >= 60 ? Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
    timer.dateTime = 'PT' + seconds + 'S';
  }
  setInterval(() => { if (ui.view === 'call') renderTimer(); }, 1000);

  function fail(title, text, options) {
    ui.error = { title, text, retry: !!(options && options.retry), loginInstead: !!(options && options.loginInstead) };
    show('error');
  }

  function banner(text) {
    const el = $('[data-mc-banner]');
    el.textContent = text || '';
    el.hidden = !text;
  }

  // ------------------------------------------------------------------------ the session

  function sessionIsLink() {
    try {
      const stored = JSON.parse(sessionStorage.getItem('ucsOperator.session') || 'null');
      return !!(stored && stored.provider === 'makecall');
    } catch (error) {
      return false;
    }
  }

  async function openLinkSession() {
    const stored = storeGet(LINK_KEY);
    if (stored && stored.pass === query.pass && stored.expires * 1000 > Date.now() + 5000) return stored;
    show('starting', 'checkingLink');
    let response, body;
    try {
      response = await fetch('/makecall/session' + location.search, { cache: 'no-store', credentials: 'same-origin',
                                                                        headers: { Accept: 'application/json' } });
      body = await response.json().catch(() => null);
    } catch (error) {
      fail(t('linkTitle'), t('linkUnavailable', { status: error.message }), { retry: true });
      return null;
    }
    if (response.ok && body && body.token) {
      const session = { pass: query.pass, token: body.token, expires: body.expires, user: body.user, destination: body.destination,
                        sip: body.sip || null };
      storeSet(LINK_KEY, session);
      return session;
    }
    const code = body && body.error ? body.error.code : '';
    const reason = body && body.error ? body.error.text : '';
    const text = code === 'expired' ? t('linkExpired')
      : code === 'notYetValid' ? t('linkNotYet')
      : code === 'replayed' ? t('linkUsed')
      : code === 'inUse' ? t('linkInUse')
      : response.status === 400 ? t('linkMalformed', { reason })
      : response.status === 401 ? t('linkInvalid')
      : t('linkUnavailable', { status: response.status });
    fail(t('linkTitle'), text, { retry: response.status >= 500 || response.status === 409,
                                 loginInstead: response.status === 400 || response.status === 401 });
    return null;
  }

  /** Starts the agent bar (operator.js, headless) with the popup's callbacks. */
  function startBar(linkSession) {
    if (window.ucsOperator && window.ucsOperator.version) return;
    if (!linkSession && sessionIsLink()) {
      // This tab's stored session came from a link (a popup navigated to another number):
      // it may call only that link's number, so log in afresh instead.
      try { sessionStorage.removeItem('ucsOperator.session'); } catch (error) { /* ignore */ }
    }
    if (linkSession) ui.number = linkSession.destination;
    applyTexts();
    window.ucsOperator = {
      headless: true,
      lang,
      autologin: true,
      identifyURL: false,
      identifyCookie: true,
      identifyIP: true,
      confirmDevice: false,
      // Never the agent's web phone in this window: it would take the agent's calls here.
      webPhone: false,
      // Without a link: no pairing until it is known whether this window calls by itself.
      withoutDevice: !linkSession,
      sessionToken: linkSession
        ? { token: linkSession.token, expires: linkSession.expires, user: linkSession.user, provider: 'makecall' } : null,
      onConnect: () => banner(''),
      onCredentials,
      onLoginError,
      onUser: (user) => { ui.user = user; render(); if (!linkSession) offerSignedInSession(); },
      onIdentify,
      onIdentifier: (identifier) => {
        ui.identifierSeen = true;
        ui.ipIdentifier = identifier;
        if (ui.view !== 'call' && ui.mode === 'bar') show('starting', 'pairing');
      },
      onDevice: () => { if (ui.view !== 'call') show('starting', 'pairing'); },
      onReady,
      onCallNew: onCall, onCallRinging: onCall, onCallConnect: onCall, onCallHold: onCall, onCallResume: onCall,
      onCallHangup: onCall,
      onError: () => banner(t('connectionLost')),
      onInfo: () => banner(''),
      onWarning: onWarning,
    };
    const script = document.createElement('script');
    script.src = '/operator.js';
    script.onerror = () => fail(t('callFailed'), t('linkUnavailable', { status: 'operator.js' }), { retry: true });
    document.head.append(script);
  }

  /** Signed in without a link: the session is offered for a call from this window (a token
   *  restricted to the number, /makecall/session with it as bearer). Refused (no sip route, no
   *  SIP identity): the agent's phone is paired and calls, as without a web phone. */
  async function offerSignedInSession() {
    if (ui.exchanged || ui.mode === 'phone') return;
    const stored = storeGet('ucsOperator.session');
    let body = null;
    if (stored && stored.token) {
      try {
        const response = await fetch('/makecall/session' + location.search, {
          cache: 'no-store', credentials: 'omit', headers: { Accept: 'application/json', Authorization: 'Bearer ' + stored.token } });
        body = response.ok ? await response.json() : null;
      } catch (error) {
        body = null;
      }
    }
    ui.exchanged = true;
    if (body && body.token && body.sip) {
      startPhoneMode(body);
      return;
    }
    pairAgentPhone();
  }

  /** The agent bar pairs the agent's phone: by itself from now on; for an identify that came
   *  while the offer was open, from the cookie or the gateway's address match, else the picker. */
  function pairAgentPhone() {
    const op = window.ucsOperator;
    op.withoutDevice = false;
    const pending = ui.identifyPending;
    ui.identifyPending = null;
    if (!pending || op.status !== 'IDENTIFY') return;
    onIdentify(pending);
    const saved = (document.cookie.match(/(?:^|;\s*)callgate_identifier=([^;]*)/) || [])[1];
    const pick = saved ? decodeURIComponent(saved) : ui.ipIdentifier;
    if (pick) {
      ui.identifierSeen = true;
      show('starting', 'pairing');
      op.selectIdentifier(pick).catch(() => { /* onWarning shows the picker */ });
    }
  }

  /** The call from this window: the web phone on the session's sip route (makecall-phone.mjs). */
  async function startPhoneMode(session) {
    ui.mode = 'phone';
    ui.number = session.destination;
    ui.user = ui.user || { displayname: session.user };
    applyTexts();
    const placed = storeGet(PLACED_KEY);
    const reload = (performance.getEntriesByType('navigation')[0] || {}).type === 'reload';
    if (reload && placed && placed.query === location.search) {
      // A reload ended the call (its media lived in this page): offer to call again.
      ui.ended = { title: t('ended'), text: t('closeHint'), again: true };
      show('ended');
      return;
    }
    ui.dialing = true;
    show('call');
    let module;
    try {
      module = await import('/makecall-phone.mjs');
    } catch (error) {
      fail(t('callFailed'), t('linkUnavailable', { status: 'makecall-phone.mjs' }), { retry: true });
      return;
    }
    ui.webCall = module.startWebCall({
      session,
      number: session.destination,
      onCall: (type, info) => {
        if (!ui.uniqueid) {
          ui.uniqueid = info.uniqueid;
          storeSet(PLACED_KEY, { query: location.search, uniqueid: info.uniqueid });
        }
        if (type === 'callHangup' && info.cause === 0 && !info.connected) ui.lastWarning = null;
        track(info);
      },
      onTrouble: (event) => banner(event ? t('phoneUnreachable') : ''),
    });
    window.makecallPhone = ui.webCall.phone; // for tests and integrators: stats(), state()
  }

  function onCredentials() {
    ui.user = null;
    clearTimeout(ui.pickerTimer);
    if (ui.view === 'call' && ui.call && ui.call.state !== 4) banner(t('linkSessionOver'));
    try {
      const remembered = JSON.parse(localStorage.getItem('ucsOperator.remember') || 'null');
      const field = $('[data-mc-field="username"]');
      if (remembered && remembered.username && !field.value) field.value = remembered.username;
    } catch (error) { /* ignore */ }
    $('[data-mc-action="login"]').disabled = false;
    $('[data-mc-action="login"]').textContent = t('login');
    if (!(ui.view === 'call' && ui.call && ui.call.state !== 4)) show('login');
    const field = $('[data-mc-field="username"]');
    (field.value ? $('[data-mc-field="password"]') : field).focus();
    render();
  }

  function onLoginError(code, message) {
    // 7: the gateway no longer takes the session token (the link's time is up): forget it.
    if (code === 7) try { sessionStorage.removeItem(LINK_KEY); } catch (error) { /* ignore */ }
    const error = $('[data-mc-login-error]');
    error.textContent = message;
    error.hidden = false;
    error.dataset.code = String(code);
    $('[data-mc-action="login"]').disabled = false;
    $('[data-mc-action="login"]').textContent = t('login');
    if (ui.view === 'starting') show('login');
  }

  function onIdentify(identificators) {
    if (ui.mode === 'phone') return;
    if (!ui.exchanged && window.ucsOperator.withoutDevice) {
      // The signed-in session's offer is still open: pair only if it is refused.
      ui.identifyPending = identificators || [];
      return;
    }
    ui.identifierSeen = false;
    if (ui.view !== 'call') show('starting', 'lookingForPhone');
    fillPhones(identificators || []);
    clearTimeout(ui.pickerTimer);
    // operator.js pairs by itself when the cookie (or the address) names a phone; only without
    // one does the agent choose.
    ui.pickerTimer = setTimeout(() => {
      const op = window.ucsOperator;
      if (op.status === 'IDENTIFY' && !ui.identifierSeen && ui.view === 'starting') show('phone');
    }, PICKER_DELAY_MS);
  }

  function fillPhones(list) {
    const select = $('[data-mc-field="device"]');
    const phones = list.filter((d) => d && Array.isArray(d.identifiers) && d.identifiers.length);
    select.replaceChildren(...phones.map((d) => new Option(
      (d.name || d.id) + (d.extension != null ? ' · ' + d.extension : ''), d.identifiers[0])));
    select.add(new Option(t('otherIdentifier'), ''));
    $('[data-mc-phone-list]').hidden = phones.length === 0;
    $('[data-mc-phone-other]').hidden = phones.length > 0;
  }

  function onWarning(message) {
    ui.lastWarning = message;
    const op = window.ucsOperator;
    if (op && op.status === 'IDENTIFY' && (ui.view === 'starting' || ui.view === 'phone')) {
      // A remembered or typed identifier the gateway refused: let the agent choose.
      clearTimeout(ui.pickerTimer);
      const error = $('[data-mc-pair-error]');
      error.textContent = message;
      error.hidden = false;
      show('phone');
    }
  }

  // ------------------------------------------------------------------------ the call

  function onReady(state) {
    if (ui.mode === 'phone') return;
    clearTimeout(ui.pickerTimer);
    banner('');
    render();
    if (ui.placed) return;
    ui.placed = true;
    const existing = state && state.call && state.call.state !== 4 ? state.call : null;
    const reload = (performance.getEntriesByType('navigation')[0] || {}).type === 'reload';
    const placed = storeGet(PLACED_KEY);
    if (existing && placed && placed.uniqueid === existing.uniqueid) {
      // A reload during our call: follow it, do not dial again.
      ui.uniqueid = existing.uniqueid;
      track(existing);
      return;
    }
    if (reload && placed && placed.query === location.search) {
      ui.ended = { title: t('ended'), text: t('closeHint'), again: true };
      show('ended');
      return;
    }
    if (existing) {
      fail(t('busyTitle'), t('busy'), { retry: true });
      return;
    }
    dial();
  }

  async function dial() {
    if (ui.mode === 'phone') {
      ui.uniqueid = null;
      ui.call = null;
      ui.sent = '';
      ui.hangupByUs = false;
      ui.ended = null;
      ui.dialing = true;
      show('call');
      ui.webCall.call();
      return;
    }
    const op = window.ucsOperator;
    ui.uniqueid = null;
    ui.call = null;
    ui.sent = '';
    ui.hangupByUs = false;
    ui.error = null;
    ui.ended = null;
    ui.lastWarning = null;
    ui.dialing = true;
    show('call');
    try {
      const result = await op.dial(ui.number);
      ui.uniqueid = result && result.uniqueid ? result.uniqueid : null;
      storeSet(PLACED_KEY, { query: location.search, uniqueid: ui.uniqueid });
      if (ui.uniqueid && ui.seen[ui.uniqueid]) track(ui.seen[ui.uniqueid]);
      else render();
    } catch (error) {
      ui.dialing = false;
      if (error.code === 'callInProgress') fail(t('busyTitle'), t('busy'), { retry: true });
      else fail(t('callFailed'), ui.lastWarning || error.text || error.message, { retry: true });
    }
  }

  function onCall(call) {
    if (!call || !call.uniqueid || ui.mode === 'phone') return;
    ui.seen[call.uniqueid] = call;
    if (call.uniqueid === ui.uniqueid) track(call);
  }

  function track(call) {
    ui.call = call;
    ui.dialing = false;
    if (typeof call.now === 'number') ui.clockOffset = call.now - Date.now() / 1000;
    if (ui.view !== 'call' && call.state !== 4) show('call');
    render();
    if (call.state === 4) ended(call);
  }

  /** The call is over. It closes the window when the other side hung up, when the agent did (here
   *  or on the phone), or after a connected call; a call that never got through stays open with
   *  the reason and "Call again". */
  function ended(call) {
    const cause = typeof call.cause === 'number' ? call.cause : 0;
    const text = t('cause' + cause) === 'cause' + cause ? t('cause0') : t('cause' + cause);
    const closes = ui.hangupByUs || !!call.connected || [3, 4, 7, 8].includes(cause);
    ui.ended = { title: t('ended'), text, again: !closes, closing: closes, note: closes ? t('closing') : '' };
    show('ended');
    if (!closes) return;
    setTimeout(() => {
      ui.closing = true;
      if (ui.webCall) ui.webCall.stop(); // gives the link back at once
      // Evidence for tests and integrators that the page asked to be closed (a browser may refuse
      // window.close() for a window that a script did not open).
      document.documentElement.dataset.makecallClosing = 'true';
      window.close();
      // Still here: the browser kept the window open; say so and offer the buttons.
      setTimeout(() => {
        ui.ended.closing = false;
        ui.ended.note = t('closeHint');
        render();
      }, 300);
    }, CLOSE_DELAY_MS);
  }

  function sendDigit(digit) {
    const op = window.ucsOperator;
    if (callPhase() !== 'connected') return;
    const key = $(`[data-mc-digit="${CSS.escape(digit)}"]`);
    if (key) {
      key.classList.add('mc-pressed');
      setTimeout(() => key.classList.remove('mc-pressed'), 150);
    }
    const sending = ui.mode === 'phone' ? Promise.resolve(ui.webCall.sendDigit(digit)) : op.dtmf(digit);
    sending.then(() => {
      ui.sent += digit;
      render();
    }, (error) => banner(ui.lastWarning || error.text || error.message));
  }

  // ------------------------------------------------------------------------ controls

  $('[data-mc-form="login"]').addEventListener('submit', (event) => {
    event.preventDefault();
    const username = $('[data-mc-field="username"]').value.trim();
    const password = $('[data-mc-field="password"]').value;
    const error = $('[data-mc-login-error]');
    if (!username || !password) {
      error.textContent = t('loginRequired');
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const button = $('[data-mc-action="login"]');
    button.disabled = true;
    button.textContent = t('loggingIn');
    window.ucsOperator.login(username, password, $('[data-mc-field="remember"]').checked).then(() => {
      $('[data-mc-field="password"]').value = '';
      if (ui.view === 'login') show('starting', 'signingIn');
    }, () => { /* onLoginError shows it */ });
  });

  $('[data-mc-field="language"]').addEventListener('change', (event) => {
    lang = pickLanguage(event.target.value);
    if (window.ucsOperator && window.ucsOperator.setLanguage) window.ucsOperator.setLanguage(lang);
    applyTexts();
  });

  $('[data-mc-field="device"]').addEventListener('change', (event) => {
    $('[data-mc-phone-other]').hidden = event.target.value !== '';
  });

  $('[data-mc-form="phone"]').addEventListener('submit', (event) => {
    event.preventDefault();
    const select = $('[data-mc-field="device"]');
    const listed = !$('[data-mc-phone-list]').hidden && select.value !== '';
    const value = listed ? select.value : $('[data-mc-field="identifier"]').value.trim();
    if (!value) { $('[data-mc-field="identifier"]').focus(); return; }
    $('[data-mc-pair-error]').hidden = true;
    show('starting', 'pairing');
    window.ucsOperator.selectIdentifier(value).catch(() => { /* onWarning shows the picker again */ });
  });

  root.addEventListener('click', (event) => {
    const digit = event.target.closest('[data-mc-digit]');
    if (digit) { sendDigit(digit.dataset.mcDigit); return; }
    const action = event.target.closest('[data-mc-action]');
    if (!action) return;
    switch (action.dataset.mcAction) {
      case 'hangup':
        ui.hangupByUs = true;
        if (ui.mode === 'phone') {
          if (!ui.webCall.hangup()) ui.hangupByUs = false;
          break;
        }
        window.ucsOperator.hangup().catch((error) => { ui.hangupByUs = false; banner(ui.lastWarning || error.text); });
        break;
      case 'again':
      case 'retry':
        if (ui.mode === 'phone' && ui.webCall && action.dataset.mcAction === 'again') { dial(); break; }
        if (!window.ucsOperator || !window.ucsOperator.version) { location.reload(); break; }
        if (window.ucsOperator.status === 'READY') dial();
        else location.reload();
        break;
      case 'login-instead':
        // Forget the link: the plain popup for the same number asks for a login.
        location.replace(location.pathname + '?destnumber=' + encodeURIComponent(destination)
                         + (query.lang ? '&lang=' + encodeURIComponent(query.lang) : ''));
        break;
      case 'close':
        window.close();
        break;
      case 'logout':
        try { localStorage.removeItem('ucsOperator.remember'); } catch (error) { /* ignore */ }
        window.ucsOperator.logout();
        break;
    }
  });

  document.addEventListener('keydown', (event) => {
    if (ui.view !== 'call' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[0-9*#]$/.test(event.key) && !(event.target instanceof HTMLInputElement)) {
      event.preventDefault();
      sendDigit(event.key);
    }
  });

  // ------------------------------------------------------------------------ start

  applyTexts();
  if (!destination) {
    fail(t('noNumberTitle'), t('noNumber'));
  } else if (linkMode) {
    openLinkSession().then((session) => {
      if (session && session.sip) startPhoneMode(session);
      else if (session) startBar(session);
    });
  } else {
    startBar(null);
  }
})();
