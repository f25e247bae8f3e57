import Testing
@testable import WSFraming

/// The opening-handshake negotiation, RFC 7692 §5 and §7.1, over RFC 6455 §9.1 header values.
@Suite struct PerMessageDeflateNegotiationTests {
    typealias Negotiation = PerMessageDeflateNegotiation

    // MARK: Server: accepting an offer

    @Test func acceptsThePlainOffer() throws {
        let accepted = try #require(Negotiation.accept(offers: ["permessage-deflate"], options: .neutral()))
        #expect(accepted.response == "permessage-deflate")
        #expect(accepted.parameters == PerMessageDeflateParameters())
    }

    /// The defaults a newcomer gets (docs/config.md, `permessageDeflate`), against Chromium's and
    /// Firefox's offer: the client is told to reset per message (§7.1.1.2: a server MAY add
    /// `client_no_context_takeover` unasked), and our 12-bit window is announced (§7.1.2.1: MAY be
    /// sent unasked), so the browser's decompressor needs only 4 KiB.
    @Test func browsersOfferGetsTheSmallDefaults() throws {
        let accepted = try #require(Negotiation.accept(offers: ["permessage-deflate; client_max_window_bits"], options: .init()))
        #expect(accepted.response == "permessage-deflate; client_no_context_takeover; server_max_window_bits=12")
        #expect(accepted.parameters == PerMessageDeflateParameters(serverMaxWindowBits: 12, clientNoContextTakeover: true))
        // A client asking for a larger window than ours gets ours (§7.1.2.1: the same or smaller).
        let larger = try #require(Negotiation.accept(offers: ["permessage-deflate; server_max_window_bits=14"], options: .init()))
        #expect(larger.parameters.serverMaxWindowBits == 12)
    }

    /// What browsers send: `client_max_window_bits` without a value (§7.1.2.2: "I support it").
    @Test func clientMaxWindowBitsWithoutValue() throws {
        let offer = ["permessage-deflate; client_max_window_bits"]
        let unlimited = try #require(Negotiation.accept(offers: offer, options: .neutral()))
        #expect(unlimited.response == "permessage-deflate")
        #expect(unlimited.parameters.clientMaxWindowBits == 15)

        // We may then limit the client's window.
        let limited = try #require(Negotiation.accept(offers: offer, options: .neutral(clientMaxWindowBits: 10)))
        #expect(limited.response == "permessage-deflate; client_max_window_bits=10")
        #expect(limited.parameters.clientMaxWindowBits == 10)

        // §7.1.2.2: not offered, so it MUST NOT be in the response, whatever we would like.
        let notOffered = try #require(Negotiation.accept(offers: ["permessage-deflate"], options: .neutral(clientMaxWindowBits: 10)))
        #expect(notOffered.response == "permessage-deflate")
        #expect(notOffered.parameters.clientMaxWindowBits == 15)
    }

    /// §7.1.2.2: an offered value is the client's own limit; we answer it or a smaller one.
    @Test func clientMaxWindowBitsWithValue() throws {
        let offer = ["permessage-deflate; client_max_window_bits=12"]
        let theirs = try #require(Negotiation.accept(offers: offer, options: .neutral()))
        #expect(theirs.response == "permessage-deflate; client_max_window_bits=12")
        #expect(theirs.parameters.clientMaxWindowBits == 12)
        let ours = try #require(Negotiation.accept(offers: offer, options: .neutral(clientMaxWindowBits: 9)))
        #expect(ours.response == "permessage-deflate; client_max_window_bits=9")
        #expect(ours.parameters.clientMaxWindowBits == 9)
    }

