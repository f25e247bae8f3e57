import Glibc
import CLinux
import TLSBridge
import HTTP1
import WSFraming

/// The client role: a non-blocking connect, the RFC 6455 §4.1 opening handshake, then the same
/// WebSocket phase as the server role (with masking, §5.3).
extension Connection {
    /// Starts connecting to `url` on `loop`; `application` hears `opened` or `closed`. A
    /// `wss` URL needs `tls`, whose verification settings apply (SNI and the host name are the URL's).
    /// Must be called on `loop`'s thread.
    @discardableResult
    static func connect(
        to url: WebSocketURL,
        address resolved: SocketAddress? = nil,
        loop: EventLoop,
        context: ServerContext,
        application: WebSocketApplication,
        tls: TLSClientContext? = nil,
        subprotocols: [String] = [],
        extraHeaders: [(String, String)] = [],
        handshakeTimeoutMilliseconds: Int? = nil
    ) throws -> Connection {
        if url.isSecure && tls == nil { throw WebSocketURL.ParseError(description: "\(url) needs a TLS client context") }
        let address = try resolved ?? SocketAddress(parsing: url.host.contains(":") ? "[\(url.host)]:\(url.port)" : "\(url.host):\(url.port)")
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Socket.SystemError(call: "socket", code: errno) }
        let result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw Socket.SystemError(call: "connect \(address)", code: code)
        }
        Socket.setNoDelay(fd)
        // §4.1 item 7: a 16-byte nonce "selected randomly", from the loop's CSPRNG buffer.
        var key: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: loop.maskKeys.key()) { key.append(contentsOf: $0) } }
        let offer = context.config.clientPermessageDeflate.map { PerMessageDeflateNegotiation.offer(options: $0) }
        let handshake = ClientHandshake(host: url.hostHeader, target: url.target, key: key,
                                        subprotocols: subprotocols, extensionOffer: offer, extraHeaders: extraHeaders)
        let connection = Connection(connecting: fd, loop: loop, context: context, peerHost: address.description, handshake: handshake)
        if let handshakeTimeoutMilliseconds { connection.handshakeTimeoutMilliseconds = handshakeTimeoutMilliseconds }
        if url.isSecure, let tls {
            do {
                connection.tls = try TLSEngine(client: tls, serverName: url.host)
            } catch {
                close(fd)
                throw error
            }
        }
        connection.application = application
        connection.start()
        return connection
    }

    /// The socket became writable: the connect finished (or failed); send the upgrade request.
    func finishConnect() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0, let request = clientHandshake?.request else {
            let reason = String(cString: strerror(error))
            handshakeFailure = .unreachable(reason)
            terminate(reason: "connect failed: \(reason)")
            return
        }
        phase = .clientHandshake
        // Under TLS the request waits in `outbound` until the handshake completes.
        outbound.bytes.append(contentsOf: request)
        if let tls, case .failed(let error) = tls.handshake() {
            handshakeFailure = .refused("TLS handshake failed: \(error)")
            terminate(reason: "TLS handshake failed: \(error)")
            return
        }
        flush()
    }

    /// Reads the response head and checks it against our request (§4.1) and our offer (RFC 7692 §5.1).
    func processHandshakeResponse(_ bytes: UnsafeMutableRawBufferPointer) {
        headBuffer.append(contentsOf: bytes)
        var parser = HTTPResponseParser(limits: context.httpLimits)
        let head: HTTPResponseHead
        do {
            guard let parsed = try parser.parse(headBuffer) else { return }
            head = parsed
            let negotiated = try clientHandshake!.validate(head)
            subprotocol = negotiated.subprotocol
            var deflate: PerMessageDeflate?
            if let options = context.config.clientPermessageDeflate,
               let parameters = try PerMessageDeflateNegotiation.validate(response: negotiated.extensions, options: options) {
                deflate = PerMessageDeflate(parameters: parameters, role: .client, options: options, pool: loop.deflatePool)
            }
            let rest = Array(headBuffer[parser.headLength...])
            headBuffer = []
            clientHandshake = nil
            startWebSocket(deflate: deflate)
            if !rest.isEmpty {
                var leftover = rest
                leftover.withUnsafeMutableBytes { processWebSocket($0) }
            }
        } catch {
            handshakeFailure = .refused((error as? HandshakeError)?.reason ?? "\(error)")
            Log.warning("client_handshake_failed", ["peer": peerHost, "error": "\(error)"])
            terminate(reason: "opening handshake failed: \(error)")
        }
    }
}
