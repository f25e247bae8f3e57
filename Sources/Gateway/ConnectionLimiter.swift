import Synchronization

/// The process-wide connection caps: `maxConnections` in all, `maxConnectionsPerAddress` from
/// one client address. Shared by every loop; taken once per accept and released once per close.
final class ConnectionLimiter: Sendable {
    enum Verdict { case admitted, overCapacity, overPerAddress }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let maxConnections: Int
    private let maxPerAddress: Int
    private let state = Mutex(State())

    /// - Parameter maxPerAddress: 0 means no per-address cap.
    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    func admit(_ host: String) -> Verdict {
        state.withLock { state in
            if state.total >= maxConnections { return .overCapacity }
            let fromHost = state.perAddress[host, default: 0]
            if maxPerAddress > 0 && fromHost >= maxPerAddress { return .overPerAddress }
            state.total += 1
            state.perAddress[host] = fromHost + 1
            return .admitted
        }
    }

    func release(_ host: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.perAddress[host, default: 1] - 1
            state.perAddress[host] = left > 0 ? left : nil
        }
    }

    var total: Int { state.withLock { $0.total } }
}
