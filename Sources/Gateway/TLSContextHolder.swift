import Synchronization
import TLSBridge

/// The server TLS context that new connections use, swapped as a whole on SIGHUP. Engines made
/// from an older context keep it alive (OpenSSL reference counts it), so a reload never drops a
/// live connection.
final class TLSContextHolder: Sendable {
    private let settings: TLSSettings
    private let stateDirectory: String
    private let context: Mutex<TLSServerContext>

    init(settings: TLSSettings, stateDirectory: String) throws {
        self.settings = settings
        self.stateDirectory = stateDirectory
        context = Mutex(try Self.makeContext(settings, stateDirectory: stateDirectory, ticketKeys: nil))
    }

    var current: TLSServerContext { context.withLock { $0 } }

    /// Reads the certificates again, keeping the ticket keys so that sessions issued before the
    /// reload still resume. On failure the previous context stays in use.
    func reload() {
        do {
            let fresh = try Self.makeContext(settings, stateDirectory: stateDirectory, ticketKeys: current.ticketKeys)
            context.withLock { $0 = fresh }
            Log.info("tls_reloaded", ["certificate": settings.certificateFile.isEmpty ? "generated" : settings.certificateFile])
        } catch {
            Log.error("tls_reload_failed", ["error": "\(error)", "action": "keeping the previous certificates"])
        }
    }

    func rotateTicketKeys() {
        do {
            try current.rotateTicketKeys()
            Log.info("tls_ticket_keys_rotated")
        } catch {
            Log.error("tls_ticket_key_rotation_failed", ["error": "\(error)"])
        }
    }

    private static func makeContext(
        _ settings: TLSSettings, stateDirectory: String, ticketKeys: TLSSessionTicketKeys?
    ) throws -> TLSServerContext {
        var certificate = settings.certificateFile
        var key = settings.privateKeyFile
        if certificate.isEmpty {
            let generated = try SelfSignedCertificate.ensure(in: stateDirectory)
            certificate = generated.certificateFile
            key = generated.keyFile
            Log.info(generated.created ? "tls_certificate_generated" : "tls_certificate_reused", [
                "file": certificate,
                "sha256": generated.sha256Fingerprint,
            ])
        }
        var configuration = TLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)
        configuration.sniCertificates = settings.sniCertificates.map {
            SNICertificate(serverNames: $0.serverNames, certificateChainFile: $0.certificateFile, privateKeyFile: $0.privateKeyFile)
        }
        configuration.minimumVersion = settings.minimumVersion == "1.3" ? .tls13 : .tls12
        configuration.cipherList = settings.cipherList
        configuration.cipherSuites = settings.cipherSuites
        configuration.sessionTickets = settings.sessionTickets
        return try TLSServerContext(configuration, ticketKeys: ticketKeys)
    }
}
