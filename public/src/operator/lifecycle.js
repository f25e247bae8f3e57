// Page lifecycle: outside clicks and Escape, beforeunload, pagehide/pageshow, mounting the UI,
// and the start (on `load`, or at once with legacyStartup).

function onDocumentPointer(ev) {
  if (!openPanelName || !panelEl) return;
  var target = ev.target;
  if (panelEl.contains(target)) return;
  var toggle = refs.toggles && refs.toggles[openPanelName];
  if (toggle && toggle.contains(target)) return;
  if (openPanelName === 'account') return; // the call-reason picker stays until chosen or skipped
  closePanel(true);
}

function onDocumentKey(ev) {
  if (ev.key === 'Escape' && openPanelName && panelEl && root && root.contains(doc.activeElement)) {
    closePanel();
  }
}

function onBeforeUnload(ev) {
  if (!cfg('confirmUnload')) return undefined;
  if (S.status === 'READY' && S.calls.length) {
    ev.preventDefault();
    ev.returnValue = '';
    return '';
  }
  return undefined;
}

function onPageHide() {
  // No logout here: integrated auto-logout is the gateway's (sso's logoutOnClose), so a reload
  // resumes the session and closing the user's last tab logs out after a grace period (6.4).
  unloading = true;
}

function onPageShow(ev) {
  if (ev && ev.persisted) {
    unloading = false;
    if (!ws && !stopped) connect();
  }
}

function mountUI() {
  if (root) return true;
  var el = doc.getElementById(String(cfg('renderTo')));
  if (!el) return false;
  root = el;
  injectStyle();
  root.classList.add('ucs-root');
  root.setAttribute('data-ucs-root', '');
  root.setAttribute('data-ucs-version', OPERATOR_VERSION);
  doc.addEventListener('pointerdown', onDocumentPointer, true);
  doc.addEventListener('keydown', onDocumentKey, true);
  ticker = setInterval(tick, 1000);
  render();
  return true;
}

function start() {
  if (S.started) return;
  S.started = true;
  debug('starting ' + OPERATOR_VERSION);
  if (!cfg('headless')) {
    // With legacyStartup the element may come later in the document: try again when it is parsed.
    if (!mountUI() && doc.readyState === 'loading') {
      doc.addEventListener('DOMContentLoaded', function () {
        if (!mountUI()) fire('onWarning', 'ucsOperator: no element with the id "' + cfg('renderTo') + '" to render into; running without a UI.');
      });
    } else if (!root) {
      fire('onWarning', 'ucsOperator: no element with the id "' + cfg('renderTo') + '" to render into; running without a UI.');
    }
  }
  // Audio may only start after a user gesture: unlock it on the first one.
  var unlock = function () {
    Ring.unlock();
    doc.removeEventListener('pointerdown', unlock, true);
    doc.removeEventListener('keydown', unlock, true);
  };
  doc.addEventListener('pointerdown', unlock, true);
  doc.addEventListener('keydown', unlock, true);
  w.addEventListener('beforeunload', onBeforeUnload);
  w.addEventListener('pagehide', onPageHide);
  w.addEventListener('pageshow', onPageShow);
  w.addEventListener('online', function () { if (!ws && reconnectTimer) reconnectNow(); });
  adoptHandedSession();
  connect();
}

if (cfg('legacyStartup') || doc.readyState === 'complete') start();
else w.addEventListener('load', start);
