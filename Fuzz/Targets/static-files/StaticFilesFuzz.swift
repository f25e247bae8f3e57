// fuzz-options: -max_len=2048
import FuzzSupport
import LastCallersWidget
import HTTP1
import StaticContent

/// What a static-file request brings (docs/config.md `static`): the request path
/// (`StaticPath`), `If-None-Match` and entity tags, `If-Modified-Since` (`HTTPDate`) and
/// `Accept-Encoding`, and the last-callers widget's `Accept-Language` (`WidgetLanguage`).
/// Input: lines path, entity tag, If-None-Match, HTTP-date, then two lines read as
/// Accept-Encoding and as Accept-Language.
///
/// Properties:
/// - an accepted path has no segment that is empty, `.` or `..`, starts with `.`, or holds `/`,
///   `\` or a control character, and names a directory exactly when it ends in `/`; its
///   segments percent-encoded again give the same path;
/// - an entity tag, an If-None-Match list, an HTTP-date and an Accept-Encoding list that parse,
///   written again, parse to the same value; two Accept-Encoding (or Accept-Language) lines are
///   one list;
/// - If-None-Match, when present, decides the conditional answer alone (RFC 9110 §13.2.2).
@main enum StaticFilesFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let path = input.text()
        let tag = input.text()
        let ifNoneMatch = input.text()
        let date = input.text()
        let encodings = [input.text(), input.text()]
        staticPath(path)
        entityTags(tag, ifNoneMatch)
        httpDate(date)
        acceptEncoding(encodings)

        let conditional = ConditionalRequest(ifNoneMatch: [ifNoneMatch], ifModifiedSince: [date])
        let current = EntityTag(parsing: tag) ?? EntityTag(opaqueTag: "x")!
        let outcome = conditional.evaluate(entityTag: current, lastModified: HTTPDate(secondsSince1970: 0))
        if let list = conditional.ifNoneMatch {
            requireEqual(outcome == .notModified, list.matches(current), "If-None-Match decides")
        }
    }

    static func staticPath(_ path: String) {
        guard let parsed = try? StaticPath(requestPath: path) else { return }
        requireEqual(parsed.namesDirectory, path.utf8.last == UInt8(ascii: "/"), "namesDirectory of \(path)")
        for segment in parsed.segments {
            let bytes = Array(segment.utf8)
            require(!bytes.isEmpty && bytes.first != UInt8(ascii: ".") && !bytes.contains(UInt8(ascii: "/"))
                    && !bytes.contains(UInt8(ascii: "\\")) && !bytes.contains { $0 < 0x20 || $0 == 0x7F },
                    "segment \(segment.debugDescription) of \(path.debugDescription)")
        }
        let named = parsed.namesDirectory ? parsed.segments.dropLast() : parsed.segments[...]
        let again = "/" + named.map(QueryString.percentEncode).joined(separator: "/")
            + (parsed.namesDirectory && !named.isEmpty ? "/" : "")
        requireEqual(try? StaticPath(requestPath: again), parsed, "\(path.debugDescription) encoded again as \(again)")
        _ = MediaType(fileName: parsed.fileName)
    }

    static func entityTags(_ tag: String, _ ifNoneMatch: String) {
        if let parsed = EntityTag(parsing: tag) {
            requireEqual(EntityTag(parsing: parsed.description), parsed, "an entity tag written again")
            require(parsed.matchesWeakly(parsed) && parsed.matchesStrongly(parsed) != parsed.isWeak, "\(parsed) against itself")
        }
        switch IfNoneMatch(fieldValues: [ifNoneMatch]) {
        case .tags(let tags)?:
            let written = tags.map(\.description)
            requireEqual(IfNoneMatch(fieldValues: [written.joined(separator: ", ")]), .tags(tags), "If-None-Match written again")
            if tags.count > 1 {
                let lines = [written.prefix(1).joined(), written.dropFirst().joined(separator: ",")]
                requireEqual(IfNoneMatch(fieldValues: lines), .tags(tags), "If-None-Match in two field lines")
            }
        case .any?:
            require(IfNoneMatch.any.matches(EntityTag(opaqueTag: "anything", isWeak: true)!), "* matches")
        case .malformed?, nil:
            break
        }
    }

    static func httpDate(_ text: String) {
        for now in [nil, HTTPDate(secondsSince1970: 1_700_000_000)] {
            guard let date = HTTPDate(parsing: text, now: now) else { continue }
            requireEqual(date.imfFixdate.utf8.count, 29, "IMF-fixdate length")
            requireEqual(HTTPDate(parsing: date.imfFixdate), date, "\(text) written as \(date.imfFixdate)")
        }
    }

    static func acceptEncoding(_ lines: [String]) {
        let parsed = AcceptEncoding(fieldValues: lines)
        requireEqual(AcceptEncoding(fieldValues: [lines.joined(separator: ",")]), parsed, "two lines as one list")
        requireEqual(WidgetLanguage(acceptLanguage: [lines.joined(separator: ",")]), WidgetLanguage(acceptLanguage: lines),
                     "two Accept-Language lines as one list")
        for (coding, weight) in parsed.weights {
            require(!coding.isEmpty && coding == coding.lowercased() && (0...1000).contains(weight), "\(coding);\(weight)")
        }
        let written = parsed.weights.map { coding, weight in
            coding + ";q=" + (weight == 1000 ? "1" : "0." + String(String(weight + 1000).dropFirst()))
        }
        requireEqual(AcceptEncoding(fieldValues: [written.joined(separator: ", ")]), parsed, "Accept-Encoding written again")
    }
}
