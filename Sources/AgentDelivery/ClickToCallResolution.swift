import ClickToCall
import CallControlMessages

/// Whose phone places a click-to-call (docs/click-to-call.md §2): the agent the request names
/// (by login, workplace or line), or, for a dialect that names none, the caller. A caller that
/// may place only its own calls (an agent's key or session, a workplace) gets `forbidden` for any
/// other name, known or not: only a server learns that an agent does not exist
/// (`unknownAgent`). The names are resolved by the call-control back end (`lookups`), which
/// knows who is signed in on which phone.
enum ClickToCallResolution {
    /// What to look up, in order: the agent the request names (unless it names none), then a
    /// workplace caller's own agent.
    static func lookups(_ agent: DialAgent, caller: ClickToCallCaller) -> [AgentLookup] {
        var lookups: [AgentLookup] = []
        switch agent {
        case .requester: break
        case .user(let name): lookups.append(.named(name))
        case .workplace(let name): lookups.append(.workplace(name))
        case .line(let line): lookups.append(.line(line))
        }
        if case .workplace(let address) = caller { lookups.append(.workplace(address)) }
        return lookups
    }

    /// The user whose phone places the call, from what `lookups` found (in the same order).
    static func resolve(_ agent: DialAgent, caller: ClickToCallCaller, found: [String?]) -> Result<String, ClickToCallError> {
        var found = found[...]
        let named: String?? = agent == .requester ? nil : found.popFirst()
        let own: String? = if case .workplace = caller { found.popFirst() ?? nil } else { nil }
        switch caller {
        case .server:
            guard let named else { return .failure(.forbidden) }
            return named.map { .success($0) } ?? .failure(.unknownAgent)
        case .agent(let user):
            guard let named else { return .success(user) }
            return named == user ? .success(user) : .failure(.forbidden)
        case .workplace:
            guard let own else { return .failure(named == nil ? .unknownAgent : .forbidden) }
            guard let named else { return .success(own) }
            return named == own ? .success(own) : .failure(.forbidden)
        }
    }
}
