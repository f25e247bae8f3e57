// The call states and hang-up causes of the agent bar's Call object (docs/compatibility.md
// §1.6, docs/agent-protocol.md §6.1), and which cause a SIP final response means, so that the
// phone's events carry the values the agent bar passes to a CRM.

export const State = Object.freeze({ NEW: 0, CONNECTING: 1, RINGING: 2, CONNECTED: 3, HANGUP: 4, HOLD: 5 });

export const Cause = Object.freeze({
  NOT_SET: -1, UNKNOWN: 0, BUSY: 1, INVALID_NUMBER: 2, CALLER_HANGUP: 3, CALLED_HANGUP: 4,
  REJECTED: 5, UNAVAILABLE: 6, PICKUP: 7, TRANSFER: 8,
});

/** The cause of a call that ended with final response `status` to its INVITE (RFC 3261 §21). */
export function causeForStatus(status) {
  switch (status) {
    case 486: case 600: return Cause.BUSY; // Busy Here, Busy Everywhere
    case 404: case 410: case 484: case 485: case 604: case 416: return Cause.INVALID_NUMBER;
    case 403: case 603: return Cause.REJECTED; // Forbidden, Decline
    case 408: case 480: case 503: case 504: return Cause.UNAVAILABLE;
    case 487: return Cause.CALLER_HANGUP; // our CANCEL took effect
    default: return Cause.UNKNOWN;
  }
}
