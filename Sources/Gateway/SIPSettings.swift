import SIP

/// The `sip` section (docs/config.md, docs/sip-edge.md): how `sip` routes read the SIP messages
/// browsers send.
struct SIPSettings: Sendable {
    /// Message and header bounds (defaults in `SIPLimits`).
    var limits = SIPLimits()

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: Int = try section.take("maxMessageBytes", range: 512...(16 << 20)) { limits.maxMessageBytes = v }
        if let v: Int = try section.take("maxHeaders", range: 10...10_000) { limits.maxHeaders = v }
        if let v: Int = try section.take("maxHeaderBytes", range: 256...(1 << 20)) { limits.maxHeaderBytes = v }
    }
}
