// Touch-tones over SIP INFO, the fallback when RFC 4733 telephone-events cannot be sent (no
// telephone-event negotiated, no audio track on hold): the de-facto application/dtmf-relay body
// (`Signal=5` and `Duration=160`, as SIP phones and PBXs send it) and application/dtmf (the
// tone alone). RTCDTMFSender accepts 0-9, *, #, A-D and "," (a 2 s pause).

export const TONES = /^[0-9*#A-D,]+$/;
export const DEFAULT_DURATION_MS = 160;
export const DEFAULT_GAP_MS = 70;

/** Upper-cases and checks a tone string; throws RangeError for anything else. */
export function normalizeTones(tones) {
  const text = String(tones).toUpperCase();
  if (!TONES.test(text)) throw new RangeError(`not DTMF tones: ${tones}`);
  return text;
}

/** The INFO body for one tone. */
export function relayBody(tone, durationMs = DEFAULT_DURATION_MS) {
  return `Signal=${tone}\r\nDuration=${durationMs}\r\n`;
}

/** The tone of a received INFO: {digit, durationMs} or null when the body is no DTMF. */
export function parseInfo(contentType, body) {
  const type = (contentType || "").split(";")[0].trim().toLowerCase();
  if (type === "application/dtmf-relay") {
    const signal = /^\s*signal\s*=\s*([0-9*#A-Da-d]|1[0-5])\s*$/im.exec(body);
    if (!signal) return null;
    const duration = /^\s*duration\s*=\s*(\d+)\s*$/im.exec(body);
    const digit = /^1[0-5]$/.test(signal[1]) ? "*#ABCD"[Number(signal[1]) - 10] : signal[1].toUpperCase();
    return { digit, durationMs: duration ? Number(duration[1]) : null };
  }
  if (type === "application/dtmf") {
    const digit = body.trim().toUpperCase();
    return /^[0-9*#A-D]$/.test(digit) ? { digit, durationMs: null } : null;
  }
  return null;
}