    /// §7.1.2.1: echo server_max_window_bits with the same or a smaller value; we MAY send it unasked.
    @Test func serverMaxWindowBits() throws {
        func response(_ offer: String, ours: Int) throws -> (PerMessageDeflateParameters, String) {
            let accepted = try #require(Negotiation.accept(offers: [offer], options: .neutral(serverMaxWindowBits: ours)))
            return (accepted.parameters, accepted.response)
        }
        #expect(try response("permessage-deflate; server_max_window_bits=15", ours: 15).1
            == "permessage-deflate; server_max_window_bits=15")
        #expect(try response("permessage-deflate; server_max_window_bits=12", ours: 10).1
            == "permessage-deflate; server_max_window_bits=10")
        #expect(try response("permessage-deflate; server_max_window_bits=9", ours: 10).1
            == "permessage-deflate; server_max_window_bits=9")
        let (parameters, unasked) = try response("permessage-deflate", ours: 11)
        #expect(unasked == "permessage-deflate; server_max_window_bits=11")
        #expect(parameters.serverMaxWindowBits == 11)
    }

    /// Autobahn 13.3.x / 13.5.x: zlib cannot compress with a 256-byte window, but the offer is
    /// still accepted; the codec sends every message uncompressed (§6: compression is per message).
    @Test func serverMaxWindowBits8IsAcceptedAndSendsUncompressed() throws {
        for offer in ["permessage-deflate; server_max_window_bits=8",
                      "permessage-deflate; server_max_window_bits=8; client_max_window_bits=8",
                      "permessage-deflate; client_no_context_takeover; server_max_window_bits=8"] {
            let accepted = try #require(Negotiation.accept(offers: [offer], options: .neutral()), "\(offer)")
            #expect(accepted.response.contains("server_max_window_bits=8"))
            #expect(accepted.parameters.serverMaxWindowBits == 8)
            let server = PerMessageDeflate(parameters: accepted.parameters, role: .server, options: .neutral())
            #expect(!server.shouldCompress(messageSize: 1 << 20))
            // A client that can compress still does, and we inflate it with our 15-bit window.
            let client = PerMessageDeflate(parameters: accepted.parameters, role: .client, options: .neutral())
            let message = compressibleText(count: 10_000)
            if client.shouldCompress(messageSize: message.count) {
                #expect(try server.decompress([client.compress(message)]) == message)
            }
        }
        let both8 = try #require(Negotiation.accept(
            offers: ["permessage-deflate; server_max_window_bits=8; client_max_window_bits=8"], options: .neutral()))
        #expect(both8.response == "permessage-deflate; server_max_window_bits=8; client_max_window_bits=8")
    }

    /// §7.1.1: server_no_context_takeover is echoed (and we may add it); the client's
    /// client_no_context_takeover hint is echoed (and we may ask for it).
    @Test func noContextTakeover() throws {
        let requested = try #require(Negotiation.accept(
            offers: ["permessage-deflate; server_no_context_takeover; client_no_context_takeover"], options: .neutral()))
        #expect(requested.response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        #expect(requested.parameters == PerMessageDeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true))

        let ours = try #require(Negotiation.accept(
            offers: ["permessage-deflate"],
            options: .neutral(serverNoContextTakeover: true, clientNoContextTakeover: true)))
        #expect(ours.response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")

        let everything = try #require(Negotiation.accept(
            offers: ["permessage-deflate; client_max_window_bits; server_no_context_takeover"],
            options: .neutral(serverMaxWindowBits: 12, clientMaxWindowBits: 10)))
        #expect(everything.response
            == "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10")
    }

    /// RFC 6455 §9.1: a quoted value unescapes to a token.
    @Test func quotedValues() throws {
        let quoted = try #require(Negotiation.accept(
            offers: [#"permessage-deflate; client_max_window_bits="10"; server_max_window_bits="1\2""#], options: .neutral()))
        #expect(quoted.parameters.clientMaxWindowBits == 10)
        #expect(quoted.parameters.serverMaxWindowBits == 12)
        #expect(quoted.response == "permessage-deflate; server_max_window_bits=12; client_max_window_bits=10")
    }

    /// §5: offers are in the client's order of preference; §7: the malformed ones are declined and
    /// the first acceptable one wins. Several header values form one list (RFC 6455 §9.1).
    @Test func declinesBadOffersAndAcceptsTheFirstGoodOne() throws {
        let offers = [
            "permessage-deflate; foo=1, permessage-deflate; server_max_window_bits=16",
            "x-webkit-deflate-frame; no_context_takeover, permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            #"permessage-deflate; server_max_window_bits=07, permessage-deflate; client_no_context_takeover=1, permessage-deflate; client_max_window_bits="1 0""#,
            "permessage-deflate; server_max_window_bits=12; client_max_window_bits, permessage-deflate",
        ]
        let accepted = try #require(Negotiation.accept(offers: offers, options: .neutral()))
        #expect(accepted.response == "permessage-deflate; server_max_window_bits=12")
        #expect(accepted.parameters == PerMessageDeflateParameters(serverMaxWindowBits: 12))
    }

    /// §7: each reason a server MUST decline an offer, with the reason recorded.
    @Test(arguments: [
        ("permessage-deflate; foo", PerMessageDeflateNegotiationError.unknownParameter("foo")),
        ("permessage-deflate; max_window_bits=10", .unknownParameter("max_window_bits")),
        ("permessage-deflate; client_max_window_bits; client_max_window_bits=10", .duplicateParameter("client_max_window_bits")),
        ("permessage-deflate; server_max_window_bits=10; SERVER_MAX_WINDOW_BITS=10", .duplicateParameter("server_max_window_bits")),
        ("permessage-deflate; server_no_context_takeover=true", .unexpectedParameterValue(name: "server_no_context_takeover", value: "true")),
        (#"permessage-deflate; client_no_context_takeover="""#, .malformedHeader),
        ("permessage-deflate; server_max_window_bits", .missingParameterValue("server_max_window_bits")),
        ("permessage-deflate; server_max_window_bits=16", .invalidParameterValue(name: "server_max_window_bits", value: "16")),
        ("permessage-deflate; server_max_window_bits=7", .invalidParameterValue(name: "server_max_window_bits", value: "7")),
        ("permessage-deflate; server_max_window_bits=07", .invalidParameterValue(name: "server_max_window_bits", value: "07")),
        ("permessage-deflate; server_max_window_bits=+9", .invalidParameterValue(name: "server_max_window_bits", value: "+9")),
        ("permessage-deflate; client_max_window_bits=0x0a", .invalidParameterValue(name: "client_max_window_bits", value: "0x0a")),
        ("permessage-deflate; client_max_window_bits=-15", .invalidParameterValue(name: "client_max_window_bits", value: "-15")),
        ("permessage-deflate; client_max_window_bits=99999999999999999999", .invalidParameterValue(name: "client_max_window_bits", value: "99999999999999999999")),
        (#"permessage-deflate; client_max_window_bits="1 0""#, .malformedHeader),
        (#"permessage-deflate; client_max_window_bits="10"#, .malformedHeader),
        ("permessage-deflate; client_max_window_bits=", .malformedHeader),
        ("permessage-deflate;; server_no_context_takeover", .malformedHeader),
        ("permessage-deflate; =10", .malformedHeader),
        ("permessage-deflate server_no_context_takeover", .malformedHeader),
        ("permessage-deflate; client_max_window_bits=10 11", .malformedHeader),
        ("permessage-deflate; server_no_context_takeover;", .malformedHeader),
    ])
    func declines(offer: String, reason: PerMessageDeflateNegotiationError) throws {
        #expect(Negotiation.accept(offers: [offer], options: .neutral()) == nil)
        let element = try #require(ExtensionHeader.elements([offer]).first)
        #expect(throws: reason) { try Negotiation.accept(offer: element, options: .neutral()) }
        // A good offer after the bad one is still found.
        let accepted = Negotiation.accept(offers: [offer, "permessage-deflate; server_max_window_bits=9"], options: .neutral())
        #expect(accepted?.parameters.serverMaxWindowBits == 9)
    }

    @Test func noAcceptableOfferGivesNil() {
        #expect(Negotiation.accept(offers: [], options: .neutral()) == nil)
        #expect(Negotiation.accept(offers: [""], options: .neutral()) == nil)
        #expect(Negotiation.accept(offers: ["x-webkit-deflate-frame", "deflate-frame; foo"], options: .neutral()) == nil)
        #expect(Negotiation.accept(offers: ["permessage-deflate-x", "x-permessage-deflate"], options: .neutral()) == nil)
        #expect(Negotiation.accept(offers: ["permessage-deflate; server_max_window_bits=16"], options: .neutral()) == nil)
    }

    /// RFC 6455 §9.1: other extensions are skipped, even ones with commas inside quoted values.
    @Test func unknownExtensionsAreIgnored() throws {
        let offers = [#"foo; bar="a, permessage-deflate; baz", mux; max-channels=4, permessage-deflate; client_no_context_takeover"#]
        let accepted = try #require(Negotiation.accept(offers: offers, options: .neutral()))
        #expect(accepted.response == "permessage-deflate; client_no_context_takeover")
    }

    /// Names are case-insensitive; whitespace is allowed around separators; empty list elements are skipped.
    @Test func lenientSyntax() throws {
        for offer in ["PerMessage-Deflate; Server_No_Context_Takeover",
                      " ,permessage-deflate ;server_no_context_takeover , ",
                      "permessage-deflate\t;\tserver_no_context_takeover",
                      "permessage-deflate; server_no_context_takeover; client_max_window_bits = 15"] {
            let accepted = try #require(Negotiation.accept(offers: [offer], options: .neutral()), "\(offer)")
            #expect(accepted.response == "permessage-deflate; server_no_context_takeover", "\(offer)")
        }
    }

    // MARK: Client: offering and checking the answer

    @Test func offers() {
        #expect(Negotiation.offer(options: .neutral()) == "permessage-deflate; client_max_window_bits")
        #expect(Negotiation.offer(options: .neutral(clientMaxWindowBits: 10)) == "permessage-deflate; client_max_window_bits=10")
        #expect(Negotiation.offer(options: .neutral(
            serverMaxWindowBits: 10, clientMaxWindowBits: 12, serverNoContextTakeover: true, clientNoContextTakeover: true))
            == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12")
        // Out-of-range options are clamped to §7.1.2's 8...15.
        #expect(Negotiation.offer(options: .neutral(serverMaxWindowBits: 3, clientMaxWindowBits: 20))
            == "permessage-deflate; server_max_window_bits=8; client_max_window_bits")
    }

    @Test func validateAcceptsGoodResponses() throws {
        let options = PerMessageDeflateOptions.neutral()
        #expect(try Negotiation.validate(response: [], options: options) == nil)
        #expect(try Negotiation.validate(response: ["permessage-deflate"], options: options) == PerMessageDeflateParameters())
        // §7.1.1.1 and §7.1.2.1: the server MAY add these unasked.
        #expect(try Negotiation.validate(
            response: ["permessage-deflate; server_no_context_takeover; server_max_window_bits=10"], options: options)
            == PerMessageDeflateParameters(serverMaxWindowBits: 10, serverNoContextTakeover: true))
        // §7.1.1.2: the server may ask us to reset.
        #expect(try Negotiation.validate(response: ["permessage-deflate; client_no_context_takeover"], options: options)
            == PerMessageDeflateParameters(clientNoContextTakeover: true))
        // An 8-bit client window is valid; our codec then sends uncompressed.
        let eight = try #require(try Negotiation.validate(response: [#"permessage-deflate; client_max_window_bits="8""#], options: options))
        #expect(eight.clientMaxWindowBits == 8)
        #expect(!PerMessageDeflate(parameters: eight, role: .client, options: options).shouldCompress(messageSize: 1 << 20))
    }

    @Test func validateHonoursWhatWeRequested() throws {
        let options = PerMessageDeflateOptions.neutral(
            serverMaxWindowBits: 12, clientMaxWindowBits: 11, serverNoContextTakeover: true, clientNoContextTakeover: true)
        let parameters = try Negotiation.validate(
            response: ["permessage-deflate; server_no_context_takeover; server_max_window_bits=10"], options: options)
        // Our offered client window and our reset hint hold even though the server did not echo them.
        #expect(parameters == PerMessageDeflateParameters(
            serverMaxWindowBits: 10, clientMaxWindowBits: 11, serverNoContextTakeover: true, clientNoContextTakeover: true))
    }

    /// RFC 7692 §7 and RFC 6455 §4.1: each response a client MUST fail the connection on.
    @Test(arguments: [
        (["x-webkit-deflate-frame"], PerMessageDeflateOptions.neutral(), PerMessageDeflateNegotiationError.unexpectedExtension("x-webkit-deflate-frame")),
        (["permessage-deflate, foo"], .neutral(), .unexpectedExtension("foo")),
        (["permessage-deflate, permessage-deflate"], .neutral(), .duplicateExtension),
        (["permessage-deflate", "permessage-deflate; client_no_context_takeover"], .neutral(), .duplicateExtension),
        (["permessage-deflate; x-foo"], .neutral(), .unknownParameter("x-foo")),
        (["permessage-deflate; client_no_context_takeover; client_no_context_takeover"], .neutral(), .duplicateParameter("client_no_context_takeover")),
        (["permessage-deflate; server_no_context_takeover=1"], .neutral(), .unexpectedParameterValue(name: "server_no_context_takeover", value: "1")),
        (["permessage-deflate; client_max_window_bits"], .neutral(), .missingParameterValue("client_max_window_bits")),
        (["permessage-deflate; server_max_window_bits"], .neutral(), .missingParameterValue("server_max_window_bits")),
        (["permessage-deflate; server_max_window_bits=16"], .neutral(), .invalidParameterValue(name: "server_max_window_bits", value: "16")),
        (["permessage-deflate; client_max_window_bits=010"], .neutral(), .invalidParameterValue(name: "client_max_window_bits", value: "010")),
        (["permessage-deflate; client_max_window_bits=12"], .neutral(clientMaxWindowBits: 10), .clientMaxWindowBitsTooLarge(offered: 10, received: 12)),
        (["permessage-deflate"], .init(serverNoContextTakeover: true), .serverNoContextTakeoverMissing),
        (["permessage-deflate"], .init(serverMaxWindowBits: 10), .serverMaxWindowBitsMissing(requested: 10)),
        (["permessage-deflate; server_max_window_bits=11"], .init(serverMaxWindowBits: 10), .serverMaxWindowBitsTooLarge(requested: 10, received: 11)),
        ([#"permessage-deflate; client_max_window_bits="10"#], .neutral(), .malformedHeader),
        (["permessage-deflate; ; client_no_context_takeover"], .neutral(), .malformedHeader),
        (["permessage-deflate", "=foo"], .neutral(), .malformedHeader),
    ])
    func validateRejects(response: [String], options: PerMessageDeflateOptions, error: PerMessageDeflateNegotiationError) {
        #expect(throws: error) { try Negotiation.validate(response: response, options: options) }
        #expect(!error.description.isEmpty)
    }

    /// Whatever a client offers, our server's answer passes our client's check, and both ends agree.
    @Test func clientAndServerAgree() throws {
        let choices: [PerMessageDeflateOptions] = [
            .init(),
            .neutral(),
            .neutral(serverMaxWindowBits: 10),
            .neutral(clientMaxWindowBits: 9),
            .neutral(serverMaxWindowBits: 8, clientMaxWindowBits: 8),
            .neutral(serverNoContextTakeover: true),
            .neutral(clientNoContextTakeover: true),
            .neutral(serverMaxWindowBits: 12, clientMaxWindowBits: 11, serverNoContextTakeover: true, clientNoContextTakeover: true),
        ]
        for clientOptions in choices {
            for serverOptions in choices {
                let offer = Negotiation.offer(options: clientOptions)
                let accepted = try #require(Negotiation.accept(offers: [offer], options: serverOptions), "\(offer)")
                let validated = try Negotiation.validate(response: [accepted.response], options: clientOptions)
                #expect(validated == accepted.parameters, "offer \(offer), response \(accepted.response)")

                // And the codecs built from it talk to each other.
                let server = PerMessageDeflate(parameters: accepted.parameters, role: .server, options: serverOptions)
                let client = PerMessageDeflate(parameters: try #require(validated), role: .client, options: clientOptions)
                let message = compressibleText(count: 3000)
                // An 8-bit window is the one case where a side sends uncompressed.
                #expect(server.shouldCompress(messageSize: message.count) == (accepted.parameters.serverMaxWindowBits > 8))
                #expect(client.shouldCompress(messageSize: message.count) == (accepted.parameters.clientMaxWindowBits > 8))
                for _ in 0..<2 {
                    if server.shouldCompress(messageSize: message.count) {
                        #expect(try client.decompress([server.compress(message)]) == message)
                    }
                    if client.shouldCompress(messageSize: message.count) {
                        #expect(try server.decompress([client.compress(message)]) == message)
                    }
                }
            }
        }
    }

    // MARK: The header parser

    @Test func parsesElementsAndParameters() {
        let elements = ExtensionHeader.elements([#"a; x=1; Y="1\2", b"#, "", " C ;z "])
        #expect(elements == [
            .init(name: "a", parameters: [.init(name: "x", value: "1"), .init(name: "y", value: "12")]),
            .init(name: "b", parameters: []),
            .init(name: "c", parameters: [.init(name: "z", value: nil)]),
        ])
    }

    /// RFC 6455 §9.1: the unescaped quoted-string MUST be a token.
    @Test func quotedValueMustUnescapeToAToken() {
        #expect(ExtensionHeader.elements([#"a; x="q\"z""#]).map(\.isMalformed) == [true])
        #expect(ExtensionHeader.elements([#"a; x="q z""#]).map(\.isMalformed) == [true])
        #expect(ExtensionHeader.elements([#"a; x="q\z""#]).first?.parameters == [.init(name: "x", value: "qz")])
    }

    /// A malformed element is flagged and parsing resumes after the next comma outside quotes.
    @Test func recoversAfterAMalformedElement() {
        let elements = ExtensionHeader.elements([#"a; x="1,2" y, b; =, "c", d"#])
        #expect(elements.map(\.name) == ["a", "b", "", "d"])
        #expect(elements.map(\.isMalformed) == [true, true, true, false])
        // An unterminated quote swallows the rest of that header value only.
        let unterminated = ExtensionHeader.elements([#"a; x="1, b"#, "c"])
        #expect(unterminated.map(\.name) == ["a", "c"])
        #expect(unterminated.map(\.isMalformed) == [true, false])
    }
}

extension PerMessageDeflateOptions {
    /// Options that ask for nothing (15-bit windows, context takeover both ways), so that a test
    /// sees only what the offer or response asks for. The product's defaults are `.init()`.
    static func neutral(
        serverMaxWindowBits: Int = 15,
        clientMaxWindowBits: Int = 15,
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false
    ) -> PerMessageDeflateOptions {
        PerMessageDeflateOptions(
            serverMaxWindowBits: serverMaxWindowBits, clientMaxWindowBits: clientMaxWindowBits,
            serverNoContextTakeover: serverNoContextTakeover, clientNoContextTakeover: clientNoContextTakeover
        )
    }
}
