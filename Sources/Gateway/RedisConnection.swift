import Glibc
import CLinux
import RedisProtocol
import TLSBridge

/// One TCP connection to a Redis server on an event loop, TLS included (TLSBridge, docs/style.md §3):
/// bytes out, `RESPValue`s in. It knows nothing of commands and replies; its owner
/// (`RedisClient`) hears `opened`, each value, and `closed` exactly once, on the loop's thread.
///
/// Writes made during one loop iteration leave in one system call at its end
/// (`EventLoop.deferFlush`); reads are one per readiness event, as for every handler of a loop.
final class RedisConnection: EventHandler, DeferredFlushing, @unchecked Sendable {
    enum Event {
        /// Connected (and the TLS handshake done): commands can go.
        case opened
        case value(RESPValue)
        /// The connection is gone; nothing more will be reported.
        case closed(RedisError)
    }

    private enum Phase { case connecting, handshaking, open, closed }

    private let fd: Int32
    private unowned let loop: EventLoop
    private let tls: TLSEngine?
    private var parser: RESPParser
    private var phase = Phase.connecting
    /// Plaintext waiting for the socket, or for the TLS engine.
    private var outbound = OutboundQueue()
    /// Ciphertext waiting for the socket, under TLS.
    private var sealed = OutboundQueue()
    private var watching = EPOLLOUT.rawValue
    var flushDeferred = false
    private let report: (Event) -> Void

    /// Starts the non-blocking connect (call on `loop`'s thread). `tls` gives the client context
    /// and the name the certificate must carry.
    init(address: SocketAddress, tls: (context: TLSClientContext, serverName: String)?, limits: RESPLimits,
         loop: EventLoop, report: @escaping (Event) -> Void) throws(RedisError) {
        var engine: TLSEngine?
        if let tls {
            do {
                engine = try TLSEngine(client: tls.context, serverName: tls.serverName, sessionCacheKey: "redis \(address)")
            } catch {
                throw .tls(error)
            }
        }
        do {
            fd = try Socket.connect(to: address)
        } catch {
            throw error.code == ECONNREFUSED ? .connectionRefused : .connectFailed(error.code)
        }
        Socket.setNoDelay(fd)
        self.loop = loop
        self.tls = engine
        parser = RESPParser(limits: limits)
        self.report = report
        super.init()
        loop.register(fd, self, events: watching)
    }

    var isOpen: Bool { phase == .open }

    /// Queues bytes for the server; they leave at the end of the loop's iteration.
    func send(_ bytes: [UInt8]) {
        guard phase != .closed else { return }
        outbound.bytes.append(contentsOf: bytes)
        deferFlush()
    }

    /// Queues an encoded command.
    func send(_ command: RESPCommand) {
        guard phase != .closed else { return }
        command.encode(into: &outbound.bytes)
        deferFlush()
    }

    private func deferFlush() {
        guard !flushDeferred else { return }
        flushDeferred = true
        loop.deferFlush(self)
    }

    /// Closes the socket without reporting anything: the owner is done with it.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        loop.deregister(fd, self)
        Glibc.close(fd)
    }

    override func handleEvents(_ events: UInt32) {
        switch phase {
        case .closed:
            return
        case .connecting:
            let code = Socket.connectError(fd)
            guard code == 0 else { return fail(code == ECONNREFUSED ? .connectionRefused : .connectFailed(code)) }
            if let tls {
                phase = .handshaking
                if case .failed(let error) = tls.handshake() { return fail(.tls(error)) }
                flush()
            } else {
                opened()
            }
        case .handshaking, .open:
            if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { receive() }
            if phase != .closed && events & EPOLLOUT.rawValue != 0 { flush() }
        }
    }

    private func opened() {
        phase = .open
        watch(EPOLLIN.rawValue)
        report(.opened)
        flush()
    }

    /// Writes what waits (sealing plaintext first under TLS); watches for writability only
    /// while something is left.
    func flush() {
        flushDeferred = false
        guard phase == .open || phase == .handshaking else { return }
        let result: OutboundQueue.FlushResult
        if let tls {
            if phase == .open && !outbound.isEmpty {
                var failure: TLSError?
                outbound.consumeAll { bytes in
                    var offset = 0
                    while offset < bytes.count && failure == nil {
                        switch tls.writePlaintext(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
                        case .written(let count): offset += count
                        case .failed(let error): failure = error
                        }
                    }
                }
                if let failure { return fail(.tls(failure)) }
            }
            tls.takeCiphertext(into: &sealed.bytes)
            result = sealed.flush(to: fd).result
        } else {
            result = outbound.flush(to: fd).result
        }
        switch result {
        case .drained: watch(EPOLLIN.rawValue)
        case .wouldBlock: watch(EPOLLIN.rawValue | EPOLLOUT.rawValue)
        case .failed: fail(.connectionLost(midReply: parser.isMidReply))
        }
    }

    private func watch(_ events: UInt32) {
        guard events != watching, phase != .closed else { return }
        watching = events
        loop.modify(fd, self, events: events)
    }

    private func receive() {
        let buffer = loop.receiveBuffer
        var count: Int
        repeat { count = recv(fd, buffer.baseAddress, buffer.count, 0) } while count < 0 && errno == EINTR
        if count < 0 {
            if errno != EAGAIN && errno != EWOULDBLOCK { fail(.connectionLost(midReply: parser.isMidReply)) }
            return
        }
        guard count > 0 else { return fail(.connectionLost(midReply: parser.isMidReply)) }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<count])
        guard let tls else { return consume(bytes) }
        // The ciphertext is copied into the engine, so the buffer is free for plaintext.
        tls.receive(ciphertext: bytes)
        if phase == .handshaking {
            switch tls.handshake() {
            case .complete:
                opened()
                guard phase == .open else { return }
            case .wantRead:
                return flush()
            case .failed(let error):
                return fail(.tls(error))
            }
        }
        while phase == .open {
            switch tls.readPlaintext(into: buffer) {
            case .bytes(let plaintext):
                consume(UnsafeRawBufferPointer(rebasing: buffer[..<plaintext]))
            case .wantRead:
                return
            case .closed:
                return fail(.connectionLost(midReply: parser.isMidReply))
            case .failed(let error):
                return fail(.tls(error))
            }
        }
    }

    /// Parses what arrived and reports each complete value.
    private func consume(_ bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        do throws(RESPError) {
            while phase == .open, let value = try parser.next() { report(.value(value)) }
        } catch {
            fail(.protocolError(error))
        }
    }

    private func fail(_ error: RedisError) {
        guard phase != .closed else { return }
        close()
        report(.closed(error))
    }
}
