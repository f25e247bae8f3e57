import Testing
@testable import SIP

/// The lexical reader's own failures and limits, truncated input, URIs, and the serializers
/// (responses Callgate makes, messages it forwards).
@Suite struct SIPParserTests {
    static let limits = SIPLimits()

    static func text(_ lines: [String]) -> [UInt8] { SIPVector.message(lines) }

    static let register = [
        "REGISTER sip:example.com SIP/2.0",
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7",
        "v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK77", // compact, second hop
        "Max-Forwards: 70",
        "To: <sip:alice@example.com>",
        "From: \"Alice\" <sip:alice@example.com>;tag=456248",
        "Call-ID: 843817637684230@998sdasdh09",
        "CSeq: 1826 REGISTER",
        "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;expires=600",
        "X-Callgate-User: bob",
        "x-callgate-whatever: folded",
        "  continued",
        "Content-Length: 0",
        "",
    ]

    // MARK: unreadable heads

    @Test func unreadableHeads() {
        func error(_ bytes: [UInt8]) -> SIPParseError? {
            do { _ = try SIPMessage.parse(bytes, limits: Self.limits); return nil } catch { return error }
        }
        #expect(error([]) == .empty)
        #expect(error(Array("\r\n\r\n".utf8)) == .empty)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\nVia: x\r\n\r\n".utf8)) == .bareLineBreak)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\nVia: x\rFoo: y\r\n\r\n".utf8)) == .bareLineBreak)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n".utf8)) == .headNotTerminated)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\n  folded\r\n\r\n".utf8)) == .foldWithoutField)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\nFoobar roobar\r\n\r\n".utf8)) == .missingColon)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\nFoo@bar: x\r\n\r\n".utf8)) == .invalidFieldName)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\n: x\r\n\r\n".utf8)) == .invalidFieldName)
        #expect(error(Array("OPTIONS sip:a@b SIP/2.0\r\nSubject: ".utf8) + [0xC3, 0x28] + Array("\r\n\r\n".utf8)) == .notUTF8)
        #expect(error(Array("not sip at all".utf8)) == .headNotTerminated)
    }

    /// §7.5: CRLFs before the start line are skipped; a message of CRLFs only is a keep-alive.
    @Test func leadingCRLFsAndKeepAlives() throws {
        let message = try SIPMessage.parse(Array("\r\n\r\n".utf8) + RFC3261.bye, limits: Self.limits)
        #expect(message.startLine == "BYE sip:alice@pc33.atlanta.com SIP/2.0" && message.startLineOffset == 4)
        for (bytes, isKeepAlive) in [("\r\n\r\n", true), ("\r\n", true), ("\r\n\r", false), ("\n\n", false), ("", false)] {
            #expect(Array(bytes.utf8).withUnsafeBytes(SIPMessage.isKeepAlive) == isKeepAlive, "\(bytes.debugDescription)")
        }
    }

