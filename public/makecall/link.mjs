// A link with credentials (user, pass, time, duration): GET /makecall/session with the same query
// gives a session token restricted to the number (docs/click-to-call.md §3), kept in
// sessionStorage so that a reload reuses it. A refused link shows why.

import { LINK_KEY, query, storeGet, storeSet } from './state.mjs';
import { t } from './texts.mjs';
import { fail, show } from './view.mjs';

/** The link's session ({token, expires, user, destination, sip}), or null after showing why not. */
export async function openLinkSession() {
  const stored = storeGet(LINK_KEY);
  if (stored && stored.pass === query.pass && stored.expires * 1000 > Date.now() + 5000) return stored;
  show('starting', 'checkingLink');
  let response, body;
  try {
    response = await fetch('/makecall/session' + location.search, { cache: 'no-store', credentials: 'same-origin',
                                                                      headers: { Accept: 'application/json' } });
    body = await response.json().catch(() => null);
  } catch (error) {
    fail(t('linkTitle'), t('linkUnavailable', { status: error.message }), { retry: true });
    return null;
  }
  if (response.ok && body && body.token) {
    const session = { pass: query.pass, token: body.token, expires: body.expires, user: body.user, destination: body.destination,
                      sip: body.sip || null };
    storeSet(LINK_KEY, session);
    return session;
  }
  const code = body && body.error ? body.error.code : '';
  const reason = body && body.error ? body.error.text : '';
  const text = code === 'expired' ? t('linkExpired')
    : code === 'notYetValid' ? t('linkNotYet')
    : code === 'replayed' ? t('linkUsed')
    : code === 'inUse' ? t('linkInUse')
    : response.status === 400 ? t('linkMalformed', { reason })
    : response.status === 401 ? t('linkInvalid')
    : t('linkUnavailable', { status: response.status });
  fail(t('linkTitle'), text, { retry: response.status >= 500 || response.status === 409,
                               loginInstead: response.status === 400 || response.status === 401 });
  return null;
}

