/// The `tls` section of the configuration: wss/https listeners and how they present
/// themselves. Every key is documented in docs/config.md.
struct TLSSettings: Sendable, Equatable {
    /// TLS listeners, `HOST:PORT`. The embedded default (no listener configured anywhere) is
    /// `127.0.0.1:8443` beside the plain `127.0.0.1:8080`.
    var listen: [String] = []
    /// PEM certificate chain (leaf first) and its private key. When both are empty, a
    /// self-signed certificate for localhost, 127.0.0.1 and ::1 is generated once into
    /// `stateDirectory` and reused.
    var certificateFile = ""
    var privateKeyFile = ""
    /// Further certificates chosen by the client's SNI name (RFC 6066 §3).
    var sniCertificates: [SNIEntry] = []
    /// "1.2" or "1.3". Default "1.2" (TLS 1.3 is preferred whenever the client offers it).
    var minimumVersion = "1.2"
    /// OpenSSL cipher list for TLS 1.2; the default allows only ECDHE with AEAD ciphers.
    var cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    /// OpenSSL TLS 1.3 cipher suites.
    var cipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// RFC 5077/8446 session tickets, so returning clients skip the full handshake.
    var sessionTickets = true
    /// How often ticket keys rotate; tickets sealed with the previous key still resume. Default 12 h.
    var ticketKeyRotationSeconds = 43_200
    /// TLS handshakes in progress on one loop above which new TLS connections are refused
    /// (a CPU guard against handshake floods). Default 512.
    var maxHandshakesInFlightPerLoop = 512
    /// Plain-HTTP requests other than upgrades and the health endpoints get a 301 to https.
    var redirectHTTP = false

    struct SNIEntry: Sendable, Equatable {
        var serverNames: [String]
        var certificateFile: String
        var privateKeyFile: String
    }
}
