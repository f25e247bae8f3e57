// DOM helpers and icons for the views.

var SVG_OPEN = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false">';
var HANDSET = '<path d="M5 3h3.2l1.6 4.2-2.2 1.6a11 11 0 0 0 7.6 7.6l1.6-2.2 4.2 1.6V19a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z"/>';
var ICONS = {
  phone: HANDSET,
  hangup: '<g transform="rotate(135 12 12)">' + HANDSET + '</g>',
  pause: '<path d="M9 5v14M15 5v14"/>',
  play: '<path d="M8 5l11 7-11 7z"/>',
  mic: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>',
  micOff: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16"/>',
  transfer: '<path d="M4 8h13M13 4l4 4-4 4M20 16H7M11 12l-4 4 4 4"/>',
  finish: '<path d="M5 12l5 5 9-10"/>',
  history: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
  queues: '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r="1"/><circle cx="4.5" cy="12" r="1"/><circle cx="4.5" cy="18" r="1"/>',
  menu: '<circle cx="12" cy="5" r="1.3"/><circle cx="12" cy="12" r="1.3"/><circle cx="12" cy="19" r="1.3"/>',
  close: '<path d="M6 6l12 12M18 6L6 18"/>',
  incoming: '<path d="M17 7L7 17M7 9v8h8"/>',
  outgoing: '<path d="M7 17L17 7M9 7h8v8"/>',
  refresh: '<path d="M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5"/>',
  logout: '<path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10"/>',
  speaker: '<path d="M4 9h4l5-4v14l-5-4H4z"/><path d="M16.5 9a4 4 0 0 1 0 6"/>',
  device: '<path d="M3 9.5V8c0-1.7 4-3.5 9-3.5s9 1.8 9 3.5v1.5h-4V8.2a13 13 0 0 0-10 0v1.3z"/><path d="M8 11.5L5.2 18a1.5 1.5 0 0 0 1.4 2h10.8a1.5 1.5 0 0 0 1.4-2L16 11.5z"/><circle cx="12" cy="15.5" r="1.8"/>',
  info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v5M12 8h0"/>',
  success: '<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>',
  warning: '<path d="M12 3l10 18H2z"/><path d="M12 10v4M12 17h0"/>',
  error: '<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>',
  users: '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6 6 0 0 1 3.5 6"/>'
};

function icon(name) {
  var span = doc.createElement('span');
  span.className = 'ucs-icon';
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = SVG_OPEN + (ICONS[name] || '') + '</svg>'; // trusted constants only
  return span;
}

function appendChildren(el, children) {
  if (children == null || children === false) return;
  if (Array.isArray(children)) {
    for (var i = 0; i < children.length; i++) appendChildren(el, children[i]);
  } else if (typeof children === 'string' || typeof children === 'number') {
    el.appendChild(doc.createTextNode(String(children)));
  } else {
    el.appendChild(children);
  }
}

function h(tag, attrs, children) {
  var el = doc.createElement(tag);
  if (attrs) {
    for (var k in attrs) {
      if (!hasOwn(attrs, k)) continue;
      var v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = String(v);
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  appendChildren(el, children);
  return el;
}

/** A button: {action, label, icon, variant, onClick, disabled, pressed, iconOnly, attrs}. */
function button(o) {
  var cls = 'ucs-btn';
  if (o.variant) cls += ' ucs-btn-' + o.variant;
  if (o.iconOnly) cls += ' ucs-btn-icon';
  if (!o.icon || o.keepLabel) cls += ' ucs-btn-keep';
  if (o.extraClass) cls += ' ' + o.extraClass;
  var attrs = {
    type: o.type || 'button',
    class: cls,
    'data-ucs-action': o.action,
    title: o.title || (o.iconOnly ? o.label : null),
    disabled: !!o.disabled,
    onclick: o.onClick
  };
  if (o.iconOnly) attrs['aria-label'] = o.label;
  if (o.pressed !== undefined) attrs['aria-pressed'] = o.pressed ? 'true' : 'false';
  if (o.attrs) for (var k in o.attrs) if (hasOwn(o.attrs, k)) attrs[k] = o.attrs[k];
  return h('button', attrs, [
    o.icon ? icon(o.icon) : null,
    o.iconOnly ? null : h('span', { class: 'ucs-btn-label', text: o.label }),
    o.badge != null ? o.badge : null
  ]);
}

var fieldSeq = 0;
function fieldId(name) { return 'ucs-' + name + '-' + (++fieldSeq); }

function quiet(promise) {
  if (promise && promise.catch) promise.catch(function () { /* already reported */ });
  return promise;
}

function initials(user) {
  if (!user) return '?';
  var a = (user.firstname || '').trim(), b = (user.lastname || '').trim();
  if (a || b) return ((a.charAt(0) || '') + (b.charAt(0) || '')).toUpperCase() || '?';
  var d = (user.displayname || '').trim();
  return d ? d.charAt(0).toUpperCase() : '?';
}

function userName() {
  if (S.user) return S.user.displayname || [S.user.firstname, S.user.lastname].join(' ').trim() || S.session && S.session.user || '';
  return (S.session && S.session.user) || '';
}

function deviceLabel(device) {
  if (!device) return '';
  var name = device.name || device.id || device.identifier || '';
  return device.extension != null ? name + ' · ' + t('extension', { n: device.extension }) : String(name);
}

function formatTime(seconds) {
  if (!seconds) return '';
  var d = new Date(seconds * 1000);
  var today = new Date();
  var sameDay = d.toDateString() === today.toDateString();
  try {
    var opts = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' };
    return new Intl.DateTimeFormat(lang, opts).format(d);
  } catch (e) {
    return d.toLocaleString();
  }
}
