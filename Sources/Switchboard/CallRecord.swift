import AgentProtocol
import JSON

/// A call as the switchboard holds it: a caller, the party it is ringing or connected to, and
/// the timing and statistics bookkeeping. Each agent in it sees it through `Switchboard.view`.
struct CallRecord {
    let uniqueid: String
    /// The call's `call_guid` (`CallGUID`), for its whole life.
    let guid: String
    let id: Int
    /// Creation order: waiting queue calls are offered oldest first.
    let order: Int
    let created: Int64
    var caller: Endpoint
    /// Who the call rings or is connected to; nil while it waits in a queue.
    var callee: Endpoint?
    /// What the caller dialled: a queue's number, an extension, an external number.
    var calledNumber: String
    var calledName: String?
    /// The dialled number is an internal extension (its `called_number_norm` is null).
    var calledInternal: Bool
    var state: CallState
    var connected: Int64?
    var disconnected: Int64?
    var cause: HangupCause = .notSet
    /// When the current callee started ringing.
    var ringStart: Int64?
    var callerMuted = false
    var calleeMuted = false
    var data: [String: JSONValue]
    /// The incoming queue the call came through (while it is a queue call).
    var queueID: Int?
    /// The outgoing queue (campaign) it was dialled under.
    var outboundID: Int?
    /// Agents offered the call in the current distribution round.
    var offered: Set<String> = []
    /// When each agent's leg connected (talk time is counted from it).
    var joined: [String: Int64] = [:]
    /// Agents whose answered/unanswered count this call has already made.
    var counted: Set<String> = []
    /// The touch-tones sent into the call (`dtmf`), oldest first, at most `maxDTMF` of the
    /// latest. Not part of the Call object (docs/compatibility.md §1.6); the admin API lists it.
    var dtmf = ""

    static let maxDTMF = 256

    /// The usernames of the agents in the call, caller first.
    var agents: [String] { [caller.username, callee?.username].compactMap { $0 } }

    /// Waiting in a queue for an agent.
    var isWaiting: Bool { queueID != nil && callee == nil && state != .hangup }

    func isCaller(_ username: String) -> Bool { caller.username == username }
    func isCallee(_ username: String) -> Bool { callee?.username == username }
}
