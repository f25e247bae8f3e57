import JSON
import MuxEnvelope

/// The answer to one agent request: `{"id":…,"result":{…}}` or `{"id":…,"error":{…}}`. Every
/// request gets exactly one reply; events a request causes are sent separately.
public enum AgentReply: Hashable, Sendable {
    /// `{"id":…,"result":{}}`: done, nothing to report.
    case ok(id: RequestID)
    /// A result object, members sorted by name (e.g. `dial`'s `{"uniqueid":"…"}`).
    case result(id: RequestID, [String: JSONValue])
    /// `login`/`sso`: `{"user":"alice","token":"v1.…","expires":1700000000}`, the session token a
    /// reconnecting tab later presents to `attach`, and its expiry (Unix seconds).
    case loggedIn(id: RequestID, user: String, token: String, expires: Int64)
    /// `state`: the snapshot, with `ringingSound`.
    case state(id: RequestID, AgentSnapshot)
    /// `attach`: `{"state":"READY","lastSeq":42,"complete":true}`. `lastSeq` is the user's last
    /// sequence number now. `complete` true: the events after the client's `lastSeq` follow,
    /// numbered as first sent. false: some of them left the replay window; a `ready` event with a
    /// fresh snapshot follows instead. `epoch`: the user's stream's life with a shared engine
    /// (docs/cluster.md §6), which the tab sends back with its next `attach`; nil without one.
    case attached(id: RequestID, state: AgentState, lastSeq: UInt64, complete: Bool, epoch: String? = nil)
    /// `callHistory`: `{"calls":[<Call>…],"total":12}`, newest first; `total` counts every match.
    case callHistory(id: RequestID, calls: [Call], total: Int)
    /// `{"id":…,"error":{"code":…,"text":…}}`, plus `"state"` for `wrongState` and `"param"` for
    /// `invalidParams`; without `"id"` when the error has none.
    case error(AgentProtocolError)

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 128)
        switch self {
        case .ok(let id):
            Self.open(&json, id: id, member: "result")
            json.raw("{}")
        case .result(let id, let members):
            Self.open(&json, id: id, member: "result")
            json.object(members)
        case .loggedIn(let id, let user, let token, let expires):
            Self.open(&json, id: id, member: "result")
            json.raw("{"); json.key("user"); json.string(user)
            json.nextKey("token"); json.string(token)
            json.nextKey("expires"); json.integer(expires)
            json.raw("}")
        case .state(let id, let snapshot):
            Self.open(&json, id: id, member: "result")
            json.snapshot(snapshot)
        case .attached(let id, let state, let lastSeq, let complete, let epoch):
            Self.open(&json, id: id, member: "result")
            json.raw("{"); json.key("state"); json.string(state.rawValue)
            json.nextKey("lastSeq"); json.integer(lastSeq)
            if let epoch { json.nextKey("epoch"); json.string(epoch) }
            json.nextKey("complete"); json.bool(complete)
            json.raw("}")
        case .callHistory(let id, let calls, let total):
            Self.open(&json, id: id, member: "result")
            json.raw("{"); json.key("calls"); json.raw("[")
            for (index, call) in calls.enumerated() {
                if index > 0 { json.raw(",") }
                json.call(call)
            }
            json.raw("]"); json.nextKey("total"); json.integer(total)
            json.raw("}")
        case .error(let error):
            json.raw("{")
            if let id = error.id {
                json.key("id"); json.raw(id.json); json.raw(",")
            }
            json.key("error")
            json.raw("{"); json.key("code"); json.string(error.code)
            json.nextKey("text"); json.string(error.text)
            switch error.kind {
            case .wrongState(_, let state):
                json.nextKey("state"); json.string(state.rawValue)
            case .invalidParams(_, let param, _):
                json.nextKey("param"); json.string(param)
            default:
                break
            }
            json.raw("}")
        }
        json.raw("}")
        return json.bytes
    }

    private static func open(_ json: inout JSONWriter, id: RequestID, member: StaticString) {
        json.raw("{"); json.key("id"); json.raw(id.json)
        json.nextKey(member)
    }
}
