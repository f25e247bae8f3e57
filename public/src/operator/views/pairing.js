// The IDENTIFY view (the device picker) and the DEVICE view (confirm the phone).

function asideUser() {
  return h('div', { class: 'ucs-aside' }, [
    h('span', { class: 'ucs-user', 'data-ucs-agent-name': '', text: userName() }),
    button({ action: 'logout', label: t('logout'), icon: 'logout', variant: 'ghost', onClick: function () { quiet(op.logout()); } })
  ]);
}

function buildIdentify(bar) {
  bar.classList.add('ucs-bar-form');
  bar.appendChild(brand());
  var holder = h('div', { class: 'ucs-form-holder ucs-main', 'data-ucs-form': 'identify' });
  bar.appendChild(holder);
  bar.appendChild(asideUser());
  var showPicker = !cfg('withoutDevice');
  var sig = null;
  var select = null, text = null, submit = null, msg = null;

  function build() {
    while (holder.firstChild) holder.removeChild(holder.firstChild);
    select = text = submit = msg = null;
    if (!showPicker) {
      holder.appendChild(h('div', { class: 'ucs-form-row' }, [
        h('span', { class: 'ucs-muted', text: t('withoutDevice') }),
        button({ action: 'pair-phone', label: t('pairPhone'), icon: 'device', keepLabel: true, onClick: function () { showPicker = true; sig = null; update(); if (text || select) (select || text).focus(); } })
      ]));
      return;
    }
    var list = cfg('listDevices') ? S.identificators.filter(function (d) { return d && Array.isArray(d.identifiers) && d.identifiers.length; }) : [];
    var tid = fieldId('identifier');
    text = h('input', { id: tid, class: 'ucs-input', type: 'text', placeholder: t('identifierPlaceholder'),
      autocapitalize: 'none', spellcheck: 'false', 'data-ucs-field': 'identifier' });
    var row = [h('span', { class: 'ucs-form-label', text: t('selectPhone') })];
    if (list.length) {
      var sid = fieldId('device');
      var saved = getCookie(IDENTIFIER_COOKIE);
      select = h('select', { id: sid, class: 'ucs-select', 'data-ucs-field': 'device', onchange: function () {
        text.hidden = select.value !== '';
        if (!text.hidden) text.focus();
      } }, list.map(function (d) {
        var value = d.identifiers[0];
        var selected = saved && d.identifiers.indexOf(saved) >= 0;
        if (selected) value = saved;
        var label = (d.name || d.id || value) + (d.extension != null ? ' · ' + t('extension', { n: d.extension }) : '');
        return h('option', { value: value, selected: selected, 'data-ucs-device-id': d.id, text: label });
      }).concat([h('option', { value: '', text: t('otherIdentifier') })]));
      row.push(h('label', { class: 'ucs-sr', for: sid, text: t('phone') }), select);
      text.hidden = true;
    }
    row.push(h('label', { class: 'ucs-sr', for: tid, text: t('identifier') }), text);
    submit = button({ type: 'submit', action: 'select-identifier', label: t('pair'), variant: 'primary' });
    row.push(submit);
    msg = h('div', { class: 'ucs-form-msg', 'data-ucs-pair-error': '', role: 'alert' });
    var form = h('form', { class: 'ucs-form', novalidate: true, onsubmit: function (ev) {
      ev.preventDefault();
      Ring.unlock();
      var value = select && select.value !== '' ? select.value : text.value.trim();
      if (!value) { text.hidden = false; text.focus(); return; }
      fire('onIdentifier', value);
      quiet(op.selectIdentifier(value));
    } }, [h('div', { class: 'ucs-form-row' }, row), msg]);
    holder.appendChild(form);
    refs.autofocus = select || text;
  }

  function update() {
    var s = [showPicker, lang, JSON.stringify(S.identificators)].join('|');
    if (s !== sig) { sig = s; build(); }
    if (submit) {
      submit.disabled = S.pairing || S.phase !== 'live';
      submit.querySelector('.ucs-btn-label').textContent = S.pairing ? t('pairing') : t('pair');
    }
    if (msg) {
      msg.textContent = S.pairError || '';
      msg.setAttribute('data-ucs-kind', S.pairError ? 'error' : '');
    }
  }
  return update;
}

function buildDevice(bar) {
  bar.classList.add('ucs-bar-form');
  bar.appendChild(brand());
  var card = h('div', { class: 'ucs-device-card', 'data-ucs-device': '' });
  var actions = h('div', { class: 'ucs-form-row' });
  var msg = h('div', { class: 'ucs-form-msg', 'data-ucs-pair-error': '', role: 'alert' });
  bar.appendChild(h('div', { class: 'ucs-form ucs-main' }, [h('div', { class: 'ucs-form-row' }, [card, actions]), msg]));
  bar.appendChild(asideUser());
  var sig = null;
  return function () {
    var d = S.device || {};
    var confirm = !!cfg('confirmDevice');
    var auto = !confirm && (S.selectedHere || drivingTab());
    var s = [lang, JSON.stringify(d), confirm, auto, S.provisioning, S.phase].join('|');
    if (s !== sig) {
      sig = s;
      while (card.firstChild) card.removeChild(card.firstChild);
      card.appendChild(icon('device'));
      card.appendChild(h('span', { class: 'ucs-muted', text: t('deviceFound') + ':' }));
      card.appendChild(h('strong', { 'data-ucs-device-name': '', text: d.name || d.id || '' }));
      if (d.extension != null) card.appendChild(h('span', { class: 'ucs-muted', text: t('extension', { n: d.extension }) }));
      while (actions.firstChild) actions.removeChild(actions.firstChild);
      if (S.provisioning || (auto && !S.pairError)) {
        actions.appendChild(h('span', { class: 'ucs-progress' }, [h('span', { class: 'ucs-spinner' }), h('span', { text: t('pairing') })]));
      } else {
        if (!confirm) actions.appendChild(h('span', { class: 'ucs-muted', text: t('deviceOtherTab') }));
        var use = button({ action: 'provision', label: confirm ? t('useDevice') : t('continueHere'), variant: 'primary', onClick: function () { quiet(op.provision()); } });
        actions.appendChild(use);
        actions.appendChild(button({ action: 'identify', label: t('chooseAnother'), onClick: function () { quiet(op.identify()); } }));
        refs.autofocus = use;
      }
    }
    msg.textContent = S.pairError || '';
    msg.setAttribute('data-ucs-kind', S.pairError ? 'error' : '');
  };
}
