/// Everything the soak counts as an error (bench/README.md, "Soak"). A soak passes only with none.
public enum SoakError: String, CaseIterable, Sendable {
    /// connect(2) failed or did not complete within the timeout.
    case connectFailed = "connect_failed"
    /// The upgrade was answered with something other than a valid 101.
    case handshakeFailed = "handshake_failed"
    /// permessage-deflate was required (`--require-deflate`) and the server declined the offer.
    case deflateDeclined = "deflate_declined"
    /// A frame the client must fail the connection for (RFC 6455 §5, RFC 7692 §6), or a compressed
    /// message that does not decompress.
    case badFrame = "bad_frame"
    /// The server sent Close while the connection was open (its code is in the example).
    case unexpectedClose = "unexpected_close"
    /// The server closed or reset TCP while the connection was open.
    case connectionDropped = "connection_dropped"
    /// A frame larger than the client's receive buffer, or no room to queue a frame to a server
    /// that does not read.
    case bufferOverflow = "buffer_overflow"
    /// An upgrade, a login step or an `attach` not answered within the timeout.
    case setupTimeout = "setup_timeout"
    /// `login`, `selectIdentifier` or `provision` refused.
    case loginRefused = "login_refused"
    /// `attach` refused.
    case attachRefused = "attach_refused"
    /// `attach` answered `complete: false`: events the tab missed were no longer there.
    case attachIncomplete = "attach_incomplete"
    /// Any other error reply (its code is in the example).
    case errorReply = "error_reply"
    /// A per-user event whose `seq` skipped one or more.
    case seqGap = "seq_gap"
    /// A per-user event at or below the tab's last `seq` (out of order or twice).
    case seqRepeat = "seq_repeat"
    /// `callRinging` sent again with its `seq`: no ack reached the server in time.
    case ringingResent = "ringing_resent"
    /// An echo that differs from what was sent.
    case echoMismatch = "echo_mismatch"
    /// No echo within the timeout.
    case echoTimeout = "echo_timeout"
    /// A data message nobody asked for (an echo connection not waiting for one).
    case unexpectedMessage = "unexpected_message"
    /// An admin API request refused, or its connection failed.
    case adminFailed = "admin_failed"
    /// A call step not seen within the timeout: `callRinging` after the admin call, `callConnect`
    /// after `answer`, `callHangup` after the admin hangup.
    case callStepTimeout = "call_step_timeout"
    /// `callHangup` before the call was hung up.
    case callEndedEarly = "call_ended_early"
    /// At the end, a tab whose last `seq` is behind its user's.
    case tabBehind = "tab_behind"
    /// A close handshake the server did not complete in time (Close answered and TCP closed).
    case closeUnclean = "close_unclean"

    public var meaning: String {
        switch self {
        case .connectFailed: "connect(2) failed or timed out"
        case .handshakeFailed: "the upgrade got no valid 101"
        case .deflateDeclined: "the server declined permessage-deflate, which was required"
        case .badFrame: "a frame or compressed message the client must fail the connection for"
        case .unexpectedClose: "the server sent Close on an open connection"
        case .connectionDropped: "the server closed or reset TCP on an open connection"
        case .bufferOverflow: "a frame too large for the receive buffer, or a full send buffer"
        case .setupTimeout: "an upgrade, login step or attach not answered in time"
        case .loginRefused: "login, selectIdentifier or provision refused"
        case .attachRefused: "attach refused"
        case .attachIncomplete: "attach answered complete:false"
        case .errorReply: "another error reply"
        case .seqGap: "a per-user event skipped seq numbers"
        case .seqRepeat: "a per-user event at or below the tab's last seq"
        case .ringingResent: "callRinging sent again (no ack in time)"
        case .echoMismatch: "an echo differing from what was sent"
        case .echoTimeout: "no echo in time"
        case .unexpectedMessage: "a data message nobody waited for"
        case .adminFailed: "an admin API request failed"
        case .callStepTimeout: "callRinging, callConnect or callHangup not seen in time"
        case .callEndedEarly: "callHangup before the call was hung up"
        case .tabBehind: "at the end, a tab behind its user's last seq"
        case .closeUnclean: "a close handshake not completed in time"
        }
    }
}

/// Counts of errors by kind, with the first few examples of each.
public struct SoakErrorCounts: Sendable {
    public private(set) var counts: [SoakError: Int] = [:]
    public private(set) var examples: [SoakError: [String]] = [:]
    public static let examplesKept = 5

    public init() {}

    public var total: Int { self.counts.values.reduce(0, +) }

    public subscript(kind: SoakError) -> Int { self.counts[kind] ?? 0 }

    /// Counts one error; returns true for one of the first `examplesKept` of its kind (worth a line
    /// on stderr).
    @discardableResult
    public mutating func record(_ kind: SoakError, _ example: @autoclosure () -> String) -> Bool {
        self.counts[kind, default: 0] += 1
        guard self.counts[kind]! <= Self.examplesKept else { return false }
        self.examples[kind, default: []].append(example())
        return true
    }

    /// "none", or "seq_gap 3, echo_timeout 1" in the order of `SoakError`.
    public var summary: String {
        let parts = SoakError.allCases.compactMap { kind in self.counts[kind].map { "\(kind.rawValue) \($0)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
