import Routes
import WSFraming

/// `/status.json` (docs/status.md): answered once the agent hub has given its summary, with
/// `Connection: close` like the admin API (requests pipelined behind it are not read).
extension Connection {
    func serveStatus(headOnly: Bool) {
        askHub(later: { $0.statusSummary(completion: $1) }, answer: { [self] agents in
            respond(status: 200, body: StatusReport.render(context, agents: agents), keepAlive: false,
                    contentType: "application/json", headOnly: headOnly)
        })
    }
}
