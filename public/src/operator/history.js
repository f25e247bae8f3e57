// Call history over the `report` channel (docs/operator.md §7).

var Report = {
  ws: null,
  state: 'idle',    // idle | connecting | loading | ok | error
  error: null,
  calls: [],
  total: 0,
  filter: '',
  direction: '',
  nextId: 0,
  latestId: 0,
  attempts: 0,
  retryTimer: null,
  retryAt: 0,
  debounceTimer: null,
  replyTimer: null,
  refreshTimer: null,
  refused: false,

  url: function () {
    var base = channelURL('report');
    var token = S.session && S.session.token;
    return base + (base.indexOf('?') >= 0 ? '&' : '?') + 'access_token=' + encodeURIComponent(token);
  },

  open: function () {
    if (Report.ws || Report.retryTimer) return;
    if (!S.session || !S.session.token) {
      Report.state = 'error';
      Report.error = t('historyNoSession');
      renderHistory();
      return;
    }
    var sock;
    try {
      sock = new WebSocket(Report.url());
    } catch (e) {
      Report.state = 'error';
      Report.error = t('historyUnreachable');
      renderHistory();
      return;
    }
    debug('report: connecting to ' + redact(Report.url()));
    Report.ws = sock;
    Report.refused = false;
    Report.state = 'connecting';
    var openedAt = 0;
    sock.onopen = function () {
      if (Report.ws !== sock) return;
      openedAt = now();
      Report.query(true);
    };
    sock.onmessage = function (ev) {
      if (Report.ws !== sock) return;
      Report.onMessage(ev.data);
    };
    sock.onclose = function (ev) {
      if (Report.ws !== sock) return;
      Report.ws = null;
      clearTimeout(Report.replyTimer);
      if (openedAt && now() - openedAt > STABLE_AFTER_MS) Report.attempts = 0;
      debug('report: closed ' + ev.code);
      if (ev.code === 4001 || ev.code === 4003) {
        Report.refused = true;
        Report.state = 'error';
        Report.error = t('historyRefused');
        renderHistory();
        return;
      }
      Report.state = 'error';
      Report.error = t('historyUnreachable');
      if (openPanelName === 'history') Report.scheduleRetry();
      renderHistory();
    };
    renderHistory();
  },

  scheduleRetry: function () {
    clearTimeout(Report.retryTimer);
    var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Report.attempts));
    Report.attempts++;
    var delay = Math.max(400, Math.floor(Math.random() * ceiling));
    Report.retryAt = now() + delay;
    Report.retryTimer = setTimeout(function () {
      Report.retryTimer = null;
      if (openPanelName === 'history') Report.open();
    }, delay);
  },

  retryNow: function () {
    clearTimeout(Report.retryTimer);
    Report.retryTimer = null;
    Report.attempts = 0;
    if (Report.ws) Report.query(true);
    else Report.open();
  },

  close: function () {
    clearTimeout(Report.retryTimer);
    clearTimeout(Report.debounceTimer);
    clearTimeout(Report.replyTimer);
    Report.retryTimer = null;
    Report.calls = [];
    Report.total = 0;
    Report.state = 'idle';
    if (Report.ws) {
      var sock = Report.ws;
      Report.ws = null;
      try { sock.close(1000); } catch (e) { /* ignore */ }
    }
  },

  /** Sends the history query now, or 500 ms after the last change with debounceRequests. */
  query: function (immediate) {
    clearTimeout(Report.debounceTimer);
    if (!immediate && cfg('debounceRequests')) {
      Report.debounceTimer = setTimeout(function () { Report.query(true); }, HISTORY_DEBOUNCE_MS);
      return;
    }
    if (!Report.ws || Report.ws.readyState !== 1) {
      if (!Report.ws && !Report.retryTimer) Report.open();
      return;
    }
    var id = ++Report.nextId;
    Report.latestId = id;
    var msg = { id: id, method: 'callHistory', params: {
      filter: Report.filter ? Report.filter : null,
      direction: Report.direction ? Report.direction : null,
      limit: 50
    } };
    try { Report.ws.send(JSON.stringify(msg)); } catch (e) { return; }
    debug('report → ' + JSON.stringify(msg));
    Report.state = 'loading';
    clearTimeout(Report.replyTimer);
    Report.replyTimer = setTimeout(function () {
      if (Report.latestId === id && Report.state === 'loading') {
        Report.state = 'error';
        Report.error = t('historyTimeout');
        renderHistory();
      }
    }, 15000);
    renderHistory();
  },

  onMessage: function (data) {
    var msg;
    try { msg = JSON.parse(data); } catch (e) { return; }
    if (!msg || typeof msg !== 'object' || !hasOwn(msg, 'id')) return; // events: ignored
    debug('report ← ' + String(data).slice(0, 300));
    if (msg.id !== Report.latestId) return; // a stale answer to an older query
    clearTimeout(Report.replyTimer);
    if (msg.error) {
      Report.state = 'error';
      Report.error = errorText(errorWith(msg.error.code || 'error', msg.error.text, { param: msg.error.param }));
    } else {
      var r = msg.result || {};
      Report.calls = Array.isArray(r.calls) ? r.calls : [];
      Report.total = typeof r.total === 'number' ? r.total : Report.calls.length;
      Report.state = 'ok';
      Report.error = null;
      Report.attempts = 0;
    }
    renderHistory();
  },

  refreshSoon: function () {
    if (openPanelName !== 'history') return;
    clearTimeout(Report.refreshTimer);
    Report.refreshTimer = setTimeout(function () { Report.query(true); }, 400);
  }
};
