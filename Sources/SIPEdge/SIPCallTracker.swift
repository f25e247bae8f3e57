import SIP
import AgentProtocol

/// Follows the calls of one web phone session through the SIP messages its `sip` route relays
/// (docs/sip-edge.md §3) and turns them into the docs/compatibility.md §1.3 call events with the guide's Call
/// object: `callNew`, `callRinging`, `callConnect`, `callHold`, `callResume`, `callHangup` with
/// a cause. Pure: messages and the time in, events out. Calls are keyed by Call-ID (forked early
/// dialogs of one INVITE are one call), at most `maxCalls` at a time.
///
/// | messages (RFC 3261) | event |
/// |---|---|
/// | an INVITE without a To tag (§12.1), from the phone (outgoing) or to it (incoming) | `callNew`, state new |
/// | 180 or 183 to it (§13.2.2.1) | `callRinging` |
/// | 2xx to it (§13.2.2.4) | `callConnect`, `connected` set |
/// | 3xx–6xx to it, but 401 and 407 (a digest retry follows, §22.2) | `callHangup`, cause from the status |
/// | CANCEL of a call not yet connected (§9) | `callHangup`, cause 3 (the caller hung up) |
/// | BYE (§15) | `callHangup`, cause 3 or 4 by who sent it |
/// | a re-INVITE (§14) whose SDP offer holds (`a=sendonly` or `a=inactive`, RFC 3264 §8.4), once answered 2xx | `callHold` / `callResume` |
///
/// Causes from final statuses: 486 and 600 busy (1), 404, 410, 484, 485, 604 invalid number
/// (2), 603 rejected (5), 408 and 480 unavailable (6), 487 (after a CANCEL) the caller hung up
/// (3), others unknown (0). Not derived: the `*_norm` numbers, names and queue fields (no
/// directory lookup here), `callMute` (muting is local to the browser), transfers (REFER).
public struct SIPCallTracker: Sendable {
    public enum Side: Sendable {
        /// The browser's phone sent the message.
        case phone
        /// The SIP server sent it to the phone.
        case server
    }

    /// The Callgate user whose phone this is.
    public let user: String
    public let identity: SIPIdentity
    public let maxCalls: Int
    private var calls: [String: Tracked] = [:]
    private var nextID = 1
    /// The random bytes of each call's `call_guid` (`CallGUID`): the kernel's CSPRNG in the gateway.
    private let randomBytes: @Sendable (Int) -> [UInt8]

    private struct Tracked: Sendable {
        var call: Call
        /// Who sent the initial INVITE.
        var inviter: Side
        var inviteCSeq: UInt32
        var held = false
        /// Re-INVITEs waiting for their answer: CSeq → whether the offer holds.
        var pendingHold: [UInt32: Bool] = [:]
    }

    public init(user: String, identity: SIPIdentity, maxCalls: Int = 16, randomBytes: @escaping @Sendable (Int) -> [UInt8]) {
        self.user = user
        self.identity = identity
        self.maxCalls = maxCalls
        self.randomBytes = randomBytes
    }

    /// Calls in progress (new, ringing, connected or on hold): the agent is busy while any is.
    public var activeCalls: Int { calls.count }

    /// Reads one relayed message; returns the events it causes, in order.
    public mutating func observe(_ message: SIPMessage, from side: Side, now: Int64) -> [AgentEvent] {
        let limits = SIPLimits(maxMessageBytes: .max, maxHeaders: .max, maxHeaderBytes: .max)
        if message.isResponse {
            guard let response = try? SIPResponse(message, limits: limits) else { return [] }
            return responded(response, from: side, now: now)
        }
        guard let request = try? SIPRequest(message, limits: limits) else { return [] }
        return requested(request, from: side, now: now)
    }

    /// The session ended (the WebSocket closed): its calls end too, with cause unknown.
    public mutating func sessionEnded(now: Int64) -> [AgentEvent] {
        let ids = calls.values.sorted { $0.call.id < $1.call.id }.map(\.call.uniqueid)
        return ids.compactMap { end($0, cause: .unknown, now: now) }
    }

    // MARK: requests

    private mutating func requested(_ request: SIPRequest, from side: Side, now: Int64) -> [AgentEvent] {
        let callID = request.headers.callID
        switch request.method {
        case "INVITE" where !request.isInDialog:
            if var tracked = calls[callID] {
                // The same call again: a digest retry (§22.2) or a retransmission.
                tracked.inviteCSeq = request.headers.cseq.number
                calls[callID] = tracked
                return []
            }
            guard calls.count < maxCalls else { return [] }
            let call = newCall(request, from: side, now: now)
            calls[callID] = Tracked(call: call, inviter: side, inviteCSeq: request.headers.cseq.number)
            return [.callNew(call)]
        case "INVITE":
            guard var tracked = calls[callID], let holds = Self.offerHolds(request.message) else { return [] }
            tracked.pendingHold[request.headers.cseq.number] = holds
            calls[callID] = tracked
            return []
        case "CANCEL":
            guard let tracked = calls[callID], tracked.call.connected == nil else { return [] }
            return end(callID, cause: .callerHungUp, now: now).map { [$0] } ?? []
        case "BYE":
            guard let tracked = calls[callID] else { return [] }
            // The phone hanging up its own outgoing call is the caller; the server's BYE on an
            // incoming call comes from the caller too.
            let byCaller = (side == tracked.inviter)
            return end(callID, cause: byCaller ? .callerHungUp : .calledHungUp, now: now).map { [$0] } ?? []
        default:
            return []
        }
    }

