// Liveness: is a WebSocket still there? (docs/operator.md §5.1)

/**
 * Watches one WebSocket from the browser's side, which cannot see WebSocket pings: the
 * connection is alive while messages arrive. After `idleMs` without one, `probe()` is called
 * (it sends something the server answers at once); if nothing at all has arrived `timeoutMs`
 * later, or the opening handshake has not completed `connectMs` after `opening()`,
 * `dead(reason)` is called, once ('silent' or 'connect'). Knows nothing of the agent protocol:
 * the web phone's connection can use it with its own probe (a SIP OPTIONS, a CRLF keep-alive).
 *
 * The owner calls `opening()` when it creates the socket, `opened()` on `open`, `received()` on
 * every message (cheap: a timestamp) and `stop()` once it is done with the socket. One timer,
 * set again only when it fires; a timer that fires late (a background tab, a sleeping laptop)
 * only delays the verdict: a reply that came meanwhile counts.
 */
function createLiveness(o) {
  var timer = null;
  var phase = 'idle';   // idle | opening | open
  var lastIn = 0;
  var probing = false;
  var heard = false;
  function arm(ms) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, ms));
  }
  function stop() {
    phase = 'idle';
    clearTimeout(timer);
    timer = null;
  }
  function check() {
    timer = null;
    if (phase === 'opening') { stop(); o.dead('connect'); return; }
    if (phase !== 'open') return;
    if (probing && !heard) { stop(); o.dead('silent'); return; }
    probing = false;
    var quiet = now() - lastIn;
    if (quiet < o.idleMs) { arm(o.idleMs - quiet); return; }
    probing = true;
    heard = false;
    arm(o.timeoutMs);
    o.probe();
  }
  return {
    opening: function () { phase = 'opening'; probing = false; arm(o.connectMs); },
    opened: function () { phase = 'open'; probing = false; lastIn = now(); arm(o.idleMs); },
    received: function () { lastIn = now(); heard = true; },
    stop: stop
  };
}
