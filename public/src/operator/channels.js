// Channel addresses: docs/compatibility.md §1.2.1 `api` → the WebSocket URL of a channel (docs/operator.md §2.1).

/** The ws(s):// URL of a channel: `ws`, `recording`, `report`, `email`, `template` or any other. */
function channelURL(name) {
  name = String(name || 'ws');
  var api = (op.api && typeof op.api === 'object') ? op.api : {};
  var ch = (api[name] && typeof api[name] === 'object') ? api[name] : {};
  var loc = w.location || {};
  var pick = function (key) {
    if (ch[key] !== undefined && ch[key] !== null && ch[key] !== '') return ch[key];
    if (api[key] !== undefined && api[key] !== null && api[key] !== '') return api[key];
    return undefined;
  };
  var hostname = pick('hostname');
  var port = pick('port');
  if (hostname === undefined) {
    hostname = loc.hostname || 'localhost';
    if (port === undefined) port = loc.port || '';
  }
  var secure = typeof ch.secure === 'boolean' ? ch.secure
    : typeof api.secure === 'boolean' ? api.secure
    : loc.protocol === 'https:';
  var path;
  if (typeof ch.path === 'string' && ch.path !== '') {
    path = ch.path.charAt(0) === '/' ? ch.path : '/' + ch.path;
  } else {
    var prefix = typeof api.path === 'string' ? api.path.replace(/\/+$/, '') : '';
    if (prefix && prefix.charAt(0) !== '/') prefix = '/' + prefix;
    path = prefix + '/' + name;
  }
  hostname = String(hostname);
  if (hostname.indexOf(':') >= 0 && hostname.charAt(0) !== '[') hostname = '[' + hostname + ']';
  port = port === undefined || port === null ? '' : String(port);
  if ((secure && port === '443') || (!secure && port === '80')) port = '';
  return (secure ? 'wss' : 'ws') + '://' + hostname + (port ? ':' + port : '') + path;
}
