import HTTP1

/// The query of the Vodia click-to-call popup, `makecall.htm?destnumber=…` (docs/compatibility.md §2.1), with
/// the optional credentials of a pre-authenticated link:
///
///     makecall.htm?destnumber=1234567890&user=USER&pass=MD5HASH&time=T&duration=D&lang=en
///
/// `parse` checks the shape only: `destnumber` is required and not blank; `user`, `pass`,
/// `time` and `duration` come all together or not at all; `lang` is an optional language tag;
/// anything else is `unknownParameter`. The credentials are checked by `VodiaLinkVerifier`;
/// without them the popup asks for a login. The number is read with the number plan only after
/// that (`VerifiedVodiaLink.number(numbering:)`), so that a link whose credentials fail tells
/// nothing about which extensions exist (issue 18).
public struct VodiaLink: Hashable, Sendable {
    /// The credentials of a pre-authenticated link, as text, exactly as decoded from the query
    /// (the MD5 covers these texts; `VodiaLinkVerifier` checks their syntax).
    public struct Credentials: Hashable, Sendable {
        public var user: String
        public var pass: String
        public var time: String
        public var duration: String

        public init(user: String, pass: String, time: String, duration: String) {
            self.user = user
            self.pass = pass
            self.time = time
            self.duration = duration
        }
    }

    /// `destnumber` as decoded (a raw leading `+` kept): the text the MD5 covers.
    public var destination: String
    public var credentials: Credentials?
    /// `lang`: 2–8 ASCII letters, optionally `-` and 2–8 letters or digits (`en`, `de`, `pt-BR`).
    public var lang: String?

    public static let parameters: Set<String> = ["destnumber", "user", "pass", "time", "duration", "lang", "_"]

    public init(destination: String, credentials: Credentials? = nil, lang: String? = nil) {
        self.destination = destination
        self.credentials = credentials
        self.lang = lang
    }

    public static func parse(query: String?) -> Result<VodiaLink, ClickToCallError> {
        let parameters: StrictQuery
        switch StrictQuery.parse(query, allowed: Self.parameters) {
        case .success(let parsed): parameters = parsed
        case .failure(.unknown(let name)): return .failure(.unknownParameter(name))
        case .failure(.repeated(let name)): return .failure(.repeatedParameter(name))
        case .failure(.undecodable), .failure(.tooLong): return .failure(.undecodableQuery)
        }
        guard let destination = parameters.phoneNumber("destnumber"), !NumberPlan.isBlank(destination) else {
            return .failure(.missingNumber(parameter: "destnumber"))
        }

        let names = ["user", "pass", "time", "duration"]
        let given = names.filter(parameters.contains)
        var credentials: Credentials?
        if given.count == names.count {
            credentials = Credentials(user: parameters.value("user")!, pass: parameters.value("pass")!,
                                      time: parameters.value("time")!, duration: parameters.value("duration")!)
        } else if let missing = names.first(where: { !parameters.contains($0) }), !given.isEmpty {
            return .failure(.invalidParameter(name: missing, expected: "given with user, pass, time and duration (all four or none)"))
        }

        let lang = parameters.value("lang")
        if let lang, !isLanguageTag(lang) {
            return .failure(.invalidParameter(name: "lang", expected: "a language tag such as en or de"))
        }
        return .success(VodiaLink(destination: destination, credentials: credentials, lang: lang))
    }

    private static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = parts.first, (2...8).contains(first.utf8.count),
              first.utf8.allSatisfy(isLetter) else { return false }
        guard parts.count == 2 else { return true }
        return (2...8).contains(parts[1].utf8.count)
            && parts[1].utf8.allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
