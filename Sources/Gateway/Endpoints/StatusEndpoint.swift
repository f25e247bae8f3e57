import WSFraming

/// `/status.json` (docs/status.md): answered once the agent hub has given its summary, with
/// `Connection: close` like the admin API (requests pipelined behind it are not read). GET and
/// HEAD only.
struct StatusEndpoint: HTTPEndpoint {
    static let path = "/status.json"

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        guard head.method == "GET" || head.method == "HEAD" else { return ProbeEndpoint.methodNotAllowed(keepAlive: request.keepAlive) }
        let headOnly = request.headOnly
        return .askHub(later: { $0.statusSummary(completion: $1) }, answer: { [context] agents in
            .respond(status: 200, body: StatusReport.render(context, agents: agents), keepAlive: false,
                     contentType: "application/json", headOnly: headOnly)
        })
    }
}
