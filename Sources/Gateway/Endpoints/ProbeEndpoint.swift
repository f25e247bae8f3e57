import HTTP1

/// The probes: `/healthz` (the process answers), `/readyz` (503 while draining or while a back
/// end it needs is unreachable, `ServerContext.readinessProblem`) and `/metrics` (the
/// Prometheus text format, docs/metrics.md). GET and HEAD only; never redirected to HTTPS.
struct ProbeEndpoint: HTTPEndpoint {
    /// What a connection on the probe reserve (`limits.probeConnections`) may ask for.
    static let paths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        let keepAlive = request.keepAlive
        guard head.method == "GET" || head.method == "HEAD" else { return Self.methodNotAllowed(keepAlive: keepAlive) }
        let headOnly = request.headOnly
        switch head.path {
        case "/healthz":
            return .respond(status: 200, body: "ok\n", keepAlive: keepAlive, headOnly: headOnly)
        case "/readyz":
            let problem = context.readinessProblem
            return .respond(status: problem == nil ? 200 : 503, body: "\(problem ?? "ready")\n", keepAlive: keepAlive, headOnly: headOnly)
        default:
            return .respond(status: 200, body: MetricsExposition.render(context.loopMetrics), keepAlive: keepAlive,
                            contentType: "text/plain; version=0.0.4", headOnly: headOnly)
        }
    }

    /// The probes and `/status.json` are read with GET or HEAD (RFC 9110 §15.5.6: 405 names them).
    static func methodNotAllowed(keepAlive: Bool) -> EndpointAction {
        .respond(status: 405, body: "method not allowed\n", keepAlive: keepAlive, extraHeaders: [("Allow", "GET, HEAD")])
    }
}
