import AgentProtocol
import CallControlMessages

/// One user as the engine keeps them: their tabs, their numbered events, and the engine's own
/// view of them at the back end, kept from what it delivers (a remote back end cannot be asked
/// synchronously, docs/cluster.md §5).
struct UserRecord: Sendable {
    /// The user's tabs, oldest first: the first is primary (docs/agent-protocol.md §4).
    var tabs: [TabID] = []
    /// The last login asked to sign the user out soon after the last tab goes (`SignInOptions`).
    var logoutOnClose = false
    /// The user's `seq` and the events kept for `attach`.
    var window: ReplayWindow
    /// The incoming call ringing now and its numbered event, for the resend.
    var ringing: Ringing?
    /// The session state at the back end: from the sign-in answer, then the `device`, `ready` and
    /// `identify` events; CREDENTIALS once signed out.
    var state: AgentState = .credentials
    /// The back end's live calls of the user, in the order they began, each with the other
    /// party's number as the user sees it (a restricted tab's `hangup` and `dtmf` check it).
    var calls: [LiveCall] = []
    /// The uniqueids of the user's web-phone calls in progress (the SIP edge's): busy while any.
    var phoneCalls: Set<String> = []

    // With a shared engine, `window` is this instance's copy of the user's shared stream: the
    // consecutive entries it delivered here, ending at `window.lastSeq` (docs/cluster.md §6).

    /// The shared stream's epoch the copy follows; empty until the first entry or read.
    var epoch = ""
    /// A read of the shared stream is filling a gap; entries that arrive meanwhile wait in `held`.
    var reading = false
    var held: [StreamEntry] = []
    /// An event could not be appended (the shared engine was down): a tombstone is appended when
    /// it is back, so that no tab anywhere replays past the loss.
    var lost = false
    /// An incoming ringing waits for the shared list of its number's last callers: the user's
    /// numbered events after it wait here, in order (nil: none waits).
    var heldForCallers: [HeldEvent]?
    /// The other instances' tabs of the user, by instance: counted in `primary`, and the primary
    /// may be theirs (docs/cluster.md §6.7).
    var elsewhere: [String: TabPresence] = [:]
    /// This instance asked the others for their tabs of the user then (it began to follow the
    /// user, or Redis came back), and the instances of `elsewhere` that have not answered since:
    /// those that do not within the instance timeout left the user meanwhile, and are forgotten.
    var askedAt: UInt64?
    var unconfirmed: Set<String> = []

    struct HeldEvent: Sendable {
        let event: AgentEvent
        let party: CallParty?
        let number: EventNumber?
    }

    struct Ringing: Sendable {
        let uniqueid: String
        let entry: ReplayWindow.Entry
    }

    struct LiveCall: Sendable {
        let uniqueid: String
        var number: String
    }

    init(window: ReplayWindow) {
        self.window = window
    }

    /// Forgets the copy of the shared stream (no tab here follows it any more).
    mutating func forgetStream(_ window: ReplayWindow) {
        self.window = window
        epoch = ""
        reading = false
        held = []
        elsewhere = [:]
        askedAt = nil
        unconfirmed = []
    }

    /// The session state a session event of the back end moves the user to.
    mutating func follow(_ event: AgentEvent) {
        switch event {
        case .device: state = .device
        case .ready: state = .ready
        case .identify: state = .identify
        default: break
        }
    }

    /// Keeps `calls` in step with a per-user event of the back end: a call event adds or updates
    /// its call, `callHangup` removes it.
    mutating func followCalls(_ event: AgentEvent) {
        switch event {
        case .callHangup(let call):
            calls.removeAll { $0.uniqueid == call.uniqueid }
        case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call), .callResume(let call),
             .callMute(let call), .callUnmute(let call):
            if let index = calls.firstIndex(where: { $0.uniqueid == call.uniqueid }) {
                calls[index].number = call.number
            } else {
                calls.append(LiveCall(uniqueid: call.uniqueid, number: call.number))
            }
        default:
            break
        }
    }

    /// Signed out at the back end: back to CREDENTIALS, no calls.
    mutating func signedOut() {
        state = .credentials
        calls = []
    }
}
