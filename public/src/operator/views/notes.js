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