    private mutating func newCall(_ request: SIPRequest, from side: Side, now: Int64) -> Call {
        let remote = side == .phone ? request.headers.to.uri : request.headers.from.uri
        let remoteNumber = remote.unescapedUser ?? remote.text
        let own = identity.user
        let outgoing = side == .phone
        let guid = CallGUID.make(unixMilliseconds: now * 1_000, random: randomBytes(CallGUID.randomBytes))
        var call = Call(uniqueid: request.headers.callID, call_guid: guid, id: nextID,
                        direction: outgoing ? .outgoing : .incoming, state: .new,
                        number: remoteNumber, caller_number: outgoing ? own : remoteNumber,
                        called_number: outgoing ? (request.requestURI.unescapedUser ?? remoteNumber) : own,
                        created: now, now: now)
        nextID = nextID % 65_535 + 1
        let remoteInternal = remote.isSIP && remote.host?.lowercased() == identity.host
        if outgoing {
            call.caller_username = user
            call.caller_internal = true
            call.caller_name = Self.displayName(request.headers.from)
            call.called_name = Self.displayName(request.headers.to)
        } else {
            call.caller_internal = remoteInternal
            call.caller_type = remoteInternal ? .line : .trunk
            call.caller_name = Self.displayName(request.headers.from)
            call.name = call.caller_name
        }
        return call
    }

    // MARK: responses

    private mutating func responded(_ response: SIPResponse, from side: Side, now: Int64) -> [AgentEvent] {
        let callID = response.headers.callID
        guard response.headers.cseq.method == "INVITE", var tracked = calls[callID] else { return [] }
        let cseq = response.headers.cseq.number
        let status = response.status
        if let holds = tracked.pendingHold[cseq] {
            // The answer to a re-INVITE (§14.1): a 2xx makes the offer's direction the call's.
            guard status >= 200 else { return [] }
            tracked.pendingHold[cseq] = nil
            guard status < 300, holds != tracked.held else {
                calls[callID] = tracked
                return []
            }
            tracked.held = holds
            tracked.call.state = holds ? .hold : .connected
            tracked.call.now = now
            calls[callID] = tracked
            return [holds ? .callHold(tracked.call) : .callResume(tracked.call)]
        }
        // Responses to the initial INVITE travel from the side it was sent to.
        guard side != tracked.inviter, cseq == tracked.inviteCSeq, tracked.call.connected == nil else { return [] }
        switch status {
        case 180, 183:
            guard tracked.call.state == .new else { return [] }
            tracked.call.state = .ringing
            tracked.call.now = now
            calls[callID] = tracked
            return [.callRinging(tracked.call)]
        case 200..<300:
            tracked.call.state = .connected
            tracked.call.connected = now
            tracked.call.now = now
            let own = identity.user
            if tracked.inviter == .phone {
                tracked.call.connected_number = tracked.call.called_number
                tracked.call.connected_internal = response.headers.to.uri.host?.lowercased() == identity.host
                tracked.call.connected_type = tracked.call.connected_internal ? .line : .trunk
                tracked.call.connected_name = Self.displayName(response.headers.to)
            } else {
                tracked.call.connected_number = own
                tracked.call.connected_username = user
                tracked.call.connected_internal = true
                tracked.call.connected_type = .line
            }
            calls[callID] = tracked
            return [.callConnect(tracked.call)]
        case 401, 407:
            return [] // a digest challenge: the same call is INVITEd again
        case 300...:
            return end(callID, cause: Self.cause(status: status), now: now).map { [$0] } ?? []
        default:
            return []
        }
    }

    /// Ends the call: hangup state, the time and the cause; nil when it is not tracked.
    private mutating func end(_ callID: String, cause: HangupCause, now: Int64) -> AgentEvent? {
        guard var tracked = calls.removeValue(forKey: callID) else { return nil }
        tracked.call.state = .hangup
        tracked.call.cause = cause
        tracked.call.disconnected = now
        tracked.call.now = now
        return .callHangup(tracked.call)
    }

    static func cause(status: Int) -> HangupCause {
        switch status {
        case 486, 600: .busy
        case 404, 410, 484, 485, 604: .invalidNumber
        case 603: .rejected
        case 408, 480: .unavailable
        case 487: .callerHungUp
        default: .unknown
        }
    }

    /// Whether an SDP offer holds the call (RFC 3264 §8.4: `sendonly` or `inactive`, at session
    /// or media level); nil when the message has no SDP body (the offer is then in the 2xx,
    /// which this does not follow).
    static func offerHolds(_ message: SIPMessage) -> Bool? {
        let body = String(decoding: message.body, as: UTF8.self)
        guard body.hasPrefix("v=0") else { return nil }
        let lines = body.split(whereSeparator: \.isNewline) // "\r\n" is one Character
        return lines.contains { $0 == "a=sendonly" || $0 == "a=inactive" }
    }

    /// A display name without its quotes; nil when there is none.
    static func displayName(_ address: SIPNameAddress) -> String? {
        guard var name = address.displayName else { return nil }
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
            name = String(name.dropFirst().dropLast()).replacing("\\\"", with: "\"")
        }
        return name.isEmpty ? nil : name
    }
}
