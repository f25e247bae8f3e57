// In-bar notifications (docs/compatibility.md §1.4 notify; errors, warnings and messages; docs/operator.md §6.3).

var notes = [];
var noteSeq = 0;
var echoes = [];

function localNotify(text, type, o) {
  o = o || {};
  if (text == null || text === '') return null;
  text = String(text);
  type = ['error', 'warning', 'success', 'info'].indexOf(type) >= 0 ? type : 'info';
  var group = o.group == null ? null : String(o.group);
  if (o.unique) {
    notes = notes.filter(function (n) {
      var same = n.text === text && (group === null || n.group === group);
      if (same) clearTimeout(n.timer);
      return !same;
    });
  }
  var n = { id: ++noteSeq, text: text, type: type, group: group, boundState: o.boundState || null };
  if (o.timeout) n.timer = setTimeout(function () { removeNote(n.id); }, o.timeout);
  notes.push(n);
  while (notes.length > 12) { var old = notes.shift(); clearTimeout(old.timer); }
  renderNotes();
  return n;
}

function removeNote(id) {
  notes = notes.filter(function (n) {
    if (n.id === id) { clearTimeout(n.timer); return false; }
    return true;
  });
  renderNotes();
}

function dropBoundNotes() {
  notes = notes.filter(function (n) {
    if (n.boundState && n.boundState !== S.status) { clearTimeout(n.timer); return false; }
    return true;
  });
}

function visibleNotes() {
  return notes.filter(function (n) { return !n.boundState || n.boundState === S.status; });
}

/** notify() shows its text at once; the gateway's `message` echo of it must not show it twice. */
function rememberEcho(text, type) {
  echoes.push({ text: text, type: type, at: now() });
}
function consumeEcho(text, type) {
  var cutoff = now() - 15000;
  echoes = echoes.filter(function (e) { return e.at > cutoff; });
  for (var i = 0; i < echoes.length; i++) {
    if (echoes[i].text === text && (echoes[i].type === type || !type)) {
      echoes.splice(i, 1);
      return true;
    }
  }
  return false;
}

function maybeNotifyWaiting() {
  if (!cfg('notifyWaitingCallers') || S.replaying) return;
  if (S.agentStatus !== 'ACW' && S.agentStatus !== 'AUX') return;
  if (S.primary === false) return; // one system notification per user, from the primary tab
  var title = t('waitingTitle');
  var body = t('waitingBody', { n: S.waitingCallers });
  var shown = false;
  try {
    if ('Notification' in w && w.Notification.permission === 'granted') {
      var n = new w.Notification(title, { body: body, tag: 'ucs-waiting-callers' });
      n.onclick = function () { try { w.focus(); n.close(); } catch (e) { /* ignore */ } };
      shown = true;
    }
  } catch (e) { shown = false; }
  if (!shown) localNotify(body, 'info', { unique: true, group: 'waiting', timeout: 15000 });
}
