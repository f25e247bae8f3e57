import Glibc
import Testing
@testable import TLSBridge

/// One directory under /tmp for this test process, removed when the process exits.
let testRoot: String = {
    var template = Array("/tmp/tlsbridge-tests-XXXXXX".utf8CString)
    let root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    atexit { removeTree(testRoot) }
    return root
}()

/// A fresh directory inside `testRoot`, for one test or one fixture.
func makeTemporaryDirectory(_ label: String = "case") -> String {
    var template = Array("\(testRoot)/\(label)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// `rm -r`, for the test files only.
func removeTree(_ path: String) {
    if let directory = opendir(path) {
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            removeTree(path + "/" + name)
        }
        closedir(directory)
        rmdir(path)
    } else {
        unlink(path)
    }
}

/// A certificate and key written as PEM files.
struct TestIdentity: Sendable {
    var chainFile: String
    var keyFile: String
    var fingerprint: String
}

/// A small PKI made with TLSBridge's own certificate builder: a CA and leaves it signed, each
/// written as PEM files (chain files hold the leaf, then the CA, as a real chain would hold
/// intermediates).
struct TestPKI: Sendable {
    let directory: String
    let caFile: String
    /// For `default.example`; served when SNI is absent or unknown.
    let defaultServer: TestIdentity
    /// For `agents.example.com`.
    let agents: TestIdentity
    /// For `*.crm.example.com`.
    let wildcard: TestIdentity
    /// For `localhost`, `127.0.0.1` and `::1`.
    let localhost: TestIdentity
    /// A client certificate (extendedKeyUsage clientAuth) for mutual TLS.
    let client: TestIdentity

    /// Built once per test run.
    static let shared: TestPKI = try! TestPKI()

    init() throws(TLSError) {
        directory = makeTemporaryDirectory("tlsbridge-pki")
        let caKey = try PrivateKey.generateP256()
        let ca = try CertificateBuilder(commonName: "Callgate Test CA", isCertificateAuthority: true).build(key: caKey)
        let caPEM = try ca.pem()
        caFile = directory + "/ca.pem"
        try StateFolder.writeAtomically(caPEM, to: caFile, mode: 0o644)

        let issuer = (certificate: ca, key: caKey, pem: caPEM)
        defaultServer = try Self.leaf("default", hosts: ["default.example"], in: directory, issuer: issuer)
        agents = try Self.leaf("agents", hosts: ["agents.example.com"], in: directory, issuer: issuer)
        wildcard = try Self.leaf("wildcard", hosts: ["*.crm.example.com"], in: directory, issuer: issuer)
        localhost = try Self.leaf("localhost", hosts: ["localhost", "127.0.0.1", "::1"], in: directory, issuer: issuer)
        client = try Self.leaf("client", hosts: [], client: true, in: directory, issuer: issuer)
    }

    private static func leaf(
        _ name: String, hosts: [String], client: Bool = false, in directory: String,
        issuer: (certificate: X509Certificate, key: PrivateKey, pem: [UInt8])
    ) throws(TLSError) -> TestIdentity {
        let key = try PrivateKey.generateP256()
        var builder = CertificateBuilder(commonName: hosts.first ?? name, hosts: hosts)
        builder.allowsClientAuthentication = client
        let certificate = try builder.build(key: key, issuer: (issuer.certificate, issuer.key))
        let identity = TestIdentity(chainFile: "\(directory)/\(name)-chain.pem", keyFile: "\(directory)/\(name)-key.pem",
                                    fingerprint: CertificateInfo.sha256Fingerprint(certificate.pointer)!)
        try StateFolder.writeAtomically(try certificate.pem() + issuer.pem, to: identity.chainFile, mode: 0o644)
        try StateFolder.writeAtomically(try key.pem(), to: identity.keyFile, mode: 0o600)
        return identity
    }

    func identity(_ name: String) -> TestIdentity {
        switch name {
        case "agents": agents
        case "wildcard": wildcard
        case "localhost": localhost
        case "client": client
        default: defaultServer
        }
    }

    /// A server configuration with the default certificate and the two SNI certificates.
    func serverConfiguration() -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificateChainFile: defaultServer.chainFile, privateKeyFile: defaultServer.keyFile,
            sniCertificates: [
                SNICertificate(serverNames: ["agents.example.com"], certificateChainFile: agents.chainFile, privateKeyFile: agents.keyFile),
                SNICertificate(serverNames: ["*.crm.example.com"], certificateChainFile: wildcard.chainFile, privateKeyFile: wildcard.keyFile),
                SNICertificate(serverNames: ["localhost", "127.0.0.1"], certificateChainFile: localhost.chainFile, privateKeyFile: localhost.keyFile),
            ])
    }

    /// A client that trusts the test CA.
    func clientConfiguration() -> TLSClientConfiguration {
        TLSClientConfiguration(trustRoots: .file(caFile))
    }
}

