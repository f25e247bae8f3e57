import HTTP1

/// The last-callers widget as an HTML page (`GET /lastcaller/?vcallerid=…&token=…`, docs/compatibility.md §5.4):
/// what a desktop client shows in its browser pane when a customer calls back. Static HTML, no
/// script: the client loads the URL again for each call.
///
/// Every value from outside the template (the number as given, agent names and display names)
/// is written through `HTMLText.escape`. The page links `widget.css` and shows `logo.svg`
/// **relative to its own URL** (`/lastcaller/widget.css`, `/lastcaller/logo.svg`, static files
/// from `public/lastcaller/` that an installation replaces with its own), so it also works
/// behind a proxy that adds a path prefix. The gateway sends it with `contentSecurityPolicy`:
/// no script, style and images from the gateway only, no forms, no `<base>`.
///
/// Times are shown relative to `now` in the page's language ("5 minutes ago"; a clock step
/// backwards shows as "just now"), with the exact UTC time in the `<time>` element's
/// `datetime` and `title`. Not done: the viewer's time zone (the page has no script and the
/// request does not carry one).
public enum LastCallersPage {
    public static let contentType = "text/html; charset=utf-8"
    /// For the page and its error pages. No `frame-ancestors`: the desktop client embeds the
    /// widget, from whatever origin it has (and a meta element could not set it anyway).
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
    /// Relative to `/lastcaller/`.
    public static let stylesheet = "widget.css"
    public static let logo = "logo.svg"

    /// The page for `reply`: its callers, most recent first, or why there are none.
    /// `callerID` is the `vcallerid` as given, shown when it is not an external number.
    public static func render(_ reply: LastCallersReply, callerID: String, language: WidgetLanguage, now: Int64) -> [UInt8] {
        var html = head(title: language.title + (reply.number.map { " – " + $0 } ?? ""), language: language)
        html += "<header class=\"widget\">\n<img class=\"logo\" src=\"\(logo)\" alt=\"\">\n"
        html += "<div class=\"heading\"><h1>\(HTMLText.escape(language.title))</h1>\n"
        let shownNumber = reply.number ?? callerID.trimmingBlanks
        if !shownNumber.isEmpty {
            html += "<p class=\"number\">\(HTMLText.escape(shownNumber))</p>"
        }
        html += "</div>\n</header>\n<main>\n"
        if reply.number == nil {
            let why = callerID.trimmingBlanks.isEmpty ? language.noCallerID : language.notExternal
            html += "<p class=\"empty\">\(HTMLText.escape(why))</p>\n"
        } else if reply.callers.isEmpty {
            html += "<p class=\"empty\">\(HTMLText.escape(language.nobody))</p>\n"
        } else {
            html += "<ol class=\"callers\" aria-label=\"\(HTMLText.escape(language.listLabel))\">\n"
            for caller in reply.callers {
                let name = caller.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? caller.agent
                let stamp = utc(caller.at)
                html += "<li><span class=\"name\">\(HTMLText.escape(name))</span>"
                if name != caller.agent {
                    html += " <span class=\"agent\">\(HTMLText.escape(caller.agent))</span>"
                }
                html += " <time datetime=\"\(stamp.iso)\" title=\"\(stamp.readable)\">"
                html += "\(HTMLText.escape(language.ago(seconds: now - caller.at)))</time></li>\n"
            }
            html += "</ol>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return Array(html.utf8)
    }

    /// A small error page for `error` (its English text under a heading in `language`; a 401
    /// adds where to get a new token).
    public static func error(_ error: WidgetError, language: WidgetLanguage) -> [UInt8] {
        let title = language.errorTitle(status: error.status)
        var html = head(title: title, language: language)
        html += "<header class=\"widget\">\n<img class=\"logo\" src=\"\(logo)\" alt=\"\">\n"
        html += "<div class=\"heading\"><h1>\(HTMLText.escape(title))</h1></div>\n</header>\n<main>\n"
        html += "<p class=\"error\" data-code=\"\(HTMLText.escape(error.code))\">\(HTMLText.escape(error.text))</p>\n"
        if error.status == 401 {
            html += "<p class=\"hint\">\(HTMLText.escape(language.unauthorizedHint))</p>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return Array(html.utf8)
    }

    private static func head(title: String, language: WidgetLanguage) -> String {
        """
        <!doctype html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(HTMLText.escape(title))</title>
        <link rel="stylesheet" href="\(stylesheet)">
        </head>
        <body class="lastcaller">

        """
    }

    /// `2023-11-14T22:13:20Z` and `2023-11-14 22:13 UTC`.
    static func utc(_ seconds: Int64) -> (iso: String, readable: String) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let date = HTTPDate.civilDate(daysSince1970: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = date.year < 1000 ? String(repeating: "0", count: 4 - String(max(date.year, 0)).count) + String(max(date.year, 0))
            : String(date.year)
        let day = "\(year)-\(two(date.month))-\(two(date.day))"
        let (hour, minute, sec) = (Int(second / 3600), Int(second % 3600 / 60), Int(second % 60))
        return ("\(day)T\(two(hour)):\(two(minute)):\(two(sec))Z", "\(day) \(two(hour)):\(two(minute)) UTC")
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingBlanks: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
