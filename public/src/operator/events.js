// Events from the gateway: per-user events (with `seq`, acknowledged when ringing) and
// session events (agent-protocol.md §5), applied to the model and passed to the page's callbacks.

var CALL_EVENTS = {
  callNew: 'onCallNew', callRinging: 'onCallRinging', callConnect: 'onCallConnect',
  callHold: 'onCallHold', callResume: 'onCallResume', callHangup: 'onCallHangup',
  callMute: 'onCallMute', callUnmute: 'onCallUnmute'
};

function onEvent(name, data, seq, epoch) {
  if (typeof seq === 'number') {
    if (typeof epoch === 'string' && epoch !== S.epoch) {
      // The stream started over (a shared engine lost it): its numbers count afresh.
      if (S.epoch !== null) S.lastSeq = Math.min(S.lastSeq, seq - 1);
      S.epoch = epoch;
    }
    if (seq <= S.lastSeq) {
      // Already processed; a repeated callRinging means our ack did not arrive in time.
      if (name === 'callRinging') sendAck(seq);
      return;
    }
    onUserEvent(name, data);
    S.lastSeq = seq;
    saveSession();
    if (name === 'callRinging') sendAck(seq);
    if (S.replaying && S.lastSeq >= S.replayUntil) finishReplay();
    return;
  }
  onSessionEvent(name, data);
}

function sendAck(seq) {
  if (S.status !== 'READY' || S.phase !== 'live') return;
  rawRequest('ack', { seq: seq }).catch(function (e) { debug('ack ' + seq + ' failed: ' + e.code); });
}

function onUserEvent(name, data) {
  if (CALL_EVENTS[name]) {
    if (data.call && typeof data.call === 'object') onCallEvent(name, data.call);
    return;
  }
  switch (name) {
    case 'stateChange':
      S.agentStatus = data.status;
      S.reason = data.reason == null ? null : data.reason;
      syncCurrent();
      render();
      fire('onStateChange', { status: data.status, reason: S.reason });
      if (data.status === 'AUX' && data.reason === 'unreachable' && !S.replaying) {
        localNotify(t('unreachableWarn'), 'warning', { unique: true, timeout: 20000 });
      }
      break;
    case 'agentSuspend':
    case 'agentResume':
      setSuspended(data.queueId, name === 'agentSuspend');
      render();
      fire(name === 'agentSuspend' ? 'onAgentSuspend' : 'onAgentResume', data.queueId);
      break;
    case 'waitingCallersChange':
      var before = S.waitingCallers;
      S.waitingCallers = data.waitingCallers | 0;
      syncCurrent();
      render();
      fire('onWaitingCallersChange', S.waitingCallers);
      if (S.waitingCallers > before) maybeNotifyWaiting();
      break;
    case 'message':
      var m = data.message || {};
      fire('onMessage', m);
      if (!consumeEcho(m.message, m.type)) {
        localNotify(m.message, m.type, { group: m.group, timeout: 12000 });
      }
      break;
    default:
      debug('ignored event ' + name);
  }
}

function setSuspended(queueId, suspended) {
  var users = [S.user, S.current && S.current.user];
  for (var i = 0; i < users.length; i++) {
    var u = users[i];
    if (u && u.queues && u.queues[String(queueId)]) u.queues[String(queueId)].suspended = suspended;
  }
}

/** A call event of the gateway: the model, the ringing, the view, the callback. For a web phone
 *  call the Call object carries the phone's mute (webphone.js withPhoneMute). */
function onCallEvent(name, call) {
  call = withPhoneMute(call);
  var ended = mergeCall(call, name === 'callHangup');
  fire(CALL_EVENTS[name], call);
  if (ended) {
    delete Phone.muted[call.uniqueid];
    afterHangup(call);
  }
}

/** Takes `call` into the active calls (or out, when it ended) without a callback; true if it ended. */
function mergeCall(call, hangup) {
  var idx = -1;
  for (var i = 0; i < S.calls.length; i++) if (S.calls[i].uniqueid === call.uniqueid) idx = i;
  var ended = !!hangup || call.state === 4;
  if (ended) {
    if (idx >= 0) S.calls.splice(idx, 1);
  } else if (idx >= 0) {
    S.calls[idx] = call;
  } else {
    S.calls.push(call);
  }
  setClockOffset(call);
  syncCurrent();
  updateRinging();
  render();
  return ended;
}

function afterHangup(call) {
  if (S.replaying) return;
  if (typeof call.cause === 'number' && call.cause >= 0) {
    localNotify(t('callEnded', { cause: causeText(call.cause, call) }), 'info', { unique: true, group: 'call', timeout: 6000 });
  }
  if (cfg('autoOpenAccountCode') && call.connected && S.status === 'READY' && callReasonList().length) {
    openAccountCode(call);
  }
  Report.refreshSoon();
}

function onSessionEvent(name, data) {
  switch (name) {
    case 'connect':
      S.everConnected = true;
      if (data.protocol !== PROTOCOL_VERSION) {
        stopped = true;
        var text = t('protocolMismatch', { protocol: String(data.protocol) });
        fire('onError', text);
        localNotify(text, 'error', {});
        if (ws) ws.close(1000, 'unsupported protocol');
        S.connection = 'stopped';
        render();
        return;
      }
      S.serverVersion = data.version == null ? null : String(data.version);
      S.connection = 'open';
      connFresh = true;
      if (outage) {
        outage = false;
        fire('onInfo', t('restored'));
        localNotify(t('restored'), 'success', { unique: true, group: 'connection', timeout: 4000 });
      }
      fire('onConnect', S.serverVersion);
      break;
    case 'credentials':
      onCredentialsEvent();
      break;
    case 'loginError':
      onLoginError(data.code | 0, data.message);
      break;
    case 'user':
      S.user = data.user || null;
      if (S.current && S.user) S.current.user = S.user;
      adoptUserLocale(S.user);
      render();
      fire('onUser', S.user);
      break;
    case 'identify':
      setStatus('IDENTIFY');
      S.identificators = Array.isArray(data.identificators) ? data.identificators : [];
      S.device = null;
      S.identifyRound++;
      S.selectedHere = false;
      S.pairing = false;
      S.provisioning = false;
      S.calls = [];
      Ring.stopCall();
      render();
      fire('onIdentify', S.identificators);
      armPrimaryWait();
      maybeAutoPick();
      break;
    case 'identifier':
      S.ipIdentifier = data.identificator == null ? null : String(data.identificator);
      fire('onIdentifier', S.ipIdentifier);
      maybeAutoPick();
      break;
    case 'device':
      setStatus('DEVICE');
      S.device = data.device || null;
      S.deviceRound++;
      S.pairing = false;
      S.pairError = null;
      render();
      fire('onDevice', S.device);
      armPrimaryWait();
      maybeAutoProvision();
      break;
    case 'ready':
      applyState(data.state, true);
      S.freshPage = false;
      S.autoPick = false;
      S.provisioning = false;
      setStatus('READY');
      updateRinging();
      render();
      fire('onReady', S.current);
      break;
    case 'error':
    case 'warning':
    case 'info':
      fire('on' + name.charAt(0).toUpperCase() + name.slice(1), data.message);
      localNotify(data.message, name, { timeout: name === 'info' ? 8000 : 15000 });
      break;
    case 'primary':
      S.primary = !!data.primary;
      S.tabs = data.tabs | 0;
      updateRinging();
      Phone.sync();
      render();
      maybeAutoPick();
      maybeAutoProvision();
      break;
    default:
      debug('ignored event ' + name);
  }
}
