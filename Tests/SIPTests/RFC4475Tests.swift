import Testing
@testable import SIP

/// RFC 4475 §3 through `SIPMessage.parse` and `SIPRequest`/`SIPResponse`: the valid messages
/// parse with the right values, the invalid ones fail with the reason the RFC names, and each
/// request that fails gets the status it should be answered with.
@Suite struct RFC4475Tests {
    static let limits = SIPLimits()

    static func request(_ bytes: [UInt8]) throws -> SIPRequest {
        try SIPRequest(try SIPMessage.parse(bytes, limits: limits), limits: limits)
    }

    static func response(_ bytes: [UInt8]) throws -> SIPResponse {
        try SIPResponse(try SIPMessage.parse(bytes, limits: limits), limits: limits)
    }

    /// The error of a message that must fail, from either reader.
    static func failure(_ bytes: [UInt8]) -> SIPParseError? {
        do {
            let message = try SIPMessage.parse(bytes, limits: limits)
            if message.isResponse { _ = try SIPResponse(message, limits: limits) } else { _ = try SIPRequest(message, limits: limits) }
            return nil
        } catch {
            return error
        }
    }

    // MARK: §3.1.1 valid messages

    /// §3.1.1.1: case, LWS and folding everywhere, compact forms, an escaped quote before a quote.
    @Test func shortTortuousInvite() throws {
        let request = try Self.request(RFC4475.wsinv)
        let message = request.message
        #expect(request.method == "INVITE")
        #expect(request.requestURI.user == "vivekg" && request.requestURI.host == "chair-dnrc.example.com")
        #expect(request.requestURI.parameters == [SIPParameter(name: "unknownparam", value: nil)])
        #expect(message.fields.count == 14)
        #expect(request.headers.to.uri.text == "sip:vivekg@chair-dnrc.example.com")
        #expect(request.headers.to.tag == "1918181833n")
        #expect(request.headers.to.displayName == nil)
        #expect(request.headers.from.displayName == #""J Rosenberg \\\"""#)
        #expect(request.headers.from.uri.text == "sip:jdrosen@example.com")
        #expect(request.headers.from.tag == "98asjd8")
        #expect(request.headers.callID == "wsinv.ndaksdj@192.0.2.1")
        #expect(request.headers.cseq == SIPCSeq(number: 9, method: "INVITE"))
        #expect(message.value(.maxForwards) == "0068")
        #expect(request.headers.contentLength == 150 && message.body.count == 150)
        // Three Vias: one folded over three lines, two in one compact `v` field.
        #expect(request.headers.vias.map(\.host) == ["192.0.2.2", "spindle.example.com", "192.168.255.111"])
        #expect(request.headers.vias.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(request.headers.vias.map(\.branch) == ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"])
        #expect(request.headers.vias.allSatisfy { $0.protocolName == "SIP" && $0.protocolVersion == "2.0" })
        let contact = try #require(request.headers.contacts.first?.address)
        #expect(request.headers.contacts.count == 1)
        #expect(contact.displayName == #""Quoted string \"\"""#)
        #expect(contact.uri.text == "sip:jdrosen@example.com")
        #expect(contact.parameters == [SIPParameter(name: "newparam", value: "newvalue"),
                                       SIPParameter(name: "secondparam", value: nil), SIPParameter(name: "q", value: "0.33")])
        #expect(message.value(SIPHeaderName("s")) == "")
        #expect(message.value(SIPHeaderName("subject")) == "")
        #expect(message.value(SIPHeaderName("NewFangledHeader")) == "newfangled value continued newfangled value")
        #expect(message.value(SIPHeaderName("UnknownHeaderWithUnusualValue")) == ";;,,;;,;")
        #expect(message.value(.route) == "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>")
        #expect(message.value(.contentType) == "application/sdp")
        #expect(message.fields.map(\.writtenName).prefix(3) == ["TO", "from", "MaX-fOrWaRdS"])
    }

    /// §3.1.1.2: every character the grammar allows in a method, URI, tags, Call-ID and names.
    @Test func wideRangeOfValidCharacters() throws {
        let request = try Self.request(RFC4475.intmeth)
        let method = "!interesting-Method0123456789_*+`.%indeed'~"
        #expect(request.method == method && request.headers.cseq == SIPCSeq(number: 139122385, method: method))
        #expect(request.requestURI.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        #expect(request.requestURI.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        #expect(request.requestURI.host == "example.com")
        #expect(request.headers.vias.first?.branch == "z9hG4bK-.!%66*_+`'~")
        #expect(request.headers.to.displayName == "\"BEL:\\\u{07} NUL:\\\u{00} DEL:\\\u{7F}\"")
        #expect(request.headers.to.uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        #expect(request.headers.from.displayName == "token1~` token2'+_ token3*%!.-")
        #expect(request.headers.from.parameters.value(of: "fromParam''~+*_!.-%") == .some("\"работающий\""))
        #expect(request.headers.from.tag == "_token~1'+`*%!-.")
        #expect(request.headers.callID == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
        #expect(request.message.value(SIPHeaderName("extensionHeader-!.%*+_`'~")) == "\u{FEFF}大停電")
        #expect(request.message.value(.maxForwards) == "255")
    }

    /// §3.1.1.3: escapes are kept as written and compared unescaped (RFC 3261 §19.1.4).
    @Test func validUseOfEscaping() throws {
        let request = try Self.request(RFC4475.esc01)
        #expect(request.requestURI.user == "sips%3Auser%40example.com" && request.requestURI.unescapedUser == "sips:user@example.com")
        #expect(request.requestURI.host == "example.net")
        #expect(request.headers.to.uri.unescapedUser == "user")
        #expect(request.headers.from.uri.unescapedUser == "I have spaces")
        #expect(request.headers.callID == "esc01.239409asdfakjkn23onasd0-3234", "i: is Call-ID")
        #expect(request.message.value(.contentType) == "application/sdp", "C: is Content-Type")
        let contact = try #require(request.headers.contacts.first?.address)
        #expect(contact.uri.unescapedUser == "caller")
        #expect(contact.uri.parameters == [SIPParameter(name: "%6C%72", value: nil), SIPParameter(name: "n%61me", value: "v%61lue%25%34%31")])
    }

    /// §3.1.1.4: %00 in user parts; the two Contacts stay two.
    @Test func escapedNullsInURIs() throws {
        let request = try Self.request(RFC4475.escnull)
        #expect(request.headers.to.uri.unescapedUser == "null-\u{0}-null")
        #expect(request.headers.contacts.compactMap(\.address?.uri.unescapedUser) == ["\u{0}", "\u{0}\u{0}"])
        #expect(request.message.value(.contentLength) == "0", "L: is Content-Length")
    }

    /// §3.1.1.5: % in a method and in a header name; `C%6Fntact` is not Contact.
    @Test func percentWhereItIsNotAnEscape() throws {
        let request = try Self.request(RFC4475.esc02)
        #expect(request.method == "RE%47IST%45R")
        #expect(request.headers.to.displayName == "\"%Z%45\"")
        #expect(request.headers.vias.first?.branch == "z9hG4bK209%fzsnel234")
        #expect(request.headers.contacts.compactMap(\.address?.uri.user) == ["alias1", "alias3"])
        #expect(request.message.value(SIPHeaderName("C%6Fntact")) == "<sip:alias2@host2.example.com>")
    }

    /// §3.1.1.6: no LWS between a display name and "<".
    @Test func noSpaceBeforeTheAngleBracket() throws {
        let request = try Self.request(RFC4475.lwsdisp)
        #expect(request.headers.from.displayName == "caller")
        #expect(request.headers.from.uri.text == "sip:caller@example.com" && request.headers.from.tag == "323")
    }

    /// §3.1.1.7: long values everywhere and 34 Vias in every spelling of the name.
    @Test func longValues() throws {
        let request = try Self.request(RFC4475.longreq)
        #expect(request.headers.vias.count == 34)
        #expect(request.headers.vias.first?.host == "sip33.example.com" && request.headers.vias.last?.host == "host.example.com")
        #expect(request.headers.vias.last?.branch == "very" + String(repeating: "long", count: 50) + "branchvalue")
        #expect(request.headers.to.uri.port == 6000)
        #expect(request.headers.to.uri.parameters.count == 3)
        #expect(request.headers.from.tag == "12" + String(repeating: "982", count: 50) + "424")
        #expect(request.headers.callID == "longreq.one" + String(repeating: "really", count: 20) + "longcallid")
        #expect(request.headers.contacts.count == 1)
    }

    /// §3.1.1.9: a user part with ;parameters; a list folded over three lines.
    @Test func semicolonsInTheUserPart() throws {
        let request = try Self.request(RFC4475.semiuri)
        #expect(request.requestURI.user == "user;par=u%40example.net" && request.requestURI.host == "example.com")
        #expect(request.requestURI.parameters.isEmpty)
        #expect(request.message.value(SIPHeaderName("Accept"))
                == "application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag")
        #expect(request.message.values(SIPHeaderName("Accept")) == [
            "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag"])
    }

    /// §3.1.1.10: transports the parser does not know are still Vias.
    @Test func variedTransports() throws {
        let request = try Self.request(RFC4475.transports)
        #expect(request.headers.vias.map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
        #expect(request.headers.callID == "transports.kijh4akdnaqjkwendsasfdj")
    }

    /// §3.1.1.12 and §3.1.1.13: a UTF-8 reason phrase, and an empty one.
    @Test func unusualAndEmptyReasonPhrases() throws {
        let unusual = try Self.response(RFC4475.unreason)
        #expect(unusual.status == 200 && unusual.reasonPhrase == "= 2**3 * 5**2 но сто девяносто девять - простое")
        #expect(unusual.message.body.count == 154)
        let empty = try Self.response(RFC4475.noreason)
        #expect(empty.status == 100 && empty.reasonPhrase == "")
    }

    /// §3.1.1.8 (`dblreq`) is two requests in one datagram. Over WebSocket a message carries one
    /// SIP message (RFC 7118 §5), so the second is not silently dropped but refused with 400.
    @Test func twoMessagesInOneWebSocketMessageAreRefused() {
        #expect(Self.failure(RFC4475.dblreq) == .bytesAfterBody(declared: 0, actual: 446))
        #expect(Self.failure(RFC4475.dblreq)?.status == .badRequest)
    }

    // MARK: §3.1.2 invalid messages

    struct Invalid: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var expected: SIPParseError
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        .init(name: "badinv01 §3.1.2.1", bytes: RFC4475.badinv01, expected: .invalidHeader("Via", "an empty parameter")),
        .init(name: "clerr §3.1.2.2", bytes: RFC4475.clerr, expected: .contentLengthExceedsBody(declared: 9999, actual: 154)),
        .init(name: "ncl §3.1.2.3", bytes: RFC4475.ncl, expected: .invalidHeader("Content-Length", "\"-999\" is not a length")),
        .init(name: "scalar02 §3.1.2.4", bytes: RFC4475.scalar02,
              expected: .invalidHeader("CSeq", "sequence number 36893488147419103232 is not a 32-bit number")),
        .init(name: "scalarlg §3.1.2.5", bytes: RFC4475.scalarlg,
              expected: .invalidHeader("CSeq", "sequence number 9292394834772304023312 is not a 32-bit number")),
        .init(name: "quotbal §3.1.2.6", bytes: RFC4475.quotbal, expected: .invalidHeader("To", "unterminated quoted string")),
        .init(name: "ltgtruri §3.1.2.7", bytes: RFC4475.ltgtruri,
              expected: .invalidRequestLine("Request-URI: \"<sip:user@example.com>\" does not start with a URI scheme")),
        .init(name: "lwsruri §3.1.2.8", bytes: RFC4475.lwsruri,
              expected: .invalidRequestLine("INVITE sip:user@example.com; lr SIP/2.0 is not Method SP Request-URI SP SIP-Version")),
        .init(name: "lwsstart §3.1.2.9", bytes: RFC4475.lwsstart,
              expected: .invalidRequestLine("INVITE  sip:user@example.com  SIP/2.0 is not Method SP Request-URI SP SIP-Version")),
        .init(name: "trws §3.1.2.10", bytes: RFC4475.trws,
              expected: .invalidRequestLine("OPTIONS sip:remote-target@example.com SIP/2.0   is not Method SP Request-URI SP SIP-Version")),
        .init(name: "escruri §3.1.2.11", bytes: RFC4475.escruri, expected: .invalidRequestLine("a Request-URI with headers")),
        .init(name: "regbadct §3.1.2.13", bytes: RFC4475.regbadct,
              expected: .invalidHeader("Contact", "a URI with headers or a comma must be in angle brackets (RFC 3261 §20)")),
        .init(name: "badaspec §3.1.2.14", bytes: RFC4475.badaspec,
              expected: .invalidHeader("To", "a space inside < > (LAQUOT addr-spec RAQUOT)")),
        .init(name: "baddn §3.1.2.15", bytes: RFC4475.baddn,
              expected: .invalidHeader("From", "an unquoted display name with characters outside token")),
        .init(name: "badvers §3.1.2.16", bytes: RFC4475.badvers, expected: .unsupportedVersion("SIP/7.0")),
        .init(name: "mismatch01 §3.1.2.17", bytes: RFC4475.mismatch01, expected: .methodMismatch(requestLine: "OPTIONS", cseq: "INVITE")),
        .init(name: "mismatch02 §3.1.2.18", bytes: RFC4475.mismatch02, expected: .methodMismatch(requestLine: "NEWMETHOD", cseq: "INVITE")),
        .init(name: "bigcode §3.1.2.19", bytes: RFC4475.bigcode,
              expected: .invalidStatusLine("the status code of SIP/2.0 4294967301 better not break the receiver is not 3 digits from 100 to 699")),
        .init(name: "insuf §3.4.1", bytes: RFC4475.insuf, expected: .missingHeader("From")),
        .init(name: "multi01 §3.4.9", bytes: RFC4475.multi01, expected: .duplicateHeader("From")),
        .init(name: "mcl01 §3.4.10", bytes: RFC4475.mcl01, expected: .duplicateHeader("Content-Length")),
    ]

    @Test(arguments: invalid)
    func invalidMessagesAreRefusedWithTheirReason(_ vector: Invalid) {
        let error = Self.failure(vector.bytes)
        #expect(error == vector.expected)
        #expect(error?.isUnreadable == false, "the head is readable, so a request can be answered")
        #expect(error?.status == (vector.expected == .unsupportedVersion("SIP/7.0") ? .versionNotSupported : .badRequest))
    }

    // MARK: messages valid to a relay (§3.1.2.12, §3.3, §3.4)

    /// What a registrar or UA would refuse but a relay reads and forwards: an invalid Date, a
    /// bare branch cookie, unknown schemes, unknown Require and body types, unknown auth schemes,
    /// Max-Forwards 0, Contact parameters, escaped headers inside <>, an RFC 2543 request without
    /// Max-Forwards or Content-Length, and RFC 3261's own examples.
    static let relayable: [(String, [UInt8])] = [
        ("baddate", RFC4475.baddate), ("badbranch", RFC4475.badbranch), ("unkscm", RFC4475.unkscm),
        ("novelsc", RFC4475.novelsc), ("unksm2", RFC4475.unksm2), ("bext01", RFC4475.bext01), ("invut", RFC4475.invut),
        ("regaut01", RFC4475.regaut01), ("zeromf", RFC4475.zeromf), ("cparam01", RFC4475.cparam01),
        ("cparam02", RFC4475.cparam02), ("regescrt", RFC4475.regescrt), ("sdp01", RFC4475.sdp01), ("inv2543", RFC4475.inv2543),
        ("bcast", RFC4475.bcast), ("RFC 3261 §24.1 F1", RFC3261.register), ("RFC 3261 §24.1 F2", RFC3261.registerOK),
        ("RFC 3261 §24.2 F13", RFC3261.bye),
    ]

    @Test func relayableMessagesParse() throws {
        for (name, bytes) in Self.relayable {
            #expect(Self.failure(bytes) == nil, "\(name)")
        }
        #expect(try Self.request(RFC4475.unkscm).requestURI.scheme == "nobodyknowsthisscheme")
        #expect(try Self.request(RFC4475.novelsc).requestURI.text == "soap.beep://192.0.2.103:3002")
        let unknownSchemes = try Self.request(RFC4475.unksm2)
        #expect(unknownSchemes.headers.to.uri.scheme == "isbn" && unknownSchemes.headers.from.uri.text == "http://www.example.com")
        #expect(unknownSchemes.headers.contacts.first?.address?.uri.text == "name:John_Smith")
        // §3.4.12 and §3.4.13: the addr-spec's ;unknownparam is the header field's, the bracketed one the URI's.
        #expect(try Self.request(RFC4475.cparam01).headers.contacts.first?.address?.parameters == [SIPParameter(name: "unknownparam", value: nil)])
        #expect(try Self.request(RFC4475.cparam02).headers.contacts.first?.address?.uri.parameters == [SIPParameter(name: "unknownparam", value: nil)])
        #expect(try Self.request(RFC4475.regescrt).headers.contacts.first?.address?.uri.headers == "Route=%3Csip:sip.example.com%3E")
        let old = try Self.request(RFC4475.inv2543)
        #expect(old.headers.contentLength == nil && old.message.body.count == 105 && old.headers.vias.first?.branch == nil)
        let register = try Self.request(RFC3261.register)
        #expect(register.headers.to.displayName == "Bob" && register.headers.from.tag == "456248")
        #expect(register.headers.vias.first?.port == 5060 && register.headers.cseq == SIPCSeq(number: 1826, method: "REGISTER"))
        let ok = try Self.response(RFC3261.registerOK)
        #expect(ok.status == 200 && ok.reasonPhrase == "OK")
        #expect(ok.headers.vias.first?.parameters.value(of: "received") == .some("192.0.2.4"), "the folded ;received belongs to the Via")
        #expect(try Self.request(RFC3261.bye).isInDialog)
    }
}
