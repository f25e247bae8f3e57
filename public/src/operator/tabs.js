// The agent's other tabs in this browser (docs/operator.md §14.2), over a BroadcastChannel of the
// page's origin and the user: the others ask the tab that holds the web phone to answer, hang up,
// … when their page or agent does, and it tells them the microphone's mute (which the gateway
// cannot see; the calls themselves reach every tab from the gateway on /ws). Browsers without
// BroadcastChannel (and other browsers) reach the phone in no other tab.

var TAB_REQUEST_TIMEOUT_MS = 5000;

var Tabs = {
  channel: null,
  user: null,
  pending: {},
  nextId: 0,

  /** Opens the channel of `user` (null: closes it). */
  sync: function (user) {
    if (user === Tabs.user) return;
    Tabs.close();
    if (!user || typeof w.BroadcastChannel !== 'function') return;
    try {
      Tabs.channel = new w.BroadcastChannel('ucsOperator:' + user);
    } catch (e) {
      return;
    }
    Tabs.user = user;
    Tabs.channel.onmessage = function (ev) { Tabs.receive(ev.data); };
    Tabs.post({ type: 'hello' }); // the holder answers with the mute of its calls
  },

  close: function () {
    if (Tabs.channel) { try { Tabs.channel.close(); } catch (e) { /* closed */ } }
    Tabs.channel = null;
    Tabs.user = null;
    var ids = Object.keys(Tabs.pending);
    for (var i = 0; i < ids.length; i++) Tabs.settle(ids[i], errorWith('webPhoneElsewhere', 'The tab with the web phone is gone.'));
  },

  post: function (message) {
    if (!Tabs.channel) return false;
    try { Tabs.channel.postMessage(message); } catch (e) { return false; }
    return true;
  },

  /** Asks the tab that holds the phone to run `name(args)`: a promise of its answer. */
  invoke: function (name, args) {
    return new Promise(function (resolve, reject) {
      var id = String(++Tabs.nextId) + '-' + tabId();
      var entry = { resolve: resolve, reject: reject };
      entry.timer = setTimeout(function () {
        Tabs.settle(id, errorWith('webPhoneElsewhere', 'Your web phone is in another tab, which did not answer.'));
      }, TAB_REQUEST_TIMEOUT_MS);
      Tabs.pending[id] = entry;
      if (!Tabs.post({ type: 'invoke', id: id, method: name, args: args })) {
        Tabs.settle(id, errorWith('webPhoneElsewhere', 'Your web phone is in another tab.'));
      }
    });
  },

  settle: function (id, error, result) {
    var entry = Tabs.pending[id];
    if (!entry) return;
    delete Tabs.pending[id];
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result);
  },

  receive: function (m) {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'hello':
        // A tab opened during a call: the mute of the calls as it is now, without callbacks.
        if (!Phone.holds()) return;
        for (var id in Phone.muted) {
          if (hasOwn(Phone.muted, id)) Tabs.post({ type: 'mute', uniqueid: id, muted: Phone.muted[id], quiet: true });
        }
        break;
      case 'mute':
        if (Phone.holds() || typeof m.uniqueid !== 'string') return;
        Phone.mute(m.uniqueid, !!m.muted, !!m.quiet);
        break;
      case 'invoke':
        if (!Phone.holds() || typeof m.id !== 'string') return;
        Phone.run(String(m.method), Array.isArray(m.args) ? m.args : []).then(function (result) {
          Tabs.post({ type: 'result', id: m.id, result: result });
        }, function (e) {
          Tabs.post({ type: 'result', id: m.id, error: { code: e.code, text: e.text, param: e.param } });
        });
        break;
      case 'result':
        if (!Tabs.pending[m.id]) return;
        Tabs.settle(m.id, m.error ? errorWith(m.error.code || 'error', m.error.text, { param: m.error.param }) : null, m.result || {});
        break;
    }
  }
};
