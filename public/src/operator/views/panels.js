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
