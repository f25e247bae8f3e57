import Glibc
import Routes
import Switchboard
import HTTP1
import WSFraming

/// The HTTP/1.1 phase: request heads parsed by WSFraming's `HTTPRequestParser` (RFC 9112),
/// the small set of endpoints the core serves, and the WebSocket upgrade (RFC 6455 §4.2).
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

    /// Routes one request. The core knows `/healthz`, `/readyz`, `/metrics`, `/status.json` and the
    /// echo paths; then come the routes, the admin API, click-to-call (docs/click-to-call.md),
    /// and the static files for every other path.
    private func handleRequest(_ head: HTTPRequestHead) {
        guard adoptForwardedClient(head) else { return }
        // A request body we do not read would be taken for the next request: answer, then close.
        // A draining gateway closes after each answer, so that its last connections go.
        let keepAlive = head.keepAlive && head.bodyFraming == .none && !context.isDraining
        let path = head.path
        if forProbes && !Self.probePaths.contains(path) {
            refuseOnProbeReserve()
            return
        }
        if let service = context.callControlService {
            serveSwitchboard(head, service: service)
            return
        }
        if context.echoPaths.contains(path) {
            upgrade(head)
            return
        }
        if let route = context.config.routes.route(forPath: path) {
            upgrade(head, route: route)
            return
        }
        if path.hasPrefix(AdminCommand.prefix) {
            serveAdmin(head)
            return
        }
        if context.config.clickToCall.enabled, let dialect = ClickToCallDialect(path: path, query: head.query) {
            serveClickToCall(head, dialect: dialect)
            return
        }
        if path == Self.deviceActionPath {
            serveDeviceAction(head)
            return
        }
        if Self.lastCallersPaths.contains(path) {
            serveLastCallers(head)
            return
        }
        if path == Self.sessionCookiePath {
            serveSessionCookie(head)
            return
        }
        if path == Self.vodiaSessionPath {
            serveVodiaSession(head)
            return
        }
        guard head.method == "GET" || head.method == "HEAD" else {
            let known = path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/status.json"
            if !known && context.staticFiles.settings.enabled {
                refuseStatic(head, .method, keepAlive: keepAlive, headOnly: false)
                return
            }
            respond(status: known ? 405 : 404, body: known ? "method not allowed\n" : "not found\n",
                    keepAlive: keepAlive, extraHeaders: known ? [("Allow", "GET, HEAD")] : [], headOnly: false)
            return
        }
        let headOnly = head.method == "HEAD"
        let isHealth = path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/status.json"
        if tls == nil, !isHealth, let port = context.redirectPort {
            redirectToHTTPS(head, port: port, keepAlive: keepAlive)
            return
        }
        switch path {
        case "/healthz":
            respond(status: 200, body: "ok\n", keepAlive: keepAlive, headOnly: headOnly)
        case "/readyz":
            let problem = context.readinessProblem
            respond(status: problem == nil ? 200 : 503, body: "\(problem ?? "ready")\n", keepAlive: keepAlive, headOnly: headOnly)
        case "/metrics":
            respond(status: 200, body: MetricsExposition.render(context.loopMetrics), keepAlive: keepAlive,
                    contentType: "text/plain; version=0.0.4", headOnly: headOnly)
        case "/status.json":
            serveStatus(headOnly: headOnly)
        default:
            if context.staticFiles.settings.enabled {
                serveStatic(head, keepAlive: keepAlive, headOnly: headOnly)
            } else {
                respond(status: 404, body: "not found\n", keepAlive: keepAlive, headOnly: headOnly)
            }
        }
    }

    /// What a connection on the probe reserve (`limits.probeConnections`) may ask for.
    static let probePaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

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

    /// `tls.redirectHTTP`: the same target on the TLS listener (RFC 9110 §15.4.2).
    private func redirectToHTTPS(_ head: HTTPRequestHead, port: UInt16, keepAlive: Bool) {
        var host = head.headers["Host"] ?? "localhost"
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        let location = "https://\(host)\(port == 443 ? "" : ":\(port)")\(head.target)"
        respond(status: 301, body: "moved to \(location)\n", keepAlive: keepAlive, extraHeaders: [("Location", location)])
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
        var response = HTTPResponseHead(status: status)
        response.headers.add(name: "Content-Type", value: contentType)
        response.headers.add(name: "Content-Length", value: String(bodyBytes.count))
        response.headers.add(name: "Cache-Control", value: "no-store")
        for (name, value) in extraHeaders { response.headers.add(name: name, value: value) }
        queueResponse(response, body: bodyBytes, keepAlive: keepAlive, headOnly: headOnly)
    }

    /// Queues a response whose head the caller built whole, framing and caching fields included
    /// (static files set their own `Cache-Control`, and a 304 has no `Content-Length`). Only
    /// `Connection: close` is added, without keep-alive; the connection then drains after it.
    /// `headOnly` (HEAD, RFC 9110 §9.3.2) sends the head alone.
    func queueResponse(_ head: HTTPResponseHead, body: [UInt8], keepAlive: Bool, headOnly: Bool) {
        loop.metrics.httpResponse(status: head.status)
        var response = head
        if !keepAlive { response.headers.add(name: "Connection", value: "close") }
        response.encode(into: &outbound.bytes)
        if !headOnly { outbound.bytes.append(contentsOf: body) }
        if !keepAlive { finishAfterFlush = true }
    }
}
