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
