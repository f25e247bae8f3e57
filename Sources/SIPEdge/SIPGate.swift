import SIP
import WSFraming

/// What a `sip` route does with each message a browser sends (docs/sip-edge.md §2): one WebSocket
/// message is one SIP message (RFC 7118 §5), read by `SIPMessage`, checked, and then forwarded
/// with the identity header, answered by Callgate itself, or refused. Pure: the link performs
/// the outcome, counts it and logs it.
///
/// | the message | outcome |
/// |---|---|
/// | CRLFs only (RFC 5626 §3.5.1 keep-alive) | relayed as it is |
/// | a request of the user's identity (`SIPIdentityPolicy`) | forwarded: `X-Callgate-*` fields removed, `X-Callgate-User` added |
/// | a request of another identity | answered **403 Forbidden**, never forwarded |
/// | a request a popup's session may not send (`SIPCallRestriction`: another number, REGISTER, …) | answered **403 Forbidden**, never forwarded |
/// | a request that is readable but invalid | answered **400**, **505** or **513** (`SIPParseError.status`) |
/// | a valid response (to a request the server sent) | forwarded like a request |
/// | an invalid response | discarded (nothing answers a response, RFC 3261 §16.7) |
/// | an unreadable head, or a request without Via or CSeq | close **1008**; **1009** past the size limits |
public struct SIPGate: Sendable {
    /// The header Callgate adds, carrying the user part of the session's SIP identity as its URI
    /// writes it (`alice` for `sip:alice@callgate.test`): the SIP server may believe it from
    /// Callgate's address alone (deploy/kamailio, docs/sip-edge.md).
    public static let identityHeader = "X-Callgate-User"
    /// Every field whose name starts with this (case-insensitive) is removed from what the
    /// browser sends: only Callgate speaks for Callgate.
    public static let reservedPrefix = "x-callgate-"

    /// The Callgate user of the session.
    public let user: String
    public let identity: SIPIdentity
    public let limits: SIPLimits
    /// A click-to-call popup's session: what else it may not do (nil: a full session).
    public let restriction: SIPCallRestriction?

    public init(user: String, identity: SIPIdentity, limits: SIPLimits, restriction: SIPCallRestriction? = nil) {
        self.user = user
        self.identity = identity
        self.limits = limits
        self.restriction = restriction
    }

    public enum Outcome: Sendable {
        /// Send these bytes upstream; `message` is what was read (for `SIPCallTracker`).
        case forward([UInt8], message: SIPMessage)
        /// A keep-alive: send the message upstream as it came.
        case keepAlive
        /// Send these bytes back to the browser; nothing goes upstream.
        case answer([UInt8], Refusal)
        /// Drop the message (logged and counted).
        case discard(Refusal)
        /// Close the browser's WebSocket with this payload.
        case close(ClosePayload, Refusal)
    }

    /// Why a message did not go upstream: the event counted in `callgate_route_events_total`
    /// and logged, and a description.
    public struct Refusal: Hashable, Sendable {
        public var event: String
        public var reason: String
        /// The SIP status answered, if any.
        public var status: Int?
    }

    /// `toTag` makes the To tag of an answer when the request's To has none (a fresh random token).
    public func inspect(_ bytes: [UInt8], toTag: () -> String) -> Outcome {
        if bytes.withUnsafeBytes(SIPMessage.isKeepAlive) { return .keepAlive }
        let message: SIPMessage
        do {
            message = try SIPMessage.parse(bytes, limits: limits)
        } catch {
            let tooBig = error.isSizeLimit || bytes.count > limits.maxMessageBytes
            return .close(ClosePayload(code: tooBig ? .messageTooBig : .policyViolation, reason: "not a SIP message: \(error.reason)"),
                          Refusal(event: tooBig ? "sip_too_large" : "sip_unreadable", reason: error.reason, status: nil))
        }
        if message.isResponse {
            do {
                _ = try SIPResponse(message, limits: limits)
            } catch {
                return .discard(Refusal(event: "sip_response_discarded", reason: error.reason, status: nil))
            }
            return .forward(forwarded(message), message: message)
        }
        let request: SIPRequest
        do {
            request = try SIPRequest(message, limits: limits)
        } catch {
            let event = error.status == .messageTooLarge ? "sip_too_large" : "sip_invalid"
            guard SIPResponseBuilder.canAnswer(message) else {
                return .close(ClosePayload(code: error.status == .messageTooLarge ? .messageTooBig : .policyViolation,
                                           reason: "SIP request that cannot be answered: \(error.reason)"),
                              Refusal(event: event, reason: error.reason, status: nil))
            }
            let response = SIPResponseBuilder.response(to: message, status: error.status, warning: error.reason, toTag: toTag)
            return .answer(response, Refusal(event: event, reason: error.reason, status: error.status.code))
        }
        if case .refused(let reason) = SIPIdentityPolicy.check(request, as: identity) {
            return forbidden(request, event: "sip_identity_refused", warning: "\(reason): this session is \(identity)", toTag: toTag)
        }
        if let restriction, let reason = restriction.refusal(request) {
            return forbidden(request, event: "sip_restricted", warning: reason, toTag: toTag)
        }
        return .forward(forwarded(message), message: message)
    }

    /// 403 Forbidden (RFC 3261 §21.4.4) with `warning`; an ACK is never answered (§17.1.1.3), a
    /// refused one is dropped.
    private func forbidden(_ request: SIPRequest, event: String, warning: String, toTag: () -> String) -> Outcome {
        guard request.method != "ACK" else {
            return .discard(Refusal(event: event, reason: warning, status: nil))
        }
        let response = SIPResponseBuilder.response(to: request.message, status: .forbidden, warning: warning, toTag: toTag)
        return .answer(response, Refusal(event: event, reason: warning, status: 403))
    }

    /// The message with the browser's `X-Callgate-*` fields removed and `X-Callgate-User` added.
    private func forwarded(_ message: SIPMessage) -> [UInt8] {
        message.forwarded(removing: { $0.lowercased.hasPrefix(Self.reservedPrefix) },
                          adding: [(Self.identityHeader, identity.uri.user ?? identity.user)])
    }
}
