// The status page: polls /status.json (docs/status.md) and renders it; rates are the change of
// each counter since the previous poll.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat('en');
  const healthBadge = { up: 'ok', embedded: 'info', down: 'bad', unknown: 'none', none: 'warn' };
  const healthText = { up: 'up', embedded: 'embedded', down: 'down', unknown: 'not tried yet', none: 'no back end' };
  let previous = null;

  function duration(seconds) {
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
    return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(status) {
    $('uptime').textContent = duration(status.uptimeSeconds);
    $('version').textContent = `callgate ${status.version} · ${status.threads} loops` + (status.notReady ? ` · not ready: ${status.notReady}` : '');
    $('connections').textContent = number.format(status.connections.open);
    $('websockets').textContent = `${number.format(status.connections.webSockets)} WebSockets · ${number.format(status.connections.accepted)} accepted`;
    $('tabs').textContent = number.format(status.agents.tabs);
    $('users').textContent = `${number.format(status.agents.users)} users · ${number.format(status.agents.signedIn)} signed in`;
    $('calls').textContent = number.format(status.agents.calls);
    $('waiting').textContent = `${number.format(status.agents.waitingCallers)} callers waiting in queues`;

    const order = ['READY', 'AUX', 'ACW', 'OFFLINE'];
    const statuses = Object.entries(status.agents.statuses).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    $('statuses').replaceChildren(...statuses.map(([name, count]) => {
      const box = element('div', 'status');
      box.append(element('span', 'dot ' + name), element('span', '', name), element('b', '', number.format(count)));
      return box;
    }));

    $('routes').replaceChildren(...status.routes.map((route) => {
      const row = document.createElement('tr');
      const health = element('td');
      health.append(element('span', 'badge ' + (healthBadge[route.health] || 'none'), healthText[route.health] || route.health));
      if (route.healthSince) health.append(element('div', 'muted small', 'since ' + new Date(route.healthSince * 1000).toLocaleTimeString([], { hour12: false })));
      const events = element('td');
      const list = element('div', 'events');
      for (const [name, count] of Object.entries(route.events).sort()) {
        const item = element('span', '', name.replace(/_/g, ' ') + ' ');
        item.append(element('b', '', number.format(count)));
        list.append(item);
      }
      if (!list.childElementCount) list.append(element('span', '', '—'));
      events.append(list);
      const backend = element('td');
      backend.append(element('code', '', route.backend || '—'), element('div', 'muted small', route.backend && !route.backend.startsWith('embedded') ? route.mode : ''));
      const path = element('td');
      path.append(element('code', '', route.path));
      row.append(element('td', '', route.channel), path, backend, health, element('td', 'number', number.format(route.sessions)), events);
      return row;
    }));

    const seconds = previous ? Math.max(1, status.now - previous.now) : 0;
    $('counters').replaceChildren(...Object.entries(status.counters).map(([name, value]) => {
      const row = element('div');
      const label = element('span', 'name', name.replace(/([A-Z])/g, ' $1').toLowerCase());
      const figure = element('span');
      figure.append(element('b', '', number.format(value)));
      if (previous && seconds) {
        const rate = (value - (previous.counters[name] || 0)) / seconds;
        if (rate > 0) figure.append(element('span', 'rate', `${rate < 10 ? rate.toFixed(1) : number.format(Math.round(rate))}/s`));
      }
      row.append(label, figure);
      return row;
    }));
    previous = status;
  }

  async function poll() {
    const badge = $('freshness');
    try {
      const response = await fetch('/status.json', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
      badge.className = 'badge ok';
      badge.textContent = 'live · ' + new Date().toLocaleTimeString([], { hour12: false });
    } catch (error) {
      badge.className = 'badge bad';
      badge.textContent = 'unreachable: ' + error.message;
    }
  }

  poll();
  setInterval(poll, 2000);
})();
