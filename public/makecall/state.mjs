// What the popup window holds: its elements, the link's query, the state of its views and its
// call (`ui`), and what it keeps in sessionStorage so that a reload resumes.

import { parseQuery } from './query.mjs';
import { setLanguage } from './texts.mjs';

export const LINK_KEY = 'callgate.makecall.link';      // sessionStorage: {pass, token, expires, user, destination, sip}
export const PLACED_KEY = 'callgate.makecall.placed';  // sessionStorage: {query, uniqueid}

export const root = document.getElementById('makecall');
export const $ = (selector) => root.querySelector(selector);
export const $$ = (selector) => Array.from(root.querySelectorAll(selector));

export const query = parseQuery(location.search);
const credentialNames = ['user', 'pass', 'time', 'duration'];
export const linkMode = credentialNames.some((name) => name in query);
export const destination = (query.destnumber || '').trim();

setLanguage(query.lang);

export const ui = {
  view: 'starting',
  waitKey: 'connecting',
  number: destination,     // what is dialled: the gateway's classification in link mode
  uniqueid: null,          // our call
  call: null,              // its last Call object
  seen: {},                // calls by uniqueid, for events that come before the dial's reply
  clockOffset: 0,
  sent: '',
  hangupByUs: false,
  dialing: false,
  placed: false,
  closing: false,
  identifierSeen: false,
  pickerTimer: null,
  lastWarning: null,
  user: null,              // the User object once logged in
  trail: ['starting'],     // the views shown, in order (data-mc-trail: for tests and integrators)
  error: null,             // {title, text, retry, loginInstead}
  ended: null,             // {title, text}
  mode: 'bar',             // 'phone': the call is this window's own (WebRTC); 'bar': on the agent's phone
  webCall: null,           // the phone mode's controller (web-call.mjs)
  exchanged: false,        // a signed-in session was offered for the phone mode
  identifyPending: null,   // the identify list while that offer is open
};

export function storeGet(key) {
  try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (error) { return null; }
}
export function storeSet(key, value) {
  try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (error) { /* private mode: no resume */ }
}

/** Whether this tab's agent-bar session came from a link (provider `makecall`). */
export function sessionIsLink() {
  try {
    const stored = JSON.parse(sessionStorage.getItem('ucsOperator.session') || 'null');
    return !!(stored && stored.provider === 'makecall');
  } catch (error) {
    return false;
  }
}
