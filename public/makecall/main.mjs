// The click-to-call popup, makecall.htm?destnumber=N (docs/compatibility.md §2.1, docs/click-to-call.md §3).
//
// Two ways in:
// - a link with credentials (user, pass, time, duration): its session from /makecall/session
//   (link.mjs); without a web phone the agent bar (operator.js, headless) attaches with it;
// - a plain link: the agent bar's own session (this tab's, or one copied from the opener), else
//   its remembered login, else a login form (bar.mjs).
// Where the gateway has a `sip` route and the user a SIP identity (the session's answer names
// them), the call is placed from this window itself: the web phone over WebRTC (web-call.mjs; a
// signed-in user's session is first exchanged for one restricted to the number). Otherwise the
// agent's phone is paired if needed and the call placed on it through the agent bar (call.mjs).
// Either way its progress is shown (view.mjs), the keypad sends DTMF, and the window closes
// itself when the call ends. Texts in en/de/cs by `lang` (else the browser's language, texts.mjs).
// What the window holds is in state.mjs, its controls in controls.mjs.

import { startBar } from './bar.mjs';
import { startPhoneMode } from './call.mjs';
import { bindControls } from './controls.mjs';
import { openLinkSession } from './link.mjs';
import { destination, linkMode, ui } from './state.mjs';
import { t } from './texts.mjs';
import { applyTexts, fail, renderTimer } from './view.mjs';

setInterval(() => { if (ui.view === 'call') renderTimer(); }, 1000);
bindControls();

applyTexts();
if (!destination) {
  fail(t('noNumberTitle'), t('noNumber'));
} else if (linkMode) {
  openLinkSession().then((session) => {
    if (session && session.sip) startPhoneMode(session);
    else if (session) startBar(session);
  });
} else {
  startBar(null);
}
