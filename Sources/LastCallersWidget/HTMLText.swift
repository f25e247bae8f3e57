/// Text written into an HTML document (the last-callers widget page): every value that did not
/// come from the page template itself goes through `escape`, whether it lands in element
/// content or in a double-quoted attribute value.
///
/// - `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`, so a
///   value can neither open a tag nor leave a quoted attribute (HTML Living Standard §13.1.2.3
///   and §13.2.5.36–38: inside a double-quoted attribute only `"` and `&` are special; in text
///   only `<` and `&`; escaping all five covers both and single-quoted attributes too).
/// - Control characters other than TAB, LF and CR (which HTML treats as parse errors, §13.2.2),
///   U+0000 included, become U+FFFD.
///
/// Not handled here: URLs in attributes (`href`, `src`) must also be checked for their scheme
/// by the caller; the widget page only writes fixed relative URLs.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out.append("\u{FFFD}")
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }
}