    @Test func headerLimits() {
        let limits = SIPLimits(maxMessageBytes: 2_000, maxHeaders: 10, maxHeaderBytes: 100)
        func error(_ bytes: [UInt8]) -> SIPParseError? {
            do {
                let message = try SIPMessage.parse(bytes, limits: limits)
                _ = try SIPRequest(message, limits: limits)
                return nil
            } catch {
                return error
            }
        }
        let many = Self.text(["OPTIONS sip:a@b SIP/2.0"] + (0..<11).map { "X-\($0): y" } + [""])
        #expect(error(many) == .tooManyHeaders(limit: 10))
        let long = Self.text(["OPTIONS sip:a@b SIP/2.0", "X-Long: " + String(repeating: "y", count: 93), ""])
        #expect(error(long) == .headerTooLong(limit: 100))
        // Folded lines count together.
        let folded = Self.text(["OPTIONS sip:a@b SIP/2.0", "X-Long: " + String(repeating: "y", count: 50), " " + String(repeating: "z", count: 45), ""])
        #expect(error(folded) == .headerTooLong(limit: 100))
        let name = Self.text(["OPTIONS sip:a@b SIP/2.0", String(repeating: "N", count: 101) + ": y", ""])
        #expect(error(name) == .headerTooLong(limit: 100))
        let startLine = Self.text(["OPTIONS sip:" + String(repeating: "a", count: 100) + "@b SIP/2.0", ""])
        #expect(error(startLine) == .headerTooLong(limit: 100))
        let sizeLimits: [SIPParseError] = [.tooManyHeaders(limit: 1), .headerTooLong(limit: 1), .messageTooLarge(limit: 1)]
        #expect(sizeLimits.allSatisfy { $0.isSizeLimit } && !SIPParseError.notUTF8.isSizeLimit)
        // Within the header limits but too large as a whole: readable, answered 513.
        let big = Self.text(["MESSAGE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                             "To: <sip:bob@example.com>", "Call-ID: c", "CSeq: 1 MESSAGE", "", String(repeating: "x", count: 2_000)])
        #expect(error(big) == .messageTooLarge(limit: 2_000))
        #expect(error(big)?.status == .messageTooLarge && error(big)?.isUnreadable == false)
    }

    /// Every prefix of a message fails cleanly: an unreadable head until the empty line, then a
    /// body shorter than its Content-Length. (The input is one WebSocket message, so there is no
    /// incremental parse to split; this is the same walk over every offset.)
    @Test func everyTruncationFailsCleanly() throws {
        for vector in [RFC4475.wsinv, RFC4475.longreq, RFC4475.esc01] {
            let head = try SIPMessage.parse(vector, limits: Self.limits).bodyOffset
            for length in 0..<vector.count {
                let prefix = Array(vector[..<length])
                do {
                    let message = try SIPMessage.parse(prefix, limits: Self.limits)
                    #expect(length >= head, "a head read from \(length) of \(head) bytes")
                    #expect(throws: SIPParseError.contentLengthExceedsBody(declared: vector.count - head, actual: length - head)) {
                        try SIPRequest(message, limits: Self.limits)
                    }
                } catch {
                    #expect(length < head && error.isUnreadable, "\(length): \(error)")
                }
            }
        }
    }

    /// A binary body (RFC 7118 §5.1: SIP may use binary WebSocket frames) is not looked at.
    @Test func binaryBody() throws {
        let body: [UInt8] = (0...255).map { UInt8($0) }
        let bytes = Self.text(["MESSAGE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1",
                               "From: <sip:alice@example.com>;tag=1", "To: <sip:bob@example.com>", "Call-ID: bin", "CSeq: 1 MESSAGE",
                               "Content-Type: application/octet-stream", "Content-Length: 256", ""]) + body
        let request = try SIPRequest(try SIPMessage.parse(bytes, limits: Self.limits), limits: Self.limits)
        #expect(Array(request.message.body) == body)
    }

    // MARK: URIs and values

    @Test func uris() throws {
        let uri = try SIPURI(parsing: "sips:alice:secret@[2001:db8::1]:5061;transport=wss;lr?Subject=hi&X=1")
        #expect(uri.scheme == "sips" && uri.user == "alice" && uri.password == "secret")
        #expect(uri.host == "[2001:db8::1]" && uri.port == 5061)
        #expect(uri.parameters == [SIPParameter(name: "transport", value: "wss"), SIPParameter(name: "lr", value: nil)])
        #expect(uri.headers == "Subject=hi&X=1")
        let bare = try SIPURI(parsing: "SIP:Example.COM")
        #expect(bare.scheme == "sip" && bare.user == nil && bare.host == "Example.COM")
        #expect(try SIPURI(parsing: "tel:+420602123456").host == nil)
        for bad in ["sip:", "sip:alice@", "sip:al ice@example.com", "sip:alice@exa_mple.com", "sip:alice@example.com:99999",
                    "sip:a%zz@example.com", "sip:alice@example.com;", "sip:alice@[::1", "<sip:a@b>", "1sip:a@b", "sip:alice@b?",
                    "mailto:", "http://a b"] {
            #expect(throws: SIPSyntaxError.self, "\(bad)") { try SIPURI(parsing: bad) }
        }
    }

    @Test func nameAddressesAndVias() throws {
        let quoted = try SIPNameAddress(parsing: #""Novák, Jan \"J\"" <sip:2001@example.com;user=phone> ;tag=x;expires=60"#)
        #expect(quoted.displayName == #""Novák, Jan \"J\"""#)
        #expect(quoted.uri.parameters == [SIPParameter(name: "user", value: "phone")])
        #expect(quoted.tag == "x" && quoted.parameters.value(of: "EXPIRES") == .some("60"))
        let plain = try SIPNameAddress(parsing: "sip:alice@example.com;tag=1")
        #expect(plain.displayName == nil && plain.uri.parameters.isEmpty && plain.tag == "1")
        #expect(try SIPNameAddress(parsing: "Alice Smith <sip:a@b>").displayName == "Alice Smith")
        for bad in ["<sip:a@b", "\"unterminated <sip:a@b>", "<sip:a@b>;", "<sip:a@b>;tag=", "<sip:a@b> junk", "<>", "Bell, A <sip:a@b>"] {
            #expect(throws: SIPSyntaxError.self, "\(bad)") { try SIPNameAddress(parsing: bad) }
        }
        let via = try SIPVia(parsing: "SIP / 2.0 / WSS [2001:db8::9] : 443 ;branch=z9hG4bK1;rport;received=[::1]")
        #expect(via.transport == "WSS" && via.host == "[2001:db8::9]" && via.port == 443)
        #expect(via.branch == "z9hG4bK1" && via.parameters.contains(named: "rport"))
        for bad in ["SIP/2.0/UDP", "SIP/2.0 UDP host", "SIP/2.0/UDPhost", "SIP/2.0/UDP host:port", "SIP/2.0/UDP host;;"] {
            #expect(throws: SIPSyntaxError.self, "\(bad)") { try SIPVia(parsing: bad) }
        }
        #expect(try SIPCSeq(parsing: "4294967295 INVITE").number == UInt32.max)
        for bad in ["4294967296 INVITE", "1INVITE", "1", "INVITE", "1 INVITE x"] {
            #expect(throws: SIPSyntaxError.self, "\(bad)") { try SIPCSeq(parsing: bad) }
        }
        #expect(try SIPContact(parsing: "*") == .wildcard)
    }

    @Test func coreHeaderRules() throws {
        func error(_ replacing: String, with: String?) -> SIPParseError? {
            let lines = Self.register.compactMap { $0 == replacing ? with : $0 }
            do {
                _ = try SIPRequest(try SIPMessage.parse(Self.text(lines), limits: Self.limits), limits: Self.limits)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("", with: "") == nil)
        #expect(error("Call-ID: 843817637684230@998sdasdh09", with: "Call-ID: a@b@c") == .invalidHeader("Call-ID", "\"a@b@c\" is not word [\"@\" word]"))
        #expect(error("Call-ID: 843817637684230@998sdasdh09", with: nil) == .missingHeader("Call-ID"))
        #expect(error("Max-Forwards: 70", with: "Max-Forwards: 256") == .invalidHeader("Max-Forwards", "\"256\" is not 0–255"))
        #expect(error("Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;expires=600", with: "Contact: *, <sip:a@b>")
                == .invalidHeader("Contact", "* must be the only Contact"))
        #expect(error("Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;expires=600", with: "Contact: <sip:a@b>,")
                == .invalidHeader("Contact", "an empty element in the list"))
        #expect(error("REGISTER sip:example.com SIP/2.0", with: "REGISTER sip:example.com SIP/2.00.1") == .invalidRequestLine("SIP/2.00.1 is not a SIP version"))
        #expect(error("REGISTER sip:example.com SIP/2.0", with: "REGISTER sip:example.com HTTP/1.1") == .invalidRequestLine("HTTP/1.1 is not a SIP version"))
        #expect(error("REGISTER sip:example.com SIP/2.0", with: "REG@ISTER sip:example.com SIP/2.0") == .invalidRequestLine("the method REG@ISTER is not a token"))
    }

    // MARK: what Callgate writes

    /// RFC 3261 §8.2.6.2: Vias in order under their long name, From, Call-ID, CSeq as they came,
    /// a To tag added, a Warning with the reason, no body.
    @Test func responsesCopyTheTransactionFields() throws {
        let message = try SIPMessage.parse(Self.text(Self.register), limits: Self.limits)
        #expect(SIPResponseBuilder.canAnswer(message))
        let response = SIPResponseBuilder.response(to: message, status: .forbidden, warning: "REGISTER To is \"not\" yours\u{7}") { "cg1" }
        #expect(String(decoding: response, as: UTF8.self) == """
            SIP/2.0 403 Forbidden\r
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7\r
            Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK77\r
            From: "Alice" <sip:alice@example.com>;tag=456248\r
            To: <sip:alice@example.com>;tag=cg1\r
            Call-ID: 843817637684230@998sdasdh09\r
            CSeq: 1826 REGISTER\r
            Warning: 399 callgate "REGISTER To is not yours"\r
            Content-Length: 0\r
            \r

            """)
        // It is itself a valid response, with the status asked for.
        let parsed = try SIPResponse(try SIPMessage.parse(response, limits: Self.limits), limits: Self.limits)
        #expect(parsed.status == 403 && parsed.headers.to.tag == "cg1" && parsed.headers.vias.count == 2)
        // A To that has a tag keeps it.
        let bye = try SIPMessage.parse(RFC3261.bye, limits: Self.limits)
        let answer = try SIPResponse(try SIPMessage.parse(SIPResponseBuilder.response(to: bye, status: .badRequest, warning: nil) { "never" },
                                                          limits: Self.limits), limits: Self.limits)
        #expect(answer.headers.to.tag == "1928301774" && answer.status == 400 && answer.reasonPhrase == "Bad Request")
        // RFC 4475 `insuf`: no From, To or Call-ID, yet Via and CSeq let its transaction match.
        let insuf = try SIPMessage.parse(RFC4475.insuf, limits: Self.limits)
        #expect(SIPResponseBuilder.canAnswer(insuf))
        let partial = String(decoding: SIPResponseBuilder.response(to: insuf, status: .badRequest, warning: "no From") { "t" }, as: UTF8.self)
        #expect(partial.hasPrefix("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\nCSeq: 193942 INVITE\r\n"))
        // Responses and ACKs are never answered.
        #expect(!SIPResponseBuilder.canAnswer(try SIPMessage.parse(RFC3261.registerOK, limits: Self.limits)))
        let ack = Self.text(["ACK sip:bob@b SIP/2.0", "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1", "CSeq: 1 ACK", ""])
        #expect(!SIPResponseBuilder.canAnswer(try SIPMessage.parse(ack, limits: Self.limits)))
    }

    /// The forwarded message is the received one minus the removed fields (folds included) plus
    /// the added ones before the empty line; start line, other fields and body byte for byte.
    @Test func forwardingStripsAndAdds() throws {
        let lines = Self.register.dropLast() + ["", "body"]
        let message = try SIPMessage.parse(Array("\r\n".utf8) + Self.text(Array(lines)).dropLast(2) + Array("\r\n".utf8), limits: Self.limits)
        let out = message.forwarded(removing: { $0.lowercased.hasPrefix("x-callgate-") },
                                    adding: [("X-Callgate-User", "alice\r\nInjected: yes")])
        let expected = Self.register.filter { !$0.lowercased().hasPrefix("x-callgate-") && $0 != "  continued" && !$0.isEmpty }
            + ["X-Callgate-User: aliceInjected: yes", "", "body"]
        #expect(String(decoding: out, as: UTF8.self) == expected.joined(separator: "\r\n") + "\r\n")
        let again = try SIPMessage.parse(out, limits: Self.limits)
        #expect(again.fields(SIPHeaderName("X-Callgate-User")).map(\.value) == ["aliceInjected: yes"])
        #expect(Array(again.body) == Array("body\r\n".utf8))
    }

    // MARK: identity

    @Test func identityPolicy() throws {
        let alice = try SIPIdentity(parsing: "sip:alice@Example.com")
        func verdict(_ lines: [String]) throws -> SIPIdentityPolicy.Verdict {
            SIPIdentityPolicy.check(try SIPRequest(try SIPMessage.parse(Self.text(lines), limits: Self.limits), limits: Self.limits), as: alice)
        }
        func replacing(_ base: [String], _ pairs: [String: String]) -> [String] { base.map { pairs[$0] ?? $0 } }
        let register = Self.register
        #expect(try verdict(register) == .allowed)
        #expect(try verdict(replacing(register, ["To: <sip:alice@example.com>": "To: <sips:%61lice@EXAMPLE.COM:5061;transport=tls>"])) == .allowed)
        #expect(try verdict(replacing(register, ["To: <sip:alice@example.com>": "To: <sip:bob@example.com>"]))
                == .refused("REGISTER To sip:bob@example.com is not sip:alice@Example.com"))
        #expect(try verdict(replacing(register, ["To: <sip:alice@example.com>": "To: <sip:alice@evil.com>"])) != .allowed)
        #expect(try verdict(replacing(register, ["To: <sip:alice@example.com>": "To: <sip:Alice@example.com>"])) != .allowed,
                "the user part is case-sensitive (RFC 3261 §19.1.4)")
        #expect(try verdict(replacing(register, ["To: <sip:alice@example.com>": "To: <tel:+420602123456>"])) != .allowed)
        let foreignContact = "Contact: <sip:alice@a.invalid>, <sip:bob@b.invalid>"
        #expect(try verdict(replacing(register, ["Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;expires=600": foreignContact]))
                == .refused("REGISTER Contact sip:bob@b.invalid is not user alice"))
        #expect(try verdict(replacing(register, ["Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;expires=600": "Contact: *"])) == .allowed)
        // A REGISTER's From is not checked (RFC 3261 §10.2: a third party may register).
        #expect(try verdict(replacing(register, ["From: \"Alice\" <sip:alice@example.com>;tag=456248": "From: <sip:carol@example.com>;tag=1"])) == .allowed)
        let invite = [
            "INVITE sip:2002@example.com SIP/2.0", "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1", "Max-Forwards: 70",
            "To: <sip:2002@example.com>", "From: <sip:alice@example.com>;tag=1", "Call-ID: c1", "CSeq: 1 INVITE",
            "Contact: <sip:random@a.invalid;transport=ws;ob>", "Content-Length: 0", "",
        ]
        #expect(try verdict(invite) == .allowed, "an INVITE's Contact user is free")
        #expect(try verdict(replacing(invite, ["From: <sip:alice@example.com>;tag=1": "From: \"Alice\" <sip:bob@example.com>;tag=1"]))
                == .refused("INVITE From sip:bob@example.com is not sip:alice@Example.com"))
        // Other requests outside a dialog too; inside one (To with a tag) the From is the dialog's.
        let message = replacing(invite, ["INVITE sip:2002@example.com SIP/2.0": "MESSAGE sip:2002@example.com SIP/2.0",
                                         "CSeq: 1 INVITE": "CSeq: 1 MESSAGE", "From: <sip:alice@example.com>;tag=1": "From: <sip:bob@example.com>;tag=1"])
        #expect(try verdict(message) != .allowed)
        let bye = replacing(invite, ["INVITE sip:2002@example.com SIP/2.0": "BYE sip:2002@example.com SIP/2.0", "CSeq: 1 INVITE": "CSeq: 2 BYE",
                                     "To: <sip:2002@example.com>": "To: <sip:2002@example.com>;tag=9",
                                     "From: <sip:alice@example.com>;tag=1": "From: <sip:800100100@example.com>;tag=1"])
        #expect(try verdict(bye) == .allowed)
        #expect(throws: SIPSyntaxError.self) { try SIPIdentity(parsing: "sip:example.com") }
        #expect(throws: SIPSyntaxError.self) { try SIPIdentity(parsing: "tel:+420602123456") }
    }
}
