import Glibc
import Switchboard
import HTTP1
import WSFraming

/// The HTTP/1.1 phase: request heads parsed by HTTP1's `HTTPRequestParser` (RFC 9112), each
/// handed to what `HTTPRouteTable` chooses (an endpoint of Endpoints/, or an upgrade), and the
/// WebSocket upgrade (RFC 6455 §4.2).
extension Connection {
    func processHTTP(_ bytes: UnsafeMutableRawBufferPointer) {
        var input = bytes
        while phase == .http && !input.isEmpty && !finishAfterFlush && !awaitingResponse {
            // Parse straight from the loop's buffer; copy only a head that is still incomplete.
            let parsed: HTTPRequestHead?
            let consumedFromInput: Int
            do throws(HTTPError) {
                if headBuffer.isEmpty {
                    parsed = try requestParser.parse(UnsafeRawBufferPointer(input))
                    consumedFromInput = parsed == nil ? input.count : requestParser.headLength
                    if parsed == nil { headBuffer.append(contentsOf: input) }
                } else {
                    let previously = headBuffer.count
                    headBuffer.append(contentsOf: input)
                    parsed = try requestParser.parse(headBuffer)
                    consumedFromInput = parsed == nil ? input.count : requestParser.headLength - previously
                }
            } catch {
                loop.metrics.add(.httpRequests)
                Log.info("http_rejected", ["peer": peerHost, "status": "\(error.status)", "reason": error.reason])
                loop.metrics.httpResponse(status: error.status)
                outbound.bytes.append(contentsOf: error.response())
                finishAfterFlush = true
                return
            }
            guard let head = parsed else { return }
            headBuffer = []
            input = UnsafeMutableRawBufferPointer(rebasing: input[consumedFromInput...])
            loop.metrics.add(.httpRequests)
            handleRequest(head)
            handledRequest = true
            phaseStarted = loop.now
            if phase == .webSocket && !input.isEmpty {
                // Frames that arrived with the upgrade request.
                processWebSocket(input)
                return
            }
            if phase == .upgrading {
                // Sent before the 101 (RFC 6455 §4.1 says to wait): decoded after it, if it comes.
                heldInput.append(contentsOf: input)
                return
            }
            if holdPipelinedRequests(input) { return }
        }
    }

    /// A large response (a static file) passed the high-water mark: the requests pipelined
    /// behind it wait, unparsed, until it has drained (docs/style.md §9), instead of each queueing
    /// another copy. True if it held `input`.
    private func holdPipelinedRequests(_ input: UnsafeMutableRawBufferPointer) -> Bool {
        guard phase == .http, !input.isEmpty, !finishAfterFlush, !awaitingResponse else { return false }
        checkBackpressure()
        guard !isReadable else { return false }
        heldInput.append(contentsOf: UnsafeRawBufferPointer(input))
        return true
    }

    /// Routes one request (`HTTPRouteTable`): the upgrades are done here, every other endpoint
    /// returns what to do and `perform` does it (`Connection+Endpoints.swift`).
    private func handleRequest(_ head: HTTPRequestHead) {
        guard adoptForwardedClient(head) else { return }
        if forProbes && !Self.probePaths.contains(head.path) {
            refuseOnProbeReserve()
            return
        }
        let request = EndpointRequest(head: head, peerHost: peerHost, isTLS: tls != nil, metrics: loop.metrics)
        switch HTTPRouteTable.target(for: request, context: context) {
        case .callControl(let service): serveSwitchboard(head, service: service)
        case .echo: upgrade(head)
        case .route(let route): upgrade(head, route: route)
        case .endpoint(let endpoint): perform(endpoint.respond())
        }
    }

    /// What a connection on the probe reserve (`limits.probeConnections`) may ask for.
    static let probePaths = ProbeEndpoint.paths

    /// A request other than a health check on a connection admitted beyond the caps: the
    /// answer the caps would have given (docs/config.md `probeAddresses`).
    private func refuseOnProbeReserve() {
        loop.metrics.add(.connectionsRejectedProbeReserve)
        Log.warning("connection_refused", ["peer": peerHost, "status": "503", "reason": "probe_reserve"])
        respond(status: 503, body: "connection limit reached (probe_reserve)\n", keepAlive: false, extraHeaders: [("Retry-After", "5")])
    }

