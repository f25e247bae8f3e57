import AgentDelivery
import ActionURLs

/// The `actionURLs` section: device Action URLs in (`/action`, docs/compatibility.md §4.2) and the webhooks out
/// to CRMs on each call event (docs/click-to-call.md §4–5, docs/config.md).
struct ActionURLSettings: Sendable {
    /// The templates requested on each call event, parsed (and refused by name) at start.
    var targets: [ActionURLTemplate] = []
    /// Delivery per target: attempts, backoff, timeout, queue size.
    var retry = ActionURLRetryPolicy()
    /// The phones' UTC offset: their `call_*_time` values are local time. Default 0 (UTC).
    var deviceUTCOffsetSeconds = 0
    /// The UTC offset written into the `call_*_time` placeholders going out. Default 0 (UTC).
    var targetUTCOffsetSeconds = 0
    /// Client addresses that may send `/action` without a key (the phones). Default none:
    /// loopback clients only, or an API key of `clickToCall.apiKeys`.
    var deviceAddresses: [String] = []
    /// Whether a https target's certificate is checked against the system's CAs. Default true.
    var verifyCertificates = true
    /// With `state.engine` `redis`: the lease on a shared queue (`leaseMilliseconds`, default
    /// 5,000), its renewal (`leaseRenewMilliseconds`, 1,000) and how often a queue nobody sends
    /// from is looked for (`leaseScanMilliseconds`, 1,000). docs/click-to-call.md §5.1.
    var lease = QueueLease.Settings()

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let texts: [String] = try section.take("targets") {
            targets = []
            for (index, text) in texts.enumerated() {
                switch ActionURLTemplate.parse(text) {
                case .success(let template): targets.append(template)
                case .failure(let error):
                    throw GatewayConfig.Error(key: "actionURLs.targets[\(index)]", problem: "\(error)")
                }
            }
        }
        var policy = retry
        if let v: Int = try section.take("maxAttempts", range: 1...20) { policy.maxAttempts = v }
        if let v: Int = try section.take("baseDelayMilliseconds", range: 1...600_000) { policy.baseDelayMilliseconds = v }
        if let v: Int = try section.take("maxDelayMilliseconds", range: 1...3_600_000) { policy.maxDelayMilliseconds = v }
        if let v: Int = try section.take("timeoutMilliseconds", range: 100...600_000) { policy.timeoutMilliseconds = v }
        if let v: Int = try section.take("queueCapacity", range: 1...1_000_000) { policy.queueCapacity = v }
        guard policy.maxDelayMilliseconds >= policy.baseDelayMilliseconds else {
            throw GatewayConfig.Error(key: "actionURLs.maxDelayMilliseconds", problem: "must not be below baseDelayMilliseconds")
        }
        retry = ActionURLRetryPolicy(maxAttempts: policy.maxAttempts, baseDelayMilliseconds: policy.baseDelayMilliseconds,
                                     maxDelayMilliseconds: policy.maxDelayMilliseconds,
                                     timeoutMilliseconds: policy.timeoutMilliseconds, queueCapacity: policy.queueCapacity)
        if let v: Int = try section.take("deviceUTCOffsetSeconds", range: -86_400...86_400) { deviceUTCOffsetSeconds = v }
        if let v: Int = try section.take("targetUTCOffsetSeconds", range: -86_400...86_400) { targetUTCOffsetSeconds = v }
        if let v: [String] = try section.take("deviceAddresses") { deviceAddresses = v }
        if let v: Bool = try section.take("verifyCertificates") { verifyCertificates = v }
        var lease = (self.lease.leaseMilliseconds, self.lease.renewMilliseconds, self.lease.scanMilliseconds)
        if let v: Int = try section.take("leaseMilliseconds", range: 200...600_000) { lease.0 = UInt64(v) }
        if let v: Int = try section.take("leaseRenewMilliseconds", range: 50...300_000) { lease.1 = UInt64(v) }
        if let v: Int = try section.take("leaseScanMilliseconds", range: 50...600_000) { lease.2 = UInt64(v) }
        guard lease.1 * 2 <= lease.0 else {
            throw GatewayConfig.Error(key: "actionURLs.leaseRenewMilliseconds", problem: "must be at most half of leaseMilliseconds")
        }
        self.lease = QueueLease.Settings(leaseMilliseconds: lease.0, renewMilliseconds: lease.1, scanMilliseconds: lease.2)
    }
}
