/// The permessage-deflate opening-handshake negotiation, RFC 7692 §5 and §7.1: the server picks an
/// offer, the client writes the offer and checks the server's answer.
///
/// Header values follow RFC 6455 §9.1: a comma-separated list of extensions, each a token followed
/// by `;`-separated parameters whose values are tokens or quoted strings. Extension and parameter
/// names are compared ASCII case-insensitively. Whitespace is allowed around `,`, `;` and `=`
/// (the grammar is RFC 2616 ABNF, with its §2.1 implied LWS). Only permessage-deflate is ever
/// accepted, so no other accepted extension can claim RSV1 alongside it (RFC 7692 §5).
public enum PerMessageDeflateNegotiation {
    /// The registered extension name, RFC 7692 §7.
    static let extensionName = "permessage-deflate"

    /// Server side, RFC 7692 §5 and §7.1: accepts the first acceptable permessage-deflate offer.
    ///
    /// `headerValues` are all `Sec-WebSocket-Extensions` values of the request, in order (RFC 6455
    /// §9.1: several headers mean one joined list). Other extensions are ignored. An offer is
    /// declined when it breaks the grammar, carries an unknown or duplicate parameter, a value on a
    /// `*_no_context_takeover` parameter, or a window-bits value other than 8 to 15 without leading
    /// zeroes (§7). `server_max_window_bits=8` is accepted: zlib cannot compress with a 256-byte
    /// window, so the codec then sends every message uncompressed, which §6 allows.
    ///
    /// - Returns: the agreed parameters and the response header value, or nil when no offer is
    ///   acceptable (then send no `Sec-WebSocket-Extensions` header).
    public static func accept(
        offers headerValues: [String],
        options: PerMessageDeflateOptions
    ) -> (parameters: PerMessageDeflateParameters, response: String)? {
        for element in ExtensionHeader.elements(headerValues) where element.name == extensionName {
            // RFC 7692 §5: elements are in the client's order of preference. §7: a server MUST decline
            // an offer with an unknown, invalid or duplicate parameter, or one it cannot support.
            if let accepted = try? accept(offer: element, options: options) { return accepted }
        }
        return nil
    }

    /// Server side: the response to one permessage-deflate offer, or why it is declined.
    static func accept(
        offer element: ExtensionHeader.Element,
        options: PerMessageDeflateOptions
    ) throws(PerMessageDeflateNegotiationError) -> (parameters: PerMessageDeflateParameters, response: String) {
        guard !element.isMalformed else { throw .malformedHeader }
        let offer = try ElementParameters(element.parameters)

        // RFC 7692 §7.1.1.1: a server accepting server_no_context_takeover MUST echo it, and MAY add
        // it unasked.
        let serverNoContextTakeover = offer.serverNoContextTakeover || options.serverNoContextTakeover
        // RFC 7692 §7.1.1.2: the server MAY add client_no_context_takeover, offered or not (the
        // default: the client's messages are then inflated with the thread's shared decompressor,
        // DeflateStreamPool); echoing the client's hint does the same.
        let clientNoContextTakeover = offer.clientNoContextTakeover || options.clientNoContextTakeover

        // RFC 7692 §7.1.2.1: accept server_max_window_bits by echoing the same or a smaller value; the
        // server MAY send it unasked. Any offered value 8...15 is honourable (8: we send uncompressed).
        let ourServerBits = PerMessageDeflateOptions.clampedWindowBits(options.serverMaxWindowBits)
        let serverMaxWindowBits = min(offer.serverMaxWindowBits ?? 15, ourServerBits)
        let announcesServerBits = offer.serverMaxWindowBits != nil || serverMaxWindowBits < 15

        // RFC 7692 §7.1.2.2: client_max_window_bits MUST NOT be in the response unless offered. An
        // offered value is the client's own limit; we may answer with it or a smaller one.
        var clientMaxWindowBits = 15
        if offer.hasClientMaxWindowBits {
            let ourClientBits = PerMessageDeflateOptions.clampedWindowBits(options.clientMaxWindowBits)
            clientMaxWindowBits = min(offer.clientMaxWindowBits ?? 15, ourClientBits)
        }

        var response = extensionName
        if serverNoContextTakeover { response += "; server_no_context_takeover" }
        if clientNoContextTakeover { response += "; client_no_context_takeover" }
        if announcesServerBits { response += "; server_max_window_bits=\(serverMaxWindowBits)" }
        if clientMaxWindowBits < 15 { response += "; client_max_window_bits=\(clientMaxWindowBits)" }

        let parameters = PerMessageDeflateParameters(
            serverMaxWindowBits: serverMaxWindowBits,
            clientMaxWindowBits: clientMaxWindowBits,
            serverNoContextTakeover: serverNoContextTakeover,
            clientNoContextTakeover: clientNoContextTakeover
        )
        return (parameters, response)
    }

