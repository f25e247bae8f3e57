// The last-callers widget's token page (docs/click-to-call.md §6): asks the gateway for a
// widget token with the user's name and password (RFC 7617 Basic, sent once, over this
// origin only) and shows the token and the widget URL to paste into the desktop client.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $('tokengen');
  const status = $('status');
  // The desktop client replaces this with the caller's number (docs/compatibility.md §5.4).
  const placeholder = '$(callerId)';
  // /lastcaller/, from this page's own URL (works behind a path prefix too).
  const widgetBase = new URL('../', window.location.href).href;
  let widgetToken = null;

  function say(text, kind) {
    status.textContent = text;
    status.className = 'status' + (kind ? ' ' + kind : '');
  }

  // RFC 7617 §2.1 with charset="UTF-8": base64 of the UTF-8 bytes of "user:password".
  function basic(user, password) {
    const bytes = new TextEncoder().encode(user + ':' + password);
    let binary = '';
    bytes.forEach((byte) => { binary += String.fromCharCode(byte); });
    return 'Basic ' + btoa(binary);
  }

  function widgetURL(number) {
    return widgetBase + '?vcallerid=' + number + '&token=' + encodeURIComponent(widgetToken);
  }

  function refusal(response, body) {
    const text = body && body.error && body.error.text;
    switch (response.status) {
      case 401: return 'Wrong user name or password.';
      case 403: return 'This user is disabled.';
      case 429: return 'Too many failed attempts. Wait a few minutes, then try again.';
      case 400: return 'The request was refused: ' + (text || 'bad request') + '.';
      default: return 'The gateway answered ' + response.status + (text ? ': ' + text : '') + '.';
    }
  }

  async function makeToken(event) {
    event.preventDefault();
    const user = $('user').value.trim();
    const password = $('password').value;
    const days = Number($('days').value);
    if (!user || !password) {
      say('Enter your user name and password.', 'bad');
      (user ? $('password') : $('user')).focus();
      return;
    }
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      say('The validity must be a whole number of days from 1 to 366.', 'bad');
      $('days').focus();
      return;
    }
    if (/[\u0000-\u001f\u007f]/.test(user + password) || user.includes(':')) {
      say('The user name cannot contain a colon or control characters.', 'bad');
      return;
    }
    $('submit').disabled = true;
    say('Checking…');
    try {
      // credentials: 'omit' keeps the browser from answering the 401's Basic challenge with a
      // login dialog of its own, and from sending cookies.
      const response = await fetch('token?days=' + days, {
        headers: { Authorization: basic(user, password), Accept: 'application/json' },
        credentials: 'omit', cache: 'no-store',
      });
      let body = null;
      try { body = await response.json(); } catch (ignored) { body = null; }
      if (!response.ok || !body || typeof body.token !== 'string') {
        say(refusal(response, body), 'bad');
        return;
      }
      $('password').value = '';
      show(body);
      say('Token made.', 'ok');
    } catch (error) {
      say('The gateway could not be reached.', 'bad');
    } finally {
      $('submit').disabled = false;
    }
  }

  function show(body) {
    widgetToken = body.token;
    $('token').value = body.token;
    $('url').value = widgetURL(placeholder);
    const expires = new Date(body.expires * 1000);
    $('expires').textContent = 'For ' + body.user + ', valid until ' + expires.toLocaleString() + '.';
    $('result').hidden = false;
    updateTryout();
  }

  function updateTryout() {
    if (!widgetToken) return;
    const number = $('number').value.trim() || '+420602123456';
    $('open').href = widgetURL(encodeURIComponent(number));
  }

  async function copy(event) {
    const button = event.currentTarget;
    const field = $(button.dataset.copy);
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (ignored) {
      // No clipboard API (a plain-HTTP page on another host is not a secure context).
      field.focus();
      field.select();
      document.execCommand('copy');
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1500);
  }

  form.addEventListener('submit', makeToken);
  $('tryout').addEventListener('submit', (event) => { event.preventDefault(); $('open').click(); });
  $('number').addEventListener('input', updateTryout);
  document.querySelectorAll('button.copy').forEach((button) => button.addEventListener('click', copy));
})();
