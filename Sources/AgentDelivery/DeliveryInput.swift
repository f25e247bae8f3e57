import ActionURLs
import ClickToCall
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import AuthSchemes
import MuxEnvelope

/// What happens to the engine (docs/cluster.md §5): every input it reacts to, each answered with
/// the actions to perform (`DeliveryEngine.handle`).
public enum DeliveryInput: Equatable, Sendable {
    /// A tab connected on `/ws`: it gets `connect` and `credentials` (docs/agent-protocol.md §1.1).
    case tabOpened(TabID, TabOrigin)
    /// A tab's connection ended (closed, dropped, replaced).
    case tabClosed(TabID)
    /// A request the tab's link parsed (docs/agent-protocol.md §2; `ping` never reaches here).
    case request(TabID, RequestID, AgentCommand)
    /// The back end's answer to `.callControl(…, ticket:)`.
    case callControlAnswered(Ticket, CallControlAnswer)
    /// Events the back end emitted, in its order (each for one user).
    case callControlEvents([AddressedEvent])
    /// The hub compared a password (`.checkPassword`) with the directory's hash.
    case passwordChecked(Ticket, PasswordMatch)
    /// The hub verified a credential (`.verify`).
    case credentialChecked(Ticket, Result<VerifiedCredential, AuthError>)
    /// The hub's timer (every 250 ms): ack deadlines and sign-out timers.
    case tick
    /// An HTTP click-to-call, its caller authenticated (docs/click-to-call.md §1–§2).
    case clickToCall(AskID, ClickToCallRequest, caller: ClickToCallCaller)
    /// A phone's Action URL, its caller authenticated (docs/click-to-call.md §4).
    case deviceEvent(AskID, ActionURLEvent, caller: ClickToCallCaller)
    /// A password to check over HTTP (the last-callers token page, docs/click-to-call.md §6.2),
    /// throttled like a `login`.
    case passwordAttempt(AskID, username: String, password: String, address: String)
    /// Call events of `user`'s web phone, followed by the SIP edge (docs/sip-edge.md §3), in order.
    case edgeCallEvents(user: String, [AgentEvent])

    // With a shared engine (`DeliveryEngine.sharedStream`, docs/cluster.md §6):

    /// The answer to `.append(…, ticket:)`: the event's place in the user's stream; nil when it
    /// was appended already (its `number` is not new).
    case streamAppended(Ticket, Result<StreamEntry?, SharedStateFailure>)
    /// The answer to `.readStream`.
    case streamRead(Ticket, Result<StreamRead, SharedStateFailure>)
    /// Entries published on the user's channel (by any instance), in the order received.
    case streamEntries(user: String, [StreamEntry])
    /// The answer to `.claim`: nil when the claim is ours, else what the key holds.
    case claimed(Ticket, Result<[UInt8]?, SharedStateFailure>)
    /// A tab on another instance acknowledged the user's ringing event `seq`.
    case streamAcked(user: String, seq: UInt64)
    /// The instance that waits for the user's ringing event `seq` resends it.
    case streamResend(user: String, seq: UInt64)
    /// A tab joined the user's tabs on an instance (this one's own announcements come back too).
    case tabJoinedElsewhere(user: String, TabJoined)
    /// An instance's tabs of the user (this one's own come back too).
    case tabPresence(user: String, TabPresence)
    /// An instance's heartbeat (this one's own comes back too).
    case instanceHeard(String)
    /// The answer to `.countAttempt`: counted (nil), or the count that blocks it.
    case attemptCounted(Ticket, Result<LoginLimiter.Block?, SharedStateFailure>)
    /// The shared engine is reachable again after a loss (its commands, or the channels): events
    /// lost meanwhile are marked, and every followed stream is read for what was missed.
    case sharedStateUp
    /// The shared list of who called a number last, for an incoming ringing (`lookUpLastCallers`).
    case lastCallersFound(Ticket, Result<[LastCaller], SharedStateFailure>)
}

/// Why the shared engine could not answer (Redis down, a timeout, an unexpected reply).
public struct SharedStateFailure: Error, Hashable, Sendable {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}
