// The popup's controls: the login and phone forms, the language, the keypad (buttons and keys),
// hang up, call again, try again, log in instead, close and log out.

import { dial, sendDigit } from './call.mjs';
import { $, destination, query, root, ui } from './state.mjs';
import { setLanguage, t } from './texts.mjs';
import { applyTexts, banner, show } from './view.mjs';

/** Binds the controls' listeners (once, at the start). */
export function bindControls() {
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
    const lang = setLanguage(event.target.value);
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
}
