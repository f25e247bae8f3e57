import AuthSchemes
import HTTP1

/// Checks and makes the credentials of a pre-authenticated Vodia popup link (docs/compatibility.md §2.3):
///
///     pass = hex(md5(user + secret + destnumber + time + duration))
///
/// - `+` is concatenation of the UTF-8 texts, each exactly as it is in the link after URL
///   decoding (docs/compatibility.md §2.3: "alle URL-codiert" — the values are URL-encoded *in the link*; the hash
///   is over the plain texts, which is also what a page computing it in JavaScript does before
///   `encodeURIComponent`).
/// - `secret` is the user's **link secret**, not their login password (issue 7): a page that
///   mints links holds only this secret, and rotating it kills every link without touching the
///   login. The gateway looks it up by `user`.
/// - `time` is Unix seconds and `duration` seconds of validity, both plain decimals without
///   leading zeros (≤ 12 digits); `pass` is 32 hex digits of either case.
///
/// Accepted only while `time - clockSkewSeconds ≤ now ≤ time + duration`, and only with
/// `1 ≤ duration ≤ maxDurationSeconds` (docs/compatibility.md §2.3 warns against long durations: "da Ihr System
/// für eine Maut genommen werden kann"). The digest is compared in constant time, and checked
/// before the time rules, so a refused link says nothing about its window. An unknown user
/// (`secret == nil`) is hashed against a decoy secret and answered `badSignature`, as a wrong
/// `pass` is.
///
/// Not enforced here: single use (`VodiaReplayGuard`), and that the popup dials only
/// `destination` (the hash binds the link to it; the gateway should restrict the session it
/// opens for the link to that number).
public struct VodiaLinkVerifier: Sendable {
    /// Two hours, the validity docs/compatibility.md §2.3 describes ("der seit der Erstellungszeit 2 Stunden
    /// gültig ist").
    public static let defaultMaxDurationSeconds: Int64 = 7_200

    public let maxDurationSeconds: Int64
    public let clockSkewSeconds: Int64

    public init(maxDurationSeconds: Int64 = defaultMaxDurationSeconds, clockSkewSeconds: Int64 = 30) {
        precondition(maxDurationSeconds > 0 && clockSkewSeconds >= 0)
        self.maxDurationSeconds = maxDurationSeconds
        self.clockSkewSeconds = clockSkewSeconds
    }

    /// Checks `link`'s credentials with `secret`, the link secret of `link.credentials.user`
    /// (nil when there is no such user), at `now` (Unix seconds).
    public func verify(_ link: VodiaLink, secret: [UInt8]?, now: Int64) -> Result<VerifiedVodiaLink, AuthError> {
        guard let credentials = link.credentials, !credentials.user.isEmpty else { return .failure(.missingCredential) }
        guard credentials.user.utf8.count <= 256 else { return .failure(.malformed("link user too long")) }
        guard let time = Self.decimal(credentials.time) else { return .failure(.malformed("link time is not Unix seconds")) }
        guard let duration = Self.decimal(credentials.duration), duration > 0 else {
            return .failure(.malformed("link duration is not a positive number of seconds"))
        }
        guard credentials.pass.utf8.count == 2 * MD5.digestLength, let pass = MD5.bytes(hex: credentials.pass) else {
            return .failure(.malformed("link pass is not an MD5 hex digest"))
        }
        let expected = Self.digest(user: credentials.user, secret: secret ?? Self.decoySecret,
                                   destination: link.destination, time: time, duration: duration)
        guard ConstantTime.equal(expected, pass), secret != nil else { return .failure(.badSignature) }
        guard duration <= maxDurationSeconds else {
            return .failure(.malformed("link duration above the maximum of \(maxDurationSeconds) s"))
        }
        guard now >= time - clockSkewSeconds else { return .failure(.notYetValid) }
        guard now <= time + duration else { return .failure(.expired) }
        return .success(VerifiedVodiaLink(user: credentials.user, destination: link.destination,
                                          time: time, expires: time + duration, digest: pass, lang: link.lang))
    }

    /// `pass` for a link: 32 lowercase hex digits. `time` ≥ 0 and `duration` > 0.
    public static func pass(user: String, secret: [UInt8], destination: String, time: Int64, duration: Int64) -> String {
        precondition(time >= 0 && duration > 0, "link time and duration are non-negative seconds")
        return MD5.hex(digest(user: user, secret: secret, destination: destination, time: time, duration: duration))
    }

    /// The query of a link for `makecall.htm`: `destnumber`, `user`, `pass`, `time`, `duration`
    /// and, when given, `lang`, every value percent-encoded (`QueryString.percentEncode`).
    public static func query(destination: String, user: String, secret: [UInt8], time: Int64, duration: Int64,
                             lang: String? = nil) -> String {
        let pass = pass(user: user, secret: secret, destination: destination, time: time, duration: duration)
        var pairs = [("destnumber", destination), ("user", user), ("pass", pass),
                     ("time", String(time)), ("duration", String(duration))]
        if let lang { pairs.append(("lang", lang)) }
        return pairs.map { $0.0 + "=" + QueryString.percentEncode($0.1) }.joined(separator: "&")
    }

    private static func digest(user: String, secret: [UInt8], destination: String, time: Int64, duration: Int64) -> [UInt8] {
        MD5.digest(Array(user.utf8) + secret + Array(destination.utf8) + Array(String(time).utf8) + Array(String(duration).utf8))
    }

    /// Hashed for an unknown user so that it costs what a known one does.
    private static let decoySecret = [UInt8](repeating: 0x5A, count: 32)

    /// A non-negative decimal without leading zeros, at most 12 digits.
    private static func decimal(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard (1...12).contains(bytes.count), bytes.count == 1 || bytes[0] != UInt8(ascii: "0"),
              bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }
}

extension VodiaLinkVerifier: CustomStringConvertible {
    public var description: String {
        "VodiaLinkVerifier(max duration: \(maxDurationSeconds) s, skew: \(clockSkewSeconds) s)"
    }
}
