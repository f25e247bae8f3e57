/// Who is closed when while the gateway drains (SIGTERM; docs/deploy.md §5, docs/cluster.md §7).
/// Pure: the caller lists the sessions it holds, each with whether it carries a live call, and
/// performs the actions returned; time and randomness are passed in.
///
/// - A session without a live call is told to reconnect elsewhere: close 1012 with a delay hint
///   drawn from `DrainSettings.reconnectRange` (`ClosePayload.reconnect(afterMilliseconds:)`).
/// - A session with a live call is kept (reported once), and told to reconnect at the first
///   review after its call ended.
/// - At the deadline every session still open gets 1001 (RFC 6455 §7.4.1, "going away").
///
/// A session is acted on once: one told to reconnect or closed is never told again, even if
/// its closing handshake has not finished by the next review.
public struct Drain<Session: Hashable & Sendable>: Sendable {
    public enum Action: Equatable, Sendable {
        /// No live call: close 1012 with the delay hint.
        case reconnect(Session, afterMilliseconds: Int)
        /// A live call: kept until it ends or the deadline passes.
        case keep(Session)
        /// The deadline passed with the session still open: close 1001.
        case goAway(Session)
    }

    public let settings: DrainSettings
    /// Monotonic milliseconds at which the remaining sessions are closed.
    public let deadline: UInt64
    /// Sessions told to reconnect or closed.
    private var acted: Set<Session> = []
    /// Sessions reported as kept for their call.
    private var kept: Set<Session> = []

    public init(startedAt now: UInt64, settings: DrainSettings) {
        self.settings = settings
        deadline = now + UInt64(max(0, settings.deadlineMilliseconds))
    }

    /// Whether the deadline has passed at `now`.
    public func isOver(at now: UInt64) -> Bool { now >= deadline }

    /// Decides for each open session (`inCall`: it carries a live call) what is to be done now.
    /// Sessions no longer listed are forgotten.
    public mutating func review(_ sessions: [(session: Session, inCall: Bool)], now: UInt64,
                                using random: inout some RandomNumberGenerator) -> [Action] {
        let open = Set(sessions.map(\.session))
        acted.formIntersection(open)
        kept.formIntersection(open)
        var actions: [Action] = []
        for (session, inCall) in sessions where !acted.contains(session) {
            if isOver(at: now) {
                acted.insert(session)
                actions.append(.goAway(session))
            } else if inCall {
                if kept.insert(session).inserted { actions.append(.keep(session)) }
            } else {
                acted.insert(session)
                kept.remove(session)
                actions.append(.reconnect(session, afterMilliseconds: Int.random(in: settings.reconnectRange, using: &random)))
            }
        }
        return actions
    }

    /// Sessions kept for their live call at the last review.
    public var keptCount: Int { kept.count }
}
