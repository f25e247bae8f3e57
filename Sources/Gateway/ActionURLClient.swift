import Glibc
import CLinux
import ActionURLs
import TLSBridge
import HTTP1
import WSFraming

/// One outgoing Action URL request (docs/click-to-call.md §5) on a loop: a fresh TCP connection
/// (TLS for https), `GET target HTTP/1.1` with `Host`, `User-Agent: callgate` and
/// `Connection: close`, and the status of the final response. The body is not read: once the
/// head is in, the connection is closed and the status reported.
///
/// - The whole exchange is non-blocking on the loop's thread. It has no timer of its own: the
///   owner calls `abort(now:)` on each tick, which fails the attempt once `deadline` (connect,
///   TLS and the response head together) has passed.
/// - What is read is bounded: at most `headLimits.maxHeaderBytes` of response head; 1xx interim
///   responses (RFC 9110 §15.2) are skipped, 101 is a final answer like any other status.
/// - Redirects are not followed: a 3xx is just a status (`ActionURLRetryPolicy.outcome`).
/// - `completion` is called exactly once, on the loop's thread, after the socket is closed, and
///   never from within `start` (a failure to start is thrown instead).
final class ActionURLClient: EventHandler, @unchecked Sendable {
    /// Why an attempt failed without a status.
    enum Failure: Error, CustomStringConvertible {
        case connect(Int32)
        case send(Int32)
        case receive(Int32)
        /// The server closed the connection before a whole response head.
        case closedBeforeResponse
        /// RFC 9112 §4: the status line or a field line is not valid HTTP/1.1.
        case malformedResponse(HTTPError)
        /// More than `headLimits.maxHeaderBytes` without the blank line that ends the head.
        case responseHeadTooLarge
        case timeout(milliseconds: Int)
        case tls(TLSError)
        /// The target's host name did not resolve when the gateway started.
        case unresolved(String)

        /// Whether retrying cannot help: a certificate that fails verification, a TLS set-up the
        /// gateway refused, a host name that never resolved. Everything else is a network error
        /// and retried (`ActionURLRetryPolicy`).
        var isPermanent: Bool {
            switch self {
            case .tls(let error): error.kind == .certificateVerification || error.kind == .configuration
            case .unresolved: true
            default: false
            }
        }

        var description: String {
            switch self {
            case .connect(let code): "connect: \(String(cString: strerror(code)))"
            case .send(let code): "send: \(String(cString: strerror(code)))"
            case .receive(let code): "receive: \(String(cString: strerror(code)))"
            case .closedBeforeResponse: "closed before a response"
            case .malformedResponse(let error): "malformed response: \(error.reason)"
            case .responseHeadTooLarge: "response head over \(ActionURLClient.headLimits.maxHeaderBytes) bytes"
            case .timeout(let milliseconds): "no response within \(milliseconds) ms"
            case .tls(let error): "\(error)"
            case .unresolved(let host): "\(host) did not resolve at start"
            }
        }
    }

    enum Result {
        /// The final response's status code.
        case status(Int)
        case failed(Failure)
    }

    /// The response head we accept: a status line and a few fields, nothing like a browser's 16 KiB.
    static let headLimits = HTTPLimits(maxRequestLineBytes: 1_024, maxHeaderBytes: 8_192, maxHeaderCount: 64)

    private enum Phase { case connecting, exchanging, done }

    private let fd: Int32
    private let loop: EventLoop
    private let tls: TLSEngine?
    /// The request's plaintext, until it is handed to the socket or (after the handshake) to TLS.
    private var request: [UInt8]
    /// Bytes for the socket: the request, or TLS records.
    private var outbound = OutboundQueue()
    private var head: [UInt8] = []
    private var parser = HTTPResponseParser(limits: ActionURLClient.headLimits)
    private var phase = Phase.connecting
    private var watching: UInt32
    private let timeoutMilliseconds: Int
    private let completion: (Result) -> Void
    /// When the attempt is abandoned (loop milliseconds).
    let deadline: UInt64

    /// Opens the connection and registers with `loop` (call on its thread). `tls` is required for
    /// an https request; its verification settings apply, with SNI and the expected name `host`.
    static func start(_ request: ActionURLRequest, address: SocketAddress, tls: TLSClientContext?, loop: EventLoop,
                      timeoutMilliseconds: Int, completion: @escaping (Result) -> Void) throws(Failure) -> ActionURLClient {
        var engine: TLSEngine?
        if request.isTLS {
            guard let tls else {
                throw .tls(TLSError(kind: .configuration, operation: "https target", reasons: ["no TLS client context"]))
            }
            do {
                engine = try TLSEngine(client: tls, serverName: request.host, sessionCacheKey: "\(request.host) \(request.port)")
            } catch {
                throw .tls(error)
            }
        }
        let fd: Int32
        do {
            fd = try Socket.connect(to: address)
        } catch {
            throw .connect(error.code)
        }
        let client = ActionURLClient(fd: fd, loop: loop, tls: engine, request: Self.requestBytes(request),
                                     timeoutMilliseconds: timeoutMilliseconds, completion: completion)
        loop.register(fd, client, events: client.watching)
        return client
    }

