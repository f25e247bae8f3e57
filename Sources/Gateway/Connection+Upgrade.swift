import WSFraming

/// Performs a WebSocket upgrade an endpoint decided on (`EndpointAction.upgrade`,
/// `AcceptedUpgrade`): the 101 (RFC 6455 §4.2.2), the permessage-deflate codec on this loop's
/// zlib streams (RFC 7692), and the WebSocket phase with the application. Upstream first
/// (docs/config.md) the connection waits in `.upgrading` until the route's upstream answers, and
/// then gets the 101 or the failure's status. The decisions themselves are the endpoints'
/// (`EchoEndpoint`, `RouteUpgradeEndpoint`, `CallControlServiceEndpoint`).
extension Connection {
    func upgrade(_ accepted: AcceptedUpgrade) {
        let application = accepted.makeApplication(context: context, loop: loop)
        self.application = application
        if accepted.upstreamFirst, let session = application as? RouteSession {
            phase = .upgrading
            phaseStarted = loop.now
            session.connectUpstreamFirst(self, upgrade: accepted)
        } else {
            switchProtocols(accepted)
        }
    }

    /// Queues the 101 and starts the WebSocket phase with the application already set.
    private func switchProtocols(_ accepted: AcceptedUpgrade) {
        outbound.bytes.append(contentsOf: accepted.response())
        let deflate = accepted.deflate.map { agreed in
            PerMessageDeflate(parameters: agreed.parameters, role: .server, options: agreed.options, pool: loop.deflatePool)
        }
        releaseTLSWhenFlushed = tls != nil
        startWebSocket(deflate: deflate, limits: accepted.limits)
    }

    /// An invalid opening handshake (RFC 6455 §4.2.1): its error response, then the connection closes.
    func refuse(_ error: HandshakeError) {
        loop.metrics.httpResponse(status: error.status)
        outbound.bytes.append(contentsOf: error.response())
        finishAfterFlush = true
    }

    /// Upstream first: the upstream accepted; the browser gets its 101 with `accepted` (whose
    /// subprotocol is the one the upstream selected) and the WebSocket phase starts.
    func answerUpgrade(_ accepted: AcceptedUpgrade) {
        guard phase == .upgrading, !isClosed else { return }
        switchProtocols(accepted)
        deferFlush()
    }

    /// Upstream first: the upstream failed before the 101; the browser gets `answer`
    /// (`AcceptedUpgrade.refusal`).
    func refuseUpgrade(_ answer: HTTPAnswer) {
        guard phase == .upgrading, !isClosed else { return }
        application = nil
        heldInput = []
        queue(answer)
        deferFlush()
    }
}
