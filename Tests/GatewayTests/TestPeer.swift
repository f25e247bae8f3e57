import Foundation
import Glibc
import CLinux
import Testing
@testable import Gateway
@testable import WSFraming

/// A running gateway on 127.0.0.1 with an ephemeral port, stopped by `stop()`.
final class RunningGateway: @unchecked Sendable {
    let server: Server
    var port: UInt16 { server.boundAddresses[0].port }

    init(threads: Int = 1, echo: [String] = ["/echo"], configure: (inout GatewayConfig) -> Void = { _ in }) throws {
        var config = GatewayConfig()
        config.listen = ["127.0.0.1:0"]
        config.threads = threads
        config.echoPaths = echo
        config.shutdownGraceMilliseconds = 2_000
        config.logLevel = .error
        configure(&config)
        Log.minimumLevel = .error
        server = try Server(config: config)
        try server.start()
    }

    /// Stops as on SIGINT: every WebSocket gets 1001 at once.
    func stop() { server.shutdown(quick: true) }

    /// Stops as on SIGTERM: the drain (docs/deploy.md §5).
    func drain() { server.shutdown() }

    /// The value of one counter in `/metrics`, summed over loops (published every tick).
    func metric(_ counter: Counter) -> Int {
        server.loops.reduce(0) { $0 + $1.metrics.snapshot().counters[counter.rawValue] }
    }

    /// A labelled counter by its exposition key, e.g. `callgate_route_events_total{…}`.
    func metric(_ key: String) -> Int {
        server.loops.reduce(0) { $0 + ($1.metrics.snapshot().labelled[key] ?? 0) }
    }

    /// Waits up to `seconds` for `condition` (metrics are published every 250 ms tick).
    func eventually(_ seconds: Double = 3, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

/// A blocking loopback client that speaks raw bytes, so tests can send exactly what they mean,
/// malformed or not.
final class TestPeer: @unchecked Sendable {
    let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address, to look like a
    /// different client) when given.
    init(port: UInt16, receiveTimeoutSeconds: Int = 5, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Socket.SystemError(call: "bind \(source)", code: errno) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Socket.SystemError(call: "connect", code: errno) }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Reads more bytes into the buffer; false on EOF, reset or timeout.
    @discardableResult
    func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffered.append(contentsOf: chunk[..<count])
        return true
    }

    /// The next HTTP response head (through the blank line) and its body if Content-Length says so.
    func readResponse() -> (head: String, body: String)? {
        while true {
            if let end = buffered.firstRange(of: [13, 10, 13, 10]) {
                let head = String(decoding: buffered[..<end.lowerBound], as: UTF8.self)
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
                while buffered.count < end.upperBound + length { if !fill() { return nil } }
                let body = String(decoding: buffered[end.upperBound..<end.upperBound + length], as: UTF8.self)
                buffered.removeSubrange(..<(end.upperBound + length))
                return (head, body)
            }
            if !fill() { return nil }
        }
    }

    /// Performs the opening handshake on `path`; returns the response head.
    @discardableResult
    func upgrade(path: String = "/echo", extraHeaders: String = "") -> String? {
        send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extraHeaders)\r\n")
        return readResponse()?.head
    }

    /// Sends one masked frame, as a browser would.
    func sendFrame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) {
        var frame: [UInt8] = []
        payload.withUnsafeBytes {
            FrameEncoder.encode(opcode: opcode, fin: fin, payload: $0, maskKey: Masking.key(0x12, 0x34, 0x56, 0x78), into: &frame)
        }
        send(frame)
    }

    /// The next frame from the server: opcode and payload (server frames are unmasked).
    func readFrame() -> (opcode: Opcode, payload: [UInt8])? {
        while true {
            if buffered.count >= 2 {
                let short = Int(buffered[1] & 0x7F)
                var headerLength = 2
                var length = short
                if short == 126, buffered.count >= 4 {
                    length = Int(buffered[2]) << 8 | Int(buffered[3]); headerLength = 4
                } else if short == 127, buffered.count >= 10 {
                    length = buffered[2..<10].reduce(0) { $0 << 8 | Int($1) }; headerLength = 10
                } else if short >= 126 {
                    length = -1
                }
                if length >= 0 && buffered.count >= headerLength + length {
                    let opcode = Opcode(encoded: buffered[0])
                    let payload = Array(buffered[headerLength..<headerLength + length])
                    buffered.removeSubrange(..<(headerLength + length))
                    return (opcode, payload)
                }
            }
            if !fill() { return nil }
        }
    }

    /// The close code in the next close frame, skipping other frames.
    func readCloseCode() -> UInt16? {
        while let frame = readFrame() {
            if frame.opcode == .close {
                return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            }
        }
        return nil
    }

    /// True once the server has closed the TCP connection (EOF), within the receive timeout.
    func isClosedByServer() -> Bool {
        while fill() {}
        var probe: UInt8 = 0
        return recv(fd, &probe, 1, Int32(MSG_DONTWAIT)) == 0
    }
}

extension Array where Element == UInt8 {
    func firstRange(of needle: [UInt8]) -> Range<Int>? {
        guard count >= needle.count else { return nil }
        for start in 0...(count - needle.count) where self[start..<start + needle.count].elementsEqual(needle) {
            return start..<start + needle.count
        }
        return nil
    }
}