    private init(fd: Int32, loop: EventLoop, tls: TLSEngine?, request: [UInt8], timeoutMilliseconds: Int,
                 completion: @escaping (Result) -> Void) {
        self.fd = fd
        self.loop = loop
        self.tls = tls
        self.request = request
        self.timeoutMilliseconds = timeoutMilliseconds
        self.completion = completion
        deadline = loop.now + UInt64(timeoutMilliseconds)
        watching = EPOLLOUT.rawValue
    }

    /// RFC 9112 §3: origin-form request line; RFC 9110 §7.2: `Host`. `target` and `hostHeader`
    /// are printable ASCII without spaces (`ActionURLTemplate.render`), so they go in as they are.
    static func requestBytes(_ request: ActionURLRequest) -> [UInt8] {
        Array("GET \(request.target) HTTP/1.1\r\nHost: \(request.hostHeader)\r\nUser-Agent: callgate\r\nConnection: close\r\n\r\n".utf8)
    }

    /// Fails the attempt if its deadline has passed; the owner's tick calls it.
    func abort(now: UInt64) {
        guard phase != .done, now >= deadline else { return }
        finish(.failed(.timeout(milliseconds: timeoutMilliseconds)))
    }

    override func handleEvents(_ events: UInt32) {
        switch phase {
        case .done:
            return
        case .connecting:
            let code = Socket.connectError(fd)
            guard code == 0 else {
                finish(.failed(.connect(code)))
                return
            }
            connected()
        case .exchanging:
            if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { receive() }
            if phase == .exchanging && events & EPOLLOUT.rawValue != 0 { flush() }
        }
    }

    private func connected() {
        phase = .exchanging
        if let tls {
            // The ClientHello; the request follows once the handshake is complete.
            if case .failed(let error) = tls.handshake() {
                finish(.failed(.tls(error)))
                return
            }
        } else {
            outbound.bytes.append(contentsOf: request)
            request = []
        }
        flush()
    }

    /// Writes what waits (TLS records first taken from the engine) and watches for writability
    /// only while something does.
    private func flush() {
        if let tls { tls.takeCiphertext(into: &outbound.bytes) }
        switch outbound.flush(to: fd).result {
        case .drained: watch(EPOLLIN.rawValue)
        case .wouldBlock: watch(EPOLLIN.rawValue | EPOLLOUT.rawValue)
        case .failed(let code): finish(.failed(.send(code)))
        }
    }

    private func watch(_ events: UInt32) {
        guard events != watching else { return }
        watching = events
        loop.modify(fd, self, events: events)
    }

    /// One read per readiness event, as every handler of the loop does.
    private func receive() {
        let buffer = loop.receiveBuffer
        var count: Int
        repeat { count = recv(fd, buffer.baseAddress, buffer.count, 0) } while count < 0 && errno == EINTR
        if count < 0 {
            if errno != EAGAIN && errno != EWOULDBLOCK { finish(.failed(.receive(errno))) }
            return
        }
        guard count > 0 else {
            finish(.failed(.closedBeforeResponse))
            return
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<count])
        guard let tls else {
            consume(bytes)
            return
        }
        // The ciphertext is copied into the engine, so the buffer is free for plaintext.
        let result = tls.pump(ciphertext: bytes, into: buffer,
                              handshakeCompleted: { sendRequest(tls); return phase == .exchanging },
                              deliver: { consume(UnsafeRawBufferPointer($0)); return phase == .exchanging })
        switch result {
        case .wantRead: flush()
        case .stopped: return
        case .handshakeFailed(let error), .failed(let error): finish(.failed(.tls(error)))
        case .closed: finish(.failed(.closedBeforeResponse))
        }
    }

    private func sendRequest(_ tls: TLSEngine) {
        if let error = request.withUnsafeBytes({ tls.writeAll($0) }) {
            finish(.failed(.tls(error)))
            return
        }
        request = []
        flush()
    }

    /// Adds response bytes to the head (never more than the limit) and reports the status once
    /// a final response head is complete.
    private func consume(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.headLimits.maxHeaderBytes - head.count
        head.append(contentsOf: bytes.prefix(room))
        while phase == .exchanging {
            let parsed: Swift.Result<HTTPResponseHead?, HTTPError> = head.withUnsafeBytes { raw in
                do throws(HTTPError) { return .success(try parser.parse(raw)) } catch { return .failure(error) }
            }
            switch parsed {
            case .failure(let error):
                finish(.failed(.malformedResponse(error)))
            case .success(nil):
                if head.count >= Self.headLimits.maxHeaderBytes { finish(.failed(.responseHeadTooLarge)) }
                return
            case .success(let response?) where (100...199).contains(response.status) && response.status != 101:
                // RFC 9110 §15.2: a client must accept interim responses before the final one.
                head.removeFirst(parser.headLength)
                parser.reset()
            case .success(let response?):
                finish(.status(response.status))
            }
        }
    }

    /// Closes the connection without reporting anything (the gateway is stopping).
    func cancel() {
        guard phase != .done else { return }
        phase = .done
        loop.deregister(fd, self)
        close(fd)
    }

    /// Closes the connection (after a close_notify under TLS, best effort) and reports `result`.
    private func finish(_ result: Result) {
        guard phase != .done else { return }
        phase = .done
        if let tls, tls.isHandshakeComplete {
            tls.shutdown()
            var alert: [UInt8] = []
            tls.takeCiphertext(into: &alert)
            _ = alert.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        loop.deregister(fd, self)
        close(fd)
        completion(result)
    }
}
