import AgentProtocol

/// One click-to-call command, whichever HTTP dialect it came in (docs/architecture.md §3.5): the gateway
/// resolves `agent` to a user and delivers the dial to where that user's phone is (the back end,
/// or the user's browser softphone session).
///
/// Invariant (kept by `ClickToCallRequest.parse` and `NumberPlan`): `number` is E.164 (`+` and
/// 7–15 digits) when `direction` is `.city`, and an internal extension's digits when it is `.pbx`.
public struct Dial: Hashable, Sendable {
    public var agent: DialAgent
    public var number: String
    public var direction: DialDirection
    public var sequence: DialSequence

    public init(agent: DialAgent, number: String, direction: DialDirection, sequence: DialSequence) {
        self.agent = agent
        self.number = number
        self.direction = direction
        self.sequence = sequence
    }

    /// The agent-protocol `dial` for the resolved agent's session or back end: the number as
    /// the back end dials it, a direct call (no queue), with the click-to-call's origin in the
    /// Call's `data` (`{"clickToCall": {"dialect": …, "sequence": …}}`) so the agent bar can tell
    /// it from a dial of its own. `idempotencyKey` is left nil: the gateway dedups click-to-call
    /// with `DialDedupKey` before this point.
    public func params(dialect: ClickToCallDialect) -> DialParams {
        DialParams(number: number, queue: .directCall, data: [
            "clickToCall": .object(["dialect": .string(dialect.rawValue), "sequence": .string(sequence.rawValue)]),
        ])
    }
}
