// The agent bar (operator.js, headless, docs/operator.md) underneath the popup when the call is
// placed on the agent's phone: its session (the link's token, this tab's or the opener's session,
// the remembered login, else the login form), the offer of a signed-in session for a call from
// this window, and the pairing of the agent's phone (the `callgate_identifier` cookie, the
// gateway's address match, else the picker).

import { onCall, onReady, startPhoneMode } from './call.mjs';
import { $, LINK_KEY, sessionIsLink, storeGet, ui } from './state.mjs';
import { language, t } from './texts.mjs';
import { applyTexts, banner, fail, render, show } from './view.mjs';

const PICKER_DELAY_MS = 1800;

/** Starts the agent bar (operator.js, headless) with the popup's callbacks. */
export function startBar(linkSession) {
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
    lang: language(),
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
