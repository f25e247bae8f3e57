import ActionURLs
import ClickToCall
import HTTP1
import WSFraming

/// Device Action URLs in (`GET /action?action=…`, docs/compatibility.md §4.2, docs/click-to-call.md §4): 204 once
/// the events reached the agent hub, 400 naming the parameter, 401, 404 `unknownDevice`.
struct DeviceActionEndpoint: HTTPEndpoint {
    static let path = "/action"

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        guard head.method == "GET" else {
            return answerDeviceAction(405, "GET only\n", extraHeaders: [("Allow", "GET")], reason: "method \(head.method)")
        }
        let event: ActionURLEvent
        switch ActionURLEvent.parse(query: head.query, utcOffsetSeconds: context.config.actionURLs.deviceUTCOffsetSeconds) {
        case .failure(let error):
            return answerDeviceAction(error, extraHeaders: [])
        case .success(let parsed):
            event = parsed
        }
        let caller: ClickToCallCaller
        switch deviceCaller(head, key: event.apiKey) {
        case .failure(let error):
            return answerDeviceAction(error, extraHeaders: [("WWW-Authenticate", #"Bearer realm="callgate""#)])
        case .success(let found):
            caller = found
        }
        return .askHub(later: { $0.deviceEvent(event, caller: caller, completion: $1) }, answer: { [self] refused in
            if let refused {
                answerDeviceAction(refused, extraHeaders: [])
            } else {
                answerDeviceAction(204, "", extraHeaders: [], reason: nil)
            }
        })
    }

    /// An API key of `clickToCall.apiKeys` (bearer or `key=`), else an address of
    /// `actionURLs.deviceAddresses` or a phone's identifier in the directory, else, with no
    /// device addresses configured, a loopback client.
    private func deviceCaller(_ head: HTTPRequestHead, key: String?) -> Result<ClickToCallCaller, ActionURLError> {
        if let keyed = apiKeyCaller(head, queryKey: key) { return keyed.mapError(ActionURLError.unauthorized) }
        let addresses = context.config.actionURLs.deviceAddresses
        if addresses.contains(peerHost) || context.agentHub.directory.device(identifier: peerHost) != nil
            || (addresses.isEmpty && request.isLoopbackPeer) {
            return .success(.server)
        }
        return .failure(.unauthorized(.missingCredential))
    }

    private func answerDeviceAction(_ error: ActionURLError, extraHeaders: [(String, String)]) -> EndpointAction {
        answerDeviceAction(error.status, error.reason + "\n", extraHeaders: extraHeaders, reason: error.reason)
    }

    private func answerDeviceAction(_ status: Int, _ body: String, extraHeaders: [(String, String)], reason: String?) -> EndpointAction {
        metrics.routeEvent("action", "status_\(status)")
        if let reason { Log.info("device_action_refused", ["peer": peerHost, "status": "\(status)", "reason": reason]) }
        return .respond(status: status, body: body, keepAlive: false, extraHeaders: extraHeaders)
    }
}
