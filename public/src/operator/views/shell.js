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
