/// What a permessage-deflate negotiation agreed (RFC 7692 §7.1).
public struct DeflateParameters: Equatable, Sendable {
    /// §7.1.1.1: the server resets its compressor after every message.
    public var serverNoContextTakeover = false
    /// §7.1.1.2: the client must reset its compressor after every message.
    public var clientNoContextTakeover = false
    /// §7.1.2.1: the largest window the server compresses with (15 when not announced).
    public var serverMaxWindowBits = 15
    /// §7.1.2.2: the largest window the client may compress with (15 when not announced).
    public var clientMaxWindowBits = 15

    public init(serverNoContextTakeover: Bool = false, clientNoContextTakeover: Bool = false, serverMaxWindowBits: Int = 15, clientMaxWindowBits: Int = 15) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }
}

/// The client side of the permessage-deflate negotiation (RFC 7692 §5, §7.1), for one offer: the
/// one Chromium sends, `permessage-deflate; client_max_window_bits`.
///
/// Header values follow RFC 6455 §9.1: a comma-separated list of extensions, each a token with
/// `;`-separated parameters whose values are tokens or quoted strings; names compare ASCII
/// case-insensitively.
public enum DeflateNegotiation {
    /// Chromium's `Sec-WebSocket-Extensions` offer (and Firefox's): permessage-deflate with the
    /// server free to limit the client's window (§7.1.2.2), nothing asked of the server.
    public static let chromiumOffer = "permessage-deflate; client_max_window_bits"

    public enum Outcome: Equatable, Sendable {
        /// No `Sec-WebSocket-Extensions` in the response: the offer was declined, and messages go
        /// uncompressed.
        case declined
        case accepted(DeflateParameters)
        /// The client must fail the connection (RFC 6455 §4.1, client rule 5; RFC 7692 §7).
        case invalid(String)
    }

    /// Checks the server's answer (all `Sec-WebSocket-Extensions` values of the response, joined
    /// with ", " as RFC 6455 §9.1 allows; nil when absent) to `chromiumOffer`.
    public static func validate(response value: String?) -> Outcome {
        guard let value, !value.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "," }) else { return .declined }
        let elements = value.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
        // RFC 7692 §5: the server accepts one offered element; RFC 6455 §4.1: nothing that was not offered.
        guard elements.count == 1 else { return .invalid("\(elements.count) extensions accepted for one offer: '\(value)'") }
        var parts = elements[0].split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
        let name = parts.removeFirst()
        guard name.lowercased() == "permessage-deflate" else { return .invalid("server accepted extension '\(name)', which was not offered") }
        var parameters = DeflateParameters()
        var seen: Set<String> = []
        for part in parts {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pieces[0].trimmingWhitespace.lowercased()
            var argument: String? = pieces.count == 2 ? pieces[1].trimmingWhitespace : nil
            if let quoted = argument, quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") {
                // RFC 6455 §9.1 quoted-string: a backslash takes the next character as it is.
                var unquoted = ""
                var escaped = false
                for character in quoted.dropFirst().dropLast() {
                    if character == "\\" && !escaped { escaped = true; continue }
                    escaped = false
                    unquoted.append(character)
                }
                argument = unquoted
            }
            // RFC 7692 §7: an unknown or duplicate parameter fails the connection.
            guard !key.isEmpty, seen.insert(key).inserted else { return .invalid("duplicate or empty parameter '\(key)' in '\(value)'") }
            switch key {
            case "server_no_context_takeover", "client_no_context_takeover":
                // §7.1.1.1, §7.1.1.2: no value.
                guard argument == nil else { return .invalid("\(key) takes no value: '\(value)'") }
                if key == "server_no_context_takeover" { parameters.serverNoContextTakeover = true } else { parameters.clientNoContextTakeover = true }
            case "server_max_window_bits", "client_max_window_bits":
                // §7.1.2.1, §7.1.2.2: in a response both have a value, 8 to 15 without leading zeroes.
                // server_max_window_bits may come unasked (§7.1.2.1); client_max_window_bits was offered.
                guard let argument, let bits = Int(argument), (8...15).contains(bits), String(bits) == argument else {
                    return .invalid("\(key) needs a value 8...15: '\(value)'")
                }
                if key == "server_max_window_bits" { parameters.serverMaxWindowBits = bits } else { parameters.clientMaxWindowBits = bits }
            default:
                return .invalid("unknown permessage-deflate parameter '\(key)'")
            }
        }
        return .accepted(parameters)
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
