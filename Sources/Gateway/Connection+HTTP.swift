import Glibc
import Switchboard
import HTTP1
import WSFraming

/// The HTTP/1.1 phase: request heads parsed by HTTP1's `HTTPRequestParser` (RFC 9112), each
/// handed to the endpoint `HTTPRouteTable` chooses (Endpoints/), and the responses queued.
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

    /// Hands one request to the endpoint `HTTPRouteTable` chooses and performs what it returns
    /// (`Connection+Endpoints.swift`): an answer, a question for the agent hub, or an upgrade.
    private func handleRequest(_ head: HTTPRequestHead) {
        guard adoptForwardedClient(head) else { return }
        if forProbes && !Self.probePaths.contains(head.path) {
            refuseOnProbeReserve()
            return
        }
        let request = EndpointRequest(head: head, peerHost: peerHost, isTLS: tls != nil, metrics: loop.metrics)
        perform(HTTPRouteTable.endpoint(for: request, context: context).respond())
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

    /// Queues a text response that must not be stored by caches (`Cache-Control: no-store`): the
    /// connection's own refusals and timeouts. Without keep-alive the connection drains after it.
    func respond(status: Int, body: String, keepAlive: Bool, extraHeaders: [(String, String)] = []) {
        queue(HTTPAnswer(status: status, text: body, keepAlive: keepAlive, extraHeaders: extraHeaders))
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
