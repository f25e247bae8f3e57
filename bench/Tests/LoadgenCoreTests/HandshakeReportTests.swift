import LoadgenCore
import Testing

/// The handshake mode's figures and the wss fields of `RunReport`.
@Suite struct HandshakeReportTests {
    static let tls13 = TLSParameters(
        version: "TLSv1.3",
        cipher: "TLS_AES_128_GCM_SHA256",
        group: "x25519",
        alpn: "http/1.1",
        peerKey: "EC prime256v1"
    )

    @Test func perHandshakeFigures() {
        var report = RunReport()
        report.mode = .handshakes
        report.tls = true
        report.resumeOffered = true
        report.tlsParameters = Self.tls13
        report.messages = 4000
        report.resumed = 3990
        report.durationSeconds = 10
        report.ticksPerSecond = 100
        report.serverTicks = ProcFiles.CPUTicks(user: 80, system: 20)
        #expect(report.handshakesPerSecond == 400)
        #expect(report.messagesPerSecond == nil)
        #expect(report.serverCPUPerHandshake == 250)
        #expect(report.serverUserPerHandshake == 200)
        #expect(report.serverCPUPerMessage == nil)
        #expect(report.resumptionRatio == 0.9975)

        let json = report.jsonLine()
        #expect(json.contains("\"mode\":\"handshakes\""))
        #expect(json.contains("\"handshakes\":4000,"))
        #expect(json.contains("\"handshakes_per_s\":400.000"))
        #expect(json.contains("\"server_cpu_us_per_handshake\":250.000"))
        #expect(json.contains("\"server_user_us_per_handshake\":200.000"))
        #expect(json.contains("\"server_cpu_us_per_msg\":null"))
        #expect(json.contains("\"msgs_per_s\":null"))
        #expect(json.contains("\"resumed\":3990,"))
        #expect(json.contains("\"resumption_ratio\":0.998"))
        #expect(json.contains("\"resume_offered\":true"))
        #expect(json.contains("\"tls\":true,\"tls_version\":\"TLSv1.3\",\"tls_cipher\":\"TLS_AES_128_GCM_SHA256\",\"tls_group\":\"x25519\",\"alpn\":\"http/1.1\",\"tls_peer_key\":\"EC prime256v1\""))
        #expect(report.humanLine().contains("400 handshakes/s"))
        #expect(report.humanLine().contains("99.8 % resumed"))
        #expect(report.humanLine().hasSuffix("[TLSv1.3 TLS_AES_128_GCM_SHA256 x25519 EC prime256v1 ALPN http/1.1]"))
    }

    @Test func plainEchoHasNoTLSFields() {
        var report = RunReport()
        report.messages = 10
        report.durationSeconds = 1
        let json = report.jsonLine()
        #expect(json.contains("\"tls\":false,\"tls_version\":null,\"tls_cipher\":null,\"tls_group\":null,\"alpn\":null,\"tls_peer_key\":null"))
        #expect(json.contains("\"handshakes\":null,\"handshakes_per_s\":null"))
        #expect(json.contains("\"resumed\":null,\"resumption_ratio\":null"))
        #expect(!report.humanLine().contains("["))
    }

    @Test func fullHandshakesWithoutResumptionReportZero() {
        var report = RunReport()
        report.mode = .handshakes
        report.tls = true
        report.messages = 100
        report.durationSeconds = 1
        #expect(report.resumptionRatio == 0)
        #expect(report.humanLine().contains("0.0 % resumed"))
    }

    @Test func summaryWithoutALPNOrGroup() {
        let parameters = TLSParameters(version: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256", group: nil, alpn: nil, peerKey: nil)
        #expect(parameters.summary == "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 ALPN none")
    }
}