    /// Client side, RFC 7692 §5 and §7.1: the `Sec-WebSocket-Extensions` value to send.
    ///
    /// Always carries `client_max_window_bits` (§7.1.2.2: without it the server may not limit our
    /// window), with a value when `options.clientMaxWindowBits` is below 15.
    public static func offer(options: PerMessageDeflateOptions) -> String {
        let serverBits = PerMessageDeflateOptions.clampedWindowBits(options.serverMaxWindowBits)
        let clientBits = PerMessageDeflateOptions.clampedWindowBits(options.clientMaxWindowBits)
        var offer = extensionName
        if options.serverNoContextTakeover { offer += "; server_no_context_takeover" }
        if options.clientNoContextTakeover { offer += "; client_no_context_takeover" }
        if serverBits < 15 { offer += "; server_max_window_bits=\(serverBits)" }
        offer += clientBits < 15 ? "; client_max_window_bits=\(clientBits)" : "; client_max_window_bits"
        return offer
    }

    /// Client side, RFC 7692 §5 and §7.1: checks the server's answer to `offer(options:)`.
    ///
    /// - Returns: the agreed parameters, or nil when the server accepted no extension.
    /// - Throws: when the client MUST fail the connection: an extension we did not offer (RFC 6455
    ///   §4.1 step 5), permessage-deflate more than once, or a response that breaks §7 (unknown,
    ///   duplicate or invalid parameters, or a configuration we did not ask for).
    ///   `client_max_window_bits=8` is valid; the codec then sends uncompressed.
    public static func validate(
        response headerValues: [String],
        options: PerMessageDeflateOptions
    ) throws(PerMessageDeflateNegotiationError) -> PerMessageDeflateParameters? {
        let elements = ExtensionHeader.elements(headerValues)
        guard let element = elements.first else { return nil }
        if elements.contains(where: \.isMalformed) { throw .malformedHeader }
        if let other = elements.first(where: { $0.name != extensionName }) { throw .unexpectedExtension(other.name) }
        // RFC 7692 §5: the server accepts one of the offered elements, not several.
        guard elements.count == 1 else { throw .duplicateExtension }

        let response = try ElementParameters(element.parameters)

        // RFC 7692 §7.1.1.1: if we requested server_no_context_takeover, an accepting server echoes
        // it; a server MAY also send it unasked.
        if options.serverNoContextTakeover && !response.serverNoContextTakeover {
            throw .serverNoContextTakeoverMissing
        }

        // RFC 7692 §7.1.2.1: a requested server_max_window_bits comes back with the same or a smaller
        // value; a server MAY send it unasked.
        let requestedServerBits = PerMessageDeflateOptions.clampedWindowBits(options.serverMaxWindowBits)
        if requestedServerBits < 15 {
            guard let received = response.serverMaxWindowBits else {
                throw .serverMaxWindowBitsMissing(requested: requestedServerBits)
            }
            guard received <= requestedServerBits else {
                throw .serverMaxWindowBitsTooLarge(requested: requestedServerBits, received: received)
            }
        }

        // RFC 7692 §7.1.2.2: in a response client_max_window_bits has a value, and it cannot raise the
        // limit we offered.
        let offeredClientBits = PerMessageDeflateOptions.clampedWindowBits(options.clientMaxWindowBits)
        var clientMaxWindowBits = offeredClientBits
        if response.hasClientMaxWindowBits {
            guard let received = response.clientMaxWindowBits else {
                throw .missingParameterValue("client_max_window_bits")
            }
            guard received <= offeredClientBits else {
                throw .clientMaxWindowBitsTooLarge(offered: offeredClientBits, received: received)
            }
            clientMaxWindowBits = received
        }

        return PerMessageDeflateParameters(
            serverMaxWindowBits: response.serverMaxWindowBits ?? 15,
            clientMaxWindowBits: clientMaxWindowBits,
            serverNoContextTakeover: response.serverNoContextTakeover,
            // RFC 7692 §7.1.1.2: having announced it, we keep resetting even if not echoed.
            clientNoContextTakeover: response.clientNoContextTakeover || options.clientNoContextTakeover
        )
    }
}

