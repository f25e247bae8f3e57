import Foundation
import Glibc
import Testing
import TLSBridge
@testable import Gateway
@testable import WSFraming

/// wss end to end inside one process: the server role behind a TLS listener with a generated
/// certificate, and the client role (the upstream connector's) verifying it.
@Suite(.serialized) struct TLSTests {
    private func gatewayWithTLS(state: String) throws -> RunningGateway {
        try RunningGateway {
            $0.listen = []
            $0.tls.listen = ["127.0.0.1:0"]
            $0.stateDirectory = state
        }
    }

    private final class Exchange: WebSocketApplication, @unchecked Sendable {
        let done = Semaphore()
        var echoed: [String] = []
        var opened = false
        func opened(_ connection: Connection) {
            opened = true
            try? Array("over wss".utf8).withUnsafeBytes { try connection.send(.text, $0) }
            connection.flush()
        }
        func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
            echoed.append(String(decoding: text, as: UTF8.self))
            connection.startClose(ClosePayload(code: .normalClosure))
            connection.flush()
        }
        func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {}
        func closed(_ connection: Connection, code: CloseCode?) { done.signal() }
    }

    @Test func clientRoleVerifiesTheServerAndEchoes() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-tls-\(getpid())-a").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let gateway = try gatewayWithTLS(state: state)
        defer { gateway.stop() }
        let certificate = try SelfSignedCertificate.ensure(in: state)
        let port = gateway.server.boundTLSAddresses[0].port
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: .file(certificate.certificateFile)))
        let loop = gateway.server.loops[0]
        let context = gateway.server.context

        for host in ["127.0.0.1", "localhost"] {
            let exchange = Exchange()
            let url = try WebSocketURL(parsing: "wss://\(host):\(port)/echo")
            loop.execute {
                do { try Connection.connect(to: url, loop: loop, context: context, application: exchange, tls: client) } catch { exchange.done.signal() }
            }
            #expect(exchange.done.wait(seconds: 10))
            #expect(exchange.opened, "\(host)")
            #expect(exchange.echoed == ["over wss"], "\(host)")
        }
        Glibc.usleep(300_000)
        #expect(gateway.metric(.tlsHandshakes) >= 2)
    }

    /// `tls.maxHandshakesInFlightPerLoop` refuses a new TLS connection while the loop has its cap
    /// of handshakes in progress, and the handshake timeout covers a TLS handshake that stalls.
    @Test func handshakeCapAndTimeout() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-tls-\(getpid())-c").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let gateway = try RunningGateway {
            $0.listen = []
            $0.tls.listen = ["127.0.0.1:0"]
            $0.stateDirectory = state
            $0.tls.maxHandshakesInFlightPerLoop = 1
            $0.limits.handshakeTimeoutMilliseconds = 500
        }
        defer { gateway.stop() }
        let port = gateway.server.boundTLSAddresses[0].port
        let stalled = try TestPeer(port: port)   // connects, never sends a ClientHello
        Glibc.usleep(100_000)
        let refused = try TestPeer(port: port)
        #expect(refused.isClosedByServer())
        #expect(stalled.isClosedByServer())      // by the handshake timeout
        Glibc.usleep(300_000)
        #expect(gateway.metric(.tlsHandshakesRefused) == 1)
        #expect(gateway.metric(.handshakeTimeouts) == 1)
    }

    @Test func clientRoleRefusesAServerWhoseCertificateIsNotTrusted() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-tls-\(getpid())-b").path
        let other = state + "-other"
        defer {
            try? FileManager.default.removeItem(atPath: state)
            try? FileManager.default.removeItem(atPath: other)
        }
        let gateway = try gatewayWithTLS(state: state)
        defer { gateway.stop() }
        // Trust a different self-signed certificate than the one the server presents.
        let stranger = try SelfSignedCertificate.ensure(in: other)
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: .file(stranger.certificateFile)))
        let port = gateway.server.boundTLSAddresses[0].port
        let exchange = Exchange()
        let url = try WebSocketURL(parsing: "wss://127.0.0.1:\(port)/echo")
        let loop = gateway.server.loops[0]
        let context = gateway.server.context
        loop.execute {
            do { try Connection.connect(to: url, loop: loop, context: context, application: exchange, tls: client) } catch { exchange.done.signal() }
        }
        #expect(exchange.done.wait(seconds: 10))
        #expect(!exchange.opened)
        #expect(exchange.echoed.isEmpty)
    }
}
