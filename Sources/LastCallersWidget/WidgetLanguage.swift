/// The language of the last-callers widget page: English (the default), Czech (the agent bar's
/// home, docs/compatibility.md §1) or German (docs/compatibility.md §5 is a German product's widget), chosen from the
/// request's `Accept-Language` (RFC 9110 §12.5.4). The desktop client that embeds the widget
/// sends the language of its user's system; there is no parameter for it (the widget URL is
/// one fixed template per installation).
///
/// Matching is RFC 4647 §3.3.1 basic filtering on the primary subtag: `cs-CZ` and `cs` choose
/// Czech, `*` chooses English. The range with the highest weight wins, the first one listed
/// among equal weights; `q=0` means "not acceptable"; a malformed weight drops its range.
/// Nothing acceptable (or no field): English. Not enforced: the order of several field lines
/// beyond "as listed".
public enum WidgetLanguage: String, CaseIterable, Hashable, Sendable {
    case en
    case cs
    case de

    /// The language for the `Accept-Language` field lines of a request (each a comma-separated list).
    public init(acceptLanguage lines: [String]) {
        var best: (language: WidgetLanguage, weight: Int)?
        for line in lines {
            for member in Array(line.utf8)[...].split(separator: UInt8(ascii: ",")) {
                guard let (range, weight) = Self.member(member), weight > 0 else { continue }
                let language: WidgetLanguage?
                if range == "*" {
                    language = .en
                } else {
                    let primary = range.split(separator: "-", maxSplits: 1).first.map(String.init) ?? range
                    language = WidgetLanguage(rawValue: primary)
                }
                guard let language, weight > (best?.weight ?? 0) else { continue }
                best = (language, weight)
            }
        }
        self = best?.language ?? .en
    }

    /// One `language-range [ weight ]` (lowercased range, weight in thousandths), or nil when
    /// malformed (RFC 9110 §12.4.2 qvalue). Bytes, not Characters.
    private static func member(_ text: ArraySlice<UInt8>) -> (String, Int)? {
        let parts = text.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        let range = parts[0].withoutOWS
        // RFC 4647 §2.1: 1*8ALPHA *("-" 1*8alphanum), or "*".
        guard !range.isEmpty, range.count <= 64, range.allSatisfy({ byte in
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }) else { return nil }
        var weight = 1000
        for parameter in parts.dropFirst() {
            let pair = parameter.withoutOWS
            guard pair.starts(withASCIICaseInsensitive: "q=") else { continue }
            guard let parsed = pair.dropFirst(2).qvalue else { return nil }
            weight = parsed
        }
        return (String(decoding: range, as: UTF8.self).lowercased(), weight)
    }
}

// MARK: the texts

extension WidgetLanguage {
    /// The page title and heading.
    var title: String {
        switch self {
        case .en: "Last callers"
        case .cs: "Poslední volající"
        case .de: "Letzte Anrufer"
        }
    }

    /// The list's accessible name.
    var listLabel: String {
        switch self {
        case .en: "Agents who called this number, most recent first"
        case .cs: "Kdo z nás volal na toto číslo, od posledního"
        case .de: "Wer diese Nummer angerufen hat, zuletzt zuerst"
        }
    }

    var nobody: String {
        switch self {
        case .en: "Nobody here has called this number yet."
        case .cs: "Na toto číslo od nás zatím nikdo nevolal."
        case .de: "Diese Nummer hat von uns noch niemand angerufen."
        }
    }

    var notExternal: String {
        switch self {
        case .en: "Not an external number."
        case .cs: "Nejde o externí číslo."
        case .de: "Keine externe Rufnummer."
        }
    }

    var noCallerID: String {
        switch self {
        case .en: "No caller number."
        case .cs: "Číslo volajícího není známo."
        case .de: "Keine Rufnummer übermittelt."
        }
    }

    /// How long ago, from whole seconds (negative ones, a clock step, count as now).
    func ago(seconds: Int64) -> String {
        let minutes = seconds / 60, hours = seconds / 3600, days = seconds / 86_400
        switch self {
        case .en:
            if minutes < 1 { return "just now" }
            if hours < 1 { return minutes == 1 ? "1 minute ago" : "\(minutes) minutes ago" }
            if days < 1 { return hours == 1 ? "1 hour ago" : "\(hours) hours ago" }
            return days == 1 ? "1 day ago" : "\(days) days ago"
        case .cs:
            // Czech instrumental after "před": one form for 1, one for every other count.
            if minutes < 1 { return "právě teď" }
            if hours < 1 { return minutes == 1 ? "před 1 minutou" : "před \(minutes) minutami" }
            if days < 1 { return hours == 1 ? "před 1 hodinou" : "před \(hours) hodinami" }
            return days == 1 ? "před 1 dnem" : "před \(days) dny"
        case .de:
            if minutes < 1 { return "gerade eben" }
            if hours < 1 { return minutes == 1 ? "vor 1 Minute" : "vor \(minutes) Minuten" }
            if days < 1 { return hours == 1 ? "vor 1 Stunde" : "vor \(hours) Stunden" }
            return days == 1 ? "vor 1 Tag" : "vor \(days) Tagen"
        }
    }

    /// The heading of an error page, by status.
    func errorTitle(status: Int) -> String {
        switch (self, status) {
        case (.en, 401): "Not authorised"
        case (.cs, 401): "Přístup odepřen"
        case (.de, 401): "Nicht berechtigt"
        case (.en, 400..<500): "Bad request"
        case (.cs, 400..<500): "Chybný požadavek"
        case (.de, 400..<500): "Ungültige Anfrage"
        case (.en, _): "Error"
        case (.cs, _): "Chyba"
        case (.de, _): "Fehler"
        }
    }

    /// Under the error heading of a 401: what to do.
    var unauthorizedHint: String {
        switch self {
        case .en: "The widget's token is missing, invalid or expired. Make a new one on the token page (/lastcaller/tokengen/)."
        case .cs: "Token widgetu chybí, je neplatný nebo vypršel. Vytvořte nový na stránce tokenů (/lastcaller/tokengen/)."
        case .de: "Das Token des Widgets fehlt, ist ungültig oder abgelaufen. Erzeugen Sie ein neues auf der Token-Seite (/lastcaller/tokengen/)."
        }
    }
}