/// The two ends' handshake results after `interact`.
struct HandshakeOutcome {
    var client: TLSHandshakeResult
    var server: TLSHandshakeResult

    var bothComplete: Bool { client == .complete && server == .complete }

    var serverError: TLSError? {
        if case .failed(let error) = server { return error }
        return nil
    }

    var clientError: TLSError? {
        if case .failed(let error) = client { return error }
        return nil
    }
}

/// Moves every pending byte of ciphertext from `source` to `destination`, `chunk` bytes per
/// `receive` call, calling `afterEachChunk` after each. Returns whether anything moved.
@discardableResult
func transfer(from source: TLSEngine, to destination: TLSEngine, chunk: Int = .max, afterEachChunk: () -> Void = {}) -> Bool {
    var bytes: [UInt8] = []
    source.takeCiphertext(into: &bytes)
    guard !bytes.isEmpty else { return false }
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunk)
        bytes[start..<end].withUnsafeBytes { destination.receive(ciphertext: $0) }
        afterEachChunk()
        start = end
    }
    return true
}

/// Pumps ciphertext between a client and a server engine in memory until neither has anything
/// to send, driving both handshakes; then lets each side read, so that post-handshake messages
/// (TLS 1.3 tickets) are processed. Alerts of a failing side still reach the other side.
@discardableResult
func interact(client: TLSEngine, server: TLSEngine, chunk: Int = .max) -> HandshakeOutcome {
    var outcome = HandshakeOutcome(client: client.handshake(), server: .wantRead)
    for _ in 0..<10_000 {
        let sent = transfer(from: client, to: server, chunk: chunk) { outcome.server = server.handshake() }
        let answered = transfer(from: server, to: client, chunk: chunk) { outcome.client = client.handshake() }
        if !sent && !answered { break }
    }
    if outcome.bothComplete {
        var scratch = [UInt8](repeating: 0, count: 64)
        for _ in 0..<4 {
            _ = scratch.withUnsafeMutableBytes { client.readPlaintext(into: $0) }
            _ = scratch.withUnsafeMutableBytes { server.readPlaintext(into: $0) }
            let moved = transfer(from: server, to: client) || transfer(from: client, to: server)
            if !moved { break }
        }
    }
    return outcome
}

/// Sends `payload` from `sender` to `receiver` through both engines and returns what the
/// receiver decrypted, moving ciphertext after every write.
func deliver(_ payload: [UInt8], from sender: TLSEngine, to receiver: TLSEngine) throws -> [UInt8] {
    var received: [UInt8] = []
    received.reserveCapacity(payload.count)
    var buffer = [UInt8](repeating: 0, count: 16_384)
    var offset = 0
    func drain() throws {
        transfer(from: sender, to: receiver)
        reading: while true {
            let result = buffer.withUnsafeMutableBytes { receiver.readPlaintext(into: $0) }
            switch result {
            case .bytes(let count): received += buffer[0..<count]
            case .wantRead: break reading
            case .closed: Issue.record("unexpected close_notify"); break reading
            case .failed(let error): throw error
            }
        }
    }
    while offset < payload.count {
        let result = payload[offset...].withUnsafeBytes { sender.writePlaintext($0) }
        switch result {
        case .written(let count):
            #expect(count > 0)
            offset += count
        case .failed(let error):
            throw error
        }
        try drain()
    }
    try drain()
    return received
}

/// A connected pair after a successful handshake.
func connectedPair(
    server: TLSServerContext, client: TLSClientContext, serverName: String? = "default.example",
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (client: TLSEngine, server: TLSEngine) {
    let clientEngine = try TLSEngine(client: client, serverName: serverName)
    let serverEngine = try TLSEngine(server: server)
    let outcome = interact(client: clientEngine, server: serverEngine)
    #expect(outcome.bothComplete, "handshake: \(outcome)", sourceLocation: sourceLocation)
    return (clientEngine, serverEngine)
}

/// Deterministic bytes of any length.
func patternBytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}