    /// An echo path: the upgrade, and every message back.
    private func upgrade(_ head: HTTPRequestHead) {
        guard !refuseWhileDraining(), let upgrade = validateUpgrade(head, subprotocols: []) else { return }
        application = EchoApplication.shared
        completeUpgrade(upgrade, limits: nil)
    }

    /// Answers 503 when the gateway is draining; true if it did.
    func refuseWhileDraining() -> Bool {
        guard context.isDraining else { return false }
        respond(status: 503, body: "shutting down\n", keepAlive: false, extraHeaders: [("Retry-After", "1")])
        return true
    }

    /// RFC 6455 §4.2.1 validation; a failure is answered here (400, 405, 426) and gives nil.
    func validateUpgrade(_ head: HTTPRequestHead, subprotocols: [String]) -> WebSocketUpgrade? {
        switch ServerHandshake.validate(head, subprotocols: subprotocols) {
        case .success(let accepted):
            return accepted
        case .failure(let error):
            Log.info("handshake_rejected", ["peer": peerHost, "status": "\(error.status)", "reason": error.reason])
            loop.metrics.httpResponse(status: error.status)
            outbound.bytes.append(contentsOf: error.response())
            finishAfterFlush = true
            return nil
        }
    }

    /// RFC 7692 negotiation, the 101 response (§4.2.2), then the WebSocket phase with
    /// `application`, which the caller has set.
    func completeUpgrade(_ upgrade: WebSocketUpgrade, limits: WebSocketLimits?) {
        var deflate: PerMessageDeflate?
        var extensionResponse: String?
        if let options = context.config.permessageDeflate, !upgrade.extensionOffers.isEmpty,
           let agreed = PerMessageDeflateNegotiation.accept(offers: upgrade.extensionOffers, options: options) {
            deflate = PerMessageDeflate(parameters: agreed.parameters, role: .server, options: options, pool: loop.deflatePool)
            extensionResponse = agreed.response
        }
        outbound.bytes.append(contentsOf: ServerHandshake.response(for: upgrade, extensions: extensionResponse))
        releaseTLSWhenFlushed = tls != nil
        startWebSocket(deflate: deflate, limits: limits)
    }

    /// Queues a complete response that must not be stored by caches (`Cache-Control: no-store`):
    /// health, metrics, errors, the admin API. Without keep-alive the connection drains after it.
    func respond(
        status: Int,
        body: String,
        keepAlive: Bool,
        contentType: String = "text/plain; charset=utf-8",
        extraHeaders: [(String, String)] = [],
        headOnly: Bool = false
    ) {
        respond(status: status, body: Array(body.utf8), keepAlive: keepAlive, contentType: contentType,
                extraHeaders: extraHeaders, headOnly: headOnly)
    }

    func respond(
        status: Int,
        body bodyBytes: [UInt8],
        keepAlive: Bool,
        contentType: String,
        extraHeaders: [(String, String)] = [],
        headOnly: Bool = false
    ) {
        queue(HTTPAnswer(status: status, body: bodyBytes, keepAlive: keepAlive, contentType: contentType,
                         extraHeaders: extraHeaders, headOnly: headOnly))
    }

    /// Queues a response. Only `Connection: close` is added, without keep-alive (or while the
    /// gateway drains); the connection then drains after it. `headOnly` (HEAD, RFC 9110 §9.3.2) sends the head alone.
    func queue(_ answer: HTTPAnswer) {
        loop.metrics.httpResponse(status: answer.head.status)
        // A draining gateway closes after each answer, so that its last connections go.
        let keepAlive = answer.keepAlive && !context.isDraining
        var response = answer.head
        if !keepAlive { response.headers.add(name: "Connection", value: "close") }
        response.encode(into: &outbound.bytes)
        if !answer.headOnly { outbound.bytes.append(contentsOf: answer.body) }
        if !keepAlive { finishAfterFlush = true }
    }
}
