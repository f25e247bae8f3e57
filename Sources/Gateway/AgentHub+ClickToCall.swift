import Routes
import Switchboard

/// Click-to-call (docs/click-to-call.md §1): the named agent resolved, the same click within
/// the dedup window answered with the first call, and the dial placed from the agent's phone.
extension AgentHub {
    /// Places `request`'s call for the agent it names (or the caller is); the call's uniqueid.
    func clickToCall(_ request: ClickToCallRequest, caller: ClickToCallCaller) -> Result<String, ClickToCallError> {
        let user: String
        switch resolve(request.dial.agent, caller: caller) {
        case .success(let resolved): user = resolved
        case .failure(let error): return .failure(error)
        }
        let key = DialDedupKey(user: user, dial: request.dial)
        if let first = clickDials.value(user: key.user, key: key.key, now: loop.now) {
            loop.metrics.routeEvent("clicktocall", "deduplicated")
            return .success(first)
        }
        guard switchboard.state(of: user) == .ready else {
            return .failure(.agentUnavailable("\(user) is not signed in with a phone"))
        }
        let done: SwitchboardReply
        do {
            done = try switchboard.execute(.dial(request.dial.params(dialect: request.dialect)), for: user, now: wallClock)
        } catch {
            pump()
            return .failure(error.httpStatus == 400 ? .numberNotDialable(error.text) : .agentUnavailable(error.text))
        }
        pump()
        guard case .fields(let fields) = done, case .string(let uniqueid)? = fields["uniqueid"] else {
            return .failure(.backendFailed("the dial was not given a call id"))
        }
        clickDials.remember(uniqueid, user: key.user, key: key.key, now: loop.now)
        Log.info("click_to_call", ["user": user, "dialect": request.dialect.rawValue, "uniqueid": uniqueid])
        return .success(uniqueid)
    }

    /// The user whose phone places the call: the one the request names (who may be named by
    /// the caller) or, for `.requester`, the caller. A caller that may place only its own calls
    /// (an agent's key or session, a workplace) gets `forbidden` for any other name, known or
    /// not: only a server learns that an agent does not exist (`unknownAgent`).
    private func resolve(_ agent: DialAgent, caller: ClickToCallCaller) -> Result<String, ClickToCallError> {
        let named: String?
        switch agent {
        case .requester:
            switch caller {
            case .server: return .failure(.forbidden)
            case .agent(let user): return .success(user)
            case .workplace(let address):
                guard let user = switchboard.agent(atWorkplace: address) else { return .failure(.unknownAgent) }
                return .success(user)
            }
        case .user(let name): named = switchboard.agent(named: name)
        case .workplace(let name): named = switchboard.agent(atWorkplace: name)
        case .line(let line): named = switchboard.agent(onLine: line)
        }
        switch caller {
        case .server: return named.map { .success($0) } ?? .failure(.unknownAgent)
        case .agent(let own): return named == own ? .success(own) : .failure(.forbidden)
        case .workplace(let address):
            guard let own = switchboard.agent(atWorkplace: address), named == own else { return .failure(.forbidden) }
            return .success(own)
        }
    }
}
