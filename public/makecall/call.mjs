// The popup's call, placed either way: from this window (the web phone, web-call.mjs) or on the
// agent's phone through the agent bar (`dial` once it is READY, or following a call a reload
// interrupted); its progress, the keypad's DTMF, and the end that closes the window.

import { $, PLACED_KEY, storeGet, storeSet, ui } from './state.mjs';
import { t } from './texts.mjs';
import { applyTexts, banner, callPhase, fail, render, show } from './view.mjs';

const CLOSE_DELAY_MS = 1500;

/** The call from this window: the web phone on the session's sip route (web-call.mjs). */
export async function startPhoneMode(session) {
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
    module = await import('./web-call.mjs');
  } catch (error) {
    fail(t('callFailed'), t('linkUnavailable', { status: 'web-call.mjs' }), { retry: true });
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


export function onReady(state) {
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

export async function dial() {
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

export function onCall(call) {
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

export function sendDigit(digit) {
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
