import WSFraming

/// An echo path (`echoPaths`, docs/config.md): the WebSocket upgrade, and every message back
/// (`EchoApplication`). No subprotocol, no origin policy, no credential: a test and benchmark peer.
struct EchoEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        if let refusal = drainingRefusal { return refusal }
        do {
            return accept(try validateUpgrade(subprotocols: []), .echo)
        } catch {
            return .refuseHandshake(error)
        }
    }
}
