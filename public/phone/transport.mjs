// The WebSocket under SIP (RFC 7118): one connection offering the `sip` subprotocol (§4), one
// SIP message per text message (§5), and reconnecting after a loss with exponential backoff
// and full jitter (a delay drawn from [base/2, base], base doubling to a cap), so that a
// restarted gateway is not hit by every phone at once. The backoff starts over only once the
// user agent says the connection works (`healthy()`: a REGISTER was answered), not at open:
// a gateway that accepts and then drops would otherwise see a reconnect storm.

export const RECONNECT_MIN_MS = 1000;
export const RECONNECT_MAX_MS = 30000;

/** The delay before reconnect attempt `attempt` (0-based): base = min(max, min·2^attempt),
 * then a uniform draw from [base/2, base]. `random` is Math.random unless a test gives one. */
export function backoffDelay(attempt, { min = RECONNECT_MIN_MS, max = RECONNECT_MAX_MS, random = Math.random } = {}) {
  const base = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + random() * (base / 2));
}

export class Transport {
  /** `onMessage(text)`, `onState(state, detail)` with state connecting | open | closed (detail:
   * {code, reason, retryInMs}) | stopped. */
  constructor({ url, onMessage, onState, WebSocketClass = globalThis.WebSocket, timers = globalThis,
    reconnectMinMs = RECONNECT_MIN_MS, reconnectMaxMs = RECONNECT_MAX_MS }) {
    Object.assign(this, { url, onMessage, onState, WebSocketClass, timers, reconnectMinMs, reconnectMaxMs });
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.stopped = true;
  }

  get isOpen() { return !!this.socket && this.socket.readyState === 1; }

  start() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.onState("connecting", { attempt: this.attempt });
    let socket;
    try {
      socket = new this.WebSocketClass(this.url, "sip");
    } catch (error) {
      this.scheduleReconnect({ code: 0, reason: String(error.message || error) });
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      if (socket.protocol !== "sip") {
        // RFC 7118 §4: without the negotiated subprotocol this is not a SIP server
        socket.close(1002, "no sip subprotocol");
        return;
      }
      this.onState("open", {});
    };
    socket.onmessage = (event) => {
      if (socket === this.socket && typeof event.data === "string") this.onMessage(event.data);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.scheduleReconnect({ code: event.code, reason: event.reason });
    };
  }

  scheduleReconnect({ code, reason }) {
    const retryInMs = backoffDelay(this.attempt++, { min: this.reconnectMinMs, max: this.reconnectMaxMs });
    this.onState("closed", { code, reason, retryInMs });
    this.retryTimer = this.timers.setTimeout(() => this.connect(), retryInMs);
  }

  /** The connection did its job (the registrar answered): the next loss backs off from the start. */
  healthy() { this.attempt = 0; }

  /** Sends one SIP message; false when not connected (the transaction layer then fails it). */
  send(text) {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  /** Drops the connection now and reconnects after the backoff (used when the peer is gone). */
  drop() {
    if (this.socket) this.socket.close(1000);
  }

  stop() {
    this.stopped = true;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.close(1000, "phone stopped");
    }
    this.onState("stopped", {});
  }
}
