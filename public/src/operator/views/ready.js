// The READY view: identity, status, dial control and the call cards (docs/operator.md §8).

function buildReady(bar, top) {
  var identity = h('div', { class: 'ucs-identity', 'data-ucs-identity': '' });
  var statusId = fieldId('status');
  var statusSelect = h('select', { id: statusId, class: 'ucs-status', 'data-ucs-field': 'status', 'aria-label': t('status'),
    onchange: onStatusSelected });
  var dial = buildDial();
  var calls = h('div', { class: 'ucs-calls', 'data-ucs-calls': '', 'aria-live': 'polite' });
  var callzone = h('div', { class: 'ucs-callzone' }, [dial.el, calls]);
  var waiting = h('span', { class: 'ucs-badge', 'data-ucs-waiting-callers': '0', title: t('waitingCallers'), hidden: true });
  var queuesBtn = button({ action: 'queues', label: t('queues'), icon: 'queues', badge: waiting, attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' },
    onClick: function () { togglePanel('queues', queuesBtn); } });
  var historyBtn = button({ action: 'history', label: t('history'), icon: 'history', iconOnly: true,
    attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' }, onClick: function () { togglePanel('history', historyBtn); } });
  var menuBtn = button({ action: 'menu', label: t('menu'), icon: 'menu', iconOnly: true,
    attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' }, onClick: function () { togglePanel('menu', menuBtn); } });
  var tools = h('div', { class: 'ucs-tools' }, [queuesBtn, historyBtn, menuBtn]);
  var main = h('div', { class: 'ucs-main', style: 'display:contents' }, [
    identity,
    h('label', { class: 'ucs-sr', for: statusId, text: t('status') }),
    statusSelect,
    callzone,
    tools
  ]);
  bar.classList.add('ucs-bar-ready');
  bar.appendChild(main);
  refs.toggles = { queues: queuesBtn, history: historyBtn, menu: menuBtn };
  refs.panelHost = top;
  refs.dial = dial;
  refs.autofocus = statusSelect;

  var identitySig = null, statusSig = null, callsSig = null;

  function updateIdentity() {
    var s = [lang, userName(), S.agentStatus, S.reason, deviceLabel(S.device), cfg('topMenuNameContent')].join('|');
    if (s === identitySig) return;
    identitySig = s;
    while (identity.firstChild) identity.removeChild(identity.firstChild);
    var template = String(cfg('topMenuNameContent'));
    var parts = template.split(/(%name%|%icon%)/);
    parts.forEach(function (p) {
      if (p === '%icon%') {
        identity.appendChild(h('span', { class: 'ucs-avatar', 'data-ucs-status': S.agentStatus || '', 'aria-hidden': 'true', text: initials(S.user) }));
      } else if (p === '%name%') {
        identity.appendChild(h('span', { class: 'ucs-who' }, [
          h('span', { class: 'ucs-name', 'data-ucs-agent-name': '', text: userName() }),
          S.device ? h('span', { class: 'ucs-sub', 'data-ucs-device-name': '', text: deviceLabel(S.device) }) : null
        ]));
      } else if (p.trim()) {
        identity.appendChild(h('span', { class: 'ucs-sub', text: p.trim() }));
      }
    });
  }

  function updateStatus() {
    var reasons = auxReasonList();
    var value = statusValue(S.agentStatus, S.reason);
    var s = [lang, JSON.stringify(reasons), S.agentStatus, S.reason].join('|');
    statusSelect.setAttribute('data-ucs-status', S.agentStatus || '');
    if (s !== statusSig) {
      statusSig = s;
      while (statusSelect.firstChild) statusSelect.removeChild(statusSelect.firstChild);
      var opts = [{ value: 'READY', label: t('READY') }];
      if (reasons.length) {
        reasons.forEach(function (r) { opts.push({ value: 'AUX:' + r.value, label: t('auxWith', { reason: r.label }) }); });
      } else {
        opts.push({ value: 'AUX', label: t('AUX') });
      }
      var present = opts.some(function (o) { return o.value === value; });
      if (!present && S.agentStatus === 'AUX') opts.push({ value: value, label: statusText('AUX', S.reason), disabled: true });
      if (S.agentStatus === 'ACW') opts.push({ value: 'ACW', label: t('ACW'), disabled: true });
      opts.push({ value: 'OFFLINE', label: t('OFFLINE') });
      opts.forEach(function (o) {
        statusSelect.appendChild(h('option', { value: o.value, disabled: !!o.disabled, 'data-ucs-status-option': o.value, text: o.label }));
      });
    }
    if (statusSelect.value !== value) statusSelect.value = value;
    statusSelect.title = statusText(S.agentStatus, S.reason);
  }

  function updateCalls() {
    var parts = S.calls.map(function (c) {
      return [c.uniqueid, c.state, c.direction, agentMuted(c), c.name, c.number, c.connected].join(',');
    });
    var s = [lang, S.calls.length, parts.join(';'), S.phase].join('|');
    var showDial = !S.calls.length && cfg('showDialControl');
    dial.el.hidden = !showDial;
    if (showDial) dial.update();
    calls.hidden = !S.calls.length;
    if (s === callsSig) { tick(); return; }
    callsSig = s;
    var focused = doc.activeElement && calls.contains(doc.activeElement) ? doc.activeElement.getAttribute('data-ucs-action') : null;
    while (calls.firstChild) calls.removeChild(calls.firstChild);
    if (S.calls.length > 1) {
      for (var i = 0; i < S.calls.length - 1; i++) calls.appendChild(heldRow(S.calls[i]));
    }
    var active = activeCall();
    if (active) calls.appendChild(callCard(active, S.calls.length > 1));
    if (focused) {
      var again = { hold: 'unhold', unhold: 'hold', answer: 'hangup', transfer: 'transfer' };
      var target = calls.querySelector('[data-ucs-action="' + focused + '"]') ||
        (again[focused] && calls.querySelector('[data-ucs-action="' + again[focused] + '"]')) ||
        calls.querySelector('button');
      if (target) target.focus();
      else if (dial.input && !dial.el.hidden) dial.input.focus();
    }
    if (!S.calls.length && openPanelName === 'transfer') closePanel();
    tick();
  }

  function updateTools() {
    var n = S.waitingCallers | 0;
    waiting.textContent = String(n);
    waiting.hidden = !n;
    waiting.setAttribute('data-ucs-waiting-callers', String(n));
    waiting.title = t('waitingCount', { n: n });
    var list = membershipList();
    var serving = list.filter(function (q) { return !q.suspended && q.type !== 0; }).length;
    var incoming = list.filter(function (q) { return q.type !== 0; }).length;
    var label = queuesBtn.querySelector('.ucs-btn-label');
    if (label) label.textContent = t('queues') + (incoming ? ' ' + serving + '/' + incoming : '');
    queuesBtn.title = t('queues') + (n ? ' · ' + t('waitingCount', { n: n }) : '');
    queuesBtn.setAttribute('aria-label', queuesBtn.title + (incoming ? ' (' + serving + '/' + incoming + ')' : ''));
  }

  return function () {
    updateIdentity();
    updateStatus();
    updateCalls();
    updateTools();
    updatePanel();
  };
}

function statusValue(status, reason) {
  if (status === 'AUX') return reason ? 'AUX:' + reason : 'AUX';
  return status || '';
}

function onStatusSelected(ev) {
  var v = ev.target.value;
  var status = v, reason = null;
  if (v.indexOf('AUX:') === 0) { status = 'AUX'; reason = v.slice(4); }
  Ring.unlock();
  op.changeStatus(status, reason).catch(function () {
    ev.target.value = statusValue(S.agentStatus, S.reason);
  });
}

function buildDial() {
  var id = fieldId('dial');
  var input = h('input', { id: id, class: 'ucs-input', type: 'tel', inputmode: 'tel', autocomplete: 'off', placeholder: t('dialPlaceholder'),
    'data-ucs-field': 'dial-number', 'aria-label': t('dialNumber') });
  var queue = h('select', { class: 'ucs-select', 'data-ucs-field': 'dial-queue', 'aria-label': t('dialAs'), title: t('dialAs') });
  var go = button({ type: 'submit', action: 'dial', label: t('call'), icon: 'phone', variant: 'success' });
  var form = h('form', { class: 'ucs-dial', 'data-ucs-form': 'dial', novalidate: true, onsubmit: function (ev) {
    ev.preventDefault();
    var number = input.value.trim();
    if (!number) { input.focus(); return; }
    Ring.unlock();
    var q = queue.hidden || queue.value === '' ? undefined : queue.value;
    go.disabled = true;
    op.dial(number, q).then(function () {
      input.value = '';
    }, function () { /* reported by onWarning */ }).then(function () { go.disabled = false; });
  } }, [h('label', { class: 'ucs-sr', for: id, text: t('dialNumber') }), input, queue, go]);
  var sig = null;
  return {
    el: form,
    input: input,
    update: function () {
      var out = outgoingQueues();
      var s = lang + '|' + JSON.stringify(out);
      if (s === sig) return;
      sig = s;
      var keep = queue.value;
      while (queue.firstChild) queue.removeChild(queue.firstChild);
      queue.hidden = !out.length;
      if (!out.length) return;
      queue.appendChild(h('option', { value: '', text: t('dialAuto') }));
      queue.appendChild(h('option', { value: 'directCall', text: t('dialDirect') }));
      out.forEach(function (q) { queue.appendChild(h('option', { value: String(q.id), text: q.name })); });
      queue.value = keep;
      if (queue.value !== keep) queue.value = '';
    }
  };
}

function callDisplay(call) {
  var p = callParty(call);
  return { title: p.name || p.number || '?', number: p.name ? p.number : '' };
}

function heldRow(call) {
  var d = callDisplay(call);
  return h('div', { class: 'ucs-held', 'data-ucs-call': '', 'data-ucs-call-state': CALL_STATE_NAMES[call.state] || String(call.state),
    'data-ucs-call-direction': String(call.direction || '').toLowerCase(), 'data-ucs-call-uniqueid': call.uniqueid, 'data-ucs-call-role': 'held' }, [
    icon('pause'),
    h('span', { text: t('heldCall') + ': ' }),
    h('strong', { 'data-ucs-call-number': '', text: d.title }),
    h('span', { class: 'ucs-duration', 'data-ucs-call-duration': call.uniqueid, text: formatDuration(callSeconds(call)) })
  ]);
}

function callCard(call, consultation) {
  var d = callDisplay(call);
  var stateName = CALL_STATE_NAMES[call.state] || String(call.state);
  var incoming = call.direction === 'INCOMING';
  var ringingIn = incoming && (call.state === 0 || call.state === 1 || call.state === 2);
  var muted = agentMuted(call);
  var meta = [];
  meta.push(h('strong', { class: 'ucs-call-state', 'data-ucs-call-state-text': '', text: callStateText(call.state) }));
  if (muted && call.state !== 2) meta.push(h('span', { text: ' · ' + t('muted') }));
  meta.push(h('span', { text: ' · ' + (consultation ? t('consultation') : incoming ? t('incoming') : t('outgoing')) }));
  // docs/compatibility.md §5: who of us called this number last (the gateway adds it to an incoming ringing).
  var last = ringingIn && call.data && Array.isArray(call.data.lastCallers) ? call.data.lastCallers[0] : null;
  if (last && (last.name || last.agent)) {
    var lastText = t('lastCalledBy', { name: last.name || last.agent });
    meta.push(h('span', { 'data-ucs-last-caller': last.agent || '', title: lastText, text: ' · ' + lastText }));
  }
  var queueId = incoming ? null : call.outbound_id;
  var secondary = d.number || (queueId ? t('viaQueue', { queue: queueName(queueId) }) : (incoming && call.called_name ? t('viaQueue', { queue: call.called_name }) : ''));

  var actions = [];
  if (ringingIn) {
    actions.push(button({ action: 'answer', label: t('answer'), icon: 'phone', variant: 'success', keepLabel: true, onClick: function () { Ring.unlock(); quiet(op.answer()); } }));
    actions.push(button({ action: 'hangup', label: t('decline'), icon: 'hangup', variant: 'danger', iconOnly: true, onClick: function () { quiet(op.hangup()); } }));
  } else if (call.state === 3 || call.state === 5) {
    if (call.state === 3) {
      actions.push(button({ action: 'hold', label: t('hold'), icon: 'pause', iconOnly: true, onClick: function () { quiet(op.hold()); } }));
    } else {
      actions.push(button({ action: 'unhold', label: t('unhold'), icon: 'play', variant: 'primary', keepLabel: true, onClick: function () { quiet(op.unhold()); } }));
    }
    actions.push(button({ action: 'mute', label: muted ? t('unmute') : t('mute'), icon: muted ? 'micOff' : 'mic', iconOnly: true, pressed: muted, onClick: function () { quiet(op.mute()); } }));
    if (consultation) {
      actions.push(button({ action: 'finish-transfer', label: t('finishTransfer'), icon: 'finish', variant: 'primary', disabled: call.state !== 3,
        onClick: function () { quiet(op.finishTransfer()); } }));
    } else {
      var tb = button({ action: 'transfer', label: t('transfer'), icon: 'transfer', iconOnly: true, attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': openPanelName === 'transfer' ? 'true' : 'false' },
        onClick: function () { togglePanel('transfer', tb); } });
      refs.toggles.transfer = tb;
      actions.push(tb);
    }
    actions.push(button({ action: 'hangup', label: t('hangup'), icon: 'hangup', variant: 'danger', onClick: function () { quiet(op.hangup()); } }));
  } else {
    actions.push(button({ action: 'hangup', label: t('hangup'), icon: 'hangup', variant: 'danger', onClick: function () { quiet(op.hangup()); } }));
  }

  return h('div', { class: 'ucs-call', 'data-ucs-call': '', 'data-ucs-call-state': stateName, 'data-ucs-call-direction': String(call.direction || '').toLowerCase(),
    'data-ucs-call-uniqueid': call.uniqueid, 'data-ucs-call-role': consultation ? 'consultation' : 'active', 'data-ucs-muted': muted ? 'true' : 'false',
    role: 'group', 'aria-label': (incoming ? t('incomingCall') : t('outgoingCall')) + ': ' + d.title }, [
    h('span', { class: 'ucs-call-avatar' }, icon(ringingIn ? 'phone' : incoming ? 'incoming' : 'outgoing')),
    h('div', { class: 'ucs-call-who' }, [
      h('div', { class: 'ucs-call-line' }, [
        h('span', { class: 'ucs-call-name', 'data-ucs-call-number': call.number || '', title: d.title, text: d.title }),
        h('span', { class: 'ucs-duration ucs-call-timer', 'data-ucs-call-duration': call.uniqueid, text: formatDuration(callSeconds(call)) })
      ]),
      h('span', { class: 'ucs-call-meta' }, meta.concat([secondary ? h('span', { text: ' · ' + secondary }) : null]))
    ]),
    h('div', { class: 'ucs-call-actions' }, actions)
  ]);
}

/** Once a second: call timers and countdowns. */
function tick() {
  if (!app) return;
  var spans = app.querySelectorAll('[data-ucs-call-duration]');
  for (var i = 0; i < spans.length; i++) {
    var uid = spans[i].getAttribute('data-ucs-call-duration');
    for (var j = 0; j < S.calls.length; j++) {
      if (S.calls[j].uniqueid === uid) spans[i].textContent = formatDuration(callSeconds(S.calls[j]));
    }
  }
  if (reconnectTimer) {
    updateBanner();
    if (viewKey === 'connecting' && refs.update) refs.update();
  }
  if (openPanelName === 'history' && Report.retryTimer) renderHistory();
}
