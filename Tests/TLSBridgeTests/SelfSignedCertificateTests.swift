import Glibc
import Testing
@testable import TLSBridge

@Suite struct SelfSignedCertificateTests {
    @Test func theFirstRunCreatesAndTheSecondReuses() throws {
        let directory = makeTemporaryDirectory() + "/state/tls"   // parents are created
        let first = try SelfSignedCertificate.ensure(in: directory)
        #expect(first.created)
        #expect(first.certificateFile == directory + "/selfsigned-cert.pem")
        #expect(first.keyFile == directory + "/selfsigned-key.pem")
        #expect(StateFolder.mode(of: first.keyFile) == 0o600)
        #expect(StateFolder.mode(of: first.certificateFile) == 0o644)
        let second = try SelfSignedCertificate.ensure(in: directory)
        #expect(!second.created)
        #expect(second.sha256Fingerprint == first.sha256Fingerprint)
        #expect(try SelfSignedCertificate.sha256Fingerprint(ofCertificateFile: first.certificateFile) == first.sha256Fingerprint)
    }

    @Test func theFingerprintIsColonSeparatedUppercaseHexOfSHA256() throws {
        let certificate = try SelfSignedCertificate.ensure(in: makeTemporaryDirectory())
        let groups = certificate.sha256Fingerprint.split(separator: ":")
        #expect(groups.count == 32)
        #expect(groups.allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(CertificateInfo.hexFingerprint([0x00, 0xAB, 0x0F]) == "00:AB:0F")
    }

    @Test func itServesLocalhostAndBothLoopbackAddresses() throws {
        let certificate = try SelfSignedCertificate.ensure(in: makeTemporaryDirectory())
        let server = try TLSServerContext(TLSServerConfiguration(
            certificateChainFile: certificate.certificateFile, privateKeyFile: certificate.keyFile))
        // A client that trusts exactly this certificate verifies every name in it.
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: .file(certificate.certificateFile)))
        for name in ["localhost", "127.0.0.1", "::1"] {
            let (c, _) = try connectedPair(server: server, client: client, serverName: name)
            #expect(c.peerCertificateSHA256Fingerprint == certificate.sha256Fingerprint)
            #expect(c.peerCertificateSubject == "CN=localhost,O=Callgate")
            #expect(c.cipherName == "TLS_AES_128_GCM_SHA256")
        }
        let c = try TLSEngine(client: client, serverName: "example.com")
        #expect(interact(client: c, server: try TLSEngine(server: server)).clientError?.kind == .certificateVerification)
    }

    @Test func itIsAnECDSAP256CertificateWithTheAgreedExtensions() throws {
        let certificate = try SelfSignedCertificate.ensure(in: makeTemporaryDirectory())
        let x509 = try X509Certificate(pemFile: certificate.certificateFile)
        let text = try #require(CertificateInfo.text(x509.pointer))
        #expect(text.contains("Version: 3"))
        #expect(text.contains("NIST CURVE: P-256") || text.contains("ASN1 OID: prime256v1"))
        #expect(text.contains("ecdsa-with-SHA256"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("Digital Signature"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(text.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"))
    }

    @Test func anExpiredCertificateIsReplaced() throws {
        let directory = makeTemporaryDirectory()
        let twoYearsAgo = Int(time(nil)) - 2 * 365 * 86_400
        let old = try SelfSignedCertificate.ensure(in: directory, hosts: SelfSignedCertificate.defaultHosts, validityDays: 365, now: twoYearsAgo)
        #expect(old.created)
        let renewed = try SelfSignedCertificate.ensure(in: directory)
        #expect(renewed.created)
        #expect(renewed.sha256Fingerprint != old.sha256Fingerprint)
        #expect(!(try SelfSignedCertificate.ensure(in: directory)).created)
    }

    @Test func aCertificateForOtherHostsIsReplaced() throws {
        let directory = makeTemporaryDirectory()
        let old = try SelfSignedCertificate.ensure(in: directory, hosts: ["localhost"])
        let wider = try SelfSignedCertificate.ensure(in: directory, hosts: ["localhost", "gateway.lan", "10.0.0.7"])
        #expect(wider.created)
        #expect(wider.sha256Fingerprint != old.sha256Fingerprint)
        // Fewer hosts than the certificate covers: still fine.
        #expect(!(try SelfSignedCertificate.ensure(in: directory, hosts: ["gateway.lan"])).created)
    }

    @Test func aKeyThatDoesNotMatchIsReplaced() throws {
        let directory = makeTemporaryDirectory()
        let first = try SelfSignedCertificate.ensure(in: directory)
        let other = try SelfSignedCertificate.ensure(in: makeTemporaryDirectory())
        rename(other.keyFile, first.keyFile)
        #expect(try SelfSignedCertificate.ensure(in: directory).created)
    }

    @Test func aCorruptFileIsReplaced() throws {
        let directory = makeTemporaryDirectory()
        let first = try SelfSignedCertificate.ensure(in: directory)
        try StateFolder.writeAtomically(Array("not a certificate".utf8), to: first.certificateFile, mode: 0o644)
        let second = try SelfSignedCertificate.ensure(in: directory)
        #expect(second.created)
    }

    @Test func anUnwritableFolderIsAFileError() throws {
        do {
            _ = try SelfSignedCertificate.ensure(in: "/proc/callgate-cannot-exist")
            Issue.record("wrote into /proc")
        } catch {
            #expect(error.kind == .file)
            #expect(!error.reasons.isEmpty)
        }
    }
}

