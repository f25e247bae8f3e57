// The popup's views (data-mc-view: starting, login, phone, call, ended, error) drawn from `ui`:
// the texts, the call's phase and timer, the keypad, the error and end panels, the banner.

import { formatNumber } from './number.mjs';
import { $, $$, destination, root, sessionIsLink, ui } from './state.mjs';
import { language, t } from './texts.mjs';

export function applyTexts() {
  document.documentElement.lang = language();
  for (const el of $$('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of $$('[data-t-placeholder]')) el.placeholder = t(el.dataset.tPlaceholder);
  for (const el of $$('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel));
  $('[data-mc-field="language"]').value = language();
  const shown = formatNumber(ui.number || destination);
  $('[data-mc-number]').textContent = shown;
  document.title = destination ? t('title', { number: shown }) : 'Callgate';
  render();
}

export function show(view, waitKey) {
  if (ui.trail[ui.trail.length - 1] !== view) ui.trail.push(view);
  ui.view = view;
  if (waitKey) ui.waitKey = waitKey;
  render();
}

export function callPhase() {
  const call = ui.call;
  if (!call) return ui.dialing || ui.uniqueid ? 'dialling' : '';
  if (call.state === 3 && call.remoteHeld) return 'hold'; // the web phone's call, held by the far end
  return ({ 0: 'dialling', 1: 'dialling', 2: 'ringing', 3: 'connected', 4: 'ended', 5: 'hold' })[call.state] || 'dialling';
}

export function render() {
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

export function renderTimer() {
  const call = ui.call;
  const timer = $('[data-mc-timer]');
  if (!call || call.state === 4 || !call.connected) { timer.textContent = ''; return; }
  const seconds = Math.max(0, Math.floor(Date.now() / 1000 + ui.clockOffset - call.connected));
  const m = Math.floor(seconds / 60), s = seconds % 60;
  timer.textContent = (m >= 60 ? Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
  timer.dateTime = 'PT' + seconds + 'S';
}
export function fail(title, text, options) {
  ui.error = { title, text, retry: !!(options && options.retry), loginInstead: !!(options && options.loginInstead) };
  show('error');
}

export function banner(text) {
  const el = $('[data-mc-banner]');
  el.textContent = text || '';
  el.hidden = !text;
}
