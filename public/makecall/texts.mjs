// The popup's texts in en, de and cs, and the language they are shown in: `lang` of the link,
// else the browser's languages, else English (docs/click-to-call.md §3).

export const TEXTS = {
  en: {
    title: 'Call {number}', calling: 'Call', connecting: 'Connecting…', checkingLink: 'Checking the link…',
    loginTitle: 'Log in to call', username: 'User name', password: 'Password', remember: 'Remember me',
    language: 'Language', login: 'Log in', loggingIn: 'Logging in…', loginRequired: 'Enter your user name and password.',
    phoneTitle: 'Which phone should call?', phone: 'Phone', identifier: 'Phone identifier',
    identifierPlaceholder: 'e.g. web-alice', otherIdentifier: 'Other identifier…', pair: 'Use this phone',
    lookingForPhone: 'Looking for your phone…', pairing: 'Connecting your phone…', signingIn: 'Signing in…',
    dialling: 'Dialling…', ringing: 'Ringing…', connected: 'Connected', onHold: 'On hold', ended: 'Call ended',
    hangup: 'Hang up', keypad: 'Keypad', sent: 'Tones sent: {digits}',
    callAgain: 'Call again', close: 'Close', tryAgain: 'Try again', loginInstead: 'Log in instead',
    closeHint: 'You can close this window now.', closing: 'This window closes…', logout: 'Log out', signedInAs: 'Signed in as {name}',
    busyTitle: 'You already have a call', busy: 'Finish your current call, then try again.',
    callFailed: 'The call could not be placed', noNumberTitle: 'Nothing to call', noNumber: 'The link has no number to call (destnumber).',
    linkTitle: 'This call link cannot be used', linkInvalid: 'The link is not valid. Open it again from the page.',
    linkExpired: 'The link has expired. Open it again from the page.',
    linkNotYet: 'The link is not valid yet. Check the clock of this computer.',
    linkUsed: 'The link has already been used. Open it again from the page.', linkMalformed: 'The link is damaged: {reason}',
    linkUnavailable: 'The phone server did not answer ({status}).',
    linkInUse: 'This link’s call is open in another window. Close that one first.',
    phoneUnreachable: 'Cannot reach the phone server. Trying again…', microphone: 'No microphone: {reason}',
    connectionLost: 'Connection lost. Reconnecting…', linkSessionOver: 'The link’s time is up. Log in to go on.',
    cause0: 'The call has ended.', cause1: 'The line is busy.', cause2: 'The number cannot be dialled.',
    cause3: 'You hung up.', cause4: 'The other side hung up.', cause5: 'The call was rejected.',
    cause6: 'Nobody answered.', cause7: 'The call was picked up elsewhere.', cause8: 'The call was transferred.',
  },
  de: {
    title: 'Anruf {number}', calling: 'Anruf', connecting: 'Verbinden…', checkingLink: 'Link wird geprüft…',
    loginTitle: 'Zum Anrufen anmelden', username: 'Benutzername', password: 'Passwort', remember: 'Anmeldedaten merken',
    language: 'Sprache', login: 'Anmelden', loggingIn: 'Anmeldung…', loginRequired: 'Bitte Benutzername und Passwort eingeben.',
    phoneTitle: 'Welches Telefon soll anrufen?', phone: 'Telefon', identifier: 'Telefon-Kennung',
    identifierPlaceholder: 'z. B. web-alice', otherIdentifier: 'Andere Kennung…', pair: 'Dieses Telefon verwenden',
    lookingForPhone: 'Ihr Telefon wird gesucht…', pairing: 'Telefon wird verbunden…', signingIn: 'Anmeldung…',
    dialling: 'Wählt…', ringing: 'Klingelt…', connected: 'Verbunden', onHold: 'Gehalten', ended: 'Anruf beendet',
    hangup: 'Auflegen', keypad: 'Tastatur', sent: 'Gesendete Töne: {digits}',
    callAgain: 'Erneut anrufen', close: 'Schließen', tryAgain: 'Erneut versuchen', loginInstead: 'Stattdessen anmelden',
    closeHint: 'Sie können dieses Fenster jetzt schließen.', closing: 'Dieses Fenster wird geschlossen…', logout: 'Abmelden', signedInAs: 'Angemeldet als {name}',
    busyTitle: 'Sie telefonieren bereits', busy: 'Beenden Sie den laufenden Anruf und versuchen Sie es dann erneut.',
    callFailed: 'Der Anruf konnte nicht aufgebaut werden', noNumberTitle: 'Keine Nummer', noNumber: 'Der Link enthält keine Nummer (destnumber).',
    linkTitle: 'Dieser Anruf-Link ist nicht nutzbar', linkInvalid: 'Der Link ist ungültig. Öffnen Sie ihn erneut von der Seite.',
    linkExpired: 'Der Link ist abgelaufen. Öffnen Sie ihn erneut von der Seite.',
    linkNotYet: 'Der Link ist noch nicht gültig. Prüfen Sie die Uhrzeit dieses Computers.',
    linkUsed: 'Der Link wurde bereits verwendet. Öffnen Sie ihn erneut von der Seite.', linkMalformed: 'Der Link ist beschädigt: {reason}',
    linkUnavailable: 'Der Telefonserver hat nicht geantwortet ({status}).',
    linkInUse: 'Der Anruf dieses Links läuft in einem anderen Fenster. Schließen Sie es zuerst.',
    phoneUnreachable: 'Der Telefonserver ist nicht erreichbar. Neuer Versuch…', microphone: 'Kein Mikrofon: {reason}',
    connectionLost: 'Verbindung verloren. Neuer Versuch…', linkSessionOver: 'Die Zeit des Links ist abgelaufen. Melden Sie sich an, um fortzufahren.',
    cause0: 'Der Anruf ist beendet.', cause1: 'Die Leitung ist besetzt.', cause2: 'Die Nummer kann nicht gewählt werden.',
    cause3: 'Sie haben aufgelegt.', cause4: 'Die Gegenseite hat aufgelegt.', cause5: 'Der Anruf wurde abgewiesen.',
    cause6: 'Niemand hat abgenommen.', cause7: 'Der Anruf wurde woanders angenommen.', cause8: 'Der Anruf wurde weitergeleitet.',
  },
  cs: {
    title: 'Volání {number}', calling: 'Volání', connecting: 'Připojování…', checkingLink: 'Ověřování odkazu…',
    loginTitle: 'Přihlaste se k volání', username: 'Uživatelské jméno', password: 'Heslo', remember: 'Zapamatovat si mě',
    language: 'Jazyk', login: 'Přihlásit', loggingIn: 'Přihlašování…', loginRequired: 'Zadejte uživatelské jméno a heslo.',
    phoneTitle: 'Ze kterého telefonu volat?', phone: 'Telefon', identifier: 'Identifikátor telefonu',
    identifierPlaceholder: 'např. web-alice', otherIdentifier: 'Jiný identifikátor…', pair: 'Použít tento telefon',
    lookingForPhone: 'Hledám váš telefon…', pairing: 'Připojuji telefon…', signingIn: 'Přihlašování…',
    dialling: 'Vytáčení…', ringing: 'Vyzvání…', connected: 'Spojeno', onHold: 'Přidrženo', ended: 'Hovor ukončen',
    hangup: 'Zavěsit', keypad: 'Klávesnice', sent: 'Odeslané tóny: {digits}',
    callAgain: 'Volat znovu', close: 'Zavřít', tryAgain: 'Zkusit znovu', loginInstead: 'Raději se přihlásit',
    closeHint: 'Toto okno teď můžete zavřít.', closing: 'Okno se zavírá…', logout: 'Odhlásit', signedInAs: 'Přihlášen(a): {name}',
    busyTitle: 'Už máte hovor', busy: 'Dokončete probíhající hovor a zkuste to znovu.',
    callFailed: 'Hovor se nepodařilo spojit', noNumberTitle: 'Není co volat', noNumber: 'Odkaz neobsahuje číslo (destnumber).',
    linkTitle: 'Tento odkaz pro volání nelze použít', linkInvalid: 'Odkaz je neplatný. Otevřete ho znovu ze stránky.',
    linkExpired: 'Platnost odkazu vypršela. Otevřete ho znovu ze stránky.',
    linkNotYet: 'Odkaz ještě neplatí. Zkontrolujte hodiny tohoto počítače.',
    linkUsed: 'Odkaz už byl použit. Otevřete ho znovu ze stránky.', linkMalformed: 'Odkaz je poškozený: {reason}',
    linkUnavailable: 'Telefonní server neodpověděl ({status}).',
    linkInUse: 'Hovor z tohoto odkazu běží v jiném okně. Nejdřív ho zavřete.',
    phoneUnreachable: 'Telefonní server není dostupný. Zkouším znovu…', microphone: 'Chybí mikrofon: {reason}',
    connectionLost: 'Spojení ztraceno. Připojuji znovu…', linkSessionOver: 'Čas odkazu vypršel. Pro pokračování se přihlaste.',
    cause0: 'Hovor skončil.', cause1: 'Linka je obsazená.', cause2: 'Číslo nelze vytočit.',
    cause3: 'Zavěsili jste.', cause4: 'Druhá strana zavěsila.', cause5: 'Hovor byl odmítnut.',
    cause6: 'Nikdo to nezvedl.', cause7: 'Hovor byl přijat jinde.', cause8: 'Hovor byl přepojen.',
  },
};

let current = 'en';

/** The first of `wanted` and the browser's languages that has texts; else 'en'. */
export function pickLanguage(wanted, browser = navigator.languages || [navigator.language]) {
  const candidates = [wanted, ...browser];
  for (const candidate of candidates) {
    const short = String(candidate || '').toLowerCase().split(/[-_]/)[0];
    if (TEXTS[short]) return short;
  }
  return 'en';
}

/** Shows the texts in `pickLanguage(wanted)` from now on; returns it. */
export function setLanguage(wanted) {
  current = pickLanguage(wanted);
  return current;
}

/** The language the texts are shown in. */
export function language() {
  return current;
}

/** The text `key` in the current language (else English, else the key), `{name}` replaced by `values.name`. */
export function t(key, values) {
  const text = (TEXTS[current] && TEXTS[current][key]) || TEXTS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (values && name in values ? String(values[name]) : match));
}
