// The demo CRM's side of the docs/compatibility.md §1.1 integration: the callbacks the page hands the agent bar
// (`crm.*`), click-to-call links, a screen pop for ringing calls, an event log, and buttons that
// play the telephone network through the admin API (docs/admin-api.md).
'use strict';

window.crm = (() => {
  const customers = [
    { name: 'Jana Nováková', company: 'Pekárna U Mostu', phone: '+420 602 123 456' },
    { name: 'Petr Svoboda', company: 'Svoboda & syn', phone: '777 000 111' },
    { name: 'Klaus Berger', company: 'Berger Logistik GmbH', phone: '+49 30 1234567' },
    { name: 'Eva Horáková', company: 'Kavárna Lípa', phone: '00420 731 555 010' },
  ];
  let currentCall = null;

  const digits = (text) => String(text || '').replace(/\D/g, '').replace(/^(00)?420/, '');
  const customerFor = (number) => customers.find((c) => digits(c.phone) === digits(number));
  const $ = (id) => document.getElementById(id);

  function language() {
    const wanted = new URLSearchParams(location.search).get('lang');
    return ['cs', 'en', 'de'].includes(wanted) ? wanted : undefined;
  }

  function log(name, detail) {
    const list = $('event-log');
    if (!list) return;
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString([], { hour12: false });
    const text = document.createElement('div');
    const title = document.createElement('b');
    title.textContent = name;
    text.append(title);
    if (detail !== undefined && detail !== '') {
      const more = document.createElement('span');
      more.textContent = ' ' + (typeof detail === 'string' ? detail : JSON.stringify(detail));
      text.append(more);
    }
    item.append(time, text);
    list.prepend(item);
    while (list.children.length > 200) list.lastChild.remove();
  }

  function callSummary(call) {
    return `${call.direction} ${call.number} state ${call.state}` + (call.cause >= 0 ? ` cause ${call.cause}` : '');
  }

  function showScreenPop(call, phase) {
    const pop = $('screen-pop');
    if (!pop) return;
    const customer = customerFor(call.number);
    pop.hidden = false;
    pop.className = 'screen-pop ' + phase;
    pop.replaceChildren();
    const heading = document.createElement('div');
    heading.className = 'small muted';
    heading.textContent = { ringing: call.direction === 'INCOMING' ? 'Incoming call' : 'Calling',
      connected: 'In call with', ended: 'Call ended' }[phase];
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = customer ? customer.name : (call.name || call.number);
    const what = document.createElement('div');
    what.className = 'small';
    what.textContent = customer ? `${customer.company} · ${call.number}` : 'Not a known customer · ' + call.number;
    pop.append(heading, who, what);
  }

  function setCall(call) {
    currentCall = call && call.state !== 4 ? call : null;
    const answer = $('sim-answer'), hangup = $('sim-hangup');
    if (answer) answer.disabled = !(currentCall && currentCall.direction === 'OUTGOING' && currentCall.state === 2);
    if (hangup) hangup.disabled = !currentCall;
  }

  async function admin(path) {
    const result = $('sim-result');
    try {
      const response = await fetch(path, { method: 'POST' });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error ? body.error.text || body.error.code : 'HTTP ' + response.status);
      result.textContent = 'Done' + (body.uniqueid ? ': call ' + body.uniqueid : '.');
    } catch (error) {
      result.textContent = 'The admin API refused: ' + error.message;
    }
  }

  function renderPage() {
    const rows = $('customer-rows');
    for (const customer of customers) {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = customer.name;
      const company = document.createElement('td');
      company.textContent = customer.company;
      const phone = document.createElement('td');
      const link = document.createElement('a');
      link.className = 'call';
      link.href = 'tel:' + customer.phone.replace(/\s/g, '');
      link.textContent = customer.phone;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        log('dial', customer.phone);
        window.ucsOperator.dial(customer.phone).catch((error) => log('dial refused', error.message));
      });
      phone.append(link);
      row.append(name, company, phone);
      rows.append(row);
    }
    const caller = $('sim-caller');
    for (const customer of customers) caller.add(new Option(`${customer.name} (${customer.phone})`, customer.phone));
    caller.add(new Option('Unknown caller (+420 605 999 888)', '+420 605 999 888'));
    for (const button of document.querySelectorAll('[data-sim]')) {
      button.addEventListener('click', () =>
        admin(`/admin/calls?from=${encodeURIComponent(caller.value)}&${button.dataset.sim}`));
    }
    $('sim-answer').addEventListener('click', () => currentCall && admin(`/admin/calls/${encodeURIComponent(currentCall.uniqueid)}/answer`));
    $('sim-hangup').addEventListener('click', () => currentCall && admin(`/admin/calls/${encodeURIComponent(currentCall.uniqueid)}/hangup`));
    $('log-clear').addEventListener('click', () => $('event-log').replaceChildren());
    const lang = language() || 'cs';
    for (const link of document.querySelectorAll('[data-lang]')) {
      if (link.dataset.lang === lang) link.setAttribute('aria-current', 'true');
    }
  }
  document.addEventListener('DOMContentLoaded', renderPage);

  const callback = (name, show) => (...args) => log(name, show ? show(...args) : '');
  const onCall = (name, phase) => (call) => {
    log(name, callSummary(call));
    setCall(call);
    showScreenPop(call, phase);
  };

  return {
    language,
    agentAppFailed: callback('onError', (message) => message),
    warning: callback('onWarning', (message) => message),
    info: callback('onInfo', (message) => message),
    message: callback('onMessage', (message) => message.message),
    agentAppConnected: callback('onConnect', (version) => 'version ' + version),
    provideCredentials: callback('onCredentials'),
    loginError: callback('onLoginError', (code, message) => `${code}: ${message}`),
    userInformations: callback('onUser', (user) => user.displayname),
    telephoneIdentificatorRequired: callback('onIdentify', (list) => `${(list || []).length} phones`),
    identificatorProvided: callback('onIdentifier', (identificator) => identificator),
    telephonePaired: callback('onDevice', (device) => device && (device.name || device.id)),
    agentAppReady: (state) => {
      log('onReady', `${state.status}, ${state.waitingCallers} waiting`);
      setCall(state.call);
    },
    agentStateChanged: callback('onStateChange', (status) => status.status + (status.reason ? ' · ' + status.reason : '')),
    callNew: onCall('onCallNew', 'ringing'),
    callRinging: onCall('onCallRinging', 'ringing'),
    callConnected: onCall('onCallConnect', 'connected'),
    callHold: onCall('onCallHold', 'connected'),
    callResume: onCall('onCallResume', 'connected'),
    callHangup: onCall('onCallHangup', 'ended'),
    callMute: onCall('onCallMute', 'connected'),
    callUnmute: onCall('onCallUnmute', 'connected'),
    agentSuspend: callback('onAgentSuspend', (queueId) => 'queue ' + queueId),
    agentResume: callback('onAgentResume', (queueId) => 'queue ' + queueId),
    waitingCallersChanged: callback('onWaitingCallersChange', (count) => count + ' waiting'),
  };
})();
