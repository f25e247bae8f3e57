import AgentDelivery
import ActionURLs
import ClickToCall
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import MuxEnvelope
import JSON

/// What the gateway's HTTP endpoints and the `report` channel ask of the hub (`EndpointAction.askHub`):
/// click-to-call, device Action URLs and passwords go through the engine's rules; the admin API,
/// call history and the status page's agent figures go to the call-control back end. Called on
/// the hub's loop; each completion runs there, once.
extension AgentHub {
    func clickToCall(_ request: ClickToCallRequest, caller: ClickToCallCaller,
                     completion: @escaping (Result<String, ClickToCallError>) -> Void) {
        ask({ .clickToCall($0, request, caller: caller) }) { answer in
            if case .clickToCall(let result) = answer { completion(result) }
        }
    }

    /// nil when the event reached the agent's tabs.
    func deviceEvent(_ event: ActionURLEvent, caller: ClickToCallCaller, completion: @escaping (ActionURLError?) -> Void) {
        ask({ .deviceEvent($0, event, caller: caller) }) { answer in
            if case .deviceEvent(let error) = answer { completion(error) }
        }
    }

    /// A password of the last-callers token page, throttled with the `/ws` logins.
    func verifyPassword(username: String, password: String, address: String, completion: @escaping (PasswordCheck) -> Void) {
        ask({ .passwordAttempt($0, username: username, password: password, address: address) }) { answer in
            if case .password(let check) = answer { completion(check) }
        }
    }

    /// The `/lastcaller/` widget's answer for `number` (E.164), or nobody for nil: from the shared
    /// list with `state.engine` `redis`, else (and when Redis cannot be read) this instance's.
    func lastCallersReply(number: String?, completion: @escaping (LastCallersReply) -> Void) {
        guard let shared, let number else { return completion(engine.lastCallersReply(number: number)) }
        shared.engine.lastCallers(number: number) { [self] result in
            switch result {
            case .success(let callers):
                completion(LastCallersReply(number: number, callers: callers))
            case .failure(let error):
                lastCallersUnshared(error)
                completion(engine.lastCallersReply(number: number))
            }
        }
    }

    /// The shared list of last callers could not be written or read: this instance's own stands in.
    func lastCallersUnshared(_ error: StateEngineError) {
        Log.info("last_callers_unshared", ["reason": "\(error)"])
        loop.metrics.routeEvent("lastcaller", "unshared")
    }

    /// An admin command (docs/admin-api.md): its status and JSON body.
    func admin(_ command: AdminCommand, completion: @escaping ((status: Int, body: [UInt8])) -> Void) {
        callControl.perform(.admin(command)) { answer in
            let refused: AdminError
            switch answer {
            case .admin(let status, let body):
                completion((status, body))
                return
            case .failed(let error): refused = .refused(error)
            default: refused = .refused(.unexpectedAnswer)
            }
            completion((refused.status, refused.body))
        }
    }

    /// The `report` channel's `callHistory` for `user` (signed in or not), encoded as its reply.
    func callHistory(of user: String, _ query: CallHistoryQuery, id: RequestID, completion: @escaping ([UInt8]) -> Void) {
        callControl.perform(.callHistory(user: user, query: query)) { answer in
            switch answer {
            case .callHistory(let calls, let total):
                completion(AgentReply.callHistory(id: id, calls: calls, total: total).encoded())
            default:
                let error = if case .failed(let error) = answer { error } else { CallControlError.unexpectedAnswer }
                completion(AgentReply.error(AgentProtocolError(id: id, refusal: error)).encoded())
            }
        }
    }

    /// The agent side of the status page (docs/status.md): open tabs, users with a tab,
    /// signed-in agents by status, live calls and waiting callers.
    func statusSummary(completion: @escaping (JSONValue) -> Void) {
        callControl.perform(.summary) { [self] answer in
            var figures: [String: JSONValue] = ["tabs": .integer(engine.tabCount), "users": .integer(engine.usersWithTabs)]
            if case .summary(let summary) = answer {
                let signedIn = summary.agents.filter { $0.state != .credentials }
                var statuses: [String: JSONValue] = [:]
                for status in AgentStatus.allCases {
                    statuses[status.rawValue] = .integer(signedIn.filter { $0.status == status }.count)
                }
                figures["signedIn"] = .integer(signedIn.count)
                figures["statuses"] = .object(statuses)
                figures["calls"] = .integer(summary.liveCalls)
                figures["waitingCallers"] = .integer(summary.waitingCallers)
            }
            completion(.object(figures))
        }
    }

    /// Numbers the ask and hands it to the engine; `answer` gets the engine's answer.
    private func ask(_ input: (AskID) -> DeliveryInput, answer: @escaping (DeliveryAnswer) -> Void) {
        lastAskID += 1
        let id = AskID(lastAskID)
        asks[id] = answer
        handle(input(id))
    }
}
