// The click-to-call popup's call from the browser itself (docs/click-to-call.md §3.3, §3.4): the
// web phone (public/phone/, docs/sip.md) on the gateway's `sip` route with the popup's session
// token, calling one number. No registration: the popup places a call and takes none (its
// session may not register). call.mjs loads this module when /makecall/session names a
// `sip` route, and draws the window from the events.

import { createPhone } from "../phone/phone.mjs";

/** How many failed connections before the popup says that the phone server cannot be reached
 *  (it goes on trying with the phone's backoff). */
const FAILURES_SHOWN_AFTER = 2;

/**
 * Starts the phone and calls `number` once its connection is open. `session`: the answer of
 * /makecall/session ({token, sip: {path, aor}}). Hooks: `onCall(info)` for every change of the
 * call (the phone's call info: uniqueid, state, cause, connected, …), `onTrouble(text | null)`,
 * `onDtmf()`. Returns {phone, call(), hangup(), sendDigit(d), stop()}.
 */
export function startWebCall({ session, number, onCall, onTrouble = () => {}, audioConstraints = {} }) {
  const aor = /^sips?:([^@;?]+)@([^;?>]+)$/i.exec(session.sip.aor);
  if (!aor) throw new Error(`not a SIP address of record: ${session.sip.aor}`);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  let failures = 0;
  let wanted = true; // place the call when the connection opens
  let current = null;
  const phone = createPhone({
    url: `${scheme}//${location.host}${session.sip.path}`,
    token: session.token,
    user: decodeURIComponent(aor[1]),
    domain: aor[2].toLowerCase(),
    register: false,
    audioConstraints,
    onEvent(event) {
      if (event.type === "connected") {
        failures = 0;
        onTrouble(null);
        if (wanted) {
          wanted = false;
          current = phone.call(number);
        }
      } else if (event.type === "disconnected") {
        failures += 1;
        if (failures >= FAILURES_SHOWN_AFTER && !current) onTrouble(event);
      } else if (event.call && (!current || event.call.uniqueid === current.id)) {
        onCall(event.type, event.call);
      }
    },
  });
  phone.start();
  return {
    phone,
    /** Calls the number again (after a call that did not get through). */
    call() {
      if (phone.connected) current = phone.call(number);
      else wanted = true;
    },
    hangup() { return current ? current.hangup() : false; },
    sendDigit(digit) { return current ? phone.sendDtmf(digit, {}, current.id) : null; },
    stop() { phone.stop(); },
  };
}
