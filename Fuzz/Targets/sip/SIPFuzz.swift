// fuzz-options: -max_len=8192
import FuzzSupport
import SIPEdge
import SIP

/// The SIP reader of `sip` routes (docs/sip-edge.md): `SIPMessage.parse`, `SIPRequest`,
/// `SIPResponse`, the responses Callgate builds, what it forwards, and `SIPGate` deciding for a
/// browser message. Input: one limits byte (bit 0: small limits, so that the limit paths are
/// reached), then one WebSocket message from a browser.
///
/// Properties:
/// - a head that is read has its fields in order, inside the message, none longer than
///   `maxHeaderBytes` (with its name and CRLF), at most `maxHeaders` of them, the body after them;
/// - the message forwarded with nothing removed and nothing added reads back to the same start
///   line, fields (names and values) and body; with `X-Callgate-*` removed and one added, it
///   has exactly that one;
/// - a request that is readable but refused and can be answered gets a response whose head is
///   read back with the refusal's status;
/// - `SIPGate`: what it forwards reads back as a valid message carrying exactly one
///   `X-Callgate-User`, the session's, and a forwarded request is of the session's identity;
///   what it answers reads back as a response; a keep-alive is only CRLFs.
@main enum SIPFuzz {
    static func main() { Fuzzer.run(test) }

    static let identity = try! SIPIdentity(parsing: "sip:alice@callgate.test")

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let small = input.bool()
        let limits = small ? SIPLimits(maxMessageBytes: 600, maxHeaders: 12, maxHeaderBytes: 300) : SIPLimits()
        let bytes = Array(input.remaining())
        let roomy = SIPLimits(maxMessageBytes: .max, maxHeaders: .max, maxHeaderBytes: .max)

        if let message = try? SIPMessage.parse(bytes, limits: limits) {
            require(message.fields.count <= limits.maxHeaders, "\(message.fields.count) fields")
            var previous = message.startLineOffset
            for field in message.fields {
                require(field.range.lowerBound > previous && field.range.upperBound <= message.bodyOffset, "field \(field.range) out of order")
                require(field.range.count <= limits.maxHeaderBytes + 2, "field of \(field.range.count) bytes")
                previous = field.range.lowerBound
            }
            require(message.bodyOffset <= bytes.count, "body offset \(message.bodyOffset) past \(bytes.count)")

            let same = message.forwarded(removing: { _ in false }, adding: [])
            let again = requireRead(same, roomy, "the message forwarded unchanged")
            requireEqual(again.startLine, message.startLine, "start line")
            requireEqual(again.fields.map(\.writtenName), message.fields.map(\.writtenName), "field names")
            requireEqual(again.fields.map(\.value), message.fields.map(\.value), "field values")
            requireEqual(Array(again.body), Array(message.body), "body")

            let marked = requireRead(message.forwarded(removing: { $0.lowercased.hasPrefix("x-callgate-") },
                                                       adding: [("X-Callgate-User", "alice")]), roomy, "the message with the header")
            requireEqual(marked.fields.filter { $0.name.lowercased.hasPrefix("x-callgate-") }.map(\.value), ["alice"], "X-Callgate-* fields")

            if !message.isResponse {
                do {
                    _ = try SIPRequest(message, limits: limits)
                } catch {
                    require(!error.isUnreadable, "an unreadable error from a read head: \(error)")
                    if SIPResponseBuilder.canAnswer(message) {
                        let response = SIPResponseBuilder.response(to: message, status: error.status, warning: error.reason) { "t" }
                        let read = requireRead(response, roomy, "the answer to a refused request")
                        require(read.startLine == "SIP/2.0 \(error.status.code) \(error.status.phrase)", "answer \(read.startLine)")
                    }
                }
            } else {
                _ = try? SIPResponse(message, limits: limits)
            }
        }

        let gate = SIPGate(user: "alice", identity: identity, limits: limits)
        switch gate.inspect(bytes, toTag: { "t" }) {
        case .forward(let out, _):
            let read = requireRead(out, roomy, "a forwarded message")
            requireEqual(read.fields.filter { $0.name.lowercased.hasPrefix("x-callgate-") }.map(\.value), ["alice"], "identity fields")
            if !read.isResponse {
                guard let request = try? SIPRequest(read, limits: roomy) else {
                    require(false, "a forwarded request that is not valid")
                    return
                }
                requireEqual(SIPIdentityPolicy.check(request, as: identity), .allowed, "a forwarded request's identity")
            } else {
                require((try? SIPResponse(read, limits: roomy)) != nil, "a forwarded response that is not valid")
            }
        case .answer(let out, let refusal):
            let read = requireRead(out, roomy, "an answer")
            require(read.isResponse && refusal.status != nil, "an answer that is no response")
        case .keepAlive:
            require(!bytes.isEmpty && bytes.allSatisfy { $0 == 13 || $0 == 10 }, "a keep-alive of other bytes")
        case .discard, .close:
            break
        }

        // URIs and addresses from any text: no crash, and an identity only from a sip: URI with a user.
        let text = String(decoding: bytes.prefix(512), as: UTF8.self)
        if let uri = try? SIPURI(parsing: text), uri.isSIP { require(uri.host != nil, "a SIP URI without a host") }
        _ = try? SIPNameAddress(parsing: text)
        if let parsed = try? SIPIdentity(parsing: text) { require(parsed.uri.isSIP && parsed.isAddress(parsed.uri), "identity \(text)") }
    }

    /// `bytes` read as a message; stops the target when they are not.
    static func requireRead(_ bytes: [UInt8], _ limits: SIPLimits, _ what: String) -> SIPMessage {
        do {
            return try SIPMessage.parse(bytes, limits: limits)
        } catch {
            require(false, "\(what) cannot be read: \(error)\n\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            fatalError()
        }
    }
}