extension PerMessageDeflateNegotiation {
    /// The four RFC 7692 §7.1 parameters of one permessage-deflate element, checked against the
    /// rules common to offers and responses (§7): no unknown or duplicate names, no value on the
    /// `*_no_context_takeover` flags, window bits 8 to 15 without leading zeroes.
    struct ElementParameters: Equatable {
        var serverNoContextTakeover = false
        var clientNoContextTakeover = false
        var serverMaxWindowBits: Int?
        /// The value of `client_max_window_bits`; nil when absent or sent without a value.
        var clientMaxWindowBits: Int?
        /// Whether `client_max_window_bits` is present, with or without a value.
        var hasClientMaxWindowBits = false

        init(_ parameters: [ExtensionHeader.Parameter]) throws(PerMessageDeflateNegotiationError) {
            var seen: Set<String> = []
            for parameter in parameters {
                // RFC 7692 §7: multiple parameters with the same name are a reason to decline or fail.
                guard seen.insert(parameter.name).inserted else { throw .duplicateParameter(parameter.name) }
                switch parameter.name {
                case "server_no_context_takeover", "client_no_context_takeover":
                    // RFC 7692 §7.1.1.1 and §7.1.1.2: these parameters have no value.
                    if let value = parameter.value { throw .unexpectedParameterValue(name: parameter.name, value: value) }
                    if parameter.name == "server_no_context_takeover" {
                        serverNoContextTakeover = true
                    } else {
                        clientNoContextTakeover = true
                    }
                case "server_max_window_bits":
                    // RFC 7692 §7.1.2.1: always has a value.
                    guard let value = parameter.value else { throw .missingParameterValue(parameter.name) }
                    serverMaxWindowBits = try Self.windowBits(parameter.name, value)
                case "client_max_window_bits":
                    // RFC 7692 §7.1.2.2: may be valueless in an offer (checked by `validate` for responses).
                    hasClientMaxWindowBits = true
                    if let value = parameter.value { clientMaxWindowBits = try Self.windowBits(parameter.name, value) }
                default:
                    throw .unknownParameter(parameter.name)
                }
            }
        }

        /// RFC 7692 §7.1.2.1 and §7.1.2.2: "a decimal integer value without leading zeroes between 8 to
        /// 15, inclusive" (after RFC 6455 §9.1 quoted-string unescaping).
        static func windowBits(_ name: String, _ value: String) throws(PerMessageDeflateNegotiationError) -> Int {
            guard let bits = Int(value), (8...15).contains(bits), String(bits) == value else {
                throw .invalidParameterValue(name: name, value: value)
            }
            return bits
        }
    }
}
