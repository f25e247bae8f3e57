import AgentProtocol

/// Names the Switchboard's calls (docs/agent-protocol.md §6.1):
///
/// - `uniqueid` is `<instance>-<unix seconds>.<counter>`: Asterisk's shape with its `systemname`
///   prefix. `instance` is 48 random bits in 12 hex digits, drawn once per Switchboard (each
///   start of the gateway), so two gateways, or one before and after a restart, that number
///   calls in the same second still name them apart.
/// - `call_guid` is a fresh `CallGUID` per call.
///
/// Pure: the random bytes come from `randomBytes(count)`, which the gateway backs with the
/// kernel's CSPRNG (`getrandom`) and tests with whatever they like.
struct CallNamer {
    /// 12 lower-case hex digits: this Switchboard's part of every uniqueid.
    let instance: String
    private let randomBytes: (Int) -> [UInt8]

    init(randomBytes: @escaping (Int) -> [UInt8]) {
        self.randomBytes = randomBytes
        instance = CallGUID.hex(randomBytes(6))
    }

    /// The names of the call created at `now` (Unix seconds) as the `order`-th of this Switchboard.
    func name(now: Int64, order: Int) -> (uniqueid: String, guid: String) {
        ("\(instance)-\(now).\(order)", CallGUID.make(unixMilliseconds: now * 1_000, random: randomBytes(CallGUID.randomBytes)))
    }
}
